"""Pages built by script, end to end on a real server (127.0.0.1) with the real browser: the CMS
adapters read what they can, chromium (crawler/render.py) what only a script shows, and a list
nothing could read is 无法判定 (`undecidable_column`), never 空白栏目; a browser that is missing or
crashes costs one line and the audit goes on."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from contract import valid_findings
from script_sites import AS_OF, DYN_COLUMN, NEWEST, SPA, build_routes
from site_server import SiteServer

from govaudit.crawler.render import find_browser

REPO = Path(__file__).resolve().parents[1]
PROFILE = """
[crawl]
{crawl}
[checks.overdue_publication]
annual_report = false
"""


def _browser_problem() -> str | None:
    """Why this machine cannot run the browser tests (None: it can)."""
    if importlib.util.find_spec("scrapy_playwright") is None:
        return "scrapy-playwright is not installed (pip install -e '.[test]')"
    executable = find_browser("auto")
    if executable is None:
        return "no chromium on this machine (Debian: apt-get install chromium; .ci/run does)"
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as p:
            p.chromium.launch(executable_path=executable, args=["--no-sandbox"]).close()
    except Error as exc:
        return f"chromium at {executable} cannot be launched: {str(exc).splitlines()[0]}"
    return None


needs_playwright = pytest.mark.skipif(
    importlib.util.find_spec("scrapy_playwright") is None,
    reason="scrapy-playwright is not installed (pip install -e '.[test]')",
)


@pytest.fixture(scope="module")
def browser():
    problem = _browser_problem()
    if problem:
        pytest.skip(problem)


def run_audit(tmp: Path, crawl: str, quiet: bool = True) -> tuple[str, list[dict], Path, str, dict]:
    with SiteServer(build_routes()) as site:
        profile = tmp / "site.toml"
        profile.write_text(PROFILE.format(crawl=crawl), encoding="utf-8")
        out = tmp / "out"
        cmd = [sys.executable, "-m", "govaudit.cli", "audit", site.url + "/", "--out", str(out)]
        cmd += ["--as-of", AS_OF.isoformat(), "--config", str(profile)]
        cmd += ["--quiet"] if quiet else []
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, cwd=REPO)
        assert done.returncode == 0, done.stderr[-2000:]
        hits = dict(site.hits)
    findings = valid_findings(out / "findings.json")
    for finding in findings:
        finding["path"] = finding["page_url"].removeprefix(site.url)
    return site.url, findings, out, done.stdout + done.stderr, hits


def columns_of(out: Path) -> dict[str, tuple[str, int, date | None, str]]:
    from govaudit.core.columns import detect_columns
    from govaudit.core.store import Store

    store = Store(out / "govaudit.db")
    try:
        view = store.view(store.audits()[-1]["id"])
        found = detect_columns(view)
    finally:
        store.close()
    return {
        c.name: (
            c.url,
            len(c.items),
            max((i.date for i in c.items if i.date), default=None),
            c.rendered,
        )
        for c in found
    }


def stats_of(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))["crawl_stats"]


def log_lines(out: Path, text: str) -> list[str]:
    """The log's lines saying `text` (not the stats dumped at its end)."""
    log = (out / "crawl.log").read_text(encoding="utf-8").split("Scrapy stats:")[0]
    return [line for line in log.splitlines() if text in line]


@pytest.fixture(scope="module")
def with_browser(browser, tmp_path_factory):
    # The Hanweb column needs no browser; the profile rule renders it all the same.
    return run_audit(tmp_path_factory.mktemp("render"), 'render = ["/hanweb/"]')


def test_only_the_unreadable_spa_is_reported_and_as_undecidable(with_browser):
    _, findings, _, _, _ = with_browser
    assert [(f["check"], f["path"], f["severity"]) for f in findings] == [
        ("undecidable_column", SPA, "minor")
    ]
    (spa,) = findings
    assert spa["title"] == "栏目无法判定：互动服务（列表由脚本生成且无法读取，请人工核实）"
    assert spa["reason"] == "列表由脚本生成且无法读取"
    assert spa["browser"] == "still_empty"  # rendered, and its bundle never mounted anything


def test_every_script_built_list_is_read_with_its_true_last_update(with_browser):
    _, _, out, _, hits = with_browser
    columns = columns_of(out)
    assert {name: c[1] for name, c in columns.items()} == {
        "数据动态": 12,  # 5 in the datastore block + 7 from dataproxy.jsp
        "政策文件": 3,  # the JSON API's two pages
        "工作动态": 3,  # only the browser could read it
        "通知公告": 2,  # the frameset's main frame
        "互动服务": 0,
    }
    assert {name: c[2] for name, c in columns.items() if name in NEWEST} == NEWEST
    assert columns["工作动态"][3] == "rendered" and columns["数据动态"][3] == "rendered"
    assert columns["政策文件"][3] == ""  # read by the adapter: the browser was not asked
    assert hits[("GET", "/api/zcwj.json?page=2")] == 1  # the page the API's totalPage names
    assert hits[("GET", "/api/gzdt.json")] == 1  # fetched by the browser's script, once


