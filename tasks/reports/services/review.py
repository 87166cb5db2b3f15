"""What a department submitted, as the office reviews it: the rows of a report and what changed since
the department's previous report, and the reasons of the latest return.

A report's rows are the ProgressUpdates recorded through it (`ProgressUpdate.report`), the latest one
per task when a task was recorded twice, with their TargetReadings. Each is compared with the latest
update of the same task in the department's report of the previous period ("new" when the task was
not in it). A page of rows costs the same queries however many rows the report has: the ids of the
report's updates, the page's updates with their tasks, their readings, the previous report's updates
of those tasks with their readings, the tasks' evidence and the latest return's reasons.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from tasks.models import Evidence, ProgressUpdate, Report, ReportRowReturn, Target, Task
from tasks.reports.services.periods import parse_period, previous_period

__all__ = [
    "ROWS_PER_PAGE",
    "ReadingRow",
    "ReviewRow",
    "latest_updates",
    "report_rows",
    "row_returns",
]

# A department can have hundreds of rows (700 and more): the page shows them 100 at a time.
ROWS_PER_PAGE = 100
# Evidence links shown per row; the count says how many there are in all.
EVIDENCE_SHOWN = 5


@dataclass(frozen=True)
class ReadingRow:
    """A target's actual in this report against its target, and in the previous report."""

    target: Target
    value: Decimal | None
    attained: bool | None
    before: Decimal | None


@dataclass
class ReviewRow:
    task: Task
    update: ProgressUpdate
    previous: ProgressUpdate | None
    readings: list[ReadingRow] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    evidence_count: int = 0
    returned_reason: str = ""

    @property
    def is_new(self) -> bool:
        return self.previous is None

    @property
    def status_changed(self) -> bool:
        return self.previous is not None and self.previous.status != self.update.status

    @property
    def percent_changed(self) -> bool:
        return self.previous is not None and self.previous.percent != self.update.percent


def attained_with(target: Target, value: Decimal | None) -> bool | None:
    """Whether `value` meets the target (the rule of Target.compute_attained), without saving."""
    if value is None:
        return None
    probe = copy.copy(target)
    probe.latest_actual = value
    return probe.compute_attained()


def latest_updates(report_ids: QuerySet | list[int], task_ids: list[int] | None = None) -> QuerySet:
    """The updates recorded through the reports, newest first (the first of a task is its latest)."""
    updates = ProgressUpdate.objects.filter(report__in=report_ids)
    if task_ids is not None:
        updates = updates.filter(task__in=task_ids)
    return updates.order_by("task_id", "-created_at", "-pk")


def _latest_ids(report: Report) -> list[int]:
    """The latest update per task of the report, in the report's task order (document order)."""
    seen: set[int] = set()
    ids = []
    for pk, task_id in (
        ProgressUpdate.objects.filter(report=report)
        .order_by("task__document_id", "task__position", "task_id", "-created_at", "-pk")
        .values_list("pk", "task_id")
    ):
        if task_id not in seen:
            seen.add(task_id)
            ids.append(pk)
    return ids


def previous_report(report: Report) -> Report | None:
    """The department's report of the period before (one query), or None."""
    year, month = parse_period(report.period)
    before = previous_period(datetime.date(year, month, 1))
    return (
        Report.objects.filter(kind=Report.Kind.DEPARTMENT, department_id=report.department_id, period=before)
        .only("pk", "period", "status")
        .first()
    )


def row_returns(report: Report) -> dict[int, str]:
    """Task id -> reason of the report's latest return (rows returned with its review time)."""
    if report.reviewed_at is None:
        return {}
    return dict(
        ReportRowReturn.objects.filter(report=report, created_at=report.reviewed_at).values_list(
            "task_id", "reason"
        )
    )


def report_rows(
    report: Report, page: int | str = 1, per_page: int = ROWS_PER_PAGE
) -> tuple[Page, Report | None]:
    """A page of the report's rows (ReviewRow) and the previous report they are compared with.

    Eight queries whatever the number of rows (see the module's docstring).
    """
    paginator = Paginator(_latest_ids(report), per_page)
    page_obj = paginator.get_page(page)
    ids = list(page_obj.object_list)
    previous = previous_report(report)
    if not ids:
        page_obj.object_list = []
        return page_obj, previous
    updates = {
        update.pk: update
        for update in ProgressUpdate.objects.filter(pk__in=ids)
        .select_related("task", "author")
        .prefetch_related("readings")
    }
    task_ids = [updates[pk].task_id for pk in ids]
    targets: dict[int, list[Target]] = {}
    for target in Target.objects.filter(task__in=task_ids).order_by("task_id", "pk"):
        targets.setdefault(target.task_id, []).append(target)

    before: dict[int, ProgressUpdate] = {}
    if previous is not None:
        for update in latest_updates([previous.pk], task_ids).prefetch_related("readings"):
            before.setdefault(update.task_id, update)

    evidence: dict[int, list[Evidence]] = {}
    for item in (
        Evidence.objects.filter(update__task__in=task_ids)
        .select_related("update")
        .only("pk", "original_name", "size", "update__task_id", "created_at")
        .order_by("update__task_id", "-created_at", "-pk")
    ):
        evidence.setdefault(item.update.task_id, []).append(item)
    reasons = row_returns(report)

    rows = []
    for pk in ids:
        update = updates[pk]
        earlier = before.get(update.task_id)
        now_values = {reading.target_id: reading.value for reading in update.readings.all()}
        before_values = (
            {reading.target_id: reading.value for reading in earlier.readings.all()} if earlier else {}
        )
        files = evidence.get(update.task_id, [])
        rows.append(
            ReviewRow(
                task=update.task,
                update=update,
                previous=earlier,
                readings=[
                    ReadingRow(
                        target=target,
                        value=now_values.get(target.pk),
                        attained=attained_with(target, now_values.get(target.pk)),
                        before=before_values.get(target.pk),
                    )
                    for target in targets.get(update.task_id, [])
                ],
                evidence=files[:EVIDENCE_SHOWN],
                evidence_count=len(files),
                returned_reason=reasons.get(update.task_id, ""),
            )
        )
    page_obj.object_list = rows
    return page_obj, previous
