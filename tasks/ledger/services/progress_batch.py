"""Recording many progress reports at once, as a department report does: what `record_progress` does
for each item, in a number of queries that does not grow with the items of a chunk.

`record_progress` costs about nine queries per report (permission, targets, lock, insert, readings,
each target, version, audit, refresh); a report of 700 rows took half a minute inside the request.
Here each lookup is one query for the whole batch — the reporter's permission, the targets, the task
locks (in id order, so two batches cannot deadlock) — and each write one statement per CHUNK items:
progress updates, readings, targets (latest actual and `attained`, through `Target.compute_attained`),
tasks (status, progress and version, conditional on the locked version) and the audit trail. The
rules are record_progress's own helpers (tasks/ledger/services/progress.py), so the two paths cannot drift.

All items are checked before anything is written; one refused item records nothing (BatchErrors lists
every refused item). Bulk inserts send no post_save, so the dashboard warm-up is scheduled here.
Reports through this path carry no evidence files.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from tasks.access import edits_tasks_in_scope, require_reporter, scope_of
from tasks.dashboard.services import cache as dashboard_cache
from tasks.ledger.services.editing import VersionConflict, check_percent, jsonable
from tasks.ledger.services.progress import (
    check_status,
    clean_readings,
    clear_return,
    progress_changes,
    refuse_completed,
    reporting_department_id,
)
from tasks.models import Assignment, ProgressUpdate, Target, TargetReading, Task, TaskChange

__all__ = ["CHUNK", "BatchErrors", "ProgressItem", "record_progress_batch"]

# Items per write statement: a department's report (hundreds of rows) is one chunk or two.
CHUNK = 500


class ProgressItem(NamedTuple):
    """One report of the batch; `readings` are actual values by target id, as for record_progress."""

    task: Task
    status: str
    percent: int
    narrative: str = ""
    readings: Mapping[int, Decimal] | None = None


class BatchErrors(ValidationError):
    """The refused items as (index in the batch, messages); nothing was recorded."""

    def __init__(self, item_errors: Sequence[tuple[int, list[str]]]) -> None:
        self.item_errors = list(item_errors)
        super().__init__([message for _index, messages in self.item_errors for message in messages])


def _chunks(items: list) -> Iterator[list]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _require_reporter_of_all(user, tasks: Sequence[Task]) -> None:
    """require_reporter for every task, in two queries; the first refused task raises its exception."""
    task_ids = {task.pk for task in tasks}
    allowed: set[int] = set()
    department_id = scope_of(user).department_id  # a liaison reports for their department
    if department_id:
        allowed |= set(
            Assignment.objects.filter(task_id__in=task_ids, department_id=department_id).values_list(
                "task_id", flat=True
            )
        )
    rest = task_ids - allowed
    if rest and edits_tasks_in_scope(user):
        if scope_of(user).everything:
            allowed |= rest
        else:
            allowed |= set(Task.objects.visible_to(user).filter(pk__in=rest).values_list("pk", flat=True))
    for task in tasks:
        if task.pk not in allowed:
            # The refusal (not found, leader, other department) worded exactly as for one report.
            require_reporter(user, task)
            allowed.add(task.pk)


def _check(items: list[ProgressItem], targets: dict[int, dict[int, Target]]):
    """Per item (status, percent, narrative, readings) or its messages, as record_progress checks them."""
    clean, errors = {}, {}
    for index, item in enumerate(items):
        try:
            check_status(item.status)
            percent = check_percent(item.percent)
            # The Target instances are shared by the items of one task, so that a second report on it
            # sees the first one's actual as "before", as consecutive record_progress calls would.
            readings = clean_readings(targets.get(item.task.pk, {}), item.readings or {})
        except ValidationError as error:
            errors[index] = error.messages
            continue
        clean[index] = (item.status, percent, str(item.narrative or "").strip(), readings)
    return clean, errors


def _write_tasks(
    before: dict[int, tuple[str, int, int]], after: dict[int, tuple[str, int, int]], now
) -> None:
    """Every task's (status, progress, version) from `before` to `after` in one UPDATE, conditional on
    the version of `before` like bump_version (the rows are locked, so it holds on PostgreSQL)."""
    pks = list(after)
    if connection.vendor == "postgresql":
        # Arrays joined to the table: Django's Case/When for a few hundred rows took seconds to compile.
        table = connection.ops.quote_name(Task._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET status = v.status, progress = v.progress, version = v.after, "  # nosec B608
                "updated_at = %s FROM unnest(%s::bigint[], %s::varchar[], %s::integer[], %s::integer[], "
                "%s::integer[]) AS v(id, status, progress, before, after) "
                "WHERE t.id = v.id AND t.version = v.before",
                [
                    now,
                    pks,
                    [after[pk][0] for pk in pks],
                    [after[pk][1] for pk in pks],
                    [before[pk][2] for pk in pks],
                    [after[pk][2] for pk in pks],
                ],
            )
            updated = cursor.rowcount
    else:

        def case(values: dict, position: int, output_field: models.Field) -> Case:
            whens = [When(pk=pk, then=Value(row[position])) for pk, row in values.items()]
            return Case(*whens, output_field=output_field)

        updated = Task.objects.filter(pk__in=pks, version=case(before, 2, models.IntegerField())).update(
            status=case(after, 0, models.CharField()),
            progress=case(after, 1, models.IntegerField()),
            version=case(after, 2, models.IntegerField()),
            updated_at=now,
        )
    if updated != len(pks):
        stored = dict(Task.objects.filter(pk__in=pks).values_list("pk", "version"))
        moved = next(pk for pk in pks if stored.get(pk) != before[pk][2])
        raise VersionConflict(Task.objects.get(pk=moved), before[moved][2])


def _write_targets(targets: list[Target]) -> None:
    """Each target's latest actual and attainment, in one UPDATE."""
    if connection.vendor != "postgresql":
        Target.objects.bulk_update(targets, ["latest_actual", "attained"])
        return
    table = connection.ops.quote_name(Target._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET latest_actual = v.latest_actual, attained = v.attained "  # nosec B608
            "FROM unnest(%s::bigint[], %s::numeric[], %s::boolean[]) AS v(id, latest_actual, attained) "
            "WHERE t.id = v.id",
            [[t.pk for t in targets], [t.latest_actual for t in targets], [t.attained for t in targets]],
        )


