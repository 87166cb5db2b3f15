"""Tasks as workbook rows, in a fixed number of queries however many tasks there are."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.lights import Thresholds, light_for
from tasks.models import Assignment, Deadline, ProgressUpdate, Task
from tasks.reports.task_list import TaskRow

LEADING_ROLES = (Assignment.Role.LEAD, Assignment.Role.CO_LEAD)


def prepare_for_rows(tasks: QuerySet[Task], today: datetime.date | None = None) -> QuerySet[Task]:
    """The queryset with what task_row() reads: four queries in all (tasks, assignments,
    deadlines, the latest progress update of each task)."""
    if "due_on" not in tasks.query.annotations:
        tasks = tasks.with_schedule(today)
    return tasks.select_related("document").prefetch_related(
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


def task_rows(tasks: QuerySet[Task], *, today: datetime.date | None = None) -> list[TaskRow]:
    """Rows for the task-list workbook, in the queryset's order.

    Pass the filtered list (TaskFilterSet(...).qs) as it is; it must already be scoped to the user.
    """
    today = today or timezone.localdate()
    thresholds = Thresholds.from_settings()
    return [task_row(task, today, thresholds) for task in prepare_for_rows(tasks, today)]
