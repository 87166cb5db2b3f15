"""Report files: a department's periodic report, the office's ledger (台账) and ranking, and its monthly
通报 (a Word document)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def report_path(instance: "Report", filename: str) -> str:
    return f"reports/{instance.period}/{filename}"


class Report(models.Model):
    """A report workbook: a department's periodic report, or the office's ledger and ranking."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department report")
        LEDGER = "ledger", _("Office ledger")
        RANKING = "ranking", _("Department ranking")
        # 通报: the monthly circular as a Word document (tasks/reports/services/bulletin.py).
        BULLETIN = "bulletin", _("Monthly bulletin")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DEPARTMENT)
    # Department reports name the department; the office's ledger and ranking name the region.
    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.CharField(_("period"), max_length=7, help_text="YYYY-MM")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(_("file"), upload_to=report_path, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
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
    # The online form's values saved as a draft ({task id: {field: text}}), not yet recorded as
    # progress; cleared when the form is recorded.
    draft = models.JSONField(_("draft"), default=dict, blank=True)
    draft_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("draft saved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    draft_saved_at = models.DateTimeField(_("draft saved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "department", "period"],
                condition=Q(department__isnull=False),
                name="report_unique_department_period",
            ),
            models.UniqueConstraint(
                fields=["kind", "region", "period"],
                condition=Q(department__isnull=True),
                name="report_unique_region_period",
            ),
            models.CheckConstraint(name="report_progress_percent", condition=Q(progress__lte=100)),
            models.CheckConstraint(
                name="report_period_format", condition=Q(period__regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$")
            ),
        ]
        indexes = [
            # "Who has not submitted this period" and the office's review queue.
            models.Index(fields=["period", "status"], name="report_period_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} {self.department or self.region}"


class ReportRowReturn(models.Model):
    """A reason the office gave for returning one row (task) of a department report.

    Written with the return in one transaction; `created_at` is the return's `Report.reviewed_at`, so
    the rows of the latest return are those with the report's review time.
    """

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="row_returns"
    )
    task = models.ForeignKey(
        "tasks.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="report_returns"
    )
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("returned at"), default=timezone.now)

    class Meta:
        verbose_name = _("returned report row")
        verbose_name_plural = _("returned report rows")
        ordering = ["report", "created_at", "task", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "task", "created_at"], name="report_row_return_once_per_return"
            ),
        ]
        indexes = [
            # The reasons of a report's latest return (report page, online form, workbook).
            models.Index(fields=["report", "created_at"], name="report_row_return_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.task_id}"


class ReportBatch(models.Model):
    """「全部生成」: one job building every department's report of a period in a region, with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="report_batches"
    )
    period = models.CharField(_("period"), max_length=7, help_text="YYYY-MM")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("departments"), default=0)
    done = models.PositiveIntegerField(_("departments built"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report batch")
        verbose_name_plural = _("report batches")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="report_batch_progress_percent", condition=Q(progress__lte=100)),
        ]
        indexes = [
            # The /reports/ page's latest batch of the region and period.
            models.Index(fields=["region", "period", "-requested_at"], name="report_batch_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.period} {self.done}/{self.total}"
