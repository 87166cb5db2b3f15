"""Traffic lights of the task list: red, yellow, green or grey, with the reason in words.

The rules are pure functions of plain values (`compute_light`), so they are tested without a
database; `light_for(task)` reads them from a task annotated by `Task.objects.with_schedule()`.

- grey: suspended, or no dated deadline;
- green: completed — reading 逾期完成 (completed late) and ringed in red when completed after the due
  date, so that a task closed years late does not read as plain "completed";
- red: past the due date (the latest dated deadline);
- yellow: the next dated deadline is at most `due_soon_days` away, or the share of the time used
  (from the document's issue date, or the task's creation, to the due date) is ahead of the
  reported progress by more than `behind_margin` percentage points;
- green otherwise.

Days are calendar days, as in the documents ("6月底前"); reform/workdays.py is for the jobs that
schedule reminders.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tasks.models.ledger import TaskStatus


class LightColour(models.TextChoices):
    RED = "red", gettext_lazy("Red")
    YELLOW = "yellow", gettext_lazy("Yellow")
    GREEN = "green", gettext_lazy("Green")
    GREY = "grey", gettext_lazy("Grey")


@dataclass(frozen=True)
class Light:
    colour: LightColour
    # Already translated into the active language.
    reason: str
    # Completed after the due date: drawn as a green dot ringed in red, so it never reads as on time.
    late: bool = False

    @property
    def label(self) -> str:
        return str(self.colour.label)


@dataclass(frozen=True)
class Thresholds:
    due_soon_days: int
    behind_margin: int

    @classmethod
    def from_settings(cls) -> Thresholds:
        configured = getattr(settings, "TRAFFIC_LIGHTS", {})
        return cls(
            due_soon_days=int(configured.get("due_soon_days", 14)),
            behind_margin=int(configured.get("behind_margin", 25)),
        )


def elapsed_percent(
    starts_on: datetime.date | None, due_on: datetime.date, today: datetime.date
) -> int | None:
    """The share of the time from start to due date that has passed, 0–100; None without a span."""
    if starts_on is None or due_on <= starts_on:
        return None
    share = (today - starts_on).days / (due_on - starts_on).days
    return round(min(max(share, 0.0), 1.0) * 100)


def compute_light(
    *,
    status: str,
    progress: int,
    due_on: datetime.date | None,
    next_due_on: datetime.date | None,
    starts_on: datetime.date | None,
    today: datetime.date,
    thresholds: Thresholds | None = None,
    completed_late: bool = False,
) -> Light:
    """The light of one task from plain values (see the module docstring for the rules).

    `completed_late`: with_schedule()'s annotation (the completion day after the due date)."""
    thresholds = thresholds or Thresholds.from_settings()
    if status == TaskStatus.SUSPENDED:
        return Light(LightColour.GREY, _("Suspended"))
    if status == TaskStatus.COMPLETED:
        # Still green (nothing is left to chase), but never the plain "Completed" of an on-time task.
        if completed_late:
            return Light(LightColour.GREEN, _("Completed late"), late=True)
        return Light(LightColour.GREEN, _("Completed"))
    if due_on is None:
        return Light(LightColour.GREY, _("No deadline"))
    if today > due_on:
        days = (today - due_on).days
        return Light(
            LightColour.RED,
            ngettext("Overdue by %(days)s day", "Overdue by %(days)s days", days) % {"days": days},
        )
    if next_due_on is not None:
        days = (next_due_on - today).days
        if 0 <= days <= thresholds.due_soon_days:
            if days == 0:
                return Light(LightColour.YELLOW, _("Due today"))
            return Light(
                LightColour.YELLOW,
                ngettext("Due in %(days)s day", "Due in %(days)s days", days) % {"days": days},
            )
    elapsed = elapsed_percent(starts_on, due_on, today)
    if elapsed is not None and elapsed - progress > thresholds.behind_margin:
        return Light(
            LightColour.YELLOW,
            _("Behind schedule: %(elapsed)s%% of the time used, %(progress)s%% done")
            % {"elapsed": elapsed, "progress": progress},
        )
    return Light(LightColour.GREEN, _("On track"))


def light_for(task, today: datetime.date | None = None, thresholds: Thresholds | None = None) -> Light:
    """The light of a task annotated by `Task.objects.with_schedule()`; no query of its own."""
    try:
        due_on, next_due_on, starts_on = task.due_on, task.next_due_on, task.starts_on
    except AttributeError:
        raise TypeError(
            "light_for() needs a task from Task.objects.with_schedule(); this one has no schedule"
        ) from None
    return compute_light(
        status=task.status,
        progress=task.progress,
        due_on=due_on,
        next_due_on=next_due_on,
        starts_on=starts_on,
        today=today or timezone.localdate(),
        thresholds=thresholds,
        completed_late=bool(getattr(task, "completed_late", False)),
    )


def attach_lights(tasks: Iterable, today: datetime.date | None = None) -> list:
    """Set `task.light` on each task of a with_schedule() list (a page of the task list)."""
    today = today or timezone.localdate()
    thresholds = Thresholds.from_settings()
    tasks = list(tasks)
    for task in tasks:
        task.light = light_for(task, today, thresholds)
    return tasks
