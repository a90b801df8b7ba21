"""Screenshots as evidence, with Debian's chromium on pages served on 127.0.0.1: personal numbers
masked in the page before the shot (pixel for pixel the page with the number pre-masked), the
findings' places outlined, the PNGs in the store once and beside report.html, `govaudit
evidence` naming the file; no browser, a time-out, a failing page or `--no-screenshots`: the
audit goes on and the report says 无截图 and why."""

from __future__ import annotations

import base64
import json
import sqlite3
import subprocess
import sys
import time
from contextlib import closing, nullcontext
from pathlib import Path

import lxml.html
import pytest
from reports_store import RAW_ID
from site_server import Reply, SiteServer
from test_render import _browser_problem

from govaudit.core.masking import mask_text_runs
from govaudit.crawler.render import find_browser
from govaudit.crawler.screenshots import Camera, ShotRequest, take_screenshots

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2025-06-01"
PNG = b"\x89PNG\r\n\x1a\n"
MOBILE = "13812345678"
STYLE = "<style>body{font:16px sans-serif;margin:20px}p{margin:8px 0}</style>"


def page(body: str) -> str:
    return (
        f'<!doctype html><html><head><meta charset="utf-8">{STYLE}</head><body>{body}</body></html>'
    )


def planted(id_number: str, split: tuple[str, str], mobile: str, field: str) -> str:
    """A page carrying an ID number whole, one split across two inline elements, a mobile
    number, a form field's value, and a script that keeps running."""
    return page(
        f"<h1>公示名单</h1><p>张三，身份证号：{id_number}，联系电话 {mobile}。</p>"
        f"<p>李四：<span>{split[0]}</span><b>{split[1]}</b></p>"
        f'<p><input value="{field}" size="24"></p>'
        "<script>setInterval(() => { document.title = Date.now(); }, 5)</script>"
    )


@pytest.fixture(scope="module")
def browser():
    problem = _browser_problem()
    if problem:
        pytest.skip(problem)
    return find_browser("auto")


def camera(executable: str, timeout: float = 10, max_height: int = 4000) -> Camera:
    return Camera(executable, timeout, max_height, "govaudit-test")


def shots(executable: str, urls: list[ShotRequest], **kw) -> tuple[list, list[str]]:
    lines: list[str] = []
    return take_screenshots(urls, camera(executable, **kw), lines.append), lines


def test_a_planted_number_is_shot_exactly_as_the_page_with_it_pre_masked(browser):
    masked_split = mask_text_runs([RAW_ID[:10], RAW_ID[10:]])
    assert masked_split == ["1101******", "****4514"]  # the store's rule for split numbers
    routes = {
        "/planted.html": Reply(planted(RAW_ID, (RAW_ID[:10], RAW_ID[10:]), MOBILE, RAW_ID)),
        "/premasked.html": Reply(
            planted("1101**********4514", tuple(masked_split), "138****5678", "1101**********4514")
        ),
        # One kept digit differs: the comparison sees a single character's pixels.
        "/other.html": Reply(
            planted("1101**********4515", tuple(masked_split), "138****5678", "1101**********4514")
        ),
    }
    with SiteServer(routes) as site:
        requests = [ShotRequest(f"{site.url}/{name}.html") for name in routes_names(routes)]
        (a, b, c), lines = shots(browser, requests)
    assert lines == [] and a.png[:8] == PNG and not a.problem
    assert (a.width, a.height) == (1280, 900)
    planted_px, premasked_px, other_px = pixels(a.png, b.png, c.png)
    assert planted_px == premasked_px
    assert planted_px != other_px


def routes_names(routes: dict) -> list[str]:
    return [path.strip("/").removesuffix(".html") for path in routes]


