"""规范性文件 and 主动公开 documents published late, or without a valid 发布日期."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from govaudit.checks.overdue_publication.settings import (
    APPROXIMATE,
    CHECK,
    RULE_ACTIVE,
    RULE_NORMATIVE,
    Settings,
)
from govaudit.checks.overdue_publication.site import (
    MIXED_COLUMN,
    POLICY_TITLE_END,
    Site,
    parse_day,
    published_on,
    shortened,
)
from govaudit.core.model import Finding, PageRecord, fingerprint
from govaudit.core.workdays import WorkdayResult, add_workdays, workdays_between

# -- documents: 规范性文件 and 主动公开 -----------------------------------------------------------


@dataclass(frozen=True)
class Document:
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


def read_document(page: PageRecord, site: Site, settings: Settings) -> Document:
    meta = page.meta
    written, printed = parse_day(meta.get("成文日期")), parse_day(meta.get("印发日期"))
    names = site.column_names(page)
    number = (meta.get("文号") or "").strip() or None
    issued = printed or written
    disclosure = " ".join(v for k, v in meta.items() if "公开" in k and isinstance(v, str))
    exempt = any(w in n for w in settings.exempt_columns for n in names) or any(
        w in disclosure for w in settings.not_active
    )
    since = settings.issued_since
    return Document(
        page=page,
        url=page.final_url or page.url,
        column=site.column(page),
        written=written,
        printed=printed,
        published=published_on(page),
        number=number,
        normative=_is_normative(page, names, number, settings),
        interpretation=is_interpretation(page, names, settings),
        exempt=exempt,
        in_scope=since is None or issued is None or issued >= since,
    )


def _is_normative(
    page: PageRecord, columns: Sequence[str], number: str | None, settings: Settings
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
        name = MIXED_COLUMN.sub("", name)  # "规范性文件及解读" holds 规范性文件 too
        if any(w in name for w in settings.normative_columns) and not any(
            w in name for w in settings.not_normative_columns
        ):
            return True
    return bool(number) and any(p.search(number) for p in settings.normative_numbers)


def is_interpretation(page: PageRecord, columns: Sequence[str], settings: Settings) -> bool:
    """A 解读 by its title or column; "关于做好政策解读工作的通知" is a policy, not a 解读."""
    words = settings.interpretation_words
    if any(w in c and not MIXED_COLUMN.search(c) for w in words for c in columns):
        return True
    return any(w in page.title for w in words) and not POLICY_TITLE_END.search(page.title)


def document_findings(documents: list[Document], settings: Settings) -> Iterator[Finding]:
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


def _normative_overdue(doc: Document, settings: Settings) -> Finding | None:
    issued = doc.printed or doc.written  # "印发之日起"
    if issued is None or doc.published is None:
        return None
    deadline = issued + timedelta(days=settings.normative_days)
    if doc.published <= deadline:
        return None
    late = (doc.published - deadline).days
    rule = RULE_NORMATIVE.format(n=settings.normative_days)
    title = (
        f"规范性文件超期公开：《{shortened(doc.page.title)}》{issued}印发，{doc.published}发布，"
        f"超过{settings.normative_days}日时限{late}天"
    )
    return _overdue(doc, "normative", issued, deadline, rule, title, late, None, False, settings)


@lru_cache(maxsize=8192)
def workday_deadline(start: date, workdays: int) -> WorkdayResult:
    """`add_workdays`, once per day: a site's thousands of documents share a few hundred 成文
    days, and each deadline is a walk of 20 working days."""
    return add_workdays(start, workdays)


def _active_overdue(doc: Document, settings: Settings) -> Finding | None:
    issued = doc.written or doc.printed  # "自该政府信息形成之日起"
    if issued is None or doc.published is None:
        return None
    deadline = workday_deadline(issued, settings.active_workdays)
    if doc.published <= deadline.date:
        return None
    late, approx_late = workdays_between(deadline.date, doc.published)
    approximate = deadline.approximate or approx_late
    rule = RULE_ACTIVE.format(n=settings.active_workdays)
    title = (
        f"主动公开信息超期公开：《{shortened(doc.page.title)}》{issued}成文，{doc.published}发布，"
        f"超过{settings.active_workdays}个工作日时限{late}个工作日"
        + (APPROXIMATE if approximate else "")
    )
    days = (doc.published - deadline.date).days
    return _overdue(
        doc, "active", issued, deadline.date, rule, title, days, late, approximate, settings
    )


def _overdue(
    doc: Document,
    rule_key: str,
    issued: date,
    deadline: date,
    rule: str,
    title: str,
    days_late: int,
    workdays_late: int | None,
    approximate: bool,
    settings: Settings,
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


def _date_missing(doc: Document, settings: Settings) -> Finding:
    return Finding(
        id=fingerprint("publication_date_missing", doc.url),
        check="publication_date_missing",
        severity=settings.severity["date_missing"],
        page_url=doc.url,
        title=f"文件页未标注发布日期：《{shortened(doc.page.title)}》",
        details={
            "issued": doc.written or doc.printed,
            "published": None,
            "document_title": doc.page.title,
            **({"document_number": doc.number} if doc.number else {}),
        },
        column=doc.column,
    )


def _date_invalid(doc: Document, written: date, settings: Settings) -> Finding:
    return Finding(
        id=fingerprint("publication_date_invalid", doc.url),
        check="publication_date_invalid",
        severity=settings.severity["date_invalid"],
        page_url=doc.url,
        title=(
            f"发布日期早于成文日期：《{shortened(doc.page.title)}》{written}成文，{doc.published}发布"
        ),
        details={
            "issued": written,
            "published": doc.published,
            "document_title": doc.page.title,
            **({"document_number": doc.number} if doc.number else {}),
        },
        column=doc.column,
    )
