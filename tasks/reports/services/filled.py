"""The report workbook as it stands: what was recorded for the report in the columns to fill.

The stored file is the blank workbook of the build (its "now" columns as they were then). Once a
department has filled in its report the office and the department download it regenerated instead:
the same builder over the same rows (`iter_department_rows`, the task's status and percent now), the
columns to fill pre-filled with the latest values recorded through the report per task, and the
reason of a returned row as a comment on its status cell. Regenerated on each download rather than
rebuilt after each fill: a fill then costs nothing more, the download is never stale, and it costs the
build's constant queries (two, four per chunk of 500 tasks) plus three.

The workbook keeps the report's identifier, so a downloaded, corrected and re-uploaded file is
accepted; rows left as downloaded are recorded again as they are.
"""

from __future__ import annotations

import dataclasses
import datetime
import tempfile
from decimal import Decimal, InvalidOperation
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.models import Report, TaskStatus
from tasks.reports.services.department import (
    CHUNK_SIZE,
    iter_department_rows,
    period_label,
    status_labels,
)
from tasks.reports.services.drafts import recorded_values
from tasks.reports.services.periods import due_date
from tasks.reports.services.review import row_returns
from tasks.workbooks.department_report import FilledCells, build_department_workbook, identifier_for

__all__ = ["filled_workbook", "write_filled_report"]

# Workbooks up to this size are written in memory, larger ones spill to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def write_filled_report(report: Report, out, *, today: datetime.date | None = None) -> int:
    """Write the department report's workbook with its recorded values to `out`; the task rows."""
    today = today or timezone.localdate()
    values = recorded_values(report)
    reasons = row_returns(report)
    labels = {value: str(label) for value, label in TaskStatus.choices}
    total, slots, rows = iter_department_rows(report.department, today=today, chunk_size=CHUNK_SIZE)

    def filled_rows():
        for row in rows:
            recorded = values.get(row.task_id)
            filled = None
            if recorded and not row.completed:
                filled = FilledCells(
                    status=labels.get(recorded["status"], recorded["status"]),
                    percent=int(recorded["percent"]),
                    narrative=recorded["narrative"],
                    actuals={
                        int(key.removeprefix("actual-")): _number(text)
                        for key, text in recorded.items()
                        if key.startswith("actual-")
                    },
                )
            yield dataclasses.replace(row, filled=filled, returned_reason=reasons.get(row.task_id, ""))

    return build_department_workbook(
        filled_rows(),
        out,
        department=report.department.name,
        period_label=period_label(report.period),
        due_on=due_date(report.period),
        status_labels=status_labels(),
        target_slots=slots,
        identifier=identifier_for(report.pk),
        reason_author=_("Reform office"),
    )


def filled_workbook(report: Report) -> IO[bytes]:
    """The regenerated workbook in a temporary file, at its start (for a FileResponse to stream)."""
    # Closed by the FileResponse once sent.
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        write_filled_report(report, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
