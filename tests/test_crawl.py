"""The crawler end to end: real crawls of a site served on 127.0.0.1, asserted on the store.

Scrapy's reactor cannot restart in one process, so each crawl runs the real CLI in a subprocess.
One crawl of a rich site (module fixture) serves most tests; a few more prove bounds and exit
statuses. The rules that need no server (scope, trap guards, Retry-After, error kinds) are tested
offline at the end.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from site_server import Reply, SiteServer, redirect

from govaudit.core.store import Store
from govaudit.crawler.errors import error_kind
from govaudit.crawler.retry import retry_after_seconds
from govaudit.crawler.scope import CALENDAR_VARIANTS, Scope, strip_session

AS_OF = "2024-06-01"
CHECK_FINDINGS = Path(__file__).resolve().parents[2] / "shared" / "tools" / "check_findings.py"
PROFILE = """
[site]
name = "测试市人民政府"
[crawl]
max_depth = 3
concurrency = 8
download_delay = 0.0
timeout = 2.0
retries = 1
obey_robots = true
exclude = ["/private/"]
"""


def _html(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rich_site(closed: int) -> dict[str, Reply]:
    home = _html(
        "测试市人民政府",
        """<div class="nav"><a href="/">首页</a><a href="/news/index.html">新闻动态</a></div>
        <a href="/gbk.html">政务公开</a>
        <a href="/files/report.zip">年度报告</a><a href="/files/empty.doc">空附件</a>
        <img src="/logo.png" alt="标志">
        <a href="/busy.html">繁忙</a><a href="/toolong.html">限流</a>
        <a href="/err500.html">出错</a><a href="/missing.html">不存在</a>
        <a href="/chain1">跳转</a><a href="/old.html">旧页面</a>
        <a href="/loop1">循环</a><a href="/moved-missing">搬走</a><a href="/slow.html">慢</a>
        <a href="http://127.0.0.1:CLOSED/x.html">关闭端口</a>
        <a href="http://nonexistent.invalid/page.html">无此域名</a>
        <a href="/cal?month=2024-05">日历</a>
        <a href="/list.jsp?id=7&amp;PHPSESSID=0123456789abcdef0123">会话一</a>
        <a href="/list.jsp;jsessionid=ABCDEF0123456789ABCD?id=7">会话二</a>
        <a href="/private/secret.html">内部</a><a href="/norobots/a.html">禁止抓取</a>
        <a href="/deep/1.html">深层</a><a href="mailto:office@example.gov.cn">邮箱</a>""".replace(
            "CLOSED", str(closed)
        ),
    )
    news = _html(
        "新闻动态",
        """<ul class="list">
        <li><a href="/news/t20240520_1.html">市政府召开常务会议</a><span>2024-05-20</span></li>
        <li><a href="/news/t20240510_2.html">关于开展安全检查的通知</a><span>2024-05-10</span></li>
        </ul><script>createPageHTML(3, 0, "index", "html");</script>""",
    )
    gbk = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>朱镕基与王喆的来信</title></head><body><p>朱镕基与王喆的来信，发布日期：2024-05-01。"
        "</p></body></html>"
    ).encode("gbk")

    def calendar(month: str) -> Reply:
        y, m = (int(x) for x in month.split("-"))
        nxt = f"{y + (m == 12)}-{m % 12 + 1:02d}"
        return Reply(
            _html(
                f"日历 {month}",
                f'<a href="/cal?month={nxt}">下月</a><a href="/cal?month={y + 1}-{m:02d}">明年</a>',
            )
        )

    routes = {
        "/": Reply(home),
        "/robots.txt": Reply("User-agent: *\nDisallow: /norobots/\n", content_type="text/plain"),
        "/news/index.html": Reply(news),
        "/news/index_1.html": Reply(_html("新闻动态", "<ul><li>第二页</li></ul>")),
        "/news/index_2.html": Reply(_html("新闻动态", "<ul><li>第三页</li></ul>")),
        "/news/t20240520_1.html": Reply(_html("会议", "发布时间：2024-05-20")),
        "/news/t20240510_2.html": Reply(_html("通知", "发布时间：2024-05-10")),
        "/gbk.html": Reply(gbk, content_type="text/html; charset=gb2312"),
        "/files/report.zip": Reply(
            b"PK\x03\x04 report", content_type="application/zip", head_status=405
        ),
        "/files/empty.doc": Reply(b"", content_type="application/msword"),
        "/logo.png": Reply(b"\x89PNG....", content_type="image/png"),
        "/busy.html": Reply(_html("繁忙", "终于好了"), fail_first=1),
        "/toolong.html": Reply("busy", status=429, headers={"Retry-After": "120"}),
        "/err500.html": Reply(_html("错误", "服务器错误"), status=500),
        "/chain1": redirect("/chain2", 302),
        "/chain2": redirect("/final.html"),
        "/final.html": Reply(_html("终点", "到了")),
        "/old.html": redirect("/"),
        "/loop1": redirect("/loop2", 302),
        "/loop2": redirect("/loop1", 302),
        "/moved-missing": redirect("/missing.html"),
        "/slow.html": Reply(_html("慢", "慢"), delay=5),
        "/list.jsp?id=7": Reply(_html("列表", "会话页")),
        "/private/secret.html": Reply(_html("内部", "不应抓取")),
        "/norobots/a.html": Reply(_html("禁止", "不应抓取")),
        "/deep/1.html": Reply(_html("1", '<a href="/deep/2.html">2</a>')),
        "/deep/2.html": Reply(
            _html("2", '<a href="/deep/3.html">3</a><a href="/final.html">终</a>')
        ),
        "/deep/3.html": Reply(_html("3", '<a href="/deep/4.html">4</a>')),
        "/deep/4.html": Reply(_html("4", "too deep")),
    }
    for year in (2024, 2025, 2026):
        for month in range(1, 13):
            routes[f"/cal?month={year}-{month:02d}"] = calendar(f"{year}-{month:02d}")
    return routes


def run_cli(
    *args: str, timeout: float = 90, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govaudit.cli", "audit", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path(__file__).resolve().parents[1],
        env=env,
    )


class Crawled:
    """A finished crawl: the server (for hit counts), the store view and the CLI's result."""

    def __init__(self, site: SiteServer, out: Path, result) -> None:
        self.site, self.out, self.result = site, out, result
        self.store = Store(out / "govaudit.db")
        (self.audit,) = self.store.audits()
        self.view = self.store.view(self.audit["id"])

    def url(self, path: str) -> str:
        return self.site.url + path

    def page(self, path: str):
        record = self.view.page(path if path.startswith("http") else self.url(path))
        assert record is not None, f"no pages row for {path}"
        return record


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rich")
    profile = tmp / "site.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    closed = closed_port()
    with SiteServer(rich_site(closed)) as site:
        result = run_cli(
            site.url + "/",
            "--out",
            str(tmp / "out"),
            "--config",
            str(profile),
            "--as-of",
            AS_OF,
            "--quiet",
            "--no-screenshots",  # the tests count the crawl's own requests
        )
        crawl = Crawled(site, tmp / "out", result)
        crawl.closed = closed
        yield crawl
        crawl.store.close()


