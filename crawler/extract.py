"""Pure parsing of one fetched page: (url, body bytes, headers) → `PageRecord`.

The spider only schedules requests; everything the crawler learns from a body is decided here, so it
can be tested on hand-written HTML without a server. Nothing in this module raises on bad
input: broken markup, empty bodies and binary junk give a record with what could be read.

Sources of the rules: ../shared/research/scrapy.md §3 (encodings: pick the least-damaged of header,
meta, gb18030 and utf-8) and §4 (dates: labelled patterns first, never htmldate, never the footer's
copyright year); DESIGN.md "Site realities" (TRS/Hanweb/Ucap markup, createPageHTML pagination).
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import lxml.html
from govaudit.crawler import adapters
from lxml import etree
from w3lib.url import safe_url_string

from govaudit.core.model import LOADED_BY_SCRIPT, Link, ListItem, PageRecord

__all__ = [
    "decode_html",
    "find_dates",
    "is_datastore_answer",
    "parse_date",
    "parse_page",
    "url_date",
]

# ---------------------------------------------------------------------------------------------
# Encodings
# ---------------------------------------------------------------------------------------------

# WHATWG maps these labels to gb18030, the superset: a page labelled gb2312 that holds GBK-only
# characters (镕 = E9 46) must not break (research §3).
_GB_ALIASES = {
    "gb2312",
    "gbk",
    "cp936",
    "gb_2312-80",
    "gb_2312",
    "x-gbk",
    "zh_cn",
    "euc-cn",
    "csgb2312",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:\-]+)", re.I | re.S)
_LOOSE_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([a-z0-9_.:\-]+)", re.I)
# Latin-1 letters (silent GBK-as-Latin mojibake), and scripts a Chinese government page
# practically never holds, but which GBK bytes read as UTF-8 (combining marks, Hebrew, Arabic ...)
# or UTF-8 bytes read as gb18030 (private use area) produce: one class, counted in one scan.
_SUSPECT = re.compile("[\u00c0-\u00ff\u0080-\u009f\u0250-\u036f\u0500-\u07ff\ue000-\uf8ff]")


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
    # plus one per implausible character, which breaks ties on short pages
    return 10 * text.count("\ufffd") + len(_SUSPECT.findall(text))


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
    utf8_text = _multibyte_utf8(body)
    strict_utf8 = utf8_text is not None
    for rank, name in enumerate(candidates):
        if name in seen:
            continue
        seen.add(name)
        try:
            text = utf8_text if name == "utf-8" and utf8_text else body.decode(name, "replace")
        except (LookupError, ValueError):
            continue
        bonus = 0 if (name == "utf-8" and strict_utf8) else 1
        key = (_damage(text), bonus if strict_utf8 else rank, name, text)
        if best is None or key[:2] < best[:2]:
            best = key
        if key[0] == 0 and (bonus == 0 or not strict_utf8):
            break  # no later candidate can beat an undamaged text of the lowest rank or bonus
    if best is None:  # only reachable if every codec failed; utf-8 with replace cannot
        return body.decode("utf-8", errors="replace"), "utf-8"
    return best[3], best[2]


def _multibyte_utf8(body: bytes) -> str | None:
    """The body decoded, when it is strictly valid UTF-8 with multibyte sequences; else None."""
    if body.isascii():
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


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


@functools.lru_cache(maxsize=4096)
def url_date(url: str) -> date | None:
    """The publication day a CMS wrote into the URL path (TRS `t20210812_`, Hanweb `/art/2021/8/12/`).

    Memoised across pages (a pure function): a list's item URLs are asked for on every page
    that lists them."""
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
_SKIP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "meta",
    "link",
    "iframe",
    "object",
    "select",
    "option",
}


def _tokens(el: etree._Element) -> list[str]:
    classes, ident = el.get("class"), el.get("id")
    if classes is None and ident is None:
        return []
    return f"{classes or ''} {ident or ''}".lower().split()


def _is_bp_element(el: etree._Element) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in ("html", "body"):
        return False
    if tag in _BP_TAGS:
        # An HTML5 <article>'s own <header>/<footer> hold its heading and date, not site chrome.
        return not any(a.tag in ("article", "main") for a in el.iterancestors())
    classes, ident = el.get("class"), el.get("id")
    if classes is None and ident is None:
        return False
    return _bp_names(f"{classes or ''} {ident or ''}")


@functools.lru_cache(maxsize=4096)
def _bp_names(names: str) -> bool:
    """Whether a class/id attribute pair names boilerplate; memoised across pages, a pure
    function: a site's templates repeat the same few class names on every page."""
    return any(_STRONG_RE.search(t) or _WEAK_RE.match(t) for t in names.lower().split())


class _Boilerplate:
    """Memoised "is this element inside nav/header/footer" test.

    The per-page helpers (`_Boilerplate`, `_Texts`, `_Resolver`, `_SameList`) are asked through
    named methods, not `__call__`: calling an instance costs CPython twice a method call, and they
    are asked a few hundred times per page."""

    def __init__(self) -> None:
        self._cache: dict[etree._Element, bool] = {}

    def contains(self, el: etree._Element) -> bool:
        """Whether the element is inside nav/header/footer (or is one)."""
        found = self._cache.get(el)
        return self._climb(el) if found is None else found

    def entered(self, el: etree._Element) -> bool:
        """Whether a walk down from <body> (or <html>), which never enters boilerplate, must skip
        `el`: no ancestor of `el` is boilerplate, so `el` is inside boilerplate exactly when it is
        boilerplate itself. Remembered, with all that a skipped element holds, so that the links
        and rows of the page are answered from the walk instead of climbing to the root again."""
        self._cache[el] = found = _is_bp_element(el)
        if found:
            for inner in el.iterdescendants():
                self._cache[inner] = True
        return found

    def _climb(self, el: etree._Element) -> bool:
        """Up to the nearest ancestor already known, then down again, testing the elements on
        the way only while none above them is boilerplate: the links of a menu are answered
        by the menu, which the visible-text walk found, without testing each of its items."""
        chain = []
        node: etree._Element | None = el
        while node is not None and node not in self._cache:
            chain.append(node)
            node = node.getparent()
        inside = False if node is None else self._cache[node]
        for element in reversed(chain):
            inside = inside or _is_bp_element(element)
            self._cache[element] = inside
        return inside


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "main", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    "body", "center",
}  # fmt: skip
_SPACE = r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b]"
# A run of spaces, written `xx*` rather than `x+`: re looks for a pattern's first character in one
# C loop when the pattern starts with it, but tries a pattern that starts with a repeat at every
# position of the text (twice as slow over a page).
_SPACES = re.compile(f"{_SPACE}{_SPACE}*")


def _text_content(el: etree._Element) -> str:
    """lxml.html's `el.text_content()`: the element's own text when it has no children (most of a
    page), else libxml2's text serialisation, the same string as the XPath `string()` it asks for
    (both join the descendant text nodes in C), at under half the cost of an XPath evaluation."""
    if not len(el):
        return el.text or ""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


class _Texts:
    """Collapsed text content per element, memoised: an anchor's text is read for its link,
    its list item and the pager."""

    def __init__(self) -> None:
        self._memo: dict[etree._Element, str] = {}

    def of(self, el: etree._Element) -> str:
        """The element's text content, whitespace collapsed."""
        # a lookup, not try/except KeyError: every anchor misses once, and raising costs more
        text = self._memo.get(el)
        if text is None:
            self._memo[el] = text = _collapse(_text_content(el))
        return text


def _collapse(text: str | None) -> str:
    # str.split() splits on exactly what `\s` matches (both use Py_UNICODE_ISSPACE), faster
    return " ".join((text or "").replace("\u200b", "").split())


def _visible_text(root: etree._Element, bp: _Boilerplate, keep_boilerplate: bool = False) -> str:
    """Body text with block elements on their own lines, without scripts and boilerplate."""
    parts: list[str] = []
    append = parts.append
    # An element is pushed to be opened; what closes it (its line break and its tail) is pushed
    # as a string to come after its children, and only when there is one: most elements are
    # inline and untailed, and this walk runs over every element of every page.
    stack: list[etree._Element | str] = [root]
    while stack:
        el = stack.pop()
        if el.__class__ is str:
            append(el)
            continue
        tag = el.tag
        if (
            tag.__class__ is not str  # a comment or processing instruction: its tail only
            or tag in _SKIP_TAGS
            or (not keep_boilerplate and bp.entered(el))
        ):
            if el.tail and el is not root:
                append(el.tail)
            continue
        tail = el.tail if el is not root else None
        if tag in _BLOCK_TAGS:
            append("\n")
            stack.append("\n" + tail if tail else "\n")
        elif tail:
            stack.append(tail)
        if el.text:
            append(el.text)
        if len(el):
            stack.extend(reversed(el))
    # _SPACES holds no newline, so collapsing the whole text is collapsing each line
    lines = _SPACES.sub(" ", "".join(parts)).split("\n")
    return "\n".join(filter(None, map(str.strip, lines)))


# ---------------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------------

