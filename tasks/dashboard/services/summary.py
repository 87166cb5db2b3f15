"""The leaders' dashboard: figures over the tasks a user may see, each with its drill-down.

Read-only. Every figure is computed from `Task.objects.visible_to(user)` with aggregate queries over
plain columns (the due date is the derived `Task.due_on`), so the number of queries is fixed (at most nine) whatever the number of tasks,
departments or regions. Every figure carries `query`: the task-list query string (TaskFilterSet
parameters) that lists the tasks it counts, so the page and the API can link to them.

Definitions:
- completion rate: completed tasks over all tasks (suspended ones included), in percent;
- completed late (逾期完成): completed tasks whose completion day (`completed_at_expression`, local
  time) is after their due date, as the task list's `completed_late` filter, the lights and the
  ranking's on-time rate;
- overdue: `overdue_q` (past the latest dated deadline, not completed or suspended), as
  `with_schedule`'s `is_overdue`; due within 30 days: open tasks (not completed or suspended) whose next milestone
  falls within `UPCOMING_DAYS` days from today, as the task list's `due_within` filter;
- lead department: an assignment with role lead or co-lead. A task with two co-leads counts for
  both, so the department rows may add up to more than the total;
- region rows (when the user's scope has subregions): one per child region of the user's region
  (per province holding tasks for a superuser), counting the tasks of documents issued in that region or below
  it, as the task list's `region` filter does. Tasks of documents issued at the scope's own level
  are in the totals but in no region row;
- completions per month: completed tasks by the month (local time) of their latest "verified"
  TaskChange, or of the task's last update when no such change exists (tasks completed by an
  import or an edit): `TaskQuerySet.with_completed_at`, which the task list's `completed_in`
  filter uses too. A task reopened since is not counted;
- targets: counted as targets, not tasks: attained, not attained, no actual yet (no latest
  actual; a target with an actual but no value to judge it by is in none of the three). The task
  list lists tasks, so each slice drills down to the tasks having at least one such target, and
  `tasks_attained`, `tasks_not_attained` and `tasks_without_actual` count those tasks;
- sections: per section of the `SECTION_DOCUMENTS` newest documents in scope; tasks outside any
  section form a row per document, listed by `no_section`.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from regions.models import Region
from tasks.models import Assignment, Deadline, PolicyDocument, Target, Task, TaskStatus
from tasks.models.ledger import CLOSED_STATUSES, LEADING_ROLES, UPCOMING_DAYS, completed_late_q, overdue_q

__all__ = ["OVERDUE_LIST_SIZE", "SECTION_DOCUMENTS", "DashboardSummary", "dashboard_summary"]

OVERDUE_LIST_SIZE = 20
MONTHS = 12
# The section table covers the newest documents only: a province holds hundreds of documents, and a
# row per section of each would make a page of megabytes that no leader reads.
SECTION_DOCUMENTS = 10

OPEN_STATUSES = tuple(status for status in TaskStatus if status not in CLOSED_STATUSES)


def task_query(**params: Any) -> str:
    """A task-list query string; lists become repeated parameters (status=a&status=b)."""
    return urlencode({key: value for key, value in params.items() if value is not None}, doseq=True)


@dataclass(frozen=True)
class Figure:
    """A count and the task-list query string listing what it counts (None: no such list)."""

    value: int
    query: str | None


@dataclass(frozen=True)
class Totals:
    total: Figure
    not_started: Figure
    in_progress: Figure
    pending_verification: Figure
    completed: Figure
    suspended: Figure
    overdue: Figure
    due_soon: Figure
    completion_rate: float
    # Of the completed, those completed after their due date (逾期完成): the task list's completed_late.
    completed_late: Figure = Figure(0, None)


@dataclass(frozen=True)
class GroupCounts:
    """Total, completed and overdue tasks of a group (a department, a section, a region)."""

    total: Figure
    completed: Figure
    overdue: Figure
    completion_rate: float


@dataclass(frozen=True)
class DepartmentRow(GroupCounts):
    department_id: int = 0
    name: str = ""


@dataclass(frozen=True)
class SectionRow(GroupCounts):
    document_id: int = 0
    document_title: str = ""
    # "" for tasks outside any section; the row's queries then use `no_section`.
    section: str = ""


@dataclass(frozen=True)
class RegionRow(GroupCounts):
    code: str = ""
    name: str = ""


@dataclass(frozen=True)
class MonthRow:
    month: str  # "2026-03"
    completed: Figure


@dataclass(frozen=True)
class Targets:
    attained: Figure
    not_attained: Figure
    no_actual: Figure
    # The tasks behind each slice: what its link lists (a task may hold several targets).
    tasks_attained: Figure
    tasks_not_attained: Figure
    tasks_without_actual: Figure


@dataclass(frozen=True)
class OverdueTask:
    task_id: int
    label: str
    text: str
    document_id: int
    document_title: str
    lead_departments: list[str]
    due_on: datetime.date
    days_overdue: int


@dataclass(frozen=True)
class DashboardSummary:
    today: datetime.date
    totals: Totals
    departments: list[DepartmentRow]
    sections: list[SectionRow]
    regions: list[RegionRow]
    months: list[MonthRow]
    targets: Targets
    overdue_tasks: list[OverdueTask]
    # True when the scope has subregions; `regions` is then one row per subregion.
    has_subregions: bool = field(default=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable data: dates as ISO strings. The API returns exactly this."""
        return _jsonable(dataclasses.asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _rate(completed: int, total: int) -> float:
    return round(100 * completed / total, 1) if total else 0.0


def _counts(row: dict[str, Any], **params: Any) -> dict[str, Any]:
    """The GroupCounts fields of an aggregated row whose group is selected by `params`."""
    return {
        "total": Figure(row["total"], task_query(**params)),
        "completed": Figure(row["completed"], task_query(**params, status=TaskStatus.COMPLETED.value)),
        "overdue": Figure(row["overdue"], task_query(**params, overdue="true")),
        "completion_rate": _rate(row["completed"], row["total"]),
    }


def group_aggregates(today: datetime.date) -> dict[str, Count]:
    """The counts of each row of the department, section and region tables."""
    return {
        "total": Count("pk"),
        "completed": Count("pk", filter=Q(status=TaskStatus.COMPLETED)),
        "overdue": Count("pk", filter=overdue_q(today)),
    }


def dashboard_summary(user, today: datetime.date | None = None) -> DashboardSummary:
    """Everything on the dashboard for this user's scope, in at most nine queries, however many rows."""
    today = today or timezone.localdate()
    # Plain columns only (due_on is kept up to date by tasks/models/derived.py): no subquery per task.
    tasks = Task.objects.visible_to(user).order_by()
    # One scan for the totals and the region rows: the totals are the sum of the region groups.
    by_child = _counts_by_child_region(user, tasks, today)
    subregions, regions = _regions(user, by_child)
    return DashboardSummary(
        today=today,
        totals=_totals(by_child),
        departments=_departments(tasks, today),
        sections=_sections(user, tasks, today),
        regions=regions,
        months=_months(tasks, today),
        targets=_targets(user),
        overdue_tasks=_overdue_tasks(tasks, today),
        has_subregions=subregions,
    )


def _totals(by_child: dict[int | None, dict[str, int]]) -> Totals:
    keys = ("total", *TaskStatus.values, "overdue", "due_soon", "completed_late")
    counts = {key: sum(row[key] for row in by_child.values()) for key in keys}
    by_status = {
        status.value: Figure(counts[status.value], task_query(status=status.value)) for status in TaskStatus
    }
    return Totals(
        total=Figure(counts["total"], ""),
        **by_status,
        overdue=Figure(counts["overdue"], task_query(overdue="true")),
        due_soon=Figure(
            counts["due_soon"],
            task_query(due_within=UPCOMING_DAYS, status=[status.value for status in OPEN_STATUSES]),
        ),
        completion_rate=_rate(counts["completed"], counts["total"]),
        completed_late=Figure(counts["completed_late"], task_query(completed_late="true")),
    )


def _departments(tasks, today: datetime.date) -> list[DepartmentRow]:
    # One row per (task, leading department): a task with two co-leads counts for both.
    rows = (
        tasks.filter(assignments__role__in=LEADING_ROLES)
        .values(department_id=F("assignments__department_id"), name=F("assignments__department__name"))
        .annotate(**group_aggregates(today))
    )
    departments = [
        DepartmentRow(
            department_id=row["department_id"],
            name=row["name"],
            **_counts(row, lead_department=row["department_id"]),
        )
        for row in rows
    ]
    departments.sort(key=lambda d: (-d.completion_rate, -d.total.value, d.name, d.department_id))
    return departments


def _sections(user, tasks, today: datetime.date) -> list[SectionRow]:
    # The visible documents (an index range for offices) that hold a task, newest first.
    newest = (
        PolicyDocument.objects.visible_to(user)
        .filter(Exists(Task.objects.filter(document=OuterRef("pk"))))
        .order_by(F("issued_on").desc(nulls_last=True), "-created_at", "-pk")
        .values("pk")[:SECTION_DOCUMENTS]
    )
    rows = (
        tasks.filter(document_id__in=newest)
        .values("document_id", "section", document_title=F("document__title"))
        .annotate(**group_aggregates(today), first_position=Min("position"))
        .order_by(
            F("document__issued_on").desc(nulls_last=True),
            F("document__created_at").desc(),
            "-document_id",
            "first_position",
        )
    )
    return [
        SectionRow(
            document_id=row["document_id"],
            document_title=row["document_title"],
            section=row["section"],
            **_counts(row, document=row["document_id"], **_section_params(row["section"])),
        )
        for row in rows
    ]


def _section_params(section: str) -> dict[str, str]:
    # `section=` (empty) would be ignored by the filter and list the whole document.
    return {"section": section} if section else {"no_section": "true"}


def _counts_by_child_region(user, tasks, today: datetime.date) -> dict[int | None, dict[str, int]]:
    """Every count of the totals, grouped by the child region of the user's region the task's document
    belongs to (per province for a superuser without one); None groups the scope's own level."""
    region_id = getattr(user, "region_id", None)
    if region_id:
        # Regions are at most three levels deep: a task's document region is the scope itself,
        # a child, or a grandchild of it.
        child = Case(
            When(document__region__parent_id=region_id, then=F("document__region_id")),
            When(document__region__parent__parent_id=region_id, then=F("document__region__parent_id")),
            default=None,
            output_field=IntegerField(),
        )
    else:
        child = Case(
            When(document__region__parent__isnull=True, then=F("document__region_id")),
            When(document__region__parent__parent__isnull=True, then=F("document__region__parent_id")),
            default=F("document__region__parent__parent_id"),
            output_field=IntegerField(),
        )
    # The task list's due_within filter, as one uncorrelated IN the database hashes once.
    dated_soon = Deadline.objects.filter(
        kind=Deadline.Kind.DATE, due_on__gte=today, due_on__lte=today + datetime.timedelta(days=UPCOMING_DAYS)
    ).values("task_id")
    rows = (
        tasks.annotate(child=child)
        .values("child")
        .annotate(
            total=Count("pk"),
            **{status.value: Count("pk", filter=Q(status=status)) for status in TaskStatus},
            overdue=Count("pk", filter=overdue_q(today)),
            due_soon=Count("pk", filter=Q(status__in=OPEN_STATUSES, pk__in=dated_soon)),
            completed_late=Count("pk", filter=completed_late_q()),
        )
    )
    return {row["child"]: row for row in rows}


def _regions(user, by_child: dict[int | None, dict[str, int]]) -> tuple[bool, list[RegionRow]]:
    """Rows per child region of the user's region (per province for a superuser without one)."""
    region_id = getattr(user, "region_id", None)
    if region_id:
        children = Region.objects.filter(parent_id=region_id)
    else:
        children = Region.objects.filter(parent__isnull=True)
    children = list(children.order_by("code").values("pk", "code", "name"))
    empty = {"total": 0, "completed": 0, "overdue": 0}
    rows = [
        RegionRow(
            code=region["code"],
            name=region["name"],
            **_counts(by_child.get(region["pk"], empty), region=region["code"]),
        )
        for region in children
    ]
    if not region_id:
        # The whole country: only the provinces that hold tasks, not thirty-odd empty rows.
        rows = [row for row in rows if row.total.value]
    return bool(children), rows


def _months(tasks, today: datetime.date) -> list[MonthRow]:
    first = _add_months(today.replace(day=1), -(MONTHS - 1))
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    rows = (
        # A verification also sets updated_at (in the same moment, give or take the transaction), so
        # completed_at is never much later than updated_at: the plain column, with a day's margin,
        # narrows the tasks whose completed_at subquery runs.
        tasks.filter(status=TaskStatus.COMPLETED, updated_at__gte=start - datetime.timedelta(days=1))
        .with_completed_at()
        .filter(completed_at__gte=start)
        .annotate(month=TruncMonth("completed_at"))
        .values("month")
        .annotate(completed=Count("pk"))
    )
    by_month = {(row["month"].year, row["month"].month): row["completed"] for row in rows}
    months = []
    for offset in range(MONTHS):
        month = _add_months(first, offset)
        count = by_month.get((month.year, month.month), 0)
        query = task_query(completed_in=f"{month:%Y-%m}", ordering="-updated_at")
        months.append(MonthRow(month=f"{month:%Y-%m}", completed=Figure(count, query)))
    return months


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def _targets(user) -> Targets:
    # Aliases differ from the field names: an aggregate may not shadow the field it filters on.
    counts = Target.objects.filter(task__in=Task.objects.visible_to(user).values("pk")).aggregate(
        attained_count=Count("pk", filter=Q(attained=True)),
        not_attained_count=Count("pk", filter=Q(attained=False)),
        no_actual_count=Count("pk", filter=Q(latest_actual__isnull=True)),
        tasks_attained=Count("task_id", filter=Q(attained=True), distinct=True),
        tasks_not_attained=Count("task_id", filter=Q(attained=False), distinct=True),
        tasks_without_actual=Count("task_id", filter=Q(latest_actual__isnull=True), distinct=True),
    )
    attained = task_query(targets_attained="true")
    not_attained = task_query(targets_not_attained="true")
    without_actual = task_query(targets_without_actual="true")
    return Targets(
        attained=Figure(counts["attained_count"], attained),
        not_attained=Figure(counts["not_attained_count"], not_attained),
        no_actual=Figure(counts["no_actual_count"], without_actual),
        tasks_attained=Figure(counts["tasks_attained"], attained),
        tasks_not_attained=Figure(counts["tasks_not_attained"], not_attained),
        tasks_without_actual=Figure(counts["tasks_without_actual"], without_actual),
    )


def _overdue_tasks(tasks, today: datetime.date) -> list[OverdueTask]:
    overdue = list(
        tasks.filter(overdue_q(today))
        .select_related("document")
        # Not the document's extracted text, which may run to megabytes.
        .only("label", "text", "due_on", "document__title")
        .order_by("due_on", "document_id", "position", "pk")[:OVERDUE_LIST_SIZE]
    )
    leads: dict[int, list[str]] = {}
    for task_id, name in (
        Assignment.objects.filter(task__in=[task.pk for task in overdue], role__in=LEADING_ROLES)
        .order_by("task_id", "role", "pk")
        .values_list("task_id", "department__name")
    ):
        leads.setdefault(task_id, []).append(name)
    return [
        OverdueTask(
            task_id=task.pk,
            label=task.label,
            text=task.text,
            document_id=task.document_id,
            document_title=task.document.title,
            lead_departments=leads.get(task.pk, []),
            due_on=task.due_on,
            days_overdue=(today - task.due_on).days,
        )
        for task in overdue
    ]
