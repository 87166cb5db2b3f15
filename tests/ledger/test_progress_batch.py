"""Recording a batch of progress reports: the same rows as record_progress one by one, in a constant
number of queries, and nothing at all when one item is refused."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks.access import NotPermitted
from tasks.dashboard.services import cache as dashboard_cache
from tasks.ledger.services import progress_batch
from tasks.ledger.services.progress import record_progress
from tasks.ledger.services.progress_batch import BatchErrors, ProgressItem, record_progress_batch
from tasks.models import Assignment, ProgressUpdate, Target, TargetReading, Task, TaskChange, TaskStatus
from tasks.reports.services.filling import FillErrors, ReportEntry, apply_entries
from tests.factories import (
    AssignmentFactory,
    PolicyDocumentFactory,
    ReportFactory,
    TargetFactory,
    TaskFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def make_world(region, department, title: str) -> dict:
    """Two documents, five tasks of the department and their targets; called twice, it builds twins."""
    first = PolicyDocumentFactory(region=region, title=f"{title}（一）")
    second = PolicyDocumentFactory(region=region, title=f"{title}（二）")
    tasks = {
        "drg": TaskFactory(document=first, position=1),
        "pricing": TaskFactory(document=first, position=2, status=TaskStatus.IN_PROGRESS, progress=30),
        "pharmacy": TaskFactory(document=second, position=1, status=TaskStatus.IN_PROGRESS, progress=10),
        "clinics": TaskFactory(document=second, position=2, status=TaskStatus.SUSPENDED, progress=50),
        "done": TaskFactory(document=second, position=3, status=TaskStatus.COMPLETED, progress=100),
    }
    for task in tasks.values():
        AssignmentFactory(task=task, department=department, role=Assignment.Role.LEAD)
    targets = {
        "cases": TargetFactory(task=tasks["drg"], comparator=">=", value=Decimal("100")),
        "cost": TargetFactory(
            task=tasks["drg"], comparator="<=", value=Decimal("5"), latest_actual=Decimal("7")
        ),
        "share": TargetFactory(
            task=tasks["pharmacy"], comparator="range", value=Decimal("40"), value_max=Decimal("60")
        ),
        "fee": TargetFactory(
            task=tasks["clinics"],
            comparator="change",
            value=Decimal("86"),
            baseline=Decimal("60"),
            latest_actual=Decimal("70"),
        ),
        "vague": TargetFactory(task=tasks["clinics"], value=None),
    }
    return {"tasks": tasks, "targets": targets}


def items_of(world) -> list[ProgressItem]:
    """A mix: a status change with one target attained and one not, a percent alone on a task of the
    same document, a range target, a change target reported twice (the second sees the first)."""
    tasks, targets = world["tasks"], world["targets"]
    return [
        ProgressItem(
            tasks["drg"],
            TaskStatus.IN_PROGRESS,
            40,
            "  完成87个病种分组。 ",
            {targets["cases"].pk: Decimal("120"), targets["cost"].pk: Decimal("9.5")},
        ),
        ProgressItem(tasks["pricing"], TaskStatus.IN_PROGRESS, 45, ""),
        ProgressItem(tasks["pharmacy"], TaskStatus.SUSPENDED, 10, "暂缓。", {targets["share"].pk: "50"}),
        ProgressItem(tasks["clinics"], TaskStatus.IN_PROGRESS, "60", "", {targets["fee"].pk: Decimal("80")}),
        ProgressItem(tasks["clinics"], TaskStatus.IN_PROGRESS, 70, "又一期。", {targets["fee"].pk: 90}),
    ]


def written(world) -> dict:
    """Everything a report writes about the world's tasks, with target ids as their names."""
    names = {target.pk: name for name, target in world["targets"].items()}
    result = {}
    for name, task in world["tasks"].items():
        stored = Task.objects.get(pk=task.pk)
        updates = list(ProgressUpdate.objects.filter(task=task).order_by("pk"))
        result[name] = {
            "task": (stored.status, stored.progress, stored.version),
            "updates": [
                (u.department_id, u.author_id, u.status, u.percent, u.narrative, u.report_id) for u in updates
            ],
            "readings": [
                (names[r.target_id], r.value)
                for r in TargetReading.objects.filter(update__task=task).order_by("update_id", "target_id")
            ],
            "changes": [
                (
                    c.action,
                    c.actor_id,
                    c.note,
                    {
                        key: {names[int(pk)]: pair for pk, pair in value.items()}
                        if key == "targets.latest_actual"
                        else value
                        for key, value in c.changes.items()
                    },
                )
                for c in TaskChange.objects.filter(task=task).order_by("pk")
            ],
        }
    result["targets"] = {
        name: tuple(Target.objects.filter(pk=target.pk).values_list("latest_actual", "attained").get())
        for name, target in world["targets"].items()
    }
    return result


