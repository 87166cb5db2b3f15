import datetime

import pytest
from django.core.exceptions import ValidationError

from tasks.reports.services import periods as report_periods


def test_period_arithmetic():
    assert report_periods.period_of(datetime.date(2026, 10, 31)) == "2026-10"
    assert report_periods.previous_period(datetime.date(2026, 1, 5)) == "2025-12"
    assert report_periods.period_bounds("2024-02") == (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    assert report_periods.period_bounds("2025-12") == (
        datetime.date(2025, 12, 1),
        datetime.date(2025, 12, 31),
    )


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "26-10", "", "0999-01", "2026-10-01"])
def test_bad_periods_are_refused_with_a_message(bad):
    with pytest.raises(ValidationError, match="YYYY-MM"):
        report_periods.parse_period(bad)


def test_september_2026_is_built_after_the_national_day_holiday(settings):
    # 2026-10-01..07 is the National Day holiday, so the report on September is built on 2026-10-08;
    # the fifth working day counting it is 2026-10-13, with the 调休 Saturday 2026-10-10 among them.
    settings.REPORT_DUE_WORKING_DAYS = 5
    assert report_periods.build_date("2026-09") == datetime.date(2026, 10, 8)
    assert report_periods.is_build_day(datetime.date(2026, 10, 8))
    assert not report_periods.is_build_day(datetime.date(2026, 10, 9))
    assert report_periods.due_date("2026-09") == datetime.date(2026, 10, 13)
