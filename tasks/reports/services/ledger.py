"""The office's ledger (台账) and department ranking (通报) of a region: the query side and its build.

The tasks of a region are its TaskScope: what its office staff and leaders see (`visible_to`). Rows
come `chunk_size` tasks at a time from one server-side cursor over the tasks, and each chunk costs
seven more queries whatever its size (assignments with department names, deadlines, the latest
progress update, the evidence counts, the targets, and the leaders' instructions and their replies
of the chunk's tasks); the ranking takes two
aggregate queries (the departments' figures, the period's department reports). A province's ledger
costs about a hundred queries and flat memory. Figures are defined in tasks/workbooks/ledger.py (`ranking_notes`).

A build is tracked by a `Report` row (kind ledger, one per region and period): `request_ledger`
queues it, the `tasks.build_ledger` job runs `build_ledger`.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import Region
from tasks.access import require_ledger_builder, scope_of
from tasks.models import (
    Assignment,
    PeriodClosing,
    Report,
    Task,
    TaskScope,
    TaskStatus,
)
from tasks.models.ledger import (
    CLOSED_STATUSES,
    DOCUMENT_ORDER,
    LEADING_ROLES,
    completed_at_expression,
    completed_late_q,
)
from tasks.numbers import plain_number
from tasks.periods.services.changes import PeriodChanges, changes_of
from tasks.periods.services.frozen import frozen_ranking
from tasks.periods.services.snapshots import done_closing, state_as_of
from tasks.queueing import BUILD_LEDGER
from tasks.reports.services.builds import request_office_report, run_build
from tasks.reports.services.periods import due_date, parse_period, period_bounds, previous_period
from tasks.rows import CHUNK_SIZE, TASK_COLUMNS, chunks, department_names, load_parts
from tasks.workbooks.ledger import (
    DepartmentFigures,
    LedgerRow,
    Ranking,
    ReportTimeliness,
    build_ledger_workbook,
)
from tasks.workbooks.ledger_changes import ChangedRow, LateRow, LedgerChanges

logger = logging.getLogger(__name__)

# Department reports counted as handed in; a returned one must be handed in again.
SUBMITTED_STATUSES = (Report.Status.SUBMITTED, Report.Status.APPROVED)

Progress = Callable[[int, int], None]


def scope_tasks(region: Region) -> QuerySet[Task]:
    """The tasks visible from a region (its office's and leaders' `visible_to`)."""
    return Task.objects.filter(pk__in=TaskScope.objects.filter(region=region).values("task_id"))


# Rows -------------------------------------------------------------------------------------------


def _targets_text(targets: list[tuple], with_actual: str, without_actual: str) -> str:
    parts = []
    for text, unit, actual in targets:
        if actual is None:
            parts.append(without_actual % {"target": text})
        else:
            parts.append(with_actual % {"target": text, "actual": f"{plain_number(actual)}{unit}"})
    return "；".join(parts)


def _instructions_text(instructions: list[tuple], zone) -> str:
    """Each instruction on a line ("2026-12-01 leader：text"), its replies under it ("↳ …")."""
    lines = []
    for created_at, leader, text, replies in instructions:
        lines.append(f"{created_at.astimezone(zone):%Y-%m-%d} {leader}：{' '.join(text.split())}")
        for replied_at, department, answer in replies:
            lines.append(f"↳ {replied_at.astimezone(zone):%Y-%m-%d} {department}：{' '.join(answer.split())}")
    return "\n".join(lines)


def iter_ledger_rows(
    tasks: QuerySet[Task],
    *,
    today: datetime.date,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: Callable[[int], None] | None = None,
    as_of: PeriodClosing | None = None,
) -> Iterator[LedgerRow]:
    """Ledger rows of `tasks` in document order: one cursor, and seven queries per `chunk_size` tasks.

    `on_chunk(n)` is called after the n rows of each chunk have been consumed. With `as_of` (a done
    closing) the due date, status, progress, overdue and targets are the frozen ones (one more query
    per chunk); the rest (text, departments, progress notes) is read as it is now.
    """
    zone = timezone.get_current_timezone()
    statuses = {value: str(label) for value, label in TaskStatus.choices}
    closed = set(CLOSED_STATUSES)
    with_actual = _("%(target)s (latest: %(actual)s)")
    without_actual = _("%(target)s (no actual yet)")
    completed_late = _("Completed late")
    # Columns only: model instances cost more than the rest of a row, and the document's extracted
    # text (megabytes) is never read.
    cursor = (
        tasks.order_by(*DOCUMENT_ORDER)
        .annotate(completed_late=Case(When(completed_late_q(), then=Value(True)), default=Value(False)))
        .values_list(*TASK_COLUMNS, "updated_at", "completed_late")
        .iterator(chunk_size=chunk_size)
    )
    for chunk in chunks(cursor, chunk_size):
        parts = load_parts(
            [row[0] for row in chunk],
            assignments=True,
            deadlines=True,
            targets=("text", "unit", "latest_actual"),
            latest=True,
            evidence=True,
            instructions=True,
        )
        frozen = (
            {
                row.task_id: row
                for row in state_as_of(as_of.region_id, as_of.period, [row[0] for row in chunk])
            }
            if as_of is not None
            else {}
        )
        for task_id, title, doc_number, label, text, due_on, status, progress, updated_at, late in chunk:
            targets = parts.targets.get(task_id, ())
            if (row := frozen.get(task_id)) is not None:
                due_on, status, progress = row.due_on, row.status, row.percent
                late = row.completed_late
                targets = [(t[1], t[2], None if t[3] is None else Decimal(t[3])) for t in row.targets]
            leading, cooperating = department_names(parts.assignments.get(task_id, ()))
            progress_at, narrative = parts.latest.get(task_id, (None, ""))
            yield LedgerRow(
                task_id,
                title,
                doc_number,
                label,
                text,
                leading,
                cooperating,
                parts.time_limit(task_id),
                due_on,
                completed_late if late else statuses.get(status, status),
                progress,
                row.overdue
                if row is not None
                else due_on is not None and due_on < today and status not in closed,
                progress_at.astimezone(zone).date() if progress_at else None,
                narrative,
                parts.evidence.get(task_id, 0),
                _targets_text(targets, with_actual, without_actual),
                updated_at.astimezone(zone).replace(tzinfo=None) if updated_at else None,
                _instructions_text(parts.instructions.get(task_id, ()), zone),
            )
        if on_chunk is not None:
            on_chunk(len(chunk))


# Ranking ----------------------------------------------------------------------------------------


def ranking_for(region: Region, *, today: datetime.date, period: str) -> Ranking:
    """The departments of the region and below assigned tasks in its scope, with their figures: two
    queries. A department of a region above (a province's bureau named in a city's document) is not
    ranked: the office neither asks it for a monthly report nor answers for it (全部生成 builds the
    same set, department.departments_with_tasks)."""
    leading = Q(role__in=LEADING_ROLES)
    completed = leading & Q(task__status=TaskStatus.COMPLETED)
    figures = (
        Assignment.objects.filter(
            task_id__in=TaskScope.objects.filter(region=region).values("task_id"),
            department__region__in=Region.objects.subtree(region.pk),
        )
        # As Task.with_completed_at(): the last verification, else the last update; on time is the
        # complement of the task list's 逾期完成 (completed_late_q).
        .annotate(completed_at=completed_at_expression("task_id", "task__updated_at"))
        .order_by()
        .values("department_id", "department__name", "department__region__name")
        .annotate(
            lead_tasks=Count("pk", filter=leading),
            all_tasks=Count("pk"),
            completed=Count("pk", filter=completed),
            completed_with_due=Count("pk", filter=completed & Q(task__due_on__isnull=False)),
            # The date in the current time zone (Asia/Shanghai), as the due date is.
            completed_on_time=Count("pk", filter=completed & Q(completed_at__date__lte=F("task__due_on"))),
            overdue=Count(
                "pk", filter=leading & Q(task__due_on__lt=today) & ~Q(task__status__in=CLOSED_STATUSES)
            ),
        )
    )
    figures = list(figures)
    due = due_date(period)
    submitted: dict[int, datetime.date] = {}
    for department_id, submitted_at in Report.objects.filter(
        kind=Report.Kind.DEPARTMENT,
        period=period,
        status__in=SUBMITTED_STATUSES,
        submitted_at__isnull=False,
        department_id__in=[row["department_id"] for row in figures],
    ).values_list("department_id", "submitted_at"):
        submitted[department_id] = timezone.localtime(submitted_at).date()
    departments = []
    for row in figures:
        on = submitted.get(row["department_id"])
        if on is None:
            timeliness = ReportTimeliness.MISSING
        elif on <= due:
            timeliness = ReportTimeliness.ON_TIME
        else:
            timeliness = ReportTimeliness.LATE
        departments.append(
            DepartmentFigures(
                department=row["department__name"],
                region=row["department__region__name"],
                lead_tasks=row["lead_tasks"],
                all_tasks=row["all_tasks"],
                completed=row["completed"],
                completed_with_due=row["completed_with_due"],
                completed_on_time=row["completed_on_time"],
                overdue=row["overdue"],
                report=timeliness,
                report_submitted_on=on,
                department_id=row["department_id"],
            )
        )
    return Ranking(period=period, report_due_on=due, departments=departments)


# The workbook -----------------------------------------------------------------------------------


def write_ledger(
    region: Region,
    out: str | Path | IO[bytes],
    *,
    today: datetime.date | None = None,
    period: str | None = None,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    as_of: bool = False,
) -> int:
    """Write the region's ledger and ranking to `out` (a path or binary file); the number of rows.

    Streams chunk by chunk; `progress(done, total)` is called after each chunk. `period` (whose
    department reports the ranking counts) defaults to the month before `today`. `as_of`: the ledger
    as frozen when `period` was closed (tasks/periods): the tasks of its snapshot with their frozen
    status and figures, the ranking as closed, dated the period's last day.
    """
    today = today or timezone.localdate()
    period = period or previous_period(today)
    parse_period(period)
    closing = changes = None
    if as_of:
        closing = done_closing(region.pk, period)
        today = period_bounds(period)[1]
        tasks = Task.objects.filter(pk__in=state_as_of(region.pk, period).values("task_id"))
        ranking = frozen_ranking(closing)
        changes = ledger_changes(changes_of(closing, ranking.departments))
    else:
        tasks = scope_tasks(region)
        ranking = ranking_for(region, today=today, period=period)
    total = tasks.count()
    done = 0

    def on_chunk(size: int) -> None:
        nonlocal done
        done += size
        if progress is not None:
            progress(done, total)

    build_ledger_workbook(
        iter_ledger_rows(tasks, today=today, chunk_size=chunk_size, on_chunk=on_chunk, as_of=closing),
        ranking,
        region=region.name,
        day=today,
        generated_at=timezone.localtime().replace(tzinfo=None),
        count=total,
        out=str(out) if isinstance(out, Path) else out,
        changes=changes,
    )
    return done


def ledger_changes(changes: PeriodChanges) -> LedgerChanges:
    """period_changes' figures in words, for the as-of ledger's sheet of changes."""
    statuses = {value: str(label) for value, label in TaskStatus.choices}
    timeliness = {"late": _("submitted late"), "missing": _("not submitted")}

    def rows(items) -> list[ChangedRow]:
        return [
            ChangedRow(
                label=item.label,
                text=item.text,
                lead_departments=tuple(item.lead_departments),
                status_before=statuses.get(item.status_before, item.status_before)
                if item.status_before
                else None,
                status_after=statuses.get(item.status_after, item.status_after),
                percent_before=item.percent_before,
                percent_after=item.percent_after,
                due_on=item.due_on,
            )
            for item in items
        ]

    return LedgerChanges(
        period=changes.period,
        previous_period=changes.previous_period,
        sections=[
            (_("Newly completed"), rows(changes.newly_completed)),
            (_("Newly overdue"), rows(changes.newly_overdue)),
            (_("Progress changed"), rows(changes.progress_changed)),
        ],
        late=[
            LateRow(item.department, timeliness.get(item.timeliness, item.timeliness), item.submitted_on)
            for item in changes.reports_late
        ],
    )


# The Report row ---------------------------------------------------------------------------------


def require_ledger_access(user, region: Region) -> None:
    """Office staff and leaders of the region or a region above it (and superusers) build its ledger.

    Other roles get NotPermitted; office staff and leaders of elsewhere get Region.DoesNotExist (the
    region is outside their scope, so pages answer 404).
    """
    require_ledger_builder(user)
    if (
        not scope_of(user).everything
        and not Region.objects.subtree(user.region_id).filter(pk=region.pk).exists()
    ):
        raise Region.DoesNotExist(_("No such region."))


def request_ledger(region: Region, user, period: str) -> Report:
    """Queue a build of the region's ledger for `period` (builds.request_office_report): the row already
    queued or running if any; a done or failed one is queued again and keeps its file meanwhile."""
    require_ledger_access(user, region)
    parse_period(period)
    return request_office_report(Report.Kind.LEDGER, BUILD_LEDGER, region, user, period)


def build_ledger(report_id: int, *, today: datetime.date | None = None) -> str:
    """Build a queued ledger (report_builds.run_build); its status. A failure keeps the previous file,
    if any, in place."""
    started = time.monotonic()

    def write(report: Report, path: str, progress) -> None:
        # A closed period's ledger is the frozen one (tasks/periods).
        closed = PeriodClosing.objects.filter(
            region_id=report.region_id, period=report.period, status=PeriodClosing.Status.DONE
        ).exists()
        write_ledger(report.region, path, today=today, period=report.period, progress=progress, as_of=closed)

    status = run_build(
        report_id,
        Report.Kind.LEDGER,
        related="region",
        write=write,
        filename=lambda report: f"ledger-{report.region.code}-{report.period}.xlsx",
        failure=lambda message: _("The ledger could not be built: %(error)s") % {"error": message},
        clear_file_on_failure=False,
    )
    if status == Report.Status.DONE:
        logger.info("ledger %s built in %.1f s", report_id, time.monotonic() - started)
    return status


__all__ = [
    "CHUNK_SIZE",
    "build_ledger",
    "iter_ledger_rows",
    "ranking_for",
    "request_ledger",
    "require_ledger_access",
    "scope_tasks",
    "write_ledger",
]