_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "about:", "sms:", "vbscript:")
_SCRIPT_URL = re.compile(
    r"(?:window\.open|location\.(?:href|replace|assign)|(?:window|document|top|self|parent)\.location(?:\.href)?|location)"
    r"\s*(?:=|\()\s*\(?\s*['\"]([^'\"]+)['\"]"
)
# Browsers drop tabs and newlines anywhere in a URL (WHATWG URL parser).
_URL_WHITESPACE = re.compile(r"[\t\n\r]")
# A page whose whole script is a jump (`<script>location.href="/col/col91477/index.html";
# </script>`: CMS column stubs): a browser goes there at once. A jump inside a function (the
# mobile redirect of a desktop page) runs only when called: not this.
_SCRIPT_JUMP = re.compile(
    r"\s*(?:<!--)?\s*(?:(?:window|self|top|document)\s*\.\s*)?location"
    r"(?:\s*\.\s*href\s*=\s*|\s*=\s*|\s*\.\s*(?:replace|assign)\s*\(\s*)"
    r"['\"]([^'\"]+)['\"]\s*\)?\s*;?\s*(?://\s*)?(?:-->)?\s*"
)
MAX_JUMP_SCRIPT = 300
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
    "track": "src",
    "input": "src",  # <input type="image">: the only input with a src
    "bgsound": "src",  # old IE-era templates
}
# <link rel=...> a browser loads or a visitor (or a search engine sending one) follows. Not
# `dns-prefetch` / `preconnect`: they name an origin to connect to, not a resource.
_LINK_RELS = {
    "stylesheet", "icon", "shortcut", "apple-touch-icon", "apple-touch-icon-precomposed",
    "mask-icon", "canonical", "alternate", "preload", "prefetch", "modulepreload", "manifest",
}  # fmt: skip
# The image a page shows when shared (WeChat, Weibo and search engines read it).
_OG_IMAGE = {"og:image", "og:image:url", "og:image:secure_url"}
# Elements whose attributes or text hold more URLs a browser loads: srcset (img, picture
# source, link rel=preload imagesrcset), CSS url() in style="" and <style>, the `background=`
# of old CMS table templates, <video poster>, og:image. One XPath pass, in document order.
_MORE_LINKS = etree.XPath(
    "//*[@srcset or @imagesrcset or @background or @poster or contains(@style, 'url(')]"
    " | //style | //meta[@property or @name]"
)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_REF = re.compile(
    r"(?P<imp>@import\s*)?url\(\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^)\"'\s]*))\s*\)"
    r"|@import\s*(?:\"(?P<idq>[^\"]*)\"|'(?P<isq>[^']*)')",
    re.I,
)
MAX_ANCHORS = 5000  # ids and names kept per page (a page of 100,000 ids keeps the first ones)


def _ascii_compatible(encoding: str) -> bool:
    """Whether the encoding writes a query's ASCII as ASCII (not utf-16, utf-7, ...)."""
    try:
        return "?a=1&b".encode(encoding) == b"?a=1&b"
    except (LookupError, ValueError):
        return False


def _absolute(base: str, raw: str | None, encoding: str, page_url: str) -> str | None:
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


def _link_text(el: etree._Element, texts: _Texts) -> str:
    tag = el.tag
    if tag in ("img", "area"):
        return _collapse(el.get("alt") or el.get("title"))
    if tag == "a":
        text = texts.of(el)
        if not text:
            for img in el.iter("img"):
                text = _collapse(img.get("alt") or img.get("title"))
                if text:
                    break
        return text or _collapse(el.get("title"))
    return _collapse(el.get("title"))


def _written_url(raw: str | None) -> str | None:
    """The URL a link attribute holds: itself, or the one its `javascript:` URL opens."""
    # a colon first: most links are paths without one, and need no lowercased copy
    if raw and ":" in raw and raw.strip().lower().startswith("javascript:"):
        found = _SCRIPT_URL.search(raw)
        return found.group(1) if found else None
    return raw


def _new_link(
    target: str, tag: str, attr: str, text: str, in_boilerplate: bool, fragment: str = ""
) -> Link:
    """`Link(target, tag, attr, text, in_boilerplate, fragment)`, without the frozen
    dataclass's __init__ (one object.__setattr__ per field) as `PageRecord.with_text` does: a
    page makes dozens of links. tests/test_extract.py checks that it gives the same object for
    every field of Link."""
    link = object.__new__(Link)
    link.__dict__.update(
        target=target,
        tag=tag,
        attr=attr,
        text=text,
        in_boilerplate=in_boilerplate,
        fragment=fragment,
    )
    return link


def srcset_urls(value: str) -> list[str]:
    """The URLs of a `srcset` ("a.jpg 1x, b.jpg 2x"), by HTML's rules: a URL is a run of
    non-spaces (trailing commas end it), its descriptors run to the next comma outside
    parentheses. "a.jpg,b.jpg" is one URL, as browsers read it."""
    urls, pos, end = [], 0, len(value)
    while pos < end:
        while pos < end and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        start = pos
        while pos < end and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while pos < end and (value[pos] != "," or depth):
                depth += {"(": 1, ")": -1 if depth else 0}.get(value[pos], 0)
                pos += 1
        if url:
            urls.append(url)
    return urls


def css_urls(css: str) -> list[tuple[str, str]]:
    """(URL, "import" or "url") of every `@import` and `url()` of a style sheet or a style=""."""
    out = []
    for m in _CSS_REF.finditer(_CSS_COMMENT.sub("", css)):
        if m["idq"] is not None or m["isq"] is not None:
            out.append((m["idq"] if m["idq"] is not None else m["isq"], "import"))
            continue
        raw = next((g for g in (m["dq"], m["sq"], m["bare"]) if g is not None), "")
        out.append((raw, "import" if m["imp"] else "url"))
    return [(url.strip(), kind) for url, kind in out if url.strip()]


def _fragment_of(raw: str | None) -> str:
    return raw.partition("#")[2] if raw and "#" in raw else ""


def _links(
    root: etree._Element,
    resolve: _Resolver,
    bp: _Boilerplate,
    texts: _Texts,
    local: list[str] | None = None,
) -> list[Link]:
    """The page's links, in document order; `local` receives the fragments of its links to
    itself (`href="#part"`)."""
    out: list[Link] = []
    local = [] if local is None else local
    for el in root.iter(etree.Element):
        tag = el.tag
        attr = _LINK_ATTRS.get(tag)
        if tag == "link":
            rels = set((el.get("rel") or "").lower().split())
            attr = "href" if rels & _LINK_RELS else None
        if attr:
            raw = _written_url(el.get(attr))
            if tag == "a" and raw:
                resolve.note_anchor(el, raw)
            target = resolve.edge(raw)
            fragment = _fragment_of(raw) if tag in ("a", "area") else ""
            if target:
                text = _link_text(el, texts)
                out.append(_new_link(target, tag, attr, text, bp.contains(el), fragment))
            elif fragment and resolve.is_self(raw):
                local.append(fragment)
        onclick = el.get("onclick")
        if onclick:
            found = _SCRIPT_URL.search(onclick)
            target = resolve.edge(found.group(1)) if found else None
            if target:
                text = _link_text(el, texts)
                out.append(_new_link(target, "onclick", "onclick", text, bp.contains(el)))
        if tag == "script" and not el.get("src") and el.text and len(el.text) <= MAX_JUMP_SCRIPT:
            found = _SCRIPT_JUMP.fullmatch(el.text)
            target = resolve.edge(found.group(1)) if found else None
            if target:
                out.append(_new_link(target, "script-redirect", "location", "", False))
        if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
            found = _REFRESH_URL.search(el.get("content") or "")
            target = resolve.edge(found.group(1)) if found else None
            if target:
                out.append(_new_link(target, "meta-refresh", "content", "", False))
    out.extend(_more_links(root, resolve, bp, texts))
    return out


def _more_links(
    root: etree._Element, resolve: _Resolver, bp: _Boilerplate, texts: _Texts
) -> Iterator[Link]:
    """The links a browser loads beyond the plain attributes: srcset, CSS, background=, poster,
    og:image (see `_MORE_LINKS`)."""
    for el in _MORE_LINKS(root):
        tag = el.tag
        if tag == "meta":
            name = (el.get("property") or el.get("name") or "").lower()
            target = resolve.edge(el.get("content")) if name in _OG_IMAGE else None
            if target:
                yield _new_link(target, "meta", name, "", False)
            continue
        if tag == "style":
            for raw, kind in css_urls(el.text or ""):
                target = resolve.edge(raw)
                if target:
                    yield _new_link(target, "style", kind, "", False)
            continue
        found: list[tuple[str, str | None]] = []
        for attr in ("srcset", "imagesrcset"):
            found += [(attr, raw) for raw in srcset_urls(el.get(attr) or "")]
        found += [(attr, el.get(attr)) for attr in ("background", "poster") if el.get(attr)]
        if "url(" in (el.get("style") or ""):
            found += [("style", raw) for raw, _ in css_urls(el.get("style") or "")]
        if found:
            text, boilerplate = _link_text(el, texts), bp.contains(el)
            for attr, raw in found:
                target = resolve.edge(raw)
                if target:
                    yield _new_link(target, tag, attr, text, boilerplate)


def anchor_names(root: etree._Element) -> tuple[str, ...]:
    """What a `#fragment` can land on (HTML: an element's id, an <a>'s name), first ones first."""
    names = dict.fromkeys(str(v) for v in root.xpath("//@id | //a/@name") if v)
    return tuple(names)[:MAX_ANCHORS]


def stylesheet_links(url: str, body: bytes, header_charset: str | None = None) -> list[Link]:
    """The `@import`s and `url()`s of a linked style sheet, resolved against its own URL: what
    the crawler records as the sheet's links once it fetched it (its fonts and images)."""
    text, encoding = decode_html(body or b"", header_charset)
    resolve = _Resolver(url, _safe_page_url(url, encoding), encoding)
    out = []
    for raw, kind in css_urls(text):
        target = resolve.edge(raw)
        if target:
            out.append(_new_link(target, "css", kind, "", False))
    return out


# A link written as a plain path (`/col/gzdt/index.html`, `t20240807_1.html`, `./list.html?p=2`,
# `http://www.gov.cn/index.htm`) of unreserved characters, its segments neither empty nor dot
# segments (none starts with a dot): urljoin + safe_url_string make of it an origin (rooted,
# absolute) or the base's directory (relative) followed by the link as written. Checked against
# the full resolution on fuzzed links.
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
    full = _absolute(sentinel, sentinel, encoding, "")
    return full[:-1] if full and full.endswith("/x") else None


