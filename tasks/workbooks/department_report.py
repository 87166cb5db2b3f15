"""A department's monthly report workbook (工作进展报表): plain rows in, .xlsx bytes out, no database.

Sheet 1, the report: the title (department and period) on row 1, the due date on row 2, the header on
row 3 (frozen with the task id column), one task per row below, the department's lead and co-lead tasks
first. The columns up to "Progress now" describe the task as it stands; the columns after it, shaded,
are left empty for the department to fill in for the period, and are what `report_upload` reads back:

    Task ID | (Target IDs, hidden) | Document | 文号 | No. | Task text | Role | Time limit | Due date |
    Targets | Latest progress | Status now | Progress now | STATUS | PERCENT | PROGRESS | REMARKS |
    ACTUAL 1 | ACTUAL 2 | ...

"Actual n" is the actual value of the task's n-th target: the hidden "Target IDs" column holds the ids
of the task's targets in that order ("12,15"), and the targets text numbers them the same way
(①②…), so a value is matched to its target by id however the targets change after the build. The
workbook names its report (the `identifier` property, and the last line of the notes in case a
spreadsheet program drops the property on saving), so an upload of another report's file is refused.
Sheet 2 ("Notes", 说明) tells the department how to fill it in.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tasks.i18n import _
from tasks.numbers import plain_number
from tasks.workbooks.cells import Cells, safe_text
from tasks.workbooks.printing import RowHeights, append_row, set_up_printing

TITLE_ROW = 1
INFO_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = HEADER_ROW + 1
# The header rows and the task id stay in view while scrolling.
FREEZE_AT = f"B{FIRST_DATA_ROW}"

# 1-based column numbers: the upload reads the same positions back.
COL_TASK_ID = 1
COL_TARGET_IDS = 2
COL_STATUS_NOW = 12
COL_PERCENT_NOW = 13
COL_STATUS = 14
COL_PERCENT = 15
COL_NARRATIVE = 16
COL_REMARKS = 17
COL_FIRST_ACTUAL = 18
# Data validation ranges reach this far below the header, so rows typed in later are checked too.
VALIDATION_ROWS = 5000

DATE_FORMAT = "yyyy-mm-dd"
OVERDUE_FILL = "FFC7CE"
FILL_IN_FILL = "FFF2CC"
NOTES_WIDTH = 110
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

IDENTIFIER_PREFIX = "department-report:"
IDENTIFIER_RE = re.compile(rf"{IDENTIFIER_PREFIX}\d+")


def identifier_for(report_id: int) -> str:
    """The workbook's `identifier` property for a report: how an upload is matched to its report."""
    return f"{IDENTIFIER_PREFIX}{report_id}"


def workbook_identifier(workbook) -> str | None:
    """The report key of a loaded workbook: its `identifier` property, else the notes sheet's last line."""
    if (workbook.properties.identifier or "").startswith(IDENTIFIER_PREFIX):
        return workbook.properties.identifier
    if len(workbook.worksheets) < 2:
        return None
    for (value,) in workbook.worksheets[1].iter_rows(min_col=1, max_col=1, max_row=50, values_only=True):
        match = IDENTIFIER_RE.search(str(value or ""))
        if match:
            return match.group(0)
    return None


def target_mark(index: int) -> str:
    """① for the first target, ② for the second…; "(21)" past twenty."""
    return CIRCLED[index] if index < len(CIRCLED) else f"({index + 1})"


@dataclass(frozen=True)
class TargetCell:
    target_id: int
    # "病种数 ≥ 100 个" as the reader says it.
    text: str
    latest_actual: Decimal | None
    unit: str = ""


@dataclass(frozen=True)
class FilledCells:
    """What was recorded for the task through this report, written into the columns to fill."""

    status: str = ""
    percent: int | None = None
    narrative: str = ""
    # Actual value by target id.
    actuals: dict[int, Decimal] | None = None


@dataclass(frozen=True)
class DepartmentRow:
    """One task of the department, every text already in the reader's language."""

    task_id: int
    document_title: str
    doc_number: str
    label: str
    text: str
    role: str
    time_limit: str
    due_on: datetime.date | None
    targets: tuple[TargetCell, ...]
    latest_progress_on: datetime.date | None
    latest_narrative: str
    status: str
    progress: int
    overdue: bool
    # Verified as completed: nothing to report, so its columns to fill are not shaded.
    completed: bool = False
    # The values recorded for the report (a workbook downloaded after filling), and the office's
    # reason for returning the row (a comment on its status cell: not read back by the upload).
    filled: FilledCells | None = None
    returned_reason: str = ""


def targets_text(targets: Sequence[TargetCell]) -> str:
    """ "①病种数 ≥ 100 个；最新 87 个" — one line per target, numbered as the actual columns."""
    lines = []
    for index, target in enumerate(targets):
        if target.latest_actual is None:
            latest = _("no actual yet")
        else:
            latest = _("latest %(actual)s") % {"actual": f"{plain_number(target.latest_actual)}{target.unit}"}
        lines.append(f"{target_mark(index)}{target.text}；{latest}")
    return "\n".join(lines)


