"""Reminders (催办): claim a Reminder row per person, then email it from a job after commit.

The row is the claim. Its unique constraints (per task, recipient, kind and day; per recipient, kind and
day for digests) make a second claim fail, so nobody gets the same reminder twice. `deliver` sends one
claimed reminder — manual, or a digest of the daily scan (tasks/reminders/services/scan.py) — and is
safe to run again.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from tasks.access import require_editor
from tasks.models import Reminder, Task
from tasks.notices.services import announce
from tasks.queueing import DELIVER_REMINDER, queue, queue_after_commit

__all__ = [
    "ManualReminders",
    "claim_one",
    "describe",
    "deliver",
    "requeue_unsent",
    "send_manual_reminder",
    "task_url",
]

MESSAGE_MAX_CHARS = 2000
# A reminder claimed this long ago and still not sent lost its job (see requeue_unsent).
UNSENT_AFTER = datetime.timedelta(minutes=10)


class ManualReminders(list):
    """The reminders claimed (the list itself), and in `skipped` whoever had one for this task today;
    `published` is the in-app event (with who has no email address and which robots post it)."""

    def __init__(self, claimed: list[Reminder], skipped: list[User], published=None) -> None:
        super().__init__(claimed)
        self.skipped = skipped
        self.published = published

    @property
    def without_email(self) -> list[User]:
        return [r.recipient for r in self if not r.recipient.email]

    @property
    def robots(self) -> list:
        if self.published is None:
            return []
        return [d for d in self.published.deliveries if d.robot_id]


def claim_one(reminder: Reminder) -> bool:
    """Insert the reminder's row; False when someone already holds that claim (unique constraint)."""
    try:
        with transaction.atomic():  # a savepoint: a lost claim must not spoil the caller's transaction
            reminder.save()
    except IntegrityError:
        return False
    return True


@transaction.atomic
def send_manual_reminder(
    task: Task, sender, *, message: str, urgent: bool = False, reason: str = ""
) -> list[Reminder]:
    """Remind every active liaison of the task's departments, once per person, task and day; an
    `urgent` reminder (with its `reason`) is a second one the same day, once more.

    Returns the claimed reminders (a ManualReminders list whose `skipped` names who was already reminded
    today). Emails go out from the `tasks.deliver_reminder` job once this transaction commits.
    """
    require_editor(sender, task)
    message = str(message or "").strip()
    if not message:
        raise ValidationError(_("Write a message for the departments."), code="message")
    if len(message) > MESSAGE_MAX_CHARS:
        raise ValidationError(
            _("The message is longer than %(limit)s characters.") % {"limit": MESSAGE_MAX_CHARS},
            code="message",
        )
    reason = str(reason or "").strip()
    if urgent and not reason:
        raise ValidationError(_("Give the reason for an urgent reminder."), code="reason")
    if urgent:
        with translation.override(settings.LANGUAGE_CODE):  # stored and sent: the portal's language
            message = _("Urgent (%(reason)s): %(message)s") % {"reason": reason, "message": message}
    kind = Reminder.Kind.URGENT if urgent else Reminder.Kind.MANUAL
    today = timezone.localdate()  # TIME_ZONE is Asia/Shanghai: the day as the offices count it
    liaisons = list(
        User.objects.filter(is_active=True, role=Role.LIAISON, department__assignments__task=task).order_by(
            "department_id", "pk"
        )
    )
    if not liaisons:
        raise ValidationError(
            _("None of the departments of this task has an active liaison to remind."), code="no_recipients"
        )
    already = set(
        Reminder.objects.filter(task=task, kind=kind, sent_on=today, recipient__in=liaisons).values_list(
            "recipient_id", flat=True
        )
    )
    candidates = [
        Reminder(
            task=task,
            recipient=user,
            kind=kind,
            sent_on=today,
            message=message,
            sender=sender,
        )
        for user in liaisons
        if user.pk not in already
    ]
    try:
        with transaction.atomic():
            claimed = Reminder.objects.bulk_create(candidates)
    except IntegrityError:
        # Someone claimed one of them between our read and our insert: claim them one by one.
        claimed = [reminder for reminder in candidates if claim_one(reminder)]
    claimed_ids = {r.recipient_id for r in claimed}
    skipped = [user for user in liaisons if user.pk not in claimed_ids]

    published = None
    if claimed:
        # In-app for everyone reminded, and the departments' robots; the email is the Reminder's own.
        published = announce.task_reminded(task, sender, claimed, message)
        Reminder.objects.filter(pk__in=[r.pk for r in claimed]).update(event=published.event)
    for reminder in claimed:
        if not reminder.recipient.email:
            # Nothing to send: recorded as such, not queued as if it would go out.
            release(reminder.pk, _("The recipient has no email address."), final=True)
            continue
        # A broker that is down keeps the reminder claimed for requeue_unsent; the page still answers.
        queue_after_commit(DELIVER_REMINDER, reminder.pk)
    return ManualReminders(claimed, skipped, published)


