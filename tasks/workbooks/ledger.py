"""The office's ledger workbook (台账) and department ranking (通报): plain rows in, .xlsx out, no database.

Sheet one, the ledger: the title (region and date) on row 1, what it covers on row 2, the header on
row 3 (frozen, with an autofilter), one task per row. Dates are date cells, progress a percentage and
evidence a number, so offices can sort and sum; text is made safe as in the task list (tasks.workbooks.cells).

Sheet two, the ranking: one row per department assigned a task in scope, with the definitions of
its figures in note rows under the table (see `DepartmentFigures` and `rank_departments`). A ledger
as of a closed period has a third sheet, what changed in it (ledger_changes.py).

Written in openpyxl's write-only mode: rows stream to a temporary file (inline strings, no shared
string table), so memory stays flat however many tasks there are. Both sheets print on A4 landscape,
one page wide, rows 1–3 on every page, each row as tall as its wrapped text (printing.py).
"""

from __future__ import annotations

import datetime
import enum
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, NamedTuple

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from tasks.i18n import _, ngettext
from tasks.workbooks.cells import DATE, NUMBER, TEXT, StyledRows, safe_text
from tasks.workbooks.ledger_changes import LedgerChanges, write_changes_sheet
from tasks.workbooks.printing import RowHeights, append_row
from tasks.workbooks.sheet_layout import (
    HEADER_ROW,
    SheetStyles,
    column_heights,
    finish_sheet,
    start_sheet,
    write_head,
)

# Zero-based index of the ledger's overdue column (highlighted when overdue).
OVERDUE_COLUMN = 11


class LedgerRow(NamedTuple):
    """One task as the ledger shows it; every text already in the reader's language.

    A NamedTuple rather than a dataclass: a large ledger makes one per task, and tuples are cheap.
    """

    task_id: int
    document_title: str
    doc_number: str
    label: str
    text: str
    lead_departments: tuple[str, ...]
    cooperating_departments: tuple[str, ...]
    # The time limits as the document words them ("2026年6月底前；长期坚持").
    time_limit: str
    due_on: datetime.date | None
    status: str
    # 0–100.
    progress: int
    overdue: bool
    latest_progress_on: datetime.date | None
    latest_progress: str
    evidence_count: int
    # "metric ≥ 90%, latest 85%; …"
    targets: str
    # Local time, naive (Excel has no time zones).
    updated_at: datetime.datetime | None
    # 领导批示 and their replies, one line each ("2026-12-01 leader: text" / "↳ 2026-12-03 department: text").
    instructions: str = ""


