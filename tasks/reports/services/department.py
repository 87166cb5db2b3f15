"""Department reports (部门工作进展报表): who may see and request them, their rows, and their build.

A department's report for a period lists the tasks assigned to it, lead and co-lead first, with empty
columns for the period's progress (tasks/workbooks/department_report.py). It is tracked by a `Report` row (kind
department, one per department and period, a constraint): `request_department_report` queues it, the
`tasks.build_report` job runs `build_report`, and on the first working day of a month
`build_monthly_reports` queues one for every department with tasks. Filling it in is
tasks/reports/services/filling.py; submitting and reviewing it, and the late departments, are
tasks/reports/services/workflow.py.

Scope: office staff and leaders see the reports of departments of their region and the regions below
(leaders read only), a liaison those of their own department, superusers all. Outside that a report
does not exist (`Report.DoesNotExist`, pages answer 404); a role that may not act gets `NotPermitted`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterator

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Max, Min, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import Department, Region
from tasks.access import NotPermitted, may_request_department_report, may_review_reports, scope_of
from tasks.ledger.services.progress import REPORTABLE_STATUSES
from tasks.models import Assignment, Report, Target, Task, TaskStatus
from tasks.models.ledger import CLOSED_STATUSES, DOCUMENT_ORDER, LEADING_ROLES
from tasks.numbers import plain_number
from tasks.queueing import BUILD_REPORT, queue_after_commit
from tasks.reports.services.builds import run_build
from tasks.reports.services.periods import due_date, is_build_day, parse_period, previous_period
from tasks.rows import TASK_COLUMNS, among, chunks, load_parts
from tasks.workbooks.department_report import (
    DepartmentRow,
    TargetCell,
    build_department_workbook,
    identifier_for,
)

logger = logging.getLogger(__name__)

__all__ = [
    "build_monthly_reports",
    "build_report",
    "department_tasks",
    "departments_in_scope",
    "get_report_for",
    "iter_department_rows",
    "period_label",
    "queue_report",
    "reports_visible_to",
    "request_department_report",
    "require_reviewer",
    "write_department_report",
]

# Tasks per chunk: each costs the same four queries, and the build's progress moves once a chunk.
CHUNK_SIZE = 500
# A report that is being built, or built and not yet filled in, is reused rather than queued again.
REUSED_STATUSES = (Report.Status.QUEUED, Report.Status.RUNNING, Report.Status.DONE)
# Once a department has handed it in (or been asked to correct it) the workbook is not rebuilt.
HANDED_IN_STATUSES = (Report.Status.SUBMITTED, Report.Status.RETURNED, Report.Status.APPROVED)
COMPARATOR_SIGNS = {
    Target.Comparator.AT_LEAST: "≥",
    Target.Comparator.AT_MOST: "≤",
    Target.Comparator.EQUAL: "=",
}

Progress = Callable[[int, int], None]


# Scope ------------------------------------------------------------------------------------------


def departments_in_scope(user) -> QuerySet[Department]:
    """Departments whose reports the user sees: the region's and below for office staff and leaders,
    their own for a liaison, all for superusers."""
    scope = scope_of(user)
    if scope.everything:
        return Department.objects.all()
    if scope.region_id:
        return Department.objects.filter(region__in=Region.objects.subtree(scope.region_id))
    if scope.department_id:
        return Department.objects.filter(pk=scope.department_id)
    return Department.objects.none()


def reports_visible_to(user) -> QuerySet[Report]:
    """Reports the user sees: department reports of departments in scope, and for office staff and
    leaders the office ledgers of their region and below."""
    scope = scope_of(user)
    if scope.nothing:
        return Report.objects.none()
    if scope.everything:
        return Report.objects.all()
    department_reports = Q(kind=Report.Kind.DEPARTMENT, department__in=departments_in_scope(user))
    if scope.region_id:
        return Report.objects.filter(
            department_reports
            | Q(department__isnull=True, region__in=Region.objects.subtree(scope.region_id))
        )
    return Report.objects.filter(department_reports)


def get_report_for(user, pk: int) -> Report:
    """The report if the user may see it; Report.DoesNotExist otherwise (pages answer 404)."""
    return reports_visible_to(user).select_related("department", "region").get(pk=pk)


def _require_requester(user, department: Department) -> None:
    if not departments_in_scope(user).filter(pk=department.pk).exists():
        raise Department.DoesNotExist(_("No such department."))
    if not may_request_department_report(user, department.pk):
        # In scope and not allowed is a leader: a liaison sees only their own department.
        raise NotPermitted(_("Leaders have read-only access."))


def require_reviewer(user, report: Report) -> None:
    """Office staff in scope (or a superuser) review a report; others who see it get NotPermitted."""
    if not reports_visible_to(user).filter(pk=report.pk).exists():
        raise Report.DoesNotExist(_("No such report."))
    if not may_review_reports(user):
        raise NotPermitted(_("Only reform office staff may approve or return a report."))


# Rows -------------------------------------------------------------------------------------------


def department_tasks(department: Department | int) -> QuerySet[Task]:
    """The tasks assigned to a department, in any role."""
    pk = department if isinstance(department, int) else department.pk
    return Task.objects.filter(pk__in=Assignment.objects.filter(department_id=pk).values("task_id"))


def period_label(period: str) -> str:
    """ "2026/10" in English, "2026年10月" once translated."""
    year, month = parse_period(period)
    return _("%(year)s/%(month)s") % {"year": year, "month": month}


def _target_text(metric: str, comparator: str, value, value_max, unit: str, text: str) -> str:
    """ "病种数 ≥ 100 个" when the target was understood, else the words of the document."""
    sign = COMPARATOR_SIGNS.get(comparator)
    if metric and value is not None:
        amount = plain_number(value)
        if sign:
            return f"{metric} {sign} {amount}{unit}"
        if comparator == Target.Comparator.RANGE and value_max is not None:
            return f"{metric} {amount}–{plain_number(value_max)}{unit}"
    return text


def _ordered_tasks(department_id: int) -> list[tuple[int, int]]:
    """(task id, 0 for lead/co-lead else 1) in the report's order: lead first, then document order."""
    return list(
        Task.objects.filter(assignments__department_id=department_id)
        .annotate(rank=Min(Case(When(assignments__role__in=LEADING_ROLES, then=Value(0)), default=Value(1))))
        .order_by("rank", *DOCUMENT_ORDER)
        .values_list("pk", "rank")
    )


