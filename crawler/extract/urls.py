"""Resolving a page's raw link values to absolute URLs, quickly for the plain paths most links are."""

from __future__ import annotations

import functools
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree
from w3lib.url import safe_url_string

_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "about:", "sms:", "vbscript:")
SCRIPT_URL = re.compile(
    r"(?:window\.open|location\.(?:href|replace|assign)|(?:window|document|top|self|parent)\.location(?:\.href)?|location)"
    r"\s*(?:=|\()\s*\(?\s*['\"]([^'\"]+)['\"]"
)
# Browsers drop tabs and newlines anywhere in a URL (WHATWG URL parser).
_URL_WHITESPACE = re.compile(r"[\t\n\r]")


def _ascii_compatible(encoding: str) -> bool:
    """Whether the encoding writes a query's ASCII as ASCII (not utf-16, utf-7, ...)."""
    try:
        return "?a=1&b".encode(encoding) == b"?a=1&b"
    except (LookupError, ValueError):
        return False


def absolute(base: str, raw: str | None, encoding: str, page_url: str) -> str | None:
    """Absolute, fragment-free, safely encoded URL; None for non-edges (mailto:, #frag, ...)."""
    if raw is None:
        return None
    href = _URL_WHITESPACE.sub("", raw).strip()
    if not href or href.startswith("#"):
        return None
    if href.lower().startswith(_SKIP_SCHEMES):
        return None
    try:
        joined = urljoin(base, href)
        parts = urlsplit(joined)
        parts.port  # noqa: B018 - raises on a port out of range, as browsers refuse it
        url = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
        safe = safe_url_string(url, encoding=encoding if encoding else "utf-8")
    except (ValueError, LookupError):
        return None
    if parts.fragment and safe == page_url:
        return None  # same-page anchor written as a full URL
    return safe


def written_url(raw: str | None) -> str | None:
    """The URL a link attribute holds: itself, or the one its `javascript:` URL opens."""
    # a colon first: most links are paths without one, and need no lowercased copy
    if raw and ":" in raw and raw.strip().lower().startswith("javascript:"):
        found = SCRIPT_URL.search(raw)
        return found.group(1) if found else None
    return raw


_ORIGIN = re.compile(r"https?://[^/?#\\\x00-\x20\x7f]+")
_SEGMENTS = r"[\w~\-][\w~.\-]*(?:/[\w~\-][\w~.\-]*)*/?"
_QUERY = r"(?:\?[\w~.\-=&]+)?"
_PLAIN_ROOTED = re.compile(rf"/(?:{_SEGMENTS})?{_QUERY}", re.A)
_PLAIN_RELATIVE = re.compile(rf"(?:\./)?({_SEGMENTS}{_QUERY})", re.A)


@functools.lru_cache(maxsize=256)
def _origin_prefix(origin: str, encoding: str) -> str | None:
    """`scheme://host/` as the full resolution writes it (host lowercased and IDNA-encoded,
    port normalised). Memoised across pages, a pure function: a site's pages share few origins."""
    sentinel = origin + "/x"
    full = absolute(sentinel, sentinel, encoding, "")
    return full[:-1] if full and full.endswith("/x") else None


def safe_page_url(url: str, encoding: str) -> str:
    """`safe_url_string(url)`, by the memoised origin prefix when the URL is a plain path."""
    found = _ORIGIN.match(url)
    if found and _PLAIN_ROOTED.fullmatch(url, found.end()) and _ascii_compatible(encoding):
        prefix = _origin_prefix(found.group(), encoding)
        if prefix:
            return prefix + url[found.end() + 1 :]
    return safe_url_string(url, encoding=encoding)


