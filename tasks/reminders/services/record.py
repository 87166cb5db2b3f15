"""催办记录: for office staff on the task page, every reminder and escalation about the task — who was
notified, when, through which channel, delivered or failed and why, read when."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from tasks.models import Delivery, Event, EventKind, Notification, Reminder, Task

__all__ = ["Channel", "Recipient", "ReminderRecord", "reminder_record"]

LIMIT = 20  # the latest reminders; older ones are in the history's export


@dataclass
class Channel:
    name: str
    status: str  # sent, failed, queued, sending, not_sent
    label: str
    error: str = ""


@dataclass
class Recipient:
    name: str
    read_at: datetime.datetime | None
    channels: list[Channel] = field(default_factory=list)


@dataclass
class ReminderRecord:
    event: Event
    recipients: list[Recipient]
    others: list[Channel]  # group robots and people without an account (a department head)


_EMAIL_STATUS = {
    Reminder.Status.SENT: "sent",
    Reminder.Status.FAILED: "failed",
    Reminder.Status.CLAIMED: "queued",
}


def _delivery_channel(delivery: Delivery) -> Channel:
    return Channel(
        delivery.get_channel_display(), delivery.status, delivery.get_status_display(), delivery.error
    )


def _email_of(reminder: Reminder) -> Channel:
    if reminder.status == Reminder.Status.FAILED and not reminder.recipient.email:
        return Channel(_("Email"), "not_sent", _("No address, not sent"), "")
    return Channel(_("Email"), _EMAIL_STATUS[reminder.status], reminder.get_status_display(), reminder.error)


def reminder_record(task: Task) -> list[ReminderRecord]:
    """The task's latest reminders and escalations, newest first; four queries, however many."""
    events = list(
        Event.objects.filter(task_id=task.pk, kind__in=[EventKind.REMINDER, EventKind.ESCALATION])
        .select_related("actor")
        .prefetch_related(
            Prefetch(
                "notifications", queryset=Notification.objects.select_related("recipient").order_by("pk")
            ),
            Prefetch("reminders", queryset=Reminder.objects.select_related("recipient")),
            Prefetch("deliveries", queryset=Delivery.objects.order_by("pk")),
        )
        .order_by("-created_at", "-pk")[:LIMIT]
    )
    records = []
    for event in events:
        emails = {r.recipient_id: _email_of(r) for r in event.reminders.all()}
        deliveries = list(event.deliveries.all())
        by_person: dict[int, list[Channel]] = {}
        others = []
        for delivery in deliveries:
            if delivery.recipient_id:
                by_person.setdefault(delivery.recipient_id, []).append(_delivery_channel(delivery))
            else:
                channel = _delivery_channel(delivery)
                channel.name = f"{channel.name} · {delivery.label or delivery.address}"
                others.append(channel)
        recipients = []
        for notification in event.notifications.all():
            channels = [Channel(_("In-app"), "sent", _("Delivered"))]
            if notification.recipient_id in emails:
                channels.append(emails[notification.recipient_id])
            channels += by_person.get(notification.recipient_id, [])
            recipients.append(Recipient(str(notification.recipient), notification.read_at, channels))
        records.append(ReminderRecord(event, recipients, others))
    return records
