"""overdue_publication on hand-built stores: each rule at its boundary, on real holiday periods."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from govaudit.checks import overdue_publication as overdue
from govaudit.core.config import ConfigError, check_rules, load_config
from govaudit.core.model import Finding, Link, ListItem, PageRecord
from govaudit.core.store import Store

SITE = "http://rsj.example.gov.cn"
AS_OF = date(2024, 6, 1)
SIX_SECTIONS = (
    "一、总体情况 本机关坚持以公开为常态。二、主动公开政府信息情况 详见下表。"
    "三、收到和处理政府信息公开申请情况 共收到申请5件。"
    "四、政府信息公开行政复议、行政诉讼情况 无。五、存在的主要问题及改进情况 公开质量有待提高。"
    "六、其他需要报告的事项 无。"
)


def document(
    path: str,
    title: str,
    written: str | None,
    published: str | None,
    breadcrumb: tuple[str, ...] = ("首页", "政府信息公开", "政策文件"),
    **meta: str,
) -> PageRecord:
    text = meta.pop("text", "")
    fields = dict(meta)
    if written:
        fields["成文日期"] = written
    if published:
        fields["发布日期"] = published
    return PageRecord(
        url=f"{SITE}{path}",
        status=200,
        kind="document",
        title=title,
        text=text,
        published=date.fromisoformat(published) if published else None,
        meta=fields,
        breadcrumb=breadcrumb,
    )


def audit(tmp_path: Path, pages: list[PageRecord], as_of: date = AS_OF, **rules: Any):
    store = Store(tmp_path / "audit.db")
    audit_id = store.start_audit("rsj", f"{SITE}/", as_of, {})
    home = PageRecord(url=f"{SITE}/", status=200, kind="home", title="某市人力资源和社会保障局")
    store.add_pages(audit_id, [home, *pages])
    merged = {**overdue.DEFAULTS, **rules}
    found = list(overdue.run(store.view(audit_id), merged, as_of))
    _assert_contract(found)
    return found


def _assert_contract(found: list[Finding]) -> None:
    tool = Path("/work/shared/tools/check_findings.py")
    if not tool.is_file():  # CI clones the repository alone
        return
    spec = importlib.util.spec_from_file_location("check_findings", tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.problems([f.to_json() for f in found]) == []


def only(found: list[Finding], check: str = "overdue_publication") -> list[Finding]:
    return [f for f in found if f.check == check and f.details.get("rule_key") != "annual_report"]


# -- 规范性文件: 7 calendar days ---------------------------------------------------------------


def test_normative_document_day_seven_is_in_time_day_eight_is_late(tmp_path: Path) -> None:
    found = audit(
        tmp_path,
        [
            document("/a.html", "在时限内的办法", "2024-03-01", "2024-03-08", 是否规范性文件="是"),
            document("/b.html", "超期一天的办法", "2024-03-01", "2024-03-09", 是否规范性文件="是"),
        ],
    )
    [late] = only(found)
    assert late.page_url == f"{SITE}/b.html"
    assert late.details["issued"] == date(2024, 3, 1)
    assert late.details["deadline"] == date(2024, 3, 8)
    assert late.details["published"] == date(2024, 3, 9)
    assert late.details["days_late"] == 1
    assert late.details["rule"] == "规范性文件应于印发之日起7日内公开（本单位规定）"
    assert late.details["approximate"] is False
    assert late.severity == "major"
    assert late.column == "政策文件"
    assert late.to_json()["deadline"] == "2024-03-08"


def test_normative_counts_from_the_printing_date_when_given(tmp_path: Path) -> None:
    page = document("/a.html", "办法", "2024-03-01", "2024-03-10", 是否规范性文件="是")
    page.meta["印发日期"] = "2024-03-04"
    assert only(audit(tmp_path, [page])) == []


def test_normative_by_column_by_list_page_and_by_number(tmp_path: Path) -> None:
    # Ten calendar days, eight working days: late only as a 规范性文件.
    by_column = document(
        "/gfxwj/1.html",
        "甲办法",
        "2024-03-01",
        "2024-03-11",
        ("首页", "政府信息公开", "规范性文件"),
    )
    by_number = document(
        "/zcwj/2.html", "乙办法", "2024-03-01", "2024-03-11", 文号="某人社规〔2024〕2号"
    )
    by_list = document("/x/3.html", "丙办法", "2024-03-01", "2024-03-11", breadcrumb=())
    listing = PageRecord(
        url=f"{SITE}/gfxwj/",
        status=200,
        kind="list",
        title="规范性文件_某市人力资源和社会保障局",
        list_items=(ListItem(f"{SITE}/x/3.html", "丙办法", date(2024, 3, 11), 0),),
    )
    ordinary = document(
        "/zcwj/4.html", "丁通知", "2024-03-01", "2024-03-11", 文号="某人社发〔2024〕9号"
    )
    found = only(audit(tmp_path, [by_column, by_number, by_list, listing, ordinary]))
    assert sorted(f.page_url.rsplit("/", 1)[-1] for f in found) == ["1.html", "2.html", "3.html"]
    assert {f.details["rule_key"] for f in found} == {"normative"}
    by_url = {f.page_url: f for f in found}
    assert by_url[f"{SITE}/zcwj/2.html"].details["document_number"] == "某人社规〔2024〕2号"
    assert by_url[f"{SITE}/x/3.html"].column == "规范性文件"


def test_the_documents_own_flag_wins_and_interpretation_columns_hold_no_normative(
    tmp_path: Path,
) -> None:
    said_no = document(
        "/gfxwj/1.html",
        "甲通知",
        "2024-03-01",
        "2024-03-11",
        ("首页", "规范性文件"),
        是否规范性文件="否",
    )
    reading_column = document(
        "/gfxwjjd/2.html", "乙办法", "2024-03-01", "2024-03-11", ("首页", "规范性文件解读")
    )
    assert only(audit(tmp_path, [said_no, reading_column])) == []


def test_a_column_of_documents_and_their_interpretations_holds_documents(tmp_path: Path) -> None:
    mixed = document(
        "/gfxwj/1.html", "甲办法", "2024-03-01", "2024-03-11", ("首页", "规范性文件及解读")
    )
    [late] = only(audit(tmp_path, [mixed]))
    assert late.details["rule_key"] == "normative"


# -- 主动公开: 20 working days (条例第二十六条) ------------------------------------------------


def test_twenty_working_days_across_national_day_2021(tmp_path: Path) -> None:
    # 2021-09-17 + 20 working days = 2021-10-21 (holidays 09-19..21, 10-01..07; make-up
    # workdays 09-18, 09-26, 10-09): 34 calendar days and still in time; 10-22 is one day over.
    found = audit(
        tmp_path,
        [
            document("/a.html", "在时限内的通知", "2021-09-17", "2021-10-21"),
            document(
                "/b.html", "超期一天的通知", "2021-09-17", "2021-10-22", 文号="某人社发〔2021〕5号"
            ),
        ],
    )
    [late] = only(found)
    assert late.page_url == f"{SITE}/b.html"
    assert late.details["deadline"] == date(2021, 10, 21)
    assert late.details["workdays_late"] == 1
    assert late.details["days_late"] == 1
    assert late.details["approximate"] is False
    assert late.details["document_number"] == "某人社发〔2021〕5号"
    assert late.details["rule"] == (
        "主动公开信息应自形成之日起20个工作日内公开（《政府信息公开条例》第二十六条）"
    )
    assert "估算" not in late.title


def test_spring_festival_is_not_counted(tmp_path: Path) -> None:
    # 2024-01-25 + 20 working days: 01-26..02-09 (12, with make-up Sunday 02-04), holiday
    # 02-10..17, make-up Sunday 02-18, then 02-19..02-27 → 2024-02-27 (33 calendar days).
    found = audit(
        tmp_path,
        [
            document("/a.html", "甲", "2024-01-25", "2024-02-27"),
            document("/b.html", "乙", "2024-01-25", "2024-02-28"),
        ],
    )
    assert [f.page_url for f in only(found)] == [f"{SITE}/b.html"]


def test_dates_outside_the_calendar_are_approximate_and_say_so(tmp_path: Path) -> None:
    [late] = only(audit(tmp_path, [document("/a.html", "甲", "2099-01-02", "2099-03-02")]))
    assert late.details["approximate"] is True
    assert "按周一至周五估算" in late.title


def test_documents_not_for_active_disclosure_or_of_higher_authorities_are_exempt(
    tmp_path: Path,
) -> None:
    upper = document("/sj/1.html", "国务院文件", "2024-01-02", "2024-05-02", ("首页", "上级文件"))
    on_request = document("/a.html", "依申请", "2024-01-02", "2024-05-02", 公开方式="依申请公开")
    assert only(audit(tmp_path, [upper, on_request])) == []


# -- data quality --------------------------------------------------------------------------


def test_missing_and_invalid_publication_dates_are_findings_of_their_own(tmp_path: Path) -> None:
    found = audit(
        tmp_path,
        [
            document("/a.html", "无发布日期", "2024-03-01", None),
            document("/b.html", "倒填日期", "2024-03-05", "2024-03-01"),
        ],
    )
    [missing] = [f for f in found if f.check == "publication_date_missing"]
    [invalid] = [f for f in found if f.check == "publication_date_invalid"]
    assert missing.page_url == f"{SITE}/a.html" and missing.details["published"] is None
    assert missing.severity == "minor"
    assert invalid.details["issued"] == date(2024, 3, 5)
    assert invalid.details["published"] == date(2024, 3, 1)
    assert invalid.severity == "major"
    assert only(found) == []


def test_a_page_date_counts_when_the_table_has_none(tmp_path: Path) -> None:
    page = document("/a.html", "甲", "2024-03-01", None)
    page = PageRecord(**{**page.__dict__, "published": date(2024, 3, 5)})
    assert audit(tmp_path, [page], annual_report=False) == []


# -- 年度报告 (条例第四十九、五十条) ----------------------------------------------------------


def annual_list(*items: ListItem) -> PageRecord:
    return PageRecord(
        url=f"{SITE}/xxgk/ndbg/",
        status=200,
        kind="list",
        title="政府信息公开年报_某市人力资源和社会保障局",
        breadcrumb=("首页", "政府信息公开", "政府信息公开年报"),
        list_items=items,
    )


def report(title: str, published: str, text: str = SIX_SECTIONS, **kw: Any) -> PageRecord:
    return PageRecord(
        url=f"{SITE}/xxgk/ndbg/t{published.replace('-', '')}_1.html",
        status=200,
        kind="article",
        title=title,
        text=text,
        published=date.fromisoformat(published),
        breadcrumb=("首页", "政府信息公开", "政府信息公开年报"),
        **kw,
    )


def annual(found: list[Finding]) -> list[Finding]:
    return [
        f
        for f in found
        if f.check == "annual_report_incomplete" or f.details.get("rule_key") == "annual_report"
    ]


def test_no_annual_report_finding_until_the_deadline_has_passed(tmp_path: Path) -> None:
    assert annual(audit(tmp_path, [annual_list()], as_of=date(2024, 1, 31))) == []


def test_a_missing_annual_report_is_flagged_at_its_column(tmp_path: Path) -> None:
    [missing] = annual(audit(tmp_path, [annual_list()], as_of=date(2024, 2, 1)))
    assert missing.check == "overdue_publication"
    assert missing.page_url == f"{SITE}/xxgk/ndbg/"
    assert missing.column == "政府信息公开年报"
    assert missing.details["issued"] is None and missing.details["published"] is None
    assert missing.details["deadline"] == date(2024, 1, 31)
    assert (
        missing.details["rule"] == "政府信息公开工作年度报告应于每年1月31日前公布（条例第四十九条）"
    )
    assert "2023" in missing.title


def test_a_missing_annual_report_falls_back_to_the_homepage(tmp_path: Path) -> None:
    news = PageRecord(url=f"{SITE}/gzdt/", status=200, kind="list", title="工作动态")
    [missing] = annual(audit(tmp_path, [news], as_of=date(2024, 2, 1)))
    assert missing.page_url == f"{SITE}/"
    assert missing.details["crawl_complete"] is True


def test_absence_is_not_claimed_from_a_crawl_that_read_nothing_or_not_everything(
    tmp_path: Path,
) -> None:
    assert annual(audit(tmp_path, [], as_of=date(2024, 2, 1))) == []
    skipped = PageRecord(url=f"{SITE}/more/", error="skipped", error_detail="max_pages")
    [missing] = annual(audit(tmp_path, [annual_list(), skipped], as_of=date(2024, 2, 1)))
    assert missing.details["crawl_complete"] is False
    assert "请人工核实" in missing.title


def test_a_report_named_by_a_link_only_is_present(tmp_path: Path) -> None:
    """Present, so not missing; but no date is stated anywhere: whether it came in time is
    无法判定 (a person opens it), never 合格 by silence."""
    link = Link("http://xxgk.example.gov.cn/nb/2023.html", "a", "href", "2023年政务公开年报")
    page = PageRecord(
        url=f"{SITE}/xxgk/", status=200, kind="list", title="政府信息公开", links=(link,)
    )
    [open_] = annual(audit(tmp_path, [page], as_of=date(2024, 2, 1)))
    assert "无法判定" in open_.title and open_.details["needs_review"] is True


def test_a_complete_report_in_time_gives_no_finding(tmp_path: Path) -> None:
    page = report("某市人力资源和社会保障局2023年政府信息公开工作年度报告", "2024-01-20")
    assert annual(audit(tmp_path, [annual_list(), page], as_of=date(2024, 2, 1))) == []


def test_report_titles_in_chinese_numerals_and_listed_only(tmp_path: Path) -> None:
    numerals = report("二〇二三年度政府信息公开工作年度报告", "2024-01-20")
    assert annual(audit(tmp_path, [numerals], as_of=date(2024, 3, 1))) == []
    item = ListItem(f"{SITE}/xxgk/ndbg/2023.pdf", "2023年度政府信息公开年报", date(2024, 1, 30), 0)
    assert annual(audit(tmp_path, [annual_list(item)], as_of=date(2024, 3, 1))) == []


def test_a_notice_about_the_report_is_not_the_report(tmp_path: Path) -> None:
    notice = report("关于做好2023年政府信息公开工作年度报告编制工作的通知", "2024-01-05")
    [missing] = annual(audit(tmp_path, [annual_list(), notice], as_of=date(2024, 2, 1)))
    assert missing.details["published"] is None


def test_a_report_published_after_the_deadline_is_late(tmp_path: Path) -> None:
    page = report("2023年政府信息公开工作年度报告", "2024-02-05")
    [late] = annual(audit(tmp_path, [annual_list(), page], as_of=date(2024, 3, 1)))
    assert late.page_url == page.url
    assert late.details["published"] == date(2024, 2, 5)
    assert late.details["deadline"] == date(2024, 1, 31)
    assert late.details["days_late"] == 5


def test_a_report_dated_by_its_url_alone_is_undecidable_not_late(tmp_path: Path) -> None:
    """The URL's date (t20240205_1.html) orders pages; it is no 发布日期 the page states."""
    page = report("2023年政府信息公开工作年度报告", "2024-02-05", published_from="url")
    item = ListItem(page.url, page.title, date(2024, 2, 5), 0, date_from="url")
    [open_] = annual(audit(tmp_path, [annual_list(item), page], as_of=date(2024, 3, 1)))
    assert "无法判定" in open_.title and "请人工核实" in open_.title
    assert open_.details["published"] is None and open_.details["needs_review"] is True
    assert "days_late" not in open_.details
    assert open_.page_url == page.url


