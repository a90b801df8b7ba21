"""The site's columns (栏目), found in one audit's store: list pages grouped with their pagination.

Inspectors judge a site column by column (栏目不更新, 空白栏目), and reports group problems by
column, so checks and reports share one detection. A column is a set of list pages joined by their
pagination links; its items are the list items of all those pages. Its name comes from the
breadcrumb, else the anchor text of the links pointing to it (navigation included), else the page
title without the site-name suffix. The site profile can rename, add or exclude columns by URL
(`[[checks.stale_column.columns]]`); detection works without it.

Reads only an `AuditView`, so any check or report can call it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from govaudit.core.model import LOADED_BY_SCRIPT, RENDERED, ListItem, PageRecord
from govaudit.core.store import AuditView
from govaudit.core.vocabulary import HOME_NAMES, HOMEPAGE, PAGE_TYPE_CRUMBS

OTHER = "其他"

# Column categories and their name keywords, after 《政府网站与政务新媒体检查指标》(国办秘函〔2019〕19号):
# 动态、要闻类 (2 weeks), 通知公告、政策文件类 (6 months), 人事、规划计划类 (1 year); the rest is
# 其他. Checked in this order, so a name with keywords of two categories takes the stricter one.
CATEGORY_KEYWORDS: dict[str, list[str]] = {
    "动态要闻": [
        "动态",
        "要闻",
        "新闻",
        "工作信息",
        "图片新闻",
        "部门动态",
        "基层动态",
        "快讯",
        "头条",
        "资讯",
        "媒体聚焦",
        "媒体关注",
    ],
    "通知公告政策文件": [
        "通知",
        "公告",
        "公示",
        "通告",
        "政策",
        "文件",
        "规范性文件",
        "法规",
        "解读",
    ],
    "人事规划计划": ["人事", "任免", "招聘", "招考", "录用", "规划", "计划"],
}

_GENERIC_CRUMBS = PAGE_TYPE_CRUMBS | HOME_NAMES
# Anchor texts that point at a column without naming it: pagination, "more" links.
_GENERIC_ANCHORS = re.compile(
    r"^(首页|主页|返回首页|上一?页|下一?页|前一页|后一页|尾页|末页|最后一页|第一页|更多.*|查看更多.*|"
    r"more.*|[<>»«\s.…]+|\d+|\[\d+\]|go|跳转|确定)$",
    re.IGNORECASE,
)
# Site-name suffixes of titles: "通知公告 - 临江市人社局", "通知公告_临江市人社局", "通知公告|…".
_TITLE_SEPARATORS = re.compile(r"\s*(?:\s-\s|_|\||｜|—+|－|--)\s*")
# Texts of an empty list page (空白栏目) in the CMSs we know.
PLACEHOLDER_PHRASES = (
    "暂无信息",
    "暂无数据",
    "暂无内容",
    "暂无记录",
    "暂无相关",
    "暂无文章",
    "暂无更新",
    "没有记录",
    "没有数据",
    "没有信息",
    "无相关信息",
    "无相关记录",
    "栏目建设中",
    "正在建设中",
    "建设中",
)
_PLACEHOLDER_MAX_TEXT = 300  # an empty list page says little besides its placeholder
# What remains of a blank column page once its name is removed: the breadcrumb's lead words.
_CRUMB_WORDS = re.compile(r"当前位置|您的位置|您现在的位置|你的位置|你现在的位置|所在位置|位置")
_BLANK_MAX_CHARS = 4
# Link tags of the page template (style sheets, scripts), not content.
_CHROME_TAGS = {"link", "script", "meta", "style", "css"}
# Links a template's decoration makes (CSS backgrounds, background=, srcset, a video poster):
# an empty column's page has them too, so they are not "links of its own".
_DECORATION_ATTRS = {"style", "background", "srcset", "imagesrcset", "poster", "url", "import"}
_FRAME_TAGS = {"iframe", "frame"}
_DIRECTORY_INDEX = re.compile(r"/(?:index|default)\.(?:html?|shtml|jsp|aspx?|php)$", re.I)
# Page-number parameters of list URLs (TRS index_2.html, Hanweb pageNum=2, ?page=2 ...).
_PAGE_SUFFIX = re.compile(r"_(\d+)\.[a-z]+$", re.IGNORECASE)
_PAGE_PARAMS = {"page", "pagenum", "pageno", "pageindex", "currentpage", "p", "pn", "curpage"}


@dataclass(frozen=True)
class Column:
    name: str  # 栏目名称
    url: str  # its first list page (where a person sees it)
    pages: tuple[str, ...]  # all list pages of the column (first + pagination)
    items: tuple[ListItem, ...]  # all items over all pages
    category: str  # 首页 | 动态要闻 | 通知公告政策文件 | 人事规划计划 | 其他
    placeholder: bool  # an empty-list page ("暂无信息", empty container)
    threshold_days: int | None = None  # from the profile, when it sets one for this column
    # No item, and a list page says a script fills the list (the crawler's
    # `meta["list_loaded_by_script"]`): empty to the crawler, maybe not to a visitor.
    loaded_by_script: bool = False
    # What the browser made of its list pages (`meta["rendered_by_browser"]`: failed,
    # unavailable, over_budget, still_empty ...), "" when none was asked.
    rendered: str = ""


def categorize(name: str, keywords: Mapping[str, Sequence[str]] = CATEGORY_KEYWORDS) -> str:
    """The update-rule category of a column, from keywords in its name."""
    if name == HOMEPAGE:
        return HOMEPAGE
    for category, words in keywords.items():
        if any(word and word in name for word in words):
            return category
    return OTHER


def detect_columns(
    view: AuditView,
    overrides: Sequence[Mapping[str, Any]] = (),
    keywords: Mapping[str, Sequence[str]] = CATEGORY_KEYWORDS,
) -> list[Column]:
    """Every column of the audit, sorted by first-page URL, with the profile's overrides applied.

    Several checks and the roof ask for the same columns: they are detected once per view and
    settings (`AuditView.memo`); each caller gets its own list."""
    key = ("columns", json.dumps([overrides, keywords], sort_keys=True, default=str))
    return list(view.memo(key, lambda: _detect(view, overrides, keywords)))


def _detect(
    view: AuditView,
    overrides: Sequence[Mapping[str, Any]],
    keywords: Mapping[str, Sequence[str]],
) -> tuple[Column, ...]:
    # Pages without their text, edges only where a decision needs them: a large site has
    # hundreds of thousands of edges and megabytes of text (see `_SiteData`).
    pages = {p.url: p for p in view.pages(internal=True, with_text=False)}
    items: dict[str, list[ListItem]] = {}
    for page_url, item in view.list_items():
        items.setdefault(page_url, []).append(item)
    data = _SiteData(view, pages, items)
    maybe_blank = [
        url
        for url, p in pages.items()
        if _usable(p) and p.kind == "other" and not items.get(url) and not p.published
    ]
    data.prefetch_texts(maybe_blank)
    content_links: dict[str, list[str]] = {}
    for source, link in view.links(sources=maybe_blank):
        if (
            not link.in_boilerplate
            and link.tag not in _CHROME_TAGS
            and link.attr not in _DECORATION_ATTRS
        ):
            content_links.setdefault(source, []).append(link.text.strip())
    candidates = {
        url
        for url, p in pages.items()
        if _usable(p)
        and _is_list_like(p, items.get(url, []), content_links.get(url, []), data.text)
    }
    # The homepage reached again as `/index.html` (the menu's 首页 link) is the homepage, which
    # the homepage rule judges: not a column too, or one stale homepage is reported twice.
    homes = {_index_twin(url) for url, p in pages.items() if p.kind == "home"}
    candidates = {url for url in candidates if _index_twin(url) not in homes}
    groups = _group_by_pagination(candidates, pages)
    hubs = _hub_groups(groups, items)
    kept = [group for group in groups if not group <= hubs]
    kept = [_with_framing_page(group, data, candidates) for group in kept]
    columns = [_build(group, data, keywords) for group in kept]
    return tuple(_apply_overrides(columns, overrides, data, keywords))


class _SiteData:
    """What detection reads of the audit: pages (no text), list items, and on demand the text
    of a page and the edges pointing at a page, fetched in bulk where the pages are known."""

    def __init__(
        self, view: AuditView, pages: dict[str, PageRecord], items: dict[str, list[ListItem]]
    ) -> None:
        self.view, self.pages, self.items = view, pages, items
        self._texts: dict[str, str] = {}
        self._frames: dict[str, set[str]] | None = None

    def prefetch_texts(self, urls: Iterable[str]) -> None:
        wanted = [u for u in urls if u not in self._texts]
        found = self.view.texts(wanted)
        for url in wanted:
            self._texts[url] = found.get(url, "")

    def text(self, url: str) -> str:
        if url not in self._texts:
            self.prefetch_texts([url])
        return self._texts[url]

    def framed_by(self, url: str) -> set[str]:
        """Pages that show `url` in an `<iframe>`/`<frame>`. Every frame edge of the audit is
        read at once: they are few, and asking by target would walk every menu edge to every
        column page (the table has no index on the tag)."""
        if self._frames is None:
            self._frames = {}
            for source, link in self.view.links(tags=sorted(_FRAME_TAGS)):
                self._frames.setdefault(link.target, set()).add(source)
        return self._frames.get(url, set())

    def linked_from_outside(self, urls: Iterable[str], inside: Iterable[str]) -> bool:
        """Whether a page not in `inside` links to one of `urls`."""
        return bool(self.view.link_sources(urls, not_from=inside, limit=1))

    def outside_anchor(self, url: str, group: frozenset) -> str | None:
        """The most common anchor text of the links to `url` from outside its column, ignoring
        pagination and "more" links; the first seen on ties."""
        counts: dict[str, int] = {}  # in order of first sight, as a Counter keeps it
        for anchor, count in self.view.anchor_counts(url, not_from=group):
            text = anchor.strip()
            if text and not _GENERIC_ANCHORS.match(text):
                counts[text] = counts.get(text, 0) + count
        return Counter(counts).most_common(1)[0][0] if counts else None


def site_column_of(view: AuditView) -> Callable[[str], Column | None]:
    """`column_for_url` of the columns `detect_columns(view)` finds (no profile overrides),
    made once per view: several checks file pages under the site's columns."""
    return view.memo(("site_column_of",), lambda: column_for_url(detect_columns(view)))


