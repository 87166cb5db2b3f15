"""A real Celery worker on Redis builds a department report end to end: the job is sent by name as
the page's queueing would, the worker claims the Report row, writes the workbook into MEDIA_ROOT and
marks it done. (The reminder digest's end-to-end run on a real worker is test_worker_killed.py.)

Needs Redis on 127.0.0.1:6379; skipped without it locally, never in CI.
"""

import io
import os
import time
import uuid

import openpyxl
import pytest
from celery import Celery

from tasks.models import Assignment, Report
from tests.factories import AssignmentFactory, DeadlineFactory, PolicyDocumentFactory, TaskFactory
from tests.reliability.test_worker_killed import REDIS_DB_URL, ROOT, Worker, broker, database_url  # noqa: F401

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_worker_builds_a_department_report(broker, insurance_bureau, zhengzhou, tmp_path, settings):  # noqa: F811
    settings.DASHBOARD_WARM = False
    document = PolicyDocumentFactory(region=zhengzhou, title="郑州市医改重点任务")
    for position in range(3):
        task = TaskFactory(document=document, position=position, text=f"第{position}项任务")
        AssignmentFactory(task=task, department=insurance_bureau, role=Assignment.Role.LEAD)
        DeadlineFactory(task=task)
    report = Report.objects.create(
        kind=Report.Kind.DEPARTMENT, department=insurance_bureau, region=zhengzhou, period="2026-10"
    )
    queue = f"reliability-{uuid.uuid4().hex[:8]}"
    media = tmp_path / "media"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reliability.worker_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_DB_URL,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "reliability-test-only",
        "RELIABILITY_MAIL_DIR": str(tmp_path),
        "RELIABILITY_QUEUE": queue,
        "MEDIA_ROOT": str(media),
        "PYTHONPATH": str(ROOT),
    }
    worker = Worker("builder", env, tmp_path / "builder.log")
    try:
        worker.wait_for("ready.", timeout=60)
        job = Celery("reliability-probe", broker=REDIS_DB_URL, set_as_current=False).send_task(
            "tasks.build_report", args=[report.pk], queue=queue
        )
        worker.wait_for(f"Task tasks.build_report[{job.id}] succeeded", timeout=60)
    finally:
        worker.stop()

    report.refresh_from_db()
    assert (report.status, report.progress, report.error) == (Report.Status.DONE, 100, "")
    stored = media / report.file.name
    workbook = openpyxl.load_workbook(io.BytesIO(stored.read_bytes()))
    texts = [cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row]
    assert {"第0项任务", "第1项任务", "第2项任务"} <= set(texts)
    assert time.time() - stored.stat().st_mtime < 300  # written by this run, not left from another
