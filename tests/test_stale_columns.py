"""stale_column, empty_column, undated_item and date_mismatch on hand-built stores."""

import importlib.util
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from govaudit.checks import stale_column as stale_columns
from govaudit.checks.stale_column import DEFAULTS
from govaudit.core.config import AuditConfig, ConfigError, check_rules
from govaudit.core.model import LOADED_BY_SCRIPT, RENDERED, Link, ListItem, PageRecord
from govaudit.core.store import Store

SITE = "http://127.0.0.1:8000"
AS_OF = date(2024, 6, 30)
CHECKER = Path("/work/shared/tools/check_findings.py")


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


def items(*entries) -> tuple[ListItem, ...]:
    """(path, date) pairs → list items in page order."""
    return tuple(
        ListItem(f"{SITE}{path}", f"信息{path}", d, position)
        for position, (path, d) in enumerate(entries)
    )


def list_page(path: str, crumb: str, entries=(), **kw) -> PageRecord:
    return PageRecord(
        url=f"{SITE}{path}",
        status=200,
        kind="list",
        title=f"{crumb} - 临江市人社局",
        breadcrumb=("首页", crumb),
        list_items=items(*entries),
        **kw,
    )


def home(entries=(), links=()) -> PageRecord:
    return PageRecord(
        url=f"{SITE}/",
        status=200,
        kind="home",
        title="临江市人社局",
        list_items=items(*entries),
        links=tuple(Link(f"{SITE}{p}", "a", "href", "链接") for p in links),
    )


def audit(tmp_path, *records: PageRecord, rules: dict | None = None) -> list:
    store = Store(tmp_path / f"audit{len(list(tmp_path.glob('*.db')))}.db")
    audit_id = store.start_audit("site", f"{SITE}/", AS_OF, {})
    store.add_pages(audit_id, records)
    merged = check_rules(_config(rules or {}), "stale_column", stale_columns.DEFAULTS)
    findings = list(stale_columns.run(store.view(audit_id), merged, AS_OF))
    _assert_contract(findings)
    return findings


def _config(section: dict) -> AuditConfig:
    return AuditConfig(
        site_name="site",
        start_urls=(f"{SITE}/",),
        allowed_hosts=("127.0.0.1",),
        as_of=AS_OF,
        checks={"stale_column": section},
    )