def _safe_page_url(url: str, encoding: str) -> str:
    """`safe_url_string(url)`, by the memoised origin prefix when the URL is a plain path."""
    found = _ORIGIN.match(url)
    if found and _PLAIN_ROOTED.fullmatch(url, found.end()) and _ascii_compatible(encoding):
        prefix = _origin_prefix(found.group(), encoding)
        if prefix:
            return prefix + url[found.end() + 1 :]
    return safe_url_string(url, encoding=encoding)


class _Resolver:
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
        url = self._plain(raw) or _absolute(self.base, raw, self.encoding, self.page_url)
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
        full = _absolute(self.base, "x", self.encoding, self.page_url)
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
        """Remember where an anchor leads from its href, read by `_written_url` and not empty:
        `_links` reads every anchor's href first; list items and the pager ask `anchor` after."""
        self._anchors[a] = self.url(href)

    def _anchor(self, a: etree._Element) -> str | None:
        raw = _written_url(a.get("href"))
        if not raw and a.get("onclick"):
            found = _SCRIPT_URL.search(a.get("onclick") or "")
            raw = found.group(1) if found else None
        return self.url(raw)


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------


# libxml2 stops reading at 256 open elements by default, silently: a list of 300 items that
# each leave a <font> unclosed (old CMS templates) lost its last rows and links. huge_tree lifts
# the bound to 2048 (pages are already bounded in bytes by DOWNLOAD_MAXSIZE).
_HTML_PARSER = lxml.html.HTMLParser(huge_tree=True)
# lxml.html picks each element's class (FormElement, InputElement ...) in a Python callback run
# every time an element is touched, a tenth of the parse; nothing here uses those classes, so every
# element is a plain HtmlElement, chosen in C.
_HTML_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)


def _parse_tree(text: str) -> etree._Element | None:
    if not text or text.isspace():  # as `not text.strip()`, without copying the page
        return None
    try:
        root = lxml.html.document_fromstring(text.replace("\x00", ""), parser=_HTML_PARSER)
    except (etree.ParserError, ValueError, TypeError):
        return None
    return root


# Hanweb (大汉) list pages ship their rows as `<record><![CDATA[<li>…</li>]]></record>` inside a
# `<script type="text/xml"><datastore><recordset>`; jpage.js renders them in the browser.
_DATASTORE_RECORD = re.compile(
    r"<record\b[^>]*>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>", re.S | re.I
)


def _expand_datastores(root: etree._Element) -> list[tuple[str, int, int | None]]:
    """Graft the rows of script-held datastores into the tree where the script stands, so that
    links, list items and text see what a visitor sees (the rows are data, not code).

    Returns, per datastore that names a `<nextgroup>` (the rest of the list, fetched by jpage.js
    from dataproxy.jsp): (its raw href, the number of rows inline, `<totalrecord>` if stated)."""
    groups: list[tuple[str, int, int | None]] = []
    for script in list(root.iter("script")):
        text = script.text or ""
        lowered = text.lower()
        if "<record" not in lowered and "<nextgroup" not in lowered:
            continue
        records = _DATASTORE_RECORD.findall(text)
        nextgroup = _DATASTORE_NEXT.search(text)
        if nextgroup:
            total = _DATASTORE_TOTAL.search(text)
            groups.append(
                (nextgroup.group(1), len(records), int(total.group(1)) if total else None)
            )
        if "<recordset" not in lowered:
            continue
        rows = "".join(a or b for a, b in records).strip()
        parent = script.getparent()
        if not rows or parent is None:
            continue
        holder = _rows_holder(rows)
        if holder is None:
            continue
        holder.tail = script.tail
        parent.replace(script, holder)
    return groups


def _rows_holder(rows: str) -> etree._Element | None:
    """The element a visitor's browser puts the rows in (a table for <tr>, a list for <li>)."""
    wrap = "table" if rows[:3].lower() == "<tr" else "ul" if rows[:3].lower() == "<li" else "div"
    try:
        return lxml.html.fragment_fromstring(f'<{wrap} class="datastore">{rows}</{wrap}>')
    except (etree.ParserError, ValueError):
        return None


# jpage.js asks dataproxy.jsp for the rows after the inline ones: `startrecord`, `endrecord`,
# `perpage` (POST in the browser; the JSP reads request parameters, so a GET query is answered
# alike). One request per list page, bounded: the newest rows are the inline ones anyway.
_DATASTORE_NEXT = re.compile(
    r"<nextgroup\b[^>]*>(?:(?!</nextgroup>).)*?href\s*=\s*[\"']([^\"']+)[\"']", re.S | re.I
)
_DATASTORE_TOTAL = re.compile(r"<totalrecord\b[^>]*>\s*(\d+)\s*</totalrecord>", re.I)
_JPAGE_TOTAL = re.compile(r"\btotalRecord\s*[:=]\s*['\"]?(\d+)", re.I)
_JPAGE_PERPAGE = re.compile(r"\bperPage\s*[:=]\s*['\"]?(\d+)", re.I)
_JPAGE_DEFAULT_PERPAGE = 15  # jpage.js's default page size on Hanweb list templates
MAX_PROXY_RECORDS = 1000


def _proxy_pages(
    root: etree._Element, groups: list[tuple[str, int, int | None]], resolve: _Resolver
) -> list[str]:
    """dataproxy.jsp URLs for the rows of the page's datastores that are not inline."""
    if not groups:
        return []
    scripts = "\n".join(s.text or "" for s in root.iter("script"))
    stated_total = _JPAGE_TOTAL.search(scripts)
    perpage = _JPAGE_PERPAGE.search(scripts)
    out: list[str] = []
    for href, inline, total in groups:
        if total is None and stated_total and len(groups) == 1:
            total = int(stated_total.group(1))
        if total is not None and total <= inline:
            continue  # every row is already on the page
        end = (
            inline + MAX_PROXY_RECORDS if total is None else min(total, inline + MAX_PROXY_RECORDS)
        )
        url = resolve.url(href.replace("&amp;", "&"))
        if not url:
            continue
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        have = {k.lower() for k, _ in query}
        wanted = (
            ("startrecord", str(inline + 1)),
            ("endrecord", str(end)),
            ("perpage", perpage.group(1) if perpage else str(_JPAGE_DEFAULT_PERPAGE)),
        )
        extra = "&".join(f"{k}={v}" for k, v in wanted if k not in have)
        if extra:
            url = urlunsplit(
                parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra)
            )
        if url not in out:
            out.append(url)
    return out


_XML_TYPES = {"text/xml", "application/xml"}
_XML_START = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?<datastore\b", re.I)


# Bot checks that answer in place of the site until a script has run: 瑞数 (Ruishu, HTTP 412,
# `$_ts`), 知道创宇/加速乐 (HTTP 521, `__jsl_clearance`), Cloudflare (`cf-chl`, challenge-platform).
_CHALLENGE_MARKERS = (
    (b"$_ts", "瑞数"),
    (b"__jsl_clearance", "加速乐"),
    (b"challenge-platform", "Cloudflare"),
    (b"cf-chl", "Cloudflare"),
)
_COOKIE_SCRIPT = re.compile(rb"document\.cookie\s*=|location\.reload\s*\(", re.IGNORECASE)
_TAGS_AND_SCRIPTS = re.compile(
    rb"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<[^>]*>", re.S | re.I
)


def script_challenge(body: bytes) -> str | None:
    """The bot check a page is instead of the site (a WAF's script challenge: it sets a cookie
    or reloads once a browser has run it), named when known; None for a page of the site."""
    head = (body or b"")[:65536]
    for marker, name in _CHALLENGE_MARKERS:
        if marker in head:
            return name
    visible = _TAGS_AND_SCRIPTS.sub(b"", head).strip()
    if len(visible) < 40 and _COOKIE_SCRIPT.search(head):
        return "脚本验证"
    return None


def is_datastore_answer(body: bytes, content_type: str | None) -> bool:
    """A dataproxy.jsp answer: an XML `<datastore>` of CDATA records (text/xml, or a body that
    starts like one whatever the server calls it)."""
    head = (body or b"")[:512].lstrip(b"\xef\xbb\xbf")
    if _XML_START.match(head):
        return True
    return content_type in _XML_TYPES and b"<datastore" in (body or b"")[:4096].lower()


def _parse_datastore(
    url: str, body: bytes, content_type: str | None, header_charset: str | None, today: date | None
) -> PageRecord:
    """The answer's records as the list page a visitor sees them on: items, links and text."""
    text, encoding = decode_html(body, header_charset)
    rows = "".join(a or b for a, b in _DATASTORE_RECORD.findall(text)).strip()
    holder = _rows_holder(rows) if rows else None
    html = lxml.html.tostring(holder, encoding="unicode") if holder is not None else ""
    root = _parse_tree(f"<html><head></head><body>{html}</body></html>")
    if root is None:
        return PageRecord(url=url, content_type=content_type, charset=encoding, size=len(body))
    record = _build(url, body, content_type, encoding, root, today)
    return replace(record, kind="list", published=None, meta={})


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
    today: date | None = None,
) -> PageRecord:
    """Everything the crawler records about an HTML page; `url` is the final URL after redirects.

    Never raises: a page that cannot be parsed gives a record with its url, charset and size.
    `today` (the audit's date) places a list date written without its year (`05-28`) in the
    last twelve months, when neither a year heading nor the item's URL says the year.
    """
    body = body or b""
    if is_datastore_answer(body, content_type):
        try:
            record = _parse_datastore(url, body, content_type, header_charset, today)
            return replace(record, meta=adapters.named(record.meta, adapters.HANWEB_DATAPROXY))
        except Exception:  # noqa: BLE001 - last guard: a page must never stop the crawl
            return PageRecord(url=url, content_type=content_type, size=len(body))
    if adapters.is_json_answer(body, content_type):
        resolve = _Resolver(url, _safe_page_url(url, "utf-8"), "utf-8")
        try:
            record = adapters.parse_json_list(url, body, content_type, resolve.url)
        except Exception:  # noqa: BLE001 - last guard: a page must never stop the crawl
            record = None
        return record or PageRecord(url=url, content_type=content_type, size=len(body))
    text, encoding = decode_html(body, header_charset)
    root = _parse_tree(text)
    if root is None:
        return PageRecord(url=url, content_type=content_type, charset=encoding, size=len(body))
    try:
        return _build(url, body, content_type, encoding, root, today)
    except Exception:  # noqa: BLE001 - last guard: a page must never stop the crawl
        return PageRecord(url=url, content_type=content_type, charset=encoding, size=len(body))


