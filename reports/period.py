"""A period's audits of a site summed up, for the 季度报告 the office sends up.

    period = parse_period("2026-Q4")          # also "2026-11" (a month) and "2026" (a year)
    summary = period_summary(store, "示例局", period, judge)     # judge: checks.judge.judge
    rollup = [period_summary(store, site, period, judge) for site in sites]   # a multi-site store

Read from the store only: every finished audit of the site whose audit date (as_of) falls in the
period, each through its own listing (reports/listing.py), so the figures are those its lists
showed (after the staff's reviews). Over the period:

    found       every problem listed open by one of its audits (预警 apart, 误报 not counted)
    new         of those, first seen within the period
    fixed       listed 已整改 by one of its audits and not open again at its last audit
    still open  open at the period's last audit

and the same per 栏目 and per 责任科室, and each audit's verdict in order (the trend). A period
with no finished audit of the site is a ConfigError: nothing to report is no report.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from govaudit.core.config import ConfigError
from govaudit.core.store import Store
from govaudit.core.verdicts import Judge
from govaudit.reports.listing import ReportData, Row, build_listing
from govaudit.reports.settings import report_settings

_PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|\d{2}))?$")
NO_COLUMN, NO_DEPARTMENT = "（未归属栏目）", "（未指定责任科室）"


@dataclass(frozen=True)
class Period:
    text: str  # as given: 2026-Q4, 2026-11, 2026
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        """The period in the words of a report's title: 2026年第四季度, 2026年11月, 2026年."""
        year, _, part = self.text.partition("-")
        if part.startswith("Q"):
            return f"{year}年第{'一二三四'[int(part[1]) - 1]}季度"
        return f"{year}年{int(part)}月" if part else f"{year}年"


def parse_period(text: str) -> Period:
    match = _PERIOD.match(text.strip())
    if not match:
        raise ConfigError(
            f"--period {text!r}：应为 2026-Q4（季度）、2026-11（月份）或 2026（年度）"
        )
    year, part = int(match.group(1)), match.group(2)
    if part is None:
        return Period(text, date(year, 1, 1), date(year, 12, 31))
    if part.startswith("Q"):
        first = 3 * (int(part[1]) - 1) + 1
        last = first + 2
    else:
        first = last = int(part)
        if not 1 <= first <= 12:
            raise ConfigError(f"--period {text!r}：月份应为 01 到 12")
    return Period(text, date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]))


@dataclass(frozen=True)
class Tally:
    found: int = 0
    new: int = 0
    fixed: int = 0
    open: int = 0


@dataclass(frozen=True)
class AuditPoint:
    audit_id: int
    as_of: str
    verdict: str
    complete: bool
    open: int
    critical: int


@dataclass(frozen=True)
class PeriodSummary:
    site: str
    period: Period
    audits: tuple[AuditPoint, ...]
    total: Tally
    by_column: list[tuple[str, Tally]] = field(default_factory=list)
    by_department: list[tuple[str, Tally]] = field(default_factory=list)

    @property
    def last_verdict(self) -> str:
        return self.audits[-1].verdict


def sites_in_period(store: Store, period: Period) -> list[str]:
    """The sites of the store with a finished audit in the period, in order of first audit."""
    sites: dict[str, None] = {}
    for audit in store.audits():
        if audit["status"] == "finished" and _within(audit["as_of"], period):
            sites.setdefault(audit["site"], None)
    return list(sites)


def period_summary(store: Store, site: str, period: Period, judge: Judge) -> PeriodSummary:
    audits = [
        a for a in store.audits(site) if a["status"] == "finished" and _within(a["as_of"], period)
    ]
    if not audits:
        raise ConfigError(
            f"{store.path} 中没有 {site} 在 {period.label}（{period.text}）完成的审计"
        )
    listings = [
        build_listing(store, a["id"], report_settings(a["config"].get("report") or {}), judge)
        for a in audits
    ]
    return _summed(listings[0].site, period, listings)


def _summed(site: str, period: Period, listings: list[ReportData]) -> PeriodSummary:
    found: dict[str, Row] = {}
    fixed: dict[str, Row] = {}
    for data in listings:
        for row in data.open_rows:
            found[row.finding_id] = row  # the latest wording, column and department
        for row in data.fixed_rows:
            fixed.setdefault(row.finding_id, row)
    still_open = {r.finding_id for r in listings[-1].open_rows}
    fixed = {k: r for k, r in fixed.items() if k not in still_open}
    new = {k for k, r in found.items() if r.first_seen >= period.start.isoformat()}
    points = tuple(
        AuditPoint(
            d.audit_id,
            d.as_of,
            d.verdict,
            d.complete,
            len(d.open_rows),
            sum(r.severity == "critical" for r in d.open_rows),
        )
        for d in listings
    )
    return PeriodSummary(
        site=site,
        period=period,
        audits=points,
        total=Tally(len(found), len(new), len(fixed), len(still_open)),
        by_column=_by(found, fixed, still_open, new, lambda r: r.column or NO_COLUMN),
        by_department=_by(found, fixed, still_open, new, lambda r: r.department or NO_DEPARTMENT),
    )


def _by(
    found: dict[str, Row],
    fixed: dict[str, Row],
    still_open: set[str],
    new: set[str],
    key: Callable[[Row], str],
) -> list[tuple[str, Tally]]:
    """The tallies grouped by `key` (栏目 or 责任科室), the most problems first."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for finding_id, row in found.items():
        group = counts[key(row)]
        group["found"] += 1
        group["open"] += finding_id in still_open
        group["new"] += finding_id in new
    for row in fixed.values():
        counts[key(row)]["fixed"] += 1
    tallies = [(k, Tally(c["found"], c["new"], c["fixed"], c["open"])) for k, c in counts.items()]
    return sorted(tallies, key=lambda kv: (-kv[1].found, -kv[1].fixed, kv[0]))


def _within(as_of: str, period: Period) -> bool:
    return period.start.isoformat() <= as_of <= period.end.isoformat()
