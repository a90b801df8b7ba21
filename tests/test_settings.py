"""The crawl's Scrapy settings: the profile's keys mapped, `[crawl.scrapy]` passed and checked,
safe by default (no local files, no remote control), and a crawl Scrapy cannot run said in one line.

Real crawls of a site on 127.0.0.1 through the CLI in a subprocess (one reactor per process)."""

from __future__ import annotations

import json
import socket
import textwrap
import threading

import pytest
from scrapy.settings import Settings
from scrapy.utils.conf import build_component_list
from site_server import Reply, SiteServer, redirect
from test_crawl import AS_OF, run_cli

from govaudit.core.config import ConfigError, load_config
from govaudit.core.store import Store
from govaudit.crawler.settings import check_scrapy_settings, crawl_settings

START = "http://127.0.0.1:8/"


def _config(tmp_path, text: str):
    path = tmp_path / "site.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_config(path, start_url=START)


def test_profile_keys_become_scrapy_settings(tmp_path):
    config = _config(
        tmp_path,
        """
        [crawl]
        concurrency = 3
        download_delay = 0.5
        autothrottle = false
        timeout = 7
        retries = 4
        obey_robots = false
        user_agent = "bureau-audit/1"
        max_depth = 5
        max_resource_bytes = 1000
        """,
    )
    settings = crawl_settings(config)
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 3
    assert settings["DOWNLOAD_DELAY"] == 0.5 and settings["AUTOTHROTTLE_ENABLED"] is False
    assert settings["DOWNLOAD_TIMEOUT"] == 7 and settings["RETRY_TIMES"] == 4
    assert settings["ROBOTSTXT_OBEY"] is False and settings["USER_AGENT"] == "bureau-audit/1"
    assert settings["DEPTH_LIMIT"] == 6 and settings["DOWNLOAD_MAXSIZE"] == 1000
    # Safe always: no remote control, no telnet, no handler for local or non-web schemes.
    assert settings["REMOTE_CONTROL_ENABLED"] is False
    assert settings["TELNETCONSOLE_ENABLED"] is False
    handlers = settings["DOWNLOAD_HANDLERS"]
    assert all(handlers[scheme] is None for scheme in ("file", "data", "ftp", "s3"))
    assert settings["CONCURRENT_ITEMS"] == 8


def test_the_remote_control_extension_is_not_even_loaded(tmp_path):
    """Off is not enough: Scrapy imports a listed extension to learn it is off (aiohttp.web),
    and `[crawl.scrapy] REMOTE_CONTROL_ENABLED = true` would turn it on."""
    config = _config(tmp_path, "[crawl.scrapy]\nREMOTE_CONTROL_ENABLED = true\n")
    settings = Settings()
    settings.setdict(crawl_settings(config), priority="project")
    loaded = build_component_list(settings.getwithbase("EXTENSIONS"))
    assert "scrapy.extensions.remote_control.RemoteControl" not in loaded
    assert "scrapy.extensions.corestats.CoreStats" in loaded  # the list is Scrapy's own


def test_crawl_scrapy_passes_other_settings_and_merges_component_tables(tmp_path):
    config = _config(
        tmp_path,
        """
        [crawl.scrapy]
        HTTPPROXY_ENABLED = false
        COOKIES_ENABLED = false
        [crawl.scrapy.DOWNLOADER_MIDDLEWARES]
        "scrapy.downloadermiddlewares.stats.DownloaderStats" = 851
        """,
    )
    settings = crawl_settings(config)
    assert settings["HTTPPROXY_ENABLED"] is False and settings["COOKIES_ENABLED"] is False
    middlewares = settings["DOWNLOADER_MIDDLEWARES"]
    assert middlewares["scrapy.downloadermiddlewares.stats.DownloaderStats"] == 851
    assert len(middlewares) > 5  # ours are still there


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            "CONCURENT_REQUESTS = 4",
            "crawl.scrapy.CONCURENT_REQUESTS 不是 Scrapy 的设置项（是否想写 CONCURRENT_REQUESTS？）",
        ),
        ("DOWNLOAD_DELAY = 1", "crawl.scrapy.DOWNLOAD_DELAY 由 crawl.download_delay 设定"),
        (
            '[crawl.scrapy.DOWNLOADER_MIDDLEWARES]\n"nowhere.Missing" = 543',
            "crawl.scrapy.DOWNLOADER_MIDDLEWARES：无法导入 nowhere.Missing",
        ),
        (
            '[crawl.scrapy.DOWNLOAD_HANDLERS]\nfile = "scrapy.core.downloader.handlers.file'
            '.FileDownloadHandler"',
            "crawl.scrapy.DOWNLOAD_HANDLERS.file：只能为 http 和 https 指定下载处理器",
        ),
        ("DOWNLOADER_MIDDLEWARES = 3", "crawl.scrapy.DOWNLOADER_MIDDLEWARES 应为表"),
    ],
)
def test_what_crawl_scrapy_cannot_mean_is_one_line(tmp_path, table, message):
    config = _config(tmp_path, "[crawl.scrapy]\n" + table + "\n")
    with pytest.raises(ConfigError) as raised:
        check_scrapy_settings(config)
    assert str(raised.value).startswith(message)


