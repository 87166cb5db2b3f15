"""「全部生成」: one job builds every department's report of a period in a region, with one progress bar.

Office staff ask for it on /reports/ (`request_all_reports`): a `ReportBatch` row is created (or the
one of the region and period still queued or running is answered) and the `tasks.build_all_reports`
job is queued after commit. The job (`build_all_reports`) claims the batch, then for each active
department with tasks of the region and below, in the /reports/ order, queues the department's
report through `queue_report` (a built, running or handed-in report is left as it is) and builds it
in turn with the build of a single report, moving the batch's done count and progress after each.
Departments without tasks are left out. A build that fails is recorded on its report, as always,
and the batch goes on; an error of the batch itself marks it failed with the message.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import Department, Region
from tasks.access import NotPermitted, may_build_all_reports
from tasks.models import ReportBatch
from tasks.queueing import BUILD_ALL_REPORTS, queue_after_commit
from tasks.reports.services.department import build_report, departments_with_tasks, queue_report
from tasks.reports.services.ordering import clerk_order
from tasks.reports.services.periods import parse_period

logger = logging.getLogger(__name__)

__all__ = [
    "batch_departments",
    "batches_visible_to",
    "build_all_reports",
    "latest_batch",
    "request_all_reports",
]

ACTIVE = (ReportBatch.Status.QUEUED, ReportBatch.Status.RUNNING)


def batch_departments(region: Region) -> list[Department]:
    """The departments a batch builds: active, with tasks, in the region and below, in clerk order."""
    return clerk_order(departments_with_tasks(region))


def latest_batch(region_id: int | None, period: str) -> ReportBatch | None:
    if not region_id:
        return None
    return (
        ReportBatch.objects.filter(region_id=region_id, period=period)
        .order_by("-requested_at", "-pk")
        .first()
    )


def batches_visible_to(user) -> QuerySet[ReportBatch]:
    """Batches of the user's own region (office staff and leaders), all for superusers."""
    if user.is_superuser:
        return ReportBatch.objects.all()
    if not user.region_id or user.is_liaison:
        return ReportBatch.objects.none()
    return ReportBatch.objects.filter(region_id=user.region_id)


def request_all_reports(user, period: str) -> ReportBatch:
    """Queue the build of every department's report of `period` in the user's region (office staff);
    the batch of the region and period already queued or running, if any."""
    parse_period(period)
    if not may_build_all_reports(user):
        raise NotPermitted(_("Only reform office staff build every department's report."))
    with transaction.atomic():
        # Lock the region's row so two clicks cannot both create a batch.
        region = Region.objects.select_for_update().get(pk=user.region_id)
        running = ReportBatch.objects.filter(region=region, period=period, status__in=ACTIVE).first()
        if running is not None:
            return running
        batch = ReportBatch.objects.create(
            region=region,
            period=period,
            requested_by=user,
            total=departments_with_tasks(region).count(),
        )
        queue_after_commit(BUILD_ALL_REPORTS, batch.pk)
    return batch


def build_all_reports(batch_id: int) -> str:
    """The job: build each department's report in turn, moving the batch's progress; its status.

    Safe to repeat: a batch is claimed queued → running (a re-delivered running batch goes on from
    where the reports are: built ones are reused, not built again).
    """
    claimed = ReportBatch.objects.filter(pk=batch_id, status__in=ACTIVE).update(
        status=ReportBatch.Status.RUNNING, error=""
    )
    if not claimed:
        return ReportBatch.objects.filter(pk=batch_id).values_list("status", flat=True).first() or "missing"
    batch = ReportBatch.objects.select_related("region", "requested_by").get(pk=batch_id)
    try:
        departments = batch_departments(batch.region)
        total = len(departments)
        ReportBatch.objects.filter(pk=batch_id).update(total=total, done=0, progress=0)
        for done, department in enumerate(departments, start=1):
            with transaction.atomic():
                report, build = queue_report(department, batch.period, requested_by=batch.requested_by)
            if build:
                build_report(report.pk)
            ReportBatch.objects.filter(pk=batch_id).update(done=done, progress=done * 100 // total)
    except Exception as exc:
        logger.exception("batch build %s failed", batch_id)
        ReportBatch.objects.filter(pk=batch_id).update(
            status=ReportBatch.Status.FAILED,
            error=_("The reports could not all be built: %(error)s")
            % {"error": str(exc) or type(exc).__name__},
            finished_at=timezone.now(),
        )
        return ReportBatch.Status.FAILED
    ReportBatch.objects.filter(pk=batch_id).update(
        status=ReportBatch.Status.DONE, progress=100, finished_at=timezone.now()
    )
    return ReportBatch.Status.DONE
