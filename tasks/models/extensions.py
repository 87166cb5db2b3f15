"""Requests a department makes to the office: deadline extensions (延期申请)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ExtensionRequest(models.Model):
    """A department asks for a later deadline; the office approves or refuses, the original stays on record."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    task = models.ForeignKey(
        "tasks.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="extension_requests"
    )
    # The deadline to move; empty means the task's final (latest dated) deadline.
    deadline = models.ForeignKey(
        "tasks.Deadline",
        verbose_name=_("deadline"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="extension_requests",
    )
    department = models.ForeignKey(
        "regions.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    current_due_on = models.DateField(_("current due date"), null=True, blank=True)
    requested_due_on = models.DateField(_("requested due date"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open request per task at a time: a second one waits for the first decision.
            models.UniqueConstraint(
                fields=["task"], condition=Q(status="pending"), name="extension_one_pending_per_task"
            ),
        ]
        indexes = [
            # The office's queue of pending requests.
            models.Index(fields=["status", "-created_at"], name="extension_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.requested_due_on}"
