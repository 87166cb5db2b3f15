"""The monthly 通报 of a region (a Word document): its content, its Report row and its build.

`bulletin_content(region, period, today)` computes everything the document prints in a constant number
of queries (ten, whatever the number of tasks): the region's figures (one aggregate), the department
ranking (`ranking_for`, the ledger's two), the period's changes (`period_changes`: a count and a capped
list each for newly completed and newly overdue tasks, and one query for their lead departments) and
the period's leaders' instructions (a count and a capped list). tasks/workbooks/bulletin.py writes it.

The figures and the ranking stand on the day of the build; the period's changes are read from the
tasks as they are now (`period_changes` is the one place to switch to a closed period's snapshot).

A build is tracked by a `Report` row (kind bulletin, one per region and period): `request_bulletin`
queues it, the `tasks.build_bulletin` job runs `build_bulletin`. Access is the ledger's.
"""

from __future__ import annotations

import datetime
import logging
from pathlib import Path
from typing import IO

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import Region
from tasks.instructions.services.queries import answered
from tasks.models import Instruction, PeriodClosing, Report, TaskStatus
from tasks.models.ledger import CLOSED_STATUSES, DOCUMENT_ORDER
from tasks.periods.services.changes import changes_of
from tasks.periods.services.frozen import frozen_ranking
from tasks.periods.services.snapshots import state_as_of
from tasks.queueing import BUILD_BULLETIN
from tasks.reports.services.builds import request_office_report, run_build
from tasks.reports.services.department import period_label
from tasks.reports.services.ledger import ranking_for, require_ledger_access, scope_tasks
from tasks.reports.services.periods import parse_period, period_bounds
from tasks.rows import department_names, load_parts
from tasks.workbooks.bulletin import (
    BulletinContent,
    ChangedTask,
    InstructionItem,
    PeriodChanges,
    Summary,
    build_bulletin_document,
    task_name,
)

logger = logging.getLogger(__name__)

# Items listed per list of the period's changes; the rest are counted ("and N more").
LIST_LIMIT = 30


def region_summary(region: Region, today: datetime.date) -> Summary:
    """The region's figures over its tasks in scope, each task once: one aggregate query.

    The definitions are the ranking's (tasks/workbooks/ledger.py `ranking_notes`) over tasks rather than
    departments' lead tasks.
    """
    completed = Q(status=TaskStatus.COMPLETED)
    figures = (
        scope_tasks(region)
        .with_completed_at()
        .aggregate(
            tasks=Count("pk"),
            completed=Count("pk", filter=completed),
            completed_with_due=Count("pk", filter=completed & Q(due_on__isnull=False)),
            # The completion day in the current time zone (Asia/Shanghai), as the due date is.
            completed_on_time=Count("pk", filter=completed & Q(completed_at__date__lte=F("due_on"))),
            overdue=Count("pk", filter=Q(due_on__lt=today) & ~Q(status__in=CLOSED_STATUSES)),
        )
    )
    return Summary(**figures)