def _build(
    url: str,
    body: bytes,
    content_type: str | None,
    encoding: str,
    root: etree._Element,
    today: date | None = None,
) -> PageRecord:
    has_datastore = any("<datastore" in (x.text or "").lower() for x in root.iter("script"))
    groups = _expand_datastores(root)
    bp = _Boilerplate()
    base = _base_url(root, url)
    page_url = _safe_page_url(url, encoding)
    resolve = _Resolver(base, page_url, encoding)
    texts = _Texts()
    body_el = root.find("body")
    # first: its walk tells `bp` which elements are boilerplate, for the links and list rows
    visible = _visible_text(body_el if body_el is not None else root, bp)
    local: list[str] = []
    links = _links(root, resolve, bp, texts, local)
    meta = _metadata(root, visible)
    published, published_from = _published(root, meta, visible, url)
    url_dated: list[bool] = []
    items = _list_items(root, resolve, bp, texts, today, url_dated)
    pagination = _pagination(root, resolve, bp, texts)
    for proxy in _proxy_pages(root, groups, resolve):
        if proxy not in pagination:
            pagination.append(proxy)
    listish = _looks_like_list(root, bp, visible)
    meta, extra = _adapted(root, resolve, meta, items, has_datastore, bp, listish)
    pagination += [u for u in extra if u not in pagination]
    if (
        not items
        and not has_datastore
        and LOADED_BY_SCRIPT not in meta
        and not extra
        and len(visible) <= EMPTY_LIST_MAX_TEXT
    ):
        # A list that a script fills is not empty, only unseen: it never counts here.
        listish["empty"] = _empty_list_container(root, bp)
    kind, evidence = _kind(
        meta, items, pagination, listish, published, published_from, root, url_dated
    )
    if adapters.adapters_of(meta):
        evidence = (*evidence, f"CMS 适配器 {'、'.join(adapters.adapters_of(meta))}")
    if kind == "other" and meta.get(LOADED_BY_SCRIPT):
        kind = "list"  # an SPA shell: its list is there for a browser only
        evidence = (*evidence, "列表由脚本生成")
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
        published_from=published_from,
        kind_evidence=evidence,
        meta=meta,
        breadcrumb=_breadcrumb(root),
        pagination=tuple(pagination),
        links=tuple(links),
        list_items=tuple(items),
        anchors=anchor_names(root),
        local_fragments=tuple(dict.fromkeys(local)),
    )


def _adapted(
    root: etree._Element,
    resolve: _Resolver,
    meta: dict[str, str],
    items: list[ListItem],
    has_datastore: bool,
    bp: _Boilerplate,
    listish: dict[str, bool],
) -> tuple[dict[str, str], list[str]]:
    """The CMS adapters that read this page (crawler/adapters.py), named in its meta, and the
    further pages they read its list from (a JSON API, a frameset's frames)."""
    names = [adapters.HANWEB_DATASTORE] if has_datastore else []
    if listish["script"] and any(
        "createpagehtml" in (s.text or "").lower() for s in root.iter("script")
    ):
        names.append(adapters.TRS_PAGER)
    extra = adapters.frame_pages(root, resolve.url) if not items else []
    if extra:
        names.append(adapters.FRAMESET)
    elif not items and not has_datastore:
        spa = adapters.is_spa_shell(root)
        # An empty list and a script that fills it, both: a visit counter's $.ajax on a truly
        # empty column excuses nothing.
        if spa or _list_loaded_by_script(root, bp):
            meta = {**meta, LOADED_BY_SCRIPT: "1"}
            names += [adapters.SPA_SHELL] if spa else []
            extra = adapters.json_endpoints(root, resolve.url)
            names += [adapters.JSON_ENDPOINT] if extra else []
    return adapters.named(meta, *names), extra


def _kind(
    meta: dict[str, str],
    items: list[ListItem],
    pagination: list[str],
    listish: dict[str, Any],
    published: date | None,
    published_from: str | None,
    root: etree._Element,
    url_dated: list[bool] | None = None,
) -> tuple[str, tuple[str, ...]]:
    """The page's kind and the evidence it was judged on (kept with the page, so that a wrong
    column can be explained). A list is a page whose main content is a repeated block of dated
    items; a pager script, a 暂无信息 box, a ColumnName meta tag or links whose only dates are
    in their URLs (sidebars, footers, 相关链接 of an article) never make one by themselves when
    the page states its own publication date."""
    doc_labels = sum(1 for k in ("索引号", "成文日期", "文号", "发布机构") if meta.get(k))
    by_url = sum(url_dated or ())
    shown = len(items) - by_url
    stated = published is not None and published_from in ("label", "meta", "heading")
    article_meta = _has_article_meta(root)
    evidence = [
        text
        for on, text in (
            (doc_labels, f"文件元数据 {doc_labels} 项"),
            (
                items,
                f"列表条目 {len(items)} 条"
                + (f"（{by_url} 条日期仅见于链接地址）" if by_url else ""),
            ),
            (pagination, f"分页链接 {len(pagination)} 个"),
            (listish["script"], "分页脚本"),
            (listish["placeholder"], "“暂无信息”类提示"),
            (listish["empty"], f"空列表容器（{listish['empty']}）"),
            (stated, f"页面注明发布日期（{published_from}）"),
            (published is not None and not stated, "发布日期仅见于地址"),
            (article_meta, "文章元标签"),
            (_has_column_meta(root), "栏目元标签（不作依据）"),
        )
        if on
    ]
    if doc_labels >= 2:
        return "document", tuple(evidence)
    # CMS article templates carry ArticleTitle/PubDate metas; their "related news" sidebars are
    # dated lists too, and must not turn the article into a list page.
    if stated and article_meta:
        return "article", tuple(evidence)
    if shown >= 3 or (len(items) >= 3 and not stated):
        return "list", tuple(evidence)
    # A pager script or an empty-list box on a page stating its date: an article with a
    # multi-page body (TRS createPageHTML) or an empty 相关信息 box, not an empty column.
    if (listish["script"] or listish["placeholder"]) and (items or not stated):
        return "list", tuple(evidence)
    if published is not None:
        return "article", tuple(evidence)
    # An empty list container (`<ul class="list"></ul>`, a table of headers and no rows) on a
    # page with no date and little text: the template of a column with nothing in it.
    if items or pagination or listish["script"] or listish["placeholder"] or listish["empty"]:
        return "list", tuple(evidence)
    return "other", tuple(evidence)


def _has_column_meta(root: etree._Element) -> bool:
    return any((m.get("name") or "").lower() == "columnname" for m in root.iter("meta"))


def _has_article_meta(root: etree._Element) -> bool:
    names = {(m.get("name") or "").lower() for m in root.iter("meta")}
    return bool(names & {"articletitle", "pubdate"})


# ----- title -----


def _title(root: etree._Element, kind: str, bp: _Boilerplate) -> str:
    page_title = ""
    for t in root.iter("title"):
        page_title = _collapse(_text_content(t))
        break
    if kind in ("document", "article"):
        for m in root.iter("meta"):
            if (m.get("name") or "").lower() == "articletitle" and _collapse(m.get("content")):
                return _collapse(m.get("content"))
        for h in root.iter("h1"):
            heading = _collapse(_text_content(h))
            if heading and not bp.contains(h):
                return heading
    return page_title


# ----- document metadata -----

