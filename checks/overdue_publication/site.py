"""What the crawl recorded, indexed for this check: pages by URL, their columns, 文号 and titles."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from govaudit.core.columns import (
    HOMEPAGE,
    Column,
    detect_columns,
    listing_pages,
    site_column_of,
)
from govaudit.core.model import Link, PageRecord
from govaudit.core.store import AuditView
from govaudit.core.vocabulary import CN_DIGITS, HOME_NAMES, PAGE_TYPE_CRUMBS

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_OPEN = "〔[［【(（"
_CLOSE = "〕]］】)）"
# Each other spelling of a bracket, with the one `doc_number` writes.
_BRACKETS = [(ch, "〔") for ch in _OPEN[1:]] + [(ch, "〕") for ch in _CLOSE[1:]]
_SPACES = re.compile(r"\s+")
# The year-and-number tail of a 文号 (〔2023〕3号, 〔2020〕某规字第1号), after `doc_number`.
NUMBER_TAIL = re.compile(r"〔(?:19|20)\d{2}〕[^\s，。；、〔〕]{0,8}?\d{1,5}号")
BOOK_TITLE = re.compile(r"《([^《》]{2,80})》")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
CN_YEAR = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})\s*年")
CN_DIGIT_TABLE = str.maketrans({numeral: str(digit) for numeral, digit in CN_DIGITS.items()})
POLICY_TITLE_END = re.compile(r"的(?:通知|意见|办法|方案|规定|决定|公告|通告|批复)\s*$")
# A column of documents and their 解读 together ("政策文件及解读").
MIXED_COLUMN = re.compile(r"[及与和、](?:政策)?解读$")
ANNUAL_TITLE = re.compile(r"(?:政府信息公开|政务公开).{0,8}?(?:年度报告|年报)")
ATTACHMENT = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|ofd|zip|rar)(?:$|\?)", re.I)

# -- what the crawl recorded, indexed for this check -------------------------------------------


@dataclass
class Site:
    pages: list[PageRecord]  # internal pages that answered, one per final URL
    by_url: dict[str, PageRecord]  # requested and final URLs → page
    listed_on: dict[str, tuple[str, ...]]  # item URL → list pages that show it
    columns: list[Column]  # the site's columns (govaudit.core.columns)
    column_of: Callable[[str], Column | None]  # their `column_for_url`
    skipped: int  # pages not fetched on purpose (bounds, robots): absence is then uncertain
    links_from: dict[str, list[Link]] = field(default_factory=dict)  # filled by load_links
    view: AuditView | None = None
    texts: dict[str, str] = field(default_factory=dict)  # filled by load_texts
    _names: dict[Any, tuple[str, ...]] = field(default_factory=dict)  # column_names, by page

    @classmethod
    def load(cls, view: AuditView) -> Site:
        pages, by_url, seen, skipped = [], {}, set(), 0
        # Without their text: only 解读 pages and annual reports are read (`text()`).
        for page in view.pages(internal=True, with_text=False):
            skipped += page.error == "skipped"
            if page.error or (page.status is not None and page.status >= 400):
                continue
            key = page.final_url or page.url
            by_url.setdefault(page.url, page)
            by_url.setdefault(key, page)
            if key not in seen:
                seen.add(key)
                pages.append(page)
        columns, column_of = detect_columns(view), site_column_of(view)
        return cls(pages, by_url, listing_pages(view), columns, column_of, skipped, view=view)

    def detected_column(self, page: PageRecord) -> str | None:
        """The column detection's name for the page; the homepage is no column of a document."""
        found = self.column_of(page.url)
        return found.name if found is not None and found.name != HOMEPAGE else None

    def load_links(self, sources: set[str]) -> None:
        """Links of the given pages only: a large site has millions of edges."""
        wanted = sources - set(self.links_from)
        if not wanted or self.view is None:
            return
        for url in wanted:
            self.links_from[url] = []
        for source, link in self.view.links(sources=wanted):
            self.links_from[source].append(link)

    def content_links(self, sources: set[str], targets: set[str]) -> dict[str, list[str]]:
        """source → targets of the content (not menu) links between the two sets, in page
        order: every document repeats the site's menu, so only the few wanted edges are read."""
        found: dict[str, list[str]] = defaultdict(list)
        if self.view is None or not sources or not targets:
            return found
        for source, link in self.view.links(sources=sources, targets=targets, boilerplate=False):
            found[source].append(link.target)
        return found

    def load_texts(self, pages: Iterable[PageRecord]) -> None:
        """The text of the given pages, read in one query (pages are loaded without it)."""
        wanted = {p.url for p in pages if p.url not in self.texts}
        if not wanted or self.view is None:
            return
        found = self.view.texts(wanted)
        for url in wanted:
            self.texts[url] = found.get(url, "")

    def text(self, page: PageRecord) -> str:
        if page.text or self.view is None:
            return page.text
        self.load_texts([page])
        return self.texts[page.url]

    def column(self, page: PageRecord) -> str | None:
        """The 栏目 of a page: the site's column detection, its breadcrumb, or a list page's."""
        own = self.detected_column(page) or _crumb_column(page)
        if own:
            return own
        for list_url in self.listed_on.get(page.url, ()):
            list_page = self.by_url.get(list_url)
            if list_page is not None:
                name = _crumb_column(list_page) or title_column(list_page)
                if name:
                    return name
        return None

    def column_names(self, page: PageRecord) -> tuple[str, ...]:
        """Every column name a page is filed under: its breadcrumb and its list pages'.

        Only list pages count: a 解读 page's 相关文件 box must not file its policy under 解读.
        Kept per page: documents are asked twice, and a list page's names serve its every item."""
        names = self._names.get(page.url)
        if names is None:
            found = [*_crumb_names(page), self.detected_column(page) or ""]
            for list_url in self.listed_on.get(page.url, ()):
                list_page = self.by_url.get(list_url)
                if list_page is not None and list_page.kind == "list":
                    found += self._list_names(list_page)
            names = self._names[page.url] = tuple(n for n in found if n)
        return names

    def _list_names(self, list_page: PageRecord) -> tuple[str, ...]:
        key = ("list", list_page.url)
        if key not in self._names:
            self._names[key] = (*_crumb_names(list_page), title_column(list_page) or "")
        return self._names[key]