def period_changes(
    region: Region, period: str, today: datetime.date, *, limit: int | None = None
) -> PeriodChanges:
    """The tasks of the region newly completed and newly overdue in `period`: five queries at most.

    Newly completed: completed, with the completion day (`with_completed_at`) within the period.
    Newly overdue: due within the period, and neither completed nor suspended by the period's end or
    today, whichever is earlier (a task completed after that counts; the suspension is the task's
    status now). A task due today or later is not overdue yet. Each list holds at most `limit`
    tasks (LIST_LIMIT by default), by date then document order.
    """
    limit = LIST_LIMIT if limit is None else limit
    first, last = period_bounds(period)
    cutoff = min(last, today)
    tasks = scope_tasks(region).with_completed_at()
    completed = tasks.filter(
        status=TaskStatus.COMPLETED, completed_at__date__gte=first, completed_at__date__lte=last
    )
    overdue = tasks.filter(due_on__gte=first, due_on__lte=cutoff, due_on__lt=today).filter(
        ~Q(status__in=CLOSED_STATUSES) | Q(status=TaskStatus.COMPLETED, completed_at__date__gt=cutoff)
    )
    columns = ("pk", "label", "text", "due_on", "completed_at")
    completed_rows = list(completed.order_by("completed_at", *DOCUMENT_ORDER).values_list(*columns)[:limit])
    overdue_rows = list(overdue.order_by("due_on", *DOCUMENT_ORDER).values_list(*columns)[:limit])
    ids = [row[0] for row in completed_rows + overdue_rows]
    parts = load_parts(ids, assignments=True) if ids else None
    zone = timezone.get_current_timezone()

    def changed(row: tuple, *, with_completion: bool) -> ChangedTask:
        task_id, label, text, due_on, completed_at = row
        leading, _cooperating = department_names(parts.assignments.get(task_id, ()))
        return ChangedTask(
            label=label,
            text=text,
            lead_departments=leading,
            due_on=due_on,
            completed_on=completed_at.astimezone(zone).date() if with_completion and completed_at else None,
        )

    return PeriodChanges(
        completed=[changed(row, with_completion=True) for row in completed_rows],
        completed_total=completed.count() if len(completed_rows) == limit else len(completed_rows),
        overdue=[changed(row, with_completion=False) for row in overdue_rows],
        overdue_total=overdue.count() if len(overdue_rows) == limit else len(overdue_rows),
    )


def period_instructions(
    region: Region, period: str, *, limit: int | None = None
) -> tuple[list[InstructionItem], int, int]:
    """The leaders' instructions given in `period` on the region's tasks or on its departments' overdue
    tasks, oldest first (at most `limit`), with how many there were and how many are answered: two
    queries."""
    limit = LIST_LIMIT if limit is None else limit
    first, last = period_bounds(period)
    instructions = Instruction.objects.filter(
        Q(task__in=scope_tasks(region).values("pk"))
        | Q(task__isnull=True, department__region__in=Region.objects.subtree(region.pk)),
        created_at__date__gte=first,
        created_at__date__lte=last,
    ).annotate(answered=answered())
    rows = list(
        instructions.select_related("task", "department", "author").order_by("created_at", "pk")[:limit]
    )
    if len(rows) < limit:
        total, replied = len(rows), sum(1 for row in rows if row.answered)
    else:
        counts = instructions.aggregate(total=Count("pk"), replied=Count("pk", filter=Q(answered=True)))
        total, replied = counts["total"], counts["replied"]
    items = [
        InstructionItem(
            leader=str(row.author),
            given_on=timezone.localtime(row.created_at).date(),
            text=row.text,
            department=row.department.name,
            task=task_name(row.task.label, row.task.text) if row.task else "",
            answered=row.answered,
        )
        for row in rows
    ]
    return items, total, replied


def bulletin_title(region: Region, period: str) -> str:
    return _(
        "%(region)s bulletin on the progress of the key tasks of deepening the medical and health system reform (%(period)s)"
    ) % {
        "region": region.name,
        "period": period_label(period),
    }


def issuing_office(region: Region) -> str:
    return _("%(region)s Leading Group Office for Deepening the Medical and Health System Reform") % {
        "region": region.name
    }


def frozen_summary(closing) -> Summary:
    """The region's figures as frozen when the period was closed (tasks/periods): one aggregate."""
    completed = Q(status=TaskStatus.COMPLETED)
    with_due = completed & Q(due_on__isnull=False)
    figures = (
        state_as_of(closing.region_id, closing.period)
        .order_by()
        .aggregate(
            tasks=Count("pk"),
            completed=Count("pk", filter=completed),
            completed_with_due=Count("pk", filter=with_due),
            completed_on_time=Count("pk", filter=with_due & Q(completed_late=False)),
            overdue=Count("pk", filter=Q(overdue=True)),
        )
    )
    return Summary(**figures)


