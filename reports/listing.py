"""One audit's rectification list as plain records: what the xlsx and the HTML both present.

Built once per report from the store (findings, history, reviews, settings), so the two formats
cannot disagree. Every string that came from a crawled page is masked here, at construction
(govaudit/core/masking.py), and nowhere else; format-specific safety (formulas, HTML) is the writers'.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from govaudit.core.masking import mask
from govaudit.core.model import SEVERITIES, Finding
from govaudit.core.outside_records import FIXED, STATUSES, OutsideStatus
from govaudit.core.store import Store
from govaudit.core.verdicts import WARN, EarlyWarning, Judge, ScoreItem
from govaudit.reports.deadlines import deadline_for
from govaudit.reports.departments import department_for
from govaudit.reports.history import History, audit_history
from govaudit.reports.labels import check_name, detail_text, severity_name
from govaudit.reports.settings import ReportSettings


@dataclass(frozen=True)
class Row:
    """One line of the list (问题清单, 已整改 or 已标记误报)."""

    finding_id: str
    check: str
    check_name: str
    severity: str
    severity_name: str
    description: str
    column: str
    page_url: str
    details: str
    first_seen: str
    state: str  # new, open, reopened, suppressed, fixed
    state_label: str
    department: str
    deadline: str
    review_status: str = ""
    review_note: str = ""
    # What the row was exported from, `audit/revision/digest` (`export_version`): the review
    # import tells a row staff changed from one they left, and an old list from a newer decision.
    version: str = ""
    # Every page that links to the problem (a broken link's, an attachment's referring pages)
    # and the URL the problem is about (the broken target, the attachment, the article):
    # both reports show them all and make them links.
    source_pages: tuple[str, ...] = ()
    target_url: str = ""
    # The finding's history (checks/confirmation.py): "" / 0 for findings of older audits.
    last_seen: str = ""
    times_seen: int = 0
    confirmation: str = ""
    # Where on its page: the text window around the problem, and what in it to highlight.
    context: str = ""
    mark: str = ""


def staff_digest(status: str, note: str, department: str, deadline: str) -> str:
    """A short fingerprint of a row's staff cells as exported (unchanged cells: same digest)."""
    text = "\x1f".join((status, note, department, deadline))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def export_version(audit_id: int, revision: int, digest: str) -> str:
    return f"{audit_id}/{revision}/{digest}"


def parse_version(text: str) -> tuple[int, int, str] | None:
    """(audit, revision, digest) of an `export_version` cell, None when it is not one."""
    parts = text.strip().split("/")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or not parts[2]:
        return None
    return int(parts[0]), int(parts[1]), parts[2]


@dataclass(frozen=True)
class OutsideDue:
    """An outside row not fixed whose 整改时限 has passed or ends within the 预警 days."""

    status: OutsideStatus
    days_left: int  # to its 整改时限 from the audit's as-of date; below 0: overdue


@dataclass(frozen=True)
class OutsideList:
    """One imported list (a source's workbook) as an audience sees it after an audit."""

    source: str
    file: str
    counts: dict[str, int]  # every status of STATUSES, in that order
    due: tuple[OutsideDue, ...]  # most urgent first