def listing_pages(view: AuditView) -> dict[str, tuple[str, ...]]:
    """Item URL → the list pages that show it, in list-page order: where a person finds an
    item, and which columns file it. Several checks ask; it is made once per view."""
    return view.memo(("listing_pages",), lambda: _listing_pages(view))


def _listing_pages(view: AuditView) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for page_url, item in view.list_items():
        found.setdefault(item.url, []).append(page_url)
    # Tuples: the garbage collector stops tracking a tuple of strings at its first pass (a list
    # it walks at every pass, and an audit's checks live alongside ~20,000 of these).
    return {url: tuple(pages) for url, pages in found.items()}


def column_for_url(columns: Sequence[Column]) -> Callable[[str], Column | None]:
    """A lookup from a page or item URL to its column: its own list pages first, then the columns
    that list it (the one whose directory holds it when several do, e.g. a "最新公开" block),
    else the column whose directory is the longest prefix of the URL (never the site root)."""
    pages: dict[str, Column] = {}
    # The columns listing each item, by their place in `columns`: the lookup of a large site
    # keeps ~20,000 of these, and a tuple of numbers is one the garbage collector stops walking.
    listed_in: dict[str, tuple[int, ...]] = {}
    for place, column in enumerate(columns):
        for url in column.pages:
            pages.setdefault(url, column)
        for item in column.items:
            listed = listed_in.get(item.url, ())
            if all(columns[p] != column for p in listed):
                listed_in[item.url] = (*listed, place)
    # Directories end with "/": the ones that prefix a URL are its cuts after a "/", so the
    # longest-prefix search is a few dict lookups, not a scan of every column (33k lookups).
    by_dir: dict[str, list[int]] = {}
    for place, column in enumerate(columns):
        directory = _directory(column.url)
        if directory:
            by_dir.setdefault(directory, []).append(place)

    def by_directory(url: str, among: tuple[int, ...] | None = None) -> Column | None:
        end = url.rfind("/")
        while end >= 0:
            for place in by_dir.get(url[: end + 1], ()):
                if among is None or place in among:
                    return columns[place]
            end = url.rfind("/", 0, end)
        return None

    found: dict[str, Column | None] = {}

    def lookup(url: str) -> Column | None:
        if url in pages:
            return pages[url]
        if url not in found:
            listed = listed_in.get(url)
            found[url] = (
                (by_directory(url, listed) or columns[listed[0]]) if listed else by_directory(url)
            )
        return found[url]

    return lookup


