"""Every failure is JSON with a message: unknown paths, methods, bodies and server errors alike."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.views.regions import RegionViewSet
from tests.api.conftest import PDF
from tests.api.openapi import SchemaCheckingClient, openapi

pytestmark = pytest.mark.django_db


def test_an_unknown_path_under_the_api_is_a_json_404(api_client, office):
    response = api_client(office).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_a_method_the_endpoint_lacks_is_a_json_405(api_client, office):
    response = api_client(office).delete("/api/v1/tasks/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_malformed_json_is_a_400_saying_so(api_client, office, own_task):
    response = api_client(office).post(
        f"/api/v1/tasks/{own_task.pk}/progress/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_an_unsupported_media_type_is_a_415(api_client, office, own_task):
    response = api_client(office).post(
        f"/api/v1/tasks/{own_task.pk}/reminders/",
        data="message=hi",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_server_error_is_json_and_logged(api_client, office, monkeypatch, caplog):
    def broken(self):
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(RegionViewSet, "get_queryset", broken)
    client = api_client(office)
    client.raise_request_exception = False
    client.check_schema = False  # a 500 is undocumented by design
    response = client.get("/api/v1/regions/")
    assert response.status_code == 500
    assert response.json()["code"] == "error"
    assert "the database fell over" not in response.content.decode(), "no internals leak"
    assert "the database fell over" in caplog.text


# Found by the schemathesis run (scripts/api_fuzz.py) ----------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "patch", "post", "delete"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tasks/null,null/",  # PUT and PATCH were a 500 (the id reached the query)
        "/api/v1/tasks/0.5/",
        "/api/v1/tasks/abc/progress/",
        "/api/v1/document-imports/null/review/",
        "/api/v1/evidence/x/download/",
    ],
)
def test_an_id_that_is_not_an_integer_is_a_json_404(api_client, office, own_task, method, path):
    version = own_task.version
    response = getattr(api_client(office), method)(path, {"text": "改"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
    own_task.refresh_from_db()
    assert own_task.version == version


def test_the_schema_types_every_path_id_as_an_integer():
    for path, item in openapi()["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert parameter["schema"]["type"] == "integer", f"{method} {path} {parameter['name']}"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_to_an_unknown_path_is_a_json_404_even_where_csrf_is_enforced(office, method):
    # The catch-all view was not CSRF-exempt: with a real client (CSRF enforced) a POST to, say,
    # /tasks/abc/progress/ got the middleware's HTML 403 page instead of the API's JSON 404.
    client = SchemaCheckingClient(enforce_csrf_checks=True)
    client.force_authenticate(office)
    for path in ("/api/v1/no-such-thing/", "/api/v1/tasks/abc/progress/"):
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"


def test_a_path_with_a_newline_is_a_json_404_too(api_client, office):
    # "." in the catch-all's pattern stopped at the newline: the site's HTML 404 answered instead.
    for path in ("/api/v1/document-imports/)th%0A/review/", "/api/v1/%0A", "/api/v1/tasks/1%0A/"):
        response = api_client(office).post(path, {}, format="json")
        assert "\n" in response.request["PATH_INFO"]
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"


# Django refuses an oversized multipart body while DRF parses it: a client error, not a 500.


def report_with(task, client, **extra):
    data = {"status": "in_progress", "percent": 30, "narrative": "已完成方案起草。", **extra}
    return client.post(f"/api/v1/tasks/{task.pk}/progress/", data, format="multipart")


def test_a_multipart_body_over_the_memory_limit_is_a_413_and_writes_nothing(
    api_client, liaison, own_task, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    reports = own_task.progress_updates.count()
    response = report_with(own_task, api_client(liaison), narrative="进展" * 1000)
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert own_task.progress_updates.count() == reports


@pytest.mark.parametrize("limit", ["DATA_UPLOAD_MAX_NUMBER_FILES", "DATA_UPLOAD_MAX_NUMBER_FIELDS"])
def test_too_many_multipart_fields_or_files_is_a_400_and_writes_nothing(
    api_client, liaison, own_task, settings, limit
):
    setattr(settings, limit, 3)
    reports = own_task.progress_updates.count()
    files = [SimpleUploadedFile(f"纪要{i}.pdf", PDF, "application/pdf") for i in range(5)]
    response = report_with(own_task, api_client(liaison), files=files, readings="{}")
    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": [response.json()["detail"]]}
    assert own_task.progress_updates.count() == reports