def pixels(*pngs: bytes) -> list[bytes]:
    """The decoded RGBA pixels of each PNG, read by the browser itself (no imaging library)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=find_browser("auto"), args=["--no-sandbox"])
        tab = b.new_page()
        decoded = [
            base64.b64decode(
                tab.evaluate(
                    """async (src) => {
                        const img = new Image(); img.src = src; await img.decode();
                        const c = document.createElement("canvas");
                        c.width = img.width; c.height = img.height;
                        const g = c.getContext("2d"); g.drawImage(img, 0, 0);
                        const d = g.getImageData(0, 0, c.width, c.height).data;
                        let s = ""; for (let i = 0; i < d.length; i += 8192)
                            s += String.fromCharCode(...d.subarray(i, i + 8192));
                        return btoa(s);
                    }""",
                    "data:image/png;base64," + base64.b64encode(png).decode(),
                )
            )
            for png in pngs
        ]
        b.close()
    return decoded


def test_a_stored_page_is_not_fetched_again_and_its_resources_once(browser):
    head = '<link rel="stylesheet" href="/style.css"><img src="/logo.gif" alt="标志">'
    routes = {
        "/a.html": Reply(page(head + "<p>站点上的版本</p>")),
        "/b.html": Reply(page(head + "<p>乙</p>")),
        "/style.css": Reply("p { color: #c00 }", content_type="text/css"),
        "/logo.gif": Reply(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif"),
    }
    with SiteServer(routes) as site:
        requests = [
            ShotRequest(f"{site.url}/a.html", html=page(head + f"<p>审计时的版本 {RAW_ID}</p>")),
            ShotRequest(f"{site.url}/b.html", html=page(head + "<p>乙</p>")),
        ]
        (a, b), lines = shots(browser, requests)
        hits = {path: site.count("GET", path) for path in routes}
    assert lines == [] and a.png[:8] == PNG and b.png[:8] == PNG
    assert hits == {"/a.html": 0, "/b.html": 0, "/style.css": 1, "/logo.gif": 1}


def test_the_place_is_outlined_and_a_low_place_moves_the_cut(browser):
    filler = "".join(f"<p>第 {i} 段正文。</p>" for i in range(200))
    routes = {
        "/top.html": Reply(page('<p>附件：<a href="/gone.pdf">下载</a></p>' + filler)),
        "/low.html": Reply(page(filler + "<p>此处有错别字：按装</p>")),
    }
    with SiteServer(routes) as site:
        requests = [
            ShotRequest(f"{site.url}/top.html", links=(f"{site.url}/gone.pdf",)),
            ShotRequest(f"{site.url}/low.html", texts=("按装", "不在页面上")),
        ]
        (top, low), _ = shots(browser, requests, max_height=1500)
    assert top.highlighted == 1 and low.highlighted == 1
    assert top.height == low.height == 1500  # full page cut at the profile's height
    top_px, low_px = pixels(top.png, low.png)
    assert top_px != low_px


def test_a_timeout_a_failing_page_and_no_browser_are_reasons_not_errors(browser, tmp_path):
    routes = {"/slow.html": Reply(page("<p>慢</p>"), delay=4), "/ok.html": Reply(page("<p>好</p>"))}
    with SiteServer(routes) as site:
        requests = [
            ShotRequest(f"{site.url}/slow.html"),
            ShotRequest(f"{site.url}/missing.html"),
            ShotRequest(f"{site.url}/ok.html"),
        ]
        (slow, missing, ok), lines = shots(browser, requests, timeout=1)
        (gone, _, _), gone_lines = shots(str(tmp_path / "no-chromium"), requests)
    assert slow.png == b"" and slow.problem == "打开页面超时（1 秒）"
    assert missing.problem == "页面返回 HTTP 404"
    assert ok.png[:8] == PNG
    assert len(lines) == 1 and "slow.html" in lines[0]  # one line, not one a page
    assert gone.problem.startswith("浏览器无法启动") and len(gone_lines) == 1


def test_hostile_pages_cost_their_time_and_no_more(browser):
    # A script that never yields, once the page has loaded (or, by the race, as it loads)
    hang = "<script>addEventListener('load', () => setTimeout(() => { for (;;) {} }))</script>"
    routes = {
        "/loop.html": Reply(page("<p>先显示，再卡死</p>" + hang)),
        "/block.html": Reply(page("<script>for (;;) {}</script><p>从不加载完</p>")),
        "/ok.html": Reply(page("<p>好</p>")),
    }
    with SiteServer(routes) as site:
        requests = [ShotRequest(f"{site.url}{path}") for path in routes]
        lines: list[str] = []
        started = time.monotonic()
        loop, block, ok = take_screenshots(requests, camera(browser, timeout=2), lines.append)
        elapsed = time.monotonic() - started
        budget = Camera(browser, 2, 4000, "t", budget=0.5)
        first, late, last = take_screenshots(requests[::-1], budget, lines.append)
    assert ok.png[:8] == PNG and loop.problem and block.problem
    assert not loop.png and not block.png
    assert loop.problem in ("页面 2 秒内无响应（脚本或排版未结束）", "打开页面超时（2 秒）")
    assert elapsed < 25  # each page within its 3 s bound, not 2 x 65 s (the start aside)
    over = "截图总用时超过上限（0.5 秒）"
    # the blocking page starts within the budget or not (how fast the first shot was); the last
    # page comes after the budget is spent either way
    assert first.png[:8] == PNG and not late.png and late.problem in (over, "打开页面超时（2 秒）")
    assert not last.png and last.problem == over


def test_text_in_an_open_shadow_root_is_masked_too(browser):
    script = (
        "<div id=host></div><script>document.getElementById('host').attachShadow({mode: 'open'})"
        f".innerHTML = '<p>影子：{RAW_ID}</p>';</script>"
    )
    routes = {
        "/shadow.html": Reply(page(script)),
        "/premasked.html": Reply(page(script.replace(RAW_ID, "1101**********4514"))),
    }
    with SiteServer(routes) as site:
        requests = [ShotRequest(f"{site.url}{path}") for path in routes]
        (a, b), _ = shots(browser, requests)
    shadow_px, premasked_px = pixels(a.png, b.png)
    assert a.png and shadow_px == premasked_px


# -- the audit end to end ---------------------------------------------------------------------


def site_routes() -> dict[str, Reply]:
    notice = page(
        "<h1>低保公示</h1><p>发布日期：2025-05-20</p>"
        f"<p>王五 身份证号 <span>{RAW_ID[:10]}</span><span>{RAW_ID[10:]}</span></p>"
        f"<p>经办人 {RAW_ID}</p>"
        '<p><a href="/gone.pdf">公示附件</a></p>'
    )
    home = page('<h1>示例局</h1><ul><li><a href="/notice.html">低保公示</a> 2025-05-20</li></ul>')
    return {"/": Reply(home), "/notice.html": Reply(notice), "/gone.pdf": Reply(status=404)}


def audit(
    tmp: Path, crawl: str = "", *flags: str, site: SiteServer | None = None
) -> tuple[Path, str, list[dict], int]:
    """The audit's output folder, its console text, its findings, and how often the site was
    asked for /notice.html (`site`: a server already running, else one of its own)."""
    tmp.mkdir(parents=True, exist_ok=True)
    profile = tmp / "site.toml"
    profile.write_text(
        f"[crawl]\n{crawl}\n[checks.overdue_publication]\nannual_report = false\n",
        encoding="utf-8",
    )
    out = tmp / "out"
    with nullcontext(site) if site else SiteServer(site_routes()) as site:
        cmd = [sys.executable, "-m", "govaudit.cli", "audit", site.url + "/", "--out", str(out)]
        cmd += ["--as-of", AS_OF, "--config", str(profile), "--quiet", *flags]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, cwd=REPO)
        notice_gets = site.count("GET", "/notice.html")
    assert done.returncode == 0, done.stderr[-2000:]
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return out, done.stdout + done.stderr, findings, notice_gets


def shot_cells(out: Path) -> dict[str, str | None]:
    """finding id -> the thumbnail's file (relative), or the 无截图 text, from report.html."""
    doc = lxml.html.fromstring((out / "report.html").read_text(encoding="utf-8"))
    cells = {}
    for row in doc.xpath("//tr[starts-with(@id, 'f-')]"):
        for shot in row.find_class("shot"):
            img = shot.find(".//img")
            cells[row.get("id")[2:]] = img.get("src") if img is not None else shot.text_content()
    return cells


