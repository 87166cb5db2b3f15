"""Working days follow the State Council's holiday schedule, make-up working days included."""

import datetime
import logging

import pytest

from reform import workdays
from reform.workdays import (
    add_workdays,
    first_workday_of_month,
    is_workday,
    next_workday,
    workdays_between,
)

D = datetime.date


@pytest.fixture(autouse=True)
def _forget_warnings(monkeypatch):
    # Each test sees the fallback warning afresh.
    monkeypatch.setattr(workdays, "_warned_years", set())


def test_national_day_is_no_workday_although_a_tuesday():
    assert D(2024, 10, 1).weekday() == 1
    assert not is_workday(D(2024, 10, 1))


def test_a_sunday_make_up_day_before_national_day_is_a_workday():
    assert D(2024, 9, 29).weekday() == 6
    assert is_workday(D(2024, 9, 29))


def test_a_sunday_make_up_day_before_spring_festival_is_a_workday():
    assert D(2025, 1, 26).weekday() == 6
    assert is_workday(D(2025, 1, 26))


def test_ordinary_weekend_and_weekday():
    assert not is_workday(D(2024, 11, 2))  # a plain Saturday
    assert is_workday(D(2024, 11, 4))  # a plain Monday


def test_datetime_is_taken_as_its_date():
    assert not is_workday(datetime.datetime(2024, 10, 1, 9, 30))


def test_next_workday_skips_the_national_day_holiday():
    # 1–7 October 2024 are off; 12 October (Saturday) is a make-up working day.
    assert next_workday(D(2024, 9, 30)) == D(2024, 10, 8)


def test_next_workday_includes_today_only_when_asked():
    assert next_workday(D(2024, 10, 8), include_today=True) == D(2024, 10, 8)
    assert next_workday(D(2024, 10, 8)) == D(2024, 10, 9)
    assert next_workday(D(2024, 10, 5), include_today=True) == D(2024, 10, 8)


def test_next_workday_lands_on_a_make_up_saturday():
    assert D(2024, 10, 12).weekday() == 5
    assert next_workday(D(2024, 10, 11)) == D(2024, 10, 12)


def test_add_workdays_across_the_holiday():
    # 27 Sep (Fri) → 29 Sep (Sun, make-up) → 30 Sep → 8 Oct.
    assert add_workdays(D(2024, 9, 27), 1) == D(2024, 9, 29)
    assert add_workdays(D(2024, 9, 27), 3) == D(2024, 10, 8)


def test_add_workdays_backwards_and_zero():
    assert add_workdays(D(2024, 10, 8), -1) == D(2024, 9, 30)
    assert add_workdays(D(2024, 10, 5), 0) == D(2024, 10, 5)


def test_add_workdays_refuses_absurd_counts():
    with pytest.raises(ValueError, match="at most"):
        add_workdays(D(2024, 1, 1), 10**6)


def test_workdays_between_counts_make_up_days_and_skips_holidays():
    # After 27 Sep up to 8 Oct: 29 Sep, 30 Sep, 8 Oct.
    assert workdays_between(D(2024, 9, 27), D(2024, 10, 8)) == 3
    assert workdays_between(D(2024, 10, 8), D(2024, 9, 27)) == -3
    assert workdays_between(D(2024, 10, 8), D(2024, 10, 8)) == 0


def test_first_workday_of_month_skips_new_year_and_national_day():
    assert first_workday_of_month(2024, 10) == D(2024, 10, 8)
    assert first_workday_of_month(2025, 1) == D(2025, 1, 2)
    assert first_workday_of_month(2024, 11) == D(2024, 11, 1)


def test_a_year_the_package_does_not_know_falls_back_to_monday_to_friday(caplog):
    caplog.set_level(logging.WARNING, logger="reform.workdays")
    assert D(2099, 1, 1).weekday() == 3
    assert is_workday(D(2099, 1, 1))  # New Year's Day, but we cannot know the schedule
    assert not is_workday(D(2099, 1, 3))  # a Saturday
    assert next_workday(D(2099, 1, 2)) == D(2099, 1, 5)
    warnings = [r for r in caplog.records if r.name == "reform.workdays"]
    assert len(warnings) == 1, "warned once per year, not once per day"
    assert warnings[0].levelno == logging.WARNING
    assert "2099" in warnings[0].getMessage()
