"""Every failure is JSON with a message: unknown paths, methods, bodies and server errors alike."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from regions.api import RegionViewSet
from tests.api.openapi import SchemaCheckingClient, openapi, operations_of
from tests.api_world import PDF

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
    response = client.get("/api/v1/regions/")  # the checking client holds it to the documented 500
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


# 405, 406 and 500 are documented on every operation, with the JSON error body they have -------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/v1/tasks/"),
        ("get", "/api/v1/tasks/{task}/verify/"),
        ("put", "/api/v1/tasks/{task}/return/"),
        ("get", "/api/v1/tasks/{task}/completion-request/"),
        ("delete", "/api/v1/tasks/{task}/extensions/"),
        ("get", "/api/v1/extensions/1/decision/"),
        ("post", "/api/v1/regions/"),
    ],
)
def test_a_method_a_path_lacks_is_a_405_as_documented_and_changes_nothing(
    api_client, office, own_task, method, path
):
    path = path.format(task=own_task.pk)
    version = own_task.version
    response = getattr(api_client(office), method)(path, {"reason": "改"}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert method.upper() not in response["Allow"]
    # The checking client held the body and the Allow header to the path's documented operations.
    assert all("405" in operation["responses"] for operation in operations_of(path).values())
    own_task.refresh_from_db()
    assert own_task.version == version


@pytest.mark.parametrize(
    "path",
    ["/api/v1/tasks/", "/api/v1/tasks/{task}/", "/api/v1/tasks/{task}/extensions/", "/api/v1/me/"],
)
def test_an_accept_header_the_api_cannot_satisfy_is_a_json_406(api_client, office, own_task, path):
    response = api_client(office).get(path.format(task=own_task.pk), HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_acceptable"


def test_a_write_with_an_unsatisfiable_accept_header_is_refused_before_anything_is_written(
    api_client, liaison, own_task
):
    version = own_task.version
    response = api_client(liaison).post(
        f"/api/v1/tasks/{own_task.pk}/completion-request/",
        {"narrative": "方案已印发实施。"},
        format="json",
        HTTP_ACCEPT="application/xml",
    )
    assert response.status_code == 406
    own_task.refresh_from_db()
    assert own_task.version == version


def test_an_evidence_download_serves_the_file_whatever_is_accepted(api_client, liaison, own_task):
    evidence = own_task.progress_updates.get().evidence.get()
    response = api_client(liaison).get(
        f"/api/v1/evidence/{evidence.pk}/download/", HTTP_ACCEPT="application/xml"
    )
    assert response.status_code == 200
    assert "406" not in openapi()["paths"]["/api/v1/evidence/{id}/download/"]["get"]["responses"]


def test_a_server_error_in_a_workflow_endpoint_is_the_documented_json_500(
    api_client, office, own_task, monkeypatch
):
    from tasks.ledger.api import completion

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(completion, "verify_completion", broken)
    client = api_client(office)
    client.raise_request_exception = False
    response = client.post(f"/api/v1/tasks/{own_task.pk}/verify/", HTTP_IF_MATCH=f'"{own_task.version}"')
    assert response.status_code == 500
    assert set(response.json()) == {"detail", "code"}
    assert response.json()["code"] == "error"
    assert "secret internals" not in response.content.decode()
