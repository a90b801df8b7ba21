"""Unusable links and resources (不可用链接/错误链接): one finding per broken target.

A target is broken when, after the crawler's retries, it answered 4xx/5xx, failed with a network
error (DNS, refused, TLS, timeout, too many redirects ...), answered 2xx with an error page
(soft 404), or came back empty. Targets the crawler skipped on purpose, or never recorded, are not
judged. Every referring page goes into `source_pages`, so a broken link in the shared navigation is
one finding, marked `boilerplate`, not one per page.

Settings (`[checks.broken_link]`): `severity` (home / internal / resource / external),
`ignore_errors`, `ignore_statuses`, and the soft-404 phrases with the text lengths they need.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from govaudit.checks.wordmatch import required_literals
from govaudit.core.columns import Column, site_column_of
from govaudit.core.config import ConfigError, compile_pattern
from govaudit.core.model import SEVERITIES, Finding, PageRecord, fingerprint
from govaudit.core.store import AuditView
from govaudit.core.vocabulary import ERROR_NAMES

SECTION = "broken_link"

DEFAULTS: dict[str, Any] = {
    # 国办秘函〔2019〕19号 counts unusable links; a dead link on the homepage is the one inspectors
    # check daily, so it is critical. External sites are outside the bureau's control: minor.
    "severity": {"home": "critical", "internal": "major", "resource": "major", "external": "minor"},
    # `skipped`: not fetched on purpose; `cancelled`: over the size bound, so it did answer.
    "ignore_errors": ["skipped", "cancelled"],
    # A rate limit that outlasted the retries says the crawl was too fast, not that the link is dead.
    "ignore_statuses": [429],
    # Soft 404: a 2xx page whose title or text says the page does not exist. Strong phrases only
    # occur on error pages; weak ones also occur in articles, so they need a shorter text.
    "soft404_strong": [
        r"页面不存在",
        r"网页不存在",
        r"页面未找到",
        r"页面找不到",
        r"找不到(?:该|此|您要?访问的|你要?访问的|所请求的)?(?:页面|网页)",
        r"(?:页面|网页|文章|信息|内容)不存在或已(?:被)?(?:删除|撤销|过期)",
        r"不存在或已(?:被)?删除",
        r"访问的(?:页面|网页)已(?:被)?删除",
        r"(?:页面|网页)已(?:被)?删除",
        r"(?:网页|页面)走丢了",
        r"404\s*not\s*found",
        r"^\W*404\W*$",
        r"(?:错误|error)\s*(?:代码|code)?\s*[:：]?\s*404",
        r"404\s*(?:错误|error|页面)",
        r"\bnot\s+found\b",
    ],
    "soft404_weak": [
        r"找不到",
        r"未找到",
        r"不存在",
        r"已被删除",
        r"已删除",
        r"无法访问",
        r"出错了",
        r"访问出错",
        r"(?<!\d)404(?!\d)",
    ],
    "soft404_strong_max_text": 1000,  # body characters; an error page says little
    "soft404_weak_max_text": 200,
}

# Tags whose target is embedded in the page: a failure is visible on the page itself.
_EMBED_TAGS = {
    "img", "script", "link", "iframe", "frame", "embed", "object", "source", "video", "audio",
    "track", "style", "css", "body", "table", "td", "th", "tr",  # CSS url(), background=
}  # fmt: skip


@dataclass
class _Referrers:
    sources: set[str] = field(default_factory=set)
    anchors: list[str] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    all_boilerplate: bool = True


def validate_rules(rules: dict[str, Any]) -> dict[str, Any]:
    """Checks `check_rules` cannot make: severity words and regular expressions."""
    where = f"checks.{SECTION}"
    for key in ("home", "internal", "resource", "external"):
        if rules["severity"].get(key) not in SEVERITIES:
            raise ConfigError(f"{where}.severity.{key} 应为 {', '.join(SEVERITIES)} 之一")
    for key in ("soft404_strong", "soft404_weak"):
        for pattern in rules[key]:
            compile_pattern(f"{where}.{key}", pattern)
    return rules


def run(view: AuditView, rules: dict[str, Any], as_of: date) -> Iterator[Finding]:
    rules = validate_rules(rules)
    soft404 = _Soft404(rules)
    # Judge the recorded targets first, one page at a time, with its text (the soft-404 rule
    # reads nearly every page's; a view that keeps no text reads them as it goes); only then
    # read the edges that point at the few broken ones (a large site has hundreds of thousands
    # of edges).
    broken: dict[str, tuple[PageRecord, str]] = {}
    homes: set[str] = set()
    redirected: list[PageRecord] = []
    for page in view.pages():
        if page.kind == "home":
            homes.add(page.url)
        kind = _broken_kind(page, rules, soft404)
        if kind is not None:
            broken[page.url] = (page, kind)
        elif page.final_url and page.final_url != page.url:
            redirected.append(page)
    # Many dead links of a CMS redirect to one error page (`/404.html`, 200 "页面不存在"); the
    # crawler fetches that page once and records the others as ending there. Each is broken.
    for page in redirected:
        final = broken.get(page.final_url)
        if final is not None and final[1] == "soft_404":
            broken[page.url] = (page, "soft_404")
    if not broken:
        return
    referrers: dict[str, _Referrers] = {}
    for link, sources in view.linking_pages(broken):
        ref = referrers.setdefault(link.target, _Referrers())
        ref.sources |= sources
        ref.tags.add(link.tag)
        ref.all_boilerplate &= link.in_boilerplate
        text = link.text.strip()
        if text and text not in ref.anchors:
            ref.anchors.append(text)
    columns = None
    for target in sorted(referrers):  # a target nothing links to is not a broken link
        page, kind = broken[target]
        if columns is None:
            columns = site_column_of(view)
        yield _finding(page, kind, referrers[target], homes, rules, columns)


def _broken_kind(page: PageRecord, rules: dict[str, Any], soft404: _Soft404) -> str | None:
    """Why the target is unusable (`status`, an error kind, `soft_404`, `empty`), or None."""
    if page.error in rules["ignore_errors"]:
        return None
    if page.status is not None and page.status in rules["ignore_statuses"]:
        return None
    if page.status is not None and page.status >= 400:
        return "status"
    if page.error:
        return page.error
    if page.status is None or not 200 <= page.status < 300:
        return None  # no verdict recorded (or a 3xx the crawler did not follow)
    if page.size == 0 and (page.kind == "resource" or page.method == "GET"):
        return "empty"
    if page.kind != "resource" and soft404.matches(page.title, page.text):
        return "soft_404"
    return None


class _Soft404:
    """Error pages served with 200: a strong phrase with a short text, or a weak one with a very
    short text, so an article that merely says 找不到 in a sentence is not flagged."""

    def __init__(self, rules: dict[str, Any]) -> None:
        self.strong = _Phrases(rules["soft404_strong"])
        self.weak = _Phrases(rules["soft404_weak"])
        self.strong_max = rules["soft404_strong_max_text"]
        self.weak_max = rules["soft404_weak_max_text"]
        self.gates = _literal_gates(self.strong, self.weak)

    def matches(self, title: str, text: str) -> bool:
        # Most pages hold no literal a phrase needs: ruled out before their text is normalised.
        if self.gates is not None:
            raw = f"{title}\n{text}"
            if not any(gate.search(raw) for gate in self.gates):
                return False
        title, text = title.strip(), " ".join(text.split())
        if not title and not text:
            return False
        length = len(text)
        if length <= self.strong_max and self.strong.found_in(title, text):
            return True
        return length <= self.weak_max and self.weak.found_in(title, text)


class _Phrases:
    """Soft-404 patterns (case-insensitive), each searched for only in texts that hold one of the
    literals every match of it holds: a few literal scans rule out most patterns for most
    pages, far cheaper than searches that a look-behind (`(?<!\\d)404`) or a `\\b` makes try at
    every position of the text.

    Literals without case (digits, Chinese) are looked for all at once, in the title and text
    together: most pages hold none, and then no pattern that needs one is tried. A literal with
    case (`found` of `\\bnot\\s+found\\b`) is looked for with IGNORECASE, as its pattern matches
    it, once however many patterns need it."""

    def __init__(self, patterns: list[str]) -> None:
        # (pattern, caseless literals it needs, or else a search for its cased literals)
        self.phrases: list[tuple[re.Pattern[str], frozenset[str] | None, re.Pattern[str] | None]]
        self.phrases = []
        # The IGNORECASE searches for cased literals: one per set of them, whoever needs it.
        self.cased_searches: dict[tuple[str, ...], re.Pattern[str]] = {}
        for pattern in patterns:
            needed = required_literals(re.compile(pattern))
            caseless = needed and all(_caseless(ch) for literal in needed for ch in literal)
            cased = None
            if needed and not caseless:
                if needed not in self.cased_searches:
                    source = "|".join(map(re.escape, needed))
                    self.cased_searches[needed] = re.compile(source, re.IGNORECASE)
                cased = self.cased_searches[needed]
            self.phrases.append(
                (re.compile(pattern, re.IGNORECASE), frozenset(needed) if caseless else None, cased)
            )
        # What a text without any caseless literal is searched for (most texts).
        self.without_literals = [phrase for phrase in self.phrases if phrase[1] is None]
        self.literals = sorted({lit for _, needed, _ in self.phrases for lit in needed or ()})
        self.any_literal = (
            re.compile("|".join(map(re.escape, self.literals))) if self.literals else None
        )
        self.gated = all(needed or cased for _, needed, cased in self.phrases)
        self.gates = _literal_gates(self)

    def found_in(self, *texts: str) -> bool:
        """Whether a pattern matches one of the texts."""
        if self.gates is not None:
            joined = "\n".join(texts)  # a literal across the join only costs the long way
            if not any(gate.search(joined) for gate in self.gates):
                return False
        for text in texts:
            present = self._literals_in(text)
            cased_found: dict[re.Pattern[str], bool] = {}
            for pattern, needed, cased in self.phrases if present else self.without_literals:
                if needed is not None and needed.isdisjoint(present):
                    continue
                if cased is not None:
                    if cased not in cased_found:
                        cased_found[cased] = cased.search(text) is not None
                    if not cased_found[cased]:
                        continue
                if pattern.search(text):
                    return True
        return False

    def _literals_in(self, text: str) -> set[str]:
        """The caseless literals the text holds."""
        if self.any_literal is None or not self.any_literal.search(text):
            return set()
        return {lit for lit in self.literals if lit in text}


def _literal_gates(*sets: _Phrases) -> list[re.Pattern[str]] | None:
    """Searches one of which finds something in any text a pattern of `sets` matches, and in
    the text it was normalised from (its whitespace collapsed): None when a pattern needs no
    literal, or a literal holds whitespace."""
    if not all(phrases.gated for phrases in sets):
        return None
    literals = sorted({lit for phrases in sets for lit in phrases.literals})
    cased = {key: search for phrases in sets for key, search in phrases.cased_searches.items()}
    every = [*literals, *(lit for key in cased for lit in key)]
    if any(ch.isspace() for lit in every for ch in lit):
        return None
    gates = [re.compile("|".join(map(re.escape, literals)))] if literals else []
    return gates + list(cased.values())


def _caseless(ch: str) -> bool:
    """A character IGNORECASE matches only with itself."""
    return "0" <= ch <= "9" or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"


def _severity(page: PageRecord, ref: _Referrers, homes: set[str], rules: dict[str, Any]) -> str:
    severity = rules["severity"]
    if ref.sources & homes:
        return severity["home"]
    if page.internal:
        return severity["internal"]
    if page.kind == "resource" or ref.tags & _EMBED_TAGS:
        return severity["resource"]
    return severity["external"]


def _finding(
    page: PageRecord,
    kind: str,
    ref: _Referrers,
    homes: set[str],
    rules: dict[str, Any],
    columns: Callable[[str], Column | None],
) -> Finding:
    sources = sorted(ref.sources)
    on_home = [s for s in sources if s in homes]
    page_url = on_home[0] if on_home else sources[0]
    anchor = ref.anchors[0] if ref.anchors else page.url
    reason = str(page.status) if kind == "status" else ERROR_NAMES.get(kind, kind)
    details: dict[str, Any] = {
        "target_url": page.url,
        "status": page.status,
        "error": page.error,
        "source_pages": sources,
        "anchors": ref.anchors,
    }
    if kind in ("soft_404", "empty"):
        details["error_kind"] = kind
    elif page.error:
        details["error_kind"] = page.error
    if page.error_detail:
        details["error_detail"] = page.error_detail
    if page.redirects:
        details["redirects"] = list(page.redirects)
        details["final_url"] = page.final_url
    details["internal"] = page.internal
    if ref.all_boilerplate:
        details["boilerplate"] = True
    column = columns(page_url) if not on_home else None
    return Finding(
        id=fingerprint("broken_link", page.url),
        check="broken_link",
        severity=_severity(page, ref, homes, rules),
        page_url=page_url,
        title=f"不可用链接：{anchor} → {reason}",
        details=details,
        column=column.name if column else None,
    )