# -- detection ---------------------------------------------------------------------------------


def _usable(page: PageRecord) -> bool:
    ok = page.status is not None and 200 <= page.status < 300
    return ok and page.error is None and page.kind != "resource"


def _is_list_like(
    page: PageRecord,
    items: list[ListItem],
    content_links: list[str],
    text_of: Callable[[str], str],
) -> bool:
    if page.kind == "list":
        return True
    if page.kind != "other" or items or page.published:
        return False
    # An empty column's page often carries no list at all: only "暂无信息", or nothing but its
    # own name (a column template rendering an empty list container).
    text = text_of(page.url)
    return is_placeholder_text(text) or _is_blank(page, content_links, text)


def is_placeholder_text(text: str) -> bool:
    """A short page text that says the list is empty."""
    text = text.strip()
    return len(text) <= _PLACEHOLDER_MAX_TEXT and any(p in text for p in PLACEHOLDER_PHRASES)


def _is_blank(page: PageRecord, content_links: list[str], text: str) -> bool:
    """A page that shows nothing but its name and breadcrumb: no text, no link of its own."""
    names = {c.strip() for c in page.breadcrumb if c.strip()}
    title = _TITLE_SEPARATORS.split(page.title.strip())[0].strip() if page.title else ""
    names.discard("")
    if not names and not title:
        return False  # nothing names it: not a column a person can point at
    if any(text not in names and text != title for text in content_links):
        return False  # links of its own (images, a frame, a redirect): not blank
    rest = text
    for word in sorted(names | {title} - {""}, key=len, reverse=True):
        rest = rest.replace(word, "")
    rest = _CRUMB_WORDS.sub("", rest)
    return len(re.sub(r"[\W_]+", "", rest)) <= _BLANK_MAX_CHARS


