"""Check modules: each judges one audit's store and yields findings; none touches the network.

A check module provides
    SECTION   its name in the site profile (`[checks.<SECTION>]`)
    DEFAULTS  its settings with their default values (thresholds are data, never literals)
    run(view: AuditView, rules: dict, as_of: date) -> Iterable[Finding]
and is listed once in REGISTRY. `SCANS_TEXT = True` says the check reads the text of every page
and attachment (its cost grows with the site's text): the roof then runs it beside the others, in
its helper process. `as_of` is the only clock a check sees.
"""

from types import ModuleType

from govaudit.checks import (
    attachments,
    broken_link,
    missing_anchor,
    overdue_publication,
    privacy_leak,
    stale_column,
    unanswered_message,
    words,
)

# Each module is named as its profile section ([checks.<SECTION>]) and its main finding kind.
REGISTRY: list[ModuleType] = [
    broken_link,
    missing_anchor,
    stale_column,
    overdue_publication,
    words,
    privacy_leak,
    attachments,
    unanswered_message,
]
