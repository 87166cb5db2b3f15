"""Filling in a department report: online (a form per task) or by uploading the filled workbook.

Both come down to entries (task, status, percent, narrative, actual per target) that are checked
all together first; only when there is no error are they applied, all through
`record_progress_batch` (what `record_progress` does, linked to the report, in a few queries per
chunk of rows) in one transaction, so one bad row records nothing.
Errors are (row, column, message): the sheet's row number and column header for an upload, the
task's label and the field for the online form.

The upload is checked by content (`tasks.evidence.check_evidence`: a real .xlsx, no macros, no zip
bomb), read with openpyxl in read-only mode, and must be this report's workbook (its key, see
`tasks.reports.department.workbook_identifier`). The columns are those of tasks/reports/department.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tasks.evidence import CONTENT_TYPES, XLSX, check_evidence
from tasks.models import Report, Target, Task, TaskStatus
from tasks.numbers import parse_digits
from tasks.reports import department as layout
from tasks.services.department_reports import department_tasks, reports_visible_to
from tasks.services.editing import MAX_DIGITS_VALUE
from tasks.services.permissions import NotPermitted
from tasks.services.progress import REPORTABLE_STATUSES
from tasks.services.progress_batch import BatchErrors, ProgressItem, record_progress_batch

__all__ = [
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
MAX_ROWS = 20000


@dataclass(frozen=True)
class FillError:
    row: int | str | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class FillErrors(ValidationError):
    """Every problem of a filled report; nothing was recorded."""

    def __init__(self, errors: Sequence[FillError]) -> None:
        self.errors_list = list(errors)
        super().__init__([str(error) for error in self.errors_list], code="report_rows")


@dataclass
class ReportEntry:
    task_id: int
    row: int | str
    status: str
    percent: int
    narrative: str
    readings: dict[int, Decimal] = field(default_factory=dict)


def require_filler(user, report: Report) -> None:
    """A liaison of the report's department, or office staff in scope; on a report that can be filled."""
    if not reports_visible_to(user).filter(pk=report.pk, kind=Report.Kind.DEPARTMENT).exists():
        raise Report.DoesNotExist(_("No such report."))
    if not (
        user.is_superuser
        or user.is_office
        or (user.is_liaison and user.department_id == report.department_id)
    ):
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


def status_choices() -> dict[str, str]:
    """Every way a status may be written (its value, its label in each language) -> its value."""
    choices: dict[str, str] = {}
    for value in REPORTABLE_STATUSES:
        choices[value] = value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                choices[str(TaskStatus(value).label).strip()] = value
    return choices


# Checking -------------------------------------------------------------------------------------


