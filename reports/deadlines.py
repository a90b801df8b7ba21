"""整改时限: the audit date plus N working days by severity, on the Chinese working calendar.

Working days count official holidays and make-up workdays (调休) (`govaudit.core.workdays`); a
date beyond the calendar's known years is marked approximate so the list can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from govaudit.core.workdays import add_workdays
from govaudit.reports.settings import ReportSettings


@dataclass(frozen=True)
class Deadline:
    date: date
    approximate: bool

    def label(self) -> str:
        return self.date.isoformat() + ("（约）" if self.approximate else "")


def deadline_for(severity: str, as_of: date, settings: ReportSettings) -> Deadline:
    """The rectification deadline of a finding of this severity found on `as_of`."""
    result = add_workdays(as_of, settings.deadline_days[severity])
    return Deadline(result.date, result.approximate)