def iter_department_rows(
    department: Department,
    *,
    today: datetime.date,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: Callable[[int], None] | None = None,
) -> tuple[int, int, Iterator[DepartmentRow]]:
    """(number of tasks, most targets of a task, the rows), the rows fetched `chunk_size` at a time.

    Two queries up front (the tasks in order with the department's role; the target counts), then four
    per chunk (tasks with their document, deadlines, targets, the latest progress update of each task).
    `on_chunk(n)` is called once the n rows of a chunk have been consumed.
    """
    ordered = _ordered_tasks(department.pk)
    slots = (
        Target.objects.filter(task__assignments__department_id=department.pk)
        .values("task_id")
        .annotate(n=Count("pk", distinct=True))
        .aggregate(most=Max("n"))["most"]
        if ordered
        else 0
    ) or 0
    return len(ordered), slots, _rows(department.pk, ordered, today, chunk_size, on_chunk)


def _rows(department_id, ordered, today, chunk_size, on_chunk) -> Iterator[DepartmentRow]:
    zone = timezone.get_current_timezone()
    statuses = {value: str(label) for value, label in TaskStatus.choices}
    lead, cooperating = str(_("Lead")), str(Assignment.Role.COOPERATING.label)
    roles = {value: str(label) for value, label in Assignment.Role.choices}
    closed = set(CLOSED_STATUSES)
    for chunk in chunks(ordered, chunk_size):
        ids = [task_id for task_id, _rank in chunk]
        tasks = {row[0]: row for row in Task.objects.filter(among("pk", ids)).values_list(*TASK_COLUMNS)}
        parts = load_parts(
            ids,
            assignments=True,
            department_id=department_id,
            deadlines=True,
            targets=("pk", "metric", "comparator", "value", "value_max", "unit", "text", "latest_actual"),
            latest=True,
        )
        for task_id, rank in chunk:
            _pk, title, doc_number, label, text, due_on, status, progress = tasks[task_id]
            role_values = [role for role, _collective, _name in parts.assignments.get(task_id, ())]
            if rank == 0:
                role = next((roles[r] for r in LEADING_ROLES if r in role_values), lead)
            else:
                role = cooperating
            progress_at, narrative = parts.latest.get(task_id, (None, ""))
            yield DepartmentRow(
                task_id=task_id,
                document_title=title,
                doc_number=doc_number,
                label=label,
                text=text,
                role=role,
                time_limit=parts.time_limit(task_id),
                due_on=due_on,
                targets=tuple(
                    TargetCell(
                        target_id=pk,
                        text=_target_text(metric, comparator, value, value_max, unit, words),
                        latest_actual=actual,
                        unit=unit,
                    )
                    for pk, metric, comparator, value, value_max, unit, words, actual in parts.targets.get(
                        task_id, ()
                    )
                ),
                latest_progress_on=progress_at.astimezone(zone).date() if progress_at else None,
                latest_narrative=narrative,
                status=statuses.get(status, status),
                progress=progress,
                overdue=due_on is not None and due_on < today and status not in closed,
                completed=status == TaskStatus.COMPLETED,
            )
        if on_chunk is not None:
            on_chunk(len(chunk))


