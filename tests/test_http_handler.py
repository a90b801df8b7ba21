"""The download handler (crawler/http_handler.py): failures recorded by their kind and in plain
words, whichever of Scrapy's handlers the profile chooses, against real servers on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from site_server import Reply, SiteServer

from govaudit.core.store import Store

REPO = Path(__file__).resolve().parents[1]
PROFILE = """
[site]
name = "测试站"

[crawl]
concurrency = 2
download_delay = 0.0
autothrottle = false
retries = 0
timeout = 3.0
"""
TWISTED = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("handler", ["ours", "twisted"])
def test_failures_are_recorded_by_kind_in_plain_words(tmp_path, handler):
    profile = PROFILE
    if handler == "twisted":  # the README's way back to Scrapy's Twisted handler
        profile += (
            f'\n[crawl.scrapy]\nDOWNLOAD_HANDLERS = {{http = "{TWISTED}", https = "{TWISTED}"}}\n'
        )
    (tmp_path / "site.toml").write_text(profile, encoding="utf-8")
    routes: dict[str, Reply] = {}
    closed = closed_port()
    with SiteServer(routes) as site:
        # https:// to a server that speaks plain HTTP: the TLS handshake fails
        links = {
            "tls": f"https://127.0.0.1:{site.port}/secure.html",
            "refused": f"http://127.0.0.1:{closed}/x.html",
            "dns": "http://nonexistent.invalid/page.html",
        }
        anchors = "".join(f'<a href="{url}">{kind}</a>' for kind, url in links.items())
        routes["/"] = Reply(f"<html><head><title>首页</title></head><body>{anchors}</body></html>")
        cmd = [sys.executable, "-m", "govaudit.cli", "audit", site.url + "/", "--quiet"]
        cmd += ["--out", str(tmp_path / "out"), "--config", str(tmp_path / "site.toml")]
        done = subprocess.run(cmd + ["--no-screenshots"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    store = Store(tmp_path / "out" / "govaudit.db")
    (audit,) = store.audits()
    view = store.view(audit["id"])
    for kind, url in links.items():
        record = view.page(url)
        assert (record.error, record.status) == (kind, None), (url, record.error_detail)
        # what staff read: the reason, not an object's address
        assert "object at 0x" not in record.error_detail and " ssl:" not in record.error_detail
    store.close()


def test_the_crawl_names_nothing_that_imports_twisteds_handler(tmp_path):
    """Twisted's handler module costs every audit's start 0.3 s (deprecated names in Scrapy's
    contextfactory call `inspect.stack()`): nothing the crawl's settings name imports it."""
    (tmp_path / "site.toml").write_text(PROFILE, encoding="utf-8")
    code = f"""
import sys
from scrapy.utils.misc import load_object
from govaudit.core.config import load_config
from govaudit.crawler.settings import crawl_settings
settings = crawl_settings(load_config({str(tmp_path / "site.toml")!r}, start_url="http://x/"))
named = [*settings["RETRY_EXCEPTIONS"], *filter(None, settings["DOWNLOAD_HANDLERS"].values())]
for table in ("DOWNLOADER_MIDDLEWARES", "EXTENSIONS", "ITEM_PIPELINES"):
    named += [name for name, order in settings[table].items() if order is not None]
for name in named:
    load_object(name)
print("scrapy.core.downloader.handlers.http11" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False"]
