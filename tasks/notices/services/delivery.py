"""Sending one Delivery: claimed by a conditional UPDATE before anything goes out, so never twice.

queued → sending (the claim, attempts + 1) → sent, or back to queued for a retry after a transient
failure (a timeout, a refused connection, a 5xx answer, a platform's rate limit: `TransientError`,
which the job retries with backoff), or failed for good with the reason (a 4xx answer, a platform's
refusal). A delivery left `sending` by a worker that was killed is never sent again (it may have gone
out): `sweep_interrupted` marks it failed, for office staff to see and resend.

Robots are posted with `requests` (redirects not followed, NOTICE_HTTP_TIMEOUT_SECONDS); the request
and the reading of the answer are tasks/notices/robots.py's, pure.
"""

from __future__ import annotations

import datetime

import requests
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tasks.models import Channel, Delivery, Event, Robot
from tasks.notices import robots
from tasks.queueing import DELIVER_NOTICE, queue

__all__ = [
    "INTERRUPTED_AFTER",
    "TransientError",
    "absolute",
    "compose_email",
    "deliver",
    "describe",
    "post",
    "post_event",
    "release",
    "requeue_stalled",
    "sweep_interrupted",
]

INTERRUPTED_AFTER = datetime.timedelta(minutes=15)
# A delivery still queued this long after it was created lost its job (the broker was down when it
# was queued): longer than the job's whole backoff (30 s doubling five times, about 16 minutes).
STALLED_AFTER = datetime.timedelta(hours=1)


class TransientError(Exception):
    """Worth another try: the network or the far side, not the message."""


class Refused(Exception):
    """The far side refused the message; trying again sends the same refusal."""


def absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


def _link(event: Event) -> str:
    return absolute(event.url) if event.url else settings.SITE_URL + "/"


def compose_email(delivery: Delivery) -> EmailMultiAlternatives:
    """The event by email: its title as the subject, its text and a link back, as text and HTML."""
    event = delivery.event
    context = {
        "recipient": str(delivery.recipient) if delivery.recipient_id else delivery.label,
        "title": event.title,
        "body": event.body,
        "link": _link(event),
    }
    text = render_to_string("tasks/notices/email/event.txt", context)
    html = render_to_string("tasks/notices/email/event.html", context)
    email = EmailMultiAlternatives(subject=event.title, body=text, to=[delivery.address])
    email.attach_alternative(html, "text/html")
    return email


def describe(platform: str, answer: robots.Answer) -> str:
    """What the platform answered, as office staff read it (kept as the delivery's error)."""
    name = Channel(platform).label
    if answer.ok:
        return _("%(platform)s accepted the message.") % {"platform": name}
    if answer.code is None:
        return _("%(platform)s: %(message)s") % {"platform": name, "message": answer.message}
    return _("%(platform)s refused the message (code %(code)s): %(message)s") % {
        "platform": name,
        "code": answer.code,
        "message": answer.message or "—",
    }


def post(platform: str, request: robots.RobotRequest) -> robots.Answer:
    """POST one robot request; network failures are answers too (transient), so that the test button
    can say what happened as the job would."""
    timeout = settings.NOTICE_HTTP_TIMEOUT_SECONDS
    try:
        response = requests.post(
            request.url,
            data=request.data(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=timeout,
            # A webhook that redirects is not the platform's: never follow it elsewhere.
            allow_redirects=False,
        )
    except requests.Timeout:
        message = _("no answer within %(seconds)s seconds") % {"seconds": timeout}
        return robots.Answer(ok=False, transient=True, message=message)
    except requests.ConnectionError as error:
        message = _("could not connect (%(error)s)") % {"error": type(error).__name__}
        return robots.Answer(ok=False, transient=True, message=message)
    except requests.RequestException as error:
        return robots.Answer(ok=False, message=_("the request failed (%(error)s)") % {"error": error})
    return robots.interpret(platform, response.status_code, response.content.decode("utf-8", "replace"))


def post_event(robot: Robot, title: str, text: str, link: str) -> robots.Answer:
    request = robots.build_request(
        robot.platform, robot.webhook_url, robot.secret, title, text, link, timezone.now()
    )
    return post(robot.platform, request)


def _send_robot(delivery: Delivery) -> None:
    robot, event = delivery.robot, delivery.event
    answer = post_event(robot, event.title, event.body, _link(event))
    if answer.ok:
        return
    if answer.transient:
        raise TransientError(describe(robot.platform, answer))
    raise Refused(describe(robot.platform, answer))


def _send(delivery: Delivery) -> None:
    if delivery.channel == Channel.EMAIL:
        compose_email(delivery).send(using="default")
        return
    if delivery.robot_id is None:
        raise Refused(_("The robot was deleted."))
    _send_robot(delivery)


def _finish(delivery_id: int, **fields) -> None:
    Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING).update(**fields)


def deliver(delivery_id: int) -> str:
    """Send one queued delivery: "sent", "failed" (refused: final, the reason kept), or "skipped" when
    it was not waiting (sent, sending or failed). Raises TransientError, or the mail backend's errors,
    for the job to retry."""
    now = timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("event", "robot", "recipient").get(pk=delivery_id)
    with translation.override(settings.LANGUAGE_CODE):
        if delivery.robot_id and not delivery.robot.is_active:
            # Turned off after the event was queued: the office's choice, nothing for its 待办.
            _finish(
                delivery_id,
                status=Delivery.Status.FAILED,
                error=_("The robot was deactivated before it could post."),
                acknowledged_at=now,
            )
            return "failed"
        try:
            _send(delivery)
        except Refused as refusal:
            _finish(delivery_id, status=Delivery.Status.FAILED, error=str(refusal)[:2000])
            return "failed"
    _finish(delivery_id, status=Delivery.Status.SENT, sent_at=timezone.now(), error="")
    return "sent"


def release(delivery_id: int, error: str, *, final: bool) -> None:
    """After a failed send: queued again for a retry, or failed for good; the error is kept."""
    status = Delivery.Status.FAILED if final else Delivery.Status.QUEUED
    _finish(delivery_id, status=status, error=str(error)[:2000])


def sweep_interrupted(*, older_than: datetime.timedelta = INTERRUPTED_AFTER) -> int:
    """Deliveries a killed worker left `sending`: failed, not resent (they may have gone out)."""
    with translation.override(settings.LANGUAGE_CODE):
        error = _("Interrupted while sending; it may not have been delivered.")
    return Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lt=timezone.now() - older_than
    ).update(status=Delivery.Status.FAILED, error=error)


def requeue_stalled(*, older_than: datetime.timedelta = STALLED_AFTER) -> int:
    """Queue again the deliveries of the last two days still queued long after they were created:
    their job never reached the broker, or was lost. `deliver` claims first, so one that was merely
    waiting for its retry is sent once all the same. How many were queued."""
    now = timezone.now()
    stalled = Delivery.objects.filter(
        status=Delivery.Status.QUEUED,
        created_at__lt=now - older_than,
        created_at__gte=now - datetime.timedelta(days=2),
    ).values_list("pk", flat=True)
    return sum(queue(DELIVER_NOTICE, pk) for pk in stalled)
