"""Running a build of a Report row: claim it, write the workbook with progress, store it or fail.

Shared by the department reports (department.build_report), the office ledger (ledger.build_ledger)
and the 通报 (bulletin.build_bulletin): only what they write and how a failure reads differ.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.core.files import File

from tasks.models import Report
from tasks.models.reports import report_path

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


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