def _assert_contract(findings) -> None:
    if not CHECKER.is_file():
        return  # CI clones the repository alone
    spec = importlib.util.spec_from_file_location("check_findings", CHECKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.problems([f.to_json() for f in findings]) == []


def by_check(findings, check: str) -> list:
    return [f for f in findings if f.check == check]


# -- thresholds --------------------------------------------------------------------------------


@pytest.mark.parametrize("days, stale", [(14, False), (15, True)])
def test_news_column_boundary_day_14_ok_day_15_stale(tmp_path, days, stale):
    findings = audit(tmp_path, list_page("/gzdt/", "工作动态", [("/gzdt/a.html", ago(days))]))
    found = by_check(findings, "stale_column")
    assert bool(found) is stale
    if stale:
        (f,) = found
        assert f.severity == "critical" and f.column == "工作动态"
        assert f.to_json()["last_updated"] == ago(15).isoformat()
        assert f.details["days"] == 15 and f.details["threshold_days"] == 14
        assert f.details["category"] == "动态要闻"
        assert f.details["newest_item_url"] == f"{SITE}/gzdt/a.html"
        assert f.page_url == f"{SITE}/gzdt/"


@pytest.mark.parametrize(
    "name, days, stale, severity",
    [
        ("通知公告", 180, False, None),
        ("通知公告", 181, True, "major"),
        ("政策文件", 200, True, "major"),
        ("人事信息", 365, False, None),
        ("规划计划", 366, True, "major"),
        ("机构职能", 366, True, "major"),
        ("机构职能", 300, False, None),
    ],
)
def test_thresholds_by_category(tmp_path, name, days, stale, severity):
    findings = audit(tmp_path, list_page("/col/", name, [("/col/a.html", ago(days))]))
    found = by_check(findings, "stale_column")
    assert [f.severity for f in found] == ([severity] if stale else [])


def test_pinned_old_item_and_oldest_first_pagination_do_not_fool_it(tmp_path):
    first = list_page(
        "/gzdt/index.html",
        "工作动态",
        [("/gzdt/pinned.html", ago(400)), ("/gzdt/old1.html", ago(100))],
        pagination=(f"{SITE}/gzdt/index_1.html",),
    )
    second = list_page(
        "/gzdt/index_1.html",
        "工作动态",
        [("/gzdt/old2.html", ago(50)), ("/gzdt/new.html", ago(3))],
        pagination=(f"{SITE}/gzdt/index.html",),
    )
    assert audit(tmp_path, first, second) == []


def test_stale_over_all_pages_reports_newest_of_all(tmp_path):
    first = list_page(
        "/tzgg/index.html",
        "通知公告",
        [("/tzgg/a.html", ago(300))],
        pagination=(f"{SITE}/tzgg/index_1.html",),
    )
    second = list_page("/tzgg/index_1.html", "通知公告", [("/tzgg/b.html", ago(200))])
    (f,) = audit(tmp_path, first, second)
    assert f.check == "stale_column" and f.details["days"] == 200
    assert f.page_url == f"{SITE}/tzgg/index.html"


def test_future_date_does_not_make_a_column_fresh(tmp_path):
    findings = audit(
        tmp_path,
        list_page("/gzdt/", "工作动态", [("/gzdt/a.html", ago(-30)), ("/gzdt/b.html", ago(40))]),
    )
    (f,) = by_check(findings, "stale_column")
    assert f.details["days"] == 40


# -- empty and undated -------------------------------------------------------------------------


def test_placeholder_page_is_an_empty_column(tmp_path):
    placeholder = PageRecord(
        url=f"{SITE}/rsxx/",
        status=200,
        kind="other",
        title="人事信息_临江市人社局",
        breadcrumb=("首页", "人事信息"),
        text="暂无信息",
    )
    (f,) = audit(tmp_path, placeholder)
    assert f.check == "empty_column" and f.severity == "critical"
    assert f.column == "人事信息" and f.details["last_updated"] is None
    assert f.details["threshold_days"] == 365 and f.details["placeholder"] is True


def test_list_without_items_is_an_empty_column(tmp_path):
    (f,) = audit(tmp_path, list_page("/zcjd/", "政策解读"))
    assert f.check == "empty_column" and f.details["threshold_days"] == 180


def test_list_loaded_by_script_is_undecidable_not_empty(tmp_path):
    """The crawler read no item, but a page script fills the list: 无法判定, not a 空白栏目 veto."""
    page = list_page("/bmfw/", "便民服务", meta={LOADED_BY_SCRIPT: "1"})
    (f,) = audit(tmp_path, page)
    assert f.check == "undecidable_column" and f.severity == "minor"
    assert f.details["needs_review"] is True and f.column == "便民服务"
    assert f.details["reason"] == "列表由脚本生成且无法读取"
    assert f.title == "栏目无法判定：便民服务（列表由脚本生成且无法读取，请人工核实）"
    assert f.details["last_updated"] is None and f.details["threshold_days"] == 365
    (g,) = audit(tmp_path, page, rules={"severity": {"undecidable_column": "major"}})
    assert g.severity == "major"


def test_undecidable_column_says_what_the_browser_made_of_it(tmp_path):
    page = list_page("/bmfw/", "便民服务", meta={LOADED_BY_SCRIPT: "1", RENDERED: "failed"})
    (f,) = audit(tmp_path, page)
    assert f.check == "undecidable_column" and f.details["browser"] == "failed"


def test_script_flag_on_a_column_with_items_changes_nothing(tmp_path):
    """Items on another page of the column: the flag of one page does not excuse or accuse."""
    first = list_page(
        "/gzdt/",
        "工作动态",
        [("/gzdt/a.html", ago(300))],
        pagination=(f"{SITE}/gzdt/index_1.html",),
    )
    second = list_page("/gzdt/index_1.html", "工作动态", meta={LOADED_BY_SCRIPT: "1"})
    (f,) = audit(tmp_path, first, second)
    assert f.check == "stale_column" and f.severity == "critical"


def test_other_page_that_is_not_a_placeholder_is_no_column(tmp_path):
    article = PageRecord(url=f"{SITE}/about.html", status=200, kind="other", text="机构简介" * 50)
    assert audit(tmp_path, article) == []


def test_column_with_only_undated_items_is_stale_without_date(tmp_path):
    findings = audit(
        tmp_path, list_page("/gzdt/", "工作动态", [("/gzdt/a.html", None), ("/gzdt/b.html", None)])
    )
    (f,) = findings
    assert f.check == "stale_column" and f.details["last_updated"] is None
    assert f.details["days"] is None and "未注明" in f.title


def test_undated_item_among_dated_ones(tmp_path):
    findings = audit(
        tmp_path,
        list_page(
            "/gzdt/",
            "工作动态",
            [("/gzdt/a.html", ago(2)), ("/gzdt/nodate.html", None)],
        ),
    )
    (f,) = findings
    assert f.check == "undated_item" and f.severity == "major"
    assert f.details["item_url"] == f"{SITE}/gzdt/nodate.html"
    assert f.page_url == f"{SITE}/gzdt/" and f.column == "工作动态"


def test_pinned_undated_item_on_every_page_is_one_finding(tmp_path):
    pinned = ("/gzdt/pinned.html", None)
    first = list_page(
        "/gzdt/index.html",
        "工作动态",
        [pinned, ("/gzdt/a.html", ago(1))],
        pagination=(f"{SITE}/gzdt/index_1.html",),
    )
    second = list_page("/gzdt/index_1.html", "工作动态", [pinned, ("/gzdt/b.html", ago(20))])
    (f,) = audit(tmp_path, first, second)
    assert f.check == "undated_item" and f.page_url == f"{SITE}/gzdt/index.html"


# -- date mismatch -----------------------------------------------------------------------------


def _article(path: str, published: date, **kw) -> PageRecord:
    return PageRecord(url=f"{SITE}{path}", status=200, kind="article", published=published, **kw)


def test_list_date_differing_from_page_date(tmp_path):
    findings = audit(
        tmp_path,
        list_page("/gzdt/", "工作动态", [("/gzdt/a.html", ago(1)), ("/gzdt/b.html", ago(2))]),
        _article("/gzdt/a.html", ago(40)),
        _article("/gzdt/b.html", ago(2)),
    )
    (f,) = findings
    assert f.check == "date_mismatch" and f.severity == "major"
    assert f.to_json()["list_date"] == ago(1).isoformat()
    assert f.to_json()["page_date"] == ago(40).isoformat()
    assert f.details["item_url"] == f"{SITE}/gzdt/a.html" and f.column == "工作动态"


def test_findings_point_at_the_column_page_that_shows_the_item(tmp_path):
    pages = [f"{SITE}/gzdt/index.html"] + [f"{SITE}/gzdt/index_{n}.html" for n in (1, 2)]
    entries = [
        [("/gzdt/a.html", ago(1))],
        [("/gzdt/b.html", ago(2)), ("/gzdt/undated.html", None)],
        [("/gzdt/c.html", ago(3)), ("/gzdt/b.html", ago(2))],
    ]
    records = [
        list_page(
            url.removeprefix(SITE),
            "工作动态",
            shown,
            pagination=tuple(p for p in pages if p != url),
        )
        for url, shown in reversed(list(zip(pages, entries, strict=True)))
    ]
    findings = audit(tmp_path, *records, _article("/gzdt/b.html", ago(30)))
    shown_on = {f.details["item_url"].removeprefix(SITE): (f.check, f.page_url) for f in findings}
    assert shown_on == {
        "/gzdt/b.html": ("date_mismatch", pages[1]),
        "/gzdt/undated.html": ("undated_item", pages[1]),
    }


def test_list_showing_the_documents_own_written_date_is_no_mismatch(tmp_path):
    document = PageRecord(
        url=f"{SITE}/gkml/a.html",
        status=200,
        kind="document",
        published=ago(5),
        meta={"成文日期": ago(9).isoformat(), "发布日期": ago(5).isoformat()},
    )
    findings = audit(
        tmp_path, list_page("/gkml/", "通知公告", [("/gkml/a.html", ago(9))]), document
    )
    assert findings == []


def test_a_date_only_the_items_url_carries_proves_no_mismatch(tmp_path):
    """Both dates read, or no 列表日期与正文发布日期不一致: a list that states no date (its item
    dated by its URL) or a store that does not say where the date came from proves nothing,
    while the URL's date still dates the column."""
    by_url = ListItem(f"{SITE}/gzdt/a.html", "信息a", ago(1), 0, date_from="url")
    unknown = ListItem(f"{SITE}/gzdt/b.html", "信息b", ago(2), 1, date_from=None)
    column = replace(list_page("/gzdt/", "工作动态"), list_items=(by_url, unknown))
    findings = audit(
        tmp_path, column, _article("/gzdt/a.html", ago(40)), _article("/gzdt/b.html", ago(50))
    )
    assert by_check(findings, "date_mismatch") == []
    stale = audit(tmp_path, replace(column, list_items=(replace(by_url, date=ago(400)),)))
    assert [f.check for f in stale] == ["stale_column"]


def test_mismatch_on_homepage_items_too(tmp_path):
    findings = audit(
        tmp_path,
        home([("/news/a.html", ago(1))]),
        _article("/news/a.html", ago(3)),
    )
    (f,) = findings
    assert f.check == "date_mismatch" and f.column == "首页" and f.page_url == f"{SITE}/"


# -- homepage ----------------------------------------------------------------------------------


@pytest.mark.parametrize("days, stale", [(14, False), (15, True)])
def test_homepage_boundary(tmp_path, days, stale):
    findings = audit(tmp_path, home([("/a.html", ago(days)), ("/b.html", ago(90))]))
    if not stale:
        assert findings == []
        return
    (f,) = findings
    assert f.check == "stale_column" and f.column == "首页" and f.severity == "critical"
    assert f.details["category"] == "首页" and f.page_url == f"{SITE}/"


def test_homepage_without_list_items_uses_linked_pages(tmp_path):
    findings = audit(
        tmp_path,
        home(links=["/x.html", "/y.html"]),
        _article("/x.html", ago(30)),
        _article("/y.html", ago(20)),
    )
    (f,) = findings
    assert f.column == "首页" and f.details["days"] == 20
    assert f.details["newest_item_url"] == f"{SITE}/y.html"
    fresh = audit(tmp_path, home(links=["/x.html"]), _article("/x.html", ago(3)))
    assert fresh == []


# -- overrides and config ----------------------------------------------------------------------


def test_profile_renames_sets_threshold_excludes_and_adds(tmp_path):
    records = [
        list_page("/a/", "栏目甲", [("/a/1.html", ago(100))]),
        list_page("/b/", "栏目乙", [("/b/1.html", ago(100))]),
        list_page("/c/", "栏目丙", [("/c/1.html", ago(100))]),
        PageRecord(
            url=f"{SITE}/d/index.html", status=200, kind="other", title="专题", text="x" * 500
        ),
    ]
    columns = [
        {"url": f"{SITE}/a/", "name": "工作动态"},  # rename: now a 14-day news column
        {"url": f"{SITE}/b/", "threshold_days": 30},
        {"url": f"{SITE}/c", "exclude": True},  # a URL prefix
        {"url": f"{SITE}/d/", "name": "专题专栏"},  # not a list page, still a column
    ]
    findings = audit(tmp_path, *records, rules={"columns": columns})
    got = {(f.check, f.column, f.details["threshold_days"]) for f in findings}
    assert got == {
        ("stale_column", "工作动态", 14),
        ("stale_column", "栏目乙", 30),
        ("empty_column", "专题专栏", 365),
    }


def test_category_thresholds_and_severity_are_configurable(tmp_path):
    rules = {"thresholds": {"动态要闻": 30}, "severity": {"动态要闻": "major"}}
    page = list_page("/gzdt/", "工作动态", [("/gzdt/a.html", ago(20))])
    assert audit(tmp_path, page, rules=rules) == []
    rules["thresholds"]["动态要闻"] = 10
    (f,) = audit(tmp_path, page, rules=rules)
    assert f.severity == "major" and f.details["threshold_days"] == 10


@pytest.mark.parametrize(
    "section, message",
    [
        ({"thresholds": {"动态要闻": "two weeks"}}, "checks.stale_column.thresholds.动态要闻"),
        ({"thresholds": {"动态要闻": -1}}, "应为 0 天或更多"),
        ({"severity": {"首页": "fatal"}}, "checks.stale_column.severity.首页"),
        ({"limit": 3}, "checks.stale_column.limit 不是可用的设置"),
        ({"columns": [{"name": "x"}]}, "columns[0].url 应为 http(s) 地址"),
        (
            {"columns": [{"url": f"{SITE}/a/", "threshold": 3}]},
            "columns[0].threshold 不是可用的设置",
        ),
        ({"columns": [{"url": f"{SITE}/a/", "threshold_days": "3"}]}, "应为整数"),
        (
            {"columns": [{"url": f"{SITE}/a/", "exclude": 1}]},
            "columns[0].exclude 应为布尔值（true 或 false）",
        ),
        ({"columns": [{"url": f"{SITE}/a/", "category": "新闻"}]}, "columns[0].category"),
    ],
)
def test_config_validation(section, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        rules = check_rules(_config(section), "stale_column", stale_columns.DEFAULTS)
        stale_columns.validate_rules(rules)


@pytest.mark.parametrize("table", ["thresholds", "severity"])
def test_a_misspelt_category_is_refused_with_the_known_ones(table):
    value = 7 if table == "thresholds" else "minor"
    with pytest.raises(ConfigError) as err:
        rules = check_rules(_config({table: {"动态新闻": value}}), "stale_column", DEFAULTS)
        stale_columns.validate_rules(rules)
    message = str(err.value)
    assert message.startswith(f"checks.stale_column.{table}.动态新闻 不是栏目类别")
    assert all(name in message for name in ("动态要闻", "通知公告政策文件", "首页", "其他"))


def test_a_category_of_the_profiles_own_keywords_takes_a_threshold():
    section = {"category_keywords": {"专题": ["专题"]}, "thresholds": {"专题": 30}}
    rules = check_rules(_config(section), "stale_column", DEFAULTS)
    assert stale_columns.validate_rules(rules)["thresholds"]["专题"] == 30