def _crumb_names(page: PageRecord) -> list[str]:
    """Breadcrumb elements that name columns (not 首页, not 正文, not the page's own title)."""
    names = []
    for name in page.breadcrumb:
        name = name.strip()
        if (
            name
            and name not in PAGE_TYPE_CRUMBS
            and name not in HOME_NAMES
            and (name != page.title.strip() or page.kind in ("list", "home"))
            and len(name) <= 30  # a document title, not a column name
        ):
            names.append(name)
    return names


def _crumb_column(page: PageRecord) -> str | None:
    names = _crumb_names(page)
    return names[-1] if names else None


def title_column(page: PageRecord) -> str | None:
    """A list page's title names its column, before the site name (`规范性文件_某某局`)."""
    head = re.split(r"\s*[_|｜—\-–]+\s*", page.title.strip(), maxsplit=1)[0]
    return head if 0 < len(head) <= 30 else None


@lru_cache(maxsize=8192)  # a site's 40,000 date fields hold a few thousand distinct days
def parse_day(value: str | None) -> date | None:
    found = _DATE.search(value or "")
    if not found:
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def published_on(page: PageRecord) -> date | None:
    return parse_day(page.meta.get("发布日期")) or page.published


def is_document(page: PageRecord) -> bool:
    return page.kind == "document" or "成文日期" in page.meta or "印发日期" in page.meta


def doc_number(value: str) -> str:
    """A 文号 in one spelling: brackets unified, spaces removed (〔2023〕 = [2023] = （2023）)."""
    # str.replace per spelling, not str.translate: translate looks every character up in its
    # table, and a 解读's whole text is read for the 文号 it cites (four times slower).
    number = _SPACES.sub("", value)
    for other, bracket in _BRACKETS:
        number = number.replace(other, bracket)
    return number


def shortened(title: str, limit: int = 40) -> str:
    title = title.strip()
    return title if len(title) <= limit else title[: limit - 1] + "…"
