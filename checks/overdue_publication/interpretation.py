"""政策解读 published with its policy (同步发布), paired by 文号, title or link."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from govaudit.checks.overdue_publication.documents import (
    Document,
    is_interpretation,
    workday_deadline,
)
from govaudit.checks.overdue_publication.settings import (
    APPROXIMATE,
    CHECK,
    RULE_INTERPRETATION,
    RULE_INTERPRETATION_LOCAL,
    Settings,
)
from govaudit.checks.overdue_publication.site import (
    BOOK_TITLE,
    NUMBER_TAIL,
    Site,
    doc_number,
    published_on,
    shortened,
)
from govaudit.core.model import Finding, PageRecord, fingerprint
from govaudit.core.workdays import workdays_between

# -- 政策解读 -----------------------------------------------------------------------------------


def interpretation_findings(
    site: Site, documents: list[Document], settings: Settings
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
    by_number: dict[str, list[tuple[str, Document]]] = defaultdict(list)
    for doc in policies:
        number = doc_number(doc.number or "")
        tail = NUMBER_TAIL.search(number)
        if tail:
            by_number[tail[0]].append((number, doc))
    by_name: dict[str, list[Document]] = defaultdict(list)
    for doc in policies:
        for name in document_names(doc.page.title, policy=True):
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
    site: Site, documents: list[Document], settings: Settings
) -> list[PageRecord]:
    readings = [d.page for d in documents if d.interpretation]
    seen = {p.url for p in readings}
    for page in site.pages:
        if (
            page.url in seen
            or page.kind in ("home", "list", "resource")
            or published_on(page) is None
        ):
            continue
        if is_interpretation(page, site.column_names(page), settings):
            readings.append(page)
    return readings


def document_names(title: str, policy: bool = False) -> set[str]:
    """The names a title gives a policy: its 《…》 parts and the title without its frame."""
    parts = [m for m in BOOK_TITLE.findall(title)]
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

    policy: Document
    by: str  # 文号, 标题, 链接
    on: str  # the 文号, the policy's name, or which page links to which


def _named_policies(
    reading: PageRecord,
    text: str,
    by_number: dict[str, list[tuple[str, Document]]],
    by_name: dict[str, list[Document]],
) -> list[_Pairing]:
    found: list[_Pairing] = []
    body = doc_number(f"{reading.title} {text}")
    own = doc_number(reading.meta.get("文号") or "")
    for match in NUMBER_TAIL.finditer(body):
        for known, doc in by_number.get(match[0], ()):
            # The text may run on before the 文号 ("印发某某人社规〔2023〕3号"): compare its head.
            head = known[: -len(match[0])]
            if known != own and body[: match.start()].endswith(head):
                found.append(_Pairing(doc, "文号", doc.number or known))
    for name in document_names(reading.title):
        found.extend(_Pairing(doc, "标题", name) for doc in by_name.get(name, ()))
    return found


def _late_interpretation(
    reading: PageRecord, site: Site, candidates: list[_Pairing], settings: Settings
) -> Finding | None:
    # Of several candidates (a 相关文件 sidebar), the most recent is the kindest reading; of
    # its pairings the first found (文号 before 标题 before 链接) is the one named.
    pairing = max(candidates, key=lambda p: p.policy.published or date.min)
    policy = pairing.policy
    published = published_on(reading)
    if policy.published is None or published is None:
        return None
    deadline = workday_deadline(policy.published, settings.interpretation_workdays)
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
            f"政策解读未与政策同步发布：《{shortened(reading.title)}》{published}发布，"
            + (
                f"所解读的政策{policy.published}发布，超过{settings.interpretation_workdays}个工作日"
                if settings.interpretation_workdays
                else f"晚于所解读的政策（{policy.published}发布）"
            )
            + f"（按{pairing.by}配对）"
            + (APPROXIMATE if approximate else "")
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


def _interpretation_rule(settings: Settings) -> str:
    """The rule in words: the national one, and the local allowance when there is one."""
    n = settings.interpretation_workdays
    local = RULE_INTERPRETATION_LOCAL.format(rule=settings.interpretation_local_rule, n=n)
    return RULE_INTERPRETATION + (local if n else "")
