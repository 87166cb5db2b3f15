"""Sending one Delivery: claimed by a conditional UPDATE before anything goes out, so never twice.

queued → sending (the claim, attempts + 1) → sent, or back to queued for a retry after a transient
failure (a timeout, a refused connection, a 5xx answer), or failed. A delivery left `sending` by a
worker that was killed is never sent again (it may have gone out): `sweep_interrupted` marks it failed,
for office staff to see and resend.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tasks.models import Channel, Delivery

__all__ = ["TransientError", "deliver", "release", "sweep_interrupted"]

INTERRUPTED_AFTER = datetime.timedelta(minutes=15)


class TransientError(Exception):
    """Worth another try: the network or the far side, not the message."""


def absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


def _send_email(delivery: Delivery) -> None:
    event = delivery.event
    link = absolute(event.url) if event.url else settings.SITE_URL
    text = "\n\n".join(part for part in [event.title, event.body, link] if part)
    email = EmailMultiAlternatives(subject=event.title, body=text, to=[delivery.address])
    email.send(using="default")


def _send(delivery: Delivery) -> None:
    if delivery.channel == Channel.EMAIL:
        _send_email(delivery)
        return
    raise NotImplementedError(delivery.channel)


def deliver(delivery_id: int) -> str:
    """Send one queued delivery: "sent", or "skipped" when it was not waiting (sent, sending or failed)."""
    now = timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("event", "robot", "recipient").get(pk=delivery_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(delivery)
    Delivery.objects.filter(pk=delivery_id).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), error=""
    )
    return "sent"


def release(delivery_id: int, error: str, *, final: bool) -> None:
    """After a failed send: queued again for a retry, or failed for good; the error is kept."""
    status = Delivery.Status.FAILED if final else Delivery.Status.QUEUED
    Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING).update(
        status=status, error=str(error)[:2000]
    )


def sweep_interrupted(*, older_than: datetime.timedelta = INTERRUPTED_AFTER) -> int:
    """Deliveries a killed worker left `sending`: failed, not resent (they may have gone out)."""
    return Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lt=timezone.now() - older_than
    ).update(
        status=Delivery.Status.FAILED, error=_("Interrupted while sending; it may not have been delivered.")
    )
