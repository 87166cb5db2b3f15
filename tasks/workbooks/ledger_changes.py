"""The 台账's third sheet when it is read as of a closed period: what changed since the previous one.

Plain rows in (no database): the tasks newly completed, newly overdue and with progress changed, each
with its state before and after, then the departments whose monthly report was late or missing. The
same figures as the as-of pages and the 通报 (tasks/periods/services/changes.py computes them).
Laid out and printed as the other sheets (sheet_layout.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from openpyxl import Workbook

from tasks.i18n import _, ngettext
from tasks.workbooks.cells import DATE, TEXT, StyledRows
from tasks.workbooks.sheet_layout import HEADER_ROW, SheetStyles, finish_sheet, start_sheet, write_head

__all__ = ["ChangedRow", "LateRow", "LedgerChanges", "write_changes_sheet"]


class ChangedRow(NamedTuple):
    """A task whose state moved; statuses already in words, `None` before when there was no row then."""

    label: str
    text: str
    lead_departments: tuple[str, ...]
    status_before: str | None
    status_after: str
    percent_before: int | None
    percent_after: int
    due_on: datetime.date | None


class LateRow(NamedTuple):
    department: str
    # Already in words: "late" or "not submitted".
    timeliness: str
    submitted_on: datetime.date | None


@dataclass
class LedgerChanges:
    """What changed in `period` against `previous_period` (None: the first closed period)."""

    period: str
    previous_period: str | None
    # (category title, its rows): newly completed, newly overdue, progress changed.
    sections: Sequence[tuple[str, Sequence[ChangedRow]]] = field(default_factory=list)
    late: Sequence[LateRow] = field(default_factory=list)


def _columns() -> list[tuple[str, int]]:
    return [
        (_("Change"), 12),
        (_("No. as printed"), 9),
        (_("Task text or department"), 50),
        (_("Lead departments"), 22),
        (_("Status (before → after)"), 20),
        (_("Progress (before → after)"), 14),
        (_("Due date or submitted on"), 14),
    ]


def _moved(before, after) -> str:
    return f"{after}" if before is None or before == after else f"{before} → {after}"


def _info(changes: LedgerChanges) -> str:
    counts = [
        ngettext("%(title)s: %(count)s task", "%(title)s: %(count)s tasks", len(rows))
        % {"title": title, "count": len(rows)}
        for title, rows in changes.sections
    ]
    counts.append(
        ngettext(
            "reports late: %(count)s department", "reports late: %(count)s departments", len(changes.late)
        )
        % {"count": len(changes.late)}
    )
    if changes.previous_period is None:
        against = _(
            "The first closed period: nothing to compare with, so every completed or overdue task is new"
        )
    else:
        against = _("Compared with %(period)s") % {"period": changes.previous_period}
    return _("%(against)s: %(counts)s") % {"against": against, "counts": _("; ").join(counts)}


def write_changes_sheet(
    workbook: Workbook, styles: SheetStyles, changes: LedgerChanges, *, region: str
) -> int:
    """Append the sheet to a write-only workbook; the number of rows under the header."""
    columns = _columns()
    sheet, cells = start_sheet(workbook, _("Changes"), columns)
    wrapped, centred = styles.wrapped, styles.centred
    writer = StyledRows(
        sheet,
        [
            (TEXT, centred),  # change
            (TEXT, centred),  # label
            (TEXT, wrapped),  # task text / department
            (TEXT, wrapped),  # leads
            (TEXT, wrapped),  # status
            (TEXT, centred),  # percent
            (DATE, styles.date),  # due / submitted on
        ],
    )
    title = _("%(region)s ledger: what changed in %(period)s") % {"region": region, "period": changes.period}
    write_head(sheet, cells, styles, columns, title, _info(changes))
    written = 0
    for category, rows in changes.sections:
        for row in rows:
            writer.append(
                (
                    category,
                    row.label,
                    row.text,
                    "、".join(row.lead_departments),
                    _moved(row.status_before, row.status_after),
                    _moved(
                        None if row.percent_before is None else f"{row.percent_before}%",
                        f"{row.percent_after}%",
                    ),
                    row.due_on,
                )
            )
            written += 1
    late = _("Report late")
    for row in changes.late:
        writer.append((late, "", row.department, "", row.timeliness, "", row.submitted_on))
        written += 1
    finish_sheet(sheet, columns, HEADER_ROW + written)
    return written
