"""Requesting and running a build of a Report row: claim it, write the file with progress, store it or fail.

Shared by the department reports (department.build_report), the office ledger (ledger.build_ledger)
and the 通报 (bulletin.build_bulletin): only what they write and how a failure reads differ. The
region-wide ones (ledger, 通报) are requested the same way too (`request_office_report`).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.core.files import File
from django.db import transaction

from tasks.models import Report
from tasks.models.reports import report_path
from tasks.queueing import queue_after_commit

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def request_office_report(kind: str, job: str, region, user, period: str) -> Report:
    """Queue job `job` building the region's `kind` report (ledger, 通报) for `period`: the row already
    queued or running if any. The caller has checked access and the period.

    One row per kind, region and period (a constraint): a done or failed one is queued again and keeps
    its file until the new one replaces it. The job is enqueued after commit.
    """
    with transaction.atomic():
        report, created = Report.objects.select_for_update().get_or_create(
            kind=kind, region=region, department=None, period=period, defaults={"requested_by": user}
        )
        if not created:
            if report.status in (Report.Status.QUEUED, Report.Status.RUNNING):
                return report
            report.status = Report.Status.QUEUED
            report.progress = 0
            report.error = ""
            report.requested_by = user
            report.save(update_fields=["status", "progress", "error", "requested_by"])
        queue_after_commit(job, report.pk)
    return report


def run_build(
    report_id: int,
    kind: str,
    *,
    related: str,
    write: Callable[[Report, str, Progress], None],
    filename: Callable[[Report], str],
    failure: Callable[[str], str],
    clear_file_on_failure: bool,
    suffix: str = ".xlsx",
) -> str:
    """Build a queued report of `kind`: running, then done with its file, or failed with the error.

    `write(report, path, progress)` writes the workbook to a temporary file, stored only once complete,
    so a failure leaves no half file. A failure is recorded on the row (`failure(message)`), where its
    users see it, and logged with its traceback; it is not raised, as a retry would fail the same way.
    Runs outside a transaction so that the progress shows while it works. Returns the report's status.
    """
    claimed = Report.objects.filter(
        pk=report_id, kind=kind, status__in=(Report.Status.QUEUED, Report.Status.RUNNING)
    ).update(status=Report.Status.RUNNING, progress=0, error="")
    if not claimed:
        return Report.objects.filter(pk=report_id).values_list("status", flat=True).first() or "missing"
    report = Report.objects.select_related(related).get(pk=report_id)
    previous_file = report.file.name
    stored = ""
    handle, temporary = tempfile.mkstemp(suffix=suffix, prefix=f"{kind}-")
    os.close(handle)

    def progress(done: int, total: int) -> None:
        # 99 at most until the file is stored.
        percent = min(99, done * 100 // total) if total else 99
        Report.objects.filter(pk=report_id).update(progress=percent)

    try:
        write(report, temporary, progress)
        with open(temporary, "rb") as workbook:
            stored = report.file.storage.save(report_path(report, filename(report)), File(workbook))
        Report.objects.filter(pk=report_id).update(
            status=Report.Status.DONE, progress=100, file=stored, error=""
        )
    except Exception as exc:
        logger.exception("%s report %s failed", kind, report_id)
        if stored:
            report.file.storage.delete(stored)
        values = {
            "status": Report.Status.FAILED,
            "progress": 0,
            "error": failure(str(exc) or type(exc).__name__),
        }
        if clear_file_on_failure:
            values["file"] = ""
        Report.objects.filter(pk=report_id).update(**values)
        return Report.Status.FAILED
    finally:
        Path(temporary).unlink(missing_ok=True)
    if previous_file and previous_file != stored:
        report.file.storage.delete(previous_file)
    return Report.Status.DONE
