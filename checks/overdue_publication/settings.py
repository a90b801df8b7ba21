"""The check's settings (`[checks.overdue_publication]`), read and validated once, and its rules'
wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from govaudit.core.config import ConfigError, compile_pattern
from govaudit.core.model import SEVERITIES

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

RULE_NORMATIVE = "规范性文件应于印发之日起{n}日内公开（本单位规定）"
RULE_ACTIVE = "主动公开信息应自形成之日起{n}个工作日内公开（《政府信息公开条例》第二十六条）"
RULE_ANNUAL = "政府信息公开工作年度报告应于每年{m}月{d}日前公布（条例第四十九条）"
RULE_SECTIONS = "政府信息公开工作年度报告应包括条例第五十条规定的六项内容"
RULE_INTERPRETATION = "政策解读应与政策文件同步发布（国办发〔2016〕80号）"
RULE_INTERPRETATION_LOCAL = "；{rule}允许最迟不超过{n}个工作日"
APPROXIMATE = "（日期超出官方节假日历覆盖的年份，按周一至周五估算）"

# -- settings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
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
    def from_rules(cls, rules: dict[str, Any]) -> Settings:
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
