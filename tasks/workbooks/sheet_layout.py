"""The layout the office's sheets share (台账, ranking, what changed): the title on row 1, what the sheet
covers on row 2, the header on row 3 (frozen, with an autofilter, repeated on every printed page),
then the rows; the styles of their cells. No database.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tasks.workbooks.cells import Cells
from tasks.workbooks.printing import RowHeights, append_row, set_up_printing

TITLE_ROW = 1
INFO_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = HEADER_ROW + 1
FREEZE_AT = f"A{FIRST_DATA_ROW}"

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0%"
RATE_FORMAT = "0.0%"
OVERDUE_FILL = "FFC7CE"  # Excel's "bad" fill

Columns = list[tuple[str, int]]


class SheetStyles:
    """The style dicts of the sheets; Cells computes each one's style array once."""

    def __init__(self) -> None:
        thin = Side(style="thin", color="808080")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = {
            "font": Font(size=14, bold=True),
            "alignment": Alignment(horizontal="center", vertical="center"),
        }
        self.info = {"alignment": Alignment(horizontal="right")}
        self.header = {
            "font": Font(bold=True),
            "fill": PatternFill("solid", fgColor="DDEBF7"),
            "border": border,
            "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
        }
        self.wrapped = {"alignment": Alignment(vertical="top", wrap_text=True), "border": border}
        self.centred = {"alignment": Alignment(horizontal="center", vertical="top"), "border": border}
        self.date = {**self.centred, "number_format": DATE_FORMAT}
        self.datetime = {**self.centred, "number_format": DATETIME_FORMAT}
        self.percent = {**self.centred, "number_format": PERCENT_FORMAT}
        self.rate = {**self.centred, "number_format": RATE_FORMAT}
        self.overdue = {**self.centred, "fill": PatternFill("solid", fgColor=OVERDUE_FILL)}
        self.note = {"alignment": Alignment(vertical="top", wrap_text=True)}


def start_sheet(workbook: Workbook, name: str, columns: Columns) -> tuple:
    """A new write-only sheet laid out for `columns` (header, width): (sheet, its Cells)."""
    sheet = workbook.create_sheet(name)
    # Write-only sheets take their layout before the first row is written.
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = FREEZE_AT
    sheet.row_dimensions[TITLE_ROW].height = 28
    # The title, info and header rows head every printed page.
    set_up_printing(sheet, title_rows=HEADER_ROW)
    return sheet, Cells(sheet)


def write_head(sheet, cells: Cells, styles: SheetStyles, columns: Columns, title: str, info: str) -> None:
    """Rows 1–3: the title and the info, merged across the columns, and the header."""
    last_column = get_column_letter(len(columns))
    sheet.append([cells.text(title, styles.title)])
    sheet.merged_cells.add(f"A{TITLE_ROW}:{last_column}{TITLE_ROW}")
    sheet.append([cells.text(info, styles.info)])
    sheet.merged_cells.add(f"A{INFO_ROW}:{last_column}{INFO_ROW}")
    row = [cells.value(header, styles.header) for header, _width in columns]
    append_row(sheet, row, column_heights(columns).cells_height(row))


def column_heights(columns: Columns) -> RowHeights:
    """Row heights for wrapped text in these columns (printing.RowHeights)."""
    return RowHeights([width for _header, width in columns])


def finish_sheet(sheet, columns: Columns, last_row: int) -> None:
    """The autofilter over the header and the rows written."""
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{max(last_row, HEADER_ROW)}"
