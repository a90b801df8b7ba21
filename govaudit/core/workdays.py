"""Chinese working-day arithmetic: statutory holidays and make-up workdays (调休) included.

Deadlines of 《政府信息公开条例》 are counted in working days (art. 26: 20 working days; art. 33:
20 working days for requests), and so are rectification periods (整改时限, "10 个工作日内").
The official calendar changes every year (the State Council announces holidays each winter),
so the `chinesecalendar` package is the source, not a hand-written table. Outside the years it
knows, days are counted Monday to Friday only and the result is marked `approximate`; a warning
is logged once per year so the run can be explained afterwards.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import chinese_calendar

log = logging.getLogger(__name__)

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkdayResult:
    """A date computed on the working-day calendar; `approximate` when weekdays stood in for it."""

    date: date
    approximate: bool


@cache
def _year_known(year: int) -> bool:
    """Whether the package has the official calendar of `year` (it raises outside its range)."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        log.warning(
            "chinese_calendar 没有 %d 年的节假日数据：只按周一至周五计算工作日（近似）", year
        )
        return False
    return True


@cache  # overdue asks about the same few thousand days for every document
def is_workday(day: date) -> tuple[bool, bool]:
    """(is a working day, approximate): make-up Saturdays count, statutory holidays don't."""
    if _year_known(day.year):
        return chinese_calendar.is_workday(day), False
    return day.weekday() < 5, True


def add_workdays(start: date, n: int) -> WorkdayResult:
    """The n-th working day after `start` (before it when n < 0); `start` itself never counts.

    This is the last allowed day of a deadline "within n working days of start"."""
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    day, left, approximate = start, abs(n), False
    while left:
        day += step
        working, approx = is_workday(day)
        approximate |= approx
        left -= working
    return WorkdayResult(day, approximate)


def workdays_between(a: date, b: date) -> tuple[int, bool]:
    """(working days d with a < d <= b, approximate); negative when b is before a.

    `workdays_between(a, add_workdays(a, n).date) == n`, so "more than n working days after a"
    is `workdays_between(a, b)[0] > n`."""
    if b < a:
        count, approximate = workdays_between(b, a)
        return -count, approximate
    count, approximate, day = 0, False, a
    while day < b:
        day += _ONE_DAY
        working, approx = is_workday(day)
        approximate |= approx
        count += working
    return count, approximate