def test_cli_exits_0_and_writes_findings(crawled):
    assert crawled.result.returncode == 0, crawled.result.stderr
    assert crawled.result.stderr == "" and crawled.result.stdout == ""  # --quiet, logs to file
    findings = json.loads((crawled.out / "findings.json").read_text(encoding="utf-8"))
    assert isinstance(findings, list)
    if CHECK_FINDINGS.exists():
        check = subprocess.run(
            [sys.executable, str(CHECK_FINDINGS), str(crawled.out / "findings.json")],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout
    assert crawled.audit["status"] == "finished"
    assert (crawled.out / "crawl.log").exists()


def test_counters_explain_the_run(crawled):
    c = crawled.audit["counters"]
    assert c["finish_reason"] == "finished" and c["spider_exceptions"] == 0
    assert c["start_urls_ok"] == 1
    assert c["head_fallbacks"] >= 1 and c["retries"] >= 3  # 429, 500, timeout, refused
    assert c["errors_by_kind"]["dns"] == 1 and c["errors_by_kind"]["timeout"] == 1
    kinds = c["errors_by_kind"]
    assert (kinds["http_404"], kinds["http_500"], kinds["too_many_redirects"]) == (2, 1, 1)
    assert c["skipped_by_reason"]["excluded"] == 1 and c["skipped_by_reason"]["robots"] == 1
    pages = list(crawled.view.pages())
    assert c["targets"] == len(pages)
    # HTML pages fetched and parsed (dropped redirects have no size: they were not fetched)
    parsed = [p for p in pages if p.method == "GET" and p.kind != "resource" and p.size is not None]
    assert c["pages"] == len(parsed)


def test_every_edge_of_the_home_page_is_recorded(crawled):
    home = crawled.url("/")
    edges = {(link.target, link.tag) for source, link in crawled.view.links() if source == home}
    u = crawled.url
    expected = {
        (u("/"), "a"),
        (u("/news/index.html"), "a"),
        (u("/gbk.html"), "a"),
        (u("/files/report.zip"), "a"),
        (u("/files/empty.doc"), "a"),
        (u("/logo.png"), "img"),
        (u("/busy.html"), "a"),
        (u("/toolong.html"), "a"),
        (u("/err500.html"), "a"),
        (u("/missing.html"), "a"),
        (u("/chain1"), "a"),
        (u("/old.html"), "a"),
        (u("/loop1"), "a"),
        (u("/moved-missing"), "a"),
        (u("/slow.html"), "a"),
        (f"http://127.0.0.1:{crawled.closed}/x.html", "a"),
        ("http://nonexistent.invalid/page.html", "a"),
        (u("/cal?month=2024-05"), "a"),
        (u("/list.jsp?id=7"), "a"),
        (u("/private/secret.html"), "a"),
        (u("/norobots/a.html"), "a"),
        (u("/deep/1.html"), "a"),
    }
    assert edges == expected
    # both session-id spellings are kept as edges, onto one target
    targets = [link.target for s, link in crawled.view.links() if s == home]
    assert targets.count(u("/list.jsp?id=7")) == 2
    # every target of every edge has its pages row: nothing is lost silently
    recorded = {p.url for p in crawled.view.pages()}
    assert {link.target for _, link in crawled.view.links()} <= recorded


def test_each_target_is_checked_once(crawled):
    site = crawled.site
    assert site.count("GET", "/") == 1  # linked back from every page, fetched once
    assert site.count("GET", "/list.jsp?id=7") == 1  # two session ids, one page
    assert site.count("HEAD", "/logo.png") == 1 and site.count("GET", "/logo.png") == 0


def test_head_refused_falls_back_to_get_headers_only(crawled):
    # (a zip: internal documents the audit reads are fetched with GET, tests/test_attachments_e2e)
    zipped = crawled.page("/files/report.zip")
    assert (zipped.status, zipped.method, zipped.kind) == (200, "HEAD>GET", "resource")
    assert zipped.size == len(b"PK\x03\x04 report") and zipped.content_type == "application/zip"
    assert crawled.site.count("HEAD", "/files/report.zip") == 1
    assert crawled.site.count("GET", "/files/report.zip") == 1
    empty = crawled.page("/files/empty.doc")
    assert (empty.status, empty.method, empty.size) == (200, "GET", 0)  # an empty attachment


def test_429_is_retried_after_retry_after(crawled):
    busy = crawled.page("/busy.html")
    assert busy.status == 200 and busy.error is None and "终于好了" in busy.text
    assert crawled.site.count("GET", "/busy.html") == 2
    # a Retry-After beyond the bound is not waited for: the 429 is the answer
    assert crawled.page("/toolong.html").status == 429
    assert crawled.site.count("GET", "/toolong.html") == 1


def test_soft_failures_are_recorded_with_their_kind(crawled):
    assert crawled.page("http://nonexistent.invalid/page.html").error == "dns"
    refused = crawled.page(f"http://127.0.0.1:{crawled.closed}/x.html")
    assert refused.error == "refused" and refused.status is None
    slow = crawled.page("/slow.html")
    assert slow.error == "timeout" and "took longer than 2.0 seconds" in slow.error_detail
    assert crawled.page("/missing.html").status == 404
    assert crawled.page("/err500.html").status == 500
    assert crawled.site.count("GET", "/err500.html") == 2  # retried once (retries = 1)


def test_gbk_page_declared_gb2312_is_decoded(crawled):
    page = crawled.page("/gbk.html")
    assert "朱镕基与王喆" in page.title and "朱镕基与王喆" in page.text
    assert "\ufffd" not in page.text and page.published == date(2024, 5, 1)


def test_script_pagination_is_followed(crawled):
    news = crawled.page("/news/index.html")
    assert news.kind == "list"
    assert set(news.pagination) >= {
        crawled.url("/news/index_1.html"),
        crawled.url("/news/index_2.html"),
    }
    for path in ("/news/index_1.html", "/news/index_2.html"):
        assert crawled.page(path).status == 200
    items = [item for page, item in crawled.view.list_items() if page == news.url]
    assert [i.date for i in items] == [date(2024, 5, 20), date(2024, 5, 10)]


def test_redirects_are_recorded_with_their_end(crawled):
    chain = crawled.page("/chain1")
    assert chain.final_url == crawled.url("/final.html") and chain.status == 200
    assert chain.redirects == (crawled.url("/chain1"), crawled.url("/chain2"))
    # /final.html, linked deeper, was already fetched as the chain's end: recorded, not re-fetched
    final = crawled.page("/final.html")
    assert (final.status, final.error, final.size) == (200, None, None) and final.depth == 3
    assert crawled.site.count("GET", "/final.html") == 1
    # a redirect onto the already-crawled home page is dropped by Scrapy's dupefilter
    old = crawled.page("/old.html")
    assert old.final_url == crawled.url("/") and old.status == 200 and old.error is None
    # ... and takes the outcome of the page it ends at, even one fetched after the drop
    moved = crawled.page("/moved-missing")
    assert (moved.final_url, moved.status) == (crawled.url("/missing.html"), 404)
    loop = crawled.page("/loop1")
    assert loop.error == "too_many_redirects" and loop.error_detail == "redirect loop"


def test_bounds_are_respected_and_recorded(crawled):
    for path in ("/deep/1.html", "/deep/2.html", "/deep/3.html"):
        assert crawled.page(path).status == 200
    deep = crawled.page("/deep/4.html")
    assert (deep.error, deep.error_detail, deep.depth) == ("skipped", "max_depth", 4)
    assert crawled.page("/private/secret.html").error_detail == "excluded"
    assert crawled.page("/norobots/a.html").error_detail == "robots"
    for path in ("/deep/4.html", "/private/secret.html", "/norobots/a.html"):
        assert crawled.site.count("GET", path) == 0


def test_calendar_trap_stops(crawled):
    calendar = [p for p in crawled.view.pages() if "/cal?" in p.url]
    fetched = [p for p in calendar if p.status == 200]
    refused = [p for p in calendar if p.error_detail == "calendar"]
    assert refused and any("month=2026" in p.url for p in refused)  # beyond next year
    # past max_depth too, a calendar page is a trap: no 'max_depth' to make the audit incomplete
    assert not [p for p in calendar if p.error_detail == "max_depth"]
    assert len(fetched) <= 1 + 2 + 4  # depth 3 bounds the rest


def test_max_pages_bound_and_unreachable_site(tmp_path):
    routes = {f"/p{i}.html": Reply(_html(str(i), "页面")) for i in range(10)}
    routes["/"] = Reply(_html("首页", "".join(f'<a href="/p{i}.html">{i}</a>' for i in range(10))))
    with SiteServer(routes) as site:
        result = run_cli(
            site.url + "/",
            "--out",
            str(tmp_path / "a"),
            "--max-pages",
            "4",
            "--concurrency",
            "8",
            "--as-of",
            AS_OF,
        )
    assert result.returncode == 0, result.stderr
    assert "页/秒" in result.stderr and "页面 4，" in result.stderr  # progress and summary
    store = Store(tmp_path / "a" / "govaudit.db")
    (audit,) = store.audits()
    pages = list(store.view(audit["id"]).pages())
    assert len([p for p in pages if p.status == 200]) == 4 == audit["counters"]["pages"]
    assert len([p for p in pages if p.error_detail == "max_pages"]) == 7  # home + 3 of its 10 links
    assert sum(site.count("GET", f"/p{i}.html") for i in range(10)) == 3

    profile = tmp_path / "fast.toml"
    profile.write_text("[crawl]\nretries = 0\nobey_robots = false\n", encoding="utf-8")
    nowhere = f"http://127.0.0.1:{closed_port()}/"
    unreachable = run_cli(
        nowhere,
        "--out",
        str(tmp_path / "b"),
        "--quiet",
        "--config",
        str(profile),
        "--as-of",
        AS_OF,
    )
    assert unreachable.returncode == 3
    assert unreachable.stderr.strip().count("\n") == 0 and "无法访问" in unreachable.stderr
    store = Store(tmp_path / "b" / "govaudit.db")
    (audit,) = store.audits()
    assert audit["status"] == "failed"
    assert store.view(audit["id"]).page(nowhere).error == "refused"


def test_referer_and_cookies_are_sent_like_a_browser(tmp_path):
    """Hot-link protection answers 403 to a request without the page's Referer, and a WAF
    blocks requests without the cookie the homepage set: neither is a broken link."""
    home = _html("首页", '<img src="/img/logo.png"><a href="/a.html">文章</a>')
    routes = {
        "/": Reply(home, headers={"Set-Cookie": "waf_token=ok; Path=/"}),
        "/img/logo.png": Reply(b"PNG", content_type="image/png", requires={"Referer": "/"}),
        "/a.html": Reply(_html("文章", "正文"), requires={"Cookie": "waf_token=ok"}),
    }
    with SiteServer(routes) as site:
        result = run_cli(site.url + "/", "--out", str(tmp_path), "--quiet", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    store = Store(tmp_path / "govaudit.db")
    view = store.view(store.audits()[0]["id"])
    assert view.page(site.url + "/img/logo.png").status == 200
    assert view.page(site.url + "/a.html").status == 200


def _expired_certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate that expired a month ago, as many a bureau's server has."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "www.example.gov.cn")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=400))
        .not_valid_after(now - timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_a_site_with_an_expired_certificate_is_still_audited(tmp_path):
    """Certificates are not verified (as Scrapy did not): a lapsed certificate must not turn
    every page of the site into a broken link."""
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_expired_certificate(tmp_path))
    routes = {"/": Reply(_html("首页", '<a href="/a.html">文章</a>')), "/a.html": Reply("正文")}
    with SiteServer(routes) as site:
        site.httpd.socket = context.wrap_socket(site.httpd.socket, server_side=True)
        home = f"https://127.0.0.1:{site.port}/"
        result = run_cli(home, "--out", str(tmp_path / "out"), "--quiet", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    store = Store(tmp_path / "out" / "govaudit.db")
    view = store.view(store.audits()[0]["id"])
    assert view.page(home).status == 200 and view.page(home + "a.html").status == 200


def test_proxies_come_from_the_environment(tmp_path):
    """An office behind a proxy sets http_proxy; no_proxy still reaches hosts directly."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    asked: list[str] = []

    class Proxy(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            body = _html("经代理", "代理转发的首页").encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    Thread(target=proxy.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{closed_port()}/"  # only the proxy can reach it
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["http_proxy"] = f"http://127.0.0.1:{proxy.server_address[1]}"
    try:
        via_proxy = run_cli(
            site, "--out", str(tmp_path / "a"), "--quiet", "--as-of", AS_OF, env=env
        )
        env["no_proxy"] = "127.0.0.1"
        direct = run_cli(site, "--out", str(tmp_path / "b"), "--quiet", "--as-of", AS_OF, env=env)
    finally:
        proxy.shutdown()
    assert via_proxy.returncode == 0, via_proxy.stderr
    # The absolute URLs, as a proxy is asked: robots.txt goes through it as well.
    assert asked == [site + "robots.txt", site]
    assert direct.returncode == 3  # the site itself is not there


def test_stray_bytes_in_response_headers_lose_nothing(tmp_path):
    """A byte that is not UTF-8 in an ETag or a Content-Type (GBK servers send them): the page is
    recorded and its links followed; a validator that is not plain ASCII is not kept."""
    home = Reply(_html("首页", '<a href="/a.html">文章</a>'), headers={"ETag": '"caf\xe9"'})
    routes = {"/": home, "/a.html": Reply(_html("文章", "正文"), content_type="text/html; x=\xe9")}
    with SiteServer(routes) as site:  # http.server sends header values as Latin-1 bytes
        result = run_cli(site.url + "/", "--out", str(tmp_path), "--quiet", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    store = Store(tmp_path / "govaudit.db")
    (audit,) = store.audits()
    assert audit["counters"]["spider_exceptions"] == 0
    view = store.view(audit["id"])
    assert view.page(site.url + "/").status == 200 and view.page(site.url + "/").etag is None
    article = view.page(site.url + "/a.html")
    assert article.status == 200 and article.content_type == "text/html"


def test_meta_refresh_moves_a_page_unless_it_reloads_itself(tmp_path):
    home = _html("首页", '<a href="/live.html">直播</a><a href="/old/index.html">旧栏目</a>')
    live = '<html><head><meta http-equiv="refresh" content="30; url=/live.html"></head>'
    old = '<html><head><meta http-equiv="refresh" content="0;URL=/new/index.html"></head></html>'
    routes = {
        "/": Reply(home),
        "/live.html": Reply(live + "<body><h1>现场直播</h1></body></html>"),
        "/old/index.html": Reply(old),
        "/new/index.html": Reply(_html("新栏目", "内容")),
    }
    with SiteServer(routes) as site:
        result = run_cli(site.url + "/", "--out", str(tmp_path), "--quiet", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    store = Store(tmp_path / "govaudit.db")
    view = store.view(store.audits()[0]["id"])
    live_page = view.page(site.url + "/live.html")
    assert live_page.status == 200 and live_page.error is None and not live_page.redirects
    moved = view.page(site.url + "/old/index.html")
    assert moved.final_url == site.url + "/new/index.html" and moved.title == "新栏目"
    assert moved.redirects == (site.url + "/old/index.html",)


def test_polite_by_default_two_at_a_time_and_a_delay_between_starts(tmp_path):
    """The defaults a bureau audits its production site with: at most `concurrency` requests at
    once, and `download_delay` (jittered ×0.5–1.5, then AutoThrottle's) between two starts."""
    pages = {f"/p{i}.html": Reply(_html(str(i), "页面"), delay=0.05) for i in range(8)}
    pages["/"] = Reply(_html("首页", "".join(f'<a href="/p{i}.html">{i}</a>' for i in range(8))))
    profile = tmp_path / "polite.toml"
    profile.write_text("[crawl]\nobey_robots = false\n", encoding="utf-8")  # the defaults
    with SiteServer(pages) as site:
        result = run_cli(
            site.url + "/", "--out", str(tmp_path), "--config", str(profile), "--quiet",
            "--as-of", AS_OF,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(site.arrivals) == 9 and site.max_in_flight <= 2
    gaps = [b - a for a, b in zip(site.arrivals, site.arrivals[1:], strict=False)]
    assert min(gaps) >= 0.5 * 0.25 - 0.01  # the default download_delay, at its lowest jitter
    # Without a delay, `concurrency` alone bounds what the server sees at once.
    for reply in pages.values():
        reply.delay = 0.3
    profile.write_text(
        "[crawl]\nobey_robots = false\nconcurrency = 2\ndownload_delay = 0.0\n"
        "autothrottle = false\n",
        encoding="utf-8",
    )
    with SiteServer(pages) as site:
        result = run_cli(
            site.url + "/", "--out", str(tmp_path / "fast"), "--config", str(profile), "--quiet",
            "--as-of", AS_OF,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert site.max_in_flight == 2


def test_a_waf_bot_check_instead_of_the_site_is_said_in_one_line(tmp_path):
    """瑞数-style WAFs answer HTTP 412 and a script until a browser has run it: the audit saw
    nothing of the site, so it says so (exit 3) instead of listing one broken homepage."""
    challenge = (
        '<html><head><meta id="9DhefwqGPrzGxEp9hPaoag" content="tJ3c"><script type="text/'
        "javascript\">$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=5;</script></head></html>"
    )
    with SiteServer({"/": Reply(challenge, status=412)}) as site:
        result = run_cli(site.url + "/", "--out", str(tmp_path), "--quiet", "--as-of", AS_OF)
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1 and "人机验证页面（瑞数）" in result.stderr
    assert "WAF" in result.stderr and "HTTP 412" in result.stderr
    store = Store(tmp_path / "govaudit.db")
    (audit,) = store.audits()
    assert audit["status"] == "failed" and audit["counters"]["start_urls_blocked"] == 1


def test_pages_a_waf_turns_away_mid_crawl_are_not_broken_links(tmp_path):
    challenge = (
        "<html><script>document.cookie='waf_pass=1;path=/';location.reload()</script></html>"
    )
    home = _html("首页", '<a href="/a.html">文章</a><a href="/b.html">公告</a>')
    routes = {
        "/": Reply(home),
        "/a.html": Reply(_html("文章", "正文")),
        "/b.html": Reply(challenge, status=412),
    }
    with SiteServer(routes) as site:
        result = run_cli(site.url + "/", "--out", str(tmp_path), "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert "1 个页面被网站防火墙的人机验证拦截" in result.stderr  # the console writes there
    store = Store(tmp_path / "govaudit.db")
    (audit,) = store.audits()
    blocked = store.view(audit["id"]).page(site.url + "/b.html")
    assert blocked.error == "skipped" and blocked.error_detail == "bot_check"
    findings = store.findings(audit["id"])
    assert not [f for f in findings if f.check == "broken_link" and "b.html" in str(f.details)]


def test_bad_url_or_config_exits_2_with_one_line(tmp_path):
    bad_url = run_cli("ftp://example.gov.cn/", "--out", str(tmp_path), "--quiet")
    assert bad_url.returncode == 2 and bad_url.stderr.count("\n") == 1
    assert "start_urls" in bad_url.stderr
    profile = tmp_path / "bad.toml"
    profile.write_text("[crawl]\nmax_pages = -1\n", encoding="utf-8")
    bad_config = run_cli("http://127.0.0.1:9/", "--out", str(tmp_path), "--config", str(profile))
    assert bad_config.returncode == 2 and bad_config.stderr.count("\n") == 1
    assert "crawl.max_pages" in bad_config.stderr


def test_interrupted_crawl_keeps_what_it_recorded(tmp_path):
    slow = {f"/p{i}.html": Reply(_html(str(i), "慢页面"), delay=0.2) for i in range(200)}
    slow["/"] = Reply(_html("首页", "".join(f'<a href="/p{i}.html">{i}</a>' for i in range(200))))
    with SiteServer(slow) as site:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "govaudit.cli",
                "audit",
                site.url + "/",
                "--out",
                str(tmp_path),
                "--quiet",
                "--concurrency",
                "2",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        # Stop it mid-crawl: once some slow pages were answered (a busy machine starts slowly).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if sum(site.count("GET", f"/p{i}.html") for i in range(200)) >= 5:
                break
            time.sleep(0.1)
        time.sleep(0.5)
        os.kill(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    store = Store(tmp_path / "govaudit.db")
    (audit,) = store.audits()
    assert audit["status"] == "interrupted"
    recorded = list(store.view(audit["id"]).pages())
    assert 1 <= len(recorded) < 201  # the buffer was flushed on the graceful stop


# -- offline: rules that need no server --------------------------------------------------------


def _scope(**kw) -> Scope:
    base = {
        "allowed_hosts": frozenset({"www.example.gov.cn"}),
        "max_depth": 5,
        "as_of": date(2024, 6, 1),
    }
    return Scope(**{**base, **kw})


def test_session_ids_are_stripped_and_site_ids_kept():
    assert strip_session("http://a.cn/x.jsp;jsessionid=ABC123?id=1#top") == "http://a.cn/x.jsp?id=1"
    assert strip_session("http://A.cn:80/x?PHPSESSID=abc&id=2") == "http://a.cn/x?id=2"
    assert strip_session("http://a.cn/x?sid=3&id=2") == "http://a.cn/x?sid=3&id=2"  # a site id
    assert strip_session("http://a.cn/x?sid=0123456789abcdef0123&id=2") == "http://a.cn/x?id=2"


def test_trap_guards():
    scope = _scope()
    base = "http://www.example.gov.cn"
    assert scope.page_refusal(f"{base}/a/b/a/b/a/b/c.html", 1) == "repeated_segments"
    assert (
        scope.page_refusal(f"{base}/x?" + "&".join(f"p{i}=1" for i in range(20)), 1)
        == "too_many_params"
    )
    assert scope.page_refusal(f"{base}/" + "a" * 2000, 1) == "url_too_long"
    assert scope.page_refusal(f"{base}/a.html", 6) == "max_depth"
    # a calendar's next month past the depth bound is a trap, not a page left unseen
    assert scope.page_refusal(f"{base}/cal/?month=2026-11", 6) == "calendar"
    months = [f"{base}/cal.jsp?ym={2000 + i // 12}-{i % 12 + 1:02d}" for i in range(40)]
    verdicts = [scope.page_refusal(u, 1) for u in months]
    assert verdicts[:CALENDAR_VARIANTS] == [None] * CALENDAR_VARIANTS
    assert set(verdicts[CALENDAR_VARIANTS:]) == {"calendar"}
    assert scope.page_refusal(months[0], 1) is None  # the same URL again is not a new variant
    # article ids are not calendars: many pass
    assert all(scope.page_refusal(f"{base}/detail.jsp?id={i}", 1) is None for i in range(500))


def test_retry_after_forms():
    assert retry_after_seconds("1") == 1.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    from datetime import UTC, datetime

    now = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Sat, 01 Jun 2024 12:00:20 GMT", now) == 20.0


def test_error_kinds_of_download_failures():
    import ssl

    from scrapy.exceptions import (
        CannotResolveHostError,
        DownloadCancelledError,
        DownloadConnectionRefusedError,
        DownloadFailedError,
        DownloadTimeoutError,
        IgnoreRequest,
        ResponseDataLossError,
    )
    from twisted.internet import error as twisted_errors

    assert error_kind(CannotResolveHostError("nonexistent.invalid")) == "dns"
    assert error_kind(twisted_errors.DNSLookupError("x")) == "dns"
    assert error_kind(DownloadConnectionRefusedError("refused")) == "refused"
    assert error_kind(DownloadTimeoutError("took longer than 2.0 seconds")) == "timeout"
    assert error_kind(TimeoutError()) == "timeout"
    assert error_kind(IgnoreRequest("max redirections reached")) == "too_many_redirects"
    assert error_kind(IgnoreRequest("Forbidden by robots.txt")) == "skipped"
    assert (
        error_kind(DownloadCancelledError("Cancelling download: over the max size")) == "cancelled"
    )
    assert error_kind(ssl.SSLCertVerificationError(1, "certificate verify failed")) == "tls"
    handshake = DownloadFailedError("x")
    handshake.__cause__ = ValueError("[('SSL routines', '', 'sslv3 alert handshake failure')]")
    assert error_kind(handshake) == "tls"
    assert error_kind(DownloadFailedError("Connection was closed cleanly.")) == "connection"
    assert error_kind(ResponseDataLossError("broken chunk")) == "connection"
    assert error_kind(twisted_errors.ConnectionLost()) == "connection"
    assert error_kind(ValueError("odd")) == "other"
