"""The monthly 通报 as a Word document: everything computed in, .docx out, no database.

Laid out as reform offices print their circulars (after GB/T 9704, 党政机关公文格式): A4 portrait with
the standard margins, the title centred in bold 宋体 二号, the body in 仿宋 三号 at a fixed line pitch
with headings in 黑体, the ranking table in 宋体 五号 with its header row repeated on every page, the
issuing office and date at the end, and "— n —" page numbers in the footer. Fonts are set by name for
Latin and East-Asian text alike (`w:eastAsia`): Word uses the office's installed fonts, LibreOffice
substitutes what it has.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import IO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tasks.i18n import _
from tasks.workbooks.ledger import Ranking, ReportTimeliness, rank_departments, ranking_notes

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
# Characters of a task's text kept in the lists; the ledger has the rest.
TEXT_CHARACTERS = 40
# Departments named in the summary as late or missing before "and N more".
NAMED_DEPARTMENTS = 20
# Widths of the ranking table's columns, 156 mm in all (the type area).
CELL_MARGIN_TWIPS = 57  # 1 mm
COLUMN_WIDTHS = (Mm(11), Mm(43), Mm(19), Mm(15), Mm(16), Mm(22), Mm(11), Mm(19))


@dataclass(frozen=True)
class Summary:
    """The region's figures over the tasks in scope (a task counted once, whoever leads it)."""

    tasks: int
    completed: int
    completed_with_due: int
    completed_on_time: int
    overdue: int

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.tasks if self.tasks else None

    @property
    def on_time_rate(self) -> float | None:
        return self.completed_on_time / self.completed_with_due if self.completed_with_due else None


@dataclass(frozen=True)
class ChangedTask:
    """A task newly completed or newly overdue in the period."""

    label: str
    text: str
    lead_departments: tuple[str, ...]
    due_on: datetime.date | None
    # The completion day (newly completed tasks only).
    completed_on: datetime.date | None = None


@dataclass(frozen=True)
class PeriodChanges:
    """The period's changes, each list capped; the totals say how many there were."""

    completed: list[ChangedTask] = field(default_factory=list)
    completed_total: int = 0
    overdue: list[ChangedTask] = field(default_factory=list)
    overdue_total: int = 0


@dataclass(frozen=True)
class InstructionItem:
    """A 领导批示 of the period: on a task (its label and text) or on a department's overdue tasks."""

    leader: str
    given_on: datetime.date
    text: str
    department: str
    task: str = ""
    answered: bool = False


@dataclass(frozen=True)
class BulletinContent:
    """Everything the 通报 prints, already computed and in the reader's language."""

    title: str
    office: str
    region: str
    period_label: str
    period_start: datetime.date
    period_end: datetime.date
    # The day the figures stand at, and the day of issue printed at the end.
    as_of: datetime.date
    issued_on: datetime.date
    summary: Summary
    ranking: Ranking
    changes: PeriodChanges
    instructions: list[InstructionItem] = field(default_factory=list)
    instructions_total: int = 0
    instructions_answered: int = 0


def day_text(day: datetime.date) -> str:
    return _("%(month)s/%(day)s/%(year)s") % {"year": day.year, "month": day.month, "day": day.day}


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


# Trailing punctuation dropped from a task's text where it is quoted or followed by its details.
TRAILING = "，。；：、,.;: "


def shorten(text: str, limit: int = TEXT_CHARACTERS) -> str:
    """The text on one line without its final punctuation, cut to `limit` characters with an ellipsis."""
    flat = " ".join(text.split()).rstrip(TRAILING)
    return flat if len(flat) <= limit else flat[:limit].rstrip(TRAILING) + "……"


def task_name(label: str, text: str) -> str:
    """ "（一）推进…" or "1. 推进…": a label ending in a bracket or 、 takes no space after it."""
    if not label:
        return text
    return f"{label}{'' if label.endswith(('）', ')', '、', '．')) else ' '}{text}"


def _report_words(report: ReportTimeliness) -> str:
    return {
        ReportTimeliness.ON_TIME: _("On time"),
        ReportTimeliness.LATE: _("Late"),
        ReportTimeliness.MISSING: _("Not submitted"),
    }[report]