def test_a_component_s_own_settings_are_known_by_its_name(tmp_path):
    config = _config(
        tmp_path,
        """
        [crawl.scrapy]
        PLAYWRIGHT_BROWSER_TYPE = "chromium"
        [crawl.scrapy.DOWNLOAD_HANDLERS]
        https = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"
        """,
    )
    with pytest.raises(ConfigError, match="PLAYWRIGHT_BROWSER_TYPE 不是 Scrapy 的设置项"):
        check_scrapy_settings(config)  # no playwright component enabled
    (tmp_path / "bureau_playwright.py").write_text("class Handler:\n    pass\n")
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        enabled = _config(
            tmp_path,
            """
            [crawl.scrapy]
            PLAYWRIGHT_BROWSER_TYPE = "chromium"
            [crawl.scrapy.DOWNLOAD_HANDLERS]
            https = "bureau_playwright.Handler"
            """,
        )
        assert check_scrapy_settings(enabled)["PLAYWRIGHT_BROWSER_TYPE"] == "chromium"
    finally:
        sys.path.remove(str(tmp_path))


USER_MIDDLEWARE = '''
class TokenMiddleware:
    """A bureau's own middleware: the token its WAF wants, from its own setting."""

    def __init__(self, token):
        self.token = token

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("BUREAU_TOKEN"))

    def process_request(self, request):
        request.headers["X-Bureau-Token"] = self.token


class BrokenMiddleware:
    @classmethod
    def from_crawler(cls, crawler):
        raise RuntimeError("licence file missing")


class BrokenHandler:
    def __init__(self, crawler):
        raise RuntimeError("no browser here")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)
'''


def _user_env(tmp_path) -> dict[str, str]:
    import os

    (tmp_path / "bureau_mw.py").write_text(USER_MIDDLEWARE, encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(tmp_path), env.get("PYTHONPATH")) if p)
    return env


def test_a_users_own_middleware_runs_with_its_own_setting(tmp_path):
    home = Reply(
        '<html><head><title>首页</title></head><body><a href="/a.html">文章</a></body></html>',
        requires={"X-Bureau-Token": "s3cret"},
    )
    routes = {"/": home, "/a.html": Reply("<html><body>文章</body></html>", requires=home.requires)}
    profile = tmp_path / "site.toml"
    profile.write_text(
        textwrap.dedent(
            """
            [crawl]
            obey_robots = false
            download_delay = 0
            [crawl.scrapy]
            BUREAU_TOKEN = "s3cret"
            [crawl.scrapy.DOWNLOADER_MIDDLEWARES]
            "bureau_mw.TokenMiddleware" = 543
            """
        ),
        encoding="utf-8",
    )
    with SiteServer(routes) as site:
        result = run_cli(
            site.url + "/", "--out", str(tmp_path / "out"), "--config", str(profile),
            "--quiet", "--as-of", AS_OF, env=_user_env(tmp_path),
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    store = Store(tmp_path / "out" / "govaudit.db")
    view = store.view(store.audits()[0]["id"])
    assert view.page(site.url + "/a.html").status == 200  # the WAF let every request through
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    stats = summary["crawl_stats"]
    assert stats["finish_reason"] == "finished"
    assert stats["downloader/response_status_count/200"] == 2
    assert stats["govaudit/pages"] == 2
    assert "Scrapy stats:" in (tmp_path / "out" / "crawl.log").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ('[crawl.scrapy.DOWNLOADER_MIDDLEWARES]\n"bureau_mw.BrokenMiddleware" = 543', "licence"),
        ('[crawl.scrapy.DOWNLOAD_HANDLERS]\nhttp = "bureau_mw.BrokenHandler"', "no browser here"),
    ],
)
def test_a_crawl_scrapy_cannot_run_is_one_line_and_loses_nothing(tmp_path, table, said):
    profile = tmp_path / "site.toml"
    profile.write_text(f"[crawl]\nobey_robots = false\n{table}\n", encoding="utf-8")
    routes = {"/": Reply("<html><body>首页</body></html>")}
    with SiteServer(routes) as site:
        result = run_cli(
            site.url + "/", "--out", str(tmp_path / "out"), "--config", str(profile),
            "--quiet", "--as-of", AS_OF, env=_user_env(tmp_path),
        )  # fmt: skip
    assert result.returncode == 5, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    store = Store(tmp_path / "out" / "govaudit.db")
    assert store.audits()[0]["status"] == "interrupted"  # resumable, nothing half-written
    assert site.count("GET", "/") == 0


