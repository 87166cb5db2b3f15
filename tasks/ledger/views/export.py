"""The task list as an Excel workbook: the same FilterSet and parameters as the page, every matching row."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.downloads import XLSX_CONTENT_TYPE, download_headers
from tasks.ledger.rows import counted_task_rows
from tasks.ledger.views.task_list import filtered_tasks
from tasks.workbooks.task_list import build_task_list_workbook


@login_required
def task_export(request: HttpRequest) -> HttpResponse:
    """The filtered task list (same query string as the page) as 任务清单-YYYYMMDD.xlsx."""
    today = timezone.localdate()
    filterset = filtered_tasks(request, today)
    generated_at = timezone.localtime()
    title = _("Task list")
    # The count comes first (row 2 of the sheet); the rows then stream in chunks, so memory stays
    # flat for a 100,000-task scope.
    count, rows = counted_task_rows(filterset.qs, today=today)
    content = build_task_list_workbook(rows, title=title, generated_at=generated_at, count=count)
    stamp = f"{generated_at:%Y%m%d}"
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    return download_headers(response, f"{title}-{stamp}.xlsx", f"tasks-{stamp}.xlsx")