def test_the_date_a_list_states_dates_the_report_over_its_url(tmp_path: Path) -> None:
    page = report("2023年政府信息公开工作年度报告", "2024-02-05", published_from="url")
    item = ListItem(page.url, page.title, date(2024, 1, 20), 0)  # the list's own date
    assert annual(audit(tmp_path, [annual_list(item), page], as_of=date(2024, 3, 1))) == []
    late = ListItem(page.url, page.title, date(2024, 2, 6), 0)
    (tmp_path / "late").mkdir()
    [found] = annual(audit(tmp_path / "late", [annual_list(late), page], as_of=date(2024, 3, 1)))
    assert found.details["published"] == date(2024, 2, 6) and found.details["days_late"] == 6


def test_a_report_stating_its_date_is_judged_on_it(tmp_path: Path) -> None:
    page = report("2023年政府信息公开工作年度报告", "2024-02-05", published_from="label")
    [late] = annual(audit(tmp_path, [annual_list(), page], as_of=date(2024, 3, 1)))
    assert late.details["published"] == date(2024, 2, 5) and late.details["days_late"] == 5


def test_missing_sections_make_the_report_incomplete(tmp_path: Path) -> None:
    text = "一、总体情况 …… 二、主动公开政府信息情况 …… 三、收到和处理政府信息公开申请情况 ……"
    page = report("2023年政府信息公开工作年度报告", "2024-01-20", text=text)
    [incomplete] = annual(audit(tmp_path, [annual_list(), page], as_of=date(2024, 2, 1)))
    assert incomplete.check == "annual_report_incomplete"
    assert incomplete.details["year"] == 2023
    assert incomplete.details["missing_sections"] == [
        "政府信息公开行政复议、行政诉讼情况",
        "存在的主要问题及改进情况",
        "其他需要报告的事项",
    ]
    assert incomplete.severity == "major"


