"""Configuration from the environment: refusing to start misconfigured, and reading values strictly.

The start-up checks run reform.settings in a fresh interpreter with a hand-made environment, the
way a server process would load it; the helpers in reform.env are tested directly.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from reform.env import env_bool, env_int, env_list, env_str, parse_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BOOT = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='reform.settings'; django.setup()"
SHOW = "; from django.conf import settings as s; import json; print(json.dumps({names}))"


def start(*, show: tuple[str, ...] = (), **environ: str) -> subprocess.CompletedProcess:
    """Start Django with only `environ` set (plus PATH/HOME), and print the settings named in `show`."""
    code = BOOT
    if show:
        code += SHOW.format(names="{" + ", ".join(f"{name!r}: s.{name}" for name in show) + "}")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **environ}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def shown(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# Starting up ----------------------------------------------------------------------------------


class TestStartingWithoutASecretKey:
    @pytest.mark.parametrize("debug", [None, "0", "false", "off", ""])
    def test_is_refused_when_debug_is_off(self, debug):
        result = start(**({} if debug is None else {"DEBUG": debug}))

        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "SECRET_KEY must be set" in result.stderr

    def test_is_refused_when_the_key_is_only_blanks(self):
        result = start(SECRET_KEY="   ")

        assert result.returncode != 0
        assert "SECRET_KEY must be set" in result.stderr

    def test_is_allowed_in_debug_mode_with_a_visibly_insecure_key(self):
        result = start(DEBUG="1", show=("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"))

        values = shown(result)
        assert values["DEBUG"] is True
        assert values["SECRET_KEY"].startswith("django-insecure")
        assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]


class TestStartingInProduction:
    def test_works_with_a_secret_key(self):
        result = start(
            SECRET_KEY="a-real-secret-from-the-vault", show=("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")
        )

        assert shown(result) == {
            "DEBUG": False,
            "SECRET_KEY": "a-real-secret-from-the-vault",
            "ALLOWED_HOSTS": [],
        }

    def test_reads_allowed_hosts_as_a_list(self):
        result = start(
            SECRET_KEY="k", ALLOWED_HOSTS="ygb.example.cn, www.ygb.example.cn", show=("ALLOWED_HOSTS",)
        )

        assert shown(result) == {"ALLOWED_HOSTS": ["ygb.example.cn", "www.ygb.example.cn"]}

    def test_a_debug_value_that_is_not_a_boolean_stops_it_naming_debug(self):
        result = start(SECRET_KEY="k", DEBUG="maybe")

        assert result.returncode != 0
        assert "ImproperlyConfigured: DEBUG must be one of" in result.stderr
        assert "'maybe'" in result.stderr

    @pytest.mark.parametrize("ladder", ["5:head,2:office", "3:mayor", "x:liaison"])
    def test_a_malformed_escalation_ladder_stops_it_naming_the_variable(self, ladder):
        result = start(SECRET_KEY="k", ESCALATION_LADDER=ladder)

        assert result.returncode != 0
        assert "ImproperlyConfigured: ESCALATION_LADDER must be" in result.stderr

    def test_a_debug_value_that_is_not_a_boolean_stops_it_even_without_a_secret_key(self):
        result = start(DEBUG="maybe")

        assert result.returncode != 0
        assert "DEBUG must be one of" in result.stderr

    def test_a_connection_age_that_is_not_a_number_stops_it_naming_the_variable(self):
        result = start(SECRET_KEY="k", DB_CONN_MAX_AGE="forever")

        assert result.returncode != 0
        assert "DB_CONN_MAX_AGE must be an integer" in result.stderr

    def test_an_unsupported_database_stops_it(self):
        result = start(SECRET_KEY="k", DATABASE_URL="mysql://reform@localhost/reform")

        assert result.returncode != 0
        assert "DATABASE_URL scheme 'mysql' is not supported" in result.stderr

    def test_keeps_postgresql_connections_open_by_default(self):
        result = start(
            SECRET_KEY="k", DATABASE_URL="postgres://reform@db.internal:5432/reform", show=("DATABASES",)
        )

        database = shown(result)["DATABASES"]["default"]
        assert database["ENGINE"] == "django.db.backends.postgresql"
        assert database["CONN_MAX_AGE"] > 0
        assert database["CONN_HEALTH_CHECKS"] is True

    def test_the_connection_age_can_be_set(self):
        result = start(
            SECRET_KEY="k",
            DATABASE_URL="postgres://reform@db.internal/reform",
            DB_CONN_MAX_AGE="300",
            show=("DATABASES",),
        )

        assert shown(result)["DATABASES"]["default"]["CONN_MAX_AGE"] == 300

    def test_uses_sqlite_in_the_project_without_a_database_url(self):
        result = start(SECRET_KEY="k", show=("DATABASES",))

        database = shown(result)["DATABASES"]["default"]
        assert database["ENGINE"] == "django.db.backends.sqlite3"
        assert database["NAME"] == str(PROJECT_DIR / "db.sqlite3")


# The settings the suite runs on ---------------------------------------------------------------


class TestLoadedSettings:
    def test_run_on_china_standard_time(self):
        assert settings.TIME_ZONE == "Asia/Shanghai"
        assert settings.USE_TZ is True

    def test_speak_simplified_chinese_with_english_available(self):
        assert settings.LANGUAGE_CODE == "zh-hans"
        assert {"zh-hans", "en"} <= {code for code, _name in settings.LANGUAGES}

    def test_keep_database_connections_on_postgresql(self):
        database = settings.DATABASES["default"]
        assert database["ENGINE"] in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}
        if database["ENGINE"] == "django.db.backends.postgresql":
            assert database["CONN_MAX_AGE"] > 0
            assert database["CONN_HEALTH_CHECKS"] is True


# parse_database_url ---------------------------------------------------------------------------


class TestParseDatabaseUrl:
    base_dir = Path("/srv/reform")

    def parse(self, url: str, conn_max_age: int = 60) -> dict:
        return parse_database_url(url, self.base_dir, conn_max_age=conn_max_age)

    def test_sqlite_relative_to_the_project(self):
        assert self.parse("sqlite:///db.sqlite3") == {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": "/srv/reform/db.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }

    def test_sqlite_relative_in_a_subdirectory(self):
        assert (
            self.parse("sqlite:///var/data/ledger.sqlite3")["NAME"] == "/srv/reform/var/data/ledger.sqlite3"
        )

    def test_sqlite_absolute(self):
        assert self.parse("sqlite:////var/lib/reform/db.sqlite3") == {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": "/var/lib/reform/db.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }

    def test_sqlite_in_memory(self):
        assert self.parse("sqlite:///:memory:")["NAME"] == ":memory:"

    @pytest.mark.parametrize("url", ["sqlite://", "sqlite:///"])
    def test_sqlite_without_a_file_name_is_refused(self, url):
        with pytest.raises(ImproperlyConfigured, match="needs a file name"):
            self.parse(url)

    def test_postgres_with_user_password_port_and_options(self):
        url = (
            "postgres://reform:s%3Acr%40t%2F1@db.internal:6543/reform_prod?sslmode=require&connect_timeout=5"
        )

        assert self.parse(url, conn_max_age=120) == {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "reform_prod",
            "USER": "reform",
            "PASSWORD": "s:cr@t/1",
            "HOST": "db.internal",
            "PORT": "6543",
            "CONN_MAX_AGE": 120,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {"sslmode": "require", "connect_timeout": "5"},
        }

    @pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
    def test_postgres_without_password_or_port(self, scheme):
        database = self.parse(f"{scheme}://postgres@127.0.0.1/reform")

        assert database["ENGINE"] == "django.db.backends.postgresql"
        assert (database["USER"], database["PASSWORD"], database["HOST"], database["PORT"]) == (
            "postgres",
            "",
            "127.0.0.1",
            "",
        )
        assert database["NAME"] == "reform"
        assert database["OPTIONS"] == {}

    @pytest.mark.parametrize("url", ["postgres://db.internal", "postgres://db.internal/"])
    def test_postgres_without_a_database_name_is_refused(self, url):
        with pytest.raises(ImproperlyConfigured, match="needs a database name"):
            self.parse(url)

    def test_a_malformed_port_is_refused_naming_the_variable(self):
        # reform.env promises: a malformed value stops the process with a message naming the variable.
        with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
            self.parse("postgres://reform@db.internal:54x2/reform")

    @pytest.mark.parametrize(
        "url",
        ["mysql://reform:pw@localhost/reform", "oracle://db/reform", "db.sqlite3", "", "redis://localhost/0"],
    )
    def test_an_unsupported_scheme_is_refused(self, url):
        with pytest.raises(ImproperlyConfigured, match="is not supported"):
            self.parse(url)


# env_* helpers --------------------------------------------------------------------------------


class TestEnvBool:
    @pytest.mark.parametrize("value", ["1", "true", "TRUE", "True", " yes ", "on"])
    def test_reads_true(self, monkeypatch, value):
        monkeypatch.setenv("FLAG", value)

        assert env_bool("FLAG", False) is True

    @pytest.mark.parametrize("value", ["0", "false", "No", "OFF", ""])
    def test_reads_false(self, monkeypatch, value):
        monkeypatch.setenv("FLAG", value)

        assert env_bool("FLAG", True) is False

    @pytest.mark.parametrize("default", [True, False])
    def test_falls_back_to_the_default_when_unset(self, monkeypatch, default):
        monkeypatch.delenv("FLAG", raising=False)

        assert env_bool("FLAG", default) is default

    @pytest.mark.parametrize("value", ["maybe", "2", "y", "enabled", "真"])
    def test_refuses_anything_else_naming_the_variable(self, monkeypatch, value):
        monkeypatch.setenv("FLAG", value)

        with pytest.raises(ImproperlyConfigured, match=r"^FLAG must be one of"):
            env_bool("FLAG", False)


class TestEnvInt:
    @pytest.mark.parametrize(("value", "expected"), [("42", 42), (" 7 ", 7), ("0", 0), ("-1", -1)])
    def test_reads_integers(self, monkeypatch, value, expected):
        monkeypatch.setenv("NUMBER", value)

        assert env_int("NUMBER", 5) == expected

    @pytest.mark.parametrize("value", [None, "", "   "])
    def test_falls_back_to_the_default_when_unset_or_blank(self, monkeypatch, value):
        if value is None:
            monkeypatch.delenv("NUMBER", raising=False)
        else:
            monkeypatch.setenv("NUMBER", value)

        assert env_int("NUMBER", 5) == 5

    @pytest.mark.parametrize("value", ["4.5", "ten", "0x10", "20MB"])
    def test_refuses_anything_else_naming_the_variable(self, monkeypatch, value):
        monkeypatch.setenv("NUMBER", value)

        with pytest.raises(ImproperlyConfigured, match=r"^NUMBER must be an integer"):
            env_int("NUMBER", 5)


class TestEnvList:
    def test_splits_on_commas_and_drops_blanks(self, monkeypatch):
        monkeypatch.setenv("HOSTS", " a.example.cn, b.example.cn,, ")

        assert env_list("HOSTS", ["default"]) == ["a.example.cn", "b.example.cn"]

    def test_an_empty_value_is_an_empty_list_not_the_default(self, monkeypatch):
        monkeypatch.setenv("HOSTS", "")

        assert env_list("HOSTS", ["default"]) == []

    def test_falls_back_to_the_default_when_unset(self, monkeypatch):
        monkeypatch.delenv("HOSTS", raising=False)

        assert env_list("HOSTS", ["default"]) == ["default"]


class TestEnvStr:
    def test_strips_the_value(self, monkeypatch):
        monkeypatch.setenv("NAME", "  value \n")

        assert env_str("NAME") == "value"

    def test_falls_back_to_the_default_when_unset(self, monkeypatch):
        monkeypatch.delenv("NAME", raising=False)

        assert env_str("NAME") is None
        assert env_str("NAME", "fallback") == "fallback"


@pytest.mark.django_db(transaction=True)
def test_sqlite_writers_wait_for_each_other_instead_of_failing():
    """Two transactions that read and then write, at once: with SQLite's deferred default the second
    fails at once with "database is locked"; with transaction_mode IMMEDIATE it waits for the first."""
    import threading

    from django.db import connection, transaction

    from regions.models import Region

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking only")
    first_read = threading.Event()
    errors = []

    def write(code: str, hold: bool) -> None:
        try:
            with transaction.atomic():
                Region.objects.count()
                if hold:
                    first_read.set()
                    threading.Event().wait(0.3)  # the other transaction begins meanwhile
                Region.objects.create(code=code, name=code, level=Region.Level.PROVINCE)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    holder = threading.Thread(target=write, args=("110000", True))
    holder.start()
    first_read.wait(5)
    other = threading.Thread(target=write, args=("120000", False))
    other.start()
    holder.join(30)
    other.join(30)
    assert errors == []
    assert set(Region.objects.values_list("code", flat=True)) >= {"110000", "120000"}
