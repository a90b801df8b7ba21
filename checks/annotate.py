"""What every finding gets once the checks have run: its 栏目, the day its page or target was last
verified, and its history across audits (疑似/确认, checks/confirmation.py); then the list's order.

    findings = annotated(store, audit_id, view, findings, rules, as_of)

Settings read (the validated rules of every check): `[checks.stale_column] columns` (the
profile's own column names) and `[checks.confirmation] confirm_after`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import date
from typing import Any

from govaudit.checks import confirmation, stale_column
from govaudit.core.columns import Column, column_for_url, detect_columns
from govaudit.core.model import SEVERITIES, Finding
from govaudit.core.store import AuditView, Store
from govaudit.core.vocabulary import HOMEPAGE


def annotated(
    store: Store,
    audit_id: int,
    view: AuditView,
    findings: list[Finding],
    rules: dict[str, dict[str, Any]],
    as_of: date,
) -> list[Finding]:
    """`findings` of `audit_id` with their column, `last_verified` and history, in list order."""
    overrides = rules.get(stale_column.SECTION, {}).get("columns", ())
    homes = {p.url for p in view.pages(kind="home", with_text=False)}
    findings = with_columns(findings, column_for_url(detect_columns(view, overrides)), homes)
    findings = with_last_verified(findings, store.verified_dates(audit_id))
    confirm = rules.get(confirmation.SECTION, confirmation.DEFAULTS)
    findings = with_history(store, audit_id, findings, int(confirm["confirm_after"]), as_of)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (order[f.severity], f.check, f.page_url, f.id))


def with_columns(
    findings: list[Finding],
    column_of: Callable[[str], Column | None],
    homes: Collection[str] = (),
) -> list[Finding]:
    """Name the 栏目 of every finding whose check did not: staff sort the list by column, and
    a finding without one lands on nobody's desk. The homepage is a 栏目 of its own to them."""
    named = []
    for f in findings:
        if f.column:
            named.append(f)
        elif f.page_url in homes:
            named.append(replace(f, column=HOMEPAGE))
        else:
            column = column_of(f.page_url)
            named.append(replace(f, column=column.name) if column else f)
    return named


def with_last_verified(findings: list[Finding], verified: dict[str, date]) -> list[Finding]:
    """Each finding's `last_verified`: the day its target (a broken link) or its page was last
    asked of the site. A daily audit carries unvisited records over (crawler/rolling.py): what
    it reports of them was seen then, not today."""
    dated = []
    for f in findings:
        day = verified.get(f.details.get("target_url") or f.page_url)
        details = {**f.details, "last_verified": day.isoformat()} if day else f.details
        dated.append(replace(f, details=details) if day else f)
    return dated


def with_history(
    store: Store, audit_id: int, findings: list[Finding], confirm_after: int, as_of: date
) -> list[Finding]:
    """first_seen, last_seen, times_seen and 疑似/确认 (checks/confirmation.py), from the same
    findings in the site's previous finished audit."""
    previous_id = store.previous_audit(audit_id)
    previous = {f.id: f for f in store.findings(previous_id)} if previous_id is not None else {}
    first_seen = store.first_seen(store.audit(audit_id)["site"], [f.id for f in findings])
    return confirmation.with_history(findings, previous, first_seen, as_of, confirm_after)
