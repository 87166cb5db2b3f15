"""Reminders (催办): one person reminded about one task, or sent a digest of several."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    """A reminder (催办) to one person, about one task or as a digest of several.

    Claimed by inserting this row before the email goes out: the unique constraints make a second
    worker, a re-run or a double-fired beat fail to claim, so nobody is reminded twice.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION = "escalation", _("Escalation")
        MANUAL = "manual", _("Manual reminder")
        # A second manual reminder on the same day, with a reason: once a day per person too.
        URGENT = "urgent", _("Urgent reminder")
        # The daily scan's one email per liaison: their department's overdue and due-soon tasks.
        DIGEST = "digest", _("Daily digest")
        # A department whose monthly report is past its due date: one a day per liaison.
        REPORT = "report", _("Report overdue")

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # Empty for a digest that covers several tasks (listed in `tasks`).
    task = models.ForeignKey(
        "tasks.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    tasks = models.ManyToManyField(
        "tasks.Task", verbose_name=_("tasks in digest"), blank=True, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    sent_on = models.DateField(_("sent on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CLAIMED)
    message = models.TextField(_("message"), blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    error = models.TextField(_("error"), blank=True)
    # The in-app event that announced it (tasks/notices): its notifications carry the read receipts.
    event = models.ForeignKey(
        "tasks.Event",
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "recipient", "kind", "sent_on"],
                condition=Q(task__isnull=False),
                name="reminder_unique_per_task_day",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "sent_on"],
                condition=Q(task__isnull=True),
                name="reminder_unique_digest_per_day",
            ),
        ]
        indexes = [
            # The notification bell: a user's unread reminders.
            models.Index(fields=["recipient", "read_at"], name="reminder_recipient_unread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} ({self.sent_on})"
