"""The ledger's pages; each module holds one screen's views."""

from tasks.views.documents import document_detail
from tasks.views.home import home
from tasks.views.imports import import_review, import_upload

__all__ = ["document_detail", "home", "import_review", "import_upload"]