def _fonts(element, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Set a run's or a style's fonts by name, the East-Asian one too (python-docx sets only Latin)."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


class _Writer:
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

    def table(self, header: list[str], rows: list[list[str]]) -> None:
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
        for column, width in zip(table.columns, COLUMN_WIDTHS, strict=True):
            column.width = width
        self._row(table.rows[0], header, bold=True)
        # Repeated at the top of every page the table runs onto.
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for values in rows:
            self._row(table.add_row(), values)

    def _row(self, row, values: list[str], *, bold: bool = False) -> None:
        # A row is never split across pages.
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = COLUMN_WIDTHS[index]
            paragraph = cell.paragraphs[0]
            paragraph.alignment = (
                WD_ALIGN_PARAGRAPH.LEFT if index == 1 and not bold else WD_ALIGN_PARAGRAPH.CENTER
            )
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


def ranking_header() -> list[str]:
    return [
        _("Rank"),
        _("Department"),
        _("Lead tasks"),
        _("Completed"),
        _("Completion rate"),
        _("On-time rate"),
        _("Overdue (tasks)"),
        _("Report submission"),
    ]


def ranking_rows(ranking: Ranking) -> list[list[str]]:
    """The table's rows, best first (tasks/workbooks/ledger.py's rank_departments)."""
    return [
        [
            "—" if rank is None else str(rank),
            item.department,
            str(item.lead_tasks),
            str(item.completed),
            rate_text(item.completion_rate),
            rate_text(item.on_time_rate),
            str(item.overdue),
            _report_words(item.report),
        ]
        for rank, item in rank_departments(ranking.departments)
    ]


def _names(names: list[str]) -> str:
    shown = "、".join(names[:NAMED_DEPARTMENTS])
    if len(names) <= NAMED_DEPARTMENTS:
        return shown
    return _("%(names)s and %(count)s others") % {"names": shown, "count": len(names) - NAMED_DEPARTMENTS}


def summary_sentences(content: BulletinContent) -> list[str]:
    """The 总体情况 paragraphs: the tasks' figures, the period's changes, the monthly reports."""
    summary, changes, ranking = content.summary, content.changes, content.ranking
    sentences = [
        _(
            "As of %(day)s, %(tasks)s key tasks are under ledger management; %(completed)s are completed, "
            "a completion rate of %(completion_rate)s, and %(on_time_rate)s of the completed tasks with a "
            "due date were completed on time; %(overdue)s tasks are overdue and not completed."
        )
        % {
            "day": day_text(content.as_of),
            "tasks": summary.tasks,
            "completed": summary.completed,
            "completion_rate": rate_text(summary.completion_rate),
            "on_time_rate": rate_text(summary.on_time_rate),
            "overdue": summary.overdue,
        },
        _(
            "In %(period)s, %(completed)s tasks were newly completed and %(overdue)s became overdue; "
            "leaders gave %(instructions)s instructions, %(answered)s of them answered."
        )
        % {
            "period": content.period_label,
            "completed": changes.completed_total,
            "overdue": changes.overdue_total,
            "instructions": content.instructions_total,
            "answered": content.instructions_answered,
        },
    ]
    by_timeliness: dict[ReportTimeliness, list[str]] = {kind: [] for kind in ReportTimeliness}
    for item in sorted(ranking.departments, key=lambda item: item.department):
        by_timeliness[item.report].append(item.department)
    reports = _(
        "Of the %(departments)s departments due to submit their monthly report for %(period)s by "
        "%(due)s, %(on_time)s submitted on time, %(late)s late and %(missing)s have not submitted."
    ) % {
        "departments": len(ranking.departments),
        "period": content.period_label,
        "due": day_text(ranking.report_due_on),
        "on_time": len(by_timeliness[ReportTimeliness.ON_TIME]),
        "late": len(by_timeliness[ReportTimeliness.LATE]),
        "missing": len(by_timeliness[ReportTimeliness.MISSING]),
    }
    if by_timeliness[ReportTimeliness.LATE]:
        reports += _(" Submitted late: %(names)s.") % {"names": _names(by_timeliness[ReportTimeliness.LATE])}
    if by_timeliness[ReportTimeliness.MISSING]:
        reports += _(" Not submitted: %(names)s.") % {
            "names": _names(by_timeliness[ReportTimeliness.MISSING])
        }
    sentences.append(reports)
    return sentences


def _task_line(number: int, task: ChangedTask, *, completed: bool) -> str:
    details = [
        _("lead: %(departments)s") % {"departments": "、".join(task.lead_departments) or "—"},
        _("due: %(day)s") % {"day": day_text(task.due_on) if task.due_on else "—"},
    ]
    if completed and task.completed_on:
        details.append(_("completed: %(day)s") % {"day": day_text(task.completed_on)})
    return f"{number}．{task_name(task.label, shorten(task.text))}（{'；'.join(details)}）"


def _more(total: int, shown: int) -> str | None:
    if total <= shown:
        return None
    return _("…and %(count)s more (see the ledger).") % {"count": total - shown}


def _instruction_line(number: int, item: InstructionItem) -> str:
    values = {
        "day": day_text(item.given_on),
        "leader": item.leader,
        "task": shorten(item.task, 30),
        "department": item.department,
        "text": " ".join(item.text.split()),
    }
    if item.task:
        line = _("On %(day)s %(leader)s instructed on task “%(task)s” (%(department)s): “%(text)s”") % values
    else:
        line = _("On %(day)s %(leader)s instructed %(department)s on its overdue tasks: “%(text)s”") % values
    state = _("answered") if item.answered else _("awaiting the department's answer")
    return f"{number}．{line}（{state}）"


def build_bulletin_document(content: BulletinContent, out: str | IO[bytes] | None = None) -> bytes | None:
    """Write the 通报 to `out` (a path or a binary file); the .docx's bytes when `out` is None."""
    writer = _Writer()
    writer.document.core_properties.title = content.title
    writer.document.core_properties.author = content.office
    writer.paragraph(
        content.title,
        font=TITLE_FONT,
        size=TITLE_SIZE,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    ).paragraph_format.space_after = Pt(14)
    writer.paragraph(
        _("(Period: %(start)s to %(end)s)")
        % {"start": day_text(content.period_start), "end": day_text(content.period_end)},
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    ).paragraph_format.space_after = Pt(14)
    writer.paragraph(_("To all departments concerned:"), indent=False)
    writer.paragraph(
        _(
            "To follow the progress of the key tasks of deepening the medical and health system reform, "
            "the progress of the departments responsible in %(period)s is circulated as follows."
        )
        % {"period": content.period_label}
    )

    writer.heading(_("1. Overall progress"))
    for sentence in summary_sentences(content):
        writer.paragraph(sentence)

    writer.heading(_("2. Progress by department"))
    writer.paragraph(_("The departments are ranked by completion rate, then on-time rate (table below)."))
    writer.table(ranking_header(), ranking_rows(content.ranking))
    for number, note in enumerate(ranking_notes(content.ranking), start=1):
        prefix = _("Notes: ") if number == 1 else ""
        notes = writer.paragraph(f"{prefix}{number}. {note}", size=NOTE_SIZE, indent=False).paragraph_format
        notes.line_spacing = Pt(20)
        if number == 1:
            notes.space_before = Pt(6)

    changes = content.changes
    writer.heading(_("3. Tasks newly completed"))
    if not changes.completed:
        writer.paragraph(_("No task was completed in the period."))
    for number, task in enumerate(changes.completed, start=1):
        writer.paragraph(_task_line(number, task, completed=True))
    if more := _more(changes.completed_total, len(changes.completed)):
        writer.paragraph(more)

    writer.heading(_("4. Tasks newly overdue"))
    if not changes.overdue:
        writer.paragraph(_("No task became overdue in the period."))
    for number, task in enumerate(changes.overdue, start=1):
        writer.paragraph(_task_line(number, task, completed=False))
    if more := _more(changes.overdue_total, len(changes.overdue)):
        writer.paragraph(more)

    writer.heading(_("5. Leaders' instructions"))
    if not content.instructions:
        writer.paragraph(_("No leader's instruction was given in the period."))
    for number, item in enumerate(content.instructions, start=1):
        writer.paragraph(_instruction_line(number, item))
    if more := _more(content.instructions_total, len(content.instructions)):
        writer.paragraph(more)

    writer.heading(_("6. Next steps"))
    writer.paragraph(
        _(
            "The departments responsible are asked to review this bulletin, analyse each overdue task, set "
            "a date for it and speed up the work; to hand in their monthly reports on time; and to answer "
            "the leaders' instructions promptly."
        )
    )

    # The signature: the office and the date, right-aligned four characters in from the margin.
    writer.paragraph(indent=False)
    writer.paragraph(indent=False)
    for text in (content.office, day_text(content.issued_on)):
        signature = writer.paragraph(text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        signature.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)
    return writer.save(out)


__all__ = [
    "BulletinContent",
    "ChangedTask",
    "InstructionItem",
    "PeriodChanges",
    "Summary",
    "build_bulletin_document",
    "day_text",
    "ranking_rows",
    "rate_text",
    "shorten",
    "summary_sentences",
    "task_name",
]