@dataclass(frozen=True)
class ReportData:
    audit_id: int
    site: str
    start_url: str
    as_of: str
    started: str
    finished: str
    audit_status: str
    counters: dict[str, Any]
    open_rows: list[Row]
    fixed_rows: list[Row]
    suppressed_rows: list[Row]
    history: History
    score: list[ScoreItem]
    verdict: str
    by_check: list[tuple[str, dict[str, int], int]] = field(default_factory=list)
    by_column: list[tuple[str, int]] = field(default_factory=list)
    warn_ratio: float = 0.7
    # How much of the site the audit saw (checks/completeness.py): said before any verdict.
    complete: bool = True
    incomplete: tuple[str, ...] = ()
    judged: bool = True  # a start page answered with a page: something could be judged
    # 疑似 findings (first sight of what may be transient): listed, left out of every veto count.
    suspected: int = 0
    # 预警 rows (checks/early_warning.py): apart from the problems, never counted with them.
    warnings: list[EarlyWarning] = field(default_factory=list)
    # page URL -> (digest of its screenshot's PNG or None, why none): the pages the audit wanted
    # shot (govaudit/screenshots.py); reports/screenshots.py writes the PNGs beside the report.
    screenshots: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    # Rows of imported outside lists with their status after this audit (govaudit/outside_lists.py).
    outside: list[OutsideStatus] = field(default_factory=list)
    # Each outside row's 责任科室 (by its row id): the matched finding's, else its page's.
    outside_departments: dict[int, str] = field(default_factory=dict)
    # How many days ahead the audit's 预警 look (`[checks.early_warning] column_days`): an
    # outside row whose 整改时限 ends within them is urgent.
    warning_days: int = 3

    @property
    def total_open(self) -> int:
        return len(self.open_rows)

    def warning_lines(self, rows: list[Row], whole_site: bool) -> list[str]:
        """The 预警 for an audience whose share of `open_rows` is `rows` (the office sees all; a
        责任科室 those of its own columns), one line each (the alerts and the notices)."""
        columns = {r.column for r in rows}
        return [w.title for w in self.warnings if whole_site or (w.column and w.column in columns)]

    @property
    def outside_counts(self) -> dict[str, int]:
        """The outside rows by status (summary.json `outside`), every status named."""
        counts = Counter(s.status for s in self.outside)
        return {status: counts[status] for status in STATUSES}

    @property
    def outside_summary(self) -> str:
        """The counts in words, as every output says them: 仍存在 3 条，未核实 1 条."""
        return "，".join(f"{status} {n} 条" for status, n in self.outside_counts.items() if n)

    @property
    def outside_open(self) -> list[OutsideStatus]:
        """The outside rows not known to be fixed: the 整改通知书 lists them."""
        return [s for s in self.outside if s.status != FIXED]

    def outside_lists(self, department: str | None) -> list[OutsideList]:
        """Each imported list with `department`'s rows (None: all), in import order: its counts
        and its rows due, the most overdue first."""
        as_of = date.fromisoformat(self.as_of)
        grouped: dict[tuple[str, str], list[OutsideStatus]] = {}
        for s in self.outside:
            if department is None or self.outside_departments.get(s.row.id) == department:
                grouped.setdefault((s.row.source, s.row.file), []).append(s)
        lists = []
        for (source, file), statuses in grouped.items():
            counts = Counter(s.status for s in statuses)
            due = [
                OutsideDue(s, left) for s in statuses if (left := _days_left(s, as_of)) is not None
            ]
            due = [d for d in due if d.days_left <= self.warning_days]
            due.sort(key=lambda d: (d.days_left, d.status.row.id))
            lists.append(OutsideList(source, file, {st: counts[st] for st in STATUSES}, tuple(due)))
        return lists

    @property
    def warned_items(self) -> list[ScoreItem]:
        """The veto items measured near their threshold (预警, from `warn_ratio`)."""
        return [item for item in self.score if item.verdict == WARN]


def build_listing(
    store: Store, audit_id: int, settings: ReportSettings, judge: Judge
) -> ReportData:
    """Everything a report shows about `audit_id`, masked, ordered by severity; its verdicts
    are `judge`'s (checks/judge.py, handed over by the roof)."""
    audit = store.audit(audit_id)
    as_of = date.fromisoformat(audit["as_of"])
    findings = store.findings(audit_id)
    history = audit_history(store, audit_id, findings)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings = sorted(findings, key=lambda f: order.get(f.severity, len(order)))
    rows = [_row(audit_id, f, history, as_of, settings) for f in findings]
    open_rows = [r for r in rows if r.state != "suppressed"]
    fixed_rows = [
        _fixed_row(
            audit_id,
            f,
            history.fixed_reviews.get(f.id),
            history.fixed_first_seen[f.id],
            settings,
        )
        for f in history.fixed
    ]
    active = [f for f in findings if history.states[f.id].state != "suppressed"]
    verdicts = judge(store, audit_id, active, settings.scorecard)
    outside = store.outside_statuses(audit_id)
    return ReportData(
        audit_id=audit_id,
        site=mask(audit["site"] or ""),
        start_url=audit["start_url"] or "",
        as_of=audit["as_of"],
        started=audit["started"] or "",
        finished=audit["finished"] or "",
        audit_status=audit["status"] or "",
        counters=audit["counters"],
        open_rows=open_rows,
        fixed_rows=fixed_rows,
        suppressed_rows=[r for r in rows if r.state == "suppressed"],
        history=history,
        score=verdicts.score,
        verdict=verdicts.verdict,
        by_check=_by_check(open_rows),
        by_column=Counter(r.column or "（未归属栏目）" for r in open_rows).most_common(),
        warn_ratio=float(settings.scorecard["warn_ratio"]),
        complete=verdicts.seen.complete,
        incomplete=verdicts.seen.reasons,
        judged=verdicts.seen.judged,
        suspected=verdicts.suspected,
        warnings=[_masked(w) for w in verdicts.warnings],
        screenshots={url: (d, mask(why)) for url, (d, why) in store.screenshots(audit_id).items()},
        outside=outside,
        outside_departments=_outside_departments(outside, rows, settings),
        warning_days=verdicts.warning_days,
    )


