"""The task-list workbook (任务台账): plain rows in, .xlsx bytes out, no database.

Layout: the title on row 1, when it was generated and how many tasks on row 2, the header on
row 3 (frozen, with an autofilter), one task per row below. Dates are real dates and progress is
a real percentage, so offices can sort and sum in Excel; text that a spreadsheet would read as a
formula (=, +, -, @, tab, CR) is stored as text (CWE-1236): task texts come from uploaded files.
Headers are translated like the rest of the interface (gettext, English msgids). It prints on A4
landscape, one page wide, rows 1–3 on every page, each row as tall as its wrapped text (printing.py).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tasks.i18n import _, ngettext
from tasks.workbooks.cells import DATE, NUMBER, TEXT, Cells, StyledRows, safe_text
from tasks.workbooks.printing import RowHeights, append_row, set_up_printing

TITLE_ROW = 1
INFO_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = HEADER_ROW + 1
# Everything above the first task stays in view while scrolling.
FREEZE_AT = f"A{FIRST_DATA_ROW}"

DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0%"
# Zero-based index of the traffic-light column (filled in the light's colour).
LIGHT_COLUMN = 12
# Excel's own "good / neutral / bad" fills, which offices recognise.
LIGHT_FILLS = {
    "red": "FFC7CE",
    "yellow": "FFEB9C",
    "green": "C6EFCE",
    "grey": "D9D9D9",
}


class TaskRow(NamedTuple):
    """One task as the workbook shows it; every text already in the reader's language.

    A NamedTuple rather than a dataclass: an export makes one per task, and tuples are cheap.
    """

    document_title: str
    doc_number: str
    label: str
    section: str
    text: str
    lead_departments: tuple[str, ...]
    cooperating_departments: tuple[str, ...]
    # The time limits as the document words them ("2026年6月底前；长期坚持").
    time_limit: str
    due_on: datetime.date | None
    status: str
    # 0–100.
    progress: int
    # A LightColour value (red / yellow / green / grey) and its words ("红：已逾期 3 天").
    light: str
    light_text: str
    latest_progress: str


def _columns() -> list[tuple[str, int]]:
    """(header, width in characters) of each column, in the active language."""
    return [
        (_("No."), 6),
        (_("Document"), 28),
        (_("Document number"), 18),
        (_("No. as printed"), 9),
        (_("Area"), 18),
        (_("Task text"), 50),
        (_("Lead departments"), 20),
        (_("Cooperating departments"), 20),
        (_("Time limit"), 18),
        (_("Due date"), 12),
        (_("Status"), 10),
        (_("Progress"), 8),
        (_("Traffic light"), 18),
        (_("Latest progress"), 40),
    ]


def build_task_list_workbook(
    rows: Iterable[TaskRow],
    *,
    title: str,
    generated_at: datetime.datetime,
    count: int | None = None,
) -> bytes:
    """The task list as an .xlsx file; `generated_at` is shown as given (pass local time).

    Written in openpyxl's write-only mode: rows stream to a temporary file as they come, so memory
    stays flat however many there are; task rows go through cells.StyledRows (a reused cell per
    column, typed, styles computed once). The count on row 2 comes before the rows, so pass `count`
    with an iterator (e.g. rows.iter_task_rows); a list is counted here.
    """
    if count is None:
        rows = list(rows)
        count = len(rows)
    columns = _columns()
    last_column = get_column_letter(len(columns))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Task list"))
    workbook.properties.title = safe_text(title)[0]
    # Write-only sheets take their layout before the first row is written.
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = FREEZE_AT
    sheet.row_dimensions[TITLE_ROW].height = 28
    # The title, info and header rows head every printed page.
    set_up_printing(sheet, title_rows=HEADER_ROW)
    cells = Cells(sheet)

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrapped = {"alignment": Alignment(vertical="top", wrap_text=True), "border": border}
    centred = {"alignment": Alignment(horizontal="center", vertical="top"), "border": border}
    # Installs its row writer on the sheet: every row below, title and header too, is appended as cells.
    writer = StyledRows(
        sheet,
        [
            (NUMBER, centred),  # 序号
            (TEXT, wrapped),  # document
            (TEXT, wrapped),  # 文号
            (TEXT, wrapped),  # label
            (TEXT, wrapped),  # section
            (TEXT, wrapped),  # text
            (TEXT, wrapped),  # lead
            (TEXT, wrapped),  # cooperating
            (TEXT, wrapped),  # time limit
            (DATE, {**centred, "number_format": DATE_FORMAT}),  # due date
            (TEXT, wrapped),  # status
            (NUMBER, {**centred, "number_format": PERCENT_FORMAT}),  # progress
            (TEXT, wrapped),  # light (filled per row)
            (TEXT, wrapped),  # latest progress
        ],
    )

    title_style = {
        "font": Font(size=14, bold=True),
        "alignment": Alignment(horizontal="center", vertical="center"),
    }
    sheet.append([cells.text(title, title_style)])
    sheet.merged_cells.add(f"A{TITLE_ROW}:{last_column}{TITLE_ROW}")

    info = ngettext(
        "Generated at %(time)s, %(count)s task",
        "Generated at %(time)s, %(count)s tasks",
        count,
    ) % {"time": f"{generated_at:%Y-%m-%d %H:%M}", "count": count}
    sheet.append([cells.value(info, {"alignment": Alignment(horizontal="right")})])
    sheet.merged_cells.add(f"A{INFO_ROW}:{last_column}{INFO_ROW}")

    header_style = {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="DDEBF7"),
        "border": border,
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
    }
    header_row = [cells.value(header, header_style) for header, _width in columns]
    append_row(sheet, header_row, RowHeights([width for _header, width in columns]).cells_height(header_row))

    # The light column's style per colour, as an override of that column; an unknown colour keeps it plain.
    lights = {
        key: {LIGHT_COLUMN: writer.style({**wrapped, "fill": PatternFill("solid", fgColor=colour)})}
        for key, colour in LIGHT_FILLS.items()
    }
    append, join = writer.append, "、".join
    written = 0
    for number, row in enumerate(rows, start=1):
        append(
            (
                number,
                row.document_title,
                row.doc_number,
                row.label,
                row.section,
                row.text,
                join(row.lead_departments),
                join(row.cooperating_departments),
                row.time_limit,
                row.due_on,
                row.status,
                row.progress / 100,
                row.light_text,
                row.latest_progress,
            ),
            lights.get(row.light),
        )
        written = number

    last_row = HEADER_ROW + written
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{last_row}"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
