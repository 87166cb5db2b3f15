"""Report periods ("YYYY-MM"): which month a report covers and when it is due back.

The monthly build runs on the first working day of a month and covers the month just ended; the
departments hand their reports in within REPORT_DUE_WORKING_DAYS working days of that first working day.
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from reform import workdays

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_period(period: str) -> tuple[int, int]:
    """(year, month) of a period, or a ValidationError naming the expected form."""
    match = PERIOD_RE.match(period or "")
    if not match or not 1900 <= int(match.group(1)) <= 2999:
        raise ValidationError(
            _("“%(period)s” is not a period: use YYYY-MM, e.g. 2026-10.") % {"period": period}
        )
    return int(match.group(1)), int(match.group(2))


def period_of(day: datetime.date) -> str:
    """The period that contains a day."""
    return f"{day.year:04d}-{day.month:02d}"


def previous_period(day: datetime.date) -> str:
    """The month before the one containing `day`: what the build on `day` reports on."""
    return period_of(day.replace(day=1) - datetime.timedelta(days=1))


def period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a period."""
    year, month = parse_period(period)
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


def build_date(period: str) -> datetime.date:
    """The first working day after the period: the day the monthly build runs for it."""
    _first, last = period_bounds(period)
    following = last + datetime.timedelta(days=1)
    return workdays.first_workday_of_month(following.year, following.month)


def due_date(period: str) -> datetime.date:
    """The day a department's report for `period` is due: the Nth working day from the build day."""
    return workdays.add_workdays(build_date(period), max(settings.REPORT_DUE_WORKING_DAYS, 1) - 1)


def is_build_day(day: datetime.date) -> bool:
    """Whether `day` is the first working day of its month (the monthly build runs then)."""
    return day == workdays.first_workday_of_month(day.year, day.month)
