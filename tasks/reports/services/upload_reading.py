"""Reading an uploaded department report workbook into entries (tasks/reports/services/entries.py).

The upload is checked by content (`tasks.uploads.check_evidence`: a real .xlsx, no macros, no zip
bomb), read with openpyxl in read-only mode, and must be this report's workbook (its key, see
`tasks.workbooks.department_report.workbook_identifier`). The columns are those of tasks/workbooks/department_report.py;
errors name the sheet's row number and the column's letter and header.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tasks.models import Report, Target, TaskStatus
from tasks.numbers import parse_digits
from tasks.reports.services.department import department_tasks
from tasks.reports.services.entries import (
    Actual,
    FillError,
    FillErrors,
    ReportEntry,
    check_entry,
    is_blank,
    shown_text,
    status_choices,
)
from tasks.uploads import CONTENT_TYPES, XLSX, check_evidence
from tasks.workbooks import department_report as layout

__all__ = ["MAX_ROWS", "parse_upload"]

MAX_ROWS = 20000


# The evidence check's refusals that mean "not the kind of file this slot takes".
WRONG_KIND = {"unsupported", "not_ooxml", "markup"}


def parse_upload(report: Report, upload) -> list[ReportEntry]:
    """The entries of an uploaded workbook of this report; FillErrors listing every problem."""
    not_the_workbook = _("Upload the report as the .xlsx workbook it was downloaded as.")
    try:
        checked = check_evidence(upload)
    except ValidationError as error:
        # The evidence check names what evidence may be (PDF, Word…); this slot takes the workbook only.
        messages = [
            not_the_workbook if item.code in WRONG_KIND else str(item.message % (item.params or {}))
            for item in error.error_list
        ]
        raise FillErrors([FillError(None, "", message) for message in dict.fromkeys(messages)]) from None
    if checked.content_type != CONTENT_TYPES[XLSX]:
        raise FillErrors([FillError(None, "", not_the_workbook)])
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
    names = [shown_text(value) for value in header]

    def column_name(number: int) -> str:
        name = names[number - 1] if number - 1 < len(names) and names[number - 1] else ""
        letter = get_column_letter(number)
        return f"{letter}（{name}）" if name else letter

    headers = {"status": column_name(layout.COL_STATUS), "percent": column_name(layout.COL_PERCENT)}
    report_tasks = dict(department_tasks(report.department_id).values_list("pk", "status"))
    targets: dict[int, dict[int, str]] = {task_id: {} for task_id in report_tasks}
    for task_id, pk, unit in Target.objects.filter(task_id__in=report_tasks).values_list(
        "task_id", "pk", "unit"
    ):
        targets[task_id][pk] = unit
    statuses = status_choices()
    errors: list[FillError] = []
    entries: list[ReportEntry] = []
    seen: dict[int, int] = {}
    for number, cells in enumerate(
        sheet.iter_rows(min_row=layout.FIRST_DATA_ROW), start=layout.FIRST_DATA_ROW
    ):
        # Cells, not values: a number typed as 72% is 0.72 in a percent-formatted cell.
        cells = list(cells) + [None] * max(0, layout.COL_FIRST_ACTUAL - 1 - len(cells))
        values = [getattr(cell, "value", None) for cell in cells]
        fill = values[layout.COL_STATUS - 1 :]
        if all(is_blank(value) for value in fill):
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
                    _("“%(value)s” is not a task ID of this report.") % {"value": shown_text(raw_id)},
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
        actuals = [
            Actual(
                column_name(layout.COL_FIRST_ACTUAL + slot),
                slot_ids[slot] if slot < len(slot_ids) else None,
                cell.value,
                _number_format(cell),
            )
            for slot, cell in enumerate(cells[layout.COL_FIRST_ACTUAL - 1 :])
            if cell is not None
        ]
        entry = check_entry(
            row=number,
            headers=headers,
            status=values[layout.COL_STATUS - 1],
            percent=values[layout.COL_PERCENT - 1],
            percent_format=_number_format(cells[layout.COL_PERCENT - 1]),
            narrative=values[layout.COL_NARRATIVE - 1],
            remarks=values[layout.COL_REMARKS - 1],
            actuals=actuals,
            task_id=task_id,
            target_units=targets[task_id],
            statuses=statuses,
            errors=errors,
            completed=report_tasks[task_id] == TaskStatus.COMPLETED,
        )
        if entry is not None:
            entries.append(entry)
    if errors:
        raise FillErrors(errors)
    return entries


def _number_format(cell) -> str | None:
    """A cell's number format; None for a cell the sheet does not have or an empty one (no style)."""
    if cell is None or cell.value is None:
        return None
    return getattr(cell, "number_format", None)


def _percent_free_int(value) -> int | None:
    """A whole number from a cell, or None. Digits are ASCII ones (parse_digits): "²" and "①" are
    digits to str.isdigit, but int() refuses them, and int() refuses 5000 digits."""
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
    for part in shown_text(value).split(","):
        part = part.strip()
        if part:
            ids.append(parse_digits(part))
    return ids
