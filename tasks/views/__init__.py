"""The ledger's pages; each module holds one screen's views."""

from tasks.views.actions import (
    task_completion,
    task_decide_extension,
    task_extension,
    task_progress,
    task_remind,
    task_return,
    task_verify,
)
from tasks.views.dashboard import dashboard
from tasks.views.documents import document_detail
from tasks.views.edit import task_edit
from tasks.views.evidence import evidence_download
from tasks.views.export import task_export
from tasks.views.home import home
from tasks.views.imports import import_review, import_upload
from tasks.views.notifications import notifications, notifications_read, notifications_unread
from tasks.views.reports import (
    late_reports,
    ledger_build,
    report_approve,
    report_build,
    report_detail,
    report_download,
    report_fill,
    report_list,
    report_progress,
    report_return,
    report_submit,
    report_upload,
)
from tasks.views.tasks import my_tasks, task_detail, task_list

__all__ = [
    "dashboard",
    "document_detail",
    "evidence_download",
    "home",
    "import_review",
    "import_upload",
    "late_reports",
    "ledger_build",
    "my_tasks",
    "notifications",
    "notifications_read",
    "notifications_unread",
    "report_approve",
    "report_build",
    "report_detail",
    "report_download",
    "report_fill",
    "report_list",
    "report_progress",
    "report_return",
    "report_submit",
    "report_upload",
    "task_completion",
    "task_decide_extension",
    "task_detail",
    "task_edit",
    "task_export",
    "task_extension",
    "task_list",
    "task_progress",
    "task_remind",
    "task_return",
    "task_verify",
]