def status_labels() -> list[str]:
    """The labels of the statuses a report may set, in the active language (the drop-down's list)."""
    return [str(TaskStatus(value).label) for value in REPORTABLE_STATUSES]


def write_department_report(
    report: Report,
    out,
    *,
    today: datetime.date | None = None,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> int:
    """Write a department report's workbook to `out` (a binary file); the number of task rows."""
    today = today or timezone.localdate()
    total, slots, rows = iter_department_rows(report.department, today=today, chunk_size=chunk_size)

    def on_row(written: int) -> None:
        if progress is not None and (written % chunk_size == 0 or written == total):
            progress(written, total)

    return build_department_workbook(
        rows,
        out,
        department=report.department.name,
        period_label=period_label(report.period),
        due_on=due_date(report.period),
        status_labels=status_labels(),
        target_slots=slots,
        identifier=identifier_for(report.pk),
        on_row=on_row,
    )


# The Report row ---------------------------------------------------------------------------------


def queue_report(
    department: Department, period: str, *, requested_by=None, rebuild: bool = False
) -> tuple[Report, bool]:
    """The department's report row for `period`, queued for a build; (report, whether to build it).

    Reuses the row (one per department and period): one being built, or built and not handed in, is
    left as it is unless `rebuild`; a failed one is queued again; one handed in is never rebuilt.
    The caller holds the transaction.
    """
    parse_period(period)
    report, created = Report.objects.select_for_update().get_or_create(
        kind=Report.Kind.DEPARTMENT,
        department=department,
        period=period,
        defaults={"region_id": department.region_id, "requested_by": requested_by},
    )
    if created:
        return report, True
    if report.status in HANDED_IN_STATUSES:
        return report, False
    if report.status in REUSED_STATUSES and not (rebuild and report.status == Report.Status.DONE):
        return report, False
    report.status = Report.Status.QUEUED
    report.progress = 0
    report.error = ""
    report.requested_by = requested_by or report.requested_by
    report.save(update_fields=["status", "progress", "error", "requested_by"])
    return report, True


def request_department_report(department: Department, period: str, user) -> Report:
    """Queue a build of the department's report for `period` (office staff in scope or a liaison of
    the department); the existing row when it is queued, running or done. Enqueued after commit."""
    _require_requester(user, department)

    with transaction.atomic():
        report, build = queue_report(department, period, requested_by=user)
        if build:
            queue_after_commit(BUILD_REPORT, report.pk)
    return report


def build_report(report_id: int, *, today: datetime.date | None = None) -> str:
    """Build a queued department report (report_builds.run_build); its status. A failure clears the
    file, so the department never downloads a workbook of another build."""

    def write(report: Report, path: str, progress) -> None:
        with open(path, "wb") as out:
            write_department_report(report, out, today=today, progress=progress)

    return run_build(
        report_id,
        Report.Kind.DEPARTMENT,
        related="department",
        write=write,
        filename=lambda report: f"department-{report.department_id}-{report.period}.xlsx",
        failure=lambda message: _("The report could not be built: %(error)s") % {"error": message},
        clear_file_on_failure=True,
    )


def departments_with_tasks(region: Region | None = None) -> QuerySet[Department]:
    """Active departments assigned at least one task (in `region` and below, when given)."""
    departments = Department.objects.filter(
        is_active=True, pk__in=Assignment.objects.values("department_id")
    ).order_by("region_id", "name", "pk")
    if region is not None:
        departments = departments.filter(region__in=Region.objects.subtree(region.pk))
    return departments


def build_monthly_reports(today: datetime.date) -> dict:
    """On the first working day of a month, queue last month's report of every department with tasks.

    Idempotent: a department that has its row for the period (the unique constraint) is skipped, so a
    re-run or a double-fired beat queues nothing more. The builds are enqueued after commit.
    """
    if not is_build_day(today):
        return {"today": today.isoformat(), "build_day": False, "queued": 0}
    period = previous_period(today)

    with transaction.atomic():
        existing = set(
            Report.objects.filter(kind=Report.Kind.DEPARTMENT, period=period).values_list(
                "department_id", flat=True
            )
        )
        new = [
            Report(kind=Report.Kind.DEPARTMENT, department_id=pk, region_id=region_id, period=period)
            for pk, region_id in departments_with_tasks().values_list("pk", "region_id")
            if pk not in existing
        ]
        try:
            with transaction.atomic():
                created = Report.objects.bulk_create(new)
        except IntegrityError:
            # Another run inserted some of them since our read: create the rest one by one.
            created = [report for report in new if _create_one(report)]
        for report in created:
            queue_after_commit(BUILD_REPORT, report.pk)
    return {"today": today.isoformat(), "build_day": True, "period": period, "queued": len(created)}


def _create_one(report: Report) -> bool:
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        return False
    return True
