"""The 通报 of a closed period uses the figures frozen at its closing; 逾期完成 is frozen too."""

import datetime

from tasks.models import Task, TaskChange
from tasks.periods.services.snapshots import state_as_of
from tasks.reports.services.bulletin import bulletin_content
from tests.periods.conftest import OCTOBER, TODAY


def test_a_closed_periods_bulletin_reads_the_snapshot_not_the_live_ledger(ledger, zhengzhou, office, close):
    insurance, health, _county = ledger
    close(zhengzhou, office, OCTOBER)

    # After the closing, the overdue task is completed and the other one too: the live ledger moves on.
    Task.objects.filter(pk__in=[insurance.pk, health.pk]).update(status="completed", progress=100)

    content = bulletin_content(zhengzhou, OCTOBER, TODAY)
    assert content.summary.tasks == 3
    assert content.summary.completed == 0
    assert content.summary.overdue == 1
    assert content.as_of == datetime.date(2026, 10, 31)
    # The first closed period compares with nothing: the overdue task is newly overdue.
    assert [item.label for item in content.changes.overdue] == [insurance.label]
    assert content.changes.overdue_total == 1
    assert content.changes.completed == []
    ranked = {row.department: row for row in content.ranking.departments}
    assert ranked["郑州市医疗保障局"].overdue == 1
    assert ranked["郑州市医疗保障局"].completed == 0


def test_an_open_periods_bulletin_reads_the_live_ledger(ledger, zhengzhou):
    insurance, health, _county = ledger
    Task.objects.filter(pk__in=[insurance.pk, health.pk]).update(status="completed", progress=100)

    content = bulletin_content(zhengzhou, OCTOBER, TODAY)
    assert content.summary.completed == 2
    assert content.as_of == TODAY


def test_a_late_completion_is_frozen_as_completed_late(ledger, zhengzhou, office, close):
    insurance = ledger[0]  # due 30 June 2026
    Task.objects.filter(pk=insurance.pk).update(status="completed", progress=100)
    TaskChange.objects.create(task=insurance, action=TaskChange.Action.VERIFIED, changes={})
    close(zhengzhou, office, OCTOBER)

    row = state_as_of(zhengzhou.pk, OCTOBER).get(task_id=insurance.pk)
    assert row.status == "completed"
    assert row.completed_late is True
    content = bulletin_content(zhengzhou, OCTOBER, TODAY)
    assert (
        content.summary.completed,
        content.summary.completed_with_due,
        content.summary.completed_on_time,
    ) == (
        1,
        1,
        0,
    )


def test_the_frozen_light_of_a_late_completion_is_ringed_as_late(ledger, zhengzhou, office, close):
    from tasks.periods.services.as_of import freeze_tasks

    insurance, health, _county = ledger
    Task.objects.filter(pk=insurance.pk).update(status="completed", progress=100)
    TaskChange.objects.create(task=insurance, action=TaskChange.Action.VERIFIED, changes={})
    closing = close(zhengzhou, office, OCTOBER)

    tasks = list(Task.objects.filter(pk__in=[insurance.pk, health.pk]).order_by("pk"))
    freeze_tasks(closing, tasks)
    by_pk = {task.pk: task.light for task in tasks}
    assert (by_pk[insurance.pk].colour, by_pk[insurance.pk].late) == ("green", True)
    assert by_pk[health.pk].late is False
