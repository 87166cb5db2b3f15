"""The group robots an office configures: which exist for a user, checked writes, and the test post.

Office staff manage the robots of their own region (not those of the regions below: each office
configures its own groups), for the office's group (no department) or a department of the region or
below; superusers any region's. The pages and the API call these functions and nothing else.

The webhook is https on the platform's own host (tasks/notices/robots.py PLATFORM_HOSTS) or one that
NOTICE_ROBOT_ALLOWED_HOSTS lists, so that the portal posts its messages to no other server; plain http
only to a loopback host and only where NOTICE_ROBOT_ALLOW_PLAIN_HTTP is on (DEBUG, and the tests). No
user name or password in the URL. The secret is write-only: pages and the API show `mask_secret`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from regions.models import Department, Region
from tasks.access import may_manage_robots, require_robot_manager
from tasks.models import Channel, EventKind, Robot
from tasks.notices import robots as platforms
from tasks.notices.services.delivery import describe, post_event

__all__ = [
    "TestAnswer",
    "check_robot",
    "create_robot",
    "get_robot_for",
    "mask_secret",
    "remove_robot",
    "robot_departments",
    "robot_regions",
    "robots_visible_to",
    "send_test_message",
    "update_robot",
]

LOOPBACK_NAMES = {"localhost"}


def robots_visible_to(user: User) -> QuerySet[Robot]:
    """The robots a user manages: their region's (office staff), every one (superusers), or none."""
    if not may_manage_robots(user):
        return Robot.objects.none()
    if user.is_superuser:
        return Robot.objects.all()
    return Robot.objects.filter(region_id=user.region_id)


def get_robot_for(user: User, pk: int) -> Robot:
    """NotPermitted (403) for a role that may not manage robots, Robot.DoesNotExist (404) out of scope."""
    require_robot_manager(user)
    return robots_visible_to(user).select_related("region", "department").get(pk=pk)


def robot_regions(user: User) -> QuerySet[Region]:
    """The regions whose robots the user may configure."""
    if not may_manage_robots(user):
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    return Region.objects.filter(pk=user.region_id)


def robot_departments(user: User, region: Region | int | None = None) -> QuerySet[Department]:
    """The departments a robot of `region` (default: the user's) may be for: its region and below."""
    if not may_manage_robots(user):
        return Department.objects.none()
    region_id = region.pk if isinstance(region, Region) else region or user.region_id
    if region_id is None:  # a superuser who has not chosen a region yet
        return Department.objects.all()
    return Department.objects.filter(region__in=Region.objects.subtree(region_id))


def mask_secret(secret: str) -> str:
    """Enough to recognise a secret (its last four characters, when it is long), never the secret."""
    if not secret:
        return ""
    return "••••" + secret[-4:] if len(secret) >= 12 else "••••"


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _webhook_errors(platform: str, url: str) -> list[str]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return [_("Enter the robot's webhook URL as the platform shows it.")]
    errors = []
    if parts.username or parts.password:
        errors.append(_("The webhook URL must not carry a user name or password."))
    if parts.scheme != "https":
        plain_ok = parts.scheme == "http" and settings.NOTICE_ROBOT_ALLOW_PLAIN_HTTP and _is_loopback(host)
        if not plain_ok:
            errors.append(_("The webhook URL must start with https://."))
    allowed = platforms.PLATFORM_HOSTS.get(platform, frozenset()) | {
        h.lower() for h in settings.NOTICE_ROBOT_ALLOWED_HOSTS
    }
    if host not in allowed:
        errors.append(
            _("A %(platform)s webhook is on %(hosts)s, not %(host)s.")
            % {
                "platform": Channel(platform).label,
                "hosts": ", ".join(sorted(platforms.PLATFORM_HOSTS[platform])),
                "host": host,
            }
        )
    return errors


