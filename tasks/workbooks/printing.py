"""How the portal's workbooks print, and rows tall enough for their wrapped text. No Django.

Every sheet prints as offices print a ledger: A4 landscape, scaled to one page wide (as many pages
down as it takes), the rows above the first data row repeated on every page, Excel's "Narrow"
margins and "第 1 页 共 N 页" in the footer. `set_up_printing` sets all of it; call it before the
sheet's first row, since a write-only sheet writes its properties (where `fitToPage` lives) then.

Row heights: a spreadsheet grows a row to fit wrapped text only when it measures the text, which
neither openpyxl's write-only mode nor LibreOffice's import does; a row with no height prints one
line tall and its text runs over the rows below. `RowHeights` estimates the height from the text's
length and the column's width (a CJK character is two digits wide, an explicit newline starts a
line) and `StreamedRowHeights` hands it to the writer for just the next row, so nothing per row is
kept and memory stays flat however many rows stream out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from openpyxl.worksheet.dimensions import DimensionHolder
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from tasks.i18n import _

PAPER_A4 = 9
# Excel's "Narrow" margins, in inches.
NARROW_MARGINS = {"left": 0.25, "right": 0.25, "top": 0.75, "bottom": 0.75, "header": 0.3, "footer": 0.3}

# Points per line of 11-point text (Excel's default row height; CJK fonts need about as much) and
# the room above and below the text.
LINE_POINTS = 15.0
ROW_PADDING_POINTS = 3.0
# Excel's tallest row.
MAX_ROW_POINTS = 409.0
# Column widths count digits of the default font; the cell's inner margins take about one of them.
CELL_PADDING_CHARS = 1.0
# A line is taken to hold a little less than it could: a row too short prints its text over the
# next, one a little tall only leaves a gap. Excel and WPS draw a CJK character two digits wide (a
# width-50 column holds 23 or 24 of them); LibreOffice's fallback fonts fit more (about 31), so
# there the rows come out taller than they need.
FILL = 0.95


def set_up_printing(sheet, *, title_rows: int | None) -> None:
    """A4 landscape, one page wide, rows 1..`title_rows` on every page (None: none), narrow margins,
    the page number in the footer. Before the first row of a write-only sheet."""
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = PAPER_A4
    setup.fitToWidth = 1
    # As many pages down as the rows need.
    setup.fitToHeight = 0
    if title_rows:
        sheet.print_title_rows = f"1:{title_rows}"
    sheet.page_margins = PageMargins(**NARROW_MARGINS)
    # &P is the page, &N the number of pages; a literal & must be doubled.
    sheet.HeaderFooter.oddFooter.center.text = _("Page &P of &N")


def text_width(text: str) -> float:
    """The width of `text` on one line, in digits: a CJK (wide) character counts two.

    UTF-8 spends three bytes on a CJK character or full-width mark and one on ASCII, so the byte
    count gives the width at C speed (a two-byte letter such as é counts one and a half).
    """
    return (len(text.encode()) + len(text)) / 2


def _line_count(line: str, usable: float) -> int:
    """Lines one line of text (no newline) takes when wrapped to `usable` digits."""
    if " " not in line:
        # CJK text breaks between any two characters.
        return max(1, math.ceil(text_width(line) / usable))
    # Words break at spaces; a word wider than the line, or one with CJK in it, flows on over lines.
    lines, filled = 1, 0.0
    for word in line.split(" "):
        width = text_width(word)
        start = filled + 1 if filled else 0.0
        if start + width <= usable:
            filled = start + width
        elif width > usable or len(word) != width:
            filled = start + width
            while filled > usable:
                lines += 1
                filled -= usable
        else:
            lines += 1
            filled = width
    return lines


def _usable(width: float) -> float:
    """Digits of text a line of a column `width` characters wide is taken to hold."""
    return max(width - CELL_PADDING_CHARS, 1.0) * FILL


def text_lines(text: str, width: float) -> int:
    """Lines `text` takes wrapped in a column `width` characters wide (an empty text: one)."""
    usable = _usable(width)
    if "\n" not in text:
        return _line_count(text, usable)
    return sum(_line_count(line, usable) for line in text.split("\n"))


def lines_height(lines: int) -> float | None:
    """The height in points of a row of `lines` lines; None for one line (the default height)."""
    if lines <= 1:
        return None
    return min(lines * LINE_POINTS + ROW_PADDING_POINTS, MAX_ROW_POINTS)


class RowHeights:
    """The height of a row, from its text and the widths of its columns.

    `widths` has one entry per column: its width in characters, or None where the text does not
    count (it does not wrap, or the column is hidden).
    """

    def __init__(self, widths: Sequence[float | None]) -> None:
        self.columns = [
            (index, width, _usable(width)) for index, width in enumerate(widths) if width is not None
        ]

    def height(self, values: Sequence) -> float | None:
        """Points for a row of `values` (by column; non-text values take one line); None: default."""
        most, count = 1, len(values)
        for index, width, usable in self.columns:
            if index < count:
                value = values[index]
                if not isinstance(value, str) or not value:
                    continue
                if "\n" in value or " " in value:
                    lines = text_lines(value, width)
                else:
                    # The common case inline (a ledger estimates a dozen cells a row): text_width / usable.
                    lines = math.ceil((len(value.encode()) + len(value)) / 2 / usable)
                if lines > most:
                    most = lines
        return lines_height(most)

    def cells_height(self, cells: Sequence) -> float | None:
        """Points for a row of cells (`Cells`'): the text of the cells whose alignment wraps counts."""
        return self.height(
            [
                cell.value
                if cell is not None and isinstance(cell.value, str) and cell.alignment.wrap_text
                else None
                for cell in cells
            ]
        )


class StreamedRowHeights(DimensionHolder):
    """A write-only sheet's row dimensions that give the next row written `next_height` (points).

    openpyxl's write-only writer reads `row_dimensions.get(row_index)` once, as it writes each row
    (openpyxl 3.1, pinned); setting a dimension per row would keep one object per row until the
    file is saved. Here the height applies to the next row only and is then forgotten; heights set
    the ordinary way (`row_dimensions[1].height = 28`) still apply when no next height is given.
    """

    next_height: float | None = None

    def get(self, key, default=None):
        height = self.next_height
        if height is None:
            return super().get(key, default)
        self.next_height = None
        attributes = dict(super().get(key, None) or ())
        attributes["ht"] = f"{height:g}"
        attributes["customHeight"] = "1"
        return attributes


def stream_row_heights(sheet) -> StreamedRowHeights:
    """The sheet's row dimensions as a `StreamedRowHeights` (installed on first use, keeping any set)."""
    dimensions = sheet.row_dimensions
    if not isinstance(dimensions, StreamedRowHeights):
        streamed = StreamedRowHeights(worksheet=sheet, default_factory=sheet._add_row)
        streamed.update(dimensions)
        sheet.row_dimensions = dimensions = streamed
    return dimensions


def append_row(sheet, row, height: float | None) -> None:
    """`sheet.append(row)` on a write-only sheet, the row `height` points tall (None: the default)."""
    stream_row_heights(sheet).next_height = height
    sheet.append(row)
