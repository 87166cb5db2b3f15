"""The entries of a department report being filled in, and how each is checked.

An entry is what one task's row (an upload) or form (online) says: status, percent, narrative and the
actual value per target. `check_entry` turns the raw values into a `ReportEntry`, appending every
problem found to a list of `FillError`s (row, column, message) instead of stopping at the first, so the
liaison sees every mistake at once. Nothing here reads the database; tasks/reports/services/filling.py
records the entries.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from tasks.ledger.services.progress import REPORTABLE_STATUSES
from tasks.models import TaskStatus
from tasks.numbers import (
    NotANumber,
    PercentNotAllowed,
    is_percent_unit,
    percent_refusal,
    read_actual,
    read_number,
)

__all__ = [
    "Actual",
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


class Actual(NamedTuple):
    """One actual value of a row or form: where it is (the column or field named in errors), the
    target of its slot (None when the slot has none), the value and, for a cell, its number format."""

    column: str
    target_id: int | None
    value: object
    number_format: str | None = None


def _percent(value, number_format: str | None = None) -> tuple[int | None, str]:
    """A whole number 0–100 from a cell or a form field (72, "72", "72%", or 0.72 in a percent-formatted
    cell), or None; and the value as the person saw it, for the error."""
    try:
        typed = read_number(value, number_format)  # a percentage, so "72%" is welcome
    except NotANumber:
        return None, shown_text(value)
    if typed is None:
        return None, ""
    number = typed.value
    if number != number.to_integral_value() or not 0 <= number <= 100:
        return None, str(typed)
    return int(number), str(typed)


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
    actuals: Sequence[Actual],
    task_id: int,
    target_units: Mapping[int, str],
    statuses: Mapping[str, str],
    errors: list[FillError],
    completed: bool = False,
    percent_format: str | None = None,
) -> ReportEntry | None:
    """One row or form; None when it is left empty. Problems are appended to `errors`.

    `target_units` are the task's targets (id -> unit): an actual of a target in % may be written as a
    percentage (tasks/numbers.py), as may the progress percent; `percent_format` is the number
    format of the percent's cell."""
    if all(is_blank(v) for v in (status, percent, narrative, remarks, *(actual.value for actual in actuals))):
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
    clean_percent, shown_percent = _percent(percent, percent_format)
    if clean_percent is None:
        errors.append(
            FillError(
                row,
                headers["percent"],
                _("Give the progress as a whole number from 0 to 100.")
                if is_blank(percent)
                else _("“%(value)s” is not a whole number from 0 to 100.") % {"value": shown_percent},
            )
        )
    readings: dict[int, Decimal] = {}
    for column, target_id, value, number_format in actuals:
        if is_blank(value):
            continue
        if target_id is None or target_id not in target_units:
            errors.append(FillError(row, column, _("This task has no such target; leave the cell empty.")))
            continue
        if isinstance(value, (datetime.date, datetime.time)):
            errors.append(
                FillError(row, column, _("A date is not an actual value; enter a plain number (e.g. 87)."))
            )
            continue
        unit = target_units[target_id]
        try:
            number = read_actual(value, percentage=is_percent_unit(unit), number_format=number_format)
        except PercentNotAllowed as refusal:
            errors.append(FillError(row, column, percent_refusal(refusal.typed, unit)))
            continue
        except NotANumber:
            errors.append(
                FillError(row, column, _("“%(value)s” is not a number.") % {"value": shown_text(value)})
            )
            continue
        readings[target_id] = number.quantize(Decimal("0.0001"))
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
