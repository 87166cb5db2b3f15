"""The entries of a department report being filled in, and how each is checked.

An entry is what one task's row (an upload) or form (online) says: status, percent, narrative and the
actual value per target. `check_entry` turns the raw values into a `ReportEntry`, appending every
problem found to a list of `FillError`s (row, column, message) instead of stopping at the first, so the
liaison sees every mistake at once. Nothing here reads the database; tasks/services/report_filling.py
records the entries.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from tasks.models import TaskStatus
from tasks.services.editing import MAX_DIGITS_VALUE
from tasks.services.progress import REPORTABLE_STATUSES

__all__ = [
    "FillError",
    "FillErrors",
    "ReportEntry",
    "check_entry",
    "is_blank",
    "shown_text",
    "status_choices",
]


@dataclass(frozen=True)
class FillError:
    row: int | str | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class FillErrors(ValidationError):
    """Every problem of a filled report; nothing was recorded."""

    def __init__(self, errors: Sequence[FillError]) -> None:
        self.errors_list = list(errors)
        super().__init__([str(error) for error in self.errors_list], code="report_rows")


@dataclass
class ReportEntry:
    task_id: int
    row: int | str
    status: str
    percent: int
    narrative: str
    readings: dict[int, Decimal] = field(default_factory=dict)


def status_choices() -> dict[str, str]:
    """Every way a status may be written (its value, its label in each language) -> its value."""
    choices: dict[str, str] = {}
    for value in REPORTABLE_STATUSES:
        choices[value] = value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                choices[str(TaskStatus(value).label).strip()] = value
    return choices


def _percent(value) -> int | None:
    """A whole number 0–100 from a cell or a form field; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            return None
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= 100:
        return None
    return value


def _number(value) -> Decimal | None:
    """A finite number from a cell or a form field; None if it is not one."""
    if isinstance(value, (bool, datetime.date, datetime.time, datetime.timedelta)):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= MAX_DIGITS_VALUE:
        return None
    return number.quantize(Decimal("0.0001"))


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check_entry(
    *,
    row: int | str,
    headers: Mapping[str, str],
    status,
    percent,
    narrative,
    remarks,
    actuals: Sequence[tuple[str, int | None, object]],
    task_id: int,
    target_ids: set[int],
    statuses: Mapping[str, str],
    errors: list[FillError],
    completed: bool = False,
) -> ReportEntry | None:
    """One row or form; None when it is left empty. Problems are appended to `errors`.

    `actuals` are (column, target id or None when the slot has no target, value)."""
    if all(is_blank(v) for v in (status, percent, narrative, remarks, *(value for _c, _t, value in actuals))):
        return None
    if completed:
        # record_progress would refuse it too, but only after the other rows had been written.
        errors.append(
            FillError(
                row, headers["status"], _("This task has been verified as completed; leave its row empty.")
            )
        )
        return None
    before = len(errors)
    clean_status = statuses.get(shown_text(status))
    if is_blank(status):
        errors.append(FillError(row, headers["status"], _("Choose a status.")))
    elif clean_status is None:
        errors.append(
            FillError(
                row,
                headers["status"],
                _("“%(value)s” is not a status a report can set; use one of %(labels)s.")
                % {
                    "value": shown_text(status),
                    "labels": "、".join(str(TaskStatus(v).label) for v in REPORTABLE_STATUSES),
                },
            )
        )
    clean_percent = _percent(percent)
    if clean_percent is None:
        errors.append(
            FillError(
                row,
                headers["percent"],
                _("Give the progress as a whole number from 0 to 100.")
                if is_blank(percent)
                else _("“%(value)s” is not a whole number from 0 to 100.") % {"value": shown_text(percent)},
            )
        )
    readings: dict[int, Decimal] = {}
    for column, target_id, value in actuals:
        if is_blank(value):
            continue
        if target_id is None or target_id not in target_ids:
            errors.append(FillError(row, column, _("This task has no such target; leave the cell empty.")))
            continue
        if isinstance(value, (datetime.date, datetime.time)):
            errors.append(
                FillError(row, column, _("A date is not an actual value; enter a plain number (e.g. 87)."))
            )
            continue
        number = _number(value)
        if number is None:
            errors.append(
                FillError(row, column, _("“%(value)s” is not a number.") % {"value": shown_text(value)})
            )
            continue
        readings[target_id] = number
    if len(errors) > before:
        return None
    text = shown_text(narrative)
    if not is_blank(remarks):
        note = _("Remarks: %(remarks)s") % {"remarks": shown_text(remarks)}
        text = f"{text}\n{note}" if text else note
    return ReportEntry(
        task_id=task_id,
        row=row,
        status=clean_status,
        percent=clean_percent,
        narrative=text,
        readings=readings,
    )
