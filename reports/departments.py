"""责任科室: which department answers for a finding, from the profile's `[report] departments`.

A column rule (the finding's 栏目 equals the configured name) is more specific than a URL prefix,
so it wins; among prefixes the longest match wins (`/zwgk/tzgg/` over `/zwgk/`). Nothing matched
gives `default_department`.
"""

from __future__ import annotations

from govaudit.reports.settings import ReportSettings


def department_for(page_url: str, column: str | None, settings: ReportSettings) -> str:
    """The responsible department of a page (and its column, when the finding names one)."""
    if column:
        for rule in settings.departments:
            if rule.column is not None and rule.column == column:
                return rule.department
    best, best_len = settings.default_department, -1
    for rule in settings.departments:
        if rule.prefix is not None and page_url.startswith(rule.prefix):
            if len(rule.prefix) > best_len:
                best, best_len = rule.department, len(rule.prefix)
    return best
