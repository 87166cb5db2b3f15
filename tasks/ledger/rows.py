"""The task list as workbook rows (任务清单 export), over the shared row layer (tasks/rows.py): a fixed
number of queries per chunk however many tasks there are."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from itertools import chain, islice

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.ledger.lights import Thresholds, light_for
from tasks.models import Task
from tasks.rows import CHUNK_SIZE, TaskParts, chunks, department_names, load_parts
from tasks.workbooks.task_list import TaskRow


def _tasks_for_rows(tasks: QuerySet[Task], today: datetime.date) -> QuerySet[Task]:
    """The tasks with what their light needs (with_schedule) and their document's title and number; not
    the document's extracted text (it may run to megabytes), which no row shows."""
    if not tasks.has_schedule():
        tasks = tasks.with_schedule(today)
    return tasks.select_related("document").defer("document__text")


def task_row(
    task: Task, parts: TaskParts, today: datetime.date, thresholds: Thresholds | None = None
) -> TaskRow:
    """One row from a task and the parts of its chunk (tasks.rows.load_parts); no query of its own."""
    leading, cooperating = department_names(parts.assignments.get(task.pk, ()))
    light = light_for(task, today, thresholds)
    latest = parts.latest.get(task.pk)
    latest_text = ""
    if latest is not None:
        created_at, narrative = latest
        when = timezone.localtime(created_at).date()
        latest_text = f"{when:%Y-%m-%d}：{narrative}" if narrative else f"{when:%Y-%m-%d}"
    return TaskRow(
        document_title=task.document.title,
        doc_number=task.document.doc_number,
        label=task.label,
        section=task.section,
        text=task.text,
        lead_departments=leading,
        cooperating_departments=cooperating,
        time_limit=parts.time_limit(task.pk),
        due_on=task.due_on,
        status=str(_("Completed late") if task.completed_late else task.get_status_display()),
        progress=task.progress,
        light=light.colour.value,
        light_text=_("%(colour)s: %(reason)s") % {"colour": light.label, "reason": light.reason},
        latest_progress=latest_text,
    )


def iter_task_rows(
    tasks: QuerySet[Task], *, today: datetime.date | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[TaskRow]:
    """Rows for the task-list workbook, in the queryset's order, fetched `chunk_size` tasks at a time.

    One cursor over the tasks, then three queries per chunk (assignments with departments, deadlines,
    latest progress updates: tasks.rows.load_parts). Pass the filtered list (TaskFilterSet(...).qs) as
    it is; it must already be scoped to the user.
    """
    today = today or timezone.localdate()
    thresholds = Thresholds.from_settings()
    for chunk in chunks(_tasks_for_rows(tasks, today).iterator(chunk_size=chunk_size), chunk_size):
        parts = load_parts([task.pk for task in chunk], assignments=True, deadlines=True, latest=True)
        for task in chunk:
            yield task_row(task, parts, today, thresholds)


def counted_task_rows(
    tasks: QuerySet[Task], *, today: datetime.date | None = None, chunk_size: int = CHUNK_SIZE
) -> tuple[int, Iterator[TaskRow]]:
    """How many rows, and the rows as a stream, for a writer that needs the count first.

    The first chunk is read ahead: a list that fits in it is counted without a query (so a small
    export costs four queries: the tasks and three parts); a longer one costs one COUNT more.
    """
    rows = iter_task_rows(tasks, today=today, chunk_size=chunk_size)
    head = list(islice(rows, chunk_size))
    count = len(head) if len(head) < chunk_size else tasks.order_by().count()
    return count, chain(head, rows)


def task_rows(tasks: QuerySet[Task], *, today: datetime.date | None = None) -> list[TaskRow]:
    """All rows as a list (four queries per CHUNK_SIZE tasks); exports stream iter_task_rows instead."""
    return list(iter_task_rows(tasks, today=today))
