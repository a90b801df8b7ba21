"""Pure parsing of one fetched page: (url, body bytes, headers) → `PageRecord`.

The spider only schedules requests; everything the crawler learns from a body is decided here, so it
can be tested on hand-written HTML without Scrapy or a server. Nothing in this module raises on bad
input: broken markup, empty bodies and binary junk give a record with what could be read.

Sources of the rules: ../shared/research/scrapy.md §3 (encodings: pick the least-damaged of header,
meta, gb18030 and utf-8) and §4 (dates: labelled patterns first, never htmldate, never the footer's
copyright year); DESIGN.md "Site realities" (TRS/Hanweb/Ucap markup, createPageHTML pagination).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree
from w3lib.url import safe_url_string

from govaudit.core.model import Link, ListItem, PageRecord

__all__ = [
    "decode_html",
    "find_dates",
    "parse_date",
    "parse_page",
    "url_date",
]

# ---------------------------------------------------------------------------------------------
# Encodings
# ---------------------------------------------------------------------------------------------

# WHATWG maps these labels to gb18030, the superset: a page labelled gb2312 that holds GBK-only
# characters (镕 = E9 46) must not break (research §3).
_GB_ALIASES = {"gb2312", "gbk", "cp936", "gb_2312-80", "gb_2312", "x-gbk", "zh_cn", "euc-cn", "csgb2312"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:\-]+)", re.I | re.S)
_LOOSE_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([a-z0-9_.:\-]+)", re.I)
_MOJIBAKE = re.compile("[\u00c0-\u00ff]")


def _normalise_encoding(label: str | None) -> str | None:
    """Python codec name for a declared label, gb* → gb18030; None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_ALIASES:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in ("gbk", "gb2312") else name


def _meta_charset(body: bytes) -> str | None:
    """The charset a `<meta>` declares in the first 4 KiB (lenient: also malformed tags)."""
    head = body[:4096]
    found = _META_CHARSET.search(head) or _LOOSE_CHARSET.search(head)
    return found.group(1).decode("ascii", "replace") if found else None


def _damage(text: str) -> int:
    # research §3: 10 × U+FFFD (undecodable bytes) + Latin-1 range chars (silent GBK-as-Latin mojibake)
    return 10 * text.count("\ufffd") + len(_MOJIBAKE.findall(text))


def decode_html(body: bytes, header_charset: str | None) -> tuple[str, str]:
    """Decode a page by the least-damaged of BOM, header, meta, utf-8 and gb18030.

    Neither the header nor the meta wins by itself: servers send wrong HTTP charsets and templates
    keep a stale `charset=gb2312` after a move to UTF-8 (research §3). Ties go to the BOM, then the
    header, then the meta; a body that is strictly valid UTF-8 with multibyte sequences beats a
    declared GB charset on a tie, because GBK-encoded Chinese practically never forms valid UTF-8,
    while UTF-8 bytes often decode as (wrong) gb18030 without a single replacement character.
    """
    candidates: list[str] = []
    for bom, name in _BOMS:
        if body.startswith(bom):
            candidates.append(name)
            body = body[len(bom) :]
            break
    for label in (header_charset, _meta_charset(body)):
        name = _normalise_encoding(label)
        if name:
            candidates.append(name)
    candidates += ["utf-8", "gb18030"]
    best: tuple[int, int, str, str] | None = None
    seen: set[str] = set()
    strict_utf8 = _is_multibyte_utf8(body)
    for rank, name in enumerate(candidates):
        if name in seen:
            continue
        seen.add(name)
        try:
            text = body.decode(name, errors="replace")
        except (LookupError, ValueError):
            continue
        bonus = 0 if (name == "utf-8" and strict_utf8) else 1
        key = (_damage(text), bonus if strict_utf8 else rank, name, text)
        if best is None or key[:2] < best[:2]:
            best = key
    if best is None:  # only reachable if every codec failed; utf-8 with replace cannot
        return body.decode("utf-8", errors="replace"), "utf-8"
    return best[3], best[2]


