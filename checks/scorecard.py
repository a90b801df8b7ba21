"""The inspection scorecard: "would the site pass the inspection today?"

Each single-veto (单项否决) item of 《政府网站与政务新媒体检查指标》(国办秘函〔2019〕19号) that the
findings can measure, with its threshold (`[report] scorecard`, defaults in reports/settings.py)
and a verdict: 合格, 预警 (from `warn_ratio` = 70 % of the threshold, as monitoring platforms
warn at 10 of 14 days), 否决. Items no check measures yet say 未检查 rather than 合格.

互动回应差 is measured from the `unanswered_message` findings and, below the threshold, from the
messages the audit read (`MessageCoverage`, from govaudit.core.messages): the oldest unanswered
valid message of the year vs 3 months. A site with no 政务咨询类 column, or none whose messages
carry dates, stays 未检查: no evidence is not a pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from govaudit.core import messages as msg
from govaudit.core.model import Finding
from govaudit.core.store import AuditView
from govaudit.core.verdicts import PASS, UNCHECKED, UNDECIDABLE, VETO, WARN, ScoreItem
from govaudit.core.vocabulary import HOMEPAGE

# Column categories of the stale_column check; names are the fallback when a finding lacks one.
NEWS, NOTICES = "动态要闻", "通知公告政策文件"
_NEWS_WORDS = ("动态", "要闻", "新闻", "工作信息")
_NOTICE_WORDS = ("通知", "公告", "公示", "政策", "文件")


@dataclass(frozen=True)
class MessageCoverage:
    """What the audit read of the site's 政务咨询类 columns, for the 互动回应差 item."""

    columns: bool  # the site has such a column
    counted: int  # valid messages asked within the window, with their question date
    unanswered_days: tuple[int, ...] = ()  # ages of the counted messages still unanswered


def message_coverage(
    view: AuditView, as_of: date, rules: Mapping[str, Any] | None = None
) -> MessageCoverage:
    """The coverage under the `unanswered_message` check's settings (`rules`: the profile's
    `[checks.unanswered_message]` table, defaults where it says nothing)."""
    rules = rules or {}
    keywords = rules.get("column_keywords", msg.INTERACTION_KEYWORDS)
    exclude = rules.get("exclude_keywords", msg.INTERACTION_EXCLUDE)
    window = int(rules.get("window_days", msg.WINDOW_DAYS))
    counted = [m for m in msg.messages(view, keywords, exclude) if m.counted(as_of, window)]
    return MessageCoverage(
        columns=msg.has_interaction_column(view, keywords, exclude),
        counted=len(counted),
        unanswered_days=tuple(m.age(as_of) for m in counted if m.unanswered()),
    )


def scorecard(
    findings: list[Finding],
    thresholds: dict[str, float],
    homepage_newest: date | None = None,
    as_of: date | None = None,
    messages: MessageCoverage | None = None,
) -> list[ScoreItem]:
    """The veto items, measured from the findings (and the homepage's newest item date, and
    the messages the audit read)."""
    ratio = float(thresholds["warn_ratio"])
    stale = [f for f in findings if f.check == "stale_column"]
    columns = [f for f in stale if _category(f) != HOMEPAGE]
    priority = {_column_key(f) for f in columns if _category(f) in (NEWS, NOTICES)}
    serious = [
        f
        for f in findings
        if f.check in ("wrong_word", "sensitive_word") and f.severity == "critical"
    ]
    # A column whose list a script builds and nothing could read is 无法判定 (undecidable_column;
    # needs_review on empty_column findings of older audits): counted apart, never as empty.
    empty = {
        _column_key(f)
        for f in findings
        if f.check == "empty_column" and not f.details.get("needs_review")
    }
    unreadable = {
        _column_key(f)
        for f in findings
        if f.check == "undecidable_column"
        or (f.check == "empty_column" and f.details.get("needs_review"))
    }
    counted = [
        (
            "stale_columns",
            "动态要闻类栏目 2 周、通知公告政策文件类栏目 6 个月未更新",
            len(priority),
        ),
        ("columns_not_updated", "应更新而长期未更新的栏目", len({_column_key(f) for f in columns})),
        ("empty_columns", "空白栏目（有栏目无内容）", len(empty)),
        ("serious_wrong_expressions", "严重表述错误（严重错别字、敏感表述）", len(serious)),
    ]
    items = [_homepage(stale, thresholds, ratio, homepage_newest, as_of)]
    for key, name, count in counted:
        threshold = int(thresholds[key])
        unit = "处" if key == "serious_wrong_expressions" else "个"
        verdict, note = _verdict(count, threshold, ratio, False), ""
        if unreadable and key in _COLUMN_ITEMS:
            note = f"另有 {len(unreadable)} 个栏目列表由脚本生成且无法读取（无法判定），未计入"
            if verdict != VETO and count + len(unreadable) >= threshold:
                verdict = UNDECIDABLE
        items.append(ScoreItem(key, name, count, threshold, unit, verdict, note))
    items.append(_messages(findings, thresholds, ratio, messages))
    return items