def test_section_headings_in_other_wordings_are_accepted(tmp_path: Path) -> None:
    text = (
        "（一）总体情况 （二）主动公开政府信息 （三）收到和处理政府信息公开申请 "
        "（四）因政府信息公开工作被申请行政复议、提起行政诉讼情况 "
        "（五）政府信息公开工作存在的主要问题及改进情况 （六）其他需要报告的事项"
    )
    page = report("2023年政府信息公开工作年度报告", "2024-01-20", text=text)
    assert annual(audit(tmp_path, [page], as_of=date(2024, 2, 1))) == []


def test_a_report_kept_in_an_attachment_is_not_called_incomplete(tmp_path: Path) -> None:
    links = (Link(f"{SITE}/xxgk/ndbg/2023.pdf", "a", "href", "2023年年报.pdf"),)
    page = report("2023年政府信息公开工作年度报告", "2024-01-20", text="详见附件。", links=links)
    assert annual(audit(tmp_path, [page], as_of=date(2024, 2, 1))) == []


# -- 政策解读 -----------------------------------------------------------------------------------


def policy(published: str = "2024-03-01") -> PageRecord:  # a Friday
    return document(
        "/zcwj/1.html",
        "关于印发《某市就业补助资金管理办法》的通知",
        "2024-02-28",
        published,
        文号="某人社发〔2024〕3号",
    )