def describe(sent: ManualReminders) -> str:
    """What a 催办 did, exactly: who was notified in-app, whose email is queued or could not be sent
    (no address), which robots will post it, and who was skipped."""
    parts = [
        ngettext("Notified %(count)s person (in-app).", "Notified %(count)s people (in-app).", len(sent))
        % {"count": len(sent)}
    ]
    no_email = sent.without_email
    queued = len(sent) - len(no_email)
    if queued:
        parts.append(
            ngettext("Email: %(count)s queued to send.", "Email: %(count)s queued to send.", queued)
            % {"count": queued}
        )
    if no_email:
        parts.append(
            ngettext(
                "Email: %(count)s person has no address, not sent (%(names)s).",
                "Email: %(count)s people have no address, not sent (%(names)s).",
                len(no_email),
            )
            % {"count": len(no_email), "names": "、".join(str(u) for u in no_email)}
        )
    robots = sent.robots
    if robots:
        parts.append(_("Group robots: %(names)s, queued.") % {"names": "、".join(d.label for d in robots)})
    if sent.skipped:
        parts.append(
            _("Already reminded today, so skipped: %(names)s.")
            % {"names": "、".join(str(u) for u in sent.skipped)}
        )
    return " ".join(parts)


def task_url(task: Task) -> str:
    """The task's page as an absolute URL, for emails."""
    return settings.SITE_URL.rstrip("/") + reverse("task_detail", kwargs={"pk": task.pk})


def _digest_row(task: Task, day) -> dict:
    overdue = task.due_on is not None and task.due_on < day
    return {
        "title": str(task),
        "document": task.document.title,
        "url": task_url(task),
        "due_on": task.due_on if overdue else task.next_due_on,
        "days_overdue": (day - task.due_on).days if overdue else None,
        "overdue": overdue,
    }


def _compose_digest(reminder: Reminder) -> EmailMultiAlternatives:
    """The scan's digest: overdue tasks, then those due soon, each with its link, in text and HTML."""
    day = reminder.sent_on
    tasks = reminder.tasks.all()
    counts = tasks.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=day)))
    limit = settings.REMINDER_DIGEST_MAX_TASKS
    listed = [
        _digest_row(task, day)
        for task in tasks.with_schedule(day)
        .select_related("document")
        .order_by("due_on", "document_id", "position", "pk")[:limit]
    ]
    escalation = reminder.kind == Reminder.Kind.ESCALATION
    if escalation:
        subject = _("Escalation: %(count)s tasks overdue for more than %(days)s days") % {
            "count": counts["total"],
            "days": settings.REMINDER_ESCALATE_AFTER_DAYS,
        }
        list_url = settings.SITE_URL + reverse("task_list") + "?overdue=true"
    else:
        subject = _("Reform tasks: %(overdue)s overdue, %(due_soon)s due within %(days)s days") % {
            "overdue": counts["overdue"],
            "due_soon": counts["total"] - counts["overdue"],
            "days": settings.REMINDER_DUE_SOON_DAYS,
        }
        list_url = settings.SITE_URL + reverse("my_tasks")
    context = {
        "recipient": str(reminder.recipient),
        "day": day,
        "escalation": escalation,
        "overdue": [row for row in listed if row["overdue"]],
        "due_soon": [row for row in listed if not row["overdue"]],
        "overdue_count": counts["overdue"],
        "due_soon_count": counts["total"] - counts["overdue"],
        "more": counts["total"] - len(listed),
        "due_soon_days": settings.REMINDER_DUE_SOON_DAYS,
        "escalate_after_days": settings.REMINDER_ESCALATE_AFTER_DAYS,
        "list_url": list_url,
        "site_url": settings.SITE_URL,
    }
    text = render_to_string("tasks/reminders/email/digest.txt", context)
    html = render_to_string("tasks/reminders/email/digest.html", context)
    email = EmailMultiAlternatives(subject=subject, body=text, to=[reminder.recipient.email])
    email.attach_alternative(html, "text/html")
    return email


