"""Report files: a department's periodic report, the office's ledger (台账) and ranking, and its monthly
通报 (a Word document)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
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
