"""Working days in mainland China: public holidays and 调休 make-up working days.

Offices count deadlines and reminder dates in working days, so a Saturday that is a make-up
working day counts and a weekday inside the National Day holiday does not. The `chinese-calendar`
package holds the State Council's schedule for the years it knows; outside them (the schedule for
a year is published in the November before it) we fall back to Monday–Friday and log a warning,
because a date a few days off is better than a reminder job that crashes.
"""

from __future__ import annotations

import datetime
import logging

import chinese_calendar

logger = logging.getLogger(__name__)

# Years already warned about, so a job walking a whole year logs once per year, not per day.
_warned_years: set[int] = set()

_ONE_DAY = datetime.timedelta(days=1)
# add_workdays(d, n) walks day by day; a bound keeps a bad n from spinning for ever.
_MAX_WORKDAYS = 100_000


def _as_date(d: datetime.date) -> datetime.date:
    # datetime is a subclass of date; comparing the two raises, so keep only the date.
    return d.date() if isinstance(d, datetime.datetime) else d


def is_workday(d: datetime.date) -> bool:
    """Whether people work on this day: a weekday that is no holiday, or a make-up working day."""
    d = _as_date(d)
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        if d.year not in _warned_years:
            _warned_years.add(d.year)
            logger.warning(
                "chinese-calendar has no holiday schedule for %s; counting Monday to Friday as "
                "working days (upgrade the chinese-calendar package)",
                d.year,
            )
        return d.weekday() < 5


def next_workday(d: datetime.date, include_today: bool = False) -> datetime.date:
    """The first working day after `d` (or `d` itself when it is one and `include_today`)."""
    d = _as_date(d)
    if include_today and is_workday(d):
        return d
    d += _ONE_DAY
    while not is_workday(d):
        d += _ONE_DAY
    return d


def previous_workday(d: datetime.date) -> datetime.date:
    """The last working day before `d`."""
    d = _as_date(d) - _ONE_DAY
    while not is_workday(d):
        d -= _ONE_DAY
    return d


def add_workdays(d: datetime.date, n: int) -> datetime.date:
    """The date `n` working days after `d` (before it when `n` is negative).

    `add_workdays(d, 0)` is `d` itself, working day or not; `add_workdays(friday, 1)` is the next
    working day, usually Monday.
    """
    if abs(n) > _MAX_WORKDAYS:
        raise ValueError(f"n must be at most {_MAX_WORKDAYS} working days, not {n}")
    d = _as_date(d)
    step = next_workday if n > 0 else previous_workday
    for _ in range(abs(n)):
        d = step(d)
    return d


def workdays_between(a: datetime.date, b: datetime.date) -> int:
    """Working days after `a` up to and including `b`; negative when `b` is before `a`.

    Counted like elapsed days (`(b - a).days`), so "due in N working days" reads naturally:
    from Friday to the next Monday is 1, from a day to itself 0.
    """
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -workdays_between(b, a)
    count = 0
    d = a + _ONE_DAY
    while d <= b:
        count += is_workday(d)
        d += _ONE_DAY
    return count


def first_workday_of_month(year: int, month: int) -> datetime.date:
    """The first working day of a month (monthly reports are due relative to it)."""
    return next_workday(datetime.date(year, month, 1), include_today=True)