class ReportTimeliness(enum.StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"


@dataclass(frozen=True)
class DepartmentFigures:
    """A department's figures for the ranking. Lead tasks are those it leads or co-leads."""

    department: str
    region: str
    lead_tasks: int
    # Tasks in scope with any assignment of the department (lead, co-lead or cooperating).
    all_tasks: int
    # Lead tasks completed (status completed, i.e. verified).
    completed: int
    # Completed lead tasks that have a due date, and those of them completed on or before it.
    completed_with_due: int
    completed_on_time: int
    # Lead tasks overdue on the day of the ledger (past due, neither completed nor suspended).
    overdue: int
    report: ReportTimeliness
    report_submitted_on: datetime.date | None = None
    # The department's id (for the period snapshot); the workbook does not show it.
    department_id: int | None = None

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.lead_tasks if self.lead_tasks else None

    @property
    def on_time_rate(self) -> float | None:
        return self.completed_on_time / self.completed_with_due if self.completed_with_due else None


def rank_departments(figures: Iterable[DepartmentFigures]) -> list[tuple[int | None, DepartmentFigures]]:
    """(rank, figures) best first: by completion rate, then on-time rate, both descending.

    A missing rate (nothing to divide by) ranks below 0%. Departments with the same two rates share
    a rank and the next rank skips (1, 1, 3); within a tie fewer overdue tasks, then the name, decide
    the order of listing only. Departments that lead no task in scope are listed last, unranked.
    """

    def rates(item: DepartmentFigures) -> tuple[float, float]:
        return (
            -1.0 if item.completion_rate is None else item.completion_rate,
            -1.0 if item.on_time_rate is None else item.on_time_rate,
        )

    leading = sorted(
        (item for item in figures if item.lead_tasks),
        key=lambda item: (*(-rate for rate in rates(item)), item.overdue, item.department, item.region),
    )
    ranked: list[tuple[int | None, DepartmentFigures]] = []
    for position, item in enumerate(leading, start=1):
        if ranked and rates(ranked[-1][1]) == rates(item):
            ranked.append((ranked[-1][0], item))
        else:
            ranked.append((position, item))
    rest = sorted((item for item in figures if not item.lead_tasks), key=lambda i: (i.department, i.region))
    return ranked + [(None, item) for item in rest]


@dataclass(frozen=True)
class Ranking:
    """The ranking sheet's content: the period whose reports count, their due day, and the departments."""

    period: str
    report_due_on: datetime.date
    departments: list[DepartmentFigures]


def _ledger_columns() -> list[tuple[str, int]]:
    return [
        (_("Task ID"), 8),
        (_("Document"), 28),
        (_("Document number"), 18),
        (_("No. as printed"), 9),
        (_("Task text"), 50),
        (_("Lead departments"), 20),
        (_("Cooperating departments"), 20),
        (_("Time limit"), 18),
        (_("Due date"), 12),
        (_("Status"), 10),
        (_("Progress"), 8),
        (_("Overdue"), 8),
        (_("Latest progress on"), 12),
        (_("Latest progress"), 40),
        (_("Evidence files"), 8),
        (_("Targets (latest actual)"), 30),
        (_("Last updated"), 16),
        (_("Leaders' instructions"), 40),
    ]


def _ranking_columns() -> list[tuple[str, int]]:
    return [
        (_("Rank"), 6),
        (_("Department"), 28),
        (_("Region"), 12),
        (_("Tasks led"), 9),
        (_("Tasks, any role"), 9),
        (_("Completed"), 9),
        (_("Completion rate"), 10),
        (_("Completed with a due date"), 10),
        (_("Completed on time"), 10),
        (_("On-time rate"), 10),
        (_("Overdue"), 9),
        (_("Monthly report"), 14),
        (_("Report submitted on"), 12),
    ]


def _write_ledger_sheet(workbook, styles: SheetStyles, rows: Iterable[LedgerRow], *, title, info) -> int:
    columns = _ledger_columns()
    sheet, cells = start_sheet(workbook, _("Ledger"), columns)
    wrapped, centred = styles.wrapped, styles.centred
    writer = StyledRows(
        sheet,
        [
            (NUMBER, centred),  # task id
            (TEXT, wrapped),  # document
            (TEXT, wrapped),  # 文号
            (TEXT, wrapped),  # label
            (TEXT, wrapped),  # text
            (TEXT, wrapped),  # lead
            (TEXT, wrapped),  # cooperating
            (TEXT, wrapped),  # time limit
            (DATE, styles.date),  # due date
            (TEXT, wrapped),  # status
            (NUMBER, styles.percent),  # progress
            (TEXT, centred),  # overdue
            (DATE, styles.date),  # latest progress on
            (TEXT, wrapped),  # latest progress
            (NUMBER, centred),  # evidence
            (TEXT, wrapped),  # targets
            (DATE, styles.datetime),  # last updated
            (TEXT, wrapped),  # instructions
        ],
    )
    write_head(sheet, cells, styles, columns, title, info)
    yes, no = _("Yes"), _("No")
    highlighted = {OVERDUE_COLUMN: writer.style(styles.overdue)}
    append = writer.append
    written = 0
    for row in rows:
        append(
            (
                row.task_id,
                row.document_title,
                row.doc_number,
                row.label,
                row.text,
                "、".join(row.lead_departments),
                "、".join(row.cooperating_departments),
                row.time_limit,
                row.due_on,
                row.status,
                row.progress / 100,
                yes if row.overdue else no,
                row.latest_progress_on,
                row.latest_progress,
                row.evidence_count,
                row.targets,
                row.updated_at,
                row.instructions,
            ),
            highlighted if row.overdue else None,
        )
        written += 1
    finish_sheet(sheet, columns, HEADER_ROW + written)
    return written


def _report_words(item: DepartmentFigures) -> str:
    return {
        ReportTimeliness.ON_TIME: _("On time"),
        ReportTimeliness.LATE: _("Late"),
        ReportTimeliness.MISSING: _("Not submitted"),
    }[item.report]


def ranking_notes(ranking: Ranking) -> list[str]:
    """The definitions printed under the ranking table."""
    return [
        _(
            "Tasks led: tasks in scope the department leads or co-leads (a task with two co-leads counts "
            "for both). Completed, completion rate, overdue and on-time figures are over tasks led."
        ),
        _("Completion rate: completed tasks led / tasks led (completed means verified complete)."),
        _(
            "On-time rate: of the completed tasks led that have a due date, the share completed on or "
            "before it. A task's completion day is the day its completion was last verified, else the "
            "day it was last updated; its due date is its latest dated deadline."
        ),
        _("Overdue: tasks led past their due date on the ledger's day, neither completed nor suspended."),
        _(
            "Monthly report for %(period)s, due %(due)s: on time if submitted (submitted or approved) on "
            "or before the due day, late if after it, not submitted otherwise (including a report "
            "returned for changes and not handed in again)."
        )
        % {"period": ranking.period, "due": f"{ranking.report_due_on:%Y-%m-%d}"},
        _(
            "Rank: by completion rate, then on-time rate, highest first; a missing rate ranks below 0%. "
            "Departments with equal rates share a rank; fewer overdue tasks, then the name, order them "
            "within it. Departments that lead no task are listed last without a rank."
        ),
    ]


def _write_ranking_sheet(workbook, styles: SheetStyles, ranking: Ranking, *, title, info) -> int:
    columns = _ranking_columns()
    sheet, cells = start_sheet(workbook, _("Ranking"), columns)
    write_head(sheet, cells, styles, columns, title, info)
    text, value = cells.text, cells.value
    heights = column_heights(columns)
    written = 0
    for rank, item in rank_departments(ranking.departments):
        row = [
            value(rank, styles.centred),
            text(item.department, styles.wrapped),
            text(item.region, styles.wrapped),
            value(item.lead_tasks, styles.centred),
            value(item.all_tasks, styles.centred),
            value(item.completed, styles.centred),
            value(item.completion_rate, styles.rate),
            value(item.completed_with_due, styles.centred),
            value(item.completed_on_time, styles.centred),
            value(item.on_time_rate, styles.rate),
            value(item.overdue, styles.centred),
            text(
                _report_words(item),
                styles.overdue if item.report != ReportTimeliness.ON_TIME else styles.centred,
            ),
            value(item.report_submitted_on, styles.date),
        ]
        append_row(sheet, row, heights.cells_height(row))
        written += 1
    last_row = HEADER_ROW + written
    finish_sheet(sheet, columns, last_row)
    last_column = get_column_letter(len(columns))
    sheet.append([])
    # A note spans the table's width.
    note_heights = RowHeights([sum(width for _header, width in columns)])
    for offset, note in enumerate(ranking_notes(ranking), start=2):
        number = last_row + offset
        append_row(sheet, [cells.text(note, styles.note)], note_heights.height([note]))
        sheet.merged_cells.add(f"A{number}:{last_column}{number}")
    return written


def build_ledger_workbook(
    rows: Iterable[LedgerRow],
    ranking: Ranking,
    *,
    region: str,
    day: datetime.date,
    generated_at: datetime.datetime,
    count: int,
    out: str | IO[bytes] | None = None,
    changes: LedgerChanges | None = None,
) -> bytes | None:
    """Write the ledger and ranking to `out` (a path or a binary file); bytes when `out` is None.
    `changes` (a ledger as of a closed period): a third sheet with what changed (ledger_changes.py).

    `count` (the number of rows) is printed above the rows, so it is needed before them: rows may
    be an iterator that fetches as it goes. `generated_at` is shown as given (pass local time).
    """
    styles = SheetStyles()
    workbook = Workbook(write_only=True)
    title = _("%(region)s reform task ledger, %(day)s") % {"region": region, "day": f"{day:%Y-%m-%d}"}
    workbook.properties.title = safe_text(title)[0]
    info = ngettext(
        "Generated at %(time)s, %(count)s task",
        "Generated at %(time)s, %(count)s tasks",
        count,
    ) % {"time": f"{generated_at:%Y-%m-%d %H:%M}", "count": count}
    _write_ledger_sheet(workbook, styles, rows, title=title, info=info)
    ranking_title = _("%(region)s department ranking, %(day)s") % {"region": region, "day": f"{day:%Y-%m-%d}"}
    ranking_info = _("Monthly reports of %(period)s, due %(due)s") % {
        "period": ranking.period,
        "due": f"{ranking.report_due_on:%Y-%m-%d}",
    }
    _write_ranking_sheet(workbook, styles, ranking, title=ranking_title, info=ranking_info)
    if changes is not None:
        write_changes_sheet(workbook, styles, changes, region=region)
    if out is None:
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    workbook.save(out)
    return None
