"""No verdict says more than the audit saw: `complete`, `incomplete` and the veto of an audit
that was stopped early, or that saw nothing.

The rules are tested on counters and records; the CLI on real sites on 127.0.0.1 (summary.json,
report.html, the xlsx and the console read back), including an unreachable one.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import lxml.html
import pytest
from openpyxl import load_workbook
from reports_store import make_audit, new_store, stale
from site_server import Reply, SiteServer

from govaudit.checks.completeness import completeness, final_verdict, limited_items
from govaudit.checks.judge import judge
from govaudit.core.model import SCRIPT_CHALLENGE, PageRecord
from govaudit.core.verdicts import PASS, UNCHECKED, UNDECIDABLE, VETO, WARN, Completeness, ScoreItem
from govaudit.reports import build_listing, report_settings

AS_OF = "2024-06-01"
ROOT = Path(__file__).resolve().parents[1]
HOME = PageRecord(url="http://127.0.0.1/", status=200, kind="home")
SETTINGS = {"max_pages": 40, "max_depth": 20}


def counters(**skipped: int) -> dict:
    return {
        "pages": 40,
        "start_urls_ok": 1,
        "skipped_by_reason": skipped,
        "finish_reason": "finished",
    }


# -- the rules -------------------------------------------------------------------------------


def test_a_crawl_that_reached_everything_is_complete():
    seen = completeness(counters(excluded=3, calendar=2, robots=1), SETTINGS, [HOME])
    assert seen == Completeness(True, True, ())


@pytest.mark.parametrize(
    ("skipped", "finish", "reason"),
    [
        ({"max_pages": 120}, "finished", "达到页面上限 40 页，其余页面未检查（120 个页面未抓取）"),
        ({"max_depth": 7}, "finished", "达到链接层级上限 20 层，更深的 7 个页面未检查"),
        ({"bot_check": 3}, "finished", "3 个页面被网站防火墙的人机验证拦截，未检查"),
        ({}, "closespider_timeout", "达到抓取时间上限，其余页面未检查"),
        ({}, "closespider_pagecount", "达到抓取数量上限（CLOSESPIDER_PAGECOUNT），其余页面未检查"),
        ({}, "crashed", "抓取未正常结束（crashed），其余页面未检查"),
    ],
)
def test_a_crawl_stopped_early_is_incomplete_and_says_why(skipped, finish, reason):
    c = {**counters(**skipped), "finish_reason": finish}
    seen = completeness(c, SETTINGS, [HOME])
    assert (seen.complete, seen.judged, seen.reasons) == (False, True, (reason,))


@pytest.mark.parametrize(
    ("home", "ok", "reason"),
    [
        (
            PageRecord(url="u", error="refused"),
            0,
            "网站无法访问（首页连接被拒绝），未能检查网站内容",
        ),
        (PageRecord(url="u", error="dns"), 0, "网站无法访问（首页域名无法解析），未能检查网站内容"),
        (
            PageRecord(url="u", error="skipped", error_detail="robots"),
            0,
            "网站 robots.txt 禁止抓取首页，未能检查网站内容",
        ),
        (
            PageRecord(url="u", status=412, meta={SCRIPT_CHALLENGE: "瑞数"}),
            0,
            "首页被网站防火墙的人机验证（瑞数）拦截，未能检查网站内容",
        ),
        # the start page answered, with an error page: nothing of the site could be judged
        (PageRecord(url="u", status=503), 1, "首页返回 HTTP 503，未能检查网站内容"),
    ],
)
def test_a_site_not_seen_cannot_be_judged(home, ok, reason):
    seen = completeness(
        {**counters(), "start_urls_ok": ok}, SETTINGS, [home], "failed" if not ok else "finished"
    )
    assert (seen.complete, seen.judged, seen.reasons) == (False, False, (reason,))


def item(key: str, verdict: str, measured: int = 1) -> ScoreItem:
    return ScoreItem(key, key, measured, 5, "个", verdict)


def test_the_verdict_never_says_more_than_the_audit_saw():
    complete = Completeness(True, True)
    part = Completeness(False, True, ("达到页面上限 40 页，其余页面未检查",))
    nothing = Completeness(False, False, ("网站无法访问",))
    passing = [item("homepage", PASS), item("empty_columns", PASS), item("m", UNCHECKED)]
    warning = [*passing, item("stale_columns", WARN)]
    vetoed = [*passing, item("stale_columns", VETO)]
    assert final_verdict(passing, complete) == PASS
    assert final_verdict(warning, complete) == WARN
    assert final_verdict(vetoed, complete) == VETO
    # a veto item failed in what was seen: the whole site fails
    assert final_verdict(vetoed, part) == VETO
    # nothing failed in a part of the site: no pass (nor warning) for the whole
    assert final_verdict(passing, part) == UNDECIDABLE
    assert final_verdict(warning, part) == UNDECIDABLE
    assert final_verdict(passing, nothing) == UNDECIDABLE
    assert final_verdict(vetoed, nothing) == UNDECIDABLE


def test_scorecard_items_of_a_part_of_the_site():
    part = Completeness(False, True, ("达到页面上限 40 页，其余页面未检查",))
    items = [
        item("homepage", PASS),
        item("empty_columns", PASS),
        item("stale_columns", WARN),
        item("columns_not_updated", VETO),
        item("unanswered_messages", UNCHECKED),
    ]
    limited = {i.key: i for i in limited_items(items, part)}
    # the homepage is measured on the start page alone: its verdict stands
    assert limited["homepage"].verdict == PASS
    assert limited["empty_columns"].verdict == UNDECIDABLE
    assert "达到页面上限 40 页" in limited["empty_columns"].note
    assert limited["stale_columns"].verdict == UNDECIDABLE
    assert limited["columns_not_updated"].verdict == VETO
    assert limited["unanswered_messages"].verdict == UNCHECKED
    nothing = Completeness(False, False, ("网站无法访问",))
    assert {i.verdict for i in limited_items(items[:1], nothing)} == {UNDECIDABLE}
    assert limited_items(items, Completeness(True, True)) == items


def test_a_report_of_a_stopped_audit_says_so_first(tmp_path):
    store = new_store(tmp_path)
    audit = make_audit(store, [stale("通知公告", 400, "通知公告政策文件")])
    store.finish_audit(audit, "finished", {**counters(max_pages=9), "pages": 40})
    data = build_listing(store, audit, report_settings({}), judge)
    assert (data.complete, data.verdict) == (False, UNDECIDABLE)
    assert data.incomplete == ("达到页面上限 ? 页，其余页面未检查（9 个页面未抓取）",)
    # a hand-built store of before the counters existed is taken as complete
    old = make_audit(store, [])
    assert build_listing(store, old, report_settings({}), judge).complete is True


# -- the CLI on real sites ---------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def audit_cli(url: str, out: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    profile = out.parent / f"{out.name}.toml"
    profile.write_text(
        '[site]\nname = "测试局"\n[crawl]\nretries = 0\ntimeout = 3.0\ndownload_delay = 0.0\n'
        "obey_robots = false\n",
        encoding="utf-8",
    )
    return subprocess.run(
        [sys.executable, "-m", "govaudit.cli", "audit", url, "--out", str(out)]
        + ["--config", str(profile), "--as-of", AS_OF, *flags],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def outputs(out: Path) -> tuple[dict, lxml.html.HtmlElement, list[str]]:
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    page = lxml.html.fromstring((out / "report.html").read_text(encoding="utf-8"))
    ws = load_workbook(out / "整改清单.xlsx")["汇总"]
    return summary, page, [str(c.value) for c in ws["A"] if c.value is not None]


def _html(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


def dated_site(pages: int, day: str) -> dict[str, Reply]:
    items = "".join(
        f'<li><a href="/news/{i}.html">第{i}条工作动态</a><span>{day}</span></li>'
        for i in range(pages)
    )
    routes = {"/": Reply(_html("测试局", f'<div class="list"><ul>{items}</ul></div>'))}
    for i in range(pages):
        routes[f"/news/{i}.html"] = Reply(_html(f"第{i}条", f"<p>发布日期：{day}</p><p>正文。</p>"))
    return routes


def test_an_unreachable_site_is_undecidable_everywhere(tmp_path):
    out = tmp_path / "down"
    result = audit_cli(f"http://127.0.0.1:{closed_port()}/", out, "--quiet")
    assert result.returncode == 3, result.stderr
    summary, page, sheet = outputs(out)
    assert summary["veto"] == UNDECIDABLE and summary["complete"] is False
    assert summary["incomplete"] == ["网站无法访问（首页连接被拒绝），未能检查网站内容"]
    overall = page.xpath("string(//p[@class='overall'])")
    assert "无法判定" in overall and "合格" not in overall
    notice = page.xpath("string(//div[@id='incomplete'])")
    assert "网站无法访问" in notice
    assert sheet[1].startswith("审计不完整，总体结论：无法判定") and "网站无法访问" in sheet[2]
    assert not [v for v in sheet if v.startswith("检查指标单项否决项自查：合格")]


def test_an_audit_stopped_by_max_pages_vetoes_what_it_saw_and_says_it_is_incomplete(tmp_path):
    # The homepage's newest item is years old: a veto item failed in what was seen.
    with SiteServer(dated_site(10, "2021-03-01")) as site:
        out = tmp_path / "part"
        result = audit_cli(site.url + "/", out, "--max-pages", "3")
        strict = audit_cli(
            site.url + "/", tmp_path / "strict", "--max-pages", "3", "--quiet", "--fail-incomplete"
        )
    assert result.returncode == 0, result.stderr
    assert strict.returncode == 6, strict.stderr
    summary, page, sheet = outputs(out)
    assert (summary["complete"], summary["veto"]) == (False, "否决")
    assert summary["incomplete"][0].startswith("达到页面上限 3 页，其余页面未检查")
    assert summary["exit_status"] == 0
    assert json.loads((tmp_path / "strict" / "summary.json").read_text("utf-8"))["exit_status"] == 6
    # the console says it before any table
    console = result.stderr
    assert console.index("总体结论：否决") < console.index("待整改问题")
    assert console.index("达到页面上限 3 页") < console.index("待整改问题")
    assert "审计不完整（结论" not in console  # an error line only with --fail-incomplete
    assert "审计不完整（结论 否决）：达到页面上限 3 页" in strict.stderr
    # report.html: the notice comes before the scorecard
    notice = page.xpath("//div[@id='incomplete']")[0]
    scorecard = page.xpath("//section[@id='scorecard']")[0]
    assert notice.getparent().index(notice) < scorecard.getparent().index(scorecard)
    assert "达到页面上限 3 页" in notice.text_content()
    verdicts = dict(
        (r.xpath("string(td[1])"), r.xpath("string(td[4])")) for r in scorecard.xpath(".//tbody/tr")
    )
    assert verdicts["首页信息不更新"] == "否决"
    assert verdicts["空白栏目（有栏目无内容）"] == UNDECIDABLE  # counted on 3 pages of 11
    assert sheet[1] == "审计不完整，总体结论：否决" and "达到页面上限 3 页" in sheet[2]


def test_a_complete_audit_of_a_fresh_site_passes(tmp_path):
    with SiteServer(dated_site(3, "2024-05-30")) as site:
        out = tmp_path / "all"
        result = audit_cli(site.url + "/", out, "--quiet", "--fail-incomplete")
    assert result.returncode == 0, result.stderr
    summary, page, sheet = outputs(out)
    assert (summary["complete"], summary["incomplete"]) == (True, [])
    assert summary["veto"] == PASS
    assert not page.xpath("//div[@id='incomplete']")
    assert not [v for v in sheet if v.startswith("审计不完整")]
    assert date.fromisoformat(AS_OF)  # the site's dates are judged against --as-of


def test_a_start_page_answering_an_error_is_not_audited(tmp_path):
    with SiteServer({"/": Reply(_html("维护中", "<p>系统维护</p>"), status=503)}) as site:
        out = tmp_path / "err"
        result = audit_cli(site.url + "/", out, "--quiet")
    assert result.returncode == 3, result.stderr
    assert "未能审计任何内容" in result.stderr
    summary, _, _ = outputs(out)
    assert summary["veto"] == UNDECIDABLE
    assert summary["incomplete"] == ["首页返回 HTTP 503，未能检查网站内容"]
