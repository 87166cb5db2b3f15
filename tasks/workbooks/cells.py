"""Cells for the write-only workbook builders: text made safe for Excel, styles applied cheaply."""

from __future__ import annotations

from copy import copy

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.units import DEFAULT_COLUMN_WIDTH

from tasks.workbooks.printing import RowHeights, stream_row_heights

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


# Column kinds of StyledRows: text made safe; a number or None; a date, datetime or None; anything
# else openpyxl accepts (typed by openpyxl, slower).
TEXT = "text"
NUMBER = "number"
DATE = "date"
VALUE = "value"


class _ColumnCell(Cell):
    """A reused cell that knows its style's index in the workbook: the writer asks for it per cell,
    and openpyxl would look the style array up in the workbook's table each time."""

    __slots__ = ("style_index",)

    @property
    def style_id(self) -> int:
        return self.style_index


def _wrapped_width(sheet, column: int, kind: str, style: dict | None) -> float | None:
    """The width of a text column whose text wraps, for its rows' heights; None for any other."""
    alignment = (style or {}).get("alignment")
    if kind != TEXT or alignment is None or not alignment.wrap_text:
        return None
    # .get: indexing would add the column to the sheet's layout.
    dimension = sheet.column_dimensions.get(get_column_letter(column))
    if dimension is None:
        return DEFAULT_COLUMN_WIDTH
    return None if dimension.hidden else dimension.width


class StyledRows:
    """Rows of a write-only sheet whose columns each have a kind (TEXT, NUMBER, DATE, VALUE) and a style.

    For large sheets. openpyxl's write-only sheet reuses one cell for plain values, but for a styled
    cell it first fails to store the cell as a value (an exception per cell), then makes a fresh cell
    for the next. Here each column keeps one cell whose value and (shared) style are reset per row;
    rows are written as they are appended, so reusing them is safe, as it is for openpyxl. Values are
    stored by their column's kind without openpyxl's type inference; text is made safe as `safe_text`
    does and stays text whatever it starts with (quote-prefixed when a spreadsheet would read it as
    a formula). Every row of the sheet, title and header too, must then be appended as cells (made
    by `Cells`): `sheet.append([cells...])`.

    Each row is as tall as its wrapped text (printing.RowHeights): the text columns whose style wraps
    count, at the widths set on the sheet before (hidden columns do not count).
    """

    def __init__(self, sheet, columns: list[tuple[str, dict | None]]) -> None:
        self.sheet = sheet
        self._kinds = [kind for kind, _style in columns]
        self._styles = [self.style(style) for _kind, style in columns]
        self._quoted = [self.style(style, quote=True) for _kind, style in columns]
        self._row = [_ColumnCell(sheet) for _column in columns]
        self._heights = RowHeights(
            [_wrapped_width(sheet, index, kind, style) for index, (kind, style) in enumerate(columns, 1)]
        )
        self._dimensions = stream_row_heights(sheet)
        # Quoted variants of override styles, by the override's style index.
        self._quoted_overrides: dict[int, tuple[StyleArray, int]] = {}
        # A private hook of openpyxl's write-only sheet (3.1, pinned in requirements.txt): how appended
        # rows become cells. Ours takes the cells as they are.
        sheet._values_to_row = _cells_to_row

    def style(self, style: dict | None, *, quote: bool = False) -> tuple[StyleArray, int]:
        """A style dict as a shared style array and its index in the workbook's style table."""
        probe = WriteOnlyCell(self.sheet)
        for name, setting in (style or {}).items():
            setattr(probe, name, setting)
        if quote:
            probe.quotePrefix = True
        array = _SharedStyle(probe._style)
        return array, self.sheet.parent._cell_styles.add(array)

    def append(self, values, styles: dict[int, tuple[StyleArray, int]] | None = None) -> None:
        """One row, a value per column; `styles` overrides columns' styles by index (made by `style`;
        on a text column the quote prefix is kept)."""
        row, kinds, plain = self._row, self._kinds, self._styles
        for index, value in enumerate(values):
            cell = row[index]
            kind = kinds[index]
            if kind == TEXT:
                if ILLEGAL_CHARACTERS_RE.search(value):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if len(value) > MAX_CELL_CHARS:
                    value = value[:MAX_CELL_CHARS]
                cell._value = value
                cell.data_type = "s"
                cell._style, cell.style_index = (
                    self._quoted[index] if value.startswith(FORMULA_PREFIXES) else plain[index]
                )
                continue
            cell._style, cell.style_index = plain[index]
            if kind == NUMBER:
                cell._value = value
                cell.data_type = "n"
            elif kind == DATE:
                cell._value = value
                cell.data_type = "n" if value is None else "d"
            else:
                cell.value = value
        if styles:
            for index, style in styles.items():
                cell = row[index]
                if kinds[index] == TEXT and cell._value.startswith(FORMULA_PREFIXES):
                    style = self._quoted_override(style)
                cell._style, cell.style_index = style
        self._dimensions.next_height = self._heights.height(values)
        self.sheet.append(row)

    def _quoted_override(self, style: tuple[StyleArray, int]) -> tuple[StyleArray, int]:
        """An override style with the quote prefix, for text a spreadsheet would read as a formula."""
        quoted = self._quoted_overrides.get(style[1])
        if quoted is None:
            array = StyleArray(style[0])
            array.quotePrefix = True
            array = _SharedStyle(array)
            quoted = self._quoted_overrides[style[1]] = (array, self.sheet.parent._cell_styles.add(array))
        return quoted
