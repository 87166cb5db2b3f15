"""What changed in a region's ledger between two closed periods: one function for every view of it.

`period_changes(region, period)` compares the state as of `period` with the state as of the region's
previous closed period (none for the first: every completed or overdue task is then "new"). Because
a closing stores only the rows that changed, the tasks to compare are exactly the rows written by the
closing of `period`: five queries whatever the size of the ledger. The dataclasses are plain (ids,
strings, numbers, dates), so the task list, the dashboard, the ledger workbook and the Word 通报 show
the same figures.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from regions.models import Region
from tasks.models import DepartmentSnapshot, PeriodClosing, TaskSnapshot, TaskStatus
from tasks.periods.services.snapshots import done_closing, latest_rows, previous_closing

__all__ = ["ChangedTask", "LateReport", "PeriodChanges", "changes_of", "period_changes", "titled_lists"]

LATE_REPORTS = ("late", "missing")


@dataclass(frozen=True)
class ChangedTask:
    """A task whose state moved between the two periods (before: None when it had no row then)."""

    task_id: int
    label: str
    text: str
    lead_departments: tuple[str, ...]
    status_before: str | None
    status_after: str
    percent_before: int | None
    percent_after: int
    due_on: datetime.date | None


@dataclass(frozen=True)
class LateReport:
    """A department whose monthly report for the period was late or not handed in."""

    department_id: int
    department: str
    # tasks.workbooks.ledger.ReportTimeliness: "late" or "missing".
    timeliness: str
    submitted_on: datetime.date | None


@dataclass(frozen=True)
class PeriodChanges:
    region_id: int
    period: str
    previous_period: str | None
    newly_completed: list[ChangedTask] = field(default_factory=list)
    newly_overdue: list[ChangedTask] = field(default_factory=list)
    progress_changed: list[ChangedTask] = field(default_factory=list)
    reports_late: list[LateReport] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "newly_completed": len(self.newly_completed),
            "newly_overdue": len(self.newly_overdue),
            "progress_changed": len(self.progress_changed),
            "reports_late": len(self.reports_late),
        }

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "counts": self.counts}


def period_changes(region: Region | int, period: str) -> PeriodChanges:
    """The changes of `period` for the region (ValidationError when the period is not closed)."""
    region_id = region if isinstance(region, int) else region.pk
    closing = done_closing(region_id, period)
    return changes_of(closing)


def changes_of(closing: PeriodClosing, departments: Iterable[Any] | None = None) -> PeriodChanges:
    """As `period_changes`, for a closing already loaded (it must be done). `departments`: the
    closing's ranking rows if the caller has them (`frozen_ranking`), saving their query."""
    previous = previous_closing(closing)
    after_rows = list(
        TaskSnapshot.objects.filter(closing=closing, removed=False)
        .order_by("task_id")
        .values_list("task_id", "label", "text", "lead_departments", "status", "percent", "due_on", "overdue")
    )
    before: dict[int, tuple] = {}
    if previous is not None and after_rows:
        before = {
            task_id: (removed, status, percent, overdue)
            for task_id, removed, status, percent, overdue in latest_rows(
                closing.region_id, previous.period, [row[0] for row in after_rows]
            ).values_list("task_id", "removed", "status", "percent", "overdue")
        }
    changes = PeriodChanges(
        region_id=closing.region_id,
        period=closing.period,
        previous_period=previous.period if previous else None,
    )
    for task_id, label, text, leads, status, percent, due_on, overdue in after_rows:
        removed, status_before, percent_before, overdue_before = before.get(
            task_id, (True, None, None, False)
        )
        if removed:  # no row then, or it had left the scope: nothing to compare with
            status_before = percent_before = None
            overdue_before = False
        item = ChangedTask(
            task_id=task_id,
            label=label,
            text=text,
            lead_departments=tuple(leads),
            status_before=status_before,
            status_after=status,
            percent_before=percent_before,
            percent_after=percent,
            due_on=due_on,
        )
        if status == TaskStatus.COMPLETED and status_before != TaskStatus.COMPLETED:
            changes.newly_completed.append(item)
        if overdue and not overdue_before:
            changes.newly_overdue.append(item)
        if percent_before is not None and percent != percent_before:
            changes.progress_changed.append(item)
    if departments is not None:
        late = sorted(
            (
                (row.department_id, row.department, str(row.report), row.report_submitted_on)
                for row in departments
                if str(row.report) in LATE_REPORTS
            ),
            key=lambda row: (row[1], row[0]),
        )
    else:
        late = (
            DepartmentSnapshot.objects.filter(closing=closing, report__in=LATE_REPORTS)
            .order_by("name", "department_id")
            .values_list("department_id", "name", "report", "report_submitted_on")
        )
    for department_id, name, report, submitted_on in late:
        changes.reports_late.append(LateReport(department_id, name, report, submitted_on))
    return changes


def titled_lists(changes: PeriodChanges) -> list[tuple[str, list[dict[str, Any]], str]]:
    """The three task lists for a page: (title, rows with the statuses' labels, key)."""
    labels = {value: str(label) for value, label in TaskStatus.choices}

    def rows(items: list[ChangedTask]) -> list[dict[str, Any]]:
        return [
            {
                **dataclasses.asdict(item),
                "status_before": labels.get(item.status_before, item.status_before)
                if item.status_before
                else None,
                "status_after": labels.get(item.status_after, item.status_after),
            }
            for item in items
        ]

    return [
        (_("Newly completed"), rows(changes.newly_completed), "newly_completed"),
        (_("Newly overdue"), rows(changes.newly_overdue), "newly_overdue"),
        (_("Progress changed"), rows(changes.progress_changed), "progress_changed"),
    ]
