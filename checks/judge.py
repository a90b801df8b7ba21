"""The judgement of a whole audit: its veto items, how much of the site it saw, its 预警.

    verdicts = judge(store, audit_id, active_findings, settings.scorecard)

The roof calls this and hands the result to the reports (`reports.build_listing(..., judge)`),
which only present it. `active_findings` are the audit's findings without those the staff marked
误报 (reports/history.py knows the reviews); 疑似 ones (checks/confirmation.py) are counted
apart and never in a veto. Reads the audit's stored profile for the checks' own settings
(`[checks.unanswered_message]`, `[checks.early_warning]`, `[checks.stale_column]`,
`[checks.overdue_publication]`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from govaudit.checks import early_warning
from govaudit.checks.completeness import completeness, final_verdict, limited_items
from govaudit.checks.confirmation import is_suspected
from govaudit.checks.scorecard import message_coverage, scorecard
from govaudit.core.homepage import newest_homepage_date
from govaudit.core.model import Finding
from govaudit.core.store import Store
from govaudit.core.verdicts import Completeness, Verdicts


def judge(
    store: Store,
    audit_id: int,
    active: Sequence[Finding],
    thresholds: Mapping[str, Any],
) -> Verdicts:
    """The verdicts of `audit_id` from its `active` findings under the scorecard `thresholds`."""
    audit = store.audit(audit_id)
    as_of = date.fromisoformat(audit["as_of"])
    profile_checks = audit["config"].get("checks") or {}
    view = store.view(audit_id, snapshot=True)
    coverage = message_coverage(view, as_of, profile_checks.get("unanswered_message"))
    confirmed = [f for f in active if not is_suspected(f)]
    homepage_newest = newest_homepage_date(view)
    seen = audit_completeness(store, audit_id)
    score = limited_items(
        scorecard(confirmed, dict(thresholds), homepage_newest, as_of, coverage), seen
    )
    return Verdicts(
        score=score,
        verdict=final_verdict(score, seen),
        seen=seen,
        suspected=len(active) - len(confirmed),
        warnings=[
            *early_warning.profile_column_warnings(view, profile_checks, as_of),
            *early_warning.register_warnings(view, profile_checks, as_of),
            *early_warning.veto_warnings(score),
        ],
        warning_days=early_warning.warning_days(profile_checks),
    )


def audit_completeness(store: Store, audit_id: int) -> Completeness:
    """How much of its site a stored audit saw (its counters, settings and start pages)."""
    audit = store.audit(audit_id)
    config = audit["config"]
    view = store.view(audit_id)
    starts = config.get("start_urls") or [audit["start_url"]]
    pages = [p for p in (view.page(url) for url in starts if url) if p is not None]
    return completeness(audit["counters"], config, pages, audit["status"] or "finished")
