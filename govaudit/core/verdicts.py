"""What the checks judge of a whole audit and the reports present: the veto verdicts, how much of
the site was seen, and the 预警 rows.

The records live on the floor so that checks/ can produce them and reports/ present them without
one room importing the other (tests/test_layout.py). The judging itself is checks/judge.py;
the roof hands it to the reports as a `Judge`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from govaudit.core.model import Finding

if TYPE_CHECKING:
    from govaudit.core.store import Store

PASS, WARN, VETO, UNCHECKED = "合格", "预警", "否决", "未检查"
# Nothing could be judged, or what was seen cannot settle it: neither 合格 nor 否决.
UNDECIDABLE = "无法判定"

WARNING_KINDS = {
    "column_due": "栏目即将超期",
    "veto_near": "接近单项否决",
    "register_due": "文件即将超期公开",
}


@dataclass(frozen=True)
class ScoreItem:
    """One single-veto item of the inspection indicators, measured (checks/scorecard.py)."""

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


@dataclass(frozen=True)
class Completeness:
    """How much of its site an audit saw (checks/completeness.py)."""

    complete: bool
    judged: bool  # a start page answered with a page: something of the site could be judged
    reasons: tuple[str, ...] = ()  # why not complete, in Chinese, most important first


@dataclass(frozen=True)
class EarlyWarning:
    """One 预警 row (checks/early_warning.py): `to_json` is its object in warnings.json."""

    id: str  # stable: the same warning has the same id in every audit
    kind: str  # one of WARNING_KINDS
    title: str  # one line for a human, in Chinese
    page_url: str = ""  # where a person looks ("" for a site-wide veto item)
    column: str = ""
    due: date | None = None  # the day it becomes a problem (column_due)
    days_left: int | None = None  # days from the audit's as_of to `due`
    measured: int | None = None  # veto_near: the item's count or days now, and its threshold
    threshold: int | None = None

    @property
    def kind_name(self) -> str:
        return WARNING_KINDS[self.kind]

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if v is not None and v != ""}
        if self.due is not None:
            out["due"] = self.due.isoformat()
        return {**out, "kind_name": self.kind_name}


@dataclass(frozen=True)
class Verdicts:
    """Everything judged of one audit beyond its findings."""

    score: list[ScoreItem]
    verdict: str  # the one conclusion (合格 / 预警 / 否决 / 无法判定)
    seen: Completeness
    suspected: int = 0  # 疑似 findings: listed, left out of every veto count
    warnings: list[EarlyWarning] = field(default_factory=list)
    warning_days: int = 3  # how many days ahead the 预警 look (`[checks.early_warning]`)


# judge(store, audit_id, active findings (the staff's 误报 left out), the `[report] scorecard`
# thresholds) -> Verdicts. The roof passes checks.judge.judge.
Judge = Callable[["Store", int, Sequence[Finding], Mapping[str, Any]], Verdicts]
