"""Records that cross module boundaries: what the crawler observed and what a check found.

The crawler fills `PageRecord`s (facts only); checks read them back from the store and yield
`Finding`s (judgements). Both are frozen so that no room can change what another one produced.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

SEVERITIES = ("critical", "major", "minor")

# Page kinds the crawler assigns; checks rely on these names.
PAGE_KINDS = ("home", "list", "document", "article", "resource", "other")


@dataclass(frozen=True)
class Link:
    """One (source → target) edge as it stands in the page's markup."""

    target: str  # absolute URL, fragment removed
    tag: str  # a, img, script, link, iframe, frame, area, embed, object, onclick, meta-refresh
    attr: str  # href, src, data, onclick, content ...
    text: str = ""  # anchor text, alt or title
    in_boilerplate: bool = False  # inside nav/header/footer: repeated on every page
    fragment: str = ""  # the `#anchor` an <a>/<area> href names on its target, as written
    rel: str = ""  # a <link>'s rel, lowercased (stylesheet, icon, canonical ...): what loads it


# `ListItem.date_from` values.
DATED_BY_LIST = "list"
DATED_BY_URL = "url"


@dataclass(frozen=True)
class ListItem:
    """A dated (or undated) entry of a list page: the unit of "column updated"."""

    url: str
    title: str
    date: date | None
    position: int  # 0-based order on the list page
    # Where `date` was read: "list" (the list states it), "url" (only the item's URL carries it;
    # it orders pages but proves no 发布日期), None (unknown: a store written before this field).
    date_from: str | None = DATED_BY_LIST


# `PageRecord.meta` key set (to "1") on a page whose list has no item while a script of the page
# evidently fetches it (a crawler without JavaScript sees it empty; checks must not call it empty).
LOADED_BY_SCRIPT = "list_loaded_by_script"
# `PageRecord.meta` key of a page the crawler wanted a browser for (crawler/render.py): `rendered`
# (its list read from the rendered DOM), `still_empty`, `failed`, `unavailable`, `over_budget`.
RENDERED = "rendered_by_browser"
# `PageRecord.meta` key of a start URL answered by a WAF's bot check instead of the site: the
# check's name (瑞数, 加速乐, Cloudflare, 脚本验证). The audit then saw nothing of the site.
SCRIPT_CHALLENGE = "script_challenge"
# A record's meta key holding what the privacy check found in its text when it was written, as
# JSON: the store keeps the text with personal numbers masked (checks/privacy_leak.py `scan`).
PRIVACY_SCAN = "privacy_scan"


@dataclass(frozen=True)
class PageRecord:
    """Everything the crawler learnt about one URL; `error` is set when no response came."""

    url: str
    final_url: str | None = None
    status: int | None = None
    error: str | None = None  # dns, refused, timeout, tls, too_many_redirects, cancelled, other
    error_detail: str | None = None
    content_type: str | None = None
    charset: str | None = None
    size: int | None = None
    elapsed: float | None = None
    depth: int = 0
    method: str = "GET"  # GET, HEAD, or HEAD>GET after a refused HEAD
    internal: bool = True
    kind: str = "other"
    title: str = ""
    text: str = ""
    published: date | None = None
    # Where `published` was read: "label" (a 发布日期 / 发布时间 label or the metadata table),
    # "meta" (a PubDate meta tag), "heading" (a date line under the title) or "url" (the URL's
    # date only: it orders pages, it is not a date the page states). None: unknown (old stores).
    published_from: str | None = None
    # What `kind` was judged on, in words (列表条目 12 条, 分页脚本, 页面注明发布日期 …).
    kind_evidence: tuple[str, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)  # 索引号, 发布机构, 成文日期, 文号 ...
    breadcrumb: tuple[str, ...] = ()
    pagination: tuple[str, ...] = ()  # other pages of the same list
    redirects: tuple[str, ...] = ()  # the chain of URLs before final_url
    links: tuple[Link, ...] = ()
    list_items: tuple[ListItem, ...] = ()
    # What a `#fragment` can land on: the page's `id`s and `<a name>`s; and the fragments its own
    # `href="#..."` links name. Stored, but read back only through `AuditView.anchor_facts`.
    anchors: tuple[str, ...] = ()
    local_fragments: tuple[str, ...] = ()
    # The response's validators, sent back as If-None-Match / If-Modified-Since by the next audit.
    etag: str | None = None
    last_modified: str | None = None
    # The page as fetched (its HTML, decoded with `charset`): stored once per version, masked
    # and compressed (`page_copies`), the evidence a finding points at. "" for resources.
    source: str = ""

    def with_text(self, text: str) -> PageRecord:
        """This record with another `text`: `dataclasses.replace` without its __init__ (9x
        faster; a check's view copies every page of the site)."""
        copy = object.__new__(PageRecord)
        copy.__dict__.update(self.__dict__, text=text)
        return copy


@dataclass(frozen=True)
class Screenshot:
    """A page's screenshot as evidence (crawler/screenshots.py), its personal numbers masked in
    the page before the shot; or, with `png` empty, why there is none (`problem`, in Chinese)."""

    url: str
    png: bytes = b""
    problem: str = ""
    width: int = 0
    height: int = 0
    highlighted: int = 0  # how many of its findings' places are outlined in it
    # What the shot shows (the page copy, the places outlined, the camera: crawler/screenshots.py
    # `shot_key`); a later audit wanting the same key takes this shot again, not the browser.
    key: str = ""


def fingerprint(check: str, *parts: object) -> str:
    """Stable id of a problem: the same check on the same thing gives the same id in every audit."""
    raw = "\x1f".join([check, *(str(p) for p in parts)])
    return f"{check}-{hashlib.sha1(raw.encode('utf-8')).hexdigest()[:16]}"


@dataclass(frozen=True)
class Finding:
    """One problem, in the output contract of DESIGN.md (`to_json` gives the contract's object)."""

    id: str
    check: str
    severity: str
    page_url: str
    title: str
    details: dict[str, Any] = field(default_factory=dict)  # the per-check contract fields
    column: str | None = None  # the 栏目 the problem belongs to, where known

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity {self.severity!r} not one of {SEVERITIES}")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "check": self.check,
            "severity": self.severity,
            "page_url": self.page_url,
            "title": self.title,
        }
        if self.column is not None:
            out["column"] = self.column
        for key, value in self.details.items():
            out[key] = value.isoformat() if isinstance(value, date) else value
        return out

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Finding:
        base = {"id", "check", "severity", "page_url", "title", "column"}
        return cls(
            id=obj["id"],
            check=obj["check"],
            severity=obj["severity"],
            page_url=obj["page_url"],
            title=obj["title"],
            column=obj.get("column"),
            details={k: v for k, v in obj.items() if k not in base},
        )
