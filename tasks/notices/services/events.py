"""Publishing an event: one Event, a Notification per person it concerns, a Delivery per outside channel.

Called by the service that causes the event, inside its transaction, so that the act and its messages
stand or fall together. The deliveries are queued (one `tasks.deliver_notice` job each) once the
transaction commits; a broker that is down leaves them queued for `requeue_stalled`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q

from accounts.models import Role, User
from tasks.models import Channel, Delivery, Event, Notification, Reminder, Robot
from tasks.queueing import DELIVER_NOTICE, queue_after_commit

__all__ = ["InApp", "Published", "department_liaisons", "publish", "publish_in_app", "region_office"]


@dataclass
class Published:
    """What `publish` wrote: the event, who got it in-app, and the outside deliveries queued."""

    event: Event
    notified: list[User] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    # People who get it in-app only because they have no email address.
    without_email: list[User] = field(default_factory=list)


def department_liaisons(department_ids: Iterable[int]) -> list[User]:
    """The active liaisons of these departments."""
    ids = list(department_ids)
    if not ids:
        return []
    return list(
        User.objects.filter(is_active=True, role=Role.LIAISON, department_id__in=ids).order_by(
            "department_id", "pk"
        )
    )


def region_office(region_id: int | None, *, leaders: bool = False) -> list[User]:
    """The active office staff (and, with `leaders`, the leaders) of a region."""
    if region_id is None:
        return []
    roles = [Role.OFFICE, Role.LEADER] if leaders else [Role.OFFICE]
    return list(User.objects.filter(is_active=True, role__in=roles, region_id=region_id).order_by("pk"))


def _robots(kind: str, region_id: int | None, department_ids: list[int]) -> list[Robot]:
    where = Q()
    if department_ids:
        where |= Q(department_id__in=department_ids)
    if region_id is not None:
        where |= Q(department__isnull=True, region_id=region_id)
    if not where:
        return []
    return [
        robot for robot in Robot.objects.filter(where, is_active=True).order_by("pk") if robot.posts(kind)
    ]


def publish(
    kind: str,
    *,
    title: str,
    body: str = "",
    url: str = "",
    recipients: Iterable[User] = (),
    actor: User | None = None,
    region_id: int | None = None,
    department_ids: Iterable[int] = (),
    task=None,
    report=None,
    instruction=None,
    email: bool = True,
    addresses: Iterable[tuple[str, str]] = (),
) -> Published:
    """Record the event and queue its deliveries after commit.

    `recipients` get it in-app (the actor never hears of their own act) and by email when they have an
    address (unless `email` is off: a 催办 emails through its Reminder); `addresses` are (label, email)
    pairs of people without an account (a department head); the active robots of `department_ids` and
    the office robots of `region_id` post it when they are set to post this kind.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("publish() belongs inside the transaction of the act it announces")
    event = Event.objects.create(
        kind=kind,
        title=title[:200],
        body=body,
        url=url,
        actor=actor,
        region_id=region_id,
        task=task,
        report=report,
        instruction=instruction,
    )
    people: dict[int, User] = {}
    for user in recipients:
        if user.is_active and (actor is None or user.pk != actor.pk):
            people.setdefault(user.pk, user)
    notified = list(people.values())
    Notification.objects.bulk_create([Notification(event=event, recipient=u, kind=kind) for u in notified])

    deliveries: list[Delivery] = []
    without_email: list[User] = []
    if email:
        for user in notified:
            if user.email:
                deliveries.append(
                    Delivery(
                        event=event,
                        channel=Channel.EMAIL,
                        recipient=user,
                        address=user.email,
                        label=str(user),
                    )
                )
            else:
                without_email.append(user)
    seen = set()
    for label, address in addresses:
        if address and address not in seen:
            seen.add(address)
            deliveries.append(Delivery(event=event, channel=Channel.EMAIL, address=address, label=label))
    for robot in _robots(kind, region_id, list(department_ids)):
        deliveries.append(Delivery(event=event, channel=robot.platform, robot=robot, label=robot.name))
    deliveries = Delivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        queue_after_commit(DELIVER_NOTICE, delivery.pk)
    return Published(event=event, notified=notified, deliveries=deliveries, without_email=without_email)


@dataclass(frozen=True)
class InApp:
    """One in-app notice of a batch (`publish_in_app`): the daily digests and the late-report reminders."""

    kind: str
    recipient: User
    title: str
    body: str = ""
    url: str = ""
    reminder: Reminder | None = None
    region_id: int | None = None


def publish_in_app(rows: list[InApp]) -> int:
    """Record a batch of one-person events in four queries, whatever their number: the scans' digests,
    each already emailed through its Reminder. How many were recorded."""
    if not rows:
        return 0
    events = Event.objects.bulk_create(
        [
            Event(
                kind=row.kind,
                title=row.title[:200],
                body=row.body,
                url=row.url,
                region_id=row.region_id,
            )
            for row in rows
        ]
    )
    Notification.objects.bulk_create(
        [
            Notification(event=event, recipient=row.recipient, kind=row.kind)
            for event, row in zip(events, rows, strict=True)
        ]
    )
    _link_reminders(
        [(row.reminder.pk, event.pk) for event, row in zip(events, rows, strict=True) if row.reminder]
    )
    return len(rows)


def _link_reminders(pairs: list[tuple[int, int]]) -> None:
    """Each reminder's event, in one UPDATE: on PostgreSQL from arrays (a scan links thousands, and a
    CASE of thousands of branches took longer to compile than to run)."""
    if not pairs:
        return
    if connection.vendor != "postgresql":
        reminders = [Reminder(pk=reminder, event_id=event) for reminder, event in pairs]
        Reminder.objects.bulk_update(reminders, ["event"])
        return
    table = connection.ops.quote_name(Reminder._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            # The table is the model's, quoted; the ids are parameters.
            f"UPDATE {table} AS r SET event_id = v.event FROM unnest(%s::bigint[], %s::bigint[]) "  # nosec B608
            "AS v(id, event) WHERE r.id = v.id",
            [[r for r, _e in pairs], [e for _r, e in pairs]],
        )
