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


# Found by schemathesis with a random seed, on SQLite: a number beyond 64 bits reached the query (a
# Decimal from NumberFilter, which SQLite's driver cannot bind: OverflowError, a 500). Every id parameter
# is now an IdFilter: a whole number from 1 to 2**63-1, else 400 naming it, on every database.

MAX_ID = 2**63 - 1
ID_PARAMETERS = [
    ("deadlines", "task"),
    ("assignments", "task"),
    ("assignments", "department"),
    ("targets", "task"),
    ("reports", "department"),
    ("tasks", "document"),
    ("tasks", "department"),
    ("tasks", "lead_department"),
]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/deadlines/?task=-7.86e%2B252",  # as the issue reports them
        "/api/v1/assignments/?department=3.4e%2B38",
        "/api/v1/reports/?department=3.4e%2B38",
        "/api/v1/targets/?task=-7.86e%2B252",
        "/api/v1/reports/?department=-7.86e%2B252",
        "/api/v1/targets/?task=3.4e%2B38",
    ],
)
def test_a_huge_number_in_an_id_filter_is_a_400_naming_the_parameter(api_client, office, own_task, url):
    client = api_client(office)
    client.raise_request_exception = False  # a 500 is the assertion's failure, not the test's error
    response = client.get(url)
    assert response.status_code == 400
    body = response.json()
    parameter = url.split("?")[1].split("=")[0]
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [parameter]
    assert parameter in body["detail"]
    assert str(MAX_ID) in body["errors"][parameter][0]


@pytest.mark.parametrize(("endpoint", "parameter"), ID_PARAMETERS)
@pytest.mark.parametrize(
    "value",
    [
        str(MAX_ID + 1),
        "99999999999999999999999",
        "-99999999999999999999999",
        "9" * 5000,  # beyond int()'s own limit of digits
        "1e3",
        "1.5",
        "1.0",
        "1_000",
        "0",
        "-1",
        "nan",
        "١٢",  # digits of another script: int() would read them
    ],
)
def test_an_id_filter_takes_only_a_whole_number_from_1_to_2_63_minus_1(
    api_client, office, own_task, endpoint, parameter, value
):
    client = api_client(office)
    client.raise_request_exception = False
    response = client.get(f"/api/v1/{endpoint}/", {parameter: value})
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [parameter]


@pytest.mark.parametrize(("endpoint", "parameter"), ID_PARAMETERS)
def test_the_largest_id_is_a_valid_filter_that_matches_nothing(
    api_client, office, own_task, endpoint, parameter
):
    response = api_client(office).get(f"/api/v1/{endpoint}/", {parameter: str(MAX_ID)})
    if endpoint == "tasks":  # a choice of what the user sees: no such document or department
        assert response.status_code == 400
        assert list(response.json()["errors"]) == [parameter]
    else:
        assert response.status_code == 200
        assert response.json()["results"] == []


def test_an_id_filter_still_filters(api_client, office, own_task, foreign_task):
    department = own_task.assignments.get().department_id
    for endpoint, parameter, value in [
        ("deadlines", "task", own_task.pk),
        ("targets", "task", f" {own_task.pk} "),
        ("assignments", "department", f"00{department}"),
    ]:
        results = api_client(office).get(f"/api/v1/{endpoint}/", {parameter: value}).json()["results"]
        assert results, (endpoint, parameter, value)
        assert {row["task"] for row in results} == {own_task.pk}


def test_the_schema_bounds_every_id_filter():
    for endpoint, parameter in ID_PARAMETERS:
        (schema,) = [
            p["schema"]
            for p in openapi()["paths"][f"/api/v1/{endpoint}/"]["get"]["parameters"]
            if p["name"] == parameter and p["in"] == "query"
        ]
        assert schema == {"type": "integer", "minimum": 1, "maximum": MAX_ID}, (endpoint, parameter)


@pytest.mark.parametrize("value", [str(MAX_ID), str(MAX_ID + 1), "99999999999999999999999"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tasks/{id}/",
        "/api/v1/tasks/{id}/progress/",
        "/api/v1/tasks/{id}/extensions/",
        "/api/v1/documents/{id}/",
        "/api/v1/deadlines/{id}/",
        "/api/v1/reports/{id}/",
        "/api/v1/departments/{id}/",
        "/api/v1/evidence/{id}/download/",
    ],
)
def test_a_huge_id_in_the_path_is_a_json_404(api_client, office, own_task, path, value):
    client = api_client(office)
    client.raise_request_exception = False
    response = client.get(path.format(id=value))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("value", [MAX_ID + 1, 10**30])
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"assignments": [{"department": "{v}", "role": "lead"}]}, "assignments.0.department"),
        ({"deadlines": [{"id": "{v}", "kind": "ongoing", "text": "长期坚持"}]}, "deadlines.0.id"),
        ({"targets": [{"id": "{v}", "text": "覆盖率达到90%"}]}, "targets.0.id"),
    ],
)
def test_a_huge_id_in_an_edit_is_a_400_naming_it_and_changes_nothing(
    api_client, office, own_task, body, field, value
):
    # assignments[*].department reached `pk__in` (Django checks the range of = but not of IN): on
    # SQLite an OverflowError, a 500.
    (name, rows) = next(iter(body.items()))
    rows = [{key: value if item == "{v}" else item for key, item in row.items()} for row in rows]
    version = own_task.version
    client = api_client(office)
    client.raise_request_exception = False
    response = client.patch(
        f"/api/v1/tasks/{own_task.pk}/", {name: rows}, format="json", HTTP_IF_MATCH=f'"{version}"'
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    own_task.refresh_from_db()
    assert own_task.version == version


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