def reading(published: str, path: str = "/zcjd/1.html", title: str = "就业补助政策问答", **kw: Any):
    return PageRecord(
        url=f"{SITE}{path}",
        status=200,
        kind="article",
        title=title,
        published=date.fromisoformat(published),
        breadcrumb=("首页", "政策解读"),
        **kw,
    )


def test_interpretation_within_three_working_days_is_in_time_four_is_late(tmp_path: Path) -> None:
    link = (Link(f"{SITE}/zcwj/1.html", "a", "href", "原文"),)
    in_time = reading("2024-03-06", "/zcjd/1.html", links=link)  # Mon, Tue, Wed
    late = reading("2024-03-07", "/zcjd/2.html", links=link)
    [found] = only(audit(tmp_path, [policy(), in_time, late]))
    assert found.page_url == f"{SITE}/zcjd/2.html"
    assert found.details["rule"] == (
        "政策解读应与政策文件同步发布（国办发〔2016〕80号）；地方规定（如郑州市）允许最迟不超过3个工作日"
    )
    assert found.details["rule_source"] == "国办发〔2016〕80号"
    assert found.details["local_rule"] == "地方规定（如郑州市）"
    assert (found.details["paired_by"], found.details["paired_on"]) == (
        "链接",
        "解读页链接到政策文件",
    )
    assert found.title.endswith("超过3个工作日（按链接配对）")
    assert found.details["issued"] == date(2024, 3, 1)
    assert found.details["deadline"] == date(2024, 3, 6)
    assert found.details["workdays_late"] == 1
    assert found.details["policy_url"] == f"{SITE}/zcwj/1.html"
    assert found.column == "政策解读"


