"""Documents of the imported 发文登记 that the audit did not find published on the site.

The crawl sees only what the site shows; the register says what was issued. A register document
is found when a page of the site (or an item of one of its lists) has its 文号, else its title.
One not found gets the limit the check's rules give it (a 规范性文件: `normative_days` calendar
days of 印发; any other: `active_workdays` working days of 成文, 条例第二十六条): past it, an
`overdue_publication` finding with the register as its evidence; within
`[checks.early_warning] register_workdays` working days of it, a 预警 (checks/early_warning.py).
A document without a 成文日期 or 印发日期 has no limit to judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from govaudit.checks.overdue_publication.documents import workday_deadline
from govaudit.checks.overdue_publication.settings import (
    APPROXIMATE,
    CHECK,
    RULE_ACTIVE,
    RULE_NORMATIVE,
    Settings,
)
from govaudit.checks.overdue_publication.site import Site, doc_number, shortened
from govaudit.core.model import Finding, fingerprint
from govaudit.core.outside_records import RegisterDocument
from govaudit.core.workdays import workdays_between

RULE_KEY = "register_unpublished"
_TITLE_NOISE = re.compile(r"[\s《》“”\"'「」]+")
_TITLE_INSIDE = 6  # characters a title needs to be looked for inside longer ones


@dataclass(frozen=True)
class Unpublished:
    """A register document the audit did not find on the site, with its publication limit."""

    document: RegisterDocument
    issued: date
    issued_as: str  # 印发 (a 规范性文件's limit runs from it) or 成文
    deadline: date
    rule: str
    approximate: bool  # the working days were counted Monday to Friday (calendar unknown)


def unpublished(
    documents: list[RegisterDocument], site: Site, settings: Settings
) -> list[Unpublished]:
    """The register's documents not found among the audit's pages and list items."""
    if not documents:
        return []
    numbers = {doc_number(str(p.meta.get("文号") or "")) for p in site.pages} - {""}
    titles = {_plain(p.title) for p in site.pages}
    if site.view is not None:
        titles |= {_plain(item.title) for _, item in site.view.list_items()}
    missing = []
    for doc in documents:
        if not _found(doc, numbers, titles):
            limit = _limit(doc, settings)
            if limit is not None:
                missing.append(limit)
    return missing


def _found(doc: RegisterDocument, numbers: set[str], titles: set[str]) -> bool:
    """By 文号, then by title: the same, or inside a longer one (“…-某某市人民政府”) when it is
    long enough not to be inside any title by chance."""
    number, title = doc_number(doc.number), _plain(doc.title)
    if number and number in numbers:
        return True
    if not title:
        return False
    return title in titles or (len(title) >= _TITLE_INSIDE and any(title in t for t in titles))


def _plain(title: str) -> str:
    return _TITLE_NOISE.sub("", title)


def _limit(doc: RegisterDocument, settings: Settings) -> Unpublished | None:
    written = date.fromisoformat(doc.written) if doc.written else None
    printed = date.fromisoformat(doc.printed) if doc.printed else None
    normative = doc.normative
    if normative is None:
        normative = any(p.search(doc.number) for p in settings.normative_numbers)
    if normative:
        issued = printed or written  # 印发之日起
        if issued is None:
            return None
        deadline = issued + timedelta(days=settings.normative_days)
        rule = RULE_NORMATIVE.format(n=settings.normative_days)
        approximate = False
    else:
        issued = written or printed  # 自该政府信息形成之日起
        if issued is None:
            return None
        result = workday_deadline(issued, settings.active_workdays)
        deadline, approximate = result.date, result.approximate
        rule = RULE_ACTIVE.format(n=settings.active_workdays)
    if settings.issued_since is not None and issued < settings.issued_since:
        return None
    return Unpublished(doc, issued, "印发" if normative else "成文", deadline, rule, approximate)


def register_findings(
    missing: list[Unpublished], page_url: str, settings: Settings, as_of: date, complete: bool
) -> Iterator[Finding]:
    """The documents past their limit: overdue, with the register row as the evidence.
    `complete`: the crawl skipped no page (else not finding one is said with a caveat)."""
    for m in missing:
        if as_of <= m.deadline:
            continue
        doc, late = m.document, (as_of - m.deadline).days
        workdays_late, approx_late = workdays_between(m.deadline, as_of)
        named = f"《{shortened(doc.title)}》" + (f"（{doc.number}）" if doc.number else "")
        title = (
            f"登记的文件未在网站公开：{named}{m.issued}{m.issued_as}，应于{m.deadline}前公开，"
            f"本次审计未在网站上找到，已超期{late}天"
            + (APPROXIMATE if m.approximate or approx_late else "")
            + ("" if complete else "；本次抓取未覆盖全站，请人工核实")
        )
        yield Finding(
            id=fingerprint(CHECK, RULE_KEY, doc_number(doc.number) or _plain(doc.title)),
            check=CHECK,
            severity=settings.severity["overdue"],
            page_url=page_url,
            title=title,
            details={
                "issued": m.issued,
                "published": None,
                "deadline": m.deadline,
                "rule": m.rule,
                "rule_key": RULE_KEY,
                "days_late": late,
                "workdays_late": workdays_late,
                "approximate": m.approximate or approx_late,
                "document_title": doc.title,
                **({"document_number": doc.number} if doc.number else {}),
                "crawl_complete": complete,
                "register": {
                    "source": doc.source,
                    "file": doc.file,
                    "place": doc.place,
                    "imported": doc.imported,
                },
            },
        )
