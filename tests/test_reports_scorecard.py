"""The inspection scorecard at its boundaries, the [report] settings, deadlines and departments."""

from datetime import date

import pytest
from reports_store import SITE, empty, stale, word

from govaudit.checks.scorecard import overall, scorecard
from govaudit.core.config import ConfigError
from govaudit.reports.deadlines import deadline_for
from govaudit.reports.departments import department_for
from govaudit.reports.settings import DEFAULT_SCORECARD, report_settings

AS_OF = date(2024, 3, 1)


def item(items, key):
    return next(i for i in items if i.key == key)


@pytest.mark.parametrize(
    ("days", "verdict"), [(0, "合格"), (9, "合格"), (10, "预警"), (14, "预警"), (15, "否决")]
)
def test_homepage_days_measured_from_its_newest_item(days, verdict):
    newest = date.fromordinal(AS_OF.toordinal() - days)
    home = item(scorecard([], DEFAULT_SCORECARD, newest, AS_OF), "homepage")
    assert (home.measured, home.verdict) == (days, verdict)
    assert home.threshold_label() == "> 14 天"


@pytest.mark.parametrize(
    ("days", "verdict"), [(9, "合格"), (10, "预警"), (14, "预警"), (15, "否决")]
)
def test_homepage_days_from_a_stale_homepage_finding(days, verdict):
    findings = [stale("首页", days, category="首页", url=f"{SITE}/")]
    home = item(scorecard(findings, DEFAULT_SCORECARD, None, AS_OF), "homepage")
    assert (home.measured, home.verdict) == (days, verdict)


def test_undated_homepage_is_vetoed_and_unknown_freshness_passes():
    undated = [stale("首页", None, category="首页")]
    assert item(scorecard(undated, DEFAULT_SCORECARD), "homepage").verdict == "否决"
    unknown = item(scorecard([], DEFAULT_SCORECARD), "homepage")
    assert unknown.measured is None and unknown.verdict == "合格" and unknown.note


@pytest.mark.parametrize(("count", "verdict"), [(3, "合格"), (4, "预警"), (5, "否决"), (6, "否决")])
def test_stale_priority_columns_count(count, verdict):
    findings = [stale(f"新闻{i}", 30) for i in range(count)]
    findings += [stale(f"其他{i}", 400, category="其他") for i in range(2)]  # not priority
    items = scorecard(findings, DEFAULT_SCORECARD)
    assert (item(items, "stale_columns").measured, item(items, "stale_columns").verdict) == (
        count,
        verdict,
    )
    assert item(items, "columns_not_updated").measured == count + 2


def test_category_falls_back_on_the_column_name():
    finding = stale("通知公告", 200, category="")
    assert item(scorecard([finding], DEFAULT_SCORECARD), "stale_columns").measured == 1


@pytest.mark.parametrize(
    ("count", "verdict"), [(6, "合格"), (7, "预警"), (9, "预警"), (10, "否决")]
)
def test_columns_not_updated(count, verdict):
    findings = [stale(f"其他{i}", 400, category="其他") for i in range(count)]
    findings.append(stale("首页", 20, category="首页"))  # the homepage is not a column
    assert item(scorecard(findings, DEFAULT_SCORECARD), "columns_not_updated").verdict == verdict


@pytest.mark.parametrize(("count", "verdict"), [(3, "合格"), (4, "预警"), (5, "否决")])
def test_empty_columns(count, verdict):
    findings = [empty(f"栏目{i}") for i in range(count)]
    assert item(scorecard(findings, DEFAULT_SCORECARD), "empty_columns").verdict == verdict


def test_serious_wrong_expressions_and_overall():
    minor = [word("某词", severity="minor")]
    items = scorecard(minor, DEFAULT_SCORECARD)
    assert item(items, "serious_wrong_expressions").verdict == "合格"
    assert item(items, "unanswered_messages").verdict == "未检查"
    assert overall(items) == "合格"
    items = scorecard([*minor, word("杜家豪")], DEFAULT_SCORECARD)
    assert item(items, "serious_wrong_expressions").verdict == "否决"
    assert overall(items) == "否决"


def test_thresholds_come_from_the_profile():
    settings = report_settings({"scorecard": {"empty_columns": 2, "warn_ratio": 0.5}})
    items = scorecard([empty("a")], settings.scorecard)
    assert item(items, "empty_columns").verdict == "预警"
    assert item(
        scorecard([empty("a"), empty("b")], settings.scorecard), "empty_columns"
    ).verdict == ("否决")


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"colour": 1}, "report.colour"),
        ({"deadline_days": {"urgent": 1}}, "report.deadline_days.urgent"),
        ({"deadline_days": {"major": 0}}, "report.deadline_days.major"),
        ({"deadline_days": 5}, "report.deadline_days"),
        ({"departments": {"prefix": "x"}}, "report.departments"),
        (
            {"departments": [{"prefix": "/zwgk/", "department": "办公室"}]},
            "report.departments[0].prefix",
        ),
        ({"departments": [{"column": "工作动态"}]}, "report.departments[0].department"),
        (
            {"departments": [{"column": "a", "prefix": "http://h/", "department": "b"}]},
            "report.departments[0]",
        ),
        ({"departments": [{"url": "x", "department": "b"}]}, "report.departments[0].url"),
        ({"scorecard": {"homepage_days": "14"}}, "report.scorecard.homepage_days"),
        ({"scorecard": {"warn_ratio": 1.5}}, "report.scorecard.warn_ratio"),
        ({"scorecard": {"veto": 1}}, "report.scorecard.veto"),
        ({"default_department": 3}, "report.default_department"),
    ],
)
def test_settings_errors_name_the_key(raw, key):
    with pytest.raises(ConfigError) as err:
        report_settings(raw)
    assert str(err.value).startswith(key) and "\n" not in str(err.value)


def test_deadlines_count_chinese_working_days():
    settings = report_settings({"deadline_days": {"critical": 3}})
    # Friday 27 Sep 2024: Sunday 29 Sep is a make-up workday, 1–7 October the National Day.
    assert deadline_for("critical", date(2024, 9, 27), settings).date == date(2024, 10, 8)
    assert deadline_for("minor", date(2024, 3, 1), settings).date == date(2024, 3, 15)


def test_departments_longest_prefix_then_column():
    settings = report_settings(
        {
            "default_department": "信息中心",
            "departments": [
                {"prefix": f"{SITE}/zwgk/", "department": "办公室"},
                {"prefix": f"{SITE}/zwgk/rsxx/", "department": "人事科"},
                {"column": "工作动态", "department": "宣传科"},
            ],
        }
    )
    assert department_for(f"{SITE}/zwgk/rsxx/1.html", None, settings) == "人事科"
    assert department_for(f"{SITE}/zwgk/2.html", None, settings) == "办公室"
    assert department_for(f"{SITE}/zwgk/2.html", "工作动态", settings) == "宣传科"
    assert department_for(f"{SITE}/other.html", "其他", settings) == "信息中心"