def test_interpretation_found_by_title_by_number_and_by_the_policys_link(tmp_path: Path) -> None:
    by_title = reading("2024-03-08", "/zcjd/1.html", title="《某市就业补助资金管理办法》政策解读")
    by_number = reading(
        "2024-03-08", "/zcjd/2.html", title="一图读懂", text="某人社发〔2024〕3号文件要点"
    )
    by_backlink = reading("2024-03-08", "/zcjd/3.html", title="图解")
    unrelated = reading("2024-03-08", "/zcjd/4.html", title="养老保险政策解读")
    source = policy()
    source = PageRecord(
        **{**source.__dict__, "links": (Link(f"{SITE}/zcjd/3.html", "a", "href", "相关解读"),)}
    )
    found = only(audit(tmp_path, [source, by_title, by_number, by_backlink, unrelated]))
    assert sorted((f.page_url, f.details["paired_by"], f.details["paired_on"]) for f in found) == [
        (f"{SITE}/zcjd/1.html", "标题", "某市就业补助资金管理办法"),
        (f"{SITE}/zcjd/2.html", "文号", "某人社发〔2024〕3号"),
        (f"{SITE}/zcjd/3.html", "链接", "政策文件页链接到解读"),
    ]
    assert all(f.title.endswith(f"（按{f.details['paired_by']}配对）") for f in found)


def test_a_number_pairing_is_named_before_a_link(tmp_path: Path) -> None:
    link = (Link(f"{SITE}/zcwj/1.html", "a", "href", "原文"),)
    both = reading("2024-03-08", title="一图读懂", text="某人社发〔2024〕3号要点", links=link)
    [found] = only(audit(tmp_path, [policy(), both]))
    assert found.details["paired_by"] == "文号"


