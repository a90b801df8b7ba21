"""Outside lists at the roof: an import stored and judged, and every audit's statuses recorded.

`import_outside_list` reads a workbook (reports/outside_workbook.py), stores its rows once
(core/store) and judges them against the site's latest finished audit; `record_outside_statuses`
judges the rows after an audit (checks/outside_matching.py) so that its reports show them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from govaudit.checks.outside_matching import judge_rows, kind_overrides
from govaudit.core.config import AuditConfig
from govaudit.core.outside_records import OutsideStatus, url_key
from govaudit.core.store import Store
from govaudit.reports.history import FALSE_POSITIVE
from govaudit.reports.outside_workbook import read_outside_list, source_settings


@dataclass(frozen=True)
class ImportSummary:
    rows: int  # problem rows in the workbook
    new_rows: int  # of them, not stored before
    new_deadlines: int  # rows stored before whose 整改时限 the list changed
    documents: int  # register documents in the workbook
    new_documents: int
    audit_id: int | None  # the audit the rows were judged against (None: the site has none yet)
    statuses: Counter[str]


def validate_outside_lists(config: AuditConfig) -> None:
    """`[outside_lists]` checked before an audit: its kinds and every source's columns."""
    section = config.outside_lists
    kind_overrides(section)
    for source in section:
        if source != "kinds":
            source_settings(section, source)


def import_outside_list(
    store: Store, path: Path, config: AuditConfig, source: str, today: date
) -> ImportSummary:
    """Read the whole workbook, store its new rows in one transaction, judge them."""
    section = config.outside_lists
    validate_outside_lists(config)  # before anything is stored
    imported = read_outside_list(path, source, source_settings(section, source), today)
    new_rows, new_documents, new_deadlines = store.add_outside(
        config.site_name, imported.rows, imported.documents
    )
    finished = [a for a in store.audits(config.site_name) if a["status"] == "finished"]
    audit_id = finished[-1]["id"] if finished else None
    statuses = record_outside_statuses(store, audit_id, section) if audit_id is not None else []
    return ImportSummary(
        len(imported.rows),
        new_rows,
        new_deadlines,
        len(imported.documents),
        new_documents,
        audit_id,
        Counter(s.status for s in statuses),
    )


def record_outside_statuses(
    store: Store, audit_id: int, section: dict[str, Any]
) -> list[OutsideStatus]:
    """Judge the site's imported rows against `audit_id` and record their statuses."""
    audit = store.audit(audit_id)
    rows = store.outside_rows(audit["site"])
    if not rows:
        return []
    as_of = date.fromisoformat(audit["as_of"])
    verified = {url_key(u) for u, day in store.verified_dates(audit_id).items() if day == as_of}
    # The reviews as of this audit, as its reports read them (reports/history.py).
    reviews = store.latest_reviews(up_to_audit=audit_id)
    statuses = judge_rows(
        rows,
        store.findings(audit_id),
        verified,
        store.ever_matched(audit["site"], audit_id),
        kind_overrides(section),
        frozenset(f for f, review in reviews.items() if review["status"] == FALSE_POSITIVE),
    )
    store.save_outside_statuses(audit_id, statuses)
    return statuses