def _compose_report(reminder: Reminder) -> EmailMultiAlternatives:
    """A department late with its monthly report (tasks/reports/services/workflow.py): the message
    names the report; the link is the reports page."""
    url = settings.SITE_URL.rstrip("/") + reverse("report_list")
    greeting = _("Dear %(name)s,") % {"name": reminder.recipient}
    sender = _("The reform task ledger")
    text = "\n\n".join([greeting, reminder.message, url, _("— %(sender)s") % {"sender": sender}])
    html = format_html(
        '<p>{}</p>{}<p><a href="{}">{}</a></p><p>— {}</p>',
        greeting,
        linebreaks(reminder.message, autoescape=True),
        url,
        url,
        sender,
    )
    email = EmailMultiAlternatives(
        subject=_("Your department's progress report is overdue"), body=text, to=[reminder.recipient.email]
    )
    email.attach_alternative(html, "text/html")
    return email


def _compose(reminder: Reminder) -> EmailMultiAlternatives:
    if not reminder.task_id and reminder.kind in (Reminder.Kind.DIGEST, Reminder.Kind.ESCALATION):
        return _compose_digest(reminder)
    if reminder.kind == Reminder.Kind.REPORT:
        return _compose_report(reminder)
    tasks = [reminder.task] if reminder.task_id else list(reminder.tasks.select_related("document"))
    if reminder.kind in (Reminder.Kind.MANUAL, Reminder.Kind.URGENT):
        subject = _("Reminder from the reform office: %(task)s") % {"task": str(tasks[0])}
    elif len(tasks) == 1:
        subject = _("%(kind)s: %(task)s") % {"kind": reminder.get_kind_display(), "task": str(tasks[0])}
    else:
        subject = _("%(kind)s: %(count)s tasks") % {"kind": reminder.get_kind_display(), "count": len(tasks)}
    links = [(str(task), task_url(task)) for task in tasks]
    greeting = _("Dear %(name)s,") % {"name": reminder.recipient}
    sender = str(reminder.sender) if reminder.sender_id else _("The reform task ledger")
    text = "\n\n".join(
        [
            greeting,
            reminder.message,
            "\n".join(f"- {title}\n  {url}" for title, url in links),
            _("— %(sender)s") % {"sender": sender},
        ]
    )
    html = format_html(
        "<p>{}</p>{}<ul>{}</ul><p>— {}</p>",
        greeting,
        linebreaks(reminder.message, autoescape=True),
        format_html_join("", '<li><a href="{}">{}</a></li>', ((url, title) for title, url in links)),
        sender,
    )
    email = EmailMultiAlternatives(subject=subject, body=text, to=[reminder.recipient.email])
    email.attach_alternative(html, "text/html")
    return email


def deliver(reminder_id: int) -> str:
    """Send one claimed reminder and mark it sent; "sent", or "skipped" if it was not waiting to be sent.

    Marked sent by a conditional UPDATE *before* sending, so that two workers or a re-run never send
    twice; a send that raises is handed back (see `release`) for the job to retry or to mark failed.
    """
    claimed = Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.CLAIMED).update(
        status=Reminder.Status.SENT, error=""
    )
    if not claimed:
        return "skipped"
    reminder = Reminder.objects.select_related("task__document", "recipient", "sender").get(pk=reminder_id)
    if not reminder.recipient.email:
        release(reminder_id, _("The recipient has no email address."), final=True)
        return "failed"
    with translation.override(settings.LANGUAGE_CODE):
        email = _compose(reminder)
    email.send(using="default")
    return "sent"


def release(reminder_id: int, error: str, *, final: bool) -> None:
    """After a failed send: back to claimed for a retry, or failed for good, with the error kept."""
    status = Reminder.Status.FAILED if final else Reminder.Status.CLAIMED
    Reminder.objects.filter(pk=reminder_id).update(status=status, error=str(error)[:2000])


def requeue_unsent(*, older_than: datetime.timedelta = UNSENT_AFTER) -> int:
    """Queue again the reminders of the last two days still claimed a while after their claim: their
    job never reached the broker (Redis was down) or was lost. `deliver` sends each at most once, so
    one that was merely slow is skipped. How many were queued."""
    now = timezone.now()
    stale = Reminder.objects.filter(
        status=Reminder.Status.CLAIMED,
        created_at__lt=now - older_than,
        created_at__gte=now - datetime.timedelta(days=2),
    ).values_list("pk", flat=True)
    return sum(queue(DELIVER_REMINDER, pk) for pk in stale)
