"""In CI the suite must run against real PostgreSQL and Redis; a missing service fails, never skips."""

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

IN_CI = bool(os.environ.get("CI"))


@pytest.mark.services
@pytest.mark.django_db
def test_database_is_postgresql_in_ci():
    if not IN_CI and not os.environ.get("DATABASE_URL"):
        pytest.skip("local run on SQLite; CI sets DATABASE_URL to PostgreSQL")
    assert connection.vendor == "postgresql", "CI must run the suite on PostgreSQL (set DATABASE_URL)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW TIMEZONE")
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


@pytest.mark.services
def test_cache_is_redis_and_answers_in_ci():
    if not IN_CI and not os.environ.get("REDIS_URL"):
        pytest.skip("local run without Redis; CI sets REDIS_URL")
    assert settings.REDIS_URL, "CI must set REDIS_URL"
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    key = f"ci-probe-{uuid.uuid4().hex}"
    cache.set(key, "pong", timeout=30)
    assert cache.get(key) == "pong"
    cache.delete(key)


def test_jobs_run_through_celery(db):
    from tasks.jobs import ping

    assert ping.delay("hello").get(timeout=10) == {"echo": "hello", "tasks": 0}
