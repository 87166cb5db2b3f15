"""The OpenAPI schema is valid, served with offline docs, documents every status; the checker bites."""

import json
import os
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.utils import translation
from drf_spectacular.validation import validate_schema

from tests.api.openapi import SchemaCheckingClient, assert_conforms, openapi

pytestmark = pytest.mark.django_db


def operations():
    for path, item in openapi()["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_schema_is_served_to_anyone_and_validates(db):
    response = SchemaCheckingClient().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/tasks/{id}/" in schema["paths"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_schema_generates_without_a_warning_in_either_language(language):
    # As CI runs it: a warning (an unresolvable type, an enum name collision) fails.
    with translation.override(language):
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)


def test_every_operation_documents_its_error_statuses():
    for path, method, operation in operations():
        statuses = set(operation["responses"])
        where = f"{method.upper()} {path}"
        assert {"405", "429", "500"} <= statuses, where
        assert operation["responses"]["405"]["headers"]["Allow"], where
        if not path.endswith("/download/"):  # files are served whatever the Accept header says
            assert "406" in statuses, where
        if (path, method) != ("/api/v1/auth/token/", "post"):
            assert "401" in statuses, where
        if "{" in path:
            assert "404" in statuses, where
        if method in ("post", "put", "patch", "delete"):
            assert "403" in statuses or path == "/api/v1/auth/token/", where
        if "requestBody" in operation:
            assert {"400", "415"} <= statuses, where
    for method in ("put", "patch"):
        task_edit = openapi()["paths"]["/api/v1/tasks/{id}/"][method]
        assert {"200", "400", "403", "404", "412", "428"} <= set(task_edit["responses"])
        assert any(p["name"] == "If-Match" and p["in"] == "header" for p in task_edit["parameters"])


WORKFLOW_STATUSES = {
    ("/api/v1/tasks/{id}/completion-request/", "post"): {201, 400, 403, 404, 413, 415},
    ("/api/v1/tasks/{id}/verify/", "post"): {200, 400, 403, 404, 412, 428},
    ("/api/v1/tasks/{id}/return/", "post"): {200, 400, 403, 404, 412, 415, 428},
    ("/api/v1/tasks/{id}/extensions/", "get"): {200, 400, 404},
    ("/api/v1/tasks/{id}/extensions/", "post"): {201, 400, 403, 404, 415},
    ("/api/v1/extensions/{id}/decision/", "post"): {200, 400, 403, 404, 415},
    ("/api/v1/reports/", "post"): {202, 400, 403, 415},
    ("/api/v1/reports/{id}/upload/", "post"): {200, 400, 403, 404, 409, 413, 415},
    ("/api/v1/reports/{id}/submit/", "post"): {200, 403, 404, 409},
    ("/api/v1/reports/{id}/approve/", "post"): {200, 403, 404, 409},
    ("/api/v1/reports/{id}/return/", "post"): {200, 400, 403, 404, 409, 415},
    ("/api/v1/tasks/{id}/instructions/", "get"): {200, 400, 404},
    ("/api/v1/tasks/{id}/instructions/", "post"): {201, 400, 403, 404, 415},
    ("/api/v1/instructions/{id}/replies/", "post"): {201, 400, 403, 404, 413, 415},
}


@pytest.mark.parametrize(("path", "method"), list(WORKFLOW_STATUSES))
def test_the_workflow_endpoints_document_exactly_what_they_answer(path, method):
    operation = openapi()["paths"][path][method]
    expected = WORKFLOW_STATUSES[path, method] | {401, 405, 406, 429, 500}
    assert set(operation["responses"]) == {str(status) for status in expected}
    if path.startswith("/api/v1/tasks/") and path.endswith(("/verify/", "/return/")):
        assert any(p["name"] == "If-Match" and p["required"] for p in operation["parameters"])
    if path.endswith("/completion-request/"):
        assert set(operation["requestBody"]["content"]) == {"application/json", "multipart/form-data"}


def test_a_report_download_is_a_workbook_or_a_document_or_a_conflict_before_it_is_built():
    responses = openapi()["paths"]["/api/v1/reports/{id}/download/"]["get"]["responses"]
    assert set(responses) == {"200", "401", "404", "405", "409", "429", "500"}
    # A workbook; the 通报 a Word document.
    assert list(responses["200"]["content"]) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]
    assert responses["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_a_refused_report_upload_lists_its_errors_by_row_and_column():
    upload = openapi()["paths"]["/api/v1/reports/{id}/upload/"]["post"]["responses"]
    shape = openapi()["components"]["schemas"]["ReportUploadError"]
    assert upload["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ReportUploadError")
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in shape["oneOf"]} == {"RowErrors", "ValidationError"}
    row_error = openapi()["components"]["schemas"]["RowError"]
    assert set(row_error["properties"]) == {"row", "column", "message"}


def test_error_bodies_are_documented_with_their_shape():
    patch = openapi()["paths"]["/api/v1/tasks/{id}/"]["patch"]["responses"]
    assert patch["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ValidationError")
    assert patch["412"]["content"]["application/json"]["schema"]["$ref"].endswith("/VersionConflict")
    assert patch["403"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_swagger_ui_is_served_without_any_cdn(db):
    client = SchemaCheckingClient()
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert not re.search(r"""(src|href)=["']https?://""", html), "every asset is local"
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode()
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_redoc_is_served_without_any_cdn(db):
    page = SchemaCheckingClient().get("/api/v1/docs/redoc/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "drf_spectacular_sidecar/redoc/" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert finders.find("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js")


def test_the_checker_refuses_a_body_the_schema_does_not_describe(api_client, office):
    response = api_client(office).get("/api/v1/me/")
    response.content = json.dumps({"id": "not a number"}).encode()
    with pytest.raises(AssertionError, match="me/"):
        assert_conforms(response)


def test_the_checker_refuses_an_undocumented_status(api_client, office):
    response = api_client(office).get("/api/v1/me/")
    response.status_code = 418
    with pytest.raises(AssertionError, match="not documented"):
        assert_conforms(response)
