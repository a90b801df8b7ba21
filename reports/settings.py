"""The `[report]` section of the site profile, validated into a frozen `ReportSettings`.

    [report]
    bureau = "某某市某某局"          # who sends the 整改通知书 (default: the site's name)
    default_department = "办公室"
    departments = [{prefix = "http://host/zwgk/", department = "办公室"},
                   {column = "工作动态", department = "宣传科"}]
    deadline_days = {critical = 3, major = 5, minor = 10}     # working days after the audit date
    scorecard = {homepage_days = 14, stale_columns = 5, ...}   # see checks/scorecard.py

Every mistake raises `ConfigError` naming the key, before the crawl starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govaudit.core.config import ConfigError
from govaudit.core.model import SEVERITIES

# 整改时限 in working days by severity. Inspection notices commonly give "10 个工作日内"
# (research/domain-rules.md §3); veto items get the shortest time because they fail the site.
DEFAULT_DEADLINE_DAYS = {"critical": 3, "major": 5, "minor": 10}

# Single-veto thresholds of 《政府网站与政务新媒体检查指标》(国办秘函〔2019〕19号), DESIGN.md.
DEFAULT_SCORECARD = {
    "homepage_days": 14,  # 首页监测 2 周无信息更新
    "stale_columns": 5,  # 动态要闻类 2 周 + 通知公告政策文件类 6 个月未更新，累计 ≥ 5 个
    "columns_not_updated": 10,  # 应更新而长期未更新的栏目 ≥ 10 个
    "empty_columns": 5,  # 空白栏目 ≥ 5 个
    "serious_wrong_expressions": 1,  # 出现严重表述错误
    "unanswered_message_days": 90,  # 政务咨询类留言超过 3 个月未回应 (监测时间点前 1 年内)
    "warn_ratio": 0.7,  # 预警 from 70 % of a threshold (monitoring platforms warn at 10 of 14 days)
}

_KEYS = {"bureau", "departments", "default_department", "deadline_days", "scorecard"}


@dataclass(frozen=True)
class DepartmentRule:
    department: str
    prefix: str | None = None
    column: str | None = None


@dataclass(frozen=True)
class ReportSettings:
    departments: tuple[DepartmentRule, ...] = ()
    default_department: str = ""
    deadline_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_DEADLINE_DAYS))
    scorecard: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SCORECARD))
    bureau: str = ""  # the 发文单位 of the 整改通知书 (reports/notice.py); "": the site's name


def report_settings(raw: dict[str, Any] | None) -> ReportSettings:
    """Validate the `[report]` table; raises ConfigError with one line naming the key."""
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ConfigError("[report] 应为表")
    for key in raw:
        if key not in _KEYS:
            raise ConfigError(f"report.{key} 不是可用的设置（可用：{', '.join(sorted(_KEYS))}）")
    default_department = raw.get("default_department", "")
    if not isinstance(default_department, str):
        raise ConfigError("report.default_department 应为字符串")
    bureau = raw.get("bureau", "")
    if not isinstance(bureau, str):
        raise ConfigError("report.bureau 应为字符串（发出整改通知书的单位名称）")
    return ReportSettings(
        departments=_departments(raw.get("departments", [])),
        default_department=default_department,
        deadline_days=_deadline_days(raw.get("deadline_days", {})),
        scorecard=_scorecard(raw.get("scorecard", {})),
        bureau=bureau.strip(),
    )


def _departments(value: Any) -> tuple[DepartmentRule, ...]:
    if not isinstance(value, list):
        raise ConfigError("report.departments 应为由表组成的列表")
    rules = []
    for i, entry in enumerate(value):
        where = f"report.departments[{i}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} 应为表，如 {{prefix = ..., department = ...}}")
        unknown = set(entry) - {"prefix", "column", "department"}
        if unknown:
            raise ConfigError(
                f"{where}.{sorted(unknown)[0]} 不是可用的设置（可用：column, department, prefix）"
            )
        department = entry.get("department")
        if not isinstance(department, str) or not department.strip():
            raise ConfigError(f"{where}.department 应为非空字符串")
        has = [k for k in ("prefix", "column") if k in entry]
        if len(has) != 1:
            raise ConfigError(f"{where} 须有 prefix 或 column 之一（只能一个）")
        key = has[0]
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise ConfigError(f"{where}.{key} 应为非空字符串")
        if key == "prefix" and not entry[key].startswith(("http://", "https://")):
            raise ConfigError(f"{where}.prefix 应为 http(s) 地址前缀")
        rules.append(DepartmentRule(department=department, **{key: entry[key]}))
    return tuple(rules)


def _deadline_days(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ConfigError("report.deadline_days 应为表，如 {critical = 3, ...}")
    days = dict(DEFAULT_DEADLINE_DAYS)
    for key, n in value.items():
        if key not in SEVERITIES:
            raise ConfigError(
                f"report.deadline_days.{key} 不是严重程度（可用：{', '.join(SEVERITIES)}）"
            )
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ConfigError(f"report.deadline_days.{key} 应为正整数")
        days[key] = n
    return days


def _scorecard(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ConfigError("report.scorecard 应为表")
    thresholds = dict(DEFAULT_SCORECARD)
    for key, n in value.items():
        where = f"report.scorecard.{key}"
        if key not in DEFAULT_SCORECARD:
            known = ", ".join(sorted(DEFAULT_SCORECARD))
            raise ConfigError(f"{where} 不是可用的设置（可用：{known}）")
        if not isinstance(n, int | float) or isinstance(n, bool):
            raise ConfigError(f"{where} 应为数字")
        if key == "warn_ratio" and not 0 < n <= 1:
            raise ConfigError(f"{where} 应在 0 和 1 之间")
        if key != "warn_ratio" and (n < 1 or int(n) != n):
            raise ConfigError(f"{where} 应为正整数")
        thresholds[key] = n if key == "warn_ratio" else int(n)
    return thresholds
