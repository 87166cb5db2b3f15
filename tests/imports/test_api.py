"""Importing a document through the API: upload → parse preview → review → confirm or discard, with the
import pages' services and rules."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks.imports.services.review_edits import draft_revision
from tasks.models import DocumentImport, PolicyDocument, Task
from tests.factories import OfficeUserFactory
from tests.imports.test_importing import SMALL

pytestmark = pytest.mark.django_db

LIST = "/api/v1/document-imports/"


def stored_files() -> set[str]:
    return {str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def upload(client, content: bytes, region, name: str = "重点任务.txt"):
    return client.post(
        LIST, {"file": SimpleUploadedFile(name, content), "region": region.pk}, format="multipart"
    )


@pytest.fixture
def office_api(api_client, office, insurance_bureau, health_commission, county_government):
    return api_client(office)


@pytest.fixture
def pending(office_api, zhengzhou) -> dict:
    response = upload(office_api, SMALL.encode(), zhengzhou)
    assert response.status_code == 201, response.content
    return response.json()


def test_an_upload_is_parsed_into_a_preview_and_nothing_is_imported(pending, zhengzhou):
    assert pending["status"] == "draft"
    assert pending["region"]["code"] == zhengzhou.code
    assert pending["draft"]["doc_number"] == "郑医改〔2026〕1号"
    assert [task["number"] for task in pending["draft"]["tasks"]] == ["（一）", "（二）", "（三）"]
    assert pending["revision"] == draft_revision(DocumentImport.objects.get().draft)
    assert pending["existing_document"] is None
    assert "市财政局" in pending["unmatched"]
    assert PolicyDocument.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [("无任务.txt", "只有一段文字，没有任何任务。".encode()), ("坏文件.docx", b"not a zip at all")],
)
def test_an_unusable_file_is_refused_naming_the_file_field(office_api, zhengzhou, name, content):
    files = stored_files()
    response = upload(office_api, content, zhengzhou, name)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["file"]
    assert not DocumentImport.objects.exists()
    assert stored_files() == files


def test_a_region_outside_the_offices_scope_is_refused(office_api, changsha):
    response = upload(office_api, SMALL.encode(), changsha)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["region"]
    assert not DocumentImport.objects.exists()


def test_the_office_lists_its_own_imports(office_api, pending, zhengzhou):
    OfficeUserFactory(region=zhengzhou)  # a colleague's imports are theirs
    rows = office_api.get(LIST).json()["results"]
    assert [row["id"] for row in rows] == [pending["id"]]
    assert office_api.get(f"{LIST}?status=imported").json()["results"] == []


def test_a_colleagues_import_is_not_found(api_client, pending, zhengzhou):
    colleague = OfficeUserFactory(region=zhengzhou)
    assert api_client(colleague).get(f"{LIST}{pending['id']}/").status_code == 404


def test_a_review_applies_the_form_fields_to_the_draft(office_api, pending):
    response = office_api.post(
        f"{LIST}{pending['id']}/review/",
        {"fields": {"revision": pending["revision"], "t0-text": "推进按病种付费改革。", "t2-drop": "on"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    tasks = response.json()["draft"]["tasks"]
    assert tasks[0]["text"] == "推进按病种付费改革。"
    assert len(tasks) == 2


def test_a_review_of_an_older_revision_is_refused_and_changes_nothing(office_api, pending):
    draft = DocumentImport.objects.get().draft
    response = office_api.post(
        f"{LIST}{pending['id']}/review/", {"fields": {"revision": "0000", "t0-text": "改。"}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"]
    assert DocumentImport.objects.get().draft == draft


def test_confirming_with_unmapped_names_needs_an_acknowledgement(office_api, pending):
    response = office_api.post(f"{LIST}{pending['id']}/confirm/")
    assert response.status_code == 400
    assert "市财政局" in response.json()["detail"]
    assert PolicyDocument.objects.count() == 0


def test_confirming_imports_the_document(office_api, pending):
    response = office_api.post(
        f"{LIST}{pending['id']}/confirm/", {"acknowledge_unmatched": True}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    document = PolicyDocument.objects.get()
    assert body["document"] == {"id": document.pk, "title": document.title, "doc_number": document.doc_number}
    assert body["created"] is True
    assert body["tasks_created"] == Task.objects.filter(document=document).count() == 3
    assert any("市财政局" in warning for warning in body["warnings"])
    assert office_api.get(f"{LIST}{pending['id']}/").json()["status"] == "imported"
    again = office_api.post(f"{LIST}{pending['id']}/confirm/")
    assert again.status_code == 400
    assert PolicyDocument.objects.count() == 1


def test_a_draft_with_problems_is_not_imported(office_api, pending):
    office_api.post(
        f"{LIST}{pending['id']}/review/",
        {"fields": {"revision": pending["revision"], "t1-a0-name": "市医保办公室"}},
        format="json",
    )
    assert office_api.get(f"{LIST}{pending['id']}/").json()["problems"]
    response = office_api.post(f"{LIST}{pending['id']}/confirm/")
    assert response.status_code == 400
    assert "市医保办公室" in response.json()["detail"]
    assert PolicyDocument.objects.count() == 0


def test_discarding_drops_the_draft_and_its_file(office_api, pending):
    response = office_api.delete(f"{LIST}{pending['id']}/")
    assert response.status_code == 204
    doc_import = DocumentImport.objects.get()
    assert doc_import.status == DocumentImport.Status.DISCARDED
    assert not doc_import.file
    assert office_api.delete(f"{LIST}{pending['id']}/").status_code == 400


def test_a_second_upload_of_the_same_document_previews_the_document_it_updates(
    office_api, pending, zhengzhou
):
    office_api.post(f"{LIST}{pending['id']}/confirm/", {"acknowledge_unmatched": True}, format="json")
    again = upload(office_api, SMALL.encode(), zhengzhou).json()
    assert again["existing_document"]["id"] == PolicyDocument.objects.get().pk
