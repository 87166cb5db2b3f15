"""What passes between people: events (消息), who received them, how they were delivered, and the group
robots offices read; leaders' instructions (领导批示) and the departments' replies; escalation steps.

An `Event` is written once, in the transaction of the act that causes it (a verification, a return, a
report submitted, a 批示…). Each person it concerns gets a `Notification` (the in-app message, with
its read receipt); each outside channel a `Delivery` (email to a person or a department head, or a post
to a group robot), sent by its own job after commit.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    TASK_VERIFIED = "task_verified", _("Task verified")
    TASK_RETURNED = "task_returned", _("Task returned")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    REPORT_SUBMITTED = "report_submitted", _("Report submitted")
    REPORT_APPROVED = "report_approved", _("Report approved")
    REPORT_RETURNED = "report_returned", _("Report returned")
    INSTRUCTION = "instruction", _("Leader's instruction")
    INSTRUCTION_REPLY = "instruction_reply", _("Reply to an instruction")
    REMINDER = "reminder", _("Reminder")
    ESCALATION = "escalation", _("Escalation")


class Event(models.Model):
    """One thing that happened, once; its recipients and channels hang off it."""

    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    task = models.ForeignKey(
        "tasks.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    report = models.ForeignKey(
        "tasks.Report",
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    instruction = models.ForeignKey(
        "tasks.Instruction",
        verbose_name=_("instruction"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The office whose business it is: its staff see the event's failed deliveries.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # Where it is acted on: a path of the portal (made absolute with SITE_URL for outside channels).
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["task", "kind"], name="event_task_kind_idx")]

    def __str__(self) -> str:
        return self.title


class Notification(models.Model):
    """An event for one person: the in-app message (消息), with its read receipt."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Copied from the event so that the inbox counts a person's unread kinds from one index.
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="notification_once_per_recipient"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "kind"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient}"


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk robot")
    FEISHU = "feishu", _("Feishu bot")


ROBOT_PLATFORMS = (Channel.WECOM, Channel.DINGTALK, Channel.FEISHU)


class Robot(models.Model):
    """A group robot an office configured: for its own group (no department) or one department's."""

    platform = models.CharField(
        _("platform"), max_length=16, choices=[(c.value, c.label) for c in ROBOT_PLATFORMS]
    )
    name = models.CharField(_("name"), max_length=100)
    webhook_url = models.URLField(_("webhook URL"), max_length=500)
    # 钉钉 加签 and 飞书 签名校验; empty when the robot checks keywords or addresses instead.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    # The event kinds it posts; empty posts every kind.
    events = models.JSONField(_("events"), default=list, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("office region"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["region_id", "department_id", "pk"]
        indexes = [models.Index(fields=["department", "is_active"], name="robot_department_idx")]

    def __str__(self) -> str:
        return self.name

    def posts(self, kind: str) -> bool:
        return self.is_active and (not self.events or kind in self.events)


class Delivery(models.Model):
    """One event through one outside channel to one address; claimed before it is sent, never twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Delivered")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    robot = models.ForeignKey(
        Robot,
        verbose_name=_("robot"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    # The email address, or who it is for when not a user (a department head).
    address = models.CharField(_("address"), max_length=254, blank=True)
    label = models.CharField(_("to"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Office staff saw a failure and dealt with it: it leaves their 待办.
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["event_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "recipient"],
                condition=Q(recipient__isnull=False),
                name="delivery_once_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["event", "robot"], condition=Q(robot__isnull=False), name="delivery_once_per_robot"
            ),
            models.UniqueConstraint(
                fields=["event", "channel", "address"],
                condition=Q(recipient__isnull=True, robot__isnull=True),
                name="delivery_once_per_address",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "created_at"],
                condition=Q(status__in=["failed", "sending"], acknowledged_at__isnull=True),
                name="delivery_attention_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.label or self.address}"


class Instruction(models.Model):
    """领导批示: a leader's instruction on a task, or on a department's list of overdue tasks."""

    task = models.ForeignKey(
        "tasks.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instructions",
    )
    # For an instruction on a department's overdue tasks (task empty), and the department that answers.
    department = models.ForeignKey(
        "regions.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    text = models.TextField(_("instruction"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["department", "-created_at"], name="instruction_department_idx")]

    def __str__(self) -> str:
        return self.text[:40]


def reply_evidence_path(instance: InstructionReply, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{uuid.uuid4().hex}{suffix}"


class InstructionReply(models.Model):
    """办理情况: a department's answer to a 批示, with optional evidence."""

    instruction = models.ForeignKey(
        Instruction, verbose_name=_("instruction"), on_delete=models.CASCADE, related_name="replies"
    )
    department = models.ForeignKey(
        "regions.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("progress"))
    evidence = models.FileField(_("evidence"), upload_to=reply_evidence_path, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    evidence_type = models.CharField(_("content type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reply to an instruction")
        verbose_name_plural = _("replies to instructions")
        ordering = ["instruction_id", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Escalation(models.Model):
    """One step of the escalation ladder reached by one overdue task: recorded once, never twice, per
    overdue spell (the due date it counts from: after an extension the ladder starts again)."""

    task = models.ForeignKey(
        "tasks.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="escalations"
    )
    due_on = models.DateField(_("due date"))
    step = models.PositiveSmallIntegerField(_("step"))
    escalated_on = models.DateField(_("escalated on"))
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["task_id", "due_on", "step"]
        constraints = [
            models.UniqueConstraint(fields=["task", "due_on", "step"], name="escalation_once_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} step {self.step}"
