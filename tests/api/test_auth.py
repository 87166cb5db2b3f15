"""Tokens (obtain, reuse, revoke), the session for the pages' own scripts, and throttling."""

import pytest
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.throttling import UserRateThrottle

from api.throttling import TokenObtainThrottle
from tests.api.openapi import SchemaCheckingClient as APIClient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"


def obtain(client: APIClient, username: str, password: str = PASSWORD):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json")


def test_a_token_is_issued_for_username_and_password_and_authenticates_the_user(office):
    response = obtain(APIClient(), office.username)
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == office.username
    assert body["user"]["role"] == "office"
    assert body["user"]["region"]["code"] == "410100"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert client.get(ME_URL).json()["username"] == office.username


def test_the_same_token_is_returned_until_it_is_revoked(liaison):
    first = obtain(APIClient(), liaison.username).json()["token"]
    assert obtain(APIClient(), liaison.username).json()["token"] == first
    assert Token.objects.filter(user=liaison).count() == 1


def test_a_wrong_password_gets_no_token_and_a_message(office):
    response = obtain(APIClient(), office.username, "wrong password")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]["non_field_errors"]
    assert body["detail"] == body["errors"]["non_field_errors"][0]
    assert not Token.objects.exists()


def test_a_missing_password_is_named_as_the_field(office):
    response = APIClient().post(TOKEN_URL, {"username": office.username}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["password"]


def test_an_inactive_user_gets_no_token(office):
    office.is_active = False
    office.save()
    assert obtain(APIClient(), office.username).status_code == 400
    assert not Token.objects.exists()


def test_a_token_of_a_user_deactivated_since_no_longer_works(api_client, office):
    client = api_client(office)
    office.is_active = False
    office.save()
    assert client.get(ME_URL).status_code == 401


def test_a_revoked_token_no_longer_authenticates(api_client, office):
    client = api_client(office)
    assert client.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=office).exists()
    response = client.get(ME_URL)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_new_token_after_revoking_is_a_different_one(office):
    first = obtain(APIClient(), office.username).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    client.delete(TOKEN_URL)
    assert obtain(APIClient(), office.username).json()["token"] != first


def test_anonymous_requests_get_401_with_the_scheme_to_use(db):
    response = APIClient().get(ME_URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_obtaining_a_token_ignores_a_stale_token_sent_along(office):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert obtain(client, office.username).status_code == 200


def test_obtaining_a_token_needs_no_csrf_token_even_with_a_session(office):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(office)
    assert obtain(client, office.username).status_code == 200


def test_token_requests_are_throttled_per_client_address(office, monkeypatch):
    monkeypatch.setattr(TokenObtainThrottle, "rate", "3/minute", raising=False)
    client = APIClient()
    statuses = [obtain(client, office.username, "guess").status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    refused = obtain(client, office.username)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"
    assert not Token.objects.exists(), "not even the right password gets through while throttled"


def test_requests_are_throttled_per_user(api_client, office, leader, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "rate", "2/minute", raising=False)
    client = api_client(office)
    assert [client.get(ME_URL).status_code for _ in range(3)] == [200, 200, 429]
    assert api_client(leader).get(ME_URL).status_code == 200, "another user has their own allowance"


# The session, for the pages' own scripts ---------------------------------------------------------


@pytest.fixture
def session_client(office):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(office)
    return client


def test_the_session_authenticates_reads(session_client, office):
    assert session_client.get(ME_URL).json()["username"] == office.username


def test_a_session_write_without_the_csrf_token_is_refused_and_changes_nothing(session_client, own_task):
    with translation.override("zh-hans"):
        response = session_client.post(f"/api/v1/tasks/{own_task.pk}/reminders/", {"message": "请报送。"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    own_task.refresh_from_db()
    assert own_task.reminders.count() == 0


def test_a_session_write_with_the_csrf_token_goes_through(session_client, own_task, liaison):
    secret = _get_new_csrf_string()
    session_client.cookies["csrftoken"] = secret
    response = session_client.post(
        f"/api/v1/tasks/{own_task.pk}/reminders/",
        {"message": "请报送。"},
        format="json",
        HTTP_X_CSRFTOKEN=_mask_cipher_secret(secret),
    )
    assert response.status_code == 201
    assert liaison.pk in [r["recipient"]["id"] for r in response.json()["reminded"]]
