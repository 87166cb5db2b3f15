"""Rows tall enough for their wrapped text: the estimate, and how a write-only sheet gets it."""

import io
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.styles import Alignment

from tasks.workbooks.cells import TEXT, Cells, StyledRows
from tasks.workbooks.printing import (
    LINE_POINTS,
    MAX_ROW_POINTS,
    ROW_PADDING_POINTS,
    RowHeights,
    append_row,
    lines_height,
    text_lines,
    text_width,
)


def test_a_cjk_character_is_two_digits_wide_and_ascii_one():
    assert text_width("2026") == 4
    assert text_width("医改") == 4
    assert text_width("郑医改〔2026〕1号") == 17
    assert text_width("") == 0


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("", 20, 1),
        ("医改", 20, 1),
        # 20 usable digits hold 9 CJK characters (19 × 0.95 = 18.05): 100 take 12 lines.
        ("改" * 9, 20, 1),
        ("改" * 10, 20, 2),
        ("改" * 100, 20, 12),
        # The same characters in a column 2.5 times as wide take about 2.5 times fewer lines.
        ("改" * 100, 50, 5),
        # Newlines start lines, empty ones too.
        ("一\n二\n三", 20, 3),
        ("一\n\n三", 20, 3),
        ("改" * 10 + "\n短", 20, 3),
    ],
)
def test_lines_follow_length_width_and_newlines(text, width, lines):
    assert text_lines(text, width) == lines


def test_words_wrap_at_spaces_and_a_long_word_flows_over_lines():
    # 18.05 usable digits: "alpha beta gamma" (16) fits, "delta" goes to the next line.
    assert text_lines("alpha beta gamma delta", 20) == 2
    # A word never starts a line half-filled by the one before it.
    assert text_lines("a " + "b" * 18, 20) == 2
    assert text_lines("x" * 40, 20) == 3
    # CJK with a space in it still breaks between characters.
    assert text_lines("改" * 8 + " " + "改" * 8, 20) == 2


def test_a_column_too_narrow_for_a_character_takes_a_line_per_character_or_more():
    assert text_lines("改改改", 1) >= 3


def test_height_is_lines_times_line_height_and_none_for_one_line():
    assert lines_height(1) is None
    assert lines_height(3) == 3 * LINE_POINTS + ROW_PADDING_POINTS
    assert lines_height(1000) == MAX_ROW_POINTS


def test_the_tallest_counted_cell_decides_and_other_columns_do_not():
    heights = RowHeights([20, None, 50])
    assert heights.height(["短", "改" * 100, "改" * 30]) == lines_height(2)
    assert heights.height(["改" * 100, "", None]) == lines_height(12)
    # Numbers, dates and empty cells take a line.
    assert heights.height([12, None, ""]) is None


def test_only_cells_whose_text_wraps_count():
    sheet = Workbook(write_only=True).create_sheet()
    cells = Cells(sheet)
    wrapped = {"alignment": Alignment(wrap_text=True)}
    heights = RowHeights([10, 10])
    assert heights.cells_height([cells.text("改" * 20, wrapped), cells.text("短")]) == lines_height(5)
    assert heights.cells_height([cells.text("短", wrapped), cells.text("改" * 20)]) is None
    assert heights.cells_height([None, cells.value(5, wrapped)]) is None


def _rows_xml(workbook: Workbook) -> str:
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_a_write_only_sheet_writes_each_rows_height_and_keeps_none():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.column_dimensions["A"].width = 10
    sheet.row_dimensions[1].height = 28
    cells = Cells(sheet)
    sheet.append([cells.text("标题")])
    append_row(sheet, [cells.text("一\n二\n三", {"alignment": Alignment(wrap_text=True)})], 48)
    append_row(sheet, [cells.text("短")], None)
    # Nothing per row stays behind once the row is written.
    assert set(sheet.row_dimensions) == {1}
    xml = _rows_xml(workbook)
    assert '<row r="1" ht="28" customHeight="1">' in xml
    assert '<row r="2" ht="48" customHeight="1">' in xml
    assert '<row r="3">' in xml


def test_styled_rows_are_as_tall_as_their_wrapping_text_columns():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for letter in "ABC":
        sheet.column_dimensions[letter].width = 10
    sheet.column_dimensions["C"].hidden = True
    wrapped = {"alignment": Alignment(wrap_text=True, vertical="top")}
    unwrapped = {"alignment": Alignment(vertical="top")}
    writer = StyledRows(sheet, [(TEXT, wrapped), (TEXT, unwrapped), (TEXT, wrapped)])
    writer.append(("改" * 20, "改" * 50, "改" * 50))
    # B does not wrap and C is hidden: neither counts.
    writer.append(("短", "改" * 50, "改" * 50))
    writer.append(("一\n二", "", ""))
    assert set(sheet.row_dimensions) == set()
    xml = _rows_xml(workbook)
    assert f'<row r="1" ht="{lines_height(5):g}" customHeight="1">' in xml
    assert '<row r="2">' in xml
    assert f'<row r="3" ht="{lines_height(2):g}" customHeight="1">' in xml
