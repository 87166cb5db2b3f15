"""The frozen figures of a closed period: the dashboard's totals and the ranking (通报) as closed.

Totals are one aggregate over the state as of the period (`state_as_of`); the ranking is the
closing's `DepartmentSnapshot` rows, ranked by the ledger's own rule (`rank_departments`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from tasks.models import DepartmentSnapshot, PeriodClosing, TaskStatus
from tasks.periods.services.snapshots import state_as_of
from tasks.reports.services.periods import due_date
from tasks.workbooks.ledger import DepartmentFigures, Ranking, ReportTimeliness, rank_departments

__all__ = ["FrozenTotals", "frozen_ranking", "frozen_totals", "rank_departments"]


@dataclass(frozen=True)
class FrozenTotals:
    total: int
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    # 逾期完成: completed after the due date (counted among the completed too).
    completed_late: int = 0
    # Light colour value -> count.
    lights: dict[str, int] = field(default_factory=dict)

    @property
    def completion_rate(self) -> float:
        return round(100 * self.by_status.get(TaskStatus.COMPLETED, 0) / self.total, 1) if self.total else 0.0


def frozen_totals(closing: PeriodClosing) -> FrozenTotals:
    """Counts by frozen status and light, and overdue, of the region's ledger as of the period: one query."""
    rows = state_as_of(closing.region_id, closing.period)
    by_status: dict[str, int] = {}
    lights: dict[str, int] = {}
    total = overdue = completed_late = 0
    for status, light, n, late, done_late in (
        rows.order_by()
        .values("status", "light")
        .annotate(
            n=Count("pk"),
            late=Count("pk", filter=Q(overdue=True)),
            done_late=Count("pk", filter=Q(completed_late=True)),
        )
        .values_list("status", "light", "n", "late", "done_late")
    ):
        by_status[status] = by_status.get(status, 0) + n
        lights[light] = lights.get(light, 0) + n
        total += n
        overdue += late
        completed_late += done_late
    return FrozenTotals(
        total=total, by_status=by_status, overdue=overdue, completed_late=completed_late, lights=lights
    )


def frozen_ranking(closing: PeriodClosing) -> Ranking:
    """The ranking (通报) as closed: the closing's department rows, one query."""
    departments = [
        DepartmentFigures(
            department=row.name,
            region=row.region_name,
            lead_tasks=row.lead_tasks,
            all_tasks=row.all_tasks,
            completed=row.completed,
            completed_with_due=row.completed_with_due,
            completed_on_time=row.completed_on_time,
            overdue=row.overdue,
            report=ReportTimeliness(row.report),
            report_submitted_on=row.report_submitted_on,
            department_id=row.department_id,
        )
        for row in DepartmentSnapshot.objects.filter(closing=closing).order_by("name", "department_id")
    ]
    return Ranking(period=closing.period, report_due_on=due_date(closing.period), departments=departments)