# The items whose count unreadable columns could change.
_COLUMN_ITEMS = ("stale_columns", "columns_not_updated", "empty_columns")


def overall(items: list[ScoreItem]) -> str:
    """否决 if any item vetoes, else 无法判定 if unreadable columns leave one open, else 预警 if
    any warns, else 合格 (unchecked items aside)."""
    verdicts = {i.verdict for i in items}
    for verdict in (VETO, UNDECIDABLE, WARN):
        if verdict in verdicts:
            return verdict
    return PASS


def _homepage(
    stale: list[Finding],
    thresholds: dict[str, float],
    ratio: float,
    newest: date | None,
    as_of: date | None,
) -> ScoreItem:
    threshold = int(thresholds["homepage_days"])
    name = "首页信息不更新"
    reported = [f for f in stale if _category(f) == HOMEPAGE]
    if reported:
        days = [f.details.get("days") for f in reported]
        if any(d is None for d in days):  # 未注明发布时间的视为不更新 (2015 indicators, note)
            return ScoreItem(
                "homepage", name, None, threshold, "天", VETO, "首页信息未注明日期", over=True
            )
        measured = max(int(d) for d in days)
    elif newest is not None and as_of is not None:
        measured = (as_of - newest).days
    else:
        # Nothing on the homepage carries a date the audit could read: not 合格 on no evidence.
        return ScoreItem(
            "homepage",
            name,
            None,
            threshold,
            "天",
            UNDECIDABLE,
            "首页没有可计日期的信息，请人工核实",
            True,
        )
    verdict = _verdict(measured, threshold, ratio, True)
    return ScoreItem("homepage", name, measured, threshold, "天", verdict, over=True)


def _messages(
    findings: Sequence[Finding],
    thresholds: dict[str, float],
    ratio: float,
    coverage: MessageCoverage | None,
) -> ScoreItem:
    threshold = int(thresholds.get("unanswered_message_days", msg.MAX_DAYS))
    key, name = "unanswered_messages", "互动交流留言超过 3 个月未回应"
    reported = [
        int(f.details["days"])
        for f in findings
        if f.check == "unanswered_message" and f.details.get("days") is not None
    ]
    late = sum(1 for f in findings if f.check == "late_reply")
    note = f"另有 {late} 条留言答复超过 {threshold} 天" if late else ""
    if not reported:
        unchecked = None
        if coverage is None:
            unchecked = "留言办理情况未检查，请人工核查"
        elif not coverage.columns:
            unchecked = "未发现政务咨询类互动栏目，请人工核查"
        elif not coverage.counted:
            unchecked = "互动栏目中未读到近一年带日期的留言，请人工核查"
        if unchecked:
            return ScoreItem(key, name, None, threshold, "天", UNCHECKED, unchecked, over=True)
    # Ages over the threshold without a finding were marked 误报 (or judged under another
    # max_days): the findings speak for those, the coverage only for the ones below.
    below = [d for d in (coverage.unanswered_days if coverage else ()) if d <= threshold]
    measured = max([*reported, *below], default=0)
    if coverage is not None and coverage.counted:
        note = "；".join(p for p in (f"已核查 {coverage.counted} 条留言", note) if p)
    verdict = _verdict(measured, threshold, ratio, True)
    return ScoreItem(key, name, measured, threshold, "天", verdict, note, over=True)


def _verdict(measured: int, threshold: int, ratio: float, strictly_over: bool) -> str:
    # "2 weeks without an update" vetoes on the 15th day; counts veto when they reach the number.
    vetoed = measured > threshold if strictly_over else measured >= threshold
    if vetoed:
        return VETO
    return WARN if measured >= ratio * threshold else PASS


def _category(finding: Finding) -> str:
    category = finding.details.get("category")
    if category:
        return str(category)
    name = finding.column or str(finding.details.get("column") or "")
    if name == HOMEPAGE:
        return HOMEPAGE
    if any(w in name for w in _NEWS_WORDS):
        return NEWS
    if any(w in name for w in _NOTICE_WORDS):
        return NOTICES
    return "其他"


def _column_key(finding: Finding) -> str:
    return finding.column or str(finding.details.get("column") or "") or finding.page_url
