"""Every failure is JSON with a message: unknown paths, methods, bodies and server errors alike."""

import pytest

from api.views.regions import RegionViewSet

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