def frozen_changes(closing, *, limit: int = LIST_LIMIT) -> PeriodChanges:
    """The period's newly completed and newly overdue tasks as the closing recorded them
    (tasks/periods `changes_of`: the snapshot against the previous closed period)."""
    changes = changes_of(closing)

    def brief(item) -> ChangedTask:
        return ChangedTask(
            label=item.label,
            text=item.text,
            lead_departments=tuple(item.lead_departments),
            due_on=item.due_on,
        )

    return PeriodChanges(
        completed=[brief(item) for item in changes.newly_completed[:limit]],
        completed_total=len(changes.newly_completed),
        overdue=[brief(item) for item in changes.newly_overdue[:limit]],
        overdue_total=len(changes.newly_overdue),
    )


def bulletin_content(region: Region, period: str, today: datetime.date) -> BulletinContent:
    """Everything the region's 通报 for `period` prints, as of `today`: ten queries whatever the size.

    Once the period is closed (tasks/periods) the summary, the ranking and the changes are the frozen
    ones, so the 通报 says what the ledger, the dashboard and the task list say "as of" that period."""
    parse_period(period)
    first, last = period_bounds(period)
    instructions, total, replied = period_instructions(region, period)
    closing = PeriodClosing.objects.filter(
        region=region, period=period, status=PeriodClosing.Status.DONE
    ).first()
    if closing is not None:
        summary, ranking, changes = frozen_summary(closing), frozen_ranking(closing), frozen_changes(closing)
        as_of = last
    else:
        summary = region_summary(region, today)
        ranking = ranking_for(region, today=today, period=period)
        changes = period_changes(region, period, today)
        as_of = today
    return BulletinContent(
        title=bulletin_title(region, period),
        office=issuing_office(region),
        region=region.name,
        period_label=period_label(period),
        period_start=first,
        period_end=last,
        as_of=as_of,
        issued_on=today,
        summary=summary,
        ranking=ranking,
        changes=changes,
        instructions=instructions,
        instructions_total=total,
        instructions_answered=replied,
    )


def write_bulletin(
    region: Region, out: str | Path | IO[bytes], *, period: str, today: datetime.date | None = None
) -> None:
    """Write the region's 通报 for `period` to `out` (a path or a binary file)."""
    content = bulletin_content(region, period, today or timezone.localdate())
    build_bulletin_document(content, str(out) if isinstance(out, Path) else out)


# The Report row ---------------------------------------------------------------------------------


def request_bulletin(region: Region, user, period: str) -> Report:
    """Queue a build of the region's 通报 for `period`, as `request_ledger` (the same access, one row per
    region and period, builds.request_office_report)."""
    require_ledger_access(user, region)
    parse_period(period)
    return request_office_report(Report.Kind.BULLETIN, BUILD_BULLETIN, region, user, period)


def build_bulletin(report_id: int, *, today: datetime.date | None = None) -> str:
    """Build a queued 通报 (builds.run_build); its status. A failure keeps the previous file, if any."""

    def write(report: Report, path: str, progress) -> None:
        # Ten queries and one document: the progress moves once the content is read.
        content = bulletin_content(report.region, report.period, today or timezone.localdate())
        progress(1, 2)
        build_bulletin_document(content, path)

    return run_build(
        report_id,
        Report.Kind.BULLETIN,
        related="region",
        write=write,
        filename=lambda report: f"bulletin-{report.region.code}-{report.period}.docx",
        failure=lambda message: _("The bulletin could not be built: %(error)s") % {"error": message},
        clear_file_on_failure=False,
        suffix=".docx",
    )


__all__ = [
    "LIST_LIMIT",
    "build_bulletin",
    "bulletin_content",
    "period_changes",
    "period_instructions",
    "region_summary",
    "request_bulletin",
    "write_bulletin",
]
