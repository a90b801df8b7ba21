"""The 政府信息公开工作年度报告: published by its deadline, with the six sections of 条例第五十条."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from govaudit.checks.overdue_publication.settings import CHECK, RULE_ANNUAL, RULE_SECTIONS, Settings
from govaudit.checks.overdue_publication.site import (
    ANNUAL_TITLE,
    ATTACHMENT,
    CN_DIGIT_TABLE,
    CN_YEAR,
    YEAR,
    Site,
    published_on,
    title_column,
)
from govaudit.core.model import DATED_BY_URL, Finding, ListItem, PageRecord, fingerprint

# -- 政府信息公开工作年度报告 -------------------------------------------------------------------


def annual_report_findings(site: Site, settings: Settings, as_of: date) -> Iterator[Finding]:
    """The previous year's report once this year's deadline has passed (条例第四十九、五十条)."""
    month, day = settings.annual_deadline
    if as_of <= date(as_of.year, month, day):
        return
    year = as_of.year - 1
    deadline = date(year + 1, month, day)
    rule = RULE_ANNUAL.format(m=month, d=day)
    pages = [p for p in site.pages if _report_year(p.title, settings) == year]
    items = site.view.list_items() if site.view is not None else ()
    listed = [(u, i) for u, i in items if _report_year(i.title, settings) == year]
    for _, item in listed:
        page = site.by_url.get(item.url)
        if page is not None and page not in pages:
            pages.append(page)
    if not pages and not listed:
        listed = _linked_reports(site, year, settings)
        pages = [p for _, i in listed if (p := site.by_url.get(i.url)) is not None]
    if not any(p.kind in ("list", "document", "article") for p in site.pages):
        return  # nothing but the homepage was read: absence proves nothing
    if not pages and not listed:
        missing = _annual_report_missing(site, year, deadline, rule, settings)
        if missing is not None:
            yield missing
        return
    dates = [d for d in (_stated_on(p) for p in pages) if d] or [
        i.date for _, i in listed if i.date and i.date_from != DATED_BY_URL
    ]
    published = min(dates) if dates else None
    where = (pages[0].final_url or pages[0].url) if pages else listed[0][0]
    if published is None:
        yield _annual_report_undated(site, pages, where, year, deadline, rule, settings)
    elif published > deadline:
        yield Finding(
            id=fingerprint(CHECK, where, "annual_report"),
            check=CHECK,
            severity=settings.severity["overdue"],
            page_url=where,
            title=f"{year}年政府信息公开工作年度报告超期公布：{published}发布，应于{deadline}前公布",
            details={
                "issued": None,
                "published": published,
                "deadline": deadline,
                "rule": rule,
                "rule_key": "annual_report",
                "days_late": (published - deadline).days,
                "approximate": False,
                "year": year,
            },
            column=site.column(pages[0]) if pages else _annual_column(site),
        )
    found = _annual_report_sections(site, pages, year, published, settings)
    if found is not None:
        yield found


def _stated_on(page: PageRecord) -> date | None:
    """The 发布日期 the report's page states (a label, a meta tag, the line under its title).
    A date read off its URL alone orders pages but proves no publication day."""
    if page.published_from == DATED_BY_URL:
        return None
    return published_on(page)


def _annual_report_undated(
    site: Site,
    pages: list[PageRecord],
    where: str,
    year: int,
    deadline: date,
    rule: str,
    settings: Settings,
) -> Finding:
    """The report is there, but neither its page nor a list states when it was published:
    whether it came in time is 无法判定 (a person opens it), never 合格 by silence."""
    reason = "页面和列表均未注明发布日期"
    return Finding(
        id=fingerprint(CHECK, where, "annual_report"),
        check=CHECK,
        severity=settings.severity["date_missing"],
        page_url=where,
        title=f"{year}年政府信息公开工作年度报告是否按时公布无法判定：{reason}"
        f"（应于{deadline}前公布），请人工核实",
        details={
            "issued": None,
            "published": None,
            "deadline": deadline,
            "rule": rule,
            "rule_key": "annual_report",
            "approximate": False,
            "year": year,
            "needs_review": True,
            "reason": reason,
        },
        column=site.column(pages[0]) if pages else _annual_column(site),
    )


def _linked_reports(site: Site, year: int, settings: Settings) -> list[tuple[str, ListItem]]:
    """Links named after the report (a navigation entry, a report kept on another host)."""
    if site.view is None:
        return []
    # `_report_year` needs 政府信息公开/政务公开 and 年度报告/年报 in the text, spaces aside:
    # SQL keeps the few anchors that have the characters in that order before the regex runs.
    return [
        (source, ListItem(link.target, link.text, None, 0))
        for source, link in site.view.links(anchor_like=("%公%开%", "%年%报%"))
        if _report_year(link.text, settings) == year
    ]


def _report_year(title: str, settings: Settings) -> int | None:
    """The year a 政府信息公开工作年度报告 title reports on (2023年, 2023年度, 二〇二三年), else None."""
    if "开" not in title or "报" not in title:
        return None  # cheap: 84k list items and pages are asked; every report title has both
    text = re.sub(r"\s+", "", title)
    report = ANNUAL_TITLE.search(text)
    if report is None or any(w in text for w in settings.annual_exclude):
        return None
    years = [(m.start(), int(m[1])) for m in YEAR.finditer(text)]
    years += [(m.start(), int(m[1].translate(CN_DIGIT_TABLE))) for m in CN_YEAR.finditer(text)]
    years += [(m.start(), int(m[1])) for m in re.finditer(r"[（(]((?:19|20)\d{2})[)）]", text)]
    if not years:
        return None
    before = [y for y in sorted(years) if y[0] < report.start()]
    return before[-1][1] if before else sorted(years)[0][1]


def _annual_column(site: Site) -> str | None:
    page = _annual_home(site)
    if page is None:
        return None
    return site.column(page) or title_column(page)


def _annual_home(site: Site) -> PageRecord | None:
    """Where a missing report is reported: the 年报 column, the 信息公开 section, the homepage."""

    def named(page: PageRecord, words: tuple[str, ...]) -> bool:
        names = [*page.breadcrumb[-1:], page.title]
        return any(w in n for w in words for n in names)

    for column in site.columns:
        if any(w in column.name for w in ("年报", "年度报告")) and column.url in site.by_url:
            return site.by_url[column.url]
    lists = [p for p in site.pages if p.kind in ("list", "other", "home")]
    for words in (("年报", "年度报告"), ("政府信息公开", "信息公开", "政务公开")):
        found = [p for p in lists if named(p, words) and p.kind != "home"]
        if found:
            return min(found, key=lambda p: (p.kind != "list", p.depth, len(p.url)))
    homes = [p for p in site.pages if p.kind == "home"] or sorted(site.pages, key=lambda p: p.depth)
    return homes[0] if homes else None


def _annual_report_missing(
    site: Site, year: int, deadline: date, rule: str, settings: Settings
) -> Finding | None:
    page = _annual_home(site)
    if page is None:
        return None
    return Finding(
        id=fingerprint(CHECK, "annual_report_missing", year),
        check=CHECK,
        severity=settings.severity["annual_report_missing"],
        page_url=page.final_url or page.url,
        title=f"未找到{year}年政府信息公开工作年度报告（应于{deadline}前公布）"
        + ("；本次抓取未覆盖全站，请人工核实" if site.skipped else ""),
        details={
            "crawl_complete": not site.skipped,
            "issued": None,
            "published": None,
            "deadline": deadline,
            "rule": rule,
            "rule_key": "annual_report",
            "approximate": False,
            "year": year,
        },
        column=site.column(page) or title_column(page),
    )


def _annual_report_sections(
    site: Site, pages: list[PageRecord], year: int, published: date | None, settings: Settings
) -> Finding | None:
    """The six sections of 条例第五十条, on the report's HTML page (an attachment can't be read)."""
    html = [p for p in pages if p.kind not in ("resource", "list", "home")]
    if not html:
        return None
    site.load_links({p.url for p in html})
    site.load_texts(html)

    def missing(page: PageRecord) -> list[str]:
        text = re.sub(r"\s+", "", site.text(page))
        return [name for name, p in settings.sections.items() if not p.search(text)]

    page, gaps = min(((p, missing(p)) for p in html), key=lambda pair: len(pair[1]))
    if not gaps:
        return None
    attachments = any(
        ATTACHMENT.search(link.target) or link.tag in ("iframe", "embed", "object")
        for link in site.links_from.get(page.url, ())
    )
    if len(gaps) == len(settings.sections) and attachments:
        return None  # the report is the attachment; its sections are not on the page
    url = page.final_url or page.url
    return Finding(
        id=fingerprint("annual_report_incomplete", url, year),
        check="annual_report_incomplete",
        severity=settings.severity["annual_report_incomplete"],
        page_url=url,
        title=f"{year}年政府信息公开工作年度报告缺少法定内容：{'、'.join(gaps)}",
        details={
            "year": year,
            "missing_sections": gaps,
            "published": published,
            "rule": RULE_SECTIONS,
        },
        column=site.column(page),
    )