# Label variants of the 政府信息公开 metadata table (TRS/Hanweb/Ucap 索引号 blocks) → one key.
_META_LABELS = {
    "索引号": "索引号",
    "信息索引号": "索引号",
    "索取号": "索引号",
    "发布机构": "发布机构",
    "发文机关": "发布机构",
    "发布单位": "发布机构",
    "发文单位": "发布机构",
    "发布机关": "发布机构",
    "成文日期": "成文日期",
    "成文时间": "成文日期",
    "生成日期": "成文日期",  # 浙江 政府信息公开 platforms
    "形成日期": "成文日期",
    "发文日期": "印发日期",
    "公布日期": "发布日期",
    "文件编号": "文号",
    "发文机构": "发布机构",
    "发布部门": "发布机构",
    "印发日期": "印发日期",
    "发布日期": "发布日期",
    "发布时间": "发布日期",
    "公开日期": "发布日期",
    "公开时间": "发布日期",
    "文号": "文号",
    "发文字号": "文号",
    "主题分类": "主题分类",
    "主题词": "主题词",
    "有效性": "有效性",
    "时效性": "有效性",
    "是否有效": "有效性",
    "是否规范性文件": "是否规范性文件",
    "规范性文件": "是否规范性文件",
    "登记号": "登记号",
    "规范性文件登记号": "登记号",
    # 互动交流 message pages (政务咨询: 局长信箱, 咨询投诉 ...): when asked, when answered, status.
    "留言时间": "留言时间",
    "留言日期": "留言时间",
    "提问时间": "留言时间",
    "提问日期": "留言时间",
    "来信时间": "留言时间",
    "来信日期": "留言时间",
    "咨询时间": "留言时间",
    "咨询日期": "留言时间",
    "写信时间": "留言时间",
    "答复时间": "答复时间",
    "答复日期": "答复时间",
    "回复时间": "答复时间",
    "回复日期": "答复时间",
    "办理时间": "答复时间",
    "办结时间": "答复时间",
    "办结日期": "答复时间",
    "处理时间": "答复时间",
    "办理状态": "办理状态",
    "处理状态": "办理状态",
    "回复状态": "办理状态",
    "答复状态": "办理状态",
}
_DATE_KEYS = {"成文日期", "印发日期", "发布日期", "留言时间", "答复时间"}
_LABEL_STRIP = re.compile(r"[\s:：\u00a0\u3000【】\[\]]+")
_LABEL_ALT = "|".join(
    r"\s*".join(map(re.escape, label)) for label in sorted(_META_LABELS, key=len, reverse=True)
)
_LABEL_RUN = re.compile(rf"(?P<label>{_LABEL_ALT})\s*[:：]")
# Where a value written in a run of text ends: the next `标签：` (来源：, 作者：, 点击数：).
_NEXT_LABEL = re.compile(r"\s+[\u4e00-\u9fff][\u4e00-\u9fff\s]{0,7}[:：]|\s{2,}|\u3000")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_DATE = re.compile(
    r"([〇○零O一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)


def _cn_number(text: str) -> int:
    """十二 → 12, 二十一 → 21, 三十 → 30 (the 落款 dates of official documents)."""
    if "十" not in text:
        return _CN_DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _any_date(text: str) -> date | None:
    """A date in Arabic digits, else one in Chinese numerals (二〇二一年八月十日)."""
    found = parse_date(text)
    if found:
        return found
    cn = _CN_DATE.search(text or "")
    if cn:
        year = "".join(str(_CN_DIGITS[c]) for c in cn.group(1))
        return _valid_date(year, str(_cn_number(cn.group(2))), str(_cn_number(cn.group(3))))
    return None


def _clean_value(key: str, raw: str) -> str | None:
    value = _collapse(raw)
    if key in _DATE_KEYS:
        found = _any_date(value[:40])
        return found.isoformat() if found else None
    cut = _NEXT_LABEL.search(value)
    if cut:
        value = value[: cut.start()]
    value = value.strip(" :：")
    if key == "是否规范性文件" and value:
        if value.startswith(("否", "非", "不是")) or value.lower() in ("n", "no"):
            return "否"
        if value.startswith("是") or value.lower() in ("y", "yes"):
            return "是"
    return value or None


def _label_key(text: str) -> str | None:
    """The normalised metadata key a label text names, if it is one."""
    if len(text) > 30:
        return _META_LABELS.get(_LABEL_STRIP.sub("", text))
    return _short_label_key(text)


@functools.lru_cache(maxsize=4096)
def _short_label_key(text: str) -> str | None:
    # memoised across pages (a pure function): every short text of a page is asked, and menus
    # repeat on every page
    return _META_LABELS.get(_LABEL_STRIP.sub("", text))


def _metadata(root: etree._Element, visible: str) -> dict[str, str]:
    """Document metadata with normalised keys, from cells, dt/dd, label spans and text runs."""
    values: dict[str, list[str]] = {}

    def add(key: str, raw: str) -> None:
        value = _clean_value(key, raw)
        if value:
            values.setdefault(key, []).append(value)

    header_rows: set[etree._Element] = set()
    for key, value in _labels_above(root, header_rows):
        add(key, value)
    for el in _iter_elements(root):
        children = len(el)
        if children > 2 or el.tag in ("html", "body", "script", "style"):
            continue
        if header_rows and el.getparent() in header_rows:
            continue  # a label heading a column: its neighbour is the next label
        text = el.text or ""
        if len(text) > 30:
            continue  # its text content is longer still
        if children:
            text = _text_content(el)
            if len(text) > 30:
                continue
        if text.isascii():
            continue  # every label is Chinese (and many short texts are not: dates, numbers)
        key = _short_label_key(text)  # the text is at most 30 characters long here
        if not key:
            continue
        # `<td>label</td><td>value</td>`, `<dt>/<dd>`, `<span>label：</span>value`
        tail = _collapse(el.tail)
        nxt = el.getnext()
        if tail:
            add(key, tail)
        elif nxt is not None:
            value = _text_content(nxt)
            # An empty cell's neighbour is the next field (`文件编号:` | `发布机构: 省教育厅`),
            # not its value.
            if not _label_key(value) and not _LABEL_RUN.match(_collapse(value)):
                add(key, value)
    for line in visible.split("\n"):
        if ":" not in line and "：" not in line:
            continue  # every label run ends with a colon
        runs = list(_LABEL_RUN.finditer(line))
        for i, run in enumerate(runs):
            if run.start() and _CJK.match(line[run.start() - 1]):
                continue  # 文号 inside 发文字号-like words: labels start a word
            end = runs[i + 1].start() if i + 1 < len(runs) else len(line)
            key = _label_key(run.group("label"))
            if key:
                add(key, line[run.end() : end])
    meta: dict[str, str] = {}
    for key, found in values.items():
        # The same label with many values is a list of documents, not one document's table.
        if len(set(found)) <= 2:
            meta[key] = found[0]
    if "印发日期" in meta and "成文日期" not in meta:
        meta["成文日期"] = meta["印发日期"]
    return meta


def _labels_above(
    root: etree._Element, header_rows: set[etree._Element] | None = None
) -> Iterator[tuple[str, str]]:
    """(key, value) of tables whose labels head the columns: a row of short label cells
    (索取号 | 发布时间 | 文件编号 | 备注), the values in the cells of the next row below them.
    `header_rows` receives those rows: their cells' neighbours are labels, not values."""
    for tr in root.iter("tr"):
        cells = [c for c in tr if c.tag in ("th", "td")]
        if len(cells) < 2:
            continue
        texts = [_collapse(_text_content(c)) for c in cells]
        keys = [_label_key(t) for t in texts]
        labels = sum(1 for k in keys if k)
        # Most cells labels, none a value (short, no digits), none written `label：` (that is
        # the label-left layout: 有效性： | 有效 | 是否规范性文件： | 是).
        if labels < 2 or labels * 2 <= len(cells):
            continue
        if any(len(t) > 8 or _DIGIT.search(t) or t.endswith((":", "：")) for t in texts):
            continue
        if header_rows is not None:
            header_rows.add(tr)
        below = _next_row(tr)
        values = [c for c in below if c.tag in ("th", "td")] if below is not None else []
        if len(values) != len(cells) or _more_data_rows(below):
            continue  # a list of documents under a header row, not one document's table
        for key, cell in zip(keys, values, strict=True):
            value = _text_content(cell)
            if key and not _label_key(_collapse(value)):
                yield key, value


_DIGIT = re.compile(r"\d")


def _next_row(tr: etree._Element) -> etree._Element | None:
    """The table row after `tr`, across a <thead>/<tbody> boundary."""
    for sibling in tr.itersiblings():
        if sibling.tag == "tr":
            return sibling
    group = tr.getparent()
    if group is None or group.tag not in ("thead", "tbody", "tfoot"):
        return None
    for sibling in group.itersiblings():
        if sibling.tag == "tr":
            return sibling
        if sibling.tag in ("tbody", "tfoot"):
            return next(sibling.iter("tr"), None)
    return None


def _more_data_rows(row: etree._Element) -> bool:
    """Whether a row of values is followed by another row that is not a row of labels."""
    after = _next_row(row)
    if after is None:
        return False
    cells = [c for c in after if c.tag in ("th", "td")]
    return not all(_label_key(_collapse(_text_content(c))) for c in cells)


def _cjk_before(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i >= 0 and bool(_CJK.match(text[i]))


# ----- publication date -----

_PUB_LABELS = re.compile(r"发\s*布\s*时\s*间|发\s*布\s*日\s*期|公\s*开\s*日\s*期|公\s*开\s*时\s*间")
_GENERIC_LABELS = re.compile(r"日\s*期|时\s*间")
_AFTER_LABEL = re.compile(r"\s*[:：]?\s*[\[【(（]?\s*")
_PUB_META = {
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "firstpublishedtime",
    "article:published_time",
    "og:article:published_time",
    "dc.date.issued",
}


def _labelled_date(visible: str, labels: re.Pattern[str]) -> date | None:
    for found in labels.finditer(visible):
        if _cjk_before(visible, found.start()):
            continue
        rest = visible[found.end() : found.end() + 40]
        lead = _AFTER_LABEL.match(rest)
        rest = rest[lead.end() :] if lead else rest
        if _TEXT_DATE.match(rest):
            parsed = parse_date(rest)
            if parsed:
                return parsed
    return None


def _meta_tag_date(root: etree._Element) -> date | None:
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or m.get("itemprop") or "").lower()
        if name in _PUB_META:
            parsed = parse_date(m.get("content") or "")
            if parsed:
                return parsed
    return None


def _published(
    root: etree._Element, meta: dict[str, str], visible: str, url: str
) -> tuple[date | None, str | None]:
    """The page's 发布日期, strongest evidence first, and where it was read (`PUBLISHED_FROM`:
    label, meta, url, heading); never a copyright year (research §4). A URL's date orders
    pages but is not a date the page states: checks that compare dates need to know."""
    if meta.get("发布日期"):
        return date.fromisoformat(meta["发布日期"]), "label"
    found = _labelled_date(visible, _PUB_LABELS) or _labelled_date(visible, _GENERIC_LABELS)
    if found:
        return found, "label"
    for source, find in (
        ("meta", lambda: _meta_tag_date(root)),
        ("url", lambda: url_date(url)),
        ("heading", lambda: _date_under_heading(root, visible)),
    ):
        found = find()
        if found:
            return found, source
    return None, None


# Dates of other events than the publication: "（2007年6月29日…会议通过）" under a law's title
# is when it was passed, not when the page was published.
_OTHER_DATE_LABEL = re.compile(
    r"成\s*文|印\s*发|签\s*发|截\s*止|有\s*效\s*期|施\s*行|实\s*施|通\s*过|修\s*正|修\s*订"
    r"|公\s*布|批\s*准|颁\s*布|废\s*止"
)


def _date_under_heading(root: etree._Element, visible: str) -> date | None:
    """A bare date on a short line right under the h1 (`标题` / `2021-08-12 来源：…`)."""
    heading = next((_collapse(_text_content(h)) for h in root.iter("h1")), "")
    if not heading:
        return None
    lines = visible.split("\n")
    for i, line in enumerate(lines):
        if line == heading:
            for near in lines[i + 1 : i + 4]:
                if len(near) <= 80 and parse_date(near) and not _OTHER_DATE_LABEL.search(near):
                    return parse_date(near)
            return None
    return None


# ----- list items -----

_ROW_TAGS = {"li", "tr", "dd", "dt", "dl", "div", "p", "article", "section", "h3", "h4"}
_MAX_ROW_CLIMB = 5


def _article_anchors(
    root: etree._Element, resolve: _Resolver, bp: _Boilerplate
) -> list[tuple[etree._Element, str]]:
    out = []
    for a in root.iter("a"):
        if bp.contains(a):
            continue
        target = resolve.anchor(a)
        if target and target != resolve.page_url:
            out.append((a, target))
    return out


def _row_of(anchor_parent: etree._Element | None) -> etree._Element | None:
    """The repeated element (li, tr, div.item ...) that holds one entry of a list, found from
    the parent of its anchor (and so asked once for all the anchors of a row)."""
    if anchor_parent is None or anchor_parent.tag in ("body", "html"):
        return None
    node = anchor_parent
    for _ in range(_MAX_ROW_CLIMB - 1):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return None
        tag = node.tag
        # Rows repeat: siblings of the same tag that also hold links (p.title + p.date is not).
        if tag in _ROW_TAGS and (
            tag in ("li", "tr", "dd", "dt") or _repeated_with_links(node, parent)
        ):
            return node
        node = parent
    return None


def _repeated_with_links(node: etree._Element, parent: etree._Element) -> bool:
    seen = 0
    tag = node.tag
    for sib in parent:
        if sib.tag == tag and (tag == "a" or next(sib.iter("a"), None) is not None):
            seen += 1
            if seen >= 2:
                return True
    return False


def _other_text(row: etree._Element, anchors: list[etree._Element]) -> str:
    """The row's text outside its anchors: where the date sits (not inside the title)."""
    parts: list[str] = []
    inside = set(anchors)
    # as in `_visible_text`: an element's tail is pushed as a string to come after its children
    stack: list[etree._Element | str] = [row]
    while stack:
        el = stack.pop()
        if el.__class__ is str:
            parts.append(el)
            continue
        tail = el.tail if el is not row else None
        tag = el.tag
        if tag.__class__ is not str or el in inside or tag in ("script", "style"):
            if tail:
                parts.append(tail)
            continue
        parts.append(" ")
        if el.text:
            parts.append(el.text)
        if tail:
            stack.append(tail)
        stack.extend(reversed(el))
    text = " ".join(parts)
    if row.tag == "dt":  # <dl><dt><a/></dt><dd>2021-08-12</dd> ...
        nxt = row.getnext()
        if nxt is not None and nxt.tag == "dd" and not list(nxt.iter("a")):
            text += " " + _text_content(nxt)
    return text


_MORE_LINK = re.compile(
    r"^[\s>»›+\[【(（]*(?:更多|查看更多|更多内容|更多信息|更多>>|more|详细|详情|进入|"
    r"进入栏目|查看全部|全部)[\s>»›+.…\]】)）]*$",
    re.I,
)


def _is_more_link(text: str) -> bool:
    """更多>>, 【更多】, more », 查看更多…: a link to the whole list, not an entry of it."""
    return len(text) <= 12 and bool(_MORE_LINK.match(text))


_SOURCE_LABEL = re.compile(r"(?:来源|信息来源|稿源|出处|来自)\s*[:：]\s*$")


def _after_source_label(a: etree._Element) -> bool:
    before = a.getprevious()
    text = before.tail if before is not None else a.getparent().text
    return bool(text) and bool(_SOURCE_LABEL.search(text))


def _item_title(a: etree._Element, text: str | None = None) -> str:
    text = _collapse(_text_content(a)) if text is None else text
    title_attr = _collapse(a.get("title"))
    # CMS lists truncate long titles (关于……的通知...) and keep the full one in @title.
    if title_attr and len(title_attr) >= len(text.rstrip(".…。 ")):
        return title_attr
    return text or title_attr


# A date without its year (`05-20`, `[05/20]`, `5月20日`): blocks that list this year's items.
# Two-digit month and day only, so counts and versions (1.5, 3/10) are not dates.
_MONTH_DAY = re.compile(
    r"(?<![\d\-/.年])(?:(?P<m>[01]\d)[-/.](?P<d>[0-3]\d)|(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日)(?![\d\-/.])"
)
_YEAR_HEADING = re.compile(r"^\W*((?:19|20)\d{2})\s*年?度?\W*$")


def _month_day(
    text: str, row: etree._Element, target: str, today: date | None = None
) -> tuple[date | None, bool]:
    """(date, the row writes a date) for a yearless month-day: the year of a heading over the
    list (`<h3>2024年</h3>`), else of the item's URL date, else the year that puts it within the
    twelve months up to `today` (news lists drop the current year); (None, True) otherwise."""
    found = _MONTH_DAY.search(text)
    if not found:
        return None, False
    month, day = found["m"] or found["m2"], found["d"] or found["d2"]
    from_url = url_date(target)
    year = _heading_year(row) or (from_url.year if from_url else None)
    if year is None and today is not None:
        this_year = _valid_date(str(today.year), month, day)
        year = today.year if this_year is None or this_year <= today else today.year - 1
    if year is None:
        return None, True
    return _valid_date(str(year), month, day), True


def _heading_year(row: etree._Element) -> int | None:
    node = row.getparent()
    for _ in range(3):
        if node is None or node.tag in ("body", "html"):
            return None
        for i, sib in enumerate(node.itersiblings(preceding=True)):
            if i >= 3:
                break
            text = _collapse(_text_content(sib)) if isinstance(sib.tag, str) else ""
            year = _YEAR_HEADING.match(text) if len(text) <= 12 else None
            if year:
                return int(year.group(1))
        node = node.getparent()
    return None


# What may stand beside a date in its own element: a label, a time, brackets.
_DATE_DECOR = re.compile(r"[\d\s:：\[\]()（）【】|/.\-]|发布|时间|日期|更新")


# A date in two blocks, the day set large beside the year and month (`<span>28</span>
# <span>2024-03</span>`, either order), as news-list templates of TRS and Hanweb sites write it.
# Only when the text holds nothing else, so that a count or a version is never read as a day.
_SPLIT_DATE = re.compile(
    r"^\W*(?:(?P<d>\d{1,2})\W*(?P<y>(?:19|20)\d{2})\s*[-./年]\s*(?P<m>\d{1,2})月?"
    r"|(?P<y2>(?:19|20)\d{2})\s*[-./年]\s*(?P<m2>\d{1,2})月?\W*(?P<d2>\d{1,2})日?)\W*$"
)


def _split_date(text: str) -> date | None:
    text = " ".join(text.split())
    found = _SPLIT_DATE.match(text) if len(text) <= 24 else None
    if found is None:
        return None
    if found["y"]:
        return _valid_date(found["y"], found["m"], found["d"])
    return _valid_date(found["y2"], found["m2"], found["d2"])


def _inner_date(a: etree._Element) -> tuple[str, etree._Element | None]:
    """(text, element) of a block inside an anchor that holds only a date (`<a><h4>标题</h4>
    <span>2024-03-01</span></a>`), else ("", None)."""
    for el in a.iterdescendants():
        if not isinstance(el.tag, str):
            continue
        text = _collapse(_text_content(el))
        if not text or len(text) > 30:
            continue
        rest = _MONTH_DAY.sub("", _TEXT_DATE.sub("", text))
        if rest != text and not _DATE_DECOR.sub("", rest) or _split_date(text):
            return text, el
    return "", None


def _row_entry(
    row: etree._Element,
    target: str,
    title: str,
    other: str,
    found: list[date],
    today: date | None = None,
) -> tuple[etree._Element, str, str, date | None, date | None, bool]:
    """(row, target, title, date shown, URL date, the row writes a date); `found` is
    `find_dates(other)`, which the caller has read already."""
    # Not in a table, whose cells may hold a row number beside a year-month (统计月份).
    shown = found[0] if found else (_split_date(other) if row.tag != "tr" else None)
    writes = shown is not None
    if shown is None:
        shown, writes = _month_day(other, row, target, today)
    return row, target, title, shown, url_date(target), writes


_CLICKABLE_ROWS = ("tr", "li", "dd", "div")


def _clickable_rows(
    root: etree._Element, resolve: _Resolver, bp: _Boilerplate, rows: dict
) -> list[tuple[etree._Element, str]]:
    """Rows that open their item by script (`<tr onclick="window.open('/art/…')">`), with no
    anchor of their own: lists of 信息公开 platforms written this way have no `<a>` at all."""
    out = []
    for el in root.iter(*_CLICKABLE_ROWS):
        onclick = el.get("onclick")
        if not onclick or el in rows or next(el.iter("a"), None) is not None or bp.contains(el):
            continue
        found = _SCRIPT_URL.search(onclick)
        target = resolve.url(found.group(1)) if found else None
        if target and target != resolve.page_url:
            out.append((el, target))
    return out


def _list_items(
    root: etree._Element,
    resolve: _Resolver,
    bp: _Boilerplate,
    texts: _Texts,
    today: date | None = None,
    url_dated: list[bool] | None = None,
) -> list[ListItem]:
    """Dated entries of the page's lists; undated rows only inside a list whose rows are dated.
    `url_dated` receives, per item, whether its date is only its URL's (a list showing none)."""
    rows: dict[etree._Element, list[tuple[etree._Element, str]]] = {}
    row_by_parent: dict[etree._Element | None, etree._Element | None] = {}
    for a, target in _article_anchors(root, resolve, bp):
        if _after_source_label(a):
            continue  # 来源：<a>人民网</a> in an article's info line is no entry
        parent = a.getparent()
        if parent not in row_by_parent:
            row_by_parent[parent] = _row_of(parent)
        row = row_by_parent[parent]
        if row is None and _inner_date(a)[1] is not None and _repeated_with_links(a, parent):
            row = a  # card lists: each entry is one <a> holding title and date blocks
        if row is not None and not bp.contains(row):
            rows.setdefault(row, []).append((a, target))
    groups: dict[
        tuple[etree._Element | None, str], list[tuple[etree._Element, str, str, date | None]]
    ] = {}
    for row, anchors in rows.items():
        if len(anchors) > 3 and len({t for _, t in anchors}) > 3:
            continue  # a container, not one entry
        # A block's 更多>> link leads to its column: never an entry (nor one with its
        # neighbour's date).
        anchors = [pair for pair in anchors if not _is_more_link(texts.of(pair[0]))]
        if not anchors:
            continue
        if len(anchors) == 1:
            a, target = anchors[0]
        else:  # the longest anchor text names the entry
            a, target = max(anchors, key=lambda pair: len(texts.of(pair[0])))
        title = _item_title(a, texts.of(a))
        if not title:
            continue
        other = _other_text(row, [x for x, _ in anchors])
        found = find_dates(other)
        if not found and not _MONTH_DAY.search(other):
            inner, holder = _inner_date(a)
            if holder is not None:  # <a><span>标题</span><span>2024-03-01</span></a>
                other += " " + inner
                found = find_dates(other)
                title = _item_title(a, _collapse(_other_text(a, [holder])))
        groups.setdefault((row.getparent(), row.tag), []).append(
            _row_entry(row, target, title, other, found, today)
        )
    by_onclick = False
    for row, target in _clickable_rows(root, resolve, bp, rows):
        cells = [c for c in row if isinstance(c.tag, str)] or [row]
        # the title is the longest cell that is not a date
        cell = max(cells, key=lambda c: (not find_dates(_text_content(c)), len(_text_content(c))))
        title = _item_title(cell)
        if title:
            other = _other_text(row, [cell])
            groups.setdefault((row.getparent(), row.tag), []).append(
                _row_entry(row, target, title, other, find_dates(other), today)
            )
            by_onclick = True
    items: list[tuple[etree._Element, str, str, date | None, bool]] = []
    groups_taken = 0
    for members in groups.values():
        # A row's date is the one it shows: inspectors count an undated entry as not updated,
        # even when its URL carries a date. Only a list that shows no date at all (a dateless
        # design) takes its items' dates from their URLs.
        shows_dates = any(m[3] is not None for m in members)
        dated_members = [
            (r, t, ti, s if shows_dates else u, not shows_dates and u is not None)
            for r, t, ti, s, u, _ in members
        ]
        dated = sum(1 for m in members if m[5] or m[4] is not None)
        if dated and (dated >= 2 or len(members) <= 2 or dated * 2 >= len(members)):
            items.extend(dated_members)
            groups_taken += 1
    # The rows of one group are siblings, met in document order through their anchors: only the
    # items of several groups, or rows found by their onclick, need the walk over the whole page.
    if len(items) > 1 and (groups_taken > 1 or by_onclick):
        order = {el: i for i, el in enumerate(root.iter())}
        items.sort(key=lambda m: order.get(m[0], 0))
    if url_dated is not None:
        url_dated.extend(m[4] for m in items)
    return [
        ListItem(url=t, title=ti, date=d, position=i) for i, (_, t, ti, d, _) in enumerate(items)
    ]


# ----- list-page signals -----

_PLACEHOLDERS = ("暂无信息", "暂无数据", "没有记录", "暂无内容", "暂无相关信息", "暂无记录", "无记录", "没有数据", "暂无文章")  # fmt: skip
_LIST_CONTAINER = re.compile(r"list|lb|liebiao|column|lanmu|news|xxgk|zwgk|con_?ul", re.I)
_PAGE_SCRIPT = re.compile(
    r"createPageHTML\s*\(|\bcountPage\s*=|\bpageCount\s*=|\btotalPage\s*=", re.I
)


def _looks_like_list(root: etree._Element, bp: _Boilerplate, visible: str) -> dict[str, Any]:
    """Signals of a list page without items: a pager script, a 暂无信息 box (and, filled in by
    the caller, `empty`: an empty list container)."""
    script = any(_PAGE_SCRIPT.search(s.text or "") for s in root.iter("script"))
    placeholder = False
    if not any(p in visible for p in _PLACEHOLDERS):
        return {"script": script, "placeholder": False, "empty": None}
    for el in _iter_elements(root):
        if el.tag in ("script", "style", "html", "body"):
            continue
        text = _collapse(_text_content(el))
        if len(text) > 30 or not any(p in text for p in _PLACEHOLDERS) or bp.contains(el):
            continue
        for anc in [el, *el.iterancestors()][:5]:
            if anc.tag in ("ul", "ol", "table", "tbody", "li", "td") or any(
                _LIST_CONTAINER.search(t) for t in _tokens(anc)
            ):
                placeholder = True
                break
        if placeholder:
            break
    return {"script": script, "placeholder": placeholder, "empty": None}


# An empty column's page says little besides its name, breadcrumb and pager ("共0条"); a page with
# more text of its own and an empty box somewhere (an intro page, 机构职能) is no column.
EMPTY_LIST_MAX_TEXT = 300
_LIST_TAGS = ("ul", "ol", "dl", "tbody")


def _empty_list_container(root: etree._Element, bp: _Boilerplate) -> str | None:
    """The first empty list container outside the page chrome, named as `tag.class`: a list
    element, or a list-named box, holding no text and no element; a `<tbody>` without rows;
    a table of header cells only (its data rows missing). None when there is none."""
    body = root.find("body")
    for el in _iter_elements(body if body is not None else root):
        if el.tag in ("script", "style", "body", "html") or bp.contains(el):
            continue
        if el.tag == "table":
            if _header_only_table(el):
                return _element_name(el)
            continue
        listy = el.tag in _LIST_TAGS or (
            el.tag in ("div", "section") and any(_LIST_CONTAINER.search(t) for t in _tokens(el))
        )
        if not listy or _collapse(_text_content(el)):
            continue
        if not any(isinstance(c.tag, str) and c.tag not in ("script", "style") for c in el):
            return _element_name(el)
        if el.tag in _LIST_TAGS and not el.xpath(".//a|.//img"):
            return _element_name(el)  # only empty <li></li> rows
    return None


def _header_only_table(table: etree._Element) -> bool:
    """A table whose rows are all header rows (`th` cells, or in `thead`), at least one of them
    with two or more cells: a list table whose data rows are missing."""
    rows = [r for r in table.iter("tr") if next(r.iterancestors("table"), None) is table]
    if not rows:
        return False
    widest = 0
    for row in rows:
        cells = [c for c in row if c.tag in ("td", "th")]
        in_head = any(a.tag == "thead" for a in row.iterancestors())
        if not in_head and any(c.tag == "td" for c in cells):
            return False
        widest = max(widest, len(cells))
    return widest >= 2


def _element_name(el: etree._Element) -> str:
    classes = (el.get("class") or "").split()
    return f"{el.tag}.{classes[0]}" if classes else str(el.tag)


# Calls that fetch data into the page; `.load(` only with a URL (not `$(window).load(function`).
_LOADER_CALL = re.compile(
    r"\$\.(?:ajax|get|post|getJSON)\s*\(|jQuery\.(?:ajax|get|post|getJSON)\s*\("
    r"|\bfetch\s*\(|XMLHttpRequest|\baxios\b|\.load\s*\(\s*['\"]"
    r"|dataproxy|\bjpage\b|['\"][^'\"\s]*/api/[^'\"\s]*['\"]|['\"][^'\"\s]+\.json\b[^'\"\s]*['\"]",
    re.I,
)
_LOADER_SRC = re.compile(r"jpage|dataproxy", re.I)
_MOUNT_IDS = {"app", "root", "vue-app", "vueapp", "react-root"}
_TEMPLATE_ATTRS = ("v-for", "v-if", "ng-repeat", ":key", "v-html")


def _list_loaded_by_script(root: etree._Element, bp: _Boilerplate) -> bool:
    """A page without list items whose list a script fetches: a loader call (`$.ajax`, `fetch(`,
    dataproxy/jpage, an `/api/` or `.json` URL) and, in the body, an empty list container, an
    empty Vue/React mount point or an unrendered template. Both must hold: a lone visit-counter
    `$.ajax` on a truly empty column does not excuse it."""
    loader = any(
        _LOADER_CALL.search(s.text or "") or _LOADER_SRC.search(s.get("src") or "")
        for s in root.iter("script")
    )
    if not loader:
        return False
    body = root.find("body")
    for el in _iter_elements(body if body is not None else root):
        if el.tag in ("script", "style", "body") or bp.contains(el):
            continue
        if any(el.get(a) is not None for a in _TEMPLATE_ATTRS) or "{{" in (el.text or ""):
            return True
        empty = not _collapse(_text_content(el)) and not any(
            isinstance(c.tag, str) and c.tag not in ("script", "style") for c in el
        )
        if not empty:
            continue
        if (el.get("id") or "").lower() in _MOUNT_IDS:
            return True
        if el.tag in ("ul", "ol", "tbody", "table", "dl") or any(
            _LIST_CONTAINER.search(t) for t in _tokens(el)
        ):
            return True
    return False


# ----- pagination -----

_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)", re.I)
_JS_NUMBER_VAR = re.compile(r"([A-Za-z_$][\w$]*)\s*=\s*['\"]?(\d+)['\"]?(?![\w.])")
_PAGER_WORDS = {"下一页", "上一页", "尾页", "末页", "下页", "上页", "最后一页", "前一页", "后一页"}
_PAGER_HOME = {"首页", "第一页"}
_PAGER_CONTAINER = re.compile(r"page|pagination|pager|fenye|fy\b|pagebar", re.I)
_PAGE_PARAMS = {"page", "pageno", "pageindex", "p", "pn", "curpage", "pagenum", "currentpage", "page_no", "cpage", "pagenumber"}  # fmt: skip
# Trap guard: a broken template can announce millions of pages.
MAX_SCRIPT_PAGES = 2000


