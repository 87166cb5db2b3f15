"""Deliveries that need the office: failed (or interrupted mid-send) and not yet acknowledged.

Office staff see those of the events of their region and the regions below it (the event's region is
the office whose business it is), superusers all; others none. Out of scope is not found, as
everywhere. `attention_deliveries` is what the 待办 inbox lists; `resend` makes a new attempt and
`acknowledge` takes a failure off the list without one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from regions.models import Region
from tasks.access import NotPermitted, may_handle_failed_deliveries, scope_of
from tasks.models import Delivery
from tasks.notices.services.delivery import INTERRUPTED_AFTER
from tasks.queueing import DELIVER_NOTICE, queue_after_commit

__all__ = ["acknowledge", "attention_deliveries", "get_attention_delivery", "resend"]


def _needs_attention() -> Q:
    """Failed, or left sending by a worker that was killed (the daily sweep will mark it failed)."""
    interrupted = Q(status=Delivery.Status.SENDING, claimed_at__lt=timezone.now() - INTERRUPTED_AFTER)
    return (Q(status=Delivery.Status.FAILED) | interrupted) & Q(acknowledged_at__isnull=True)


def attention_deliveries(user: User) -> QuerySet[Delivery]:
    """The failed deliveries of the user's scope that nobody has dealt with yet, oldest first."""
    if not may_handle_failed_deliveries(user):
        return Delivery.objects.none()
    deliveries = Delivery.objects.filter(_needs_attention())
    scope = scope_of(user)
    if not scope.everything:
        deliveries = deliveries.filter(event__region__in=Region.objects.subtree(scope.region_id))
    return deliveries.select_related("event", "robot", "recipient").order_by("created_at", "pk")


def get_attention_delivery(user: User, pk: int) -> Delivery:
    """NotPermitted (403) for a role that may not handle failures; Delivery.DoesNotExist (404) for one
    outside the user's scope or that needs nothing (sent, queued, already acknowledged)."""
    if not may_handle_failed_deliveries(user):
        raise NotPermitted(_("Only reform office staff handle failed deliveries."))
    return attention_deliveries(user).get(pk=pk)


@transaction.atomic
def resend(delivery: Delivery, user: User) -> Delivery:
    """A new attempt: back to queued (the error cleared) and its job queued after commit. The claim is
    a conditional UPDATE, so two clicks queue one attempt; the second is refused."""
    delivery = get_attention_delivery(user, delivery.pk)
    requeued = Delivery.objects.filter(Q(pk=delivery.pk) & _needs_attention()).update(
        status=Delivery.Status.QUEUED, error="", claimed_at=None, acknowledged_at=None
    )
    if not requeued:
        raise ValidationError(_("This delivery is already being sent again."), code="status")
    queue_after_commit(DELIVER_NOTICE, delivery.pk)
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def acknowledge(delivery: Delivery, user: User) -> Delivery:
    """Dealt with by other means (a phone call, a corrected address): off the list, not resent."""
    delivery = get_attention_delivery(user, delivery.pk)
    Delivery.objects.filter(pk=delivery.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )
    delivery.refresh_from_db()
    return delivery
