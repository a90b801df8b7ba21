"""The dated items of a list page: repeated rows of links with dates in sibling structure."""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

from govaudit.core.model import DATED_BY_LIST, DATED_BY_URL, ListItem
from govaudit.crawler.extract.boilerplate import Boilerplate
from govaudit.crawler.extract.dates import TEXT_DATE, find_dates, url_date, valid_date
from govaudit.crawler.extract.pagination import PAGER_WORDS
from govaudit.crawler.extract.text import Texts, collapse, text_content
from govaudit.crawler.extract.urls import SCRIPT_URL, Resolver

# ----- list items -----

_ROW_TAGS = {"li", "tr", "dd", "dt", "dl", "div", "p", "article", "section", "h3", "h4"}
_MAX_ROW_CLIMB = 5


def _article_anchors(
    root: etree._Element, resolve: Resolver, bp: Boilerplate
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
    # as in `visible_text`: an element's tail is pushed as a string to come after its children
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
            text += " " + text_content(nxt)
    return text


_MORE_LINK = re.compile(
    r"^[\s>»›+\[【(（]*(?:更多|查看更多|更多内容|更多信息|更多>>|more|详细|详情|进入|"
    r"进入栏目|查看全部|全部)[\s>»›+.…\]】)）]*$",
    re.I,
)


def _is_more_link(text: str) -> bool:
    """更多>>, 【更多】, more », 查看更多…: a link to the whole list, not an entry of it."""
    return len(text) <= 12 and bool(_MORE_LINK.match(text))


def _is_pager(texts: list[str]) -> bool:
    """A row with a 下一页 / 尾页 link is the list's pager: its links (2, 3, 下一页) are other
    pages of the list, never entries."""
    return any(text.strip("[]【】<>«» ") in PAGER_WORDS for text in texts)


_SOURCE_LABEL = re.compile(r"(?:来源|信息来源|稿源|出处|来自)\s*[:：]\s*$")


def _after_source_label(a: etree._Element) -> bool:
    before = a.getprevious()
    text = before.tail if before is not None else a.getparent().text
    return bool(text) and bool(_SOURCE_LABEL.search(text))


def _item_title(a: etree._Element, text: str | None = None) -> str:
    text = collapse(text_content(a)) if text is None else text
    title_attr = collapse(a.get("title"))
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
        this_year = valid_date(str(today.year), month, day)
        year = today.year if this_year is None or this_year <= today else today.year - 1
    if year is None:
        return None, True
    return valid_date(str(year), month, day), True


def _heading_year(row: etree._Element) -> int | None:
    node = row.getparent()
    for _ in range(3):
        if node is None or node.tag in ("body", "html"):
            return None
        for i, sib in enumerate(node.itersiblings(preceding=True)):
            if i >= 3:
                break
            text = collapse(text_content(sib)) if isinstance(sib.tag, str) else ""
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
        return valid_date(found["y"], found["m"], found["d"])
    return valid_date(found["y2"], found["m2"], found["d2"])


def _inner_date(a: etree._Element) -> tuple[str, etree._Element | None]:
    """(text, element) of a block inside an anchor that holds only a date (`<a><h4>标题</h4>
    <span>2024-03-01</span></a>`), else ("", None)."""
    for el in a.iterdescendants():
        if not isinstance(el.tag, str):
            continue
        text = collapse(text_content(el))
        if not text or len(text) > 30:
            continue
        rest = _MONTH_DAY.sub("", TEXT_DATE.sub("", text))
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
    root: etree._Element, resolve: Resolver, bp: Boilerplate, rows: dict
) -> list[tuple[etree._Element, str]]:
    """Rows that open their item by script (`<tr onclick="window.open('/art/…')">`), with no
    anchor of their own: lists of 信息公开 platforms written this way have no `<a>` at all."""
    out = []
    for el in root.iter(*_CLICKABLE_ROWS):
        onclick = el.get("onclick")
        if not onclick or el in rows or next(el.iter("a"), None) is not None or bp.contains(el):
            continue
        found = SCRIPT_URL.search(onclick)
        target = resolve.url(found.group(1)) if found else None
        if target and target != resolve.page_url:
            out.append((el, target))
    return out


def list_items(
    root: etree._Element,
    resolve: Resolver,
    bp: Boilerplate,
    texts: Texts,
    today: date | None = None,
) -> list[ListItem]:
    """Dated entries of the page's lists; undated rows only inside a list whose rows are dated.
    Each item says where its date was read: the list's text, or only its URL (a list showing
    none), which orders pages but states no date."""
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
        if _is_pager([texts.of(a) for a, _ in anchors]):
            continue
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
                title = _item_title(a, collapse(_other_text(a, [holder])))
        groups.setdefault((row.getparent(), row.tag), []).append(
            _row_entry(row, target, title, other, found, today)
        )
    by_onclick = False
    for row, target in _clickable_rows(root, resolve, bp, rows):
        cells = [c for c in row if isinstance(c.tag, str)] or [row]
        # the title is the longest cell that is not a date
        cell = max(cells, key=lambda c: (not find_dates(text_content(c)), len(text_content(c))))
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
    return [
        ListItem(t, ti, d, i, _date_from(d, by_url))
        for i, (_, t, ti, d, by_url) in enumerate(items)
    ]


def _date_from(day: date | None, by_url: bool) -> str | None:
    if day is None:
        return None
    return DATED_BY_URL if by_url else DATED_BY_LIST
