"""Placeholder until the channels branch lands: deliveries office staff must look at."""

from django.db.models import QuerySet

from accounts.scope import scope_of
from regions.models import Region
from tasks.access import edits_tasks_in_scope
from tasks.models import Delivery


def attention_deliveries(user) -> QuerySet[Delivery]:
    if not edits_tasks_in_scope(user):
        return Delivery.objects.none()
    failed = Delivery.objects.filter(status=Delivery.Status.FAILED, acknowledged_at__isnull=True)
    scope = scope_of(user)
    if scope.everything:
        return failed
    return failed.filter(event__region__in=Region.objects.subtree(scope.region_id))


def resend(delivery: Delivery, user) -> Delivery:
    raise NotImplementedError


def acknowledge(delivery: Delivery, user) -> Delivery:
    raise NotImplementedError
