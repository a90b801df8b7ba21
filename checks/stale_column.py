"""Columns and a homepage that are not updated (栏目不更新, 首页不更新), empty columns (空白栏目),
undated list items and list dates that differ from the item's own page (伪造发稿日期 evidence).

Yields `stale_column`, `empty_column`, `undecidable_column` (a list only a script fills that
neither a CMS adapter nor the browser could read: 无法判定, never empty), `undated_item` and
`date_mismatch` findings. A column's last
update is the newest item date over all its list pages, so a pinned old item on top or an
oldest-first order cannot hide a recent one. Settings (`[checks.stale_column]`): `thresholds` per
category (days), `severity` per category and per finding kind, `category_keywords`,
`mismatch_tolerance_days`, and `columns`: the profile's `[[checks.stale_column.columns]]` tables
(`url`, `name`, `threshold_days`, `category`, `exclude`) that name, add or exclude columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from govaudit.core.columns import (
    CATEGORY_KEYWORDS,
    HOMEPAGE,
    OTHER,
    Column,
    detect_columns,
    listing_pages,
)
from govaudit.core.config import ConfigError
from govaudit.core.homepage import homepage_items
from govaudit.core.model import DATED_BY_LIST, SEVERITIES, Finding, ListItem, fingerprint
from govaudit.core.store import AuditView

SECTION = "stale_column"
UNDECIDABLE = "undecidable_column"
UNDECIDABLE_REASON = "列表由脚本生成且无法读取"

DEFAULTS: dict[str, Any] = {
    # 国办秘函〔2019〕19号: homepage and 动态、要闻类 columns 2 weeks (veto), 通知公告、政策文件类
    # 6 months; 人事、规划计划类 1 year (2015 indicators, kept by monitoring platforms); others are
    # the bureau's choice, 1 year by default.
    "thresholds": {
        HOMEPAGE: 14,
        "动态要闻": 14,
        "通知公告政策文件": 180,
        "人事规划计划": 365,
        OTHER: 365,
    },
    # The single-veto cases (首页、动态要闻 over 2 weeks, 空白栏目) are critical; the rest are
    # deduction items. A faked date is a veto item, but a mismatch alone is evidence to review.
    "severity": {
        HOMEPAGE: "critical",
        "动态要闻": "critical",
        "通知公告政策文件": "major",
        "人事规划计划": "major",
        OTHER: "major",
        "empty_column": "critical",
        # A list a page script fills (ajax, a JSON API, a Vue mount) that neither a CMS adapter
        # nor the browser could read (crawler/adapters.py, crawler/render.py): 无法判定, 提示.
        UNDECIDABLE: "minor",
        "undated_item": "major",
        "date_mismatch": "major",
    },
    "category_keywords": {k: list(v) for k, v in CATEGORY_KEYWORDS.items()},
    # A list date that differs from the page's 发布日期 by more days than this is a mismatch.
    "mismatch_tolerance_days": 0,
    "columns": [],
}

_OVERRIDE_KEYS = {"url": str, "name": str, "threshold_days": int, "category": str, "exclude": bool}
_TYPE_WORDS = {int: "整数", str: "字符串", bool: "布尔值（true 或 false）"}


def validate_rules(rules: dict[str, Any]) -> dict[str, Any]:
    """Checks `check_rules` cannot make on its own: column tables, severities, categories."""
    where = f"checks.{SECTION}"
    # A misspelt category (动态新闻 for 动态要闻) would silently keep the default threshold.
    known = {*DEFAULTS["thresholds"], *rules["category_keywords"]}
    for table, also in (("thresholds", ()), ("severity", DEFAULTS["severity"])):
        for key in rules[table]:
            if key not in known and key not in also:
                names = "、".join(sorted(known - {HOMEPAGE, OTHER}))
                raise ConfigError(
                    f"{where}.{table}.{key} 不是栏目类别（可用：{HOMEPAGE}、{names}、{OTHER}；"
                    "新类别须先在 category_keywords 中定义）"
                )
    for key, value in rules["severity"].items():
        if value not in SEVERITIES:
            raise ConfigError(f"{where}.severity.{key} 应为 {', '.join(SEVERITIES)} 之一")
    for key, value in rules["thresholds"].items():
        if value < 0:
            raise ConfigError(f"{where}.thresholds.{key} 应为 0 天或更多")
    for key, value in rules["category_keywords"].items():
        if not all(isinstance(w, str) for w in value):
            raise ConfigError(f"{where}.category_keywords.{key} 应为字符串列表")
    if rules["mismatch_tolerance_days"] < 0:
        raise ConfigError(f"{where}.mismatch_tolerance_days 应为 0 或更大")
    categories = set(rules["thresholds"])
    for i, column in enumerate(rules["columns"]):
        _validate_override(f"{where}.columns[{i}]", column, categories)
    return rules


def _validate_override(where: str, column: Any, categories: set[str]) -> None:
    if not isinstance(column, dict):
        raise ConfigError(f"{where} 应为含 url 的表")
    for key, value in column.items():
        kind = _OVERRIDE_KEYS.get(key)
        if kind is None:
            known = ", ".join(sorted(_OVERRIDE_KEYS))
            raise ConfigError(f"{where}.{key} 不是可用的设置（可用：{known}）")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(f"{where}.{key} 应为{_TYPE_WORDS[kind]}")
    url = column.get("url")
    if not url or urlsplit(url).scheme not in ("http", "https"):
        raise ConfigError(f"{where}.url 应为 http(s) 地址（栏目列表页或地址前缀）")
    if column.get("threshold_days", 0) < 0:
        raise ConfigError(f"{where}.threshold_days 应为 0 天或更多")
    if "category" in column and column["category"] not in categories:
        raise ConfigError(f"{where}.category 应为 {'、'.join(sorted(categories))} 之一")


def run(view: AuditView, rules: dict[str, Any], as_of: date) -> Iterator[Finding]:
    rules = validate_rules(rules)
    columns = detect_columns(view, rules["columns"], rules["category_keywords"])
    yield from _homepage(view, rules, as_of)
    # Item URL → the list pages that show it: a finding points at the page a person opens.
    item_pages = listing_pages(view)
    seen_items: set[str] = set()
    # What each column's first page was judged a list on (the crawler's evidence): a 空白栏目
    # or a stale column can be explained, and a wrong one seen as wrong.
    firsts = [column.url for column in columns]
    evidence = {p.url: p.kind_evidence for p in view.pages(urls=firsts, with_text=False)}
    for column in columns:
        yield from _column_findings(column, rules, as_of, evidence.get(column.url, ()))
        yield from _undated_items(column, rules, seen_items, item_pages)
    yield from _date_mismatches(view, columns, rules, item_pages)


# -- homepage ----------------------------------------------------------------------------------


def _homepage(view: AuditView, rules: dict[str, Any], as_of: date) -> Iterator[Finding]:
    homes = [
        p for p in view.pages(kind="home", with_text=False) if p.status and 200 <= p.status < 300
    ]
    if not homes:
        return
    home_urls = [h.url for h in homes]
    items = {url: homepage_items(view, url) for url in home_urls}  # frames included
    links: dict[str, list[str]] = {}
    for source, link in view.links(sources=home_urls):
        links.setdefault(source, []).append(link.target)
    threshold = rules["thresholds"][HOMEPAGE]
    for home in homes:
        dated = [(i.date, i.url) for i in items.get(home.url, []) if i.date]
        if not dated:
            # A homepage made of blocks the crawler did not read as lists: the pages it links to.
            for target in dict.fromkeys(links.get(home.url, [])):
                page = view.page(target)
                if page is not None and page.published and page.url != home.url:
                    dated.append((page.published, page.url))
        if not dated and not items.get(home.url):
            continue  # nothing on it that could carry a date: not a news homepage
        newest, newest_url = newest_dated(dated, as_of)
        days = (as_of - newest).days if newest else None
        if days is not None and days <= threshold:
            continue
        yield _stale_finding(
            column_name=HOMEPAGE,
            category=HOMEPAGE,
            url=home.url,
            newest=newest,
            newest_url=newest_url,
            days=days,
            threshold=threshold,
            severity=rules["severity"][HOMEPAGE],
        )


# -- columns -----------------------------------------------------------------------------------


def newest_dated(dated: Iterable[tuple[date, str]], as_of: date) -> tuple[date | None, str | None]:
    """The newest (date, URL) up to `as_of`, the first listed of its day."""
    # A date after as_of is a typo or a faked date; it must not make a column look fresh.
    newest: tuple[date | None, str | None] = (None, None)
    for day, url in dated:
        if day <= as_of and (newest[0] is None or day > newest[0]):
            newest = (day, url)
    return newest


def threshold_days(column: Column, rules: dict[str, Any]) -> int:
    if column.threshold_days is not None:
        return column.threshold_days
    thresholds = rules["thresholds"]
    return thresholds.get(column.category, thresholds[OTHER])


def _severity(rules: dict[str, Any], key: str) -> str:
    return rules["severity"].get(key, rules["severity"][OTHER])


def _column_findings(
    column: Column, rules: dict[str, Any], as_of: date, evidence: tuple[str, ...] = ()
) -> Iterator[Finding]:
    threshold = threshold_days(column, rules)
    if not column.items or column.placeholder:
        details: dict[str, Any] = {
            "column": column.name,
            "last_updated": None,
            "threshold_days": threshold,
            "category": column.category,
            "days": None,
            "newest_item_url": None,
            "placeholder": column.placeholder,
        }
        if evidence:
            details["evidence"] = list(evidence)
        if column.loaded_by_script and not column.items:
            # A false 空白栏目 is a single veto: a list neither an adapter nor the browser could
            # read is 无法判定 (a person opens it), never empty and never stale.
            yield Finding(
                id=fingerprint(UNDECIDABLE, column.url),
                check=UNDECIDABLE,
                severity=_severity(rules, UNDECIDABLE),
                page_url=column.url,
                title=f"栏目无法判定：{column.name}（{UNDECIDABLE_REASON}，请人工核实）",
                details={
                    **details,
                    "reason": UNDECIDABLE_REASON,
                    "needs_review": True,
                    "loaded_by_script": True,
                    "browser": column.rendered,
                },
                column=column.name,
            )
            return
        yield Finding(
            id=fingerprint("empty_column", column.url),
            check="empty_column",
            severity=_severity(rules, "empty_column"),
            page_url=column.url,
            title=f"空白栏目：{column.name}（栏目下没有任何信息）",
            details=details,
            column=column.name,
        )
        return
    newest, newest_url = newest_dated(((i.date, i.url) for i in column.items if i.date), as_of)
    days = (as_of - newest).days if newest else None
    if days is not None and days <= threshold:
        return
    yield _stale_finding(
        column_name=column.name,
        category=column.category,
        url=column.url,
        newest=newest,
        newest_url=newest_url,
        days=days,
        threshold=threshold,
        severity=_severity(rules, column.category),
        evidence=evidence,
    )


def _stale_finding(
    *,
    column_name: str,
    category: str,
    url: str,
    newest: date | None,
    newest_url: str | None,
    days: int | None,
    threshold: int,
    severity: str,
    evidence: tuple[str, ...] = (),
) -> Finding:
    what = "首页不更新" if category == HOMEPAGE else f"栏目不更新：{column_name}"
    if newest is None:
        title = f"{what}（信息均未注明发布日期，视为未更新）"
    else:
        title = (
            f"{what}（最新信息 {newest.isoformat()}，已 {days} 天未更新，要求 {threshold} 天内）"
        )
    return Finding(
        id=fingerprint("stale_column", url),
        check="stale_column",
        severity=severity,
        page_url=url,
        title=title,
        details={
            "column": column_name,
            "last_updated": newest,
            "threshold_days": threshold,
            "category": category,
            "days": days,
            "newest_item_url": newest_url,
            **({"evidence": list(evidence)} if evidence else {}),
        },
        column=column_name,
    )


# -- items -------------------------------------------------------------------------------------


def _undated_items(
    column: Column, rules: dict[str, Any], seen: set[str], item_pages: dict[str, tuple[str, ...]]
) -> Iterator[Finding]:
    """Undated items count as not updated; reported only where the column's other items carry
    dates (a column with none is already one stale finding)."""
    if not any(i.date for i in column.items):
        return
    places = _places(column)
    for item in column.items:
        if item.date or item.url in seen or item.url in places:
            continue
        seen.add(item.url)
        label = item.title or item.url
        yield Finding(
            id=fingerprint("undated_item", item.url),
            check="undated_item",
            severity=_severity(rules, "undated_item"),
            page_url=_shown_on(column, places, item_pages.get(item.url, ())),
            title=f"信息未注明发布日期：{label}（{column.name}）",
            details={"item_url": item.url, "item_title": item.title},
            column=column.name,
        )


def _places(column: Column) -> dict[str, int]:
    """Each list page of the column by its place in the column (the first page first)."""
    places: dict[str, int] = {}
    for place, url in enumerate(column.pages):
        places.setdefault(url, place)
    return places


def _shown_on(column: Column, places: dict[str, int], shown_on: Iterable[str]) -> str:
    """Of the list pages that show an item, the column's first (else the column's own URL).
    By the places of those few pages, not a walk of a column of hundreds of pages per item."""
    found = [places[url] for url in shown_on if url in places]
    return column.pages[min(found)] if found else column.url


def _date_mismatches(
    view: AuditView,
    columns: list[Column],
    rules: dict[str, Any],
    item_pages: dict[str, tuple[str, ...]],
) -> Iterator[Finding]:
    tolerance = rules["mismatch_tolerance_days"]
    seen: set[str] = set()
    homes = [p.url for p in view.pages(kind="home", with_text=False)]
    on_homes = list(view.list_items(pages=homes))
    dated = {i.url for _, _, i in _listed(columns, on_homes) if i.date is not None}
    recorded = {p.url: p for p in view.pages(urls=dated, with_text=False)}
    places: dict[str, dict[str, int]] = {}  # by column URL, made for the columns with a finding
    for column, list_page, item in _listed(columns, on_homes):
        # Both dates read: the one the list states and the one the article page states. A
        # date taken from a URL alone, on either side, proves nothing (the page may say
        # otherwise, or nothing); it only orders pages.
        if item.date is None or item.date_from != DATED_BY_LIST or item.url in seen:
            continue
        page = recorded.get(item.url)
        if page is None or page.published is None or page.published_from == "url":
            continue
        seen.add(item.url)
        if abs((item.date - page.published).days) <= tolerance:
            continue
        # Lists of 信息公开目录 often show the 成文日期: a date the page states is no mismatch.
        if item.date.isoformat() in page.meta.values():
            continue
        if column is not None:  # the column's page that shows the item, not its first page
            if column.url not in places:
                places[column.url] = _places(column)
            list_page = _shown_on(column, places[column.url], item_pages.get(item.url, ()))
        name = column.name if column is not None else HOMEPAGE
        yield _mismatch(item, page.published, list_page, name, rules)


def _listed(
    columns: list[Column], on_homes: list[tuple[str, ListItem]]
) -> Iterator[tuple[Column | None, str, ListItem]]:
    """(column, its URL, item) of every column's item, then (None, page, item) of the
    homepage's: walked as needed, never kept (a site lists tens of thousands)."""
    for column in columns:
        for item in column.items:
            yield column, column.url, item
    for url, item in on_homes:
        yield None, url, item


def _mismatch(
    item: ListItem, published: date, list_page: str, column: str, rules: dict[str, Any]
) -> Finding:
    """A dated item whose list date is not its page's 发布日期."""
    listed = item.date.isoformat() if item.date else ""
    return Finding(
        id=fingerprint("date_mismatch", item.url),
        check="date_mismatch",
        severity=_severity(rules, "date_mismatch"),
        page_url=list_page,
        title=(
            f"列表日期与正文发布日期不一致：{item.title or item.url}"
            f"（列表 {listed}，正文 {published.isoformat()}）"
        ),
        details={
            "item_url": item.url,
            "item_title": item.title,
            "list_date": item.date,
            "page_date": published,
        },
        column=column,
    )