def _group_by_pagination(candidates: set[str], pages: dict[str, PageRecord]) -> list[frozenset]:
    parent = {url: url for url in candidates}

    def find(url: str) -> str:
        while parent[url] != url:
            parent[url] = parent[parent[url]]
            url = parent[url]
        return url

    def union(a: str, b: str) -> None:
        a, b = find(a), find(b)
        if a != b:
            parent[max(a, b)] = min(a, b)

    twins: dict[str, str] = {}
    for url in sorted(candidates):
        root = find(url)
        for other in pages[url].pagination:
            # Every page of a column lists the others: most are joined already, to this root.
            if other in parent and parent[other] != root:
                union(root, other)
                root = find(root)
        # `/tzgg/` and `/tzgg/index.html` are one page reached by two links
        union(url, twins.setdefault(_index_twin(url), url))
    groups: dict[str, set[str]] = {}
    for url in candidates:
        groups.setdefault(find(url), set()).add(url)
    return [frozenset(g) for g in groups.values()]


def _with_framing_page(group: frozenset, data: _SiteData, candidates: set[str]) -> frozenset:
    """A list shown only inside one page's `<iframe>` is seen at that page: the framing page
    joins the column, as its first page (where a person sees it, with its breadcrumb)."""
    framers = {src for url in group for src in data.framed_by(url)} - group
    if len(framers) != 1:
        return group
    framer = next(iter(framers))
    page = data.pages.get(framer)
    if framer in candidates or page is None or not _usable(page) or page.kind == "home":
        return group
    outside = data.linked_from_outside(group, group | framers)
    return group if outside else group | {framer}


def _hub_groups(groups: list[frozenset], items: dict[str, list[ListItem]]) -> set[str]:
    """List pages whose every item is another column's page: a parent column's index of its
    sub-columns, not a column with content of its own."""
    list_urls = set().union(*groups) if groups else set()
    hubs: set[str] = set()
    for group in groups:
        group_items = [i for url in group for i in items.get(url, [])]
        if group_items and all(i.url in list_urls and i.url not in group for i in group_items):
            hubs |= group
    return hubs


def _index_twin(url: str) -> str:
    """The directory URL of a directory-index page (`/tzgg/index.html` → `/tzgg/`)."""
    return _DIRECTORY_INDEX.sub("/", url)


def _page_number(url: str) -> int:
    parts = urlsplit(url)
    match = _PAGE_SUFFIX.search(parts.path)
    if match:
        return int(match.group(1))
    for key, value in parse_qsl(parts.query):
        if key.lower() in _PAGE_PARAMS and value.isdigit():
            return int(value)
    return 0


def _first_page(group: frozenset, data: _SiteData) -> str:
    """The page the others paginate from: no page number, linked from outside the list, short."""

    numbers = {url: _page_number(url) for url in group}
    lowest = min(numbers.values())
    tied = [url for url in group if numbers[url] == lowest]
    if len(tied) == 1:
        return tied[0]  # the usual case: only the first page has no page number

    def key(url: str) -> tuple:
        from_outside = data.linked_from_outside([url], group)
        return (numbers[url], not from_outside, len(url), url)

    return min(tied, key=key)


