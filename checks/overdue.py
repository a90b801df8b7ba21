"""Overdue publications: documents, the annual report and policy interpretations published late.

Inspectors read the dates on the document pages themselves (成文日期/印发日期 against 发布日期), so
this check does too, from the metadata the crawler recorded. Rules (all thresholds in DEFAULTS):

- 规范性文件: within `normative_days` calendar days of 印发 (the bureau's own rule; no national
  source was found for it, see research/domain-rules.md §16). A document is a 规范性文件 when its
  是否规范性文件 field says so, when its column says so, or when its 文号 has a 规范性文件 form.
- other 主动公开 documents: within `active_workdays` working days of 成文 (《政府信息公开条例》
  第二十六条), counted on the official calendar (govaudit.core.workdays).
- 政府信息公开工作年度报告: the previous year's report by `annual_report_deadline` (条例第四十九条),
  with the six sections of 第五十条 (`annual_report_sections`, tolerant patterns).
- 政策解读: published with its policy (同步发布: 国办发〔2016〕80号, the 实施细则 of 《关于全面推进
  政务公开工作的意见》); `interpretation_workdays` working days are allowed by a local rule
  (`interpretation_local_rule` names it, e.g. 郑州's 3 working days; 0 means the national rule
  alone). The finding says how the 解读 was paired with its policy (`paired_by`: 文号, 标题, 链接).
- data quality: a document page without any 发布日期 (`publication_date_missing`), or published
  before it was written (`publication_date_invalid`), is reported, never silently skipped.

Settings: `[checks.overdue_publication]` with the keys of DEFAULTS; `severity` maps each kind of
finding to critical/major/minor.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from govaudit.core.columns import (
    HOMEPAGE,
    Column,
    detect_columns,
    listing_pages,
    site_column_of,
)
from govaudit.core.config import ConfigError, compile_pattern
from govaudit.core.model import SEVERITIES, Finding, Link, ListItem, PageRecord, fingerprint
from govaudit.core.store import AuditView
from govaudit.core.workdays import WorkdayResult, add_workdays, workdays_between

SECTION = "overdue_publication"
CHECK = "overdue_publication"
# Every check name this module emits (the data-quality and completeness findings are their own).
CHECKS = (CHECK, "annual_report_incomplete", "publication_date_missing", "publication_date_invalid")

DEFAULTS: dict[str, Any] = {
    # The bureau's own rule: 规范性文件 published within 7 days of 印发 (calendar days).
    "normative_days": 7,
    # 《政府信息公开条例》(2019) 第二十六条: 主动公开 information within 20 working days of 成文.
    "active_workdays": 20,
    # 国办发〔2016〕80号 同步发布; local rules (e.g. 郑州 2016) allow up to 3 working days.
    "interpretation_workdays": 3,
    # The rule that allows those days, in the finding's words (the national rule allows none).
    "interpretation_local_rule": "地方规定（如郑州市）",
    # 条例第四十九条: departments by 31 January; county-level governments' own report by 31 March.
    "annual_report": True,
    "annual_report_deadline": "01-31",
    # 条例第五十条: the six sections, as tolerant patterns matched on whitespace-free text.
    "annual_report_sections": {
        "总体情况": r"总体情况|总体概况|基本情况|概述",
        "主动公开政府信息情况": r"主动公开(?:政府)?信息|主动公开情况",
        "收到和处理政府信息公开申请情况": r"(?:收到|受理)[和及、]?(?:处理|办理)?(?:政府)?信息公开申请|依申请公开",
        "政府信息公开行政复议、行政诉讼情况": r"行政复议.{0,6}行政诉讼|复议.{0,3}诉讼",
        "存在的主要问题及改进情况": r"问题.{0,10}(?:改进|整改)|不足.{0,10}改进",
        "其他需要报告的事项": r"其他需要?报告的?事项|其他事项|其他需要说明",
    },
    # Titles that name the report but are not it (a notice asking departments to compile it).
    "annual_report_exclude_words": ["通知", "报送", "编制", "做好", "模板", "格式", "征集"],
    # 文号 forms of 规范性文件: X规〔2023〕3号, X规字〔2020〕1号, 〔2020〕X规字第1号.
    "normative_number_patterns": [
        r"规\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]",
        r"规字",
    ],
    "normative_column_words": ["规范性文件"],
    # A column of 规范性文件解读 or 规范性文件清理 results does not hold 规范性文件.
    "not_normative_column_words": ["解读", "清理"],
    "interpretation_words": ["解读"],
    # Documents of higher authorities reposted in these columns are not the site's to publish.
    "exempt_column_words": ["上级文件", "上级政策"],
    # A 公开方式 of 依申请公开/不予公开 takes the document out of the 主动公开 rules.
    "not_active_disclosure_words": ["依申请公开", "不予公开", "不公开"],
    # Judge only documents issued on or after this day (YYYY-MM-DD; "" = all).
    "issued_since": "",
    "severity": {
        "overdue": "major",
        "annual_report_missing": "major",
        "annual_report_incomplete": "major",
        "date_missing": "minor",
        "date_invalid": "major",
    },
}

_RULE_NORMATIVE = "规范性文件应于印发之日起{n}日内公开（本单位规定）"
_RULE_ACTIVE = "主动公开信息应自形成之日起{n}个工作日内公开（《政府信息公开条例》第二十六条）"
_RULE_ANNUAL = "政府信息公开工作年度报告应于每年{m}月{d}日前公布（条例第四十九条）"
_RULE_SECTIONS = "政府信息公开工作年度报告应包括条例第五十条规定的六项内容"
_RULE_INTERPRETATION = "政策解读应与政策文件同步发布（国办发〔2016〕80号）"
_RULE_INTERPRETATION_LOCAL = "；{rule}允许最迟不超过{n}个工作日"
_APPROXIMATE = "（日期超出官方节假日历覆盖的年份，按周一至周五估算）"

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_OPEN = "〔[［【(（"
_CLOSE = "〕]］】)）"
# Each other spelling of a bracket, with the one `_doc_number` writes.
_BRACKETS = [(ch, "〔") for ch in _OPEN[1:]] + [(ch, "〕") for ch in _CLOSE[1:]]
_SPACES = re.compile(r"\s+")
# The year-and-number tail of a 文号 (〔2023〕3号, 〔2020〕某规字第1号), after `_doc_number`.
_NUMBER_TAIL = re.compile(r"〔(?:19|20)\d{2}〕[^\s，。；、〔〕]{0,8}?\d{1,5}号")
_BOOK_TITLE = re.compile(r"《([^《》]{2,80})》")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_YEAR = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})\s*年")
_CN_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789")
_POLICY_TITLE_END = re.compile(r"的(?:通知|意见|办法|方案|规定|决定|公告|通告|批复)\s*$")
# A column of documents and their 解读 together ("政策文件及解读").
_MIXED_COLUMN = re.compile(r"[及与和、](?:政策)?解读$")
_ANNUAL_TITLE = re.compile(r"(?:政府信息公开|政务公开).{0,8}?(?:年度报告|年报)")
_ATTACHMENT = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|ofd|zip|rar)(?:$|\?)", re.I)
# Last breadcrumb elements that name the page, not its column.
_GENERIC_CRUMBS = {
    "正文",
    "详情",
    "内容",
    "正文内容",
    "详细内容",
    "文章",
    "当前位置",
    "阅读",
    "查看",
}
_HOME_CRUMBS = {"首页", "网站首页", "主页"}


def validate_rules(rules: dict[str, Any]) -> dict[str, Any]:
    """Fail before the crawl on settings that type checks let through (patterns, days, levels)."""
    _Settings.from_rules(rules)
    return rules


def run(view: AuditView, rules: dict[str, Any], as_of: date) -> Iterable[Finding]:
    """Every overdue-publication finding of the audit (see the module docstring for the rules)."""
    settings = _Settings.from_rules(rules)
    site = _Site.load(view)
    documents = [_document(p, site, settings) for p in site.pages if _is_document(p)]
    yield from _document_findings(documents, settings)
    yield from _interpretation_findings(site, documents, settings)
    if settings.annual_report:
        yield from _annual_report_findings(site, settings, as_of)


# -- settings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Settings:
    normative_days: int
    active_workdays: int
    interpretation_workdays: int
    interpretation_local_rule: str
    annual_report: bool
    annual_deadline: tuple[int, int]
    sections: dict[str, re.Pattern[str]]
    annual_exclude: tuple[str, ...]
    normative_numbers: tuple[re.Pattern[str], ...]
    normative_columns: tuple[str, ...]
    not_normative_columns: tuple[str, ...]
    interpretation_words: tuple[str, ...]
    exempt_columns: tuple[str, ...]
    not_active: tuple[str, ...]
    issued_since: date | None
    severity: dict[str, str]

    @classmethod
    def from_rules(cls, rules: dict[str, Any]) -> _Settings:
        where = f"checks.{SECTION}"
        for key in ("normative_days", "active_workdays", "interpretation_workdays"):
            if rules[key] < 0:
                raise ConfigError(f"{where}.{key} 应为 0 或更大")
        for kind, severity in rules["severity"].items():
            if kind not in DEFAULTS["severity"]:
                known = ", ".join(DEFAULTS["severity"])
                raise ConfigError(f"{where}.severity.{kind} 不是可用的设置（可用：{known}）")
            if severity not in SEVERITIES:
                raise ConfigError(f"{where}.severity.{kind} 应为 {', '.join(SEVERITIES)} 之一")
        month, day = _month_day(f"{where}.annual_report_deadline", rules["annual_report_deadline"])
        since = _iso_day(f"{where}.issued_since", rules["issued_since"])
        return cls(
            normative_days=rules["normative_days"],
            active_workdays=rules["active_workdays"],
            interpretation_workdays=rules["interpretation_workdays"],
            interpretation_local_rule=str(rules["interpretation_local_rule"]).strip()
            or DEFAULTS["interpretation_local_rule"],
            annual_report=rules["annual_report"],
            annual_deadline=(month, day),
            sections={
                name: compile_pattern(f"{where}.annual_report_sections.{name}", pattern)
                for name, pattern in rules["annual_report_sections"].items()
            },
            annual_exclude=tuple(rules["annual_report_exclude_words"]),
            normative_numbers=tuple(
                compile_pattern(f"{where}.normative_number_patterns", p)
                for p in rules["normative_number_patterns"]
            ),
            normative_columns=tuple(rules["normative_column_words"]),
            not_normative_columns=tuple(rules["not_normative_column_words"]),
            interpretation_words=tuple(rules["interpretation_words"]),
            exempt_columns=tuple(rules["exempt_column_words"]),
            not_active=tuple(rules["not_active_disclosure_words"]),
            issued_since=since,
            severity=dict(rules["severity"]),
        )


def _month_day(where: str, value: str) -> tuple[int, int]:
    found = re.fullmatch(r"(\d{1,2})-(\d{1,2})", value)
    try:
        date(2001, int(found[1]), int(found[2]))  # a common year: 02-29 is no yearly deadline
    except (TypeError, ValueError):
        raise ConfigError(f"{where} 应为一年中的日期 MM-DD（月-日），而不是 {value!r}") from None
    return int(found[1]), int(found[2])


def _iso_day(where: str, value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ConfigError(f"{where} 应为日期 YYYY-MM-DD，而不是 {value!r}") from None


# -- what the crawl recorded, indexed for this check -------------------------------------------


@dataclass
class _Site:
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
    def load(cls, view: AuditView) -> _Site:
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
                name = _crumb_column(list_page) or _title_column(list_page)
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
            self._names[key] = (*_crumb_names(list_page), _title_column(list_page) or "")
        return self._names[key]


def _crumb_names(page: PageRecord) -> list[str]:
    """Breadcrumb elements that name columns (not 首页, not 正文, not the page's own title)."""
    names = []
    for name in page.breadcrumb:
        name = name.strip()
        if (
            name
            and name not in _GENERIC_CRUMBS
            and name not in _HOME_CRUMBS
            and (name != page.title.strip() or page.kind in ("list", "home"))
            and len(name) <= 30  # a document title, not a column name
        ):
            names.append(name)
    return names


def _crumb_column(page: PageRecord) -> str | None:
    names = _crumb_names(page)
    return names[-1] if names else None


def _title_column(page: PageRecord) -> str | None:
    """A list page's title names its column, before the site name (`规范性文件_某某局`)."""
    head = re.split(r"\s*[_|｜—\-–]+\s*", page.title.strip(), maxsplit=1)[0]
    return head if 0 < len(head) <= 30 else None


@lru_cache(maxsize=8192)  # a site's 40,000 date fields hold a few thousand distinct days
def _day(value: str | None) -> date | None:
    found = _DATE.search(value or "")
    if not found:
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def _published(page: PageRecord) -> date | None:
    return _day(page.meta.get("发布日期")) or page.published


def _is_document(page: PageRecord) -> bool:
    return page.kind == "document" or "成文日期" in page.meta or "印发日期" in page.meta


def _doc_number(value: str) -> str:
    """A 文号 in one spelling: brackets unified, spaces removed (〔2023〕 = [2023] = （2023）)."""
    # str.replace per spelling, not str.translate: translate looks every character up in its
    # table, and a 解读's whole text is read for the 文号 it cites (four times slower).
    number = _SPACES.sub("", value)
    for other, bracket in _BRACKETS:
        number = number.replace(other, bracket)
    return number


def _short(title: str, limit: int = 40) -> str:
    title = title.strip()
    return title if len(title) <= limit else title[: limit - 1] + "…"


# -- documents: 规范性文件 and 主动公开 -----------------------------------------------------------


@dataclass(frozen=True)
class _Document:
    page: PageRecord
    url: str
    column: str | None
    written: date | None  # 成文日期
    printed: date | None  # 印发日期
    published: date | None
    number: str | None  # 文号
    normative: bool
    interpretation: bool
    exempt: bool  # not the site's own 主动公开 document: no deadline applies
    in_scope: bool  # issued on or after `issued_since`


def _document(page: PageRecord, site: _Site, settings: _Settings) -> _Document:
    meta = page.meta
    written, printed = _day(meta.get("成文日期")), _day(meta.get("印发日期"))
    names = site.column_names(page)
    number = (meta.get("文号") or "").strip() or None
    issued = printed or written
    disclosure = " ".join(v for k, v in meta.items() if "公开" in k and isinstance(v, str))
    exempt = any(w in n for w in settings.exempt_columns for n in names) or any(
        w in disclosure for w in settings.not_active
    )
    since = settings.issued_since
    return _Document(
        page=page,
        url=page.final_url or page.url,
        column=site.column(page),
        written=written,
        printed=printed,
        published=_published(page),
        number=number,
        normative=_is_normative(page, names, number, settings),
        interpretation=_is_interpretation(page, names, settings),
        exempt=exempt,
        in_scope=since is None or issued is None or issued >= since,
    )


def _is_normative(
    page: PageRecord, columns: Sequence[str], number: str | None, settings: _Settings
) -> bool:
    """By the page's own 是否规范性文件 field first (it may say 否), then by column or 文号."""
    flag = (page.meta.get("是否规范性文件") or "").strip()
    if flag.startswith(("是", "Y", "y", "规范性文件")) or flag.lower() in ("true", "1"):
        return True
    if flag.startswith(("否", "非", "不是", "N", "n")) or flag.lower() in ("false", "0"):
        return False
    if any(str(v).strip() == "规范性文件" for v in page.meta.values()):  # 文种/文件类型
        return True
    for name in columns:
        name = _MIXED_COLUMN.sub("", name)  # "规范性文件及解读" holds 规范性文件 too
        if any(w in name for w in settings.normative_columns) and not any(
            w in name for w in settings.not_normative_columns
        ):
            return True
    return bool(number) and any(p.search(number) for p in settings.normative_numbers)


def _is_interpretation(page: PageRecord, columns: Sequence[str], settings: _Settings) -> bool:
    """A 解读 by its title or column; "关于做好政策解读工作的通知" is a policy, not a 解读."""
    words = settings.interpretation_words
    if any(w in c and not _MIXED_COLUMN.search(c) for w in words for c in columns):
        return True
    return any(w in page.title for w in words) and not _POLICY_TITLE_END.search(page.title)


def _document_findings(documents: list[_Document], settings: _Settings) -> Iterator[Finding]:
    for doc in documents:
        if not doc.in_scope:
            continue
        if doc.published is None:
            yield _date_missing(doc, settings)
            continue
        written = doc.written or doc.printed
        if written is not None and doc.published < written:
            yield _date_invalid(doc, written, settings)
            continue
        if doc.exempt:
            continue
        found = (
            _normative_overdue(doc, settings) if doc.normative else _active_overdue(doc, settings)
        )
        if found is not None:
            yield found


def _normative_overdue(doc: _Document, settings: _Settings) -> Finding | None:
    issued = doc.printed or doc.written  # "印发之日起"
    if issued is None or doc.published is None:
        return None
    deadline = issued + timedelta(days=settings.normative_days)
    if doc.published <= deadline:
        return None
    late = (doc.published - deadline).days
    rule = _RULE_NORMATIVE.format(n=settings.normative_days)
    title = (
        f"规范性文件超期公开：《{_short(doc.page.title)}》{issued}印发，{doc.published}发布，"
        f"超过{settings.normative_days}日时限{late}天"
    )
    return _overdue(doc, "normative", issued, deadline, rule, title, late, None, False, settings)


@lru_cache(maxsize=8192)
def _deadline(start: date, workdays: int) -> WorkdayResult:
    """`add_workdays`, once per day: a site's thousands of documents share a few hundred 成文
    days, and each deadline is a walk of 20 working days."""
    return add_workdays(start, workdays)


def _active_overdue(doc: _Document, settings: _Settings) -> Finding | None:
    issued = doc.written or doc.printed  # "自该政府信息形成之日起"
    if issued is None or doc.published is None:
        return None
    deadline = _deadline(issued, settings.active_workdays)
    if doc.published <= deadline.date:
        return None
    late, approx_late = workdays_between(deadline.date, doc.published)
    approximate = deadline.approximate or approx_late
    rule = _RULE_ACTIVE.format(n=settings.active_workdays)
    title = (
        f"主动公开信息超期公开：《{_short(doc.page.title)}》{issued}成文，{doc.published}发布，"
        f"超过{settings.active_workdays}个工作日时限{late}个工作日"
        + (_APPROXIMATE if approximate else "")
    )
    days = (doc.published - deadline.date).days
    return _overdue(
        doc, "active", issued, deadline.date, rule, title, days, late, approximate, settings
    )


def _overdue(
    doc: _Document,
    rule_key: str,
    issued: date,
    deadline: date,
    rule: str,
    title: str,
    days_late: int,
    workdays_late: int | None,
    approximate: bool,
    settings: _Settings,
) -> Finding:
    details: dict[str, Any] = {
        "issued": issued,
        "published": doc.published,
        "deadline": deadline,
        "rule": rule,
        "rule_key": rule_key,
        "days_late": days_late,
        "approximate": approximate,
        "document_title": doc.page.title,
    }
    if workdays_late is not None:
        details["workdays_late"] = workdays_late
    if doc.number:
        details["document_number"] = doc.number
    return Finding(
        id=fingerprint(CHECK, doc.url, rule_key),
        check=CHECK,
        severity=settings.severity["overdue"],
        page_url=doc.url,
        title=title,
        details=details,
        column=doc.column,
    )


def _date_missing(doc: _Document, settings: _Settings) -> Finding:
    return Finding(
        id=fingerprint("publication_date_missing", doc.url),
        check="publication_date_missing",
        severity=settings.severity["date_missing"],
        page_url=doc.url,
        title=f"文件页未标注发布日期：《{_short(doc.page.title)}》",
        details={
            "issued": doc.written or doc.printed,
            "published": None,
            "document_title": doc.page.title,
            **({"document_number": doc.number} if doc.number else {}),
        },
        column=doc.column,
    )


def _date_invalid(doc: _Document, written: date, settings: _Settings) -> Finding:
    return Finding(
        id=fingerprint("publication_date_invalid", doc.url),
        check="publication_date_invalid",
        severity=settings.severity["date_invalid"],
        page_url=doc.url,
        title=(
            f"发布日期早于成文日期：《{_short(doc.page.title)}》{written}成文，{doc.published}发布"
        ),
        details={
            "issued": written,
            "published": doc.published,
            "document_title": doc.page.title,
            **({"document_number": doc.number} if doc.number else {}),
        },
        column=doc.column,
    )


# -- 政策解读 -----------------------------------------------------------------------------------


def _interpretation_findings(
    site: _Site, documents: list[_Document], settings: _Settings
) -> Iterator[Finding]:
    """A 解读 page paired with its policy by 文号, by title, or by a link either way."""
    policies = [d for d in documents if not d.interpretation and d.published is not None]
    readings = _interpretation_pages(site, documents, settings)
    if not policies or not readings:
        return
    policy_at = {}
    for doc in policies:
        policy_at.setdefault(doc.page.url, doc)
        policy_at.setdefault(doc.url, doc)
    by_number: dict[str, list[tuple[str, _Document]]] = defaultdict(list)
    for doc in policies:
        number = _doc_number(doc.number or "")
        tail = _NUMBER_TAIL.search(number)
        if tail:
            by_number[tail[0]].append((number, doc))
    by_name: dict[str, list[_Document]] = defaultdict(list)
    for doc in policies:
        for name in _names(doc.page.title, policy=True):
            by_name[name].append(doc)
    reading_urls = {r.url for r in readings} | {r.final_url or r.url for r in readings}
    site.load_texts(readings)
    linked: dict[str, list[_Pairing]] = defaultdict(list)
    to_policies = site.content_links({r.url for r in readings}, set(policy_at))
    for reading in readings:
        for target in to_policies.get(reading.url, ()):
            linked[reading.url].append(_Pairing(policy_at[target], "链接", "解读页链接到政策文件"))
    aliases = {u for u, page in site.by_url.items() if page.url in reading_urls}
    to_readings = site.content_links({d.page.url for d in policies}, aliases)
    for doc in policies:  # a policy page's 相关解读 link
        for target in to_readings.get(doc.page.url, ()):
            linked[site.by_url[target].url].append(_Pairing(doc, "链接", "政策文件页链接到解读"))
    for reading in readings:
        named = _named_policies(reading, site.text(reading), by_number, by_name)
        candidates = [
            p for p in named or linked.get(reading.url, []) if p.policy.url != reading.url
        ]
        if candidates:
            found = _late_interpretation(reading, site, candidates, settings)
            if found is not None:
                yield found


def _interpretation_pages(
    site: _Site, documents: list[_Document], settings: _Settings
) -> list[PageRecord]:
    readings = [d.page for d in documents if d.interpretation]
    seen = {p.url for p in readings}
    for page in site.pages:
        if (
            page.url in seen
            or page.kind in ("home", "list", "resource")
            or _published(page) is None
        ):
            continue
        if _is_interpretation(page, site.column_names(page), settings):
            readings.append(page)
    return readings


def _names(title: str, policy: bool = False) -> set[str]:
    """The names a title gives a policy: its 《…》 parts and the title without its frame."""
    parts = [m for m in _BOOK_TITLE.findall(title)]
    if policy or not parts:
        parts.append(title)
    return {n for n in (_bare_name(p) for p in parts) if len(n) >= 4}


# What `_bare_name` strips from a title, in this order (compiled once: every document's title
# and every 解读's are named).
_NAME_FRAME = [
    re.compile(r"[\s《》“”\"'「」]"),
    re.compile(r"^(?:关于印发|关于转发|关于|印发|转发)"),
    re.compile(r"(?:的)?(?:政策)?(?:解读|图解|问答)(?:材料)?$"),
    re.compile(r"[（(]?(?:政策)?解读[)）]?"),
    re.compile(r"的(?:通知|意见|决定|公告|通告|批复|函|通报)$"),
]


def _bare_name(text: str) -> str:
    for frame in _NAME_FRAME:
        text = frame.sub("", text)
    return text


@dataclass(frozen=True)
class _Pairing:
    """A policy a 解读 explains, and how the two were paired: the staff check the pairing
    before they accept the delay (a 解读 of the 2023 version paired with the 2024 one)."""

    policy: _Document
    by: str  # 文号, 标题, 链接
    on: str  # the 文号, the policy's name, or which page links to which


def _named_policies(
    reading: PageRecord,
    text: str,
    by_number: dict[str, list[tuple[str, _Document]]],
    by_name: dict[str, list[_Document]],
) -> list[_Pairing]:
    found: list[_Pairing] = []
    body = _doc_number(f"{reading.title} {text}")
    own = _doc_number(reading.meta.get("文号") or "")
    for match in _NUMBER_TAIL.finditer(body):
        for known, doc in by_number.get(match[0], ()):
            # The text may run on before the 文号 ("印发某某人社规〔2023〕3号"): compare its head.
            head = known[: -len(match[0])]
            if known != own and body[: match.start()].endswith(head):
                found.append(_Pairing(doc, "文号", doc.number or known))
    for name in _names(reading.title):
        found.extend(_Pairing(doc, "标题", name) for doc in by_name.get(name, ()))
    return found


def _late_interpretation(
    reading: PageRecord, site: _Site, candidates: list[_Pairing], settings: _Settings
) -> Finding | None:
    # Of several candidates (a 相关文件 sidebar), the most recent is the kindest reading; of
    # its pairings the first found (文号 before 标题 before 链接) is the one named.
    pairing = max(candidates, key=lambda p: p.policy.published or date.min)
    policy = pairing.policy
    published = _published(reading)
    if policy.published is None or published is None:
        return None
    deadline = _deadline(policy.published, settings.interpretation_workdays)
    if published <= deadline.date:
        return None
    late, approx_late = workdays_between(deadline.date, published)
    approximate = deadline.approximate or approx_late
    url = reading.final_url or reading.url
    return Finding(
        id=fingerprint(CHECK, url, "interpretation"),
        check=CHECK,
        severity=settings.severity["overdue"],
        page_url=url,
        title=(
            f"政策解读未与政策同步发布：《{_short(reading.title)}》{published}发布，"
            + (
                f"所解读的政策{policy.published}发布，超过{settings.interpretation_workdays}个工作日"
                if settings.interpretation_workdays
                else f"晚于所解读的政策（{policy.published}发布）"
            )
            + f"（按{pairing.by}配对）"
            + (_APPROXIMATE if approximate else "")
        ),
        details={
            "issued": policy.published,  # the clock starts when the policy is published
            "published": published,
            "deadline": deadline.date,
            "rule": _interpretation_rule(settings),
            "rule_key": "interpretation",
            "rule_source": "国办发〔2016〕80号",
            **(
                {"local_rule": settings.interpretation_local_rule}
                if settings.interpretation_workdays
                else {}
            ),
            "paired_by": pairing.by,
            "paired_on": pairing.on,
            "days_late": (published - deadline.date).days,
            "workdays_late": late,
            "approximate": approximate,
            "document_title": reading.title,
            "policy_url": policy.url,
            "policy_title": policy.page.title,
            **({"document_number": policy.number} if policy.number else {}),
        },
        column=site.column(reading),
    )


def _interpretation_rule(settings: _Settings) -> str:
    """The rule in words: the national one, and the local allowance when there is one."""
    n = settings.interpretation_workdays
    local = _RULE_INTERPRETATION_LOCAL.format(rule=settings.interpretation_local_rule, n=n)
    return _RULE_INTERPRETATION + (local if n else "")


# -- 政府信息公开工作年度报告 -------------------------------------------------------------------


def _annual_report_findings(site: _Site, settings: _Settings, as_of: date) -> Iterator[Finding]:
    """The previous year's report once this year's deadline has passed (条例第四十九、五十条)."""
    month, day = settings.annual_deadline
    if as_of <= date(as_of.year, month, day):
        return
    year = as_of.year - 1
    deadline = date(year + 1, month, day)
    rule = _RULE_ANNUAL.format(m=month, d=day)
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
    dates = [d for d in (_published(p) for p in pages) if d] or [
        i.date for _, i in listed if i.date
    ]
    published = min(dates) if dates else None
    where = (pages[0].final_url or pages[0].url) if pages else listed[0][0]
    if published is not None and published > deadline:
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


def _linked_reports(site: _Site, year: int, settings: _Settings) -> list[tuple[str, ListItem]]:
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


def _report_year(title: str, settings: _Settings) -> int | None:
    """The year a 政府信息公开工作年度报告 title reports on (2023年, 2023年度, 二〇二三年), else None."""
    if "开" not in title or "报" not in title:
        return None  # cheap: 84k list items and pages are asked; every report title has both
    text = re.sub(r"\s+", "", title)
    report = _ANNUAL_TITLE.search(text)
    if report is None or any(w in text for w in settings.annual_exclude):
        return None
    years = [(m.start(), int(m[1])) for m in _YEAR.finditer(text)]
    years += [(m.start(), int(m[1].translate(_CN_DIGITS))) for m in _CN_YEAR.finditer(text)]
    years += [(m.start(), int(m[1])) for m in re.finditer(r"[（(]((?:19|20)\d{2})[)）]", text)]
    if not years:
        return None
    before = [y for y in sorted(years) if y[0] < report.start()]
    return before[-1][1] if before else sorted(years)[0][1]


def _annual_column(site: _Site) -> str | None:
    page = _annual_home(site)
    if page is None:
        return None
    return site.column(page) or _title_column(page)


def _annual_home(site: _Site) -> PageRecord | None:
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
    site: _Site, year: int, deadline: date, rule: str, settings: _Settings
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
        column=site.column(page) or _title_column(page),
    )


def _annual_report_sections(
    site: _Site, pages: list[PageRecord], year: int, published: date | None, settings: _Settings
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
        _ATTACHMENT.search(link.target) or link.tag in ("iframe", "embed", "object")
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
            "rule": _RULE_SECTIONS,
        },
        column=site.column(page),
    )