class Resolver:
    """One page's URL resolution (base href, encoding), memoised: anchors are read three times.

    Most links of a page are plain paths, resolved by concatenation with the prefix the full
    resolution gives for a sentinel link (the same string, at a tenth of the cost)."""

    def __init__(self, base: str, page_url: str, encoding: str) -> None:
        self.base, self.page_url, self.encoding = base, page_url, encoding
        self._memo: dict[str, str | None] = {}
        self._anchors: dict[etree._Element, str | None] = {}
        found = _ORIGIN.match(base)
        self._base_origin = found.group() if found else None
        # the query is encoded in the page's encoding: only an ASCII-compatible one keeps it as is
        self._plain_query = _ascii_compatible(encoding or "utf-8")
        # What a rooted link (`/col/...`) and a relative one are appended to, found once per page
        # (not on first use: a cached_property takes a lock each time it fills).
        self._root = _origin_prefix(self._base_origin, encoding) if self._base_origin else None
        self._directory = self._base_directory()

    def url(self, raw: str | None) -> str | None:
        """The absolute URL a link written `raw` leads to; None for non-edges (mailto:, #frag)."""
        if raw is None:
            return None
        if raw in self._memo:  # not try/except KeyError: most links miss once, and raising is dear
            return self._memo[raw]
        url = self._plain(raw) or absolute(self.base, raw, self.encoding, self.page_url)
        self._memo[raw] = url
        return url

    def _base_directory(self) -> str | None:
        """The base's directory, fully resolved."""
        if self._base_origin is None:
            return None
        path = self.base[len(self._base_origin) :]
        if self._root and _PLAIN_ROOTED.fullmatch(path):
            # a plain base resolves like a plain rooted link (no full resolution per page)
            directory = path.partition("?")[0].rpartition("/")[0]
            return self._root + directory[1:] + "/" if directory else self._root
        full = absolute(self.base, "x", self.encoding, self.page_url)
        return full[:-1] if full and full.endswith("/x") else None

    def _plain(self, raw: str) -> str | None:
        """The resolution of a plain-path link by concatenation; None for any other link."""
        if "?" in raw and not self._plain_query:
            return None
        if raw[:1] == "/":
            prefix = self._root if _PLAIN_ROOTED.fullmatch(raw) else None
            return prefix + raw[1:] if prefix else None
        if raw[:4] == "http" and (found := _ORIGIN.match(raw)):
            path = raw[found.end() :]
            prefix = _origin_prefix(found.group(), self.encoding)
            return prefix + path[1:] if prefix and _PLAIN_ROOTED.fullmatch(path) else None
        found = _PLAIN_RELATIVE.fullmatch(raw)
        prefix = self._directory if found else None
        return prefix + found.group(1) if prefix and found else None

    def edge(self, raw: str | None) -> str | None:
        """The target of a recorded edge: as `url`, but an address no browser can follow
        (an open IPv6 bracket, a port out of range) is kept as written, so the crawler records
        it as malformed and the broken-link check reports it instead of it vanishing."""
        target = self.url(raw)
        if target is None and raw is not None:
            href = _URL_WHITESPACE.sub("", raw).strip()
            if href and not href.startswith("#") and not href.lower().startswith(_SKIP_SCHEMES):
                try:
                    urlsplit(urljoin(self.base, href)).port  # noqa: B018 - raises when malformed
                except ValueError:
                    return href
        return target

    def is_self(self, raw: str | None) -> bool:
        """Whether a link written `raw` (with a fragment) stays on this page: `#part`, or this
        page's own URL followed by one."""
        if not raw:
            return False
        before = _URL_WHITESPACE.sub("", raw).strip().partition("#")[0]
        return not before or self.url(before) == self.page_url

    def anchor(self, a: etree._Element) -> str | None:
        """Where clicking an anchor leads: its href, or the URL of its `window.open(...)`."""
        if a in self._anchors:
            return self._anchors[a]
        self._anchors[a] = target = self._anchor(a)
        return target

    def note_anchor(self, a: etree._Element, href: str) -> None:
        """Remember where an anchor leads from its href, read by `written_url` and not empty:
        `page_links` reads every anchor's href first; list items and the pager ask `anchor` after."""
        self._anchors[a] = self.url(href)

    def _anchor(self, a: etree._Element) -> str | None:
        raw = written_url(a.get("href"))
        if not raw and a.get("onclick"):
            found = SCRIPT_URL.search(a.get("onclick") or "")
            raw = found.group(1) if found else None
        return self.url(raw)
