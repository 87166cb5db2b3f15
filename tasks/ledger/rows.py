"""Tasks as workbook rows, in a fixed number of queries per chunk however many tasks there are."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from itertools import chain, islice

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.ledger.lights import Thresholds, light_for
from tasks.models import Assignment, Deadline, ProgressUpdate, Task
from tasks.models.ledger import LEADING_ROLES
from tasks.workbooks.task_list import TaskRow

# Tasks fetched (and prefetched for) at a time, so a 100,000-row export never holds every task.
CHUNK_SIZE = 2000


def prepare_for_rows(tasks: QuerySet[Task], today: datetime.date | None = None) -> QuerySet[Task]:
    """The queryset with what task_row() reads: four queries in all (tasks, assignments,
    deadlines, the latest progress update of each task)."""
    if not tasks.has_schedule():
        tasks = tasks.with_schedule(today)
    # Not the document's extracted text (it may run to megabytes), which no row shows.
    return (
        tasks.select_related("document")
        .defer("document__text")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("department").order_by("pk"),
            ),
            Prefetch("deadlines", queryset=Deadline.objects.order_by("pk")),
            # A sliced prefetch: one query with a window function, one row per task.
            Prefetch(
                "progress_updates",
                queryset=ProgressUpdate.objects.order_by("-created_at", "-pk")[:1],
                to_attr="latest_updates",
            ),
        )
    )


def _names(assignments: list[Assignment]) -> tuple[str, ...]:
    """Department names; a collective assignee ("各县（区）人民政府") is named once, as written."""
    names: list[str] = []
    for assignment in assignments:
        name = assignment.collective_text or assignment.department.name
        if name not in names:
            names.append(name)
    return tuple(names)


def task_row(task: Task, today: datetime.date, thresholds: Thresholds | None = None) -> TaskRow:
    """One row from a task of prepare_for_rows(); no query of its own."""
    assignments = list(task.assignments.all())
    # Lead before co-lead, each in the order the document names them.
    leading = sorted(
        (a for a in assignments if a.role in LEADING_ROLES), key=lambda a: LEADING_ROLES.index(a.role)
    )
    cooperating = [a for a in assignments if a.role not in LEADING_ROLES]
    light = light_for(task, today, thresholds)
    latest = task.latest_updates[0] if task.latest_updates else None
    latest_text = ""
    if latest is not None:
        when = timezone.localtime(latest.created_at).date()
        latest_text = f"{when:%Y-%m-%d}：{latest.narrative}" if latest.narrative else f"{when:%Y-%m-%d}"
    return TaskRow(
        document_title=task.document.title,
        doc_number=task.document.doc_number,
        label=task.label,
        section=task.section,
        text=task.text,
        lead_departments=_names(leading),
        cooperating_departments=_names(cooperating),
        time_limit="；".join(deadline.text for deadline in task.deadlines.all()),
        due_on=task.due_on,
        status=str(task.get_status_display()),
        progress=task.progress,
        light=light.colour.value,
        light_text=_("%(colour)s: %(reason)s") % {"colour": light.label, "reason": light.reason},
        latest_progress=latest_text,
    )


def iter_task_rows(
    tasks: QuerySet[Task], *, today: datetime.date | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[TaskRow]:
    """Rows for the task-list workbook, in the queryset's order, fetched `chunk_size` tasks at a time.

    Four queries per chunk (tasks, assignments with departments, deadlines, latest progress
    updates): QuerySet.iterator() runs the prefetches once per chunk. Pass the filtered list
    (TaskFilterSet(...).qs) as it is; it must already be scoped to the user.
    """
    today = today or timezone.localdate()
    thresholds = Thresholds.from_settings()
    for task in prepare_for_rows(tasks, today).iterator(chunk_size=chunk_size):
        yield task_row(task, today, thresholds)


def counted_task_rows(
    tasks: QuerySet[Task], *, today: datetime.date | None = None, chunk_size: int = CHUNK_SIZE
) -> tuple[int, Iterator[TaskRow]]:
    """How many rows, and the rows as a stream, for a writer that needs the count first.

    The first chunk is read ahead: a list that fits in it is counted without a query (so small
    exports cost the same four queries as before); a longer one costs one COUNT more.
    """
    rows = iter_task_rows(tasks, today=today, chunk_size=chunk_size)
    head = list(islice(rows, chunk_size))
    count = len(head) if len(head) < chunk_size else tasks.order_by().count()
    return count, chain(head, rows)


def task_rows(tasks: QuerySet[Task], *, today: datetime.date | None = None) -> list[TaskRow]:
    """All rows as a list (four queries per CHUNK_SIZE tasks); exports stream iter_task_rows instead."""
    return list(iter_task_rows(tasks, today=today))