@pytest.fixture(scope="module")
def shot_audit(browser, tmp_path_factory):
    return audit(tmp_path_factory.mktemp("shots"))


def test_the_audit_shoots_each_page_with_a_grave_finding_once(shot_audit):
    out, _, findings, notice_gets = shot_audit
    assert notice_gets == 1  # shot from its stored copy: the site was not asked again
    grave = [f for f in findings if f["severity"] in ("critical", "major")]
    on_notice = [f for f in grave if f["page_url"].endswith("/notice.html")]
    assert {f["check"] for f in on_notice} >= {"privacy_leak", "broken_link"}
    cells = shot_cells(out)
    srcs = {cells[f["id"]] for f in on_notice}
    assert len(srcs) == 1  # one shot of the page for all its findings
    (src,) = srcs
    assert src.startswith("screenshots/") and (out / src).read_bytes()[:8] == PNG
    with sqlite3.connect(out / "govaudit.db") as db:
        rows = db.execute("SELECT url, digest, problem, highlighted FROM screenshots").fetchall()
        images = db.execute("SELECT digest, png FROM screenshot_images").fetchall()
    notice = [r for r in rows if r[0].endswith("/notice.html")]
    assert len(notice) == 1 and notice[0][2] == "" and notice[0][3] >= 2  # number and link
    assert [d for d, _ in images] == [Path(src).stem]  # stored once, by its SHA-256
    assert (out / src).read_bytes() == images[0][1]


