"""A list's further pages: pager links, createPageHTML(...) and other pager scripts."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from lxml import etree

from govaudit.crawler.extract.boilerplate import Boilerplate, tokens
from govaudit.crawler.extract.text import Texts
from govaudit.crawler.extract.urls import Resolver

# ----- pagination -----

_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)", re.I)
_JS_NUMBER_VAR = re.compile(r"([A-Za-z_$][\w$]*)\s*=\s*['\"]?(\d+)['\"]?(?![\w.])")
# A pager's own words: a link so named is a page of the list, never an entry of it.
PAGER_WORDS = {"下一页", "上一页", "尾页", "末页", "下页", "上页", "最后一页", "前一页", "后一页"}
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
        out += join_names(page_url, names)
    return out


# A name of one plain segment: no scheme, query, params or fragment, no dot segment.
_PLAIN_NAME = re.compile(r"[\w~\-][\w~.\-]*", re.A)


def join_names(base: str, names: list[str]) -> list[str]:
    """`urljoin(base, name)` for each name. urljoin puts every plain name after the same
    directory of the base, joined once: a script pager announces up to MAX_SCRIPT_PAGES."""
    directory = urljoin(base, "x")[:-1]
    return [directory + n if _PLAIN_NAME.fullmatch(n) else urljoin(base, n) for n in names]


# A page number after the stem: index_1.html .. index_9999.html. Longer numbers are document
# ids (content_1744295.html), never a pager's: no list runs to 10,000 pages.
_PAGE_SUFFIX = re.compile(r"(_\d{1,4})?\.\w+")
_PAGE_NAME_END = re.compile(r"(_\d+)?\.\w+$")
# Stems of article names, whose `_N` is the article's id: TRS t20250624_100496.html, Hanweb
# art_1229678763_4982889.html, and any stem ending in a long number (a date or a column id).
_ARTICLE_STEM = re.compile(r"t\d{8}|art_\d+|.*\d{6,}", re.I)
_INDEX_NAME = re.compile(r"index\.\w+|default\.\w+")


class SameList:
    """Whether a URL is another page of this page's list: `?page=N` of the same path, or
    `<stem>_N.html` in the same directory (TRS index_1.html, index_2.html; never an article's
    tYYYYMMDD_N.html neighbours). The page's side is split once, not per anchor."""

    def __init__(self, page_url: str) -> None:
        page = urlsplit(page_url)
        self.netloc, self.path, self.query = page.netloc, page.path, page.query
        self.directory, _, name = page.path.rpartition("/")
        self.stem = _PAGE_NAME_END.sub("", name) or "index"
        # An article has no other pages by name: its same-day neighbours are other articles.
        self.article = bool(_ARTICLE_STEM.fullmatch(self.stem))
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
        if self.article or directory != self.directory or not name.startswith(self.stem):
            return False
        return bool(_PAGE_SUFFIX.fullmatch(name, len(self.stem)))


def _in_pager(el: etree._Element) -> bool:
    """Whether the anchor or one of its three nearest ancestors is a pager container."""
    node: etree._Element | None = el
    for _ in range(4):
        if node is None:
            return False
        if any(_PAGER_CONTAINER.search(t) for t in tokens(node)):
            return True
        node = node.getparent()
    return False


def pagination_urls(
    root: etree._Element, resolve: Resolver, bp: Boilerplate, texts: Texts
) -> list[str]:
    """URLs of the other pages of this list (script-written, pager anchors, ?page=N links)."""
    found = [resolve.url(u) or u for u in _script_pages(root, resolve.page_url)]
    same_list = SameList(resolve.page_url)
    for a in root.iter("a"):
        target = resolve.anchor(a)
        if not target:
            continue
        text = texts.of(a).strip("[]【】<>《》 ")
        if (
            text in PAGER_WORDS
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
