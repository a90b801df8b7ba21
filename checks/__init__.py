"""Check modules: each judges one audit's store and yields findings; none touches the network.

A check module provides
    SECTION   its name in the site profile (`[checks.<SECTION>]`)
    DEFAULTS  its settings with their default values (thresholds are data, never literals)
    run(view: AuditView, rules: dict, as_of: date) -> Iterable[Finding]
and is listed once in REGISTRY. `SCANS_TEXT = True` says the check reads the text of every page
and attachment (its cost grows with the site's text): the roof then runs it beside the others, in
its helper process, each page as the crawl writes it (govaudit/text_checks.py). Such a check
provides `page_check(rules, as_of)`, the function of (view, page) that gives one page's
findings, and `file_findings(view, rules, as_of)`, those of the attachments (their linking pages
are known after the crawl); its `run` is the two over the stored pages. It may also provide
`warm(rules)`: what it builds before its first page (an automaton, a dictionary), built in the
helper while the crawl starts, and `release()`, which drops it once the text checks are done.
`as_of` is the only clock a check sees.

FOLLOW_UP lists the modules that judge the findings across audits rather than the pages
(confirmation: 疑似 → 确认; early_warning: 预警 before a limit is crossed): each has a
SECTION and DEFAULTS of its own in the profile, but no `run`.

Beyond the checks, checks/ judges what the roof hands on: annotate.py gives every finding its
栏目, `last_verified` and history; judge.py the whole audit's verdicts (veto items, completeness,
预警), which the reports only present.
"""

from types import ModuleType

from govaudit.checks import (
    broken_link,
    confirmation,
    early_warning,
    missing_anchor,
    overdue_publication,
    privacy_leak,
    stale_column,
    suspected_typo,
    unanswered_message,
    unreadable_attachment,
    words,
)

# Each module is named as its profile section ([checks.<SECTION>]) and its main finding kind;
# `words` (the word lists) gives `wrong_word` and `sensitive_word` findings, as a list entry's
# category says. OLD_SECTIONS: section names a profile may still use (read as the new one).
REGISTRY: list[ModuleType] = [
    broken_link,
    missing_anchor,
    stale_column,
    overdue_publication,
    words,
    suspected_typo,
    privacy_leak,
    unreadable_attachment,
    unanswered_message,
]

FOLLOW_UP: list[ModuleType] = [confirmation, early_warning]
