"""Workflows on the ledger. Views, API, commands and jobs call these; none holds logic of its own."""

from tasks.services.editing import EDITABLE_TASK_FIELDS, VersionConflict, update_task
from tasks.services.importing import (
    DocumentImportError,
    ImportResult,
    build_draft,
    find_existing_document,
    import_document,
    parse_upload,
)

__all__ = [
    "EDITABLE_TASK_FIELDS",
    "DocumentImportError",
    "ImportResult",
    "VersionConflict",
    "build_draft",
    "find_existing_document",
    "import_document",
    "parse_upload",
    "update_task",
]
