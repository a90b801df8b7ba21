"""Every link a browser would load or a visitor could follow: href, src, srcset, CSS url()/@import,
meta refresh, script jumps, og:image ..., each kept as a `Link` with its tag and attribute.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from govaudit.core.model import Link
from govaudit.crawler.extract.boilerplate import Boilerplate
from govaudit.crawler.extract.encoding import decode_html
from govaudit.crawler.extract.text import Texts, collapse
from govaudit.crawler.extract.urls import SCRIPT_URL, Resolver, safe_page_url, written_url

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


def _link_text(el: etree._Element, texts: Texts) -> str:
    tag = el.tag
    if tag in ("img", "area"):
        return collapse(el.get("alt") or el.get("title"))
    if tag == "a":
        text = texts.of(el)
        if not text:
            for img in el.iter("img"):
                text = collapse(img.get("alt") or img.get("title"))
                if text:
                    break
        return text or collapse(el.get("title"))
    return collapse(el.get("title"))


def new_link(
    target: str,
    tag: str,
    attr: str,
    text: str,
    in_boilerplate: bool,
    fragment: str = "",
    rel: str = "",
) -> Link:
    """`Link(target, tag, attr, text, in_boilerplate, fragment, rel)`, without the frozen
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
        rel=rel,
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


def page_links(
    root: etree._Element,
    resolve: Resolver,
    bp: Boilerplate,
    texts: Texts,
    local: list[str] | None = None,
) -> list[Link]:
    """The page's links, in document order; `local` receives the fragments of its links to
    itself (`href="#part"`)."""
    out: list[Link] = []
    local = [] if local is None else local
    for el in root.iter(etree.Element):
        tag = el.tag
        attr = _LINK_ATTRS.get(tag)
        rel = ""
        if tag == "link":
            rel = " ".join((el.get("rel") or "").lower().split())
            attr = "href" if _LINK_RELS.intersection(rel.split()) else None
        if attr:
            raw = written_url(el.get(attr))
            if tag == "a" and raw:
                resolve.note_anchor(el, raw)
            target = resolve.edge(raw)
            fragment = _fragment_of(raw) if tag in ("a", "area") else ""
            if target:
                text = _link_text(el, texts)
                out.append(new_link(target, tag, attr, text, bp.contains(el), fragment, rel))
            elif fragment and resolve.is_self(raw):
                local.append(fragment)
        onclick = el.get("onclick")
        if onclick:
            found = SCRIPT_URL.search(onclick)
            target = resolve.edge(found.group(1)) if found else None
            if target:
                text = _link_text(el, texts)
                out.append(new_link(target, "onclick", "onclick", text, bp.contains(el)))
        if tag == "script" and not el.get("src") and el.text and len(el.text) <= MAX_JUMP_SCRIPT:
            found = _SCRIPT_JUMP.fullmatch(el.text)
            target = resolve.edge(found.group(1)) if found else None
            if target:
                out.append(new_link(target, "script-redirect", "location", "", False))
        if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
            found = _REFRESH_URL.search(el.get("content") or "")
            target = resolve.edge(found.group(1)) if found else None
            if target:
                out.append(new_link(target, "meta-refresh", "content", "", False))
    out.extend(_more_links(root, resolve, bp, texts))
    return out


def _more_links(
    root: etree._Element, resolve: Resolver, bp: Boilerplate, texts: Texts
) -> Iterator[Link]:
    """The links a browser loads beyond the plain attributes: srcset, CSS, background=, poster,
    og:image (see `_MORE_LINKS`)."""
    for el in _MORE_LINKS(root):
        tag = el.tag
        if tag == "meta":
            name = (el.get("property") or el.get("name") or "").lower()
            target = resolve.edge(el.get("content")) if name in _OG_IMAGE else None
            if target:
                yield new_link(target, "meta", name, "", False)
            continue
        if tag == "style":
            for raw, kind in css_urls(el.text or ""):
                target = resolve.edge(raw)
                if target:
                    yield new_link(target, "style", kind, "", False)
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
                    yield new_link(target, tag, attr, text, boilerplate)


def anchor_names(root: etree._Element) -> tuple[str, ...]:
    """What a `#fragment` can land on (HTML: an element's id, an <a>'s name), first ones first."""
    names = dict.fromkeys(str(v) for v in root.xpath("//@id | //a/@name") if v)
    return tuple(names)[:MAX_ANCHORS]


def stylesheet_links(url: str, body: bytes, header_charset: str | None = None) -> list[Link]:
    """The `@import`s and `url()`s of a linked style sheet, resolved against its own URL: what
    the crawler records as the sheet's links once it fetched it (its fonts and images)."""
    text, encoding = decode_html(body or b"", header_charset)
    resolve = Resolver(url, safe_page_url(url, encoding), encoding)
    out = []
    for raw, kind in css_urls(text):
        target = resolve.edge(raw)
        if target:
            out.append(new_link(target, "css", kind, "", False))
    return out


# A link written as a plain path (`/col/gzdt/index.html`, `t20240807_1.html`, `./list.html?p=2`,
# `http://www.gov.cn/index.htm`) of unreserved characters, its segments neither empty nor dot
# segments (none starts with a dot): urljoin + safe_url_string make of it an origin (rooted,
# absolute) or the base's directory (relative) followed by the link as written. Checked against
# the full resolution on fuzzed links.
