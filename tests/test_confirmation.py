"""疑似 → 确认 over consecutive audits, with the carried records of daily rolling audits."""

from datetime import date

import pytest

from govaudit.checks.confirmation import validate_rules, with_history
from govaudit.checks.early_warning import veto_warnings
from govaudit.checks.scorecard import scorecard
from govaudit.core.config import ConfigError
from govaudit.core.model import Finding
from govaudit.reports.settings import DEFAULT_SCORECARD

DAY1, DAY2, DAY3 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)


def link(verified: date) -> Finding:
    details = {"target_url": "http://site/gone.html", "last_verified": verified.isoformat()}
    return Finding("broken_link-1", "broken_link", "major", "http://site/", "链接不可用", details)


def stale(column: str) -> Finding:
    return Finding(
        f"stale_column-{column}",
        "stale_column",
        "critical",
        f"http://site/{column}/",
        f"栏目不更新：{column}",
        {"column": column, "category": "动态要闻", "days": 40},
        column=column,
    )


def audit_on(day: date, finding: Finding, previous: Finding | None, confirm_after: int = 2):
    known = {previous.id: previous} if previous else {}
    first = {previous.id: previous.details["first_seen"]} if previous else {}
    [dated] = with_history([finding], known, first, day, confirm_after)
    return dated


def test_a_carried_record_keeps_its_history_but_does_not_confirm():
    first = audit_on(DAY1, link(DAY1), None)
    carried = audit_on(DAY2, link(DAY1), first)  # the page was not fetched on DAY2
    assert carried.details["confirmation"] == "疑似"
    assert (carried.details["times_seen"], carried.details["times_verified"]) == (2, 1)
    assert carried.details["first_seen"] == DAY1.isoformat()
    assert carried.details["last_verified"] == DAY1.isoformat()
    seen_again = audit_on(DAY3, link(DAY3), carried)
    assert seen_again.details["confirmation"] == "确认"
    assert (seen_again.details["times_seen"], seen_again.details["times_verified"]) == (3, 2)


def test_confirm_after_is_the_profiles():
    first = audit_on(DAY1, link(DAY1), None, confirm_after=3)
    second = audit_on(DAY2, link(DAY2), first, confirm_after=3)
    third = audit_on(DAY3, link(DAY3), second, confirm_after=3)
    assert [f.details["confirmation"] for f in (first, second, third)] == ["疑似", "疑似", "确认"]
    assert audit_on(DAY1, link(DAY1), None, confirm_after=1).details["confirmation"] == "确认"
    with pytest.raises(ConfigError, match="confirm_after"):
        validate_rules({"confirm_after": 0})


def test_a_gap_starts_the_count_again():
    first = audit_on(DAY1, link(DAY1), None)
    again = audit_on(DAY3, link(DAY3), None)  # absent from the previous audit
    assert again.details["times_seen"] == 1 and again.details["confirmation"] == "疑似"
    assert first.details["times_seen"] == 1


def test_four_stale_columns_of_five_are_a_warning_not_a_veto():
    findings = [stale(name) for name in ("工作动态", "部门动态", "基层动态", "图片新闻")]
    items = scorecard(findings, DEFAULT_SCORECARD)
    [warning] = [w for w in veto_warnings(items) if w.measured == 4]
    assert (warning.kind, warning.threshold) == ("veto_near", 5)
    assert "接近单项否决" in warning.title and "4 个" in warning.title
    vetoed = veto_warnings(scorecard([*findings, stale("要闻")], DEFAULT_SCORECARD))
    assert warning.id not in {w.id for w in vetoed}  # at 5 it is a veto, no longer a warning