def record_progress_batch(user, items: Sequence[ProgressItem], *, report=None) -> list[ProgressUpdate]:
    """record_progress for every item, in one transaction, or nothing; the progress updates in item order.

    Raises as record_progress would for the first task the user may not report on (Task.DoesNotExist,
    NotPermitted), and BatchErrors for every item with a bad status, percent or reading or whose task
    has been verified as completed. Items may repeat a task: they apply in order.
    """
    items = [ProgressItem(*item) for item in items]
    if not items:
        return []
    _require_reporter_of_all(user, [item.task for item in items])
    task_ids = sorted({item.task.pk for item in items})
    targets: dict[int, dict[int, Target]] = {}
    for target in Target.objects.filter(task_id__in=task_ids):
        targets.setdefault(target.task_id, {})[target.pk] = target
    clean, errors = _check(items, targets)

    department_id = reporting_department_id(user)
    updates: list[ProgressUpdate] = []
    with transaction.atomic():
        locked = {
            task.pk: task
            for task in Task.objects.select_for_update()
            .filter(pk__in=task_ids)
            .order_by("pk")
            .only("pk", "status", "progress", "version")
        }
        for index, item in enumerate(items):
            if index in errors:
                continue
            if item.task.pk not in locked:
                raise Task.DoesNotExist("Task matching query does not exist.")
            try:
                refuse_completed(locked[item.task.pk])
            except ValidationError as error:
                errors[index] = error.messages
        if errors:
            raise BatchErrors(sorted(errors.items()))

        now = timezone.now()
        for chunk in _chunks(list(enumerate(items))):
            chunk_updates, readings, changes, touched = [], [], [], {}
            before = {}
            for index, item in chunk:
                status, percent, narrative, values = clean[index]
                current = locked[item.task.pk]
                before.setdefault(current.pk, (current.status, current.progress, current.version))
                update = ProgressUpdate(
                    task_id=current.pk,
                    department_id=department_id,
                    author=user,
                    status=status,
                    percent=percent,
                    narrative=narrative,
                    report=report,
                )
                chunk_updates.append(update)
                actuals = {}
                for target, value in values.items():
                    readings.append(TargetReading(update=update, target=target, value=value))
                    actuals[str(target.pk)] = [jsonable(target.latest_actual), jsonable(value)]
                    target.latest_actual = value
                    target.attained = target.compute_attained()  # what Target.save() derives
                    touched[target.pk] = target
                changes.append(
                    TaskChange(
                        task_id=current.pk,
                        actor=user,
                        action=TaskChange.Action.PROGRESS,
                        changes=progress_changes(current, status=status, percent=percent, actuals=actuals),
                        note=narrative,
                    )
                )
                current.status, current.progress, current.version = status, percent, current.version + 1
            ProgressUpdate.objects.bulk_create(chunk_updates)
            if readings:
                # Each reading takes its update's id, set by the insert above.
                TargetReading.objects.bulk_create(readings)
            if touched:
                _write_targets(list(touched.values()))
            _write_tasks(
                before,
                {pk: (locked[pk].status, locked[pk].progress, locked[pk].version) for pk in before},
                now,
            )
            # Reporting again answers a return (progress.clear_return).
            clear_return(list(before), user)
            TaskChange.objects.bulk_create(changes)
            updates.extend(chunk_updates)
        dashboard_cache.warm_after_commit()

    # As record_progress refreshes its task: the callers' objects show what was written.
    for item in items:
        current = locked[item.task.pk]
        item.task.status, item.task.progress, item.task.version = (
            current.status,
            current.progress,
            current.version,
        )
        item.task.updated_at = now
    return updates
