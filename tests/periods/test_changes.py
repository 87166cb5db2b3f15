"""period_changes: newly completed, newly overdue, progress changed and reports late, between two
closed periods; and the beat's close day."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reform.celery import beat_schedule
from tasks.models import PeriodClosing, Report, Task
from tasks.periods.services.changes import period_changes
from tasks.periods.services.closing import close_day, close_due_periods, is_close_day
from tests.factories import DeadlineFactory, ReportFactory
from tests.periods.conftest import NOVEMBER, OCTOBER


@pytest.fixture
def two_periods(ledger, zhengzhou, office, insurance_bureau, health_commission, close):
    insurance, health, county = ledger
    close(zhengzhou, office, OCTOBER)
    # In November: 卫健委 completes its task, the county task gets a deadline it then misses, and
    # 医保局 hands its November report in late (due 7 December 2026), 卫健委 on time.
    Task.objects.filter(pk=health.pk).update(status="completed", progress=100)
    DeadlineFactory(task=county, due_on=datetime.date(2026, 11, 15), text="2026年11月中旬")
    for department, day in ((insurance_bureau, 9), (health_commission, 3)):
        ReportFactory(
            department=department,
            period=NOVEMBER,
            status=Report.Status.SUBMITTED,
            submitted_at=timezone.make_aware(datetime.datetime(2026, 12, day, 10)),
        )
    close(zhengzhou, office, NOVEMBER)
    return ledger


def test_changes_list_what_moved_in_the_period(two_periods, zhengzhou):
    insurance, health, county = two_periods

    changes = period_changes(zhengzhou, NOVEMBER)

    assert changes.previous_period == OCTOBER
    assert [item.task_id for item in changes.newly_completed] == [health.pk]
    completed = changes.newly_completed[0]
    assert (completed.status_before, completed.status_after) == ("in_progress", "completed")
    assert (completed.percent_before, completed.percent_after) == (40, 100)
    assert completed.lead_departments == ("郑州市卫生健康委员会",)
    # The insurance task was overdue already in October: not newly.
    assert [item.task_id for item in changes.newly_overdue] == [county.pk]
    assert changes.newly_overdue[0].due_on == datetime.date(2026, 11, 15)
    assert [item.task_id for item in changes.progress_changed] == [health.pk]
    late = {item.department: item.timeliness for item in changes.reports_late}
    # 卫健委 handed in on time; 中原区人民政府 (the county task's lead) not at all.
    assert late == {"郑州市医疗保障局": "late", "中原区人民政府": "missing"}
    assert changes.counts["newly_completed"] == 1


def test_the_closing_keeps_the_counts_for_the_pages(two_periods, zhengzhou):
    closing = PeriodClosing.objects.get(region=zhengzhou, period=NOVEMBER)

    assert closing.change_counts == period_changes(zhengzhou, NOVEMBER).counts


def test_the_first_closed_period_counts_everything_as_new(ledger, zhengzhou, office, close):
    insurance = ledger[0]
    close(zhengzhou, office, OCTOBER)

    changes = period_changes(zhengzhou, OCTOBER)

    assert changes.previous_period is None
    assert [item.task_id for item in changes.newly_overdue] == [insurance.pk]
    assert changes.progress_changed == []


def test_changes_of_a_period_not_closed_are_refused(ledger, zhengzhou):
    with pytest.raises(ValidationError):
        period_changes(zhengzhou, OCTOBER)


def test_the_plain_dataclass_is_what_the_bulletin_reads(two_periods, zhengzhou):
    data = period_changes(zhengzhou, NOVEMBER).to_dict()

    assert set(data["newly_completed"][0]) == {
        "task_id",
        "label",
        "text",
        "lead_departments",
        "status_before",
        "status_after",
        "percent_before",
        "percent_after",
        "due_on",
    }
    assert data["counts"]["newly_overdue"] == 1


# The close day ----------------------------------------------------------------------------------


def test_the_close_day_is_the_configured_working_day_after_the_reports_due_date(settings):
    settings.REPORT_DUE_WORKING_DAYS = 5
    settings.PERIOD_CLOSE_WORKDAY = 6
    # December 2026 starts on Tuesday the 1st: working days 1, 2, 3, 4, 7, 8.
    assert close_day(NOVEMBER) == datetime.date(2026, 12, 8)
    assert is_close_day(datetime.date(2026, 12, 8))
    assert not is_close_day(datetime.date(2026, 12, 7))
    # October's reports: National Day holiday and its make-up days counted.
    settings.PERIOD_CLOSE_WORKDAY = 1
    assert close_day("2026-09") == datetime.date(2026, 10, 8)


def test_the_daily_job_closes_last_month_on_the_close_day_only_and_once(
    ledger, zhengzhou, henan, settings, django_capture_on_commit_callbacks
):
    settings.PERIOD_CLOSE_WORKDAY = 6
    with django_capture_on_commit_callbacks(execute=True):
        assert close_due_periods(datetime.date(2026, 12, 7))["closed"] == 0
    assert not PeriodClosing.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        result = close_due_periods(datetime.date(2026, 12, 8))
    with django_capture_on_commit_callbacks(execute=True):
        again = close_due_periods(datetime.date(2026, 12, 8))

    assert result == {"closed": 2, "period": NOVEMBER}  # 郑州市 and 河南省 see the tasks
    assert again["closed"] == 0
    assert set(PeriodClosing.objects.values_list("region__name", "period", "status")) == {
        ("郑州市", NOVEMBER, PeriodClosing.Status.DONE),
        ("河南省", NOVEMBER, PeriodClosing.Status.DONE),
    }
    assert all(c.requested_by is None for c in PeriodClosing.objects.all())


def test_the_beat_runs_the_close_job_daily(settings):
    entry = beat_schedule(settings)["period-close-working-day"]

    assert entry["task"] == "tasks.close_due_periods"
    assert entry["schedule"].hour == {settings.PERIOD_CLOSE_HOUR}
    assert entry["schedule"].day_of_week == set(range(7))