def test_the_thumbnails_load_in_the_report_under_its_policy(shot_audit, browser):
    from playwright.sync_api import sync_playwright

    out, _, _, _ = shot_audit
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=browser, args=["--no-sandbox"])
        tab, errors = b.new_page(), []
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.goto((out / "report.html").as_uri())
        loaded = tab.evaluate(  # lazy thumbnails below the fold load when asked to decode
            """() => Promise.all([...document.querySelectorAll('.shot img')].map(
                (i) => { i.loading = 'eager'; return i.decode().then(() => i.naturalWidth, () => 0); }))"""
        )
        b.close()
    assert loaded and set(loaded) == {1280} and errors == []


def test_evidence_names_the_screenshot_file(shot_audit, tmp_path):
    out, _, findings, _ = shot_audit
    (privacy,) = [f for f in findings if f["check"] == "privacy_leak"][:1]
    cmd = [sys.executable, "-m", "govaudit.cli", "evidence", privacy["id"]]
    cmd += ["--db", str(out / "govaudit.db"), "--out", str(tmp_path / "e.html")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    png = tmp_path / f"问题截图-{privacy['id']}.png"
    assert f"页面截图（个人号码已脱敏，问题位置已框出）：{png}" in done.stdout
    assert png.read_bytes()[:8] == PNG
    doc = lxml.html.fromstring((tmp_path / "e.html").read_text(encoding="utf-8"))
    assert doc.xpath("//img/@src") == [png.name]


def test_without_screenshots_or_a_browser_the_report_says_why(browser, tmp_path):
    out, _, findings, _ = audit(tmp_path / "flag", "", "--no-screenshots")
    cells = shot_cells(out)
    grave = [f["id"] for f in findings if f["severity"] in ("critical", "major")]
    assert grave and all(cells[i].startswith("无截图：本次审计未截图") for i in grave)
    assert not (out / "screenshots").exists()
    out, _, findings, _ = audit(tmp_path / "none", 'render_browser = "/nonexistent/chromium"')
    cells = shot_cells(out)
    assert all(
        cells[f["id"]] == "无截图：浏览器 /nonexistent/chromium 不存在或不可执行"
        for f in findings
        if f["severity"] in ("critical", "major")
    )
    log = (out / "govaudit.log").read_text(encoding="utf-8")
    assert len([line for line in log.splitlines() if "截图：" in line]) == 1


def test_an_unchanged_page_keeps_its_earlier_shot(browser, tmp_path):
    """The next day's audit of the same pages takes the earlier shot (same stored copy, same
    places outlined): no browser work; the report still shows it."""
    from govaudit.core.store import Store

    with SiteServer(site_routes()) as site:
        first, *_ = audit(tmp_path, site=site)
        again, *_ = audit(tmp_path, "", "--full", site=site)
    with closing(Store(again / "govaudit.db")) as store:
        one, two = (a["counters"] for a in store.audits()[-2:])
    assert one["screenshots"] >= 1 and "screenshots_reused" not in one
    assert two["screenshots_reused"] == two["screenshots"] == one["screenshots"]
    with sqlite3.connect(again / "govaudit.db") as db:
        rows = db.execute("SELECT audit, url, digest, key FROM screenshots").fetchall()
        assert db.execute("SELECT COUNT(*) FROM screenshot_images").fetchone()[0] == 1
    by_audit = {(url, digest, key) for _, url, digest, key in rows}
    assert len(rows) == 2 * len(by_audit) and all(key for _, _, key in by_audit)
    assert set(shot_cells(again).values()) == set(shot_cells(first).values())


def test_the_shot_key_names_what_the_shot_shows():
    from govaudit.crawler.screenshots import Camera, ShotRequest, shot_key

    camera = Camera("chromium", 10, 4000, "ua")
    page = ShotRequest("http://127.0.0.1/a.html", ("110101********4514",), (), html="<p>甲</p>")
    key = shot_key(page, camera)
    assert len(key) == 64 and key == shot_key(ShotRequest(**vars(page)), camera)
    others = [
        ShotRequest(page.url, page.texts, (), html="<p>乙</p>"),  # the page changed
        ShotRequest(page.url, ("另一处",), (), html=page.html),  # another place outlined
        ShotRequest(page.url + "?b", page.texts, (), html=page.html),
    ]
    assert key not in {shot_key(o, camera) for o in others}
    assert shot_key(page, Camera("chromium", 10, 2000, "ua")) != key  # another cut
    assert shot_key(ShotRequest(page.url, settle=True, html=page.html), camera) == ""
    assert shot_key(ShotRequest(page.url), camera) == ""  # no stored copy: shot every time
