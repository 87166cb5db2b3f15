"""Reporting periods: a region's closing of a month and the immutable snapshot of its ledger.

A `PeriodClosing` (one per region and period, a constraint) tracks the job that freezes the ledger;
`TaskSnapshot` rows hold each task's state as of the period, written only when it differs from the
task's state at the region's previous closed period (compact), plus a tombstone for a task that left
the region's scope; `DepartmentSnapshot` rows hold the ranking's figures per department. Snapshot rows
are written once and never changed nor deleted through the ORM (`AppendOnlyError`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tasks.models.append_only import AppendOnlyModel

PERIOD_FORMAT = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


class PeriodClosing(models.Model):
    """The closing of a month for a region: a job with its progress, then the snapshot's anchor."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Closing")
        DONE = "done", _("Closed")
        FAILED = "failed", _("Failed")

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="period_closings"
    )
    period = models.CharField(_("period"), max_length=7, help_text="YYYY-MM")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # Tasks in scope when closed, task rows written (changed tasks and tombstones), and tombstones.
    tasks_total = models.PositiveIntegerField(_("tasks"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    tombstones = models.PositiveIntegerField(_("tasks that left the scope"), default=0)
    # period_changes' counts, kept when closed so that the "as of" pages show them without recomputing.
    change_counts = models.JSONField(_("changes"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Empty for the automatic closing on PERIOD_CLOSE_WORKDAY.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("period closing")
        verbose_name_plural = _("period closings")
        ordering = ["-period", "region_id", "pk"]
        constraints = [
            # A period is closed once per region.
            models.UniqueConstraint(fields=["region", "period"], name="period_closing_unique_region_period"),
            models.CheckConstraint(name="period_closing_progress_percent", condition=Q(progress__lte=100)),
            models.CheckConstraint(
                name="period_closing_period_format", condition=Q(period__regex=PERIOD_FORMAT)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.period} {self.status}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("period_detail", kwargs={"pk": self.pk})


class TaskSnapshot(AppendOnlyModel):
    """A task's state as of a closed period, stored only where it changed since the previous closing."""

    # No single-column indexes on the foreign keys: the two indexes below lead with each of them.
    closing = models.ForeignKey(
        PeriodClosing,
        verbose_name=_("closing"),
        on_delete=models.PROTECT,
        related_name="task_rows",
        db_index=False,
    )
    # Copied from the closing, so that "as of P" is one index range (region, task, period desc).
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period = models.CharField(_("period"), max_length=7)
    # No database constraint: a task removed later keeps its history (the row is immutable).
    task = models.ForeignKey(
        "tasks.Task",
        verbose_name=_("task"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    # A tombstone: the task left the region's scope (or was removed) by this period.
    removed = models.BooleanField(_("left the scope"), default=False)
    label = models.CharField(_("label"), max_length=64, blank=True)
    text = models.TextField(_("text"), blank=True)
    # Lead then co-lead department names, as the ledger names them.
    lead_departments = models.JSONField(_("lead departments"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=32, blank=True)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    next_due_on = models.DateField(_("next milestone"), null=True, blank=True)
    overdue = models.BooleanField(_("overdue"), default=False)
    # 逾期完成: completed after its due date (completed_late_q, the task list's rule).
    completed_late = models.BooleanField(_("completed late"), default=False)
    # The light as computed at the period's end: its colour value and label, whatever colours
    # tasks/ledger/lights.py knows then (no choices here, so that a new colour needs no migration).
    light = models.CharField(_("light"), max_length=32, blank=True)
    light_label = models.CharField(_("light label"), max_length=64, blank=True)
    # [[target id, text, unit, latest actual as a string or null, attained or null], …]
    targets = models.JSONField(_("targets"), default=list, blank=True)

    class Meta:
        verbose_name = _("task snapshot")
        verbose_name_plural = _("task snapshots")
        ordering = ["closing", "task_id"]
        constraints = [
            # One row per task and period; also the index of "as of P": the latest row per task at or
            # before P (DISTINCT ON (task) ... ORDER BY task, period DESC) within one region.
            models.UniqueConstraint(
                "region", "task", models.F("period").desc(), name="task_snapshot_unique_region_task_period"
            ),
            models.CheckConstraint(name="task_snapshot_percent", condition=Q(percent__lte=100)),
        ]
        indexes = [
            # The rows one closing wrote (what changed in that period).
            models.Index(fields=["closing", "task"], name="task_snapshot_closing_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} @ {self.period}"


class DepartmentSnapshot(AppendOnlyModel):
    """A department's ranking figures and report timeliness as of a closed period (every closing)."""

    closing = models.ForeignKey(
        PeriodClosing, verbose_name=_("closing"), on_delete=models.PROTECT, related_name="department_rows"
    )
    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("department"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    region_name = models.CharField(_("region"), max_length=100, blank=True)
    lead_tasks = models.PositiveIntegerField(_("tasks led"), default=0)
    all_tasks = models.PositiveIntegerField(_("tasks"), default=0)
    completed = models.PositiveIntegerField(_("completed"), default=0)
    completed_with_due = models.PositiveIntegerField(_("completed with a due date"), default=0)
    completed_on_time = models.PositiveIntegerField(_("completed on time"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    # tasks.workbooks.ledger.ReportTimeliness: on_time, late or missing.
    report = models.CharField(_("monthly report"), max_length=16)
    report_submitted_on = models.DateField(_("report submitted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("department snapshot")
        verbose_name_plural = _("department snapshots")
        ordering = ["closing", "name", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["closing", "department"], name="department_snapshot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.closing_id}"
