"""Where each finding stands against the site's earlier audits and the staff's reviews.

    new         not in the previous finished audit of the site, never seen before
    open        also in the previous audit: 持续存在 since the first audit that had it
    reopened    marked 已整改 in a review of an earlier list (or gone from the previous audit)
                and found again: 重新出现
    suppressed  marked 误报 by staff: not listed as open, kept in a section of its own
    fixed       (not a state of a current finding) in the previous audit, absent from this one

Only reviews made up to this audit count, so an old report regenerates as it was then. A status
applies as above; the staff's 责任科室, 整改时限 and 整改说明 carry over to every later list.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from govaudit.core.model import Finding
from govaudit.core.store import Store

REVIEW_STATUSES = ("已整改", "误报", "暂不整改")
FIXED, FALSE_POSITIVE, DEFERRED = REVIEW_STATUSES
STATES = ("new", "open", "reopened", "suppressed")


@dataclass(frozen=True)
class FindingState:
    state: str  # one of STATES
    first_seen: str  # as_of (YYYY-MM-DD) of the first audit that had it
    review: dict[str, Any] | None = None  # the latest review whose status applies, if any
    # The latest review up to this audit whatever its status: the staff's 责任科室, 整改时限 and
    # 整改说明 carry over to every later list of the finding (a status may not: see `_state`).
    carried: dict[str, Any] | None = None

    def label(self) -> str:
        """The 状态 cell."""
        if self.state == "open":
            return f"持续存在（自{self.first_seen}）"
        return {"new": "新发现", "reopened": "重新出现", "suppressed": "已标记误报"}[self.state]


@dataclass(frozen=True)
class History:
    previous_audit: int | None
    previous_as_of: str | None
    states: dict[str, FindingState]
    fixed: list[Finding] = field(default_factory=list)
    fixed_reviews: dict[str, dict[str, Any]] = field(default_factory=dict)
    fixed_first_seen: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counted = Counter(s.state for s in self.states.values())
        return {**{s: counted.get(s, 0) for s in STATES}, "fixed": len(self.fixed)}


def audit_history(store: Store, audit_id: int, findings: list[Finding]) -> History:
    """Compare `findings` of `audit_id` with the previous finished audit of the same site."""
    audit = store.audit(audit_id)
    previous_id = store.previous_audit(audit_id)
    previous = store.findings(previous_id) if previous_id is not None else []
    previous_ids = {f.id for f in previous}
    reviews = store.latest_reviews(up_to_audit=audit_id)
    first_seen = store.first_seen(audit["site"], [f.id for f in [*findings, *previous]])
    previous_as_of = store.audit(previous_id)["as_of"] if previous_id is not None else None
    states = {
        f.id: replace(
            _state(
                audit_id,
                previous_as_of,
                first_seen.get(f.id, audit["as_of"]),
                f.id in previous_ids,
                reviews.get(f.id),
            ),
            carried=reviews.get(f.id),
        )
        for f in findings
    }
    current_ids = set(states)
    fixed = [
        f
        for f in previous
        if f.id not in current_ids and (reviews.get(f.id) or {}).get("status") != FALSE_POSITIVE
    ]
    return History(
        previous_audit=previous_id,
        previous_as_of=previous_as_of,
        states=states,
        fixed=fixed,
        fixed_reviews={f.id: reviews[f.id] for f in fixed if f.id in reviews},
        fixed_first_seen={f.id: first_seen.get(f.id, "") for f in fixed},
    )


def _state(
    audit_id: int,
    previous_as_of: str | None,
    first_seen: str,
    in_previous: bool,
    review: dict[str, Any] | None,
) -> FindingState:
    status = review["status"] if review else None
    if status == FALSE_POSITIVE:
        return FindingState("suppressed", first_seen, review)
    earlier_review = review is not None and review["audit"] < audit_id
    if status == FIXED and earlier_review:
        # Staff reported it fixed on an earlier list, yet this audit found it again.
        return FindingState("reopened", first_seen, None)
    # A review of this very audit (a regenerated report) or a deferral stays with the finding.
    kept = review if review and (not earlier_review or status == DEFERRED) else None
    if in_previous:
        return FindingState("open", first_seen, kept)
    if previous_as_of and first_seen < previous_as_of:
        # Seen before the previous audit, gone from it, back now. (An unfinished audit since
        # the previous one is no base of a diff: what only it saw is still new.)
        return FindingState("reopened", first_seen, kept)
    return FindingState("new", first_seen, kept)
