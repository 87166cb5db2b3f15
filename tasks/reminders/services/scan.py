"""The daily reminder scan: one digest per person, claimed before it is sent, never twice a day.

On a working day (reform/workdays.py: Chinese public holidays and 调休 make-up days) every active
liaison gets one digest (kind `digest`) of their department's open tasks that are overdue or have a
dated deadline within `REMINDER_DUE_SOON_DAYS` days; the office staff and leaders of every region a
task is visible from (TaskScope: the document's and the departments' regions and the regions above)
get one escalation digest of the tasks overdue by more than `REMINDER_ESCALATE_AFTER_DAYS` days.

The number of queries is fixed, whatever the number of tasks and people: the people, the tasks as
set queries (overdue, due soon, escalated), the claims already made today, one insert of the claims
and one of their tasks. Each
claimed digest is emailed by the `tasks.deliver_reminder` job after commit, the path a manual 催办 takes.
A claim that exists (a re-run, a second worker, a double-fired beat) is skipped.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reform.workdays import is_workday
from tasks.models import Assignment, Deadline, EventKind, Reminder
from tasks.models.ledger import CLOSED_STATUSES
from tasks.models.scope import TaskScope
from tasks.notices.services.events import InApp, publish_in_app
from tasks.queueing import DELIVER_REMINDER, queue_after_commit, run_after_commit
from tasks.reminders.services import sending as reminders

__all__ = ["Digest", "ScanResult", "plan_digests", "scan_reminders"]

SCAN_KINDS = (Reminder.Kind.DIGEST, Reminder.Kind.ESCALATION)


@dataclass
class Digest:
    """What one person is to receive today: task ids, overdue ones first, each list by due date."""

    recipient: User
    kind: str
    overdue: list[int] = field(default_factory=list)
    due_soon: list[int] = field(default_factory=list)

    @property
    def task_ids(self) -> list[int]:
        return [*self.overdue, *self.due_soon]


@dataclass
class ScanResult:
    today: datetime.date
    workday: bool
    # Everyone with something to hear about today, and of them those who had their digest already.
    digests: list[Digest] = field(default_factory=list)
    already_sent: list[Digest] = field(default_factory=list)
    claimed: list[Reminder] = field(default_factory=list)

    def summary(self) -> dict:
        """JSON for the job's result."""
        return {
            "today": self.today.isoformat(),
            "workday": self.workday,
            "digests": len(self.digests),
            "already_sent": len(self.already_sent),
            "claimed": len(self.claimed),
        }


def _liaison_digests(today: datetime.date) -> list[Digest]:
    horizon = today + datetime.timedelta(days=settings.REMINDER_DUE_SOON_DAYS)
    liaisons = User.objects.filter(is_active=True, role=Role.LIAISON, department__isnull=False)
    by_department: dict[int, list[User]] = defaultdict(list)
    for user in liaisons.order_by("department_id", "pk"):
        by_department[user.department_id].append(user)
    if not by_department:
        return []
    assigned = (
        Assignment.objects.filter(department_id__in=liaisons.values("department_id"))
        .exclude(task__status__in=CLOSED_STATUSES)
        .order_by("task__due_on", "task__document_id", "task__position", "task_id")
        .values_list("department_id", "task_id")
    )
    # Two queries, each driven by a date index; an OR of the two conditions scanned every assignment.
    # `due_on` is the latest dated deadline, so a task past it has no deadline ahead: a task is in
    # one list at most.
    overdue = assigned.filter(task__due_on__lt=today)
    due_soon = assigned.filter(
        task_id__in=Deadline.objects.filter(
            kind=Deadline.Kind.DATE, due_on__gte=today, due_on__lte=horizon
        ).values("task_id")
    )
    digests: dict[int, Digest] = {}
    for rows, is_overdue in ((overdue, True), (due_soon, False)):
        for department_id, task_id in rows:
            for user in by_department[department_id]:
                digest = digests.setdefault(user.pk, Digest(user, Reminder.Kind.DIGEST))
                (digest.overdue if is_overdue else digest.due_soon).append(task_id)
    return list(digests.values())


def _escalation_digests(today: datetime.date) -> list[Digest]:
    officials = User.objects.filter(is_active=True, role__in=[Role.OFFICE, Role.LEADER], region__isnull=False)
    by_region: dict[int, list[User]] = defaultdict(list)
    for user in officials.order_by("region_id", "pk"):
        by_region[user.region_id].append(user)
    if not by_region:
        return []
    late = today - datetime.timedelta(days=settings.REMINDER_ESCALATE_AFTER_DAYS)
    rows = (
        TaskScope.objects.filter(region_id__in=officials.values("region_id"), task__due_on__lt=late)
        .exclude(task__status__in=CLOSED_STATUSES)
        .order_by("task__due_on", "document_id", "task__position", "task_id")
        .values_list("region_id", "task_id")
    )
    digests: dict[int, Digest] = {}
    for region_id, task_id in rows:
        for user in by_region[region_id]:
            digests.setdefault(user.pk, Digest(user, Reminder.Kind.ESCALATION)).overdue.append(task_id)
    return list(digests.values())


