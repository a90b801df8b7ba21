"""History on every finding, and 疑似 → 确认: what may be transient counts once it is seen again.

Each finding gets `first_seen` (the as_of of the first audit of the site that had it),
`last_seen` (this audit's as_of), `times_seen` (consecutive finished audits that had it, this one
included) and `confirmation`. A broken link (a 404, a time-out, a refused connection, a 5xx) may be
the server's bad minute: it is 疑似 on first sight and 确认 once `confirm_after` audits in a row
found it at the site. Content findings (words, privacy, overdue, stale columns) are what the page
says: 确认 at once.

A daily rolling audit carries the records of pages it did not fetch today (crawler/rolling.py):
their findings keep their history, but an observation not made again (`last_verified`
unchanged) does not count towards 确认; `times_verified` counts the audits that did look.
Settings (`[checks.confirmation]`): `confirm_after` (default 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from govaudit.core.config import ConfigError
from govaudit.core.model import Finding

SECTION = "confirmation"
DEFAULTS: dict[str, Any] = {"confirm_after": 2}

SUSPECTED, CONFIRMED = "疑似", "确认"
# What the site may answer differently tomorrow: unreachable pages, time-outs, server errors.
TRANSIENT_CHECKS = frozenset({"broken_link"})
# The fields `with_history` gives every finding (DESIGN.md's contract, additive).
HISTORY_FIELDS = ("first_seen", "last_seen", "times_seen", "times_verified", "confirmation")


def validate_rules(rules: dict[str, Any]) -> dict[str, Any]:
    if rules["confirm_after"] < 1:
        raise ConfigError(f"checks.{SECTION}.confirm_after 应为 1 或更大（连续审计次数）")
    return rules


def is_suspected(finding: Finding) -> bool:
    """Not yet a problem to count: 疑似 (findings of older audits, without the field, count)."""
    return finding.details.get("confirmation") == SUSPECTED


def with_history(
    findings: list[Finding],
    previous: Mapping[str, Finding],
    first_seen: Mapping[str, str],
    as_of: date,
    confirm_after: int,
) -> list[Finding]:
    """`findings` of an audit on `as_of` with their history fields, from the same findings in
    the site's previous finished audit (`previous`, by id) and each id's `first_seen`."""
    today = as_of.isoformat()
    dated = []
    for f in findings:
        before = previous.get(f.id)
        verified = f.details.get("last_verified", today)
        if before is None:
            times_seen, times_verified = 1, 1
        else:
            times_seen = int(before.details.get("times_seen", 1)) + 1
            fresh = verified != before.details.get("last_verified", before.details.get("last_seen"))
            times_verified = int(before.details.get("times_verified", 1)) + int(fresh)
        transient = f.check in TRANSIENT_CHECKS
        confirmed = not transient or times_verified >= confirm_after
        details = {
            **f.details,
            "first_seen": min(first_seen.get(f.id, today), today),
            "last_seen": today,
            "times_seen": times_seen,
            "times_verified": times_verified,
            "confirmation": CONFIRMED if confirmed else SUSPECTED,
        }
        dated.append(replace(f, details=details))
    return dated