def test_what_the_browser_cost_is_in_the_crawl_stats(with_browser):
    _, _, out, _, hits = with_browser
    stats = stats_of(out)
    assert stats["govaudit/render/pages"] == 3  # 工作动态, the SPA, the Hanweb rule
    assert stats["govaudit/render/still_empty"] == 1
    assert 0 < stats["govaudit/render/seconds"] < 60
    assert "govaudit/render/failed" not in stats
    assert hits[("GET", "/spa/app.js")] == 1  # the SPA's bundle: fetched by the browser alone
    adapters = {k.removeprefix("govaudit/adapter/"): v for k, v in stats.items() if "adapter/" in k}
    assert adapters == {
        "hanweb_datastore": 1,  # counted as fetched (its rendering by the rule is not)
        "hanweb_dataproxy": 1,
        "json_endpoint": 1,
        "json_list": 2,
        "frameset": 1,
        "spa_shell": 1,
    }
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    empty = next(i for i in summary["scorecard"] if i["name"].startswith("空白栏目"))
    assert empty["verdict"] == "合格" and empty["measured"] == "0 个"
    assert empty["note"] == "另有 1 个栏目列表由脚本生成且无法读取（无法判定），未计入"


@needs_playwright
def test_a_missing_browser_is_one_line_and_its_pages_are_undecidable(tmp_path):
    _, findings, out, stdout, _ = run_audit(
        tmp_path, 'render_browser = "/nonexistent/chromium"', quiet=False
    )
    assert sorted((f["check"], f["path"], f["browser"]) for f in findings) == [
        ("undecidable_column", DYN_COLUMN, "unavailable"),
        ("undecidable_column", SPA, "unavailable"),
    ]
    (line,) = log_lines(out, "浏览器")
    assert "浏览器不可用：浏览器 /nonexistent/chromium 不存在或不可执行" in line
    stats = stats_of(out)
    assert stats["govaudit/render/unavailable"] == 2 and "govaudit/render/pages" not in stats
    console = stdout.replace("\n", "")
    assert "浏览器不可用：浏览器 /nonexistent/chromium 不存在或不可执行" in console
    assert "浏览器渲染 0 个页面（0.0 秒），2 个页面的列表无法读取，记为无法判定" in console
    # what adapters read does not depend on the browser
    assert columns_of(out)["政策文件"][1] == 3


@needs_playwright
def test_a_browser_that_crashes_is_one_line_and_the_audit_goes_on(tmp_path):
    crashing = tmp_path / "chromium"
    crashing.write_text("#!/bin/sh\necho 'chromium: Segmentation fault' >&2\nexit 139\n")
    crashing.chmod(0o755)
    _, findings, out, _, _ = run_audit(tmp_path, f'render_browser = "{crashing}"')
    assert sorted((f["check"], f["path"], f["browser"]) for f in findings) == [
        ("undecidable_column", DYN_COLUMN, "failed"),
        ("undecidable_column", SPA, "failed"),
    ]
    (line,) = log_lines(out, "浏览器")
    assert "浏览器渲染失败" in line and "记为无法判定" in line
    stats = stats_of(out)
    assert stats["govaudit/render/failed"] == 2
    assert not [f for f in findings if f["check"] in ("empty_column", "stale_column")]


def test_pages_over_the_browser_budget_are_undecidable(browser, tmp_path):
    _, findings, out, _, _ = run_audit(tmp_path, "render_max_pages = 1\nrender_concurrency = 1")
    stats = stats_of(out)
    assert stats["govaudit/render/pages"] == 1 and stats["govaudit/render/over_budget"] == 1
    undecidable = {f["path"]: f["browser"] for f in findings if f["check"] == "undecidable_column"}
    # which of the two came first is the crawl's order; the other waited in vain
    assert undecidable in (
        {SPA: "over_budget"},  # 工作动态 rendered and read
        {SPA: "still_empty", DYN_COLUMN: "over_budget"},
    )
    assert not [f for f in findings if f["check"] in ("empty_column", "stale_column")]


_IMPORTS_OF_A_PLAIN_AUDIT = """
import sys
from govaudit.cli import main
sys.argv = ["govaudit", "audit", sys.argv[1], "--out", sys.argv[2], "--quiet", "--no-screenshots"]
try:
    main()
except SystemExit:
    pass
print("scrapy_playwright" in sys.modules, "playwright" in sys.modules)
"""


@needs_playwright
def test_an_audit_with_no_page_to_render_never_imports_the_browser(browser, tmp_path):
    """The browser handler is Scrapy's HTTP one until a page needs rendering: a site of plain
    pages costs no playwright import (~0.3 s) and no driver."""
    from site_server import Reply

    routes = {"/": Reply('<html><body><a href="/a.html">通知</a></body></html>')}
    routes["/a.html"] = Reply("<html><body><p>发布时间：2024-03-01</p></body></html>")
    with SiteServer(routes) as site:
        cmd = [sys.executable, "-c", _IMPORTS_OF_A_PLAIN_AUDIT, site.url + "/", str(tmp_path)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=REPO)
        assert site.hits[("GET", "/a.html")] == 1
    assert done.stdout.split() == ["False", "False"], done.stderr[-2000:]
    assert stats_of(tmp_path)["finish_reason"] == "finished"
