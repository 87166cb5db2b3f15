"""A report's file (a workbook, or the 通报's .docx) as an attachment, for the page and the API: the stored (blank) file of the build,
or a department report regenerated with what was recorded for it (services/filled.py)."""

from __future__ import annotations

from pathlib import PurePath

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from tasks.downloads import download_headers, report_content_type
from tasks.models import Report
from tasks.reports.services.filled import filled_workbook

__all__ = ["workbook_response"]


def workbook_response(report: Report, *, blank: bool) -> FileResponse:
    """The stored (blank) workbook, or a department report's regenerated with its recorded values."""
    owner = report.department.name if report.department_id else report.region.name
    suffix = PurePath(report.file.name).suffix
    if blank or report.kind != Report.Kind.DEPARTMENT:
        try:
            handle = report.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        blank_mark = "-" + _("blank") if blank and report.kind == Report.Kind.DEPARTMENT else ""
        name = f"{owner}-{report.period}{blank_mark}{suffix}"
    else:
        handle = filled_workbook(report)
        name = f"{owner}-{report.period}{suffix}"
    response = FileResponse(handle, content_type=report_content_type(report.file.name))
    return download_headers(response, name, f"report-{report.pk}-{report.period}{suffix}")