@pytest.mark.parametrize(
    ("chunk", "portable"),
    [(500, False), (2, False), (2, True)],
    ids=["one-chunk", "chunks-of-two", "chunks-of-two-without-postgresql-arrays"],
)
def test_a_batch_writes_exactly_what_record_progress_writes_row_by_row(
    monkeypatch, chunk, portable, zhengzhou, insurance_bureau, liaison
):
    monkeypatch.setattr(progress_batch, "CHUNK", chunk)  # 2: the repeated task spans two chunks
    report = ReportFactory(department=insurance_bureau, period="2026-10")
    one_by_one = make_world(zhengzhou, insurance_bureau, "逐条")
    batched = make_world(zhengzhou, insurance_bureau, "批量")
    if portable:  # the Case/When and bulk_update writes used on other databases
        monkeypatch.setattr(connection, "vendor", "other")

    for item in items_of(one_by_one):
        record_progress(
            item.task,
            liaison,
            status=item.status,
            percent=item.percent,
            narrative=item.narrative,
            readings=item.readings,
            report=report,
        )
    updates = record_progress_batch(liaison, items_of(batched), report=report)

    expected, actual = written(one_by_one), written(batched)
    assert actual == expected
    # The figures themselves, so that equal-but-wrong cannot pass.
    assert expected["targets"] == {
        "cases": (Decimal("120"), True),
        "cost": (Decimal("9.5"), False),
        "share": (Decimal("50"), True),
        "fee": (Decimal("90"), True),
        "vague": (None, None),
    }
    assert expected["clinics"]["task"] == (TaskStatus.IN_PROGRESS, 70, 3)
    assert [change[3] for change in expected["clinics"]["changes"]] == [
        {
            "status": [TaskStatus.SUSPENDED, TaskStatus.IN_PROGRESS],
            "progress": [50, 60],
            "targets.latest_actual": {"fee": ["70.0000", "80.0000"]},
        },
        {"progress": [60, 70], "targets.latest_actual": {"fee": ["80.0000", "90.0000"]}},
    ]
    assert expected["pricing"]["changes"][0][3] == {"progress": [30, 45]}
    assert [u.task_id for u in updates] == [item.task.pk for item in items_of(batched)]
    assert batched["tasks"]["clinics"].version == 3  # the caller's objects are refreshed


def test_a_batch_through_apply_entries_links_every_update_to_the_report(zhengzhou, insurance_bureau, liaison):
    report = ReportFactory(department=insurance_bureau, period="2026-10")
    world = make_world(zhengzhou, insurance_bureau, "台账")
    tasks, targets = world["tasks"], world["targets"]
    entries = [
        ReportEntry(
            tasks["drg"].pk, 4, TaskStatus.IN_PROGRESS, 20, "推进中", {targets["cases"].pk: Decimal("99")}
        ),
        ReportEntry(tasks["pricing"].pk, 5, TaskStatus.NOT_STARTED, 0, ""),
    ]

    assert apply_entries(report, liaison, entries) == 2

    assert ProgressUpdate.objects.filter(report=report).count() == 2
    assert Target.objects.get(pk=targets["cases"].pk).attained is False
    assert Task.objects.get(pk=tasks["pricing"].pk).status == TaskStatus.NOT_STARTED


def snapshot():
    return (
        ProgressUpdate.objects.count(),
        TargetReading.objects.count(),
        TaskChange.objects.count(),
        sorted(Task.objects.values_list("pk", "status", "progress", "version")),
        sorted(Target.objects.values_list("pk", "latest_actual", "attained")),
    )