def _script_pages(root: etree._Element, page_url: str) -> list[str]:
    """Pages announced by TRS `createPageHTML(total, current, "index", "html")` and its variants."""
    scripts = "\n".join(s.text or "" for s in root.iter("script"))
    if "createPageHTML" not in scripts and "createpagehtml" not in scripts.lower():
        return []
    variables = {name: int(num) for name, num in _JS_NUMBER_VAR.findall(scripts)}
    out: list[str] = []
    for call in _CREATE_PAGE.finditer(scripts):
        numbers: list[int] = []
        strings: list[str] = []
        for arg in (a.strip() for a in call.group(1).split(",")):
            quoted = re.fullmatch(r"(['\"])(.*)\1", arg)
            if quoted:
                if numbers and quoted.group(2).isdigit() and len(numbers) < 2:
                    numbers.append(int(quoted.group(2)))
                elif numbers:
                    strings.append(quoted.group(2))
            elif arg.isdigit():
                numbers.append(int(arg))
            elif arg in variables:
                numbers.append(variables[arg])
            elif re.fullmatch(r"[\w$.]+", arg) and not numbers:
                continue  # an element id passed as a variable
        if not numbers:
            continue
        total = min(numbers[0], MAX_SCRIPT_PAGES)
        prefix = strings[0] if strings else "index"
        suffix = strings[1] if len(strings) > 1 else "html"
        names = [f"{prefix}.{suffix}" if i == 0 else f"{prefix}_{i}.{suffix}" for i in range(total)]
        out += _join_names(page_url, names)
    return out


