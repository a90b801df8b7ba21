"""Messages of 政务咨询类 interaction columns left unanswered (互动回应差, a single-veto item).

《政府网站与政务新媒体检查指标》(国办秘函〔2019〕19号) vetoes a site whose 政务咨询类 columns (not
在线访谈, 调查征集, 信访, 纪检举报) hold, within the year before the inspection, a valid message left
without a response for more than 3 months. The messages and their dates come from
`govaudit.core.messages` (the crawler's `留言时间`, `答复时间`, `办理状态` metadata).

Yields, for each valid message asked within `window_days` before `as_of`:
- `unanswered_message` (critical): no reply yet, asked more than `max_days` days ago;
- `late_reply` (major): replied, but more than `max_days` days after it was asked.
A message replied without a reply date gives no finding (its delay is unknown). A message asked
before the window gives none either: inspectors sample the year's messages, so a question of
400 days ago is outside the item; set `window_days = 0` to judge every message regardless of age.

Settings (`[checks.unanswered_message]`): `max_days`, `window_days`, `column_keywords`,
`exclude_keywords` (column-name words; an exclusion wins), `severity` per finding kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from govaudit.core.config import ConfigError
from govaudit.core.messages import (
    INTERACTION_EXCLUDE,
    INTERACTION_KEYWORDS,
    MAX_DAYS,
    WINDOW_DAYS,
    Message,
    messages,
)
from govaudit.core.model import SEVERITIES, Finding, fingerprint
from govaudit.core.store import AuditView

SECTION = "unanswered_message"
CHECKS = ("unanswered_message", "late_reply")  # the finding kinds this module yields

DEFAULTS: dict[str, Any] = {
    # "超过 3 个月未回应" (国办秘函〔2019〕19号): day 91 is over, day 90 is not.
    "max_days": MAX_DAYS,
    # "监测时间点前 1 年内": messages asked within this many days before as_of; 0 = no window.
    "window_days": WINDOW_DAYS,
    "column_keywords": list(INTERACTION_KEYWORDS),
    # 在线访谈、调查征集、信访、纪检举报 are not 政务咨询类 columns.
    "exclude_keywords": list(INTERACTION_EXCLUDE),
    # The unanswered message is the veto item; a late reply is a deduction-level problem.
    "severity": {"unanswered_message": "critical", "late_reply": "major"},
}


def validate_rules(rules: dict[str, Any]) -> dict[str, Any]:
    """Checks `check_rules` cannot make on its own: day counts, word lists, severities."""
    where = f"checks.{SECTION}"
    if rules["max_days"] < 1:
        raise ConfigError(f"{where}.max_days 应为 1 天或更多")
    if rules["window_days"] < 0:
        raise ConfigError(f"{where}.window_days 应为 0（不限时间范围）或更多天")
    for key in ("column_keywords", "exclude_keywords"):
        if not all(isinstance(w, str) and w for w in rules[key]):
            raise ConfigError(f"{where}.{key} 应为非空字符串的列表")
    for key, value in rules["severity"].items():
        if key not in DEFAULTS["severity"]:
            known = ", ".join(DEFAULTS["severity"])
            raise ConfigError(f"{where}.severity.{key} 不是问题类型（可用：{known}）")
        if value not in SEVERITIES:
            raise ConfigError(f"{where}.severity.{key} 应为 {', '.join(SEVERITIES)} 之一")
    return rules


def run(view: AuditView, rules: dict[str, Any], as_of: date) -> Iterator[Finding]:
    rules = validate_rules(rules)
    found = messages(view, rules["column_keywords"], rules["exclude_keywords"])
    for message in found:
        if not message.counted(as_of, rules["window_days"]):
            continue
        if message.unanswered():
            days = message.age(as_of)
            if days > rules["max_days"]:
                yield _finding("unanswered_message", message, days, rules)
        elif message.answered is not None:
            days = (message.answered - message.asked).days
            if days > rules["max_days"]:
                yield _finding("late_reply", message, days, rules)


def _finding(check: str, message: Message, days: int, rules: dict[str, Any]) -> Finding:
    limit = rules["max_days"]
    label = message.title or message.url
    if check == "unanswered_message":
        title = (
            f"留言超过 {limit} 天未答复：{label}（{message.column}，"
            f"{message.asked.isoformat()} 留言，已 {days} 天未答复）"
        )
    else:
        title = (
            f"留言答复超期：{label}（{message.column}，{message.asked.isoformat()} 留言，"
            f"{message.answered.isoformat() if message.answered else ''} 答复，"
            f"用时 {days} 天，要求 {limit} 天内）"
        )
    return Finding(
        id=fingerprint(check, message.url),
        check=check,
        severity=rules["severity"][check],
        page_url=message.url,
        title=title,
        details={
            "asked": message.asked,
            "answered": message.answered,
            "days": days,
            "column": message.column,
            "threshold_days": limit,
            "status": message.status,
            "item_title": message.title,
        },
        column=message.column,
    )
