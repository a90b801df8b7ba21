"""A hostile site crawled end to end: the crawl completes, the store is consistent, the outputs
are valid and page content never becomes markup or a formula in a report.

One crawl (module fixture, the real CLI in a subprocess on 127.0.0.1) serves every assertion:
a 50 MB page, a page of 100,000 links, 10,000 nested elements, NUL bytes and invalid UTF-8 in
pages and links, a redirect loop, `file:` and `data:` links, a 1,000-character title carrying
`<script>` and `=HYPERLINK(...)`, and an infinite calendar. A few parser rules that need no
server are tested offline at the end.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from site_server import Reply, SiteServer, redirect

from govaudit.core.store import Store
from govaudit.crawler.extract import parse_page

AS_OF = "2024-06-01"
CHECK_FINDINGS = Path(__file__).resolve().parents[2] / "shared" / "tools" / "check_findings.py"
MAX_PAGES = 40
PROFILE = f"""
[site]
name = "恶意站点"
[crawl]
max_pages = {MAX_PAGES}
concurrency = 8
download_delay = 0.0
timeout = 3.0
retries = 0
"""
EVIL = '=HYPERLINK("http://evil.example/","点我")<script>alert(1)</script>'
BIG = 50 * 1024 * 1024
LINKS = 100_000
NESTING = 10_000


def _html(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


class HostileRoutes(dict):
    """Fixed routes plus an infinite calendar: /cal/YYYY/MM/ links the next and previous month
    for ever, as the calendar widgets of many portals do."""

    def get(self, path: str, default: Reply | None = None) -> Reply | None:
        match = re.fullmatch(r"/cal/(\d+)/(\d+)/", path)
        if not match:
            return super().get(path, default)
        year, month = int(match[1]), int(match[2])
        nxt = f"/cal/{year + (month == 12)}/{month % 12 + 1:02d}/"
        prev = f"/cal/{year - (month == 1)}/{(month - 2) % 12 + 1:02d}/"
        body = f'<a href="{nxt}">下月</a><a href="{prev}">上月</a>'
        return Reply(_html(f"日历 {year}-{month}", body))


def hostile_routes() -> HostileRoutes:
    home = _html(
        "恶意站点首页",
        f"""<a href="/big.html">大页面</a><a href="/many.html">链接很多</a>
        <a href="/deep.html">深嵌套</a><a href="/nul.html">空字节</a>
        <a href="/evil.html">恶意标题</a><a href="/loop1">循环</a>
        <a href="file:///etc/passwd">密码</a>
        <a href="http://[::1/x">坏地址</a><a href="http://127.0.0.1:99999/">坏端口</a>
        <a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">数据</a>
        <img src="data:image/png;base64,iVBORw0KGgo=" alt="内嵌图">
        <a href="/cal/2024/05/">日历</a>
        <a href="/gone.html">{html.escape(EVIL)}</a>""",
    )
    title = "<script>alert(1)</script>" + EVIL + "长" * 1000
    evil = _html(
        html.escape(title),
        f"{EVIL} 发布日期：2024-01-01 <a href='/gone2.html'>{html.escape(EVIL)}</a>",
    )
    nul = (
        b"<html><head><title>nul\x00title</title></head><body>\x00text \xff\xfe bad \xc3\x28"
        b' <a href="/nul\x00link.html">nul</a><a href="/bad\xffurl.html">bad</a>'
        b"\xe6\x96\x87\x00</body></html>"
    )
    many = "".join(f'<a href="/many/{i}.html">{i}</a>' for i in range(LINKS))
    deep = "<div>" * NESTING + "深层正文" + "</div>" * NESTING
    return HostileRoutes(
        {
            "/": Reply(home),
            "/robots.txt": Reply("", status=404),
            "/big.html": Reply(b"<html><body><p>" + b"x" * BIG + b"</p></body></html>"),
            "/many.html": Reply(_html("链接很多", many)),
            "/deep.html": Reply(_html("深嵌套", deep)),
            "/nul.html": Reply(nul, content_type="text/html; charset=utf-8"),
            "/evil.html": Reply(evil),
            "/loop1": redirect("/loop2", 302),
            "/loop2": redirect("/loop1", 302),
        }
    )


class Crawled:
    def __init__(self, site: SiteServer, out: Path, result: subprocess.CompletedProcess) -> None:
        self.site, self.out, self.result = site, out, result
        self.store = Store(out / "govaudit.db")
        (self.audit,) = self.store.audits()
        self.view = self.store.view(self.audit["id"])
        self.pages = {p.url: p for p in self.view.pages(with_text=False)}

    def page(self, path: str):
        record = self.pages.get(self.site.url + path)
        assert record is not None, f"no pages row for {path}"
        return record


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    profile = tmp / "site.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    with SiteServer(hostile_routes()) as site:
        result = subprocess.run(
            [sys.executable, "-m", "govaudit.cli", "audit", site.url + "/"]
            + ["--out", str(tmp / "out"), "--config", str(profile), "--as-of", AS_OF, "--quiet"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).resolve().parents[1],
        )
        crawl = Crawled(site, tmp / "out", result)
        yield crawl
        crawl.store.close()


def test_the_crawl_completes(crawled):
    assert crawled.result.returncode == 0, crawled.result.stderr[-2000:]
    assert crawled.result.stderr == ""
    # bounded by max_pages: said in summary.json, and never a 合格 (issue 17)
    summary = json.loads((crawled.out / "summary.json").read_text(encoding="utf-8"))
    assert summary["complete"] is False and summary["veto"] in ("否决", "无法判定")
    assert summary["incomplete"][0].startswith(f"达到页面上限 {MAX_PAGES} 页")
    assert crawled.audit["status"] == "finished"
    counters = crawled.audit["counters"]
    assert counters["finish_reason"] == "finished" and counters["spider_exceptions"] == 0


def test_findings_json_is_valid(crawled):
    findings = json.loads((crawled.out / "findings.json").read_text(encoding="utf-8"))
    assert isinstance(findings, list) and findings
    if CHECK_FINDINGS.exists():
        spec = importlib.util.spec_from_file_location("check_findings", CHECK_FINDINGS)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert module.problems(findings) == []


def test_the_store_is_consistent(crawled):
    """Every edge's target has its pages row; no URL is recorded twice; every row has an outcome."""
    targets = {link.target for _, link in crawled.view.links()}
    assert targets <= set(crawled.pages)
    urls = [p.url for p in crawled.view.pages(with_text=False)]
    assert len(urls) == len(set(urls))
    for page in crawled.pages.values():
        assert page.status is not None or page.error is not None, page.url