# A name of one plain segment: no scheme, query, params or fragment, no dot segment.
_PLAIN_NAME = re.compile(r"[\w~\-][\w~.\-]*", re.A)


def _join_names(base: str, names: list[str]) -> list[str]:
    """`urljoin(base, name)` for each name. urljoin puts every plain name after the same
    directory of the base, joined once: a script pager announces up to MAX_SCRIPT_PAGES."""
    directory = urljoin(base, "x")[:-1]
    return [directory + n if _PLAIN_NAME.fullmatch(n) else urljoin(base, n) for n in names]


_PAGE_SUFFIX = re.compile(r"(_\d+)?\.\w+")
_PAGE_NAME_END = re.compile(r"(_\d+)?\.\w+$")
_INDEX_NAME = re.compile(r"index\.\w+|default\.\w+")


class _SameList:
    """Whether a URL is another page of this page's list: `?page=N` of the same path, or
    `<stem>_N.html` in the same directory. The page's side is split once, not per anchor."""

    def __init__(self, page_url: str) -> None:
        page = urlsplit(page_url)
        self.netloc, self.path, self.query = page.netloc, page.path, page.query
        self.directory, _, name = page.path.rpartition("/")
        self.stem = _PAGE_NAME_END.sub("", name) or "index"
        # What every other page of the list holds: the host, then the page's directory and the
        # stem of its name (or its whole name). Most links of a page lack it and are refused
        # without being split. (Resolved links hold no tab or newline, which urlsplit drops.)
        shared = self.stem if name.startswith(self.stem) else ""
        rooted = page.netloc and page.path.startswith("/")
        self.must_hold = f"{page.netloc}{self.directory}/{shared}" if rooted else None

    def includes(self, url: str) -> bool:
        """Whether the URL is another page of this page's list."""
        if self.must_hold is not None and self.must_hold not in url:
            return False
        a = urlsplit(url)
        if a.netloc != self.netloc:
            return False
        if a.path == self.path and a.query != self.query:
            return any(k.lower() in _PAGE_PARAMS for k, _ in parse_qsl(a.query))
        directory, _, name = a.path.rpartition("/")
        if directory != self.directory or not name.startswith(self.stem):
            return False
        return bool(_PAGE_SUFFIX.fullmatch(name, len(self.stem)))


