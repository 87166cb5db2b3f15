"""Cells for the write-only workbook builders: text made safe for Excel, styles applied cheaply."""

from __future__ import annotations

from copy import copy

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles.cell_style import StyleArray

# Excel refuses longer cell text.
MAX_CELL_CHARS = 32767
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> tuple[str, bool]:
    """Text Excel will accept, and whether it must be forced to text so it is not run as a formula."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS]
    return value, value.startswith(FORMULA_PREFIXES)


class Cells:
    """Cells of one sheet, styled by copying a style array computed once per style.

    Setting font, fill, border and alignment on a cell makes openpyxl hash each of them to find it
    in the workbook's style tables: most of the time of a large export. Each style dict is applied
    once to a probe cell of this sheet, and later cells take a copy of its style array (openpyxl's
    idiom for copying a cell's style; the array indexes this workbook's tables, hence per sheet).
    """

    def __init__(self, sheet) -> None:
        self.sheet = sheet
        self._arrays: dict[int, tuple[dict, object]] = {}

    def _style(self, cell: WriteOnlyCell, style: dict | None) -> None:
        if not style:
            return
        cached = self._arrays.get(id(style))
        if cached is None:
            probe = WriteOnlyCell(self.sheet)
            for name, setting in style.items():
                setattr(probe, name, setting)
            # The dict is kept with its array, so its id cannot be reused while this object lives.
            cached = self._arrays[id(style)] = (style, probe._style)
        cell._style = copy(cached[1])

    def text(self, value: str, style: dict | None = None) -> WriteOnlyCell:
        text, risky = safe_text(value)
        cell = WriteOnlyCell(self.sheet, text)
        self._style(cell, style)
        if risky:
            # openpyxl stores "=…" as a formula; a string cell with Excel's quote prefix ('=1+1 as
            # typed) shows the text as written and stays text when someone edits the cell.
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell

    def value(self, value, style: dict) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value)
        self._style(cell, style)
        return cell


class _SharedStyle(StyleArray):
    """A style array that many cells point to and nobody changes: its hash is computed once.

    The writer looks every styled cell's array up in the workbook's style table (a dict keyed by the
    array); StyleArray hashes a tuple of its nine numbers on each lookup.
    """

    __slots__ = ("_hash",)

    def __new__(cls, values):
        array = super().__new__(cls, values)
        array._hash = hash(tuple(array))
        return array

    def __hash__(self) -> int:
        return self._hash


def _cells_to_row(cells, row_idx: int):
    """The sheet's row writer for rows of ready cells (replaces openpyxl's `_values_to_row`)."""
    for column, cell in enumerate(cells, 1):
        if cell is not None:
            cell.column = column
            cell.row = row_idx
            yield cell


TEXT = "text"
VALUE = "value"


class StyledRows:
    """Rows of a write-only sheet whose columns each have a kind (TEXT or VALUE) and a style.

    For large sheets. openpyxl's write-only sheet reuses one cell for plain values, but for a styled
    cell it first fails to store the cell as a value (an exception per cell), then makes a fresh cell
    for the next. Here each column keeps one cell whose value and (shared) style array are reset per
    row; rows are written as they are appended, so reusing them is safe, as it is for openpyxl. Text is
    made safe as `safe_text` does, and stored as text whatever it starts with (quote-prefixed when a
    spreadsheet would read it as a formula). Every row of the sheet, title and header too, must then
    be appended here: `cells()` appends a row of cells made by `Cells`.
    """

    def __init__(self, sheet, columns: list[tuple[str, dict | None]]) -> None:
        self.sheet = sheet
        self._probe = Cells(sheet)
        self._kinds = [kind for kind, _style in columns]
        self._styles = [self.array(style) for _kind, style in columns]
        self._quoted = [self.array(style, quote=True) for _kind, style in columns]
        self._row = [WriteOnlyCell(sheet) for _column in columns]
        # A private hook of openpyxl's write-only sheet (3.1, pinned in requirements.txt): how appended
        # rows become cells. Ours takes the cells as they are.
        sheet._values_to_row = _cells_to_row

    def array(self, style: dict | None, *, quote: bool = False) -> StyleArray:
        """The shared style array of a style dict (computed once per dict and quote prefix)."""
        probe = WriteOnlyCell(self.sheet)
        for name, setting in (style or {}).items():
            setattr(probe, name, setting)
        if quote:
            probe.quotePrefix = True
        return _SharedStyle(probe._style)

    def cells(self, cells: list) -> None:
        self.sheet.append(cells)

    def append(self, values, styles: dict[int, StyleArray] | None = None) -> None:
        """One row of values, a value per column; `styles` overrides arrays by column index."""
        row = self._row
        for index, value in enumerate(values):
            cell = row[index]
            if self._kinds[index] == TEXT:
                if ILLEGAL_CHARACTERS_RE.search(value):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if len(value) > MAX_CELL_CHARS:
                    value = value[:MAX_CELL_CHARS]
                cell._value = value
                cell.data_type = "s"
                cell._style = (
                    self._quoted[index] if value.startswith(FORMULA_PREFIXES) else self._styles[index]
                )
            else:
                # The style first: storing a date checks the cell's number format.
                cell._style = self._styles[index]
                cell.value = value
        if styles:
            for index, array in styles.items():
                row[index]._style = array
        self.sheet.append(row)