def _name(first: str, group: Iterable[str], data: _SiteData) -> str:
    pages = data.pages
    for url in [first, *sorted(set(group) - {first})]:
        page = pages.get(url)
        if page is None:
            continue
        crumbs = [c.strip() for c in page.breadcrumb if c.strip()]
        while crumbs and crumbs[-1] in _GENERIC_CRUMBS:
            crumbs.pop()
        if crumbs:
            return crumbs[-1]
    anchor = data.outside_anchor(first, frozenset(group))
    if anchor:
        return anchor
    title = pages[first].title.strip() if first in pages else ""
    cleaned = _TITLE_SEPARATORS.split(title)[0].strip() if title else ""
    return cleaned or title or first


def _build(
    group: frozenset,
    data: _SiteData,
    keywords: Mapping[str, Sequence[str]],
    name: str | None = None,
) -> Column:
    first = _first_page(group, data)
    ordered = (first, *sorted(group - {first}, key=lambda u: (_page_number(u), u)))
    all_items = _distinct(i for url in ordered for i in data.items.get(url, []))
    name = name or _name(first, group, data)
    placeholder = not all_items and any(
        is_placeholder_text(data.text(u)) for u in ordered if u in data.pages
    )
    loaded_by_script = not all_items and any(
        data.pages[u].meta.get(LOADED_BY_SCRIPT) for u in ordered if u in data.pages
    )
    renders = [data.pages[u].meta.get(RENDERED) for u in ordered if u in data.pages]
    rendered = next((r for r in renders if r), "")
    return Column(
        name=name,
        url=first,
        pages=ordered,
        items=all_items,
        category=categorize(name, keywords),
        placeholder=placeholder,
        loaded_by_script=loaded_by_script,
        rendered=rendered,
    )


def _distinct(items: Iterable[ListItem]) -> tuple[ListItem, ...]:
    """One entry per item URL, in first-seen order: a pinned item shows on every page and
    overlapping pages (a Hanweb proxy range beside `?pageIndex=N`) list some twice. A showing
    with a date wins over one without."""
    chosen: dict[str, ListItem] = {}
    for item in items:
        kept = chosen.get(item.url)
        if kept is None or (kept.date is None and item.date is not None):
            chosen[item.url] = item
    return tuple(chosen.values())


def _directory(url: str) -> str | None:
    parts = urlsplit(url)
    path = parts.path.rsplit("/", 1)[0] + "/"
    if path == "/":
        return None  # a root-level list page would claim the whole site
    return f"{parts.scheme}://{parts.netloc}{path}"


# -- profile overrides -------------------------------------------------------------------------


def _apply_overrides(
    columns: list[Column],
    overrides: Sequence[Mapping[str, Any]],
    data: _SiteData,
    keywords: Mapping[str, Sequence[str]],
) -> list[Column]:
    pages = data.pages
    used: set[int] = set()
    result: list[Column] = []
    for column in columns:
        index = _matching_override(column, overrides)
        if index is None:
            result.append(column)
            continue
        used.add(index)
        override = overrides[index]
        if override.get("exclude"):
            continue
        result.append(_overridden(column, override, keywords))
    covered = {url for c in result for url in c.pages}
    for index, override in enumerate(overrides):
        if index in used or override.get("exclude"):
            continue
        url = _recorded(override["url"], pages)
        if url is None or url in covered:
            continue  # not crawled: nothing to judge
        group = frozenset({url, *(u for u in pages[url].pagination if u in pages)})
        column = _build(group, data, keywords, name=override.get("name"))
        result.append(_overridden(column, override, keywords))
        covered |= set(column.pages)
    return sorted(result, key=lambda c: c.url)


def _matching_override(column: Column, overrides: Sequence[Mapping[str, Any]]) -> int | None:
    """Exact page URL first, else the longest URL prefix of the column's first page."""
    best, best_len = None, -1
    twins = {_index_twin(u) for u in column.pages}
    for index, override in enumerate(overrides):
        url = override["url"]
        if url in column.pages or _index_twin(url) in twins:
            return index
        if column.url.startswith(url) and len(url) > best_len:
            best, best_len = index, len(url)
    return best


def _overridden(
    column: Column, override: Mapping[str, Any], keywords: Mapping[str, Sequence[str]]
) -> Column:
    name = override.get("name") or column.name
    category = override.get("category") or categorize(name, keywords)
    return replace(
        column,
        name=name,
        category=category,
        threshold_days=override.get("threshold_days", column.threshold_days),
    )


def _recorded(url: str, pages: dict[str, PageRecord]) -> str | None:
    if url in pages and _usable(pages[url]):
        return url
    if url.endswith("/"):
        for index in ("index.html", "index.htm", "index.shtml", "index.jsp", "default.html"):
            if url + index in pages and _usable(pages[url + index]):
                return url + index
    return None