def test_a_50_mb_page_is_not_loaded(crawled):
    big = crawled.page("/big.html")
    assert big.error == "cancelled" and "max size" in big.error_detail
    assert big.text == "" and big.title == ""
    # never reported as a broken link: it answered, it is only too large to read
    findings = json.loads((crawled.out / "findings.json").read_text(encoding="utf-8"))
    assert not [f for f in findings if str(f.get("target_url")).endswith("/big.html")]


def test_a_page_of_100000_links_keeps_every_edge_within_bounds(crawled):
    many = crawled.site.url + "/many.html"
    edges = list(crawled.view.links(sources=[many]))
    assert len(edges) == LINKS
    fetched = [p for p in crawled.pages.values() if p.error is None and p.internal]
    assert len(fetched) <= MAX_PAGES + 5  # + redirects recorded without a fetch of their own
    skipped = crawled.audit["counters"]["skipped_by_reason"]
    assert skipped["max_pages"] >= LINKS - MAX_PAGES
    sample = crawled.page(f"/many/{LINKS - 1}.html")
    assert (sample.error, sample.error_detail) == ("skipped", "max_pages")


def test_deep_nesting_is_parsed_without_error(crawled):
    deep = crawled.page("/deep.html")
    assert deep.status == 200 and deep.title == "深嵌套" and deep.error is None


def test_nul_bytes_and_invalid_utf8(crawled):
    nul = crawled.page("/nul.html")
    assert nul.status == 200 and nul.error is None
    text = crawled.view.texts([nul.url])[nul.url]
    assert "\x00" not in nul.title + text and "text" in text and "文" in text
    for _, link in crawled.view.links(sources=[nul.url]):
        assert "\x00" not in link.target and " " not in link.target
    # both links are recorded (not fetched: the page bound was reached by then, or 404)
    assert len(list(crawled.view.links(sources=[nul.url]))) == 2


def test_a_redirect_loop_is_recorded_once(crawled):
    loop = crawled.page("/loop1")
    assert loop.error == "too_many_redirects"
    assert crawled.site.count("GET", "/loop1") <= 2


def test_file_and_data_links_are_never_fetched(crawled):
    passwd = crawled.pages["file:///etc/passwd"]
    assert (passwd.error, passwd.error_detail) == ("skipped", "unsupported_scheme")
    assert passwd.text == "" and passwd.size is None
    # data: URIs are content, not targets (DESIGN: like mailto:, not recorded as edges)
    assert not [u for u in crawled.pages if u.startswith("data:")]


def test_a_malformed_link_is_a_broken_link_not_a_lost_one(crawled):
    """A visitor cannot follow `http://[::1/x` either: it is recorded and reported, not dropped."""
    for target in ("http://[::1/x", "http://127.0.0.1:99999/"):
        record = crawled.pages[target]
        assert record.error == "malformed" and record.error_detail.startswith("not a valid URL")
    findings = json.loads((crawled.out / "findings.json").read_text(encoding="utf-8"))
    broken = {f["target_url"] for f in findings if f["check"] == "broken_link"}
    assert {"http://[::1/x", "http://127.0.0.1:99999/"} <= broken


