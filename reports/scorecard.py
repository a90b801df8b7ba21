"""The inspection scorecard: "would the site pass the inspection today?"

Each single-veto (单项否决) item of 《政府网站与政务新媒体检查指标》(国办秘函〔2019〕19号) that the
findings can measure, with its threshold (`[report] scorecard`, defaults in reports/settings.py)
and a verdict: 合格, 预警 (from `warn_ratio` = 70 % of the threshold, as monitoring platforms
warn at 10 of 14 days), 否决. Items no check measures yet say 未检查 rather than 合格.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from govaudit.core.model import Finding

PASS, WARN, VETO, UNCHECKED = "合格", "预警", "否决", "未检查"

# Column categories of the stale_column check; names are the fallback when a finding lacks one.
HOMEPAGE = "首页"
NEWS, NOTICES = "动态要闻", "通知公告政策文件"
_NEWS_WORDS = ("动态", "要闻", "新闻", "工作信息")
_NOTICE_WORDS = ("通知", "公告", "公示", "政策", "文件")


@dataclass(frozen=True)
class ScoreItem:
    key: str
    name: str  # the item as the indicators word it
    measured: int | None  # None: not measured (unknown, or no check for it)
    threshold: int
    unit: str
    verdict: str
    note: str = ""
    over: bool = False  # vetoes when measured exceeds the threshold (days), not when it reaches it

    def measured_label(self) -> str:
        return "—" if self.measured is None else f"{self.measured} {self.unit}"

    def threshold_label(self) -> str:
        return f"{'>' if self.over else '≥'} {self.threshold} {self.unit}"


def scorecard(
    findings: list[Finding],
    thresholds: dict[str, float],
    homepage_newest: date | None = None,
    as_of: date | None = None,
) -> list[ScoreItem]:
    """The veto items, measured from the findings (and the homepage's newest item date)."""
    ratio = float(thresholds["warn_ratio"])
    stale = [f for f in findings if f.check == "stale_column"]
    columns = [f for f in stale if _category(f) != HOMEPAGE]
    priority = {_column_key(f) for f in columns if _category(f) in (NEWS, NOTICES)}
    serious = [
        f
        for f in findings
        if f.check in ("wrong_word", "sensitive_word") and f.severity == "critical"
    ]
    empty = {_column_key(f) for f in findings if f.check == "empty_column"}
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
        items.append(
            ScoreItem(key, name, count, threshold, unit, _verdict(count, threshold, ratio, False))
        )
    items.append(
        ScoreItem(
            "unanswered_messages",
            "互动交流留言超过 3 个月未回应",
            None,
            90,
            "天",
            UNCHECKED,
            "留言办理情况尚无检查项，请人工核查",
            over=True,
        )
    )
    return items


def overall(items: list[ScoreItem]) -> str:
    """否决 if any item vetoes, else 预警 if any warns, else 合格 (unchecked items aside)."""
    verdicts = {i.verdict for i in items}
    return VETO if VETO in verdicts else WARN if WARN in verdicts else PASS


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
        return ScoreItem(
            "homepage", name, None, threshold, "天", PASS, "未发现首页超期（无首页日期可计）", True
        )
    verdict = _verdict(measured, threshold, ratio, True)
    return ScoreItem("homepage", name, measured, threshold, "天", verdict, over=True)


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
