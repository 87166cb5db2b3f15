"""Password guessing: after LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, that
pair is locked out (django-axes) on the login page, the admin login and the API token endpoint, with a
message saying so; the right password does not get in while locked. Other addresses and other users are
not affected. Password validators stay on; sessions expire."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def english(address: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def guess(client: Client, username: str, times: int):
    response = None
    for attempt in range(times):
        response = client.post(LOGIN, {"username": username, "password": f"wrong-{attempt}"})
    return response


def test_wrong_passwords_below_the_limit_get_the_usual_message(office):
    response = guess(english(), office.username, 2)
    assert response.status_code == 200
    assert "didn" in response.content.decode()  # "Your username and password didn't match"


def test_reaching_the_limit_locks_the_login_page_with_a_message(office):
    client = english()
    response = guess(client, office.username, 3)
    assert response.status_code == 429
    assert "Too many failed login attempts. Log in again in 15 minutes" in response.content.decode()
    assert 'name="username"' in response.content.decode()  # still the login page

    response = client.post(LOGIN, {"username": office.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_per_address_and_username(office, leader):
    guess(english("10.0.0.1"), office.username, 3)

    elsewhere = english("10.0.0.2")
    assert elsewhere.post(LOGIN, {"username": office.username, "password": PASSWORD}).status_code == 302
    colleague = english("10.0.0.1")
    assert colleague.post(LOGIN, {"username": leader.username, "password": PASSWORD}).status_code == 302


def test_a_successful_login_resets_the_count(office):
    client = english()
    guess(client, office.username, 2)
    assert client.post(LOGIN, {"username": office.username, "password": PASSWORD}).status_code == 302
    client.logout()
    assert guess(client, office.username, 2).status_code == 200


def test_the_admin_login_is_locked_too(superuser):
    client = english()
    for attempt in range(3):
        response = client.post(
            "/admin/login/",
            {"username": superuser.username, "password": f"wrong-{attempt}", "next": "/admin/"},
        )
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()


def test_the_api_token_endpoint_is_locked_with_a_json_error(office):
    client = APIClient(REMOTE_ADDR="10.0.0.9")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for attempt in range(3):
        response = client.post(
            TOKEN, {"username": office.username, "password": f"wrong-{attempt}"}, format="json"
        )
    response = client.post(TOKEN, {"username": office.username, "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert "Too many failed login attempts" in response.json()["detail"]
    assert not Token.objects.filter(user=office).exists()


@pytest.mark.parametrize("password", ["12345678", "password", "short"])
def test_weak_passwords_are_refused_by_the_validators(office, password):
    with pytest.raises(ValidationError):
        validate_password(password, office)


def test_sessions_expire_after_a_working_day_and_when_the_browser_closes(office):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    client = english()
    client.post(LOGIN, {"username": office.username, "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    # A browser-session cookie: no lifetime of its own.
    assert not cookie["max-age"]
    assert not cookie["expires"]
    assert 0 < client.session.get_expiry_age() <= 8 * 3600