def fixed_columns() -> list[tuple[str, int]]:
    """(header, width) of the columns before the actual values, in the active language."""
    return [
        (_("Task ID"), 8),
        (_("Target IDs"), 8),
        (_("Document"), 24),
        (_("Document number"), 16),
        (_("No. as printed"), 8),
        (_("Task text"), 48),
        (_("Role of the department"), 10),
        (_("Time limit"), 16),
        (_("Due date"), 12),
        (_("Targets"), 30),
        (_("Latest progress"), 34),
        (_("Status now"), 10),
        (_("Progress now (%)"), 9),
        (_("Status this period"), 12),
        (_("Progress this period (%)"), 10),
        (_("Progress this period"), 40),
        (_("Remarks"), 20),
    ]


def actual_header(index: int) -> str:
    return _("Actual value of target %(mark)s") % {"mark": target_mark(index)}


def build_department_workbook(
    rows: Iterable[DepartmentRow],
    out: IO[bytes],
    *,
    department: str,
    period_label: str,
    due_on: datetime.date,
    status_labels: Sequence[str],
    target_slots: int,
    identifier: str,
    on_row: Callable[[int], None] | None = None,
    reason_author: str = "",
) -> int:
    """Write the report to `out`; the number of task rows.

    `target_slots` is the most targets any row has (one "Actual" column each, known before the first
    row, as write-only sheets need); `status_labels` are what the status column's drop-down offers;
    `on_row(n)` is called after each row (for the build's progress).
    """
    columns = fixed_columns() + [(actual_header(i), 12) for i in range(target_slots)]
    last_column = get_column_letter(len(columns))
    title = _("%(department)s %(period)s progress report") % {
        "department": department,
        "period": period_label,
    }
    workbook = Workbook(write_only=True)
    workbook.properties.title = safe_text(title)[0]
    workbook.properties.identifier = identifier
    sheet = workbook.create_sheet(_("Report"))
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    # The ids are for the upload, not the reader.
    sheet.column_dimensions[get_column_letter(COL_TARGET_IDS)].hidden = True
    sheet.freeze_panes = FREEZE_AT
    sheet.row_dimensions[TITLE_ROW].height = 28
    # The title, due date and header rows head every printed page.
    set_up_printing(sheet, title_rows=HEADER_ROW)
    # Rows are as tall as their wrapped text; the hidden ids do not count.
    heights = RowHeights(
        [None if index == COL_TARGET_IDS else width for index, (_h, width) in enumerate(columns, 1)]
    )
    cells = Cells(sheet)

    sheet.append(
        [
            cells.text(
                title,
                {
                    "font": Font(size=14, bold=True),
                    "alignment": Alignment(horizontal="center", vertical="center"),
                },
            )
        ]
    )
    sheet.merged_cells.add(f"A{TITLE_ROW}:{last_column}{TITLE_ROW}")
    info = _(
        "Due on %(due)s. Fill in the shaded columns (see the notes sheet); rows left empty are skipped."
    ) % {"due": f"{due_on:%Y-%m-%d}"}
    sheet.append([cells.text(info, {"alignment": Alignment(horizontal="left")})])
    sheet.merged_cells.add(f"A{INFO_ROW}:{last_column}{INFO_ROW}")

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_base = {
        "font": Font(bold=True),
        "border": border,
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
    }
    header_style = {**header_base, "fill": PatternFill("solid", fgColor="DDEBF7")}
    fill_header_style = {**header_base, "fill": PatternFill("solid", fgColor="FFD966")}
    header_row = [
        cells.value(header, fill_header_style if index >= COL_STATUS else header_style)
        for index, (header, _width) in enumerate(columns, start=1)
    ]
    append_row(sheet, header_row, heights.cells_height(header_row))

    def styles(fill: str | None) -> dict[str, dict]:
        extra = {"fill": PatternFill("solid", fgColor=fill)} if fill else {}
        wrapped = {"alignment": Alignment(vertical="top", wrap_text=True), "border": border, **extra}
        centred = {"alignment": Alignment(horizontal="center", vertical="top"), "border": border, **extra}
        return {
            "wrapped": wrapped,
            "centred": centred,
            "date": {**centred, "number_format": DATE_FORMAT},
            "number": {**centred, "number_format": "0"},
        }

    plain, overdue = styles(None), styles(OVERDUE_FILL)
    fill_in = styles(FILL_IN_FILL)
    written = 0
    for row in rows:
        style = overdue if row.overdue else plain
        to_fill = plain if row.completed else fill_in
        latest = ""
        if row.latest_progress_on is not None:
            latest = f"{row.latest_progress_on:%Y-%m-%d}"
            if row.latest_narrative:
                latest = f"{latest}：{row.latest_narrative}"
        cells_row = [
            cells.value(row.task_id, style["centred"]),
            cells.text(",".join(str(t.target_id) for t in row.targets), style["wrapped"]),
            cells.text(row.document_title, style["wrapped"]),
            cells.text(row.doc_number, style["wrapped"]),
            cells.text(row.label, style["wrapped"]),
            cells.text(row.text, style["wrapped"]),
            cells.text(row.role, style["centred"]),
            cells.text(row.time_limit, style["wrapped"]),
            cells.value(row.due_on, style["date"]),
            cells.text(targets_text(row.targets), style["wrapped"]),
            cells.text(latest, style["wrapped"]),
            cells.text(row.status, style["centred"]),
            cells.value(row.progress, style["number"]),
            *_fill_cells(cells, row, target_slots, to_fill, plain, reason_author),
        ]
        append_row(sheet, cells_row, heights.cells_height(cells_row))
        written += 1
        if on_row is not None:
            on_row(written)

    last_row = max(HEADER_ROW + written, HEADER_ROW + VALIDATION_ROWS)
    status_list = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(label.replace('"', "") for label in status_labels)),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Status"),
        error=_("Choose a status from the list."),
    )
    status_list.add(
        f"{get_column_letter(COL_STATUS)}{FIRST_DATA_ROW}:{get_column_letter(COL_STATUS)}{last_row}"
    )
    # "decimal", not "whole": a typed 72% is 0.72 in the cell. Whether it is whole is the upload's check.
    percent_range = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Progress"),
        error=_("Progress is a whole number from 0 to 100, such as 72 or 72%."),
    )
    percent_column = get_column_letter(COL_PERCENT)
    percent_range.add(f"{percent_column}{FIRST_DATA_ROW}:{percent_column}{last_row}")
    sheet.data_validations.append(status_list)
    sheet.data_validations.append(percent_range)

    _write_notes(workbook, status_labels, target_slots, identifier)
    workbook.save(out)
    return written


