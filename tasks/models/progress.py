"""What departments report: progress updates (append-only) and their evidence files."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tasks.models.append_only import AppendOnlyError, AppendOnlyModel
from tasks.models.ledger import TaskStatus

__all__ = ["AppendOnlyError", "Evidence", "ProgressUpdate", "TargetReading"]


class ProgressUpdate(AppendOnlyModel):
    """A progress report on a task; never edited or deleted once written."""

    # PROTECT: a task (or its document) with recorded progress cannot be deleted by accident.
    task = models.ForeignKey(
        "tasks.Task", verbose_name=_("task"), on_delete=models.PROTECT, related_name="progress_updates"
    )
    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=32, choices=TaskStatus.choices)
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    narrative = models.TextField(_("narrative"), blank=True)
    # The department report it was filled in through (online or uploaded), if any. PROTECT: a report
    # with recorded progress is kept, and SET_NULL would update rows that are append-only.
    report = models.ForeignKey(
        "tasks.Report",
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="progress_update_percent", condition=Q(percent__lte=100)),
        ]
        indexes = [
            # A task's progress timeline, newest first, and "latest progress" per task.
            models.Index(fields=["task", "-created_at"], name="progress_task_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.percent}%"


class TargetReading(models.Model):
    """An actual value of a target, as reported with a progress update."""

    update = models.ForeignKey(
        ProgressUpdate, verbose_name=_("progress update"), on_delete=models.CASCADE, related_name="readings"
    )
    target = models.ForeignKey(
        "tasks.Target", verbose_name=_("target"), on_delete=models.CASCADE, related_name="readings"
    )
    value = models.DecimalField(_("actual value"), max_digits=16, decimal_places=4)

    class Meta:
        verbose_name = _("target reading")
        verbose_name_plural = _("target readings")
        ordering = ["update", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["update", "target"], name="reading_one_per_target_per_update"),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} = {self.value}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # Random names: the original name is kept in the row, never used on disk.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file (佐证材料) attached to a progress update."""

    update = models.ForeignKey(
        ProgressUpdate, verbose_name=_("progress update"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(_("original name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["update", "pk"]
        indexes = [
            # Finding a file already uploaded (same content) and verifying backups.
            models.Index(fields=["sha256"], name="evidence_sha256_idx"),
        ]

    def __str__(self) -> str:
        return self.original_name