def _in_pager(el: etree._Element) -> bool:
    """Whether the anchor or one of its three nearest ancestors is a pager container."""
    node: etree._Element | None = el
    for _ in range(4):
        if node is None:
            return False
        if any(_PAGER_CONTAINER.search(t) for t in _tokens(node)):
            return True
        node = node.getparent()
    return False


def _pagination(
    root: etree._Element, resolve: _Resolver, bp: _Boilerplate, texts: _Texts
) -> list[str]:
    """URLs of the other pages of this list (script-written, pager anchors, ?page=N links)."""
    found = [resolve.url(u) or u for u in _script_pages(root, resolve.page_url)]
    same_list = _SameList(resolve.page_url)
    for a in root.iter("a"):
        target = resolve.anchor(a)
        if not target:
            continue
        text = texts.of(a).strip("[]【】<>《》 ")
        if (
            text in _PAGER_WORDS
            or ((text in _PAGER_HOME or text.isdigit()) and _in_pager(a))
            or same_list.includes(target)
        ):
            found.append(target)
    seen = _self_urls(resolve.page_url)  # a set: a script pager lists up to MAX_SCRIPT_PAGES
    out: list[str] = []
    for url in found:
        if url not in seen:
            seen.add(url)
            out.append(url)
    return out


def _self_urls(page_url: str) -> set[str]:
    """The page and its directory-index twins (`/tzgg/` and `/tzgg/index.html` are one page)."""
    parts = urlsplit(page_url)
    selves = {page_url}
    directory, _, name = parts.path.rpartition("/")
    if name == "" or _INDEX_NAME.fullmatch(name):
        for twin in ("", "index.html", "index.htm", "index.shtml", "default.html", "default.htm"):
            selves.add(
                urlunsplit((parts.scheme, parts.netloc, f"{directory}/{twin}", parts.query, ""))
            )
    return selves


# ----- breadcrumb -----

_CRUMB_CLASS = re.compile(
    r"crumb|position|location|dqwz|weizhi|path|mianbao|currentpos|curpos", re.I
)
_CRUMB_LEAD = re.compile(
    r"^\s*(?:当前位置|您的位置|您现在的位置|你的位置|你现在的位置|所在位置|当前所在位置)\s*[:：]?\s*"
)
_CRUMB_SPLIT = re.compile(r"\s*(?:>>|>|»|→|/|＞|›|〉|>)\s*")


@functools.lru_cache(maxsize=4096)
def _crumb_names(names: str) -> bool:
    """Whether a class/id attribute pair names a breadcrumb; memoised like `_bp_names`."""
    return any(_CRUMB_CLASS.search(t) for t in names.lower().split())


def _breadcrumb(root: etree._Element) -> tuple[str, ...]:
    """Column path of the page, outermost first (当前位置：首页 > 政务公开 > 通知公告)."""
    holder = None
    for el in _iter_elements(root):
        classes, ident = el.get("class"), el.get("id")
        if not (classes or ident) or el.tag in ("html", "body", "script", "style"):
            continue
        if _crumb_names(f"{classes or ''} {ident or ''}") and len(_text_content(el)) < 300:
            holder = el
            break
    if holder is None:
        for node in root.xpath("//text()[contains(., '位置')]"):
            parent = node.getparent()
            if parent is not None and _CRUMB_LEAD.match(_collapse(_text_content(parent))):
                holder = parent
                break
            if parent is not None and _CRUMB_LEAD.match(_collapse(node)):
                holder = parent.getparent() if parent.getparent() is not None else parent
                break
    if holder is None:
        return ()
    text = _CRUMB_LEAD.sub("", _collapse(_text_content(holder)))
    names = [n for n in (_collapse(x) for x in _CRUMB_SPLIT.split(text)) if n]
    if len(names) <= 1:  # separators drawn as images or spaces: take the anchors
        anchors = [_collapse(_text_content(a)) for a in holder.iter("a")]
        anchors = [n for n in anchors if n]
        if len(anchors) > len(names):
            names = [_CRUMB_LEAD.sub("", n) for n in anchors]
    return tuple(names)


def _iter_elements(root: etree._Element) -> Iterator[etree._Element]:
    """Elements only (no comments or processing instructions), filtered in C."""
    return root.iter(etree.Element)