def _outside_departments(
    outside: list[OutsideStatus], rows: list[Row], settings: ReportSettings
) -> dict[int, str]:
    """The department of the finding that matched each row (open or marked 误报), else of the
    row's page."""
    by_finding = {r.finding_id: r.department for r in rows}
    return {
        s.row.id: by_finding.get(s.finding_id) or department_for(s.row.url, None, settings)
        for s in outside
    }


def _days_left(status: OutsideStatus, as_of: date) -> int | None:
    """Days from `as_of` to a row's 整改时限; None when fixed or the list gave no date."""
    if status.status == FIXED:
        return None
    try:
        return (date.fromisoformat(status.row.deadline) - as_of).days
    except ValueError:  # "尽快", "" : a deadline as written, no date to count to
        return None


def _masked(warning: EarlyWarning) -> EarlyWarning:
    return replace(
        warning,
        title=mask(warning.title),
        column=mask(warning.column),
        page_url=mask(warning.page_url),
    )


def _column(finding: Finding) -> str:
    return finding.column or str(finding.details.get("column") or "")


def _row(
    audit_id: int, finding: Finding, history: History, as_of: date, settings: ReportSettings
) -> Row:
    state = history.states[finding.id]
    return _present(
        audit_id,
        finding,
        settings,
        first_seen=state.first_seen,
        state=state.state,
        state_label=state.label(),
        deadline=deadline_for(finding.severity, as_of, settings).label(),
        review=state.review,
        carried=state.carried,
    )


def _fixed_row(
    audit_id: int,
    finding: Finding,
    review: dict[str, Any] | None,
    first_seen: str,
    settings: ReportSettings,
) -> Row:
    return _present(
        audit_id,
        finding,
        settings,
        first_seen=first_seen,
        state="fixed",
        state_label="已整改",
        deadline="",
        review=review,
        carried=review,
    )


def _present(
    audit_id: int,
    finding: Finding,
    settings: ReportSettings,
    *,
    first_seen: str,
    state: str,
    state_label: str,
    deadline: str,
    review: dict[str, Any] | None,
    carried: dict[str, Any] | None,
) -> Row:
    """The row of a finding: every page-derived string masked here, once. The staff's own
    责任科室, 整改时限 and 整改说明 (`carried`, from any earlier list) win over computed ones."""
    column = _column(finding)
    staff = carried or {}
    status = (review or {}).get("status") or ""
    note = mask((review or staff).get("note") or "")
    department = staff.get("department") or department_for(finding.page_url, column, settings)
    if deadline:
        deadline = staff.get("deadline") or deadline
    digest = staff_digest(status, note, department, deadline)
    return Row(
        finding_id=finding.id,
        check=finding.check,
        check_name=check_name(finding.check),
        severity=finding.severity,
        severity_name=severity_name(finding.severity),
        description=mask(finding.title),
        column=mask(column),
        page_url=mask(finding.page_url),
        details=mask(detail_text(finding)),
        first_seen=first_seen,
        state=state,
        state_label=state_label,
        department=department,
        deadline=deadline,
        review_status=status,
        review_note=note,
        version=export_version(audit_id, staff.get("revision") or 0, digest),
        source_pages=tuple(mask(str(p)) for p in finding.details.get("source_pages") or ()),
        target_url=mask(_target_url(finding.details)),
        last_seen=str(finding.details.get("last_seen") or ""),
        times_seen=int(finding.details.get("times_seen") or 0),
        confirmation=str(finding.details.get("confirmation") or ""),
        context=mask(str(finding.details.get("context") or "")),
        mark=mask(str(finding.details.get("term") or finding.details.get("masked") or "")),
    )


def _target_url(details: dict[str, Any]) -> str:
    for key in ("target_url", "attachment_url", "item_url"):
        value = details.get(key)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value
    return ""


def _by_check(rows: list[Row]) -> list[tuple[str, dict[str, int], int]]:
    counts = Counter((r.check_name, r.severity) for r in rows)
    names = sorted(
        {r.check_name for r in rows}, key=lambda n: (-sum(counts[(n, s)] for s in SEVERITIES), n)
    )
    return [
        (
            name,
            {s: counts[(name, s)] for s in SEVERITIES},
            sum(counts[(name, s)] for s in SEVERITIES),
        )
        for name in names
    ]
