"""消息 as a person reads them: their notifications, the unread count, read receipts."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from tasks.models import Notification

__all__ = ["mark_all_read", "mark_read", "notifications_of", "unread_count"]


def notifications_of(user) -> QuerySet[Notification]:
    """A person's notifications, newest first; nobody sees another's."""
    return (
        Notification.objects.filter(recipient_id=user.pk)
        .select_related("event", "event__actor")
        .order_by("-created_at", "-pk")
    )


def unread_count(user) -> int:
    """The bell's number, from the (recipient, read_at, kind) index."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def mark_read(user, pk: int) -> Notification:
    """The read receipt of one of the user's notifications (the first reading counts); DoesNotExist for
    anyone else's."""
    notification = notifications_of(user).get(pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(user) -> int:
    """全部已读: how many were unread."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