def test_a_notice_about_interpretation_work_is_a_policy(tmp_path: Path) -> None:
    notice = document("/zcwj/9.html", "关于做好政策解读工作的通知", "2024-03-01", "2024-03-04")
    assert only(audit(tmp_path, [notice])) == []


# -- settings ------------------------------------------------------------------------------


def rules_from(tmp_path: Path, toml: str) -> dict[str, Any]:
    profile = tmp_path / "site.toml"
    profile.write_text(f'[site]\nstart_urls = ["{SITE}/"]\n{toml}', encoding="utf-8")
    return check_rules(load_config(profile), overdue.SECTION, overdue.DEFAULTS)


def test_limits_and_severities_come_from_the_profile(tmp_path: Path) -> None:
    rules = rules_from(
        tmp_path,
        "[checks.overdue_publication]\nnormative_days = 10\n"
        'severity = { overdue = "critical" }\nannual_report = false\n',
    )
    assert rules["severity"]["date_missing"] == "minor"  # merged key by key
    page = document("/a.html", "甲办法", "2024-03-01", "2024-03-11", 是否规范性文件="是")
    assert audit(tmp_path, [page], as_of=date(2024, 3, 20), **rules) == []
    page = document("/a.html", "甲办法", "2024-03-01", "2024-03-12", 是否规范性文件="是")
    [late] = audit(tmp_path, [page], as_of=date(2024, 3, 20), **rules)
    assert late.severity == "critical"
    assert late.details["rule"] == "规范性文件应于印发之日起10日内公开（本单位规定）"


def test_the_interpretation_limit_and_the_annual_deadline_are_settings(tmp_path: Path) -> None:
    rules = rules_from(
        tmp_path,
        "[checks.overdue_publication]\ninterpretation_workdays = 0\n"
        'annual_report_deadline = "03-31"\n',
    )
    link = (Link(f"{SITE}/zcwj/1.html", "a", "href", "原文"),)
    found = audit(
        tmp_path, [policy(), reading("2024-03-04", links=link)], as_of=date(2024, 3, 31), **rules
    )
    assert [f.details["deadline"] for f in only(found)] == [date(2024, 3, 1)]
    (late,) = only(found)
    assert late.details["rule"] == "政策解读应与政策文件同步发布（国办发〔2016〕80号）"
    assert "local_rule" not in late.details
    assert "晚于所解读的政策（2024-03-01发布）" in late.title
    assert annual(found) == []


def test_the_local_rule_of_the_interpretation_limit_is_named_by_the_profile(tmp_path: Path) -> None:
    rules = rules_from(
        tmp_path,
        "[checks.overdue_publication]\ninterpretation_workdays = 5\n"
        'interpretation_local_rule = "《某省政策解读工作办法》"\n',
    )
    link = (Link(f"{SITE}/zcwj/1.html", "a", "href", "原文"),)
    late = reading("2024-03-11", links=link)  # the 6th working day after Friday 03-01
    [found] = only(audit(tmp_path, [policy(), late], **rules))
    assert found.details["rule"].endswith("；《某省政策解读工作办法》允许最迟不超过5个工作日")
    assert found.details["local_rule"] == "《某省政策解读工作办法》"
    assert only(audit(tmp_path, [policy(), reading("2024-03-08", links=link)], **rules)) == []


@pytest.mark.parametrize(
    "toml",
    [
        'severity = { overdue = "urgent" }',
        'severity = { late = "major" }',
        'annual_report_deadline = "02-30"',
        'issued_since = "2024/01/01"',
        'normative_number_patterns = ["规〔("]',
        "active_workdays = -1",
    ],
)
def test_bad_settings_are_one_line_config_errors(tmp_path: Path, toml: str) -> None:
    rules = rules_from(tmp_path, f"[checks.overdue_publication]\n{toml}\n")
    with pytest.raises(ConfigError, match="checks.overdue_publication"):
        overdue.validate_rules(rules)  # before the crawl
    with pytest.raises(ConfigError, match="checks.overdue_publication"):
        audit(tmp_path, [], **rules)


def test_issued_since_limits_the_documents_judged(tmp_path: Path) -> None:
    old = document("/a.html", "旧通知", "2019-03-01", "2019-06-01")
    new = document("/b.html", "新通知", "2024-03-01", "2024-05-01")
    found = only(audit(tmp_path, [old, new], issued_since="2020-01-01"))
    assert [f.page_url for f in found] == [f"{SITE}/b.html"]
