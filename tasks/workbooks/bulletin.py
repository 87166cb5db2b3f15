"""The monthly 通报 as a Word document: everything computed in, .docx out, no database.

Laid out as reform offices print their circulars (tasks/workbooks/official_document.py: A4, 仿宋 三号,
the table's header row on every page, page numbers in the footer): the title centred in bold 宋体 二号,
the period, 主送, the 总体情况 in sentences with the figures, the department ranking with its
definitions as notes, the tasks newly completed and newly overdue, the leaders' instructions, the next
steps, and the issuing office and date at the end.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import IO

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from tasks.i18n import _
from tasks.workbooks.ledger import Ranking, ReportTimeliness, rank_departments, ranking_notes
from tasks.workbooks.official_document import (
    BODY_SIZE,
    NOTE_SIZE,
    TITLE_FONT,
    TITLE_SIZE,
    OfficialDocument,
)

# Characters of a task's text kept in the lists; the ledger has the rest.
TEXT_CHARACTERS = 40
# Departments named in the summary as late or missing before "and N more".
NAMED_DEPARTMENTS = 20
# Widths of the ranking table's columns, 156 mm in all (the type area).
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
    writer = OfficialDocument()
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
    writer.table(ranking_header(), ranking_rows(content.ranking), COLUMN_WIDTHS, left=frozenset({1}))
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