def plan_digests(today: datetime.date) -> list[Digest]:
    """Who is to hear about what today (reads only); empty on a day off."""
    if not is_workday(today):
        return []
    return _liaison_digests(today) + _escalation_digests(today)


def _add_tasks(pairs: list[tuple[int, int]]) -> None:
    """Record each digest's tasks: (reminder id, task id) pairs, in one INSERT on PostgreSQL.

    An office's digest lists every late task of its province; at 100,000 tasks that is 100,000 rows,
    and building a model instance for each took longer than inserting them.
    """
    through = Reminder.tasks.through
    if connection.vendor != "postgresql":
        through.objects.bulk_create([through(reminder_id=r, task_id=t) for r, t in pairs])
        return
    table = connection.ops.quote_name(through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            # The table is the model's, quoted; the ids are parameters.
            f"INSERT INTO {table} (reminder_id, task_id) SELECT * FROM unnest(%s::bigint[], %s::bigint[])",  # nosec B608
            [[r for r, _t in pairs], [t for _r, t in pairs]],
        )


def _in_app(claimed: list[Reminder], digest_of: dict) -> None:
    """Each digest in-app too (the bell and 消息), in the scan's transaction: three queries for all."""
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        for reminder in claimed:
            digest = digest_of[(reminder.recipient_id, reminder.kind)]
            if reminder.kind == Reminder.Kind.ESCALATION:
                title = _("Escalation: %(count)s tasks overdue for more than %(days)s days") % {
                    "count": len(digest.overdue),
                    "days": settings.REMINDER_ESCALATE_AFTER_DAYS,
                }
                url = reverse("task_list") + "?overdue=true"
                kind = EventKind.ESCALATION
            else:
                title = _("Reform tasks: %(overdue)s overdue, %(due_soon)s due within %(days)s days") % {
                    "overdue": len(digest.overdue),
                    "due_soon": len(digest.due_soon),
                    "days": settings.REMINDER_DUE_SOON_DAYS,
                }
                url = reverse("my_tasks")
                kind = EventKind.REMINDER
            rows.append(InApp(kind, reminder.recipient, title, url=url, reminder=reminder))
    publish_in_app(rows)


@transaction.atomic
def scan_reminders(today: datetime.date, *, dry_run: bool = False, in_process: bool = False) -> ScanResult:
    """Claim today's digests and email them after commit; with `dry_run` only say who would get what.

    The emails go out through the `deliver_reminder` job, queued after commit, or run here once the
    transaction commits when `in_process` (the management command: synchronous, with or without a worker).

    Nothing happens on a day off. A digest claimed today already (by an earlier run or a concurrent
    one) is listed in `already_sent` and not sent again.
    """
    result = ScanResult(today=today, workday=is_workday(today))
    if not result.workday:
        return result
    result.digests = plan_digests(today)
    if not result.digests:
        return result
    existing = set(
        Reminder.objects.filter(task__isnull=True, kind__in=SCAN_KINDS, sent_on=today).values_list(
            "recipient_id", "kind"
        )
    )
    fresh = []
    for digest in result.digests:
        (result.already_sent if (digest.recipient.pk, digest.kind) in existing else fresh).append(digest)
    if dry_run or not fresh:
        return result

    candidates = [Reminder(recipient=d.recipient, kind=d.kind, sent_on=today) for d in fresh]
    try:
        with transaction.atomic():
            claimed = Reminder.objects.bulk_create(candidates)
    except IntegrityError:
        # A concurrent scan claimed some of them after our read (its insert waited for ours or ours
        # for its): claim one by one, and whoever lost a claim leaves that digest to the winner.
        claimed = [reminder for reminder in candidates if reminders.claim_one(reminder)]
    won = {(r.recipient_id, r.kind) for r in claimed}
    result.already_sent += [d for d in fresh if (d.recipient.pk, d.kind) not in won]
    result.claimed = claimed

    digest_of = {(d.recipient.pk, d.kind): d for d in fresh}
    _add_tasks(
        [
            (reminder.pk, task_id)
            for reminder in claimed
            for task_id in digest_of[(reminder.recipient_id, reminder.kind)].task_ids
        ]
    )

    _in_app(claimed, digest_of)
    for reminder in claimed:
        if in_process:
            run_after_commit(DELIVER_REMINDER, reminder.pk)
        else:
            queue_after_commit(DELIVER_REMINDER, reminder.pk)
    return result
