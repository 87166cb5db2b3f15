"""The ledger's pages; each module holds one screen's views."""

from tasks.views.dashboard import dashboard
from tasks.views.documents import document_detail
from tasks.views.evidence import evidence_download
from tasks.views.export import task_export
from tasks.views.home import home
from tasks.views.imports import import_review, import_upload
from tasks.views.tasks import my_tasks, task_detail, task_list

__all__ = [
    "dashboard",
    "document_detail",
    "evidence_download",
    "home",
    "import_review",
    "import_upload",
    "my_tasks",
    "task_detail",
    "task_export",
    "task_list",
]
