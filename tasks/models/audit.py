"""The audit trail: who changed what on a task, and when."""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

# Audit keys that are not fields of Task: the parts of a task a change replaces as a whole.
PART_LABELS = {
    "deadlines": _("Deadlines"),
    "deadline": _("Deadline"),
    "original_due_on": _("Original due date"),
    "assignments": _("Responsible departments"),
    "targets": _("Targets"),
    "targets.latest_actual": _("Target actuals"),
    "evidence": _("Evidence"),
}


def field_label(field: str) -> str:
    """What an audit key is called, in the history and in messages naming what changed."""
    from tasks.models.ledger import Task  # audit.py is imported before the ledger's models

    if field in PART_LABELS:
        return str(PART_LABELS[field])
    try:
        return str(Task._meta.get_field(field).verbose_name).capitalize()
    except FieldDoesNotExist:  # an audit key that is not a Task field is shown as written
        return field


class TaskChange(models.Model):
    """One recorded change to a task or what hangs off it, with each field's before and after."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        PROGRESS = "progress", _("Progress reported")
        VERIFIED = "verified", _("Completion verified")
        RETURNED = "returned", _("Returned")
        EXTENSION = "extension", _("Deadline extended")
        IMPORTED = "imported", _("Imported")

    task = models.ForeignKey(
        "tasks.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    # {"field": [before, after], ...}
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("task change")
        verbose_name_plural = _("task changes")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A task's history, newest first.
            models.Index(fields=["task", "-created_at"], name="taskchange_task_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"
