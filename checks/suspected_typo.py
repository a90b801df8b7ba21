"""Suspected typos (疑似错别字) that no wordlist holds, in the site's pages and attachments.

Yields `suspected_typo` findings, one per (page or file, stretch), at severity `minor` (提示):
a guess from the character's sound or shape (checks/typo_detector.py) is never a 严重表述错误
by itself, the staff confirm it in the review. Fields as `wrong_word`: `term`, `suggestion`,
`context`, plus `reason` (同音字 / 形近字) and `count`. Terms the wordlists report or allow
are left to the words check.

Settings, `[checks.suspected_typo]`:
    enabled          false switches the guesses off
    wordlists        user TSV files (the roof fills in --wordlist, as for the words check):
                     their terms are the words check's to report, never guessed at here
    builtin_lists    the built-in lists' terms are left to the words check (default true)
    whitelist_terms  stretches never reported (a local place or product name)
    whitelist_pages  regexes: pages whose URL matches one are not checked
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from govaudit.checks import words
from govaudit.checks.site_texts import (
    Attachment,
    PageCheck,
    attachments,
    checked_pages,
    text_url,
)
from govaudit.checks.typo_detector import Guess, TypoDetector
from govaudit.core.config import compile_pattern
from govaudit.core.model import Finding, PageRecord, fingerprint
from govaudit.core.store import AuditView

SCANS_TEXT = True
SECTION = "suspected_typo"
DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "wordlists": [],
    "builtin_lists": True,
    "whitelist_terms": [],
    "whitelist_pages": [],
}
CHECK = "suspected_typo"
LABEL = "疑似错别字"


def run(view: AuditView, rules: dict[str, Any], as_of: date) -> Iterator[Finding]:
    """Findings for every internal page and readable attachment; `as_of` is unused."""
    if rules["enabled"]:
        yield from checked_pages(view, page_check(rules, as_of))
        yield from file_findings(view, rules, as_of)


def page_check(rules: dict[str, Any], as_of: date) -> PageCheck:
    """One page's findings (run as the page is written, govaudit/text_checks.py)."""
    if not rules["enabled"]:
        return lambda view, page: ()
    detector, skip = _detector(rules), _skip_patterns(rules)

    def check(view: AuditView, page: PageRecord) -> list[Finding]:
        url = text_url(page, skip)
        if url is None:
            return []
        text = f"{page.title}\n{page.text}" if page.title else page.text
        return list(text_findings(url, text, detector))

    return check


def file_findings(view: AuditView, rules: dict[str, Any], as_of: date) -> Iterator[Finding]:
    """Findings in the readable attachments (their linking pages are known after the crawl)."""
    if not rules["enabled"]:
        return
    detector, skip = _detector(rules), _skip_patterns(rules)
    for attachment in attachments(view, readable=True):
        if not any(p.search(attachment.url) for p in skip):
            yield from text_findings(attachment.url, attachment.record.text, detector, attachment)


def _detector(rules: dict[str, Any]) -> TypoDetector:
    return detector_for(
        tuple(rules["wordlists"]), bool(rules["builtin_lists"]), tuple(rules["whitelist_terms"])
    )


def warm(rules: dict[str, Any]) -> None:
    """Build the detector now (seconds: jieba's dictionary, ~350k patterns), not at the first page."""
    if rules["enabled"]:
        _detector(rules).build()


def release() -> None:
    """Drop the detectors `warm` built (tens of MB)."""
    detector_for.cache_clear()


def validate_rules(rules: dict[str, Any]) -> dict[str, Any]:
    """Compile the page patterns now: a bad one stops the audit before the crawl."""
    _skip_patterns(rules)
    return rules


def _skip_patterns(rules: dict[str, Any]) -> list[re.Pattern[str]]:
    key = f"checks.{SECTION}.whitelist_pages"
    return [compile_pattern(key, p) for p in rules["whitelist_pages"]]


@lru_cache(maxsize=2)
def detector_for(paths: tuple[str, ...], builtins: bool, allow: tuple[str, ...]) -> TypoDetector:
    """One detector per wordlist set and process: building its automaton takes a few seconds."""
    matcher = words.matcher_for(paths, builtins, allow)
    return TypoDetector(known={*matcher.terms, *matcher.allow, *allow})


def text_findings(
    url: str, text: str, detector: TypoDetector, attachment: Attachment | None = None
) -> Iterator[Finding]:
    by_term: dict[str, list[Guess]] = {}
    for guess in detector.find(text):
        by_term.setdefault(guess.term, []).append(guess)
    for term, found in by_term.items():
        yield _finding(url, term, found, text, attachment)


def _finding(
    url: str, term: str, found: list[Guess], text: str, attachment: Attachment | None
) -> Finding:
    first = found[0]
    title = f"{LABEL}：“{term}”疑为“{first.suggestion}”（{first.reason}），请人工确认"
    details: dict[str, Any] = {
        "term": term,
        "suggestion": first.suggestion,
        "context": words.snippet(text, first.start, first.end),
        "reason": first.reason,
        "count": len(found),
    }
    if attachment is not None:
        title = f"{attachment.heading()}{title}"
        details.update(attachment.details(), location=attachment.location(first.start))
    return Finding(
        id=fingerprint(CHECK, url, term),
        check=CHECK,
        severity="minor",
        page_url=attachment.page_url if attachment else url,
        title=title,
        details=details,
    )
