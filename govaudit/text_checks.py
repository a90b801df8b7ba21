"""The text checks in the audit's helper process: each page as the crawl writes it, the rest after.

The checks whose module says `SCANS_TEXT` (words, suspected typos, privacy) read every text of
the site. The helper (govaudit/helper.py) writes the crawl's batches (crawler/pipeline.py); once
a batch is committed, `check_written` reads its pages back and runs each check's `page_check`
on them, keeping only the findings (most pages have none), never the texts. After the crawl,
`stored_findings` checks what it has not seen (pages recorded before a `--resume`, or before
the checks were built) and the attachments, whose findings name their linking pages, known only
once the crawl is over, and returns the findings in the order each check's `run` gives them.
So the helper never holds the site's text, and its share after the crawl is the attachments.

Without a helper (one core, or it died) `stored_findings` runs in the audit process, which has
seen nothing: it checks every page, as `run` would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from types import ModuleType
from typing import Any

from govaudit import checks
from govaudit.checks.site_texts import PageCheck
from govaudit.core.memory import give_back
from govaudit.core.model import Finding, PageRecord
from govaudit.core.store import AuditView, Store

_warming: threading.Thread | None = None  # `warm_checks`, while it builds
_page_checks: list[tuple[str, PageCheck]] | None = None  # built by `warm_checks`


@dataclass
class _Seen:
    """What `check_written` found in one audit: the pages it checked, and their findings."""

    checked: set[str] = field(default_factory=set)
    found: dict[str, dict[str, list[Finding]]] = field(default_factory=dict)  # url → section → them

    def check(
        self, view: AuditView, pages: Iterable[PageRecord], page_checks: list[tuple[str, PageCheck]]
    ) -> int:
        """Check `pages`; returns how many. A page a check failed on is not marked checked."""
        count = 0
        for page in pages:
            found = {s: f for s, check in page_checks if (f := list(check(view, page)))}
            self.checked.add(page.url)
            if found:
                self.found[page.url] = found
            else:
                self.found.pop(page.url, None)  # a page written again
            count += 1
        return count


_seen: dict[tuple[str, int], _Seen] = {}  # by (store file, audit)


def text_modules(sections: list[str] | None = None) -> list[ModuleType]:
    """The checks that read every text, in the list's order (only those in `sections`)."""
    return [
        m
        for m in checks.REGISTRY
        if getattr(m, "SCANS_TEXT", False) and (sections is None or m.SECTION in sections)
    ]


def warm_checks(rules: dict[str, dict[str, Any]], as_of: date) -> None:
    """Sent to the helper before the crawl: what the text checks build before their first page
    (seconds), built in a thread of its own, so that the crawl's batches keep being written
    meanwhile (a killed crawl loses only what was not written). Batches written before it is
    done are checked after the crawl."""
    global _warming

    def warm() -> None:
        global _page_checks
        for module in text_modules():
            if hasattr(module, "warm"):
                module.warm(rules[module.SECTION])
        _page_checks = [(m.SECTION, m.page_check(rules[m.SECTION], as_of)) for m in text_modules()]
        give_back()  # what building them left over (~20 MB), through the whole crawl

    _warming = threading.Thread(target=warm, name="warm-checks", daemon=True)
    _warming.start()


def check_written(store: Store, audit_id: int, urls: list[str]) -> int:
    """Run in the helper on each batch once committed (crawler/pipeline.py): its pages'
    findings, kept; returns how many pages it checked."""
    page_checks = _page_checks
    if page_checks is None:
        return 0  # not built yet: these pages are checked after the crawl
    seen = _seen.setdefault((str(store.path), audit_id), _Seen())
    view = store.view(audit_id)
    try:
        return seen.check(view, view.pages(urls=urls), page_checks)
    except Exception:  # a check's bug must not stop the crawl's writes: the pages it did not
        return 0  # check are checked after the crawl, where the error is the audit's, as before


def stored_findings(
    db_path: str, audit_id: int, sections: list[str], rules: dict[str, dict[str, Any]], as_of: date
) -> list[Finding]:
    """The findings of the text checks named in `sections`, from the store file and what
    `check_written` found; in the order of the checks' `run`."""
    global _page_checks
    if _warming is not None:
        _warming.join()  # the detectors it builds are the ones these checks use
    modules = text_modules(sections)
    store = Store(db_path)
    try:
        view = store.view(audit_id)
        seen = _seen.pop((db_path, audit_id), None) or _Seen()
        order = view.urls(internal=True)
        unseen = [url for url in order if url not in seen.checked]
        if unseen:
            page_checks = [(m.SECTION, m.page_check(rules[m.SECTION], as_of)) for m in modules]
            seen.check(view, view.pages(urls=unseen), page_checks)
        findings = []
        for module in modules:
            for url in order:
                findings.extend(seen.found.get(url, {}).get(module.SECTION, ()))
            findings.extend(module.file_findings(view, rules[module.SECTION], as_of))
        return findings
    finally:
        store.close()
        _page_checks = None
        release_checks(modules)


def release_checks(modules: list[ModuleType]) -> None:
    """What the text checks built, dropped when they are done and given back to the system:
    the helper goes on to write the xlsx while the audit process reports (295 → 130 MB at
    20,000 pages, benchmarks/README.md "Session 9")."""
    for module in modules:
        release = getattr(module, "release", None)
        if release is not None:
            release()
    give_back()
