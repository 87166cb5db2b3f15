"""Derived data kept next to the ledger so that lists and the dashboard read columns, not subqueries.

- `Task.due_on`: the task's latest dated deadline;
- `TaskScope`: the regions each task is visible from (its document's region and its departments'
  regions, each with the regions above).

Both are rewritten from their sources by the functions here, inside the caller's transaction:
single saves through signals (tasks/signals.py), bulk writes and queryset updates by an explicit
call in the service that makes them (importing, editing, extensions, demo data). `check()` compares
the stored values with a recomputation; `manage.py refresh_derived [--check]` runs it or repairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import OuterRef, Subquery

from regions.models import Region
from tasks.models.ledger import Assignment, Deadline, Task
from tasks.models.scope import TaskScope

# Ids per statement: well under SQLite's limit on bound parameters.
CHUNK = 2000


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _latest_deadline() -> Subquery:
    # Only dated deadlines: a start ("自…起", its day in `starts_on`) is never a due date.
    dated = Deadline.objects.filter(task=OuterRef("pk"), kind=Deadline.Kind.DATE)
    return Subquery(dated.order_by("-due_on").values("due_on")[:1])


def refresh_due_on(task_ids: Iterable[int]) -> None:
    """Set `due_on` of these tasks from their dated deadlines (one UPDATE per chunk)."""
    for chunk in _chunks(task_ids):
        # A queryset update: neither `updated_at` nor `version` move, as nothing the user wrote changed.
        Task.objects.filter(pk__in=chunk).update(due_on=_latest_deadline())


def _ancestors() -> dict[int, tuple[int, ...]]:
    """Each region with the regions above it (itself first): one query over a few hundred rows."""
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    chains = {}
    for pk in parents:
        chain, current = [], pk
        # Regions are at most three levels deep; the bound also stops a cycle in bad data.
        while current is not None and len(chain) < 3:
            chain.append(current)
            current = parents.get(current)
        chains[pk] = tuple(chain)
    return chains


def expected_scope(task_ids: list[int], ancestors: dict[int, tuple[int, ...]]) -> set[tuple[int, int, int]]:
    """The (task id, region id, document id) rows these tasks should have."""
    rows: set[tuple[int, int, int]] = set()
    tasks = Task.objects.filter(pk__in=task_ids).values_list("pk", "document__region_id", "document_id")
    assigned = Assignment.objects.filter(task_id__in=task_ids).values_list(
        "task_id", "department__region_id", "task__document_id"
    )
    for task_id, region_id, document_id in [*tasks, *assigned]:
        rows.update((task_id, region, document_id) for region in ancestors.get(region_id, (region_id,)))
    return rows


def _stored_scope(task_ids: list[int]) -> set[tuple[int, int, int]]:
    return set(
        TaskScope.objects.filter(task_id__in=task_ids).values_list("task_id", "region_id", "document_id")
    )


def refresh_scope(task_ids: Iterable[int]) -> None:
    """Rewrite the TaskScope rows of these tasks from their document and assignments."""
    ancestors = _ancestors()
    for chunk in _chunks(task_ids):
        wanted = expected_scope(chunk, ancestors)
        stored = _stored_scope(chunk)
        stale = stored - wanted
        if stale:
            for task_id in {task_id for task_id, _region, _document in stale}:
                regions = [region for t, region, _document in stale if t == task_id]
                TaskScope.objects.filter(task_id=task_id, region_id__in=regions).delete()
        TaskScope.objects.bulk_create(
            [
                TaskScope(task_id=task_id, region_id=region, document_id=document)
                for task_id, region, document in sorted(wanted - stored)
            ],
            batch_size=5000,
        )


def refresh_tasks(task_ids: Iterable[int]) -> None:
    """Both derived values of these tasks."""
    ids = list(task_ids)
    refresh_due_on(ids)
    refresh_scope(ids)


def tasks_of_documents(document_ids: Iterable[int]) -> list[int]:
    return list(Task.objects.filter(document_id__in=list(document_ids)).values_list("pk", flat=True))


def tasks_of_departments(department_ids: Iterable[int]) -> list[int]:
    return list(
        Assignment.objects.filter(department_id__in=list(department_ids))
        .values_list("task_id", flat=True)
        .distinct()
    )


def tasks_of_regions(region_ids: Iterable[int]) -> list[int]:
    """Tasks whose document or a department is in these regions or below them."""
    regions = set(region_ids)
    below = set(Region.objects.filter(pk__in=regions).values_list("pk", flat=True)) | set(
        Region.objects.filter(parent_id__in=regions).values_list("pk", flat=True)
    )
    below |= set(Region.objects.filter(parent__parent_id__in=regions).values_list("pk", flat=True))
    by_document = Task.objects.filter(document__region_id__in=below).values_list("pk", flat=True)
    by_department = Assignment.objects.filter(department__region_id__in=below).values_list(
        "task_id", flat=True
    )
    return sorted(set(by_document) | set(by_department))


def refresh_all() -> int:
    """Recompute every task's derived values; returns the number of tasks."""
    ids = list(Task.objects.values_list("pk", flat=True))
    refresh_tasks(ids)
    return len(ids)


def check() -> list[str]:
    """Differences between the stored derived values and a recomputation; empty when consistent."""
    problems: list[str] = []
    due_dates = Task.objects.annotate(expected=_latest_deadline()).values_list("pk", "due_on", "expected")
    for pk, stored, expected in due_dates.iterator(chunk_size=CHUNK):
        if stored != expected:
            problems.append(f"task {pk}: due_on {stored} should be {expected}")
    ancestors = _ancestors()
    for chunk in _chunks(Task.objects.values_list("pk", flat=True)):
        wanted = expected_scope(chunk, ancestors)
        stored = _stored_scope(chunk)
        problems += [f"task {t}: missing scope row {r}/{d}" for t, r, d in sorted(wanted - stored)]
        problems += [f"task {t}: stale scope row {r}/{d}" for t, r, d in sorted(stored - wanted)]
    return problems
