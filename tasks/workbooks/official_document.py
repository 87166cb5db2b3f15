"""A Word document laid out as a 公文 (GB/T 9704, 党政机关公文格式), for the pure builders: no Django.

A4 portrait with the standard margins (37/35/28/26 mm), the body in 仿宋 三号 at a fixed 28 pt pitch
(22 lines to the page) with two-character first-line indents, headings in 黑体 kept with what follows,
tables in 宋体 五号 with their header row repeated on every page and rows never split, and "— n —"
page numbers (a PAGE field) centred in the footer. Fonts are set by name for Latin and East-Asian
text alike (`w:eastAsia`: python-docx sets only the Latin one): Word uses the office's installed
fonts, LibreOffice substitutes what it has.
"""

from __future__ import annotations

import io
from typing import IO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

__all__ = [
    "BODY_FONT",
    "BODY_SIZE",
    "NOTE_SIZE",
    "TITLE_FONT",
    "TITLE_SIZE",
    "OfficialDocument",
]

TITLE_FONT = "宋体"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(10.5)  # 五号
NOTE_SIZE = Pt(12)  # 小四
FOOTER_SIZE = Pt(14)  # 四号
LINE_PITCH = Pt(28)  # 22 lines to the page
CELL_MARGIN_TWIPS = 57  # 1 mm


def _fonts(element, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Set a run's or a style's fonts by name, the East-Asian one too (python-docx sets only Latin)."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


class OfficialDocument:
    """A document being written: paragraphs, headings and tables in the 公文's fonts and sizes."""

    def __init__(self) -> None:
        self.document = Document()
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(20)
        normal = self.document.styles["Normal"]
        normal.font.size = BODY_SIZE
        _fonts(normal.element, BODY_FONT)
        paragraph_format = normal.paragraph_format
        paragraph_format.space_before = paragraph_format.space_after = Pt(0)
        paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph_format.line_spacing = LINE_PITCH
        self._footer(section)

    def _footer(self, section) -> None:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.run(paragraph, "— ", TABLE_FONT, FOOTER_SIZE)
        # A PAGE field: Word and LibreOffice put each page's number in place of the cached "1".
        for kind, text in (
            ("begin", None),
            ("instr", " PAGE "),
            ("separate", None),
            ("text", "1"),
            ("end", None),
        ):
            run = self.run(paragraph, text if kind == "text" else "", TABLE_FONT, FOOTER_SIZE)
            if kind == "instr":
                instruction = OxmlElement("w:instrText")
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = text
                run._r.append(instruction)
            elif kind != "text":
                character = OxmlElement("w:fldChar")
                character.set(qn("w:fldCharType"), kind)
                run._r.append(character)
        self.run(paragraph, " —", TABLE_FONT, FOOTER_SIZE)

    @staticmethod
    def run(paragraph, text: str, font: str, size, bold: bool = False):
        run = paragraph.add_run(text)
        run.font.size = size
        run.bold = bold
        _fonts(run._r, font)
        return run

    def paragraph(
        self,
        text: str = "",
        *,
        font: str = BODY_FONT,
        size=BODY_SIZE,
        bold: bool = False,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent: bool = True,
    ):
        paragraph = self.document.add_paragraph()
        paragraph.alignment = align
        if indent:
            # Two characters, as every body paragraph of a 公文.
            paragraph.paragraph_format.first_line_indent = Pt(size.pt * 2)
        if text:
            self.run(paragraph, text, font, size, bold)
        return paragraph

    def heading(self, text: str) -> None:
        # Never the last line of a page.
        self.paragraph(text, font=HEADING_FONT).paragraph_format.keep_with_next = True

    def table(
        self, header: list[str], rows: list[list[str]], widths: tuple, *, left: frozenset[int] = frozenset()
    ) -> None:
        """A centred grid; the header row bold. Cells are centred, those of the columns in `left` (body
        rows only) left-aligned."""
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        # Narrow cell margins (1 mm), so that a two-character header fits its column.
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        table._tbl.tblPr.append(margins)
        # The grid's widths are what LibreOffice lays out by; the cells' are Word's.
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        self._row(table.rows[0], header, widths, frozenset(), bold=True)
        # Repeated at the top of every page the table runs onto.
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for values in rows:
            self._row(table.add_row(), values, widths, left)

    def _row(
        self, row, values: list[str], widths: tuple, left: frozenset[int], *, bold: bool = False
    ) -> None:
        # A row is never split across pages.
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = widths[index]
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if index in left else WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(3)
            self.run(paragraph, value, TABLE_FONT, TABLE_SIZE, bold)

    def save(self, out: str | IO[bytes] | None) -> bytes | None:
        if out is None:
            buffer = io.BytesIO()
            self.document.save(buffer)
            return buffer.getvalue()
        self.document.save(out)
        return None
