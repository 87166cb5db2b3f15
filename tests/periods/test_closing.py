"""Closing a period freezes the region's ledger; later changes do not reach the snapshot."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tasks.access import NotPermitted
from tasks.models import AppendOnlyError, DepartmentSnapshot, PeriodClosing, Task, TaskSnapshot
from tasks.periods.services.snapshots import state_as_of
from tests.factories import TaskFactory
from tests.periods.conftest import NOVEMBER, OCTOBER, TODAY


def test_closing_freezes_each_task_of_the_scope(ledger, zhengzhou, office, close):
    insurance, health, county = ledger

    closing = close(zhengzhou, office, OCTOBER)

    assert closing.status == PeriodClosing.Status.DONE
    assert closing.progress == 100
    assert closing.tasks_total == 3
    assert closing.rows_written == 3
    rows = {row.task_id: row for row in state_as_of(zhengzhou.pk, OCTOBER)}
    assert set(rows) == {insurance.pk, health.pk, county.pk}
    assert rows[insurance.pk].overdue is True
    assert rows[insurance.pk].light == "red"
    assert rows[insurance.pk].due_on == datetime.date(2026, 6, 30)
    assert rows[insurance.pk].lead_departments == ["郑州市医疗保障局"]
    assert rows[insurance.pk].targets[0][3].startswith("85")
    assert rows[health.pk].status == "in_progress"
    assert rows[health.pk].percent == 40
    assert rows[health.pk].next_due_on == datetime.date(2026, 12, 31)
    assert rows[county.pk].light == "grey"
    assert DepartmentSnapshot.objects.filter(closing=closing).count() == 3


def test_a_later_change_does_not_change_the_snapshot(ledger, zhengzhou, office, close):
    insurance = ledger[0]
    close(zhengzhou, office, OCTOBER)

    Task.objects.filter(pk=insurance.pk).update(status="completed", progress=100)

    row = state_as_of(zhengzhou.pk, OCTOBER).get(task_id=insurance.pk)
    assert (row.status, row.percent) == ("not_started", 0)


def test_the_second_close_writes_only_the_rows_that_changed(ledger, zhengzhou, office, close):
    insurance, health, county = ledger
    close(zhengzhou, office, OCTOBER)
    Task.objects.filter(pk=health.pk).update(progress=60)

    november = close(zhengzhou, office, NOVEMBER)

    assert november.rows_written == 1
    assert list(TaskSnapshot.objects.filter(closing=november).values_list("task_id", flat=True)) == [
        health.pk
    ]
    state = {row.task_id: row for row in state_as_of(zhengzhou.pk, NOVEMBER)}
    assert state[health.pk].percent == 60
    assert state[insurance.pk].period == OCTOBER  # unchanged: October's row stands for November
    assert {row.task_id: row.percent for row in state_as_of(zhengzhou.pk, OCTOBER)}[health.pk] == 40


def test_a_task_that_left_the_scope_gets_a_tombstone(ledger, zhengzhou, office, close, changsha_document):
    county = ledger[2]
    close(zhengzhou, office, OCTOBER)
    county.scope.all()._raw_delete(county.scope.db)

    november = close(zhengzhou, office, NOVEMBER)

    assert november.tombstones == 1
    assert county.pk not in {row.task_id for row in state_as_of(zhengzhou.pk, NOVEMBER)}
    assert county.pk in {row.task_id for row in state_as_of(zhengzhou.pk, OCTOBER)}


def test_a_period_cannot_be_closed_twice(ledger, zhengzhou, office, close):
    close(zhengzhou, office, OCTOBER)

    with pytest.raises(ValidationError) as refused:
        close(zhengzhou, office, OCTOBER)

    assert refused.value.code == "closed"
    assert PeriodClosing.objects.count() == 1


@pytest.mark.parametrize("period", ["2026-12", "2027-01", "2026-13", "October"])
def test_the_current_month_a_future_one_or_no_period_cannot_be_closed(
    ledger, zhengzhou, office, close, period
):
    with pytest.raises(ValidationError):
        close(zhengzhou, office, period)

    assert not PeriodClosing.objects.exists()
    assert not TaskSnapshot.objects.exists()


def test_periods_close_in_order(ledger, zhengzhou, office, close):
    close(zhengzhou, office, NOVEMBER)

    with pytest.raises(ValidationError) as refused:
        close(zhengzhou, office, OCTOBER)

    assert refused.value.code == "order"


def test_leaders_liaisons_and_other_offices_may_not_close(
    ledger, zhengzhou, leader, liaison, province_office, outsider, close
):
    for user in (leader, liaison, province_office):
        with pytest.raises(NotPermitted):
            close(zhengzhou, user, OCTOBER)
    with pytest.raises(type(zhengzhou).DoesNotExist):
        close(zhengzhou, outsider, OCTOBER)
    assert not PeriodClosing.objects.exists()


def test_snapshot_rows_cannot_be_changed_or_deleted(ledger, zhengzhou, office, close):
    close(zhengzhou, office, OCTOBER)
    row = TaskSnapshot.objects.first()

    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        TaskSnapshot.objects.update(percent=99)
    with pytest.raises(AppendOnlyError):
        DepartmentSnapshot.objects.all().delete()


def test_a_failed_closing_is_recorded_and_a_retry_completes_it(ledger, zhengzhou, office, close, monkeypatch):
    from tasks.periods.services import closing as closing_service

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(closing_service, "_write_departments", broken)
    failed = close(zhengzhou, office, OCTOBER)
    assert (failed.status, failed.error) == (PeriodClosing.Status.FAILED, "disk full")
    monkeypatch.undo()

    done = close(zhengzhou, office, OCTOBER)

    assert done.pk == failed.pk
    assert done.status == PeriodClosing.Status.DONE
    assert done.rows_written == 3


def test_the_job_reports_progress_chunk_by_chunk_up_to_100(
    zhengzhou, office, zhengzhou_document, monkeypatch, django_capture_on_commit_callbacks
):
    from tasks.periods.services import closing as closing_service

    TaskFactory.create_batch(5, document=zhengzhou_document)
    monkeypatch.setattr(closing_service, "CHUNK_SIZE", 2)
    with django_capture_on_commit_callbacks(execute=False):
        closing = closing_service.request_close(zhengzhou, office, OCTOBER, today=TODAY)
    seen = []

    status = closing_service.close_period(
        closing.pk,
        progress_every=lambda done, total: seen.append(PeriodClosing.objects.get(pk=closing.pk).progress),
    )

    assert status == PeriodClosing.Status.DONE
    assert seen == [40, 80, 99, 100]
    assert closing_service.close_period(closing.pk) == PeriodClosing.Status.DONE  # a repeat does nothing
    assert TaskSnapshot.objects.count() == 5


def test_today_is_checked_against_the_period(ledger, zhengzhou, office, close):
    with pytest.raises(ValidationError):
        close(zhengzhou, office, NOVEMBER, today=datetime.date(2026, 11, 30))
    assert close(zhengzhou, office, NOVEMBER, today=TODAY).status == PeriodClosing.Status.DONE