def test_the_infinite_calendar_is_bounded(crawled):
    months = [u for u in crawled.pages if "/cal/" in u]
    fetched = [u for u in months if crawled.pages[u].error is None]
    assert 1 <= len(fetched) <= MAX_PAGES
    assert crawled.site.count("GET", "/cal/2024/05/") == 1


def test_a_hostile_title_is_inert_in_every_report(crawled):
    evil = crawled.page("/evil.html")
    assert evil.title.startswith("<script>alert(1)</script>=HYPERLINK(")
    assert len(evil.title) > 1000
    report = (crawled.out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in report
    assert "=HYPERLINK" in report or "HYPERLINK" not in report  # shown as text when shown
    wb = load_workbook(crawled.out / "整改清单.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no cell is a formula
    assert [c for c in cells if "HYPERLINK" in str(c.value)]  # the anchor text is listed
    for c in cells:
        assert not str(c.value).startswith(("=", "+", "@")), (c.coordinate, c.value)


# -- offline: parser rules that need no server ------------------------------------------------


def test_a_list_with_an_unclosed_font_per_row_keeps_every_row():
    """libxml2 stops at 256 open elements unless huge_tree: old templates leave <font> open."""
    rows = "".join(f"<li><font color=red><a href='/a{i}.html'>第{i}条</a>" for i in range(600))
    body = _html("列表", f"<ul>{rows}</ul><p>尾注</p>").encode()
    record = parse_page("http://www.example.gov.cn/list.html", body, "text/html", "utf-8")
    assert len(record.links) == 600
    assert "第599条" in record.text and "尾注" in record.text


def test_nesting_deeper_than_the_parser_bound_does_not_raise():
    body = ("<div>" * 50_000 + "正文" + "</div>" * 50_000).encode()
    record = parse_page("http://www.example.gov.cn/deep.html", body, "text/html", "utf-8")
    assert record.url == "http://www.example.gov.cn/deep.html"


def test_an_ipv6_literal_start_url_is_connected_to_not_looked_up(tmp_path):
    """Scrapy's default resolver is IPv4 only: [::1] was recorded as a DNS failure."""
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    with socket.socket() as s:  # a port free on 127.0.0.1, closed again: nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = subprocess.run(
        [sys.executable, "-m", "govaudit.cli", "audit", f"http://[::1]:{port}/"]
        + ["--out", str(tmp_path / "out"), "--as-of", AS_OF, "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 3
    assert (
        result.stderr.strip()
        == f"govaudit: 无法访问 http://[::1]:{port}/（连接被拒绝）：未审计任何内容"
    )


def _raw_server(answers: dict[str, bytes]):
    """A server on 127.0.0.1 that answers each path with the exact bytes given (one request
    per connection): responses no well-behaved server library would write."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                path = data.split(b" ")[1].decode() if data.count(b" ") >= 2 else "/"
                conn.sendall(
                    answers.get(path, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                )

    threading.Thread(target=serve, daemon=True).start()
    return listener


def test_responses_browsers_show_are_not_broken_links(tmp_path):
    """Content-Length beside chunked, a Content-Length sent twice: aiohttp refuses them, browsers
    show them; the page is read again leniently. A broken chunk stays a broken link."""
    page = "<html><head><title>{}</title></head><body>正文</body></html>"
    body = page.format("分块传输").encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    twice = page.format("重复长度").encode()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n"
    home = (
        '<html><head><title>首页</title></head><body><a href="/both.html">a</a>'
        '<a href="/twice.html">b</a><a href="/badchunk.html">c</a></body></html>'
    ).encode()
    answers = {
        "/": head + b"Content-Length: %d\r\n\r\n" % len(home) + home,
        "/both.html": head
        + b"Content-Length: 9999\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunked,
        "/twice.html": head + (b"Content-Length: %d\r\n" % len(twice)) * 2 + b"\r\n" + twice,
        "/badchunk.html": head + b"Transfer-Encoding: chunked\r\n\r\nZZ\r\nhello\r\n0\r\n\r\n",
    }
    listener = _raw_server(answers)
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    profile = tmp_path / "p.toml"
    profile.write_text("[crawl]\nobey_robots = false\nretries = 0\n", encoding="utf-8")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "govaudit.cli", "audit", base + "/", "--out", str(tmp_path),
             "--config", str(profile), "--quiet", "--as-of", "2024-06-01"],
            capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[1],
        )  # fmt: skip
    finally:
        listener.close()
    assert done.returncode == 0, done.stderr
    store = Store(tmp_path / "govaudit.db")
    (audit,) = store.audits()
    view = store.view(audit["id"])
    assert view.page(base + "/both.html").title == "分块传输"
    assert view.page(base + "/twice.html").title == "重复长度"
    bad = view.page(base + "/badchunk.html")
    assert bad.error == "connection", bad.error_detail
