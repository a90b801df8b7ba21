"""Outside lists judged against an audit: each imported row is 仍存在, 已整改, 未核实 or 无法匹配.

A row matches a finding of the audit when their URLs are the same page (`url_key`: the crawl's
encoding, host case, trailing slash and fragment ignored; a broken link's target and the pages
that link to it count as its URLs) and the list's problem type names the finding's kind. The
type is read through `KIND_SYNONYMS` (the words inspectors' lists use), which the profile's
`[outside_lists] kinds = {"链接打不开" = "broken_link"}` extends and overrides.

A row whose matching finding the staff marked 误报 (their review of an earlier list) is
本单位认定误报: not 仍存在 by our word, and not 已整改 either (the sender has not agreed).

A verdict never says more than the audit saw: 已整改 needs the row's page verified at the site in
this audit (not carried over from an earlier one: the rolling schedule) and a finding of ours
that matched it before; a row our checks never matched stays 无法匹配 (需人工核实), whatever
the audit saw. A list without a 问题类型 column is read by its 问题描述.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from govaudit.core.config import ConfigError
from govaudit.core.model import Finding
from govaudit.core.outside_records import (
    DISPUTED,
    FIXED,
    STILL_OPEN,
    UNMATCHED,
    UNVERIFIED,
    OutsideRow,
    OutsideStatus,
    url_key,
)

# The words of outside lists' problem types → our finding kinds (checks' names). First match
# wins, so the narrower words come first (空白栏目 before 栏目).
KIND_SYNONYMS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("锚点",), ("missing_anchor",)),
    (("错链", "断链", "死链", "链接", "无法访问", "打不开", "404"), ("broken_link",)),
    (("疑似错别字",), ("suspected_typo",)),
    (("错别字", "错字", "别字", "不规范表述", "严重表述错误", "过时表述"), ("wrong_word", "suspected_typo")),
    (("敏感词", "敏感信息"), ("sensitive_word",)),
    (("空白栏目", "栏目空白", "无内容"), ("empty_column",)),
    (
        ("栏目不更新", "长期未更新", "未更新", "不更新", "更新不及时", "更新不到位"),
        ("stale_column", "empty_column"),
    ),
    (("隐私", "个人信息", "身份证", "手机号", "银行卡"), ("privacy_leak",)),
    (("未标注发布日期", "缺少发布日期"), ("publication_date_missing",)),
    (("超期公开", "未按时公开", "公开不及时", "超期发布"), ("overdue_publication",)),
    (("留言", "互动", "答复"), ("unanswered_message", "late_reply")),
    (("附件",), ("unreadable_attachment", "broken_link")),
)  # fmt: skip
KNOWN_KINDS = frozenset(k for _, kinds in KIND_SYNONYMS for k in kinds) | {
    "undecidable_column", "undated_item", "date_mismatch", "annual_report_incomplete",
    "publication_date_invalid",
}  # fmt: skip

_SPACE = re.compile(r"\s+")


def kind_overrides(section: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """`[outside_lists] kinds` validated: each problem type → one kind or a list of kinds."""
    given = section.get("kinds") or {}
    if not isinstance(given, dict):
        raise ConfigError(
            'outside_lists.kinds 应为表，例如 kinds = { "链接打不开" = "broken_link" }'
        )
    overrides = {}
    for words, value in given.items():
        kinds = [value] if isinstance(value, str) else value
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            raise ConfigError(f"outside_lists.kinds.{words} 应为问题种类或其列表")
        for kind in kinds:
            if kind not in KNOWN_KINDS:
                known = ", ".join(sorted(KNOWN_KINDS))
                raise ConfigError(
                    f"outside_lists.kinds.{words}：没有问题种类 {kind}（可选：{known}）"
                )
        overrides[_SPACE.sub("", words)] = tuple(kinds)
    return overrides


def kinds_of(text: str, overrides: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The finding kinds a list's problem type names; () when it names none of ours."""
    written = _SPACE.sub("", text)
    if not written:
        return ()
    if written in KNOWN_KINDS:  # a vendor's list may use our own names
        return (written,)
    if written in overrides:
        return overrides[written]
    given = tuple(((words,), kinds) for words, kinds in overrides.items())
    for words, kinds in (*given, *KIND_SYNONYMS):
        if any(w in written for w in words):
            return kinds
    return ()


def finding_urls(finding: Finding) -> set[str]:
    """The pages a finding is about, as `url_key`s: its page, a broken link's target and the
    pages that link to it (a list may name either)."""
    urls = [finding.page_url, str(finding.details.get("target_url") or "")]
    urls += [str(u) for u in finding.details.get("source_pages") or ()]
    return {url_key(u) for u in urls if u}


def judge_rows(
    rows: Iterable[OutsideRow],
    findings: Iterable[Finding],
    verified_today: set[str],
    matched_before: set[int],
    overrides: Mapping[str, tuple[str, ...]],
    false_positives: frozenset[str] = frozenset(),
) -> list[OutsideStatus]:
    """Each row's status after the audit whose `findings` these are. `verified_today`: the
    `url_key`s of the records the audit verified at the site itself; `matched_before`: the rows
    a finding of an earlier audit matched (仍存在); `false_positives`: the ids of findings the
    staff's reviews mark 误报."""
    by_url: dict[str, list[Finding]] = {}
    for f in findings:
        for key in finding_urls(f):
            by_url.setdefault(key, []).append(f)
    statuses = []
    for row in rows:
        key, kinds = url_key(row.url), kinds_of(row.kind or row.description, overrides)
        matches = [f for f in by_url.get(key, ()) if f.check in kinds]
        # A finding staff did not dispute speaks for the row before one they marked 误报.
        matches.sort(key=lambda f: f.id in false_positives)
        match = matches[0] if matches else None
        if match is not None:
            status = DISPUTED if match.id in false_positives else STILL_OPEN
            statuses.append(OutsideStatus(row, status, match.id))
        elif not key or key not in verified_today:
            statuses.append(OutsideStatus(row, UNVERIFIED if key else UNMATCHED))
        elif row.id in matched_before and kinds:
            statuses.append(OutsideStatus(row, FIXED))
        else:
            statuses.append(OutsideStatus(row, UNMATCHED))
    return statuses
