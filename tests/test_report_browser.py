"""report.html in a real browser: Debian's chromium, driven by playwright, at 1400 and 400 px.

No console error (the page's CSP would report a blocked script there), sorting and combined
filters work, the long list of referring pages folds, CJK text is drawn with a CJK font (not
boxes), and a phone-width page does not scroll sideways. Screenshots are kept in
`test-artefacts/report-browser/` (or $GOVAUDIT_ARTEFACTS) for a person to look at.

Needs `apt-get install chromium fonts-noto-cjk` (.ci/run installs them) and playwright for Python
(the `test` extra); playwright's own browser download is not used: `executable_path` points at
the system chromium. Without them the tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from reports_store import SITE, broken, empty, make_audit, new_store, stale, word

from govaudit.checks.judge import judge
from govaudit.core.model import Finding
from govaudit.reports import report_settings, write_reports

playwright_api = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright for Python is not installed (pip install -e '.[test]')",
)

ARTEFACTS = Path(
    os.environ.get("GOVAUDIT_ARTEFACTS") or Path(__file__).parent.parent / "test-artefacts"
)
WIDTHS = (1400, 400)
SOURCES = [f"{SITE}/zwgk/tzgg/{i:03d}.html" for i in range(12)]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = os.environ.get("GOVAUDIT_CHROMIUM") or shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    path = _chromium()
    if path is None:
        pytest.skip("no chromium on this machine (apt-get install chromium fonts-noto-cjk)")
    with playwright_api.sync_playwright() as pw:
        try:
            launched = pw.chromium.launch(
                executable_path=path, args=["--no-sandbox", "--disable-gpu"]
            )
        except playwright_api.Error as e:
            pytest.skip(f"chromium at {path} does not start: {str(e).splitlines()[0]}")
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    store = new_store(tmp)
    many = broken(f"{SITE}/uploads/gone.pdf")
    many = Finding(**{**many.__dict__, "details": {**many.details, "source_pages": SOURCES}})
    findings = [
        many,
        broken(f"{SITE}/old.doc", severity="critical", title="首页链接不可用：old.doc"),
        word("杜家豪", title="错别字：“杜家豪”应为“杜家毫”"),
        word("按装", severity="major", title="错别字：“按装”应为“安装”"),
        stale("工作动态", 40),
        stale("通知公告", 200, category="通知公告政策文件"),
        empty("专题专栏"),
        Finding(
            id="minor-1",
            check="undated_item",
            severity="minor",
            page_url=f"{SITE}/zwgk/a.html",
            title="信息未注明日期：关于开展政务公开工作的通知",
            details={"item_url": f"{SITE}/zwgk/a.html"},
        ),
    ]
    settings = {"departments": [{"prefix": f"{SITE}/zwgk/", "department": "政务公开办"}]}
    make_audit(store, findings[:4], as_of=date(2024, 2, 1), report=settings)
    audit = make_audit(store, findings, as_of=date(2024, 3, 1), report=settings)
    paths, _ = write_reports(store, audit, tmp / "out", report_settings(settings), judge)
    store.close()
    return next(p for p in paths if p.suffix == ".html")


def _open(browser, report: Path, width: int, fragment: str = ""):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(report.as_uri() + fragment)
    page.wait_for_selector("body[data-filters='ready']", state="attached")
    return page, errors


def _visible(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#open-list tbody tr:not([hidden])",
        "rows => rows.map(r => ({id: r.id, severity: r.dataset.severity, check: r.dataset.check,"
        " department: r.dataset.department, text: r.textContent}))",
    )


def _shot(page, name: str) -> Path:
    folder = ARTEFACTS / "report-browser"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


@pytest.mark.parametrize("width", WIDTHS)
def test_renders_without_console_errors_and_keeps_a_screenshot(browser, report, width):
    page, errors = _open(browser, report, width)
    try:
        assert errors == []
        assert len(_visible(page)) == 8
        assert page.inner_text("#shown-count") == "8"
        _shot(page, f"report-{width}px.png")
        if width == 1400:  # the details and the addresses are readable, not a letter a line
            widths = page.eval_on_selector_all(
                "#open-list tbody tr:first-child td",
                "cells => cells.map(c => c.getBoundingClientRect().width)",
            )
            assert widths[6] >= 230 and widths[5] >= 120, widths
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            right = page.evaluate(
                "document.querySelector('#open-list th:last-child').getBoundingClientRect().right"
            )
            assert right <= width  # every column on screen, 整改说明 included
        if width == 400:  # a phone: no sideways scrolling, every card within the screen
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            boxes = page.eval_on_selector_all(
                "#open-list tbody tr", "rows => rows.map(r => r.getBoundingClientRect().right)"
            )
            assert max(boxes) <= width
            assert not page.is_visible("#open-list th.nosort")  # 问题详情 needs no sort button
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_columns_sort_both_ways(browser, report, width):
    page, errors = _open(browser, report, width)
    try:
        order = {"critical": 0, "major": 1, "minor": 2}
        page.click("#open-list th:nth-child(3) button")  # 严重程度
        ranks = [order[r["severity"]] for r in _visible(page)]
        assert ranks == sorted(ranks) and ranks[0] == 0 and ranks[-1] == 2
        assert page.get_attribute("#open-list th:nth-child(3)", "aria-sort") == "ascending"
        page.click("#open-list th:nth-child(3) button")
        ranks = [order[r["severity"]] for r in _visible(page)]
        assert ranks == sorted(ranks, reverse=True)
        assert page.get_attribute("#open-list th:nth-child(3)", "aria-sort") == "descending"
        page.click("#open-list th:nth-child(1) button")  # 序号: the list's own order again
        numbers = page.eval_on_selector_all(
            "#open-list tbody tr td:first-child", "cells => cells.map(c => Number(c.textContent))"
        )
        assert numbers in (sorted(numbers), sorted(numbers, reverse=True))
        page.click("#open-list th:nth-child(2) button")  # 问题类型, as Chinese text
        names = page.eval_on_selector_all(
            "#open-list tbody tr td:nth-child(2)", "cells => cells.map(c => c.textContent)"
        )
        in_order = page.evaluate(
            "names => names.slice().sort(new Intl.Collator('zh-CN').compare)", names
        )
        assert names == in_order and names != sorted(names, reverse=True)
        assert len(set(names)) == 5
        assert errors == []
    finally:
        page.close()


def test_filters_combine_and_reset(browser, report):
    page, errors = _open(browser, report, 1400)
    try:
        page.select_option("select[data-filter='check']", "broken_link")
        assert {r["check"] for r in _visible(page)} == {"broken_link"}
        assert len(_visible(page)) == 2
        page.select_option("select[data-filter='severity']", "major")
        (row,) = _visible(page)
        assert row["check"] == "broken_link" and row["severity"] == "major"
        assert page.inner_text("#shown-count") == "1"
        page.select_option("select[data-filter='severity']", "")
        page.select_option("select[data-filter='department']", "政务公开办")
        page.fill("#filter-text", "按装")
        assert _visible(page) == []  # 按装 is no broken link: every filter applies at once
        page.select_option("select[data-filter='check']", "")
        (row,) = _visible(page)
        assert "按装" in row["text"] and row["department"] == "政务公开办"
        page.click("#filter-reset")
        assert len(_visible(page)) == 8 and page.inner_text("#shown-count") == "8"
        assert errors == []
    finally:
        page.close()


def test_a_link_with_filters_opens_filtered(browser, report):
    page, errors = _open(browser, report, 400, "#severity=critical")
    try:
        severities = {r["severity"] for r in _visible(page)}
        assert severities == {"critical"}
        assert page.input_value("select[data-filter='severity']") == "critical"
        assert errors == []
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_referring_page_is_there_folded_and_clickable(browser, report, width):
    page, errors = _open(browser, report, width)
    try:
        row = page.locator("#open-list tr", has_text="uploads/gone.pdf")
        target = row.locator(f"td.details a[href='{SITE}/uploads/gone.pdf']")
        assert target.count() == 1 and target.is_visible()  # the broken URL is a link
        hidden = row.locator(f"a[href='{SOURCES[-1]}']")
        assert not hidden.is_visible()  # folded: 5 shown, the other 7 behind a summary
        row.locator("summary", has_text="展开其余 7 个引用页面").click()
        assert hidden.is_visible()
        hrefs = row.locator(".sources a").evaluate_all("links => links.map(a => a.href)")
        assert hrefs == SOURCES
        _shot(page, f"report-{width}px-sources-open.png")
        assert errors == []
    finally:
        page.close()


def test_chinese_text_is_drawn_with_a_cjk_font(browser, report):
    """Without a CJK font chromium draws boxes (tofu): ask it which font drew the heading."""
    page, _ = _open(browser, report, 1400)
    try:
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        for selector in ("header h1", "#list h2", "#open-list tbody tr td:nth-child(4)"):
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            families = {f["familyName"]: f["glyphCount"] for f in fonts}
            cjk = {
                name: n
                for name, n in families.items()
                if any(
                    k in name for k in ("CJK", "Noto Sans SC", "WenQuanYi", "Droid Sans Fallback")
                )
            }
            assert cjk and sum(cjk.values()) >= 4, (selector, families)
    finally:
        page.close()
