"""Production configuration: `manage.py check --deploy` passes with no warning when the portal is started
with DEBUG off and the variables of .env.example, and development keeps plain HTTP.

Run in a fresh interpreter with a hand-made environment, the way a server process loads the settings
(the suite's own settings turn HTTPS off for its plain-HTTP clients)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
SHOW = (
    "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'reform.settings'; django.setup(); "
    "from django.conf import settings as s; print(json.dumps({n: getattr(s, n) for n in %r}))"
)
HTTPS_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
)


def production(**extra: str) -> dict[str, str]:
    """DEBUG off with .env.example's variables (a real key: the check refuses weak ones)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "ledger.example.gov.cn",
        "CSRF_TRUSTED_ORIGINS": "https://ledger.example.gov.cn",
        **extra,
    }


def run(args: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_DIR, env=environ, capture_output=True, text=True, timeout=120
    )


def test_the_deploy_checks_pass_without_a_warning_in_production():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_checks_would_warn_if_https_were_turned_off():
    """The test above is not vacuous: the same check fails when the production defaults are overridden."""
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production(SECURE_SSL_REDIRECT="0")
    )
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_development_serves_plain_http():
    environ = production(DEBUG="1")
    del environ["SECRET_KEY"]
    result = run(["-c", SHOW % (HTTPS_SETTINGS,)], environ)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown == dict.fromkeys(HTTPS_SETTINGS, False) | {"SECURE_HSTS_SECONDS": 0}


def test_production_defaults_to_https_and_short_sessions():
    names = (*HTTPS_SETTINGS, "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "X_FRAME_OPTIONS")
    result = run(["-c", SHOW % (names,)], production())
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SESSION_COOKIE_SECURE"] is True
    assert shown["CSRF_COOKIE_SECURE"] is True
    assert shown["SECURE_HSTS_SECONDS"] >= 31536000
    assert shown["SESSION_COOKIE_AGE"] == 8 * 3600
    assert shown["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert shown["X_FRAME_OPTIONS"] == "DENY"


def test_healthz_is_exempt_from_the_https_redirect_for_internal_healthchecks(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