def _fill_cells(cells: Cells, row: DepartmentRow, target_slots: int, to_fill, plain, author: str) -> list:
    """The columns to fill: empty, or what was recorded (`row.filled`); the return's reason as a
    comment on the status cell."""
    filled = row.filled or FilledCells()
    actuals = filled.actuals or {}
    status = (
        cells.text(filled.status, to_fill["centred"])
        if filled.status
        else cells.value(None, to_fill["centred"])
    )
    if row.returned_reason:
        status.comment = Comment(safe_text(row.returned_reason)[0], author or "-", width=300, height=120)
    values = [
        status,
        # General, like the actual cells: a typed 72% then gets a percent format, read as 72.
        cells.value(filled.percent, to_fill["centred"]),
        cells.text(filled.narrative, to_fill["wrapped"])
        if filled.narrative
        else cells.value(None, to_fill["wrapped"]),
        cells.value(None, to_fill["wrapped"]),
    ]
    # Only the slots this task has targets for are shaded.
    for slot in range(target_slots):
        if slot < len(row.targets):
            actual = actuals.get(row.targets[slot].target_id)
            values.append(cells.value(actual, to_fill["centred"]))
        else:
            values.append(cells.value(None, plain["centred"]))
    return values


def _write_notes(
    workbook: Workbook, status_labels: Sequence[str], target_slots: int, identifier: str
) -> None:
    """The second sheet: how to fill in the report, one paragraph a row."""
    sheet = workbook.create_sheet(_("Notes"))
    sheet.column_dimensions["A"].width = NOTES_WIDTH
    set_up_printing(sheet, title_rows=None)
    heights = RowHeights([NOTES_WIDTH])
    cells = Cells(sheet)
    wrapped = {"alignment": Alignment(vertical="top", wrap_text=True)}
    lines = [
        _("How to fill in this report"),
        _(
            "Fill in only the shaded columns of the report sheet, one row per task. Do not change the "
            "task ID, move rows between files or add columns: the upload matches each row to its task by "
            "the task ID."
        ),
        _("Status this period: one of %(labels)s (choose from the drop-down list).")
        % {"labels": "、".join(status_labels)},
        _("Progress this period (%): a whole number from 0 to 100, such as 72 or 72%."),
        _("Progress this period: what was done this period, in words. Remarks are added to it."),
        _(
            "Actual value of target ①, ②…: the value reached for the task's target with that mark in the "
            "Targets column, as a plain number in the target's unit (87, 12.5); for a target in %, 72 and "
            "72% both mean 72%. Leave it empty when there is nothing new to report."
        ),
        _(
            "A row that is filled in needs a status and a progress percentage. Rows left completely "
            "empty are skipped. If any row has a mistake, nothing is recorded: the page lists every "
            "mistake by row and column, and the corrected file can be uploaded again."
        ),
        _(
            "Completion of a task is requested on the task's page and confirmed by the reform office; the "
            "row of a task already verified as completed is left empty."
        ),
    ]
    if not target_slots:
        lines.pop(5)
    lines.append(_("Report key (keep it; the upload checks it): %(key)s") % {"key": identifier})
    bold = {"font": Font(bold=True, size=12)}
    for index, line in enumerate(lines):
        append_row(sheet, [cells.text(line, bold if index == 0 else wrapped)], heights.height([line]))
