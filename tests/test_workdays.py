"""Working-day arithmetic on real holiday periods of the official calendar."""

from __future__ import annotations

import logging
from datetime import date

from govaudit.core.workdays import WorkdayResult, add_workdays, is_workday, workdays_between


def test_make_up_workdays_and_holidays_of_national_day_2021() -> None:
    # 2021: National Day 10-01..10-07 off; Sunday 09-26 and Saturday 10-09 are make-up workdays.
    assert is_workday(date(2021, 9, 26)) == (True, False)
    assert is_workday(date(2021, 10, 9)) == (True, False)
    assert is_workday(date(2021, 10, 4)) == (False, False)  # a Monday inside the holiday
    assert is_workday(date(2021, 10, 10)) == (False, False)  # an ordinary Sunday


def test_twenty_workdays_across_national_day_2021_span_more_than_28_calendar_days() -> None:
    # From Friday 2021-09-17: the make-up days 09-18 (Mid-Autumn), 09-26 and 10-09 count, the
    # holidays 09-19..21 and 10-01..07 don't: the 20th working day is 2021-10-21, 34 days later.
    result = add_workdays(date(2021, 9, 17), 20)
    assert result == WorkdayResult(date(2021, 10, 21), False)
    assert (result.date - date(2021, 9, 17)).days == 34
    assert workdays_between(date(2021, 9, 17), date(2021, 10, 21)) == (20, False)
    assert workdays_between(date(2021, 9, 17), date(2021, 10, 22)) == (21, False)


def test_spring_festival_2024() -> None:
    # 2024: 02-10..02-17 off, Sunday 02-04 and Sunday 02-18 are make-up workdays.
    assert add_workdays(date(2024, 2, 8), 3) == WorkdayResult(date(2024, 2, 19), False)
    assert workdays_between(date(2024, 2, 8), date(2024, 2, 17)) == (1, False)  # only 02-09
    assert add_workdays(date(2024, 2, 2), 1).date == date(2024, 2, 4)  # the make-up Sunday


def test_counting_is_symmetric_and_excludes_the_start() -> None:
    assert add_workdays(date(2021, 10, 25), -20).date == date(2021, 9, 22)
    assert add_workdays(date(2021, 10, 25), 0) == WorkdayResult(date(2021, 10, 25), False)
    assert workdays_between(date(2021, 10, 21), date(2021, 9, 17)) == (-20, False)
    assert workdays_between(date(2021, 9, 17), date(2021, 9, 17)) == (0, False)


def test_years_outside_the_calendar_count_weekdays_and_say_so(caplog) -> None:
    # The package knows 2004..its release year; far years fall back to Monday-Friday.
    with caplog.at_level(logging.WARNING, logger="govaudit.core.workdays"):
        result = add_workdays(date(2099, 1, 2), 3)  # a Friday
        add_workdays(date(2099, 1, 2), 3)
    assert result == WorkdayResult(date(2099, 1, 7), True)
    assert workdays_between(date(2099, 1, 2), date(2099, 1, 7)) == (3, True)
    assert is_workday(date(1999, 10, 1)) == (True, True)  # a holiday, unknown to the package
    # A span that only touches an unknown year is approximate as a whole.
    assert workdays_between(date(2003, 12, 30), date(2004, 1, 5))[1] is True
    warnings = [r for r in caplog.records if "2099" in r.getMessage()]
    assert len(warnings) <= 1  # once per year (may already have been logged by another test)
