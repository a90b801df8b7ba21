"""预警 (early warnings): what will become a problem or a veto soon, reported apart from problems.

Three kinds, never counted as problems nor in a veto:
    column_due     a column still within its update limit whose limit ends within `column_days`
                   days (it becomes 栏目不更新 on day `due`): 即将超期
    veto_near      a veto item of the scorecard at its 预警 level (from `warn_ratio` of the
                   threshold, checks/scorecard.py): e.g. 4 stale columns of the 5 that veto
    register_due   a document of the imported 发文登记 not found on the site whose publication
                   limit (7 days of 印发 for a 规范性文件, 20 working days of 成文 otherwise) ends
                   within `register_workdays` working days: 即将超期公开

Monitoring platforms warn 即将超期 N days ahead and below each veto line
(research/cn-peers.md §1, anchors-2026.md). Settings (`[checks.early_warning]`): `column_days`
(default 3), `register_workdays` (default 3). The column limits are the stale_column check's
(`[checks.stale_column]`), the documents' the overdue check's (`[checks.overdue_publication]`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from govaudit.checks import overdue_publication, stale_column
from govaudit.checks.overdue_publication.register import unpublished
from govaudit.checks.overdue_publication.site import Site
from govaudit.checks.stale_column import newest_dated, threshold_days
from govaudit.core.columns import detect_columns
from govaudit.core.config import ConfigError, merged_rules
from govaudit.core.model import fingerprint
from govaudit.core.store import AuditView
from govaudit.core.verdicts import WARN, EarlyWarning, ScoreItem
from govaudit.core.workdays import workdays_between

SECTION = "early_warning"
DEFAULTS: dict[str, Any] = {"column_days": 3, "register_workdays": 3}


def validate_rules(rules: dict[str, Any]) -> dict[str, Any]:
    for key in ("column_days", "register_workdays"):
        if rules[key] < 0:
            raise ConfigError(f"checks.{SECTION}.{key} 应为 0 天或更多")
    return rules


def column_warnings(
    view: AuditView, stale_rules: dict[str, Any], as_of: date, within_days: int
) -> list[EarlyWarning]:
    """Columns whose newest item turns too old within `within_days` days of `as_of`."""
    columns = detect_columns(view, stale_rules["columns"], stale_rules["category_keywords"])
    warnings = []
    for column in columns:
        newest, _ = newest_dated(((i.date, i.url) for i in column.items if i.date), as_of)
        if newest is None or column.placeholder:
            continue  # undated or empty: already a finding, not a warning
        limit = threshold_days(column, stale_rules)
        due = newest + timedelta(days=limit + 1)  # stale once more than `limit` days old
        left = (due - as_of).days
        if 0 < left <= within_days:
            warnings.append(
                EarlyWarning(
                    id=fingerprint("column_due", column.url),
                    kind="column_due",
                    title=(
                        f"栏目即将超期：{column.name}（最新信息 {newest.isoformat()}，"
                        f"要求 {limit} 天内更新，{left} 天后（{due.isoformat()}）超期）"
                    ),
                    page_url=column.url,
                    column=column.name,
                    due=due,
                    days_left=left,
                )
            )
    return sorted(warnings, key=lambda w: (w.days_left, w.column))


def profile_column_warnings(
    view: AuditView, profile_checks: dict[str, Any], as_of: date
) -> list[EarlyWarning]:
    """`column_warnings` under a stored profile's `[checks]` tables (a report of any audit)."""
    given = profile_checks.get(SECTION) or {}
    rules = validate_rules(merged_rules(given, SECTION, DEFAULTS))
    stale_given = profile_checks.get(stale_column.SECTION) or {}
    stale = stale_column.validate_rules(
        merged_rules(stale_given, stale_column.SECTION, stale_column.DEFAULTS)
    )
    return column_warnings(view, stale, as_of, int(rules["column_days"]))


def warning_days(profile_checks: dict[str, Any]) -> int:
    """How many days ahead the 预警 look under a stored profile (`column_days`): the reports
    warn of an outside list's 整改时限 as near (reports/listing.py)."""
    rules = validate_rules(merged_rules(profile_checks.get(SECTION) or {}, SECTION, DEFAULTS))
    return int(rules["column_days"])


def register_warnings(
    view: AuditView, profile_checks: dict[str, Any], as_of: date
) -> list[EarlyWarning]:
    """Register documents not found on the site whose limit ends within `register_workdays`
    working days of `as_of`, under a stored profile's `[checks]` tables."""
    rules = validate_rules(merged_rules(profile_checks.get(SECTION) or {}, SECTION, DEFAULTS))
    given = profile_checks.get(overdue_publication.SECTION) or {}
    settings = overdue_publication.Settings.from_rules(
        merged_rules(given, overdue_publication.SECTION, overdue_publication.DEFAULTS)
    )
    documents = view.register_documents()
    if not documents:
        return []
    warnings = []
    for m in unpublished(documents, Site.load(view), settings):
        left, _ = workdays_between(as_of, m.deadline)
        if m.deadline < as_of or left > int(rules["register_workdays"]):
            continue
        doc = m.document
        named = f"《{doc.title}》" + (f"（{doc.number}）" if doc.number else "")
        warnings.append(
            EarlyWarning(
                id=fingerprint("register_due", doc.number or doc.title),
                kind="register_due",
                title=(
                    f"文件即将超期公开：{named}{m.issued}{m.issued_as}，网站上尚未找到，应于"
                    f"{m.deadline.isoformat()}前公开（还有 {left} 个工作日；来源：{doc.source}）"
                ),
                page_url=view.start_url(),
                due=m.deadline,
                days_left=(m.deadline - as_of).days,
            )
        )
    return sorted(warnings, key=lambda w: (w.days_left, w.title))


def veto_warnings(items: Iterable[ScoreItem]) -> list[EarlyWarning]:
    """The scorecard's items at 预警: close to the veto line, not over it."""
    return [
        EarlyWarning(
            id=fingerprint("veto_near", item.key),
            kind="veto_near",
            title=(
                f"接近单项否决：{item.name}（现为 {item.measured_label()}，"
                f"否决线 {item.threshold_label()}）"
            ),
            measured=item.measured,
            threshold=item.threshold,
        )
        for item in items
        if item.verdict == WARN
    ]
