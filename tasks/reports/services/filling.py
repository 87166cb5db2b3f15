"""Filling in a department report: online (a form per task) or by uploading the filled workbook.

Both come down to entries (task, status, percent, narrative, actual per target; checked by
tasks/reports/services/entries.py, the workbook read by tasks/reports/services/upload_reading.py) that
are checked all together first; only when there is no error are they applied, all through
`record_progress_batch` (what `record_progress` does, linked to the report, in a few queries per
chunk of rows) in one transaction, so one bad row records nothing.
Errors are (row, column, message): the sheet's row number and column header for an upload, the
task's label and the field for the online form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tasks.access import NotPermitted, may_fill_report
from tasks.ledger.services.progress_batch import BatchErrors, ProgressItem, record_progress_batch
from tasks.models import Report, Target, Task, TaskStatus
from tasks.reports.services.department import department_tasks, reports_visible_to
from tasks.reports.services.entries import (
    Actual,
    FillError,
    FillErrors,
    ReportEntry,
    check_entry,
    status_choices,
)
from tasks.reports.services.upload_reading import MAX_ROWS, parse_upload

__all__ = [
    "MAX_ROWS",
    "FillError",
    "FillErrors",
    "ReportEntry",
    "apply_entries",
    "fill_online",
    "parse_upload",
    "require_filler",
    "upload_report",
]

# Reports whose progress may be filled in: built, or returned for correction.
FILLABLE_STATUSES = (Report.Status.DONE, Report.Status.RETURNED)


def require_filler(user, report: Report) -> None:
    """A liaison of the report's department, or office staff in scope; on a report that can be filled."""
    if not reports_visible_to(user).filter(pk=report.pk, kind=Report.Kind.DEPARTMENT).exists():
        raise Report.DoesNotExist(_("No such report."))
    if not may_fill_report(user, report):
        raise NotPermitted(
            _("Only a liaison of the department or reform office staff may fill in its report.")
        )
    current = Report.objects.get(pk=report.pk)
    if current.status not in FILLABLE_STATUSES:
        raise ValidationError(
            _(
                "A report can be filled in once it is built and until it is submitted; this one is “%(status)s”."
            )
            % {"status": current.get_status_display()},
            code="status",
        )


# Applying -------------------------------------------------------------------------------------


def apply_entries(report: Report, user, entries: Sequence[ReportEntry]) -> int:
    """Record every entry, as record_progress would one by one, in one transaction, or nothing; how many.

    The entries go through `record_progress_batch` (a constant number of queries per chunk of rows).
    A refusal (a task completed meanwhile) is reported at its row, and nothing is recorded.
    """
    tasks = Task.objects.in_bulk([entry.task_id for entry in entries])
    try:
        if report.draft:
            # The draft has served: cleared in the recording's transaction.
            with transaction.atomic():
                _record(report, user, tasks, entries)
                clear_draft(report)
        else:
            _record(report, user, tasks, entries)
    except BatchErrors as refused:
        raise FillErrors(
            [
                FillError(entries[index].row, _("Task"), str(message))
                for index, messages in refused.item_errors
                for message in messages
            ]
        ) from None
    return len(entries)


def _record(report: Report, user, tasks, entries: Sequence[ReportEntry]) -> None:
    record_progress_batch(
        user,
        [
            ProgressItem(tasks[entry.task_id], entry.status, entry.percent, entry.narrative, entry.readings)
            for entry in entries
        ],
        report=report,
    )


def clear_draft(report: Report) -> None:
    """Recorded: the form's draft has served (one UPDATE, in the recording's transaction, when the
    report as loaded for the request has one; no query otherwise)."""
    if report.draft:
        Report.objects.filter(pk=report.pk).update(draft={}, draft_saved_by=None, draft_saved_at=None)
        report.draft, report.draft_saved_by, report.draft_saved_at = {}, None, None


# Online ---------------------------------------------------------------------------------------


def fill_online(report: Report, user, data: Mapping[str, Sequence[tuple[str, object]]] | Mapping) -> int:
    """The online form: `data[task_id]` holds status, percent, narrative and `actual-<target id>`
    values of a task (strings as posted). Every task is checked, then all are recorded; how many."""
    require_filler(user, report)
    targets = _targets_of(report)
    statuses = status_choices()
    headers = {"status": _("Status"), "percent": _("Progress (%)")}
    errors: list[FillError] = []
    entries = []
    for task_id, label, task_status in _task_labels(report):
        fields = data.get(task_id) or {}
        actuals = [
            Actual(
                _("Actual value of “%(target)s”") % {"target": text},
                target_id,
                fields.get(f"actual-{target_id}"),
            )
            for target_id, text, _unit in targets.get(task_id, ())
        ]
        entry = check_entry(
            row=label,
            headers=headers,
            status=fields.get("status"),
            percent=fields.get("percent"),
            narrative=fields.get("narrative"),
            remarks=None,
            actuals=actuals,
            task_id=task_id,
            target_units={target_id: unit for target_id, _text, unit in targets.get(task_id, ())},
            statuses=statuses,
            errors=errors,
            completed=task_status == TaskStatus.COMPLETED,
        )
        if entry is not None:
            entries.append(entry)
    if errors:
        raise FillErrors(errors)
    if not entries:
        raise ValidationError(_("Fill in at least one task."), code="empty")
    return apply_entries(report, user, entries)


def _task_labels(report: Report) -> list[tuple[int, str, str]]:
    """(task id, "1.（id）", status) of the report's tasks, in id order."""
    return [
        (pk, f"{label or position}（{pk}）", status)
        for pk, label, position, status in department_tasks(report.department_id)
        .order_by("pk")
        .values_list("pk", "label", "position", "status")
    ]


def _targets_of(report: Report) -> dict[int, list[tuple[int, str, str]]]:
    """Task id -> (target id, text, unit) of each of its targets."""
    targets: dict[int, list[tuple[int, str, str]]] = {}
    for task_id, pk, text, unit in (
        Target.objects.filter(task__in=department_tasks(report.department_id))
        .order_by("task_id", "pk")
        .values_list("task_id", "pk", "text", "unit")
    ):
        targets.setdefault(task_id, []).append((pk, text, unit))
    return targets


def upload_report(report: Report, user, upload) -> int:
    """Check the uploaded workbook whole, then record its filled rows in one transaction; how many."""
    require_filler(user, report)
    entries = parse_upload(report, upload)
    if not entries:
        raise FillErrors(
            [FillError(None, "", _("No row of the workbook is filled in; nothing was recorded."))]
        )
    return apply_entries(report, user, entries)
