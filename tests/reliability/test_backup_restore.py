"""scripts/backup.sh and scripts/restore.sh: a ledger dumped, restored into a fresh database and an empty
media directory, reads back the same tasks, progress and evidence, each file with its SHA-256."""

import hashlib
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from tasks.ledger.services.progress import record_progress
from tasks.models import Evidence, ProgressUpdate, Task, TaskStatus

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
PDF = b"%PDF-1.7\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


@pytest.fixture(autouse=True)
def _needs_postgresql_tools():
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI must run this on PostgreSQL (set DATABASE_URL)")
        pytest.skip("pg_dump and pg_restore need PostgreSQL")
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if not shutil.which(tool)]
    if missing:
        pytest.fail(f"PostgreSQL client tools missing from PATH: {', '.join(missing)}")


def conninfo(name: str) -> dict:
    db = connection.settings_dict
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": name,
    }


def url(name: str) -> str:
    info = conninfo(name)
    password = f":{info['password']}" if info["password"] else ""
    return f"postgres://{info['user']}{password}@{info['host']}:{info['port']}/{name}"


@pytest.fixture
def fresh_database():
    """An empty database of its own (role reform has CREATEDB), dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(**conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(**conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ledger_rows(cursor) -> dict:
    tables = {model: model._meta.db_table for model in (Task, ProgressUpdate, Evidence)}
    cursor.execute(f"SELECT id, text, status, progress, version FROM {tables[Task]} ORDER BY id")
    tasks = cursor.fetchall()
    cursor.execute(f"SELECT id, task_id, percent, narrative FROM {tables[ProgressUpdate]} ORDER BY id")
    updates = cursor.fetchall()
    cursor.execute(f"SELECT id, update_id, file, sha256, size FROM {tables[Evidence]} ORDER BY id")
    evidence = cursor.fetchall()
    return {"tasks": tasks, "updates": updates, "evidence": evidence}


def test_a_backup_restores_into_a_fresh_database_with_the_same_ledger_and_files(
    liaison, other_liaison, insurance_task, health_task, fresh_database, tmp_path
):
    record_progress(
        insurance_task,
        liaison,
        status=TaskStatus.IN_PROGRESS,
        percent=40,
        narrative="已印发实施方案。",
        files=[SimpleUploadedFile("方案.pdf", PDF), SimpleUploadedFile("照片.png", PNG)],
    )
    record_progress(health_task, other_liaison, status=TaskStatus.IN_PROGRESS, percent=15, narrative="启动。")
    with connection.cursor() as cursor:
        before = ledger_rows(cursor)
    assert len(before["evidence"]) == 2

    backup_dir, restored_media = tmp_path / "backup", tmp_path / "media"
    database = connection.settings_dict["NAME"]
    made = run("backup.sh", str(backup_dir), DATABASE_URL=url(database), MEDIA_ROOT=str(settings.MEDIA_ROOT))
    assert made.returncode == 0, made.stderr
    assert {p.name for p in backup_dir.iterdir()} == {"database.dump", "media.tar.gz", "SHA256SUMS"}

    restored = run(
        "restore.sh", str(backup_dir), DATABASE_URL=url(fresh_database), MEDIA_ROOT=str(restored_media)
    )
    assert restored.returncode == 0, restored.stderr

    with psycopg.connect(**conninfo(fresh_database)) as copy, copy.cursor() as cursor:
        after = ledger_rows(cursor)
    assert after == before
    for _id, _update, name, sha256, size in after["evidence"]:
        data = (restored_media / name).read_bytes()
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (sha256, size)

    # A restore never merges: the same backup into the now non-empty database is refused.
    again = run(
        "restore.sh", str(backup_dir), DATABASE_URL=url(fresh_database), MEDIA_ROOT=str(tmp_path / "m2")
    )
    assert again.returncode != 0
    assert "already has" in again.stderr
