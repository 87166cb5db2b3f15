"""A worker killed in the middle of the reminder scan: the scan is delivered again to another worker
and every digest is emailed exactly once.

Runs a real Celery worker process on Redis against the test database (the test's rows are committed:
transactional test). Needs Redis on 127.0.0.1:6379; skipped without it locally, never in CI.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from accounts.models import Role
from tasks.models import Assignment, Reminder
from tests.factories import (
    AssignmentFactory,
    DeadlineFactory,
    DepartmentFactory,
    PolicyDocumentFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

REDIS_DB_URL = "redis://127.0.0.1:6379/11"
TUESDAY = datetime.date(2026, 6, 16)  # a working day
DEPARTMENTS = 60
TASKS_PER_DEPARTMENT = 3
ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def broker():
    client = redis.Redis.from_url(REDIS_DB_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("CI must run this test: Redis is not answering on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


@pytest.fixture
def ledger(zhengzhou, settings):
    """Sixty departments with a liaison each, and three tasks each due within the week."""
    settings.DASHBOARD_WARM = False  # no warm-up job after each of these commits
    document = PolicyDocumentFactory(region=zhengzhou)
    liaisons = []
    for number in range(DEPARTMENTS):
        department = DepartmentFactory(region=zhengzhou, name=f"郑州市第{number}局")
        liaisons.append(
            UserFactory(
                username=f"liaison{number}",
                email=f"liaison{number}@example.cn",
                role=Role.LIAISON,
                department=department,
            )
        )
        for position in range(TASKS_PER_DEPARTMENT):
            task = TaskFactory(document=document, position=number * 10 + position)
            AssignmentFactory(task=task, department=department, role=Assignment.Role.LEAD)
            DeadlineFactory(task=task, due_on=TUESDAY + datetime.timedelta(days=position + 1))
    return liaisons


def database_url() -> str:
    """The test database, for a worker process: PostgreSQL, or the SQLite file the test settings make."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        assert not connection.is_in_memory_db(), "a worker cannot open an in-memory database"
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """One `celery worker` process on the test's own queue, its output in a log file."""

    def __init__(self, name: str, env: dict, log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "reform",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--loglevel=INFO",
                f"--hostname={name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                env["RELIABILITY_QUEUE"],
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert self.process.poll() is None, f"worker exited:\n{self.output()}"
            assert time.monotonic() < deadline, f"no {text!r} within {timeout}s:\n{self.output()}"
            time.sleep(0.005)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def sent_messages(mail_dir: Path) -> list[str]:
    """The recipients of every message the file backend wrote (one file per connection)."""
    recipients = []
    for path in mail_dir.glob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("To: "):
                recipients.append(line[4:].strip())
    return sorted(recipients)


def test_a_worker_killed_mid_scan_leaves_the_scan_to_another_and_every_digest_goes_once(
    broker, ledger, tmp_path
):
    queue = f"reliability-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reliability.worker_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_DB_URL,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "reliability-test-only",
        "RELIABILITY_MAIL_DIR": str(mail_dir),
        "RELIABILITY_QUEUE": queue,
        "RELIABILITY_VISIBILITY_TIMEOUT": "3",
        "PYTHONPATH": str(ROOT),
    }
    sender = Celery("reliability-probe", broker=REDIS_DB_URL, set_as_current=False)
    workers = []
    try:
        first = Worker("first", env, tmp_path / "first.log")
        workers.append(first)
        first.wait_for("ready.", timeout=60)

        job = sender.send_task("tasks.scan_reminders", args=[TUESDAY.isoformat()], queue=queue)
        first.wait_for(f"Task tasks.scan_reminders[{job.id}] received", timeout=30)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        killed_before_commit = not Reminder.objects.exists()
        assert "succeeded" not in first.output()

        second = Worker("second", env, tmp_path / "second.log")
        workers.append(second)
        second.wait_for(f"Task tasks.scan_reminders[{job.id}] succeeded", timeout=90)
        expected = sorted(user.email for user in ledger)
        deadline = time.monotonic() + 60
        while Reminder.objects.filter(status=Reminder.Status.CLAIMED).exists() or len(
            sent_messages(mail_dir)
        ) < len(expected):
            assert time.monotonic() < deadline, second.output()
            time.sleep(0.2)
        time.sleep(1)  # anything sent twice would arrive now
    finally:
        for worker in workers:
            worker.stop()
        connection.close()  # the workers' rows are read; the flush that follows needs no stale session

    assert killed_before_commit, "the worker finished the scan's transaction before it was killed"
    digests = Reminder.objects.filter(kind=Reminder.Kind.DIGEST)
    assert sorted(digests.values_list("recipient__email", flat=True)) == expected
    assert set(digests.values_list("status", flat=True)) == {Reminder.Status.SENT}
    assert all(reminder.tasks.count() == TASKS_PER_DEPARTMENT for reminder in digests)
    assert sent_messages(mail_dir) == expected
