"""The "as of" views' side: which closing a page shows, and a page's tasks with their frozen values.

The task list keeps selecting on live data (its filters, sort and count are today's; the page says
so) and shows, for each task of the page, its status, progress, due dates and light as frozen when
the period was closed: one query for the page's rows (`state_as_of` restricted to its ids). A task not
in the region's ledger then (created later, or out of the scope) is marked so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tasks.access import may_see_periods
from tasks.models import PeriodClosing
from tasks.periods.services.snapshots import done_closing, state_as_of
from tasks.reports.services.periods import parse_period

__all__ = ["FrozenLight", "as_of_closing", "freeze_tasks"]


@dataclass(frozen=True)
class FrozenLight:
    """A light as stored at the closing: what the light partial shows (colour, label, reason)."""

    colour: str
    label: str
    reason: str
    late: bool = False


def as_of_closing(user, period: str) -> PeriodClosing:
    """The user's region's finished closing of `period` (one query), or a ValidationError to show."""
    parse_period(period)
    if not may_see_periods(user) or not user.region_id:
        raise ValidationError(
            _("Views as of a closed period are for reform office staff and leaders of a region."),
            code="as_of",
        )
    return done_closing(user.region_id, period)


def freeze_tasks(closing: PeriodClosing, tasks: Iterable) -> None:
    """Replace each task's status, progress, due dates and light by its frozen values (one query);
    `task.frozen` is False for a task that was not in the region's ledger as of the period."""
    tasks = list(tasks)
    rows = {row.task_id: row for row in state_as_of(closing.region_id, closing.period, [t.pk for t in tasks])}
    reason = _("As of %(period)s") % {"period": closing.period}
    for task in tasks:
        row = rows.get(task.pk)
        task.frozen = row is not None
        if row is None:
            task.light = FrozenLight(
                "grey",
                _("Not in the ledger"),
                _("Not in the ledger as of %(period)s") % {"period": closing.period},
            )
            continue
        task.status, task.progress = row.status, row.percent
        task.completed_late = row.completed_late
        task.due_on, task.next_due_on = row.due_on, row.next_due_on
        task.light = FrozenLight(row.light, row.light_label, reason, late=row.completed_late)
