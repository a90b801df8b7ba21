"""Links to a `#part` of a page that the page does not have (missing_anchor, 锚点不存在).

A visitor who follows `/zcwj/index.html#sec3` or a page's own `href="#sec3"` lands at the top of
the page instead of the part the link promised: the link works, its anchor does not. Judged only
on the site's own HTML pages that the crawler read (their `id`s and `<a name>`s are recorded):
never on attachments (`a.pdf#page=2` is the viewer's business), external sites, or pages whose
content a script builds (the anchor may be made there).

Fragments that name no anchor by design are not judged: empty, `top` (HTML scrolls to the top),
hash routes of script-built apps (`#/list`, `#!/list`), state (`#page=2`, `#a&b`) and text
fragments (`#:~:text=`). A fragment matches an anchor as written or percent-decoded (UTF-8),
case-sensitively, as browsers match it.

One `minor` finding per (page, fragment), listing every page that links to it.

Settings, `[checks.missing_anchor]`:
    severity   of every finding (default minor)
    ignore     fragments (regular expressions, matched in full) never judged
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import unquote

from govaudit.core.config import ConfigError, compile_pattern
from govaudit.core.model import LOADED_BY_SCRIPT, SEVERITIES, Finding, PageRecord, fingerprint
from govaudit.core.store import AuditView

SECTION = "missing_anchor"
DEFAULTS: dict[str, Any] = {"severity": "minor", "ignore": []}

_BY_DESIGN = re.compile(r"(?i:top)|[/!].*|.*[=&].*|:~:.*")
_HTML = ("text/html", "application/xhtml+xml")


def validate_rules(rules: dict[str, Any]) -> dict[str, Any]:
    if rules["severity"] not in SEVERITIES:
        raise ConfigError(f"checks.missing_anchor.severity 应为 {', '.join(SEVERITIES)} 之一")
    for pattern in rules["ignore"]:
        compile_pattern("checks.missing_anchor.ignore", pattern)
    return rules


@dataclass
class _Missing:
    sources: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def run(view: AuditView, rules: dict[str, Any], as_of: date) -> Iterator[Finding]:
    """One finding per anchor that a link names and its page lacks; `as_of` is unused."""
    ignore = [re.compile(p) for p in rules["ignore"]]
    named: dict[tuple[str, str], _Missing] = {}
    for source, link in view.fragment_links():
        if judged(link.fragment, ignore):
            missing = named.setdefault((link.target, link.fragment), _Missing())
            if source not in missing.sources:
                missing.sources.append(source)
            if link.text and link.text not in missing.texts:
                missing.texts.append(link.text)
    facts = view.anchor_facts()
    for url, (_, local) in facts.items():
        for fragment in local:
            if judged(fragment, ignore):
                missing = named.setdefault((url, fragment), _Missing())
                if url not in missing.sources:
                    missing.sources.append(url)
    if not named:
        return
    pages = {p.url: p for p in view.pages(urls={url for url, _ in named}, with_text=False)}
    for (url, fragment), missing in sorted(named.items()):
        page = pages.get(url)
        if page is None or not readable_html(page):
            continue
        anchors = facts.get(url, ((), ()))[0]
        if lands(fragment, anchors):
            continue
        yield Finding(
            id=fingerprint("missing_anchor", url, fragment),
            check="missing_anchor",
            severity=rules["severity"],
            page_url=missing.sources[0],
            title=f"锚点不存在：链接指向 #{fragment}，但目标页面没有该位置",
            details={
                "target_url": f"{url}#{fragment}",
                "fragment": fragment,
                "source_pages": missing.sources,
                "anchors": missing.texts,
            },
        )


def judged(fragment: str, ignore: list[re.Pattern[str]]) -> bool:
    """Whether a fragment names an anchor at all (see the module's list of exceptions)."""
    if not fragment or _BY_DESIGN.fullmatch(fragment):
        return False
    return not any(p.fullmatch(fragment) for p in ignore)


def readable_html(page: PageRecord) -> bool:
    """A page of the site the crawler read as HTML, its content not built by a script."""
    if not page.internal or page.error is not None or page.status is None:
        return False
    if not 200 <= page.status < 300 or page.kind == "resource":
        return False
    mime = (page.content_type or "").split(";")[0].strip().lower()
    return (not mime or mime in _HTML) and LOADED_BY_SCRIPT not in page.meta


def lands(fragment: str, anchors: tuple[str, ...]) -> bool:
    """Whether a browser scrolls to an anchor for this fragment (as written, or decoded)."""
    if fragment in anchors:
        return True
    try:
        decoded = unquote(fragment, errors="strict")
    except UnicodeDecodeError:
        return False
    return decoded in anchors