def test_no_local_file_no_data_url_and_no_ftp_request(tmp_path):
    """A page linking file:///etc/passwd, a data: URL and an ftp: URL, and redirecting to a
    local file: nothing is read from the disk and no request leaves for the ftp port."""
    ftp = socket.socket()
    ftp.bind(("127.0.0.1", 0))
    ftp.listen(5)
    ftp.settimeout(0.2)
    connections: list[object] = []

    def watch() -> None:
        while ftp.fileno() != -1:
            try:
                connections.append(ftp.accept())
            except OSError:
                continue

    threading.Thread(target=watch, daemon=True).start()
    ftp_url = f"ftp://127.0.0.1:{ftp.getsockname()[1]}/pub/secret.txt"
    home = (
        "<html><head><title>首页</title></head><body>"
        '<a href="file:///etc/passwd">本地文件</a>'
        '<a href="data:text/html;base64,PGgxPmhpPC9oMT4=">数据</a>'
        f'<a href="{ftp_url}">下载</a><img src="file:///etc/hostname">'
        '<a href="/to-local">跳转</a></body></html>'
    )
    routes = {"/": Reply(home), "/to-local": redirect("file:///etc/passwd", 302)}
    with SiteServer(routes) as site:
        result = run_cli(
            site.url + "/", "--out", str(tmp_path), "--quiet", "--as-of", AS_OF, timeout=60
        )
    ftp.close()
    assert result.returncode == 0, result.stderr
    assert connections == []
    store = Store(tmp_path / "govaudit.db")
    view = store.view(store.audits()[0]["id"])
    for url in ("file:///etc/passwd", ftp_url, "file:///etc/hostname"):
        record = view.page(url)
        assert record is not None and record.error == "skipped", url
        assert record.error_detail == "unsupported_scheme" and not record.text
    moved = view.page(site.url + "/to-local")
    assert moved.status == 302 and not moved.text  # the redirect is not followed to the disk
    texts = " ".join(p.text or "" for p in view.pages())
    assert "root:" not in texts


OWN_PROJECT = """
import sys
from datetime import date

from scrapy.crawler import CrawlerProcess

from govaudit.crawler.settings import crawl_settings
from govaudit.crawler.spider import SiteSpider
from govaudit.core.config import load_config
from govaudit.core.store import Store

config = load_config(None, start_url=sys.argv[1], as_of=date(2024, 6, 1))
store = Store(sys.argv[2])
audit_id = store.start_audit(config.site_name, config.start_urls[0], config.as_of, config.as_dict())
settings = crawl_settings(config)
settings["ITEM_PIPELINES"]["mine.CountPipeline"] = 400  # the user's own, after ours
process = CrawlerProcess(settings)
process.crawl(SiteSpider, config=config, store=store, audit_id=audit_id)
process.start()
store.finish_audit(audit_id, "finished", {})
"""

OWN_PIPELINE = """
class CountPipeline:
    def __init__(self):
        self.seen = 0

    def process_item(self, item):
        self.seen += 1
        return item

    def close_spider(self):
        print("records seen:", self.seen)
"""


def test_the_spider_runs_in_a_users_own_scrapy_script(tmp_path):
    """What the README shows: the spider and the settings in one's own Scrapy process, with
    one's own pipeline after the store's."""
    import os
    import subprocess
    import sys

    (tmp_path / "own.py").write_text(OWN_PROJECT, encoding="utf-8")
    (tmp_path / "mine.py").write_text(OWN_PIPELINE, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    home = '<html><head><title>首页</title></head><body><a href="/a.html">文章</a></body></html>'
    routes = {"/": Reply(home), "/a.html": Reply("<html><body>文章</body></html>")}
    with SiteServer(routes) as site:
        done = subprocess.run(
            [sys.executable, str(tmp_path / "own.py"), site.url + "/", str(tmp_path / "g.db")],
            capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "records seen: 2" in done.stdout
    store = Store(tmp_path / "g.db")
    view = store.view(store.audits()[0]["id"])
    assert view.page(site.url + "/a.html").status == 200
