"""The publication date a page states (labelled, in a meta tag, under the heading); other dates
keep their own label (成文, 通过, 施行).
"""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

from govaudit.crawler.extract.dates import TEXT_DATE, parse_date, url_date
from govaudit.crawler.extract.metadata import cjk_before
from govaudit.crawler.extract.text import collapse, text_content

# ----- publication date -----

# 发表时间 (中国文明网's sites, news CMSs) is the same date under another verb.
_PUB_LABELS = re.compile(
    r"发\s*布\s*时\s*间|发\s*布\s*日\s*期|公\s*开\s*日\s*期|公\s*开\s*时\s*间"
    r"|发\s*表\s*时\s*间|发\s*表\s*日\s*期"
)
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
        if cjk_before(visible, found.start()):
            continue
        rest = visible[found.end() : found.end() + 40]
        lead = _AFTER_LABEL.match(rest)
        rest = rest[lead.end() :] if lead else rest
        if TEXT_DATE.match(rest):
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


def published_date(
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
        ("heading", lambda: _date_under_heading(root, visible)),
        ("meta", lambda: _meta_tag_date(root)),
        ("url", lambda: url_date(url)),
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
    """A bare date on a short line right under the title (`标题` / `2021-08-12 来源：…`)."""
    heading = title_heading(root).replace(" ", "")
    if not heading:
        return None
    lines = visible.split("\n")
    for i in range(len(lines)):
        for span in (1, 2, 3):  # a title broken by <br> runs over several lines
            if "".join(lines[i : i + span]).replace(" ", "") == heading:
                for near in lines[i + span : i + span + 3]:
                    if len(near) <= 80 and parse_date(near) and not _OTHER_DATE_LABEL.search(near):
                        return parse_date(near)
                return None
    return None


def title_heading(root: etree._Element) -> str:
    """The article's title as shown: its h1, else (Ucap and other templates) the first h2 that
    repeats the page's <title> (a sidebar's 通知公告 h2 does not)."""
    heading = next((collapse(text_content(h)) for h in root.iter("h1")), "")
    if heading:
        return heading
    title = collapse("".join(t.text or "" for t in root.iter("title"))).replace(" ", "")
    for h in root.iter("h2"):
        text = collapse(text_content(h))
        if len(text) >= 8 and text.replace(" ", "")[:8] in title:
            return text
    return _block_repeating_title(root, title)


# Text nodes of the body outside links, scripts and styles: where a title written in a plain
# block (湖北日报's div.news-title) stands.
_BODY_TEXTS = etree.XPath(
    "//body//text()[not(ancestor::a)][not(ancestor::script)][not(ancestor::style)]"
    "[string-length(normalize-space(.)) >= 8]",
    smart_strings=False,
)


def _block_repeating_title(root: etree._Element, title: str) -> str:
    """The first block of the body that is the <title> as shown, or its first part (the site's
    name follows it there): a heading no h1/h2 marks."""
    if len(title) < 8:
        return ""
    for text in _BODY_TEXTS(root):
        shown = collapse(text)
        if title.startswith(shown.replace(" ", "")):
            return shown
    return ""