def check_robot(
    user: User,
    *,
    platform: str,
    webhook_url: str,
    secret: str,
    events: list[str],
    region: Region | None,
    department: Department | None,
) -> None:
    """Every rule of a robot's configuration at once: ValidationError by field, or nothing."""
    errors: dict[str, list[str]] = {}
    if platform not in platforms.PLATFORM_HOSTS:
        errors["platform"] = [_("Choose WeCom, DingTalk or Feishu.")]
    elif not webhook_url:
        errors["webhook_url"] = [_("Enter the robot's webhook URL as the platform shows it.")]
    elif url_errors := _webhook_errors(platform, webhook_url):
        errors["webhook_url"] = url_errors
    if platform == platforms.WECOM and secret:
        # A WeCom group robot has no signing: a secret would be silently unused.
        errors["secret"] = [_("WeCom group robots do not sign their messages; leave the secret empty.")]
    unknown = [kind for kind in events if kind not in EventKind.values]
    if unknown:
        errors["events"] = [_("Unknown kinds of event: %(kinds)s") % {"kinds": ", ".join(map(str, unknown))}]
    if region is None or not robot_regions(user).filter(pk=region.pk).exists():
        errors["region"] = [_("Choose your office's region.")]
    elif department is not None and not robot_departments(user, region).filter(pk=department.pk).exists():
        errors["department"] = [_("Choose a department of the office's region or a region below it.")]
    if errors:
        raise ValidationError(errors)


def _region_for(user: User, region: Region | None, department: Department | None) -> Region | None:
    """Office staff's robots are their region's; a superuser's the region they chose (or the
    department's)."""
    if region is not None:
        return region
    if user.region_id:
        return Region.objects.get(pk=user.region_id)
    return department.region if department is not None else None


@transaction.atomic
def create_robot(
    user: User,
    *,
    platform: str,
    name: str,
    webhook_url: str,
    secret: str = "",
    events: list[str] | None = None,
    region: Region | None = None,
    department: Department | None = None,
    is_active: bool = True,
) -> Robot:
    require_robot_manager(user)
    events = list(dict.fromkeys(events or []))
    region = _region_for(user, region, department)
    check_robot(
        user,
        platform=platform,
        webhook_url=webhook_url,
        secret=secret,
        events=events,
        region=region,
        department=department,
    )
    return Robot.objects.create(
        platform=platform,
        name=name,
        webhook_url=webhook_url,
        secret=secret,
        events=events,
        region=region,
        department=department,
        is_active=is_active,
        created_by=user,
    )


_UNCHANGED = object()


@transaction.atomic
def update_robot(user: User, robot: Robot, *, secret: str | None = None, **changes) -> Robot:
    """Change a robot of the user's scope; `secret` None keeps the one it has, "" removes it."""
    robot = get_robot_for(user, robot.pk)
    for field in ("platform", "name", "webhook_url", "events", "region", "department", "is_active"):
        value = changes.pop(field, _UNCHANGED)
        if value is not _UNCHANGED:
            setattr(robot, field, list(dict.fromkeys(value)) if field == "events" else value)
    if changes:
        raise TypeError(f"unknown robot fields: {sorted(changes)}")
    if secret is not None:
        robot.secret = secret
    check_robot(
        user,
        platform=robot.platform,
        webhook_url=robot.webhook_url,
        secret=robot.secret,
        events=robot.events,
        region=robot.region,
        department=robot.department,
    )
    robot.save()
    return robot


@transaction.atomic
def remove_robot(user: User, robot: Robot) -> str:
    """Delete a robot that never posted; one with deliveries is deactivated instead, so that their
    record stays (a delete would take them with it). "deleted" or "deactivated"."""
    robot = get_robot_for(user, robot.pk)
    if robot.deliveries.exists():
        Robot.objects.filter(pk=robot.pk).update(is_active=False)
        return "deactivated"
    robot.delete()
    return "deleted"


@dataclass(frozen=True)
class TestAnswer:
    """The test post's outcome, in words, with the platform's answer as it came."""

    ok: bool
    summary: str
    answer: str


def send_test_message(user: User, robot: Robot) -> TestAnswer:
    """Post a test message now (not through the queue) and say exactly what the platform answered."""
    robot = get_robot_for(user, robot.pk)
    title = _("Test message from the reform task ledger")
    text = _("If this reaches the group, the robot “%(name)s” is set up correctly.") % {"name": robot.name}
    answer = post_event(robot, title, text, settings.SITE_URL + "/")
    return TestAnswer(ok=answer.ok, summary=describe(robot.platform, answer), answer=answer.raw)
