"""Escalation (逐级督办): a task still overdue N working days after its first overdue notice goes one
step up a ladder set in the settings, each step once per task, never twice.

The first overdue notice is the first daily digest that listed the task after its due date (the scan
notifies every liaison of an overdue task on each working day). The ladder (settings.ESCALATION_LADDER,
"days:who" entries, increasing) names who hears at each step: the lead departments' liaisons, their head
(the department's head contact, by email: heads have no account), or the office staff and leaders
(分管领导) of the document's region. One step a day at most: a task that reaches two thresholds at once
takes the lower today and the next on the next working day.

The claim is the Escalation row (unique per task, due date and step), inserted with its event in one
transaction: a re-run, a second worker or a double-fired beat finds the step taken and skips it, and a
task escalated today waits for the next working day. An extension moves the due date, so a task overdue
again climbs the ladder from its first step.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from reform.workdays import is_workday, workdays_between
from regions.models import Department
from tasks.models import Assignment, Escalation, EventKind, Reminder, Task, TaskStatus
from tasks.models.ledger import CLOSED_STATUSES
from tasks.notices.services.events import department_liaisons, publish, region_office

__all__ = ["Step", "escalate_overdue", "ladder"]

AUDIENCES = ("liaison", "head", "office")


@dataclass(frozen=True)
class Step:
    number: int  # 1, 2, 3 …
    after_workdays: int
    audience: str


def ladder(entries: list[str] | None = None) -> list[Step]:
    """The ladder from its setting; ImproperlyConfigured for an entry that is not "days:who" or days
    that do not increase."""
    steps: list[Step] = []
    for number, entry in enumerate(settings.ESCALATION_LADDER if entries is None else entries, start=1):
        days, _sep, audience = entry.partition(":")
        if not days.strip().isdigit() or audience.strip() not in AUDIENCES:
            raise ImproperlyConfigured(
                f"ESCALATION_LADDER entries are days:{'|'.join(AUDIENCES)}, not {entry!r}"
            )
        step = Step(number, int(days), audience.strip())
        if steps and step.after_workdays <= steps[-1].after_workdays:
            raise ImproperlyConfigured("ESCALATION_LADDER's days must increase from step to step")
        steps.append(step)
    return steps


def _first_notices(today: datetime.date) -> dict[int, datetime.date]:
    """Open tasks overdue today, with the day of their first digest after the due date. A task awaiting
    verification (销号) is the office's to decide, not the department's to be escalated."""
    through = Reminder.tasks.through
    rows = (
        through.objects.filter(
            reminder__kind=Reminder.Kind.DIGEST,
            task__due_on__lt=today,
            reminder__sent_on__gt=F("task__due_on"),
        )
        .exclude(task__status__in=[*CLOSED_STATUSES, TaskStatus.PENDING_VERIFICATION])
        .values("task_id")
        .annotate(first=Min("reminder__sent_on"))
        .values_list("task_id", "first")
    )
    return dict(rows)


def _audience(step: Step, task: Task, leading: list[int], heads: dict[int, Department]) -> dict:
    # Every step is the office's business too: its failed deliveries reach the office's list.
    region_id = task.document.region_id
    if step.audience == "liaison":
        return {"recipients": department_liaisons(leading), "department_ids": leading, "region_id": region_id}
    if step.audience == "head":
        addresses = [
            (f"{heads[d].name} {heads[d].head_name}".strip(), heads[d].head_email)
            for d in leading
            if d in heads and heads[d].head_email
        ]
        # The liaisons hear in-app that it went to their head; the head is emailed.
        return {
            "recipients": department_liaisons(leading),
            "email": False,
            "addresses": addresses,
            "department_ids": leading,
            "region_id": region_id,
        }
    return {"recipients": region_office(region_id, leaders=True), "region_id": region_id}


def escalate_overdue(today: datetime.date) -> dict:
    """Take today's escalation steps; what was done, as JSON for the job's result. Nothing on a day off."""
    if not is_workday(today):
        return {"today": today.isoformat(), "workday": False, "escalated": 0}
    steps = ladder()
    if not steps:
        return {"today": today.isoformat(), "workday": True, "escalated": 0}
    first = _first_notices(today)
    # The steps of the current overdue spell only (counted from the task's due date now); and a task
    # escalated today waits for the next working day, however often the job runs.
    reached = {
        task_id: (top, last)
        for task_id, top, last in Escalation.objects.filter(task_id__in=list(first), due_on=F("task__due_on"))
        .values("task_id")
        .annotate(top=Max("step"), last=Max("escalated_on"))
        .values_list("task_id", "top", "last")
    }
    elapsed_of: dict[datetime.date, int] = {}
    due: dict[int, Step] = {}
    for task_id, since in first.items():
        if since not in elapsed_of:
            elapsed_of[since] = workdays_between(since, today)
        taken, last = reached.get(task_id, (0, None))
        if last is not None and last >= today:
            continue
        if taken >= len(steps):
            continue
        step = steps[taken]  # the next step only: one a day
        if elapsed_of[since] >= step.after_workdays:
            due[task_id] = step
    if not due:
        return {"today": today.isoformat(), "workday": True, "escalated": 0}

    tasks = Task.objects.select_related("document").in_bulk(list(due))
    leading: dict[int, list[int]] = defaultdict(list)
    for task_id, department_id in Assignment.objects.filter(
        task_id__in=list(due), role__in=[Assignment.Role.LEAD, Assignment.Role.CO_LEAD]
    ).values_list("task_id", "department_id"):
        leading[task_id].append(department_id)
    heads = Department.objects.in_bulk({d for ids in leading.values() for d in ids})

    escalated = 0
    with translation.override(settings.LANGUAGE_CODE):
        for task_id, step in sorted(due.items()):
            task = tasks[task_id]
            days = elapsed_of[first[task_id]]
            try:
                with transaction.atomic():
                    claim = Escalation.objects.create(
                        task=task, due_on=task.due_on, step=step.number, escalated_on=today
                    )
                    published = publish(
                        EventKind.ESCALATION,
                        title=_("Escalation (step %(step)s): %(task)s")
                        % {"step": step.number, "task": str(task)[:60]},
                        body=_(
                            "Still overdue %(days)s working days after the first overdue notice "
                            "(due %(due)s). Report what has been done and when it will be completed."
                        )
                        % {"days": days, "due": task.due_on.isoformat()},
                        url=reverse("task_detail", kwargs={"pk": task.pk}),
                        task=task,
                        **_audience(step, task, leading[task_id], heads),
                    )
                    claim.event = published.event
                    claim.save(update_fields=["event"])
            except IntegrityError:
                continue  # another run took this step
            escalated += 1
    return {"today": today.isoformat(), "workday": True, "escalated": escalated}
