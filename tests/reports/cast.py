"""Fixtures shared by the department report tests (tests/test_department_reports*.py), loaded as a
plugin by tests/conftest.py; those modules use `english` and `report_media` for every test.

The report is 郑州市医疗保障局's for October 2026 (built on Monday 2 November, due Friday 6 November):

    insurance_task  医保局 leads (卫健委 cooperates); due 30 June 2026, so overdue; two targets
    coop_task       卫健委 leads, 医保局 cooperates; in a newer document (so first in document order)
    health_task     卫健委 alone: not in the report
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation
from openpyxl import load_workbook

from tasks.models import Assignment, Report
from tasks.reports.services.department import build_report
from tests.factories import (
    AssignmentFactory,
    DeadlineFactory,
    PolicyDocumentFactory,
    ReportFactory,
    TargetFactory,
    TaskFactory,
)

PERIOD = "2026-10"
BUILD_DAY = datetime.date(2026, 11, 2)
DUE_DAY = datetime.date(2026, 11, 6)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def report_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_DUE_WORKING_DAYS = 5
    return settings.MEDIA_ROOT


@pytest.fixture
def targets(insurance_task):
    return [
        TargetFactory(
            task=insurance_task,
            text="按病种付费病种数达到100个以上",
            metric="病种数",
            comparator=">=",
            value=Decimal("100"),
            unit="个",
            latest_actual=Decimal("87"),
        ),
        TargetFactory(task=insurance_task, text="患者满意度明显提高", metric="", value=None, unit=""),
    ]


@pytest.fixture
def coop_task(zhengzhou, insurance_bureau, health_commission):
    newer = PolicyDocumentFactory(
        region=zhengzhou, title="郑州市医保支付改革实施方案", issued_on=datetime.date(2026, 9, 1)
    )
    task = TaskFactory(document=newer, position=1, label="（一）", text="协同推进医疗服务价格改革。")
    AssignmentFactory(task=task, department=health_commission, role=Assignment.Role.LEAD)
    AssignmentFactory(task=task, department=insurance_bureau, role=Assignment.Role.COOPERATING)
    return task


@pytest.fixture
def report_tasks(insurance_task, coop_task, health_task, targets):
    DeadlineFactory(task=insurance_task, due_on=datetime.date(2026, 6, 30), text="2026年6月底前")
    insurance_task.refresh_from_db()
    return {"insurance": insurance_task, "coop": coop_task, "health": health_task}


@pytest.fixture
def report(report_tasks, insurance_bureau):
    return ReportFactory(department=insurance_bureau, period=PERIOD)


@pytest.fixture
def built(report):
    assert build_report(report.pk, today=BUILD_DAY) == Report.Status.DONE
    report.refresh_from_db()
    return report


def open_workbook(report: Report):
    with report.file.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def workbook_upload(workbook, name: str = "filled.xlsx"):
    """A filled workbook as a browser would post it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
