"""Workflows on the ledger. Views, API, commands and jobs call these; none holds logic of its own."""

from tasks.services.dashboard import DashboardSummary, dashboard_summary
from tasks.services.editing import (
    EDITABLE_TASK_FIELDS,
    VersionConflict,
    edit_task,
    replace_assignments,
    replace_deadlines,
    replace_targets,
    update_task,
)
from tasks.services.extensions import decide_extension, request_extension
from tasks.services.importing import (
    DocumentImportError,
    ImportResult,
    build_draft,
    find_existing_document,
    import_document,
    parse_upload,
)
from tasks.services.progress import record_progress, request_completion, return_task, verify_completion
from tasks.services.reminders import ManualReminders, send_manual_reminder
from tasks.services.review import (
    apply_review,
    confirm_import,
    discard_import,
    draft_revision,
    importable_regions,
    imports_of,
    start_import,
    update_draft,
)

__all__ = [
    "DashboardSummary",
    "DocumentImportError",
    "EDITABLE_TASK_FIELDS",
    "ImportResult",
    "ManualReminders",
    "VersionConflict",
    "apply_review",
    "build_draft",
    "confirm_import",
    "dashboard_summary",
    "decide_extension",
    "discard_import",
    "draft_revision",
    "edit_task",
    "find_existing_document",
    "import_document",
    "importable_regions",
    "imports_of",
    "parse_upload",
    "record_progress",
    "replace_assignments",
    "replace_deadlines",
    "replace_targets",
    "request_completion",
    "request_extension",
    "return_task",
    "send_manual_reminder",
    "start_import",
    "update_draft",
    "update_task",
    "verify_completion",
]