def test_a_completed_task_or_a_bad_value_refuses_the_whole_batch(zhengzhou, insurance_bureau, liaison):
    world = make_world(zhengzhou, insurance_bureau, "拒绝")
    tasks, targets = world["tasks"], world["targets"]
    before = snapshot()

    with pytest.raises(BatchErrors) as failure:
        record_progress_batch(
            liaison,
            [
                ProgressItem(tasks["drg"], TaskStatus.IN_PROGRESS, 40, "", {targets["cases"].pk: 120}),
                ProgressItem(tasks["done"], TaskStatus.IN_PROGRESS, 90),
                ProgressItem(tasks["pricing"], TaskStatus.COMPLETED, 100),
                ProgressItem(tasks["pharmacy"], TaskStatus.IN_PROGRESS, 101),
                ProgressItem(tasks["clinics"], TaskStatus.IN_PROGRESS, 5, "", {targets["cases"].pk: 1}),
            ],
        )

    assert failure.value.item_errors == [
        (1, ["This task has been verified as completed; ask the reform office to reopen it."]),
        (2, ["Completion is requested with “request completion” and confirmed by the reform office."]),
        (3, ["Progress must be a whole number from 0 to 100."]),
        (4, ["A reported value refers to a target of another task."]),
    ]
    assert snapshot() == before


def test_apply_entries_reports_a_task_completed_meanwhile_at_its_row(zhengzhou, insurance_bureau, liaison):
    report = ReportFactory(department=insurance_bureau, period="2026-10")
    world = make_world(zhengzhou, insurance_bureau, "销号")
    before = snapshot()

    with pytest.raises(FillErrors) as failure:
        apply_entries(
            report,
            liaison,
            [
                ReportEntry(world["tasks"]["drg"].pk, 4, TaskStatus.IN_PROGRESS, 20, ""),
                ReportEntry(world["tasks"]["done"].pk, 8, TaskStatus.IN_PROGRESS, 90, ""),
            ],
        )

    assert [(e.row, e.column, e.message) for e in failure.value.errors_list] == [
        (8, "Task", "This task has been verified as completed; ask the reform office to reopen it.")
    ]
    assert snapshot() == before


def test_a_task_the_user_may_not_report_on_refuses_the_batch_as_record_progress_would(
    zhengzhou, insurance_bureau, health_commission, liaison, leader, health_task
):
    world = make_world(zhengzhou, insurance_bureau, "越权")
    before = snapshot()
    mine = ProgressItem(world["tasks"]["drg"], TaskStatus.IN_PROGRESS, 40)

    with pytest.raises(Task.DoesNotExist):  # another department's task is out of the liaison's scope
        record_progress_batch(liaison, [mine, ProgressItem(health_task, TaskStatus.IN_PROGRESS, 10)])
    with pytest.raises(NotPermitted, match="Leaders have read-only access."):
        record_progress_batch(leader, [mine])
    assert snapshot() == before


def test_office_staff_report_on_tasks_in_their_scope(zhengzhou, insurance_bureau, office):
    world = make_world(zhengzhou, insurance_bureau, "医改办")

    [update] = record_progress_batch(office, [ProgressItem(world["tasks"]["drg"], TaskStatus.IN_PROGRESS, 5)])

    assert (update.department_id, update.author_id) == (None, office.pk)


def test_the_dashboard_warm_up_is_scheduled_once(zhengzhou, insurance_bureau, liaison, monkeypatch):
    world = make_world(zhengzhou, insurance_bureau, "看板")
    calls = []
    monkeypatch.setattr(dashboard_cache, "warm_after_commit", lambda: calls.append(1))

    record_progress_batch(
        liaison,
        [
            ProgressItem(task, TaskStatus.IN_PROGRESS, 10)
            for name, task in world["tasks"].items()
            if name != "done"
        ],
    )

    # Bulk writes send no post_save: the one call is the batch's own.
    assert calls == [1]


def _department_with_tasks(region, department, count: int) -> list[ReportEntry]:
    document = PolicyDocumentFactory(region=region)
    entries = []
    for position in range(1, count + 1):
        task = TaskFactory(document=document, position=position)
        AssignmentFactory(task=task, department=department)
        target = TargetFactory(task=task, value=Decimal("50"))
        value = Decimal(position)
        entries.append(
            ReportEntry(task.pk, position + 3, TaskStatus.IN_PROGRESS, 50, "推进中", {target.pk: value})
        )
    return entries


def test_applying_50_rows_takes_as_many_queries_as_5(
    zhengzhou, insurance_bureau, liaison, django_assert_max_num_queries
):
    report = ReportFactory(department=insurance_bureau, period="2026-10")
    few = _department_with_tasks(zhengzhou, insurance_bureau, 5)
    many = _department_with_tasks(zhengzhou, insurance_bureau, 50)
    counts = []
    for entries in (few, many):
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as queries:
            assert apply_entries(report, liaison, entries) == len(entries)
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert ProgressUpdate.objects.filter(report=report).count() == 55
    assert Target.objects.filter(task_id__in=[e.task_id for e in many], attained=True).count() == 1