def _is_multibyte_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_TEXT_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:"
    r"年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日?"
    r"|(?P<sep>[-/.])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<d2>\d{1,2})"
    r")(?!\d)"
)
# Day-precise URL forms only: a /202108/ month folder alone is not a date.
_URL_DATES = (
    re.compile(r"[/_]t(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})_\d+"),  # TRS: /t20210812_123456.html
    re.compile(r"/art/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),  # Hanweb: /art/2021/8/12/art_
    re.compile(r"/(?P<y>\d{4})-(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),  # /2021-08/12/content_...
    re.compile(r"/(?P<y>\d{4})(?P<m>\d{2})/(?P<d>\d{2})/"),  # /202108/12/
    re.compile(r"/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),  # /2021/08/12/
    re.compile(r"(?<![\d])(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?![\d])"),  # 20210812
)


def _valid_date(y: str, m: str, d: str) -> date | None:
    try:
        found = date(int(y), int(m), int(d))
    except ValueError:
        return None
    return found if 1949 <= found.year <= 2100 else None


def find_dates(text: str) -> list[date]:
    """Every valid date written in the text, in order (2021-08-12, 2021年8月12日, 2021/8/12 ...)."""
    out = []
    for found in _TEXT_DATE.finditer(text or ""):
        g = found.groupdict()
        parsed = _valid_date(g["y"], g["m1"] or g["m2"], g["d1"] or g["d2"])
        if parsed:
            out.append(parsed)
    return out


def parse_date(text: str) -> date | None:
    """The first valid date in the text, or None."""
    found = _TEXT_DATE.search(text or "")
    while found:
        g = found.groupdict()
        parsed = _valid_date(g["y"], g["m1"] or g["m2"], g["d1"] or g["d2"])
        if parsed:
            return parsed
        found = _TEXT_DATE.search(text, found.end())
    return None


def url_date(url: str) -> date | None:
    """The publication day a CMS wrote into the URL path (TRS `t20210812_`, Hanweb `/art/2021/8/12/`)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for pattern in _URL_DATES:
        for found in pattern.finditer(path):
            parsed = _valid_date(found["y"], found["m"], found["d"])
            if parsed:
                return parsed
    return None


# ---------------------------------------------------------------------------------------------
# Boilerplate (nav/header/footer)
# ---------------------------------------------------------------------------------------------

# Matched as whole class/id token, as a prefix (navbar, menu_list), or as a separated suffix
# (main-nav, site_footer).
_STRONG_BP = ("nav", "menu", "header", "footer", "copyright", "daohang", "banquan")
# Matched only as the whole token or followed by a separator and a container word: `head` must not
# hit `headline` or `list-head`, `top` must not hit `topnews`.
_WEAK_BP = ("head", "top", "foot", "bottom", "dh", "bq", "banner")
_CONTAINER_WORDS = r"(?:\d*|[-_](?:\d+|box|bar|wrap|wrapper|bg|con|content|inner|main|area|div|nav|menu|link|links|info|container|line))"
_STRONG_RE = re.compile(rf"^(?:{'|'.join(_STRONG_BP)})|[-_](?:{'|'.join(_STRONG_BP)})\d*$")
_WEAK_RE = re.compile(rf"^(?:{'|'.join(_WEAK_BP)}){_CONTAINER_WORDS}$")
_BP_TAGS = {"nav", "header", "footer"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe", "object", "select", "option"}


def _tokens(el: etree._Element) -> list[str]:
    raw = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return raw.split()


def _is_bp_element(el: etree._Element) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in ("html", "body"):
        return False
    if tag in _BP_TAGS:
        # An HTML5 <article>'s own <header>/<footer> hold its heading and date, not site chrome.
        return not any(a.tag in ("article", "main") for a in el.iterancestors())
    return any(_STRONG_RE.search(t) or _WEAK_RE.match(t) for t in _tokens(el))


class _Boilerplate:
    """Memoised "is this element inside nav/header/footer" test."""

    def __init__(self) -> None:
        self._cache: dict[etree._Element, bool] = {}

    def __call__(self, el: etree._Element) -> bool:
        chain = []
        node: etree._Element | None = el
        result = False
        while node is not None:
            if node in self._cache:
                result = self._cache[node]
                break
            chain.append(node)
            if _is_bp_element(node):
                result = True
                break
            node = node.getparent()
        for n in chain:
            self._cache[n] = result
        return result


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "main", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    "body", "center",
}  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b]+")
_WS = re.compile(r"\s+")


def _collapse(text: str | None) -> str:
    return _WS.sub(" ", (text or "").replace("\u200b", "")).strip()


def _visible_text(root: etree._Element, bp: _Boilerplate, keep_boilerplate: bool = False) -> str:
    """Body text with block elements on their own lines, without scripts and boilerplate."""
    parts: list[str] = []
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        el, closing = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else None
        if closing:
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if el.tail and el is not root:
                parts.append(el.tail)
            continue
        if tag is None or tag in _SKIP_TAGS or (not keep_boilerplate and _is_bp_element(el)):
            if el.tail and el is not root:
                parts.append(el.tail)
            continue
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------------

_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "about:", "sms:", "vbscript:")
_SCRIPT_URL = re.compile(
    r"(?:window\.open|location\.(?:href|replace|assign)|(?:window|document|top|self|parent)\.location(?:\.href)?|location)"
    r"\s*(?:=|\()\s*\(?\s*['\"]([^'\"]+)['\"]"
)
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?\s*([^'\"\s;][^'\"]*)", re.I)
_LINK_ATTRS = {
    "a": "href",
    "area": "href",
    "iframe": "src",
    "frame": "src",
    "img": "src",
    "script": "src",
    "embed": "src",
    "object": "data",
    "video": "src",
    "audio": "src",
    "source": "src",
}
_LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon"}


def _absolute(base: str, raw: str | None, encoding: str, page_url: str) -> str | None:
    """Absolute, fragment-free, safely encoded URL; None for non-edges (mailto:, #frag, ...)."""
    if raw is None:
        return None
    href = re.sub(r"[\t\n\r]", "", raw).strip()
    if not href or href.startswith("#"):
        return None
    if href.lower().startswith(_SKIP_SCHEMES):
        return None
    try:
        joined = urljoin(base, href)
        parts = urlsplit(joined)
        url = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
        safe = safe_url_string(url, encoding=encoding if encoding else "utf-8")
    except (ValueError, LookupError):
        return None
    if parts.fragment and safe == page_url:
        return None  # same-page anchor written as a full URL
    return safe


def _link_text(el: etree._Element) -> str:
    tag = el.tag
    if tag in ("img", "area"):
        return _collapse(el.get("alt") or el.get("title"))
    if tag == "a":
        text = _collapse(el.text_content())
        if not text:
            for img in el.iter("img"):
                text = _collapse(img.get("alt") or img.get("title"))
                if text:
                    break
        return text or _collapse(el.get("title"))
    return _collapse(el.get("title"))


def _links(root: etree._Element, base: str, page_url: str, encoding: str, bp: _Boilerplate) -> list[Link]:
    out: list[Link] = []
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        attr = _LINK_ATTRS.get(tag)
        if tag == "link":
            rels = set((el.get("rel") or "").lower().split())
            attr = "href" if rels & _LINK_RELS else None
        if attr:
            raw = el.get(attr)
            if raw and raw.strip().lower().startswith("javascript:"):
                found = _SCRIPT_URL.search(raw)
                raw = found.group(1) if found else None
            target = _absolute(base, raw, encoding, page_url)
            if target:
                out.append(Link(target, tag, attr, _link_text(el), bp(el)))
        onclick = el.get("onclick")
        if onclick:
            found = _SCRIPT_URL.search(onclick)
            target = _absolute(base, found.group(1), encoding, page_url) if found else None
            if target:
                out.append(Link(target, "onclick", "onclick", _link_text(el), bp(el)))
        if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
            found = _REFRESH_URL.search(el.get("content") or "")
            target = _absolute(base, found.group(1), encoding, page_url) if found else None
            if target:
                out.append(Link(target, "meta-refresh", "content", "", False))
    return out


def _anchor_target(a: etree._Element, base: str, encoding: str, page_url: str) -> str | None:
    """Where clicking an anchor leads: its href, or the URL of its `window.open(...)`."""
    raw = a.get("href")
    if raw and raw.strip().lower().startswith("javascript:"):
        found = _SCRIPT_URL.search(raw)
        raw = found.group(1) if found else None
    if not raw and a.get("onclick"):
        found = _SCRIPT_URL.search(a.get("onclick") or "")
        raw = found.group(1) if found else None
    return _absolute(base, raw, encoding, page_url)


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------


def _parse_tree(text: str) -> etree._Element | None:
    if not text.strip():
        return None
    try:
        root = lxml.html.document_fromstring(text.replace("\x00", ""))
    except (etree.ParserError, ValueError, TypeError):
        return None
    return root


def _base_url(root: etree._Element, url: str) -> str:
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            try:
                return urljoin(url, href)
            except ValueError:
                return url
    return url


def parse_page(
    url: str,
    body: bytes,
    content_type: str | None = None,
    header_charset: str | None = None,
) -> PageRecord:
    """Everything the crawler records about an HTML page; `url` is the final URL after redirects.

    Never raises: a page that cannot be parsed gives a record with its url, charset and size.
    """
    body = body or b""
    text, encoding = decode_html(body, header_charset)
    root = _parse_tree(text)
    if root is None:
        return PageRecord(url=url, content_type=content_type, charset=encoding, size=len(body))
    try:
        return _build(url, body, content_type, encoding, root)
    except Exception:  # noqa: BLE001 - last guard: a page must never stop the crawl
        return PageRecord(url=url, content_type=content_type, charset=encoding, size=len(body))


def _build(url: str, body: bytes, content_type: str | None, encoding: str, root: etree._Element) -> PageRecord:
    bp = _Boilerplate()
    base = _base_url(root, url)
    page_url = safe_url_string(url, encoding=encoding)
    links = _links(root, base, page_url, encoding, bp)
    body_el = root.find("body")
    visible = _visible_text(body_el if body_el is not None else root, bp)
    meta = _metadata(root, visible)
    published = _published(root, meta, visible, url)
    items = _list_items(root, base, page_url, encoding, bp)
    pagination = _pagination(root, base, page_url, encoding, bp)
    listish = _looks_like_list(root, bp)
    kind = _kind(meta, items, pagination, listish, published, root)
    title = _title(root, kind, bp)
    return PageRecord(
        url=url,
        content_type=content_type,
        charset=encoding,
        size=len(body),
        kind=kind,
        title=title,
        text=visible,
        published=published,
        meta=meta,
        breadcrumb=_breadcrumb(root),
        pagination=tuple(pagination),
        links=tuple(links),
        list_items=tuple(items),
    )


def _kind(meta, items, pagination, listish, published, root) -> str:  # noqa: ANN001
    doc_labels = sum(1 for k in ("索引号", "成文日期", "文号", "发布机构") if meta.get(k))
    if doc_labels >= 2:
        return "document"
    if len(items) >= 3 or listish["script"] or listish["placeholder"]:
        return "list"
    if published is not None:
        return "article"
    if items or pagination:
        return "list"
    return "other"


# ----- title -----


def _title(root: etree._Element, kind: str, bp: _Boilerplate) -> str:
    page_title = ""
    for t in root.iter("title"):
        page_title = _collapse(t.text_content())
        break
    if kind in ("document", "article"):
        for m in root.iter("meta"):
            if (m.get("name") or "").lower() == "articletitle" and _collapse(m.get("content")):
                return _collapse(m.get("content"))
        for h in root.iter("h1"):
            heading = _collapse(h.text_content())
            if heading and not bp(h):
                return heading
    return page_title


# Filled in below (metadata, published, list items, pagination, breadcrumb).


def _metadata(root: etree._Element, visible: str) -> dict[str, str]:
    return {}


def _published(root: etree._Element, meta: dict[str, str], visible: str, url: str) -> date | None:
    return url_date(url)


def _list_items(root, base, page_url, encoding, bp) -> list[ListItem]:  # noqa: ANN001
    return []


def _pagination(root, base, page_url, encoding, bp) -> list[str]:  # noqa: ANN001
    return []


def _looks_like_list(root, bp) -> dict[str, bool]:  # noqa: ANN001
    return {"script": False, "placeholder": False}


def _breadcrumb(root: etree._Element) -> tuple[str, ...]:
    return ()


def _iter_elements(root: etree._Element) -> Iterator[etree._Element]:
    for el in root.iter():
        if isinstance(el.tag, str):
            yield el


_unused = (parse_qsl,)