def _percent(value) -> int | None:
    """A whole number 0–100 from a cell or a form field; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = parse_digits(value.strip())
    if not isinstance(value, int) or not 0 <= value <= 100:
        return None
    return value


def _number(value) -> Decimal | None:
    """A finite number from a cell or a form field; None if it is not one."""
    if isinstance(value, (bool, datetime.date, datetime.time, datetime.timedelta)):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= MAX_DIGITS_VALUE:
        return None
    return number.quantize(Decimal("0.0001"))


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check_entry(
    *,
    row: int | str,
    headers: Mapping[str, str],
    status,
    percent,
    narrative,
    remarks,
    actuals: Sequence[tuple[str, int | None, object]],
    task_id: int,
    target_ids: set[int],
    statuses: Mapping[str, str],
    errors: list[FillError],
    completed: bool = False,
) -> ReportEntry | None:
    """One row or form; None when it is left empty. Problems are appended to `errors`.

    `actuals` are (column, target id or None when the slot has no target, value)."""
    if all(_blank(v) for v in (status, percent, narrative, remarks, *(value for _c, _t, value in actuals))):
        return None
    if completed:
        # record_progress would refuse it too, but only after the other rows had been written.
        errors.append(
            FillError(
                row, headers["status"], _("This task has been verified as completed; leave its row empty.")
            )
        )
        return None
    before = len(errors)
    clean_status = statuses.get(_text(status))
    if _blank(status):
        errors.append(FillError(row, headers["status"], _("Choose a status.")))
    elif clean_status is None:
        errors.append(
            FillError(
                row,
                headers["status"],
                _("“%(value)s” is not a status a report can set; use one of %(labels)s.")
                % {
                    "value": _text(status),
                    "labels": "、".join(str(TaskStatus(v).label) for v in REPORTABLE_STATUSES),
                },
            )
        )
    clean_percent = _percent(percent)
    if clean_percent is None:
        errors.append(
            FillError(
                row,
                headers["percent"],
                _("Give the progress as a whole number from 0 to 100.")
                if _blank(percent)
                else _("“%(value)s” is not a whole number from 0 to 100.") % {"value": _text(percent)},
            )
        )
    readings: dict[int, Decimal] = {}
    for column, target_id, value in actuals:
        if _blank(value):
            continue
        if target_id is None or target_id not in target_ids:
            errors.append(FillError(row, column, _("This task has no such target; leave the cell empty.")))
            continue
        if isinstance(value, (datetime.date, datetime.time)):
            errors.append(
                FillError(row, column, _("A date is not an actual value; enter a plain number (e.g. 87)."))
            )
            continue
        number = _number(value)
        if number is None:
            errors.append(FillError(row, column, _("“%(value)s” is not a number.") % {"value": _text(value)}))
            continue
        readings[target_id] = number
    if len(errors) > before:
        return None
    text = _text(narrative)
    if not _blank(remarks):
        note = _("Remarks: %(remarks)s") % {"remarks": _text(remarks)}
        text = f"{text}\n{note}" if text else note
    return ReportEntry(
        task_id=task_id,
        row=row,
        status=clean_status,
        percent=clean_percent,
        narrative=text,
        readings=readings,
    )


# Applying -------------------------------------------------------------------------------------


def apply_entries(report: Report, user, entries: Sequence[ReportEntry]) -> int:
    """Record every entry, as record_progress would one by one, in one transaction, or nothing; how many.

    The entries go through `record_progress_batch` (a constant number of queries per chunk of rows).
    A refusal (a task completed meanwhile) is reported at its row, and nothing is recorded.
    """
    tasks = Task.objects.in_bulk([entry.task_id for entry in entries])
    try:
        record_progress_batch(
            user,
            [
                ProgressItem(
                    tasks[entry.task_id], entry.status, entry.percent, entry.narrative, entry.readings
                )
                for entry in entries
            ],
            report=report,
        )
    except BatchErrors as refused:
        raise FillErrors(
            [
                FillError(entries[index].row, _("Task"), str(message))
                for index, messages in refused.item_errors
                for message in messages
            ]
        ) from None
    return len(entries)


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
            (
                _("Actual value of “%(target)s”") % {"target": text},
                target_id,
                fields.get(f"actual-{target_id}"),
            )
            for target_id, text in targets.get(task_id, ())
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
            target_ids={target_id for target_id, _text in targets.get(task_id, ())},
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


def _targets_of(report: Report) -> dict[int, list[tuple[int, str]]]:
    targets: dict[int, list[tuple[int, str]]] = {}
    for task_id, pk, text in (
        Target.objects.filter(task__in=department_tasks(report.department_id))
        .order_by("task_id", "pk")
        .values_list("task_id", "pk", "text")
    ):
        targets.setdefault(task_id, []).append((pk, text))
    return targets


# Upload ---------------------------------------------------------------------------------------


def parse_upload(report: Report, upload) -> list[ReportEntry]:
    """The entries of an uploaded workbook of this report; FillErrors listing every problem."""
    try:
        checked = check_evidence(upload)
    except ValidationError as error:
        raise FillErrors([FillError(None, "", str(message)) for message in error.messages]) from None
    if checked.content_type != CONTENT_TYPES[XLSX]:
        raise FillErrors(
            [FillError(None, "", _("Upload the report as the .xlsx workbook it was downloaded as."))]
        )
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise FillErrors(
            [FillError(None, "", _("The file could not be read as an Excel workbook."))]
        ) from None
    try:
        if layout.workbook_identifier(workbook) != layout.identifier_for(report.pk):
            raise FillErrors(
                [
                    FillError(
                        None,
                        "",
                        _(
                            "This is not this report's workbook (it belongs to another department or period, "
                            "or was not downloaded from this page). Download this report and fill that in."
                        ),
                    )
                ]
            )
        return _entries_of_sheet(report, workbook.worksheets[0])
    finally:
        workbook.close()


def _entries_of_sheet(report: Report, sheet) -> list[ReportEntry]:
    header = next(sheet.iter_rows(min_row=layout.HEADER_ROW, max_row=layout.HEADER_ROW, values_only=True), ())
    names = [_text(value) for value in header]

    def column_name(number: int) -> str:
        name = names[number - 1] if number - 1 < len(names) and names[number - 1] else ""
        letter = get_column_letter(number)
        return f"{letter}（{name}）" if name else letter

    headers = {"status": column_name(layout.COL_STATUS), "percent": column_name(layout.COL_PERCENT)}
    report_tasks = dict(department_tasks(report.department_id).values_list("pk", "status"))
    targets = {task_id: set() for task_id in report_tasks}
    for task_id, pk in Target.objects.filter(task_id__in=report_tasks).values_list("task_id", "pk"):
        targets[task_id].add(pk)
    statuses = status_choices()
    errors: list[FillError] = []
    entries: list[ReportEntry] = []
    seen: dict[int, int] = {}
    for number, values in enumerate(
        sheet.iter_rows(min_row=layout.FIRST_DATA_ROW, values_only=True), start=layout.FIRST_DATA_ROW
    ):
        values = list(values) + [None] * max(0, layout.COL_FIRST_ACTUAL - 1 - len(values))
        fill = values[layout.COL_STATUS - 1 :]
        if all(_blank(value) for value in fill):
            continue
        if len(seen) >= MAX_ROWS:
            errors.append(FillError(number, "", _("The workbook has more rows than a report can.")))
            break
        raw_id = values[layout.COL_TASK_ID - 1]
        task_column = column_name(layout.COL_TASK_ID)
        task_id = _percent_free_int(raw_id)
        if task_id is None:
            errors.append(
                FillError(
                    number,
                    task_column,
                    _("“%(value)s” is not a task ID of this report.") % {"value": _text(raw_id)},
                )
            )
            continue
        if task_id not in report_tasks:
            errors.append(
                FillError(
                    number,
                    task_column,
                    _("Task %(id)s is not a task of this department's report.") % {"id": task_id},
                )
            )
            continue
        if task_id in seen:
            errors.append(
                FillError(
                    number,
                    task_column,
                    _("Task %(id)s is filled in twice (also row %(row)s).")
                    % {"id": task_id, "row": seen[task_id]},
                )
            )
            continue
        seen[task_id] = number
        slot_ids = _target_ids(values[layout.COL_TARGET_IDS - 1])
        actual_values = values[layout.COL_FIRST_ACTUAL - 1 :]
        actuals = [
            (
                column_name(layout.COL_FIRST_ACTUAL + slot),
                slot_ids[slot] if slot < len(slot_ids) else None,
                value,
            )
            for slot, value in enumerate(actual_values)
        ]
        entry = check_entry(
            row=number,
            headers=headers,
            status=values[layout.COL_STATUS - 1],
            percent=values[layout.COL_PERCENT - 1],
            narrative=values[layout.COL_NARRATIVE - 1],
            remarks=values[layout.COL_REMARKS - 1],
            actuals=actuals,
            task_id=task_id,
            target_ids=targets[task_id],
            statuses=statuses,
            errors=errors,
            completed=report_tasks[task_id] == TaskStatus.COMPLETED,
        )
        if entry is not None:
            entries.append(entry)
    if errors:
        raise FillErrors(errors)
    return entries


def _percent_free_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    return parse_digits(value.strip()) if isinstance(value, str) else None


def _target_ids(value) -> list[int | None]:
    """The hidden column's "12,15" -> [12, 15]; an unreadable part stands for no target."""
    ids: list[int | None] = []
    for part in _text(value).split(","):
        part = part.strip()
        if part:
            ids.append(parse_digits(part))
    return ids


def upload_report(report: Report, user, upload) -> int:
    """Check the uploaded workbook whole, then record its filled rows in one transaction; how many."""
    require_filler(user, report)
    entries = parse_upload(report, upload)
    if not entries:
        raise FillErrors(
            [FillError(None, "", _("No row of the workbook is filled in; nothing was recorded."))]
        )
    return apply_entries(report, user, entries)
