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
from tasks.services.review import (
    apply_review,
    can_import,
    confirm_import,
    discard_import,
    draft_revision,
    importable_regions,
    imports_of,
    start_import,
    update_draft,
)

__all__ = [
    "EDITABLE_TASK_FIELDS",
    "DocumentImportError",
    "ImportResult",
    "VersionConflict",
    "apply_review",
    "build_draft",
    "can_import",
    "confirm_import",
    "discard_import",
    "draft_revision",
    "find_existing_document",
    "import_document",
    "importable_regions",
    "imports_of",
    "parse_upload",
    "start_import",
    "update_draft",
    "update_task",
]
