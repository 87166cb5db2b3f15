"""The cast of the period tests: 郑州市's three tasks (tests/conftest.py), closed in October and
November 2026 as if on 10 December 2026.

    insurance_task  医保局 leads; due 30 June 2026 (so overdue), with a target
    health_task     卫健委 leads; due 31 December 2026
    county_task     各县（区）人民政府 lead; no deadline
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from tasks.models import Task
from tasks.periods.services.closing import request_close
from tests.factories import DeadlineFactory, TargetFactory

OCTOBER, NOVEMBER = "2026-10", "2026-11"
TODAY = datetime.date(2026, 12, 10)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def ledger(zhengzhou_tasks):
    insurance, health, county = zhengzhou_tasks
    DeadlineFactory(task=insurance, due_on=datetime.date(2026, 6, 30))
    DeadlineFactory(task=health, due_on=datetime.date(2026, 12, 31), text="2026年底前")
    TargetFactory(task=insurance, latest_actual=Decimal("85"))
    Task.objects.filter(pk=health.pk).update(status="in_progress", progress=40)
    return zhengzhou_tasks


@pytest.fixture
def close(django_capture_on_commit_callbacks):
    """Close a period for a region as a user, running the job after commit; the closing, reloaded."""

    def run(region, user, period, today=TODAY):
        with django_capture_on_commit_callbacks(execute=True):
            closing = request_close(region, user, period, today=today)
        closing.refresh_from_db()
        return closing

    return run
