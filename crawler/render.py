"""A real browser for the pages nothing else reads: scrapy-playwright with the system's chromium.

A page is rendered only when it needs it, after the CMS adapters (crawler/adapters.py) had their
turn: its list is empty in the HTML while a script fills it (`meta["list_loaded_by_script"]`)
and no adapter found the data (no JSON endpoint named in its script), it is a known SPA shell, or
its URL matches a profile rule (`[crawl] render = ["/col/"]`, regexes). The rendered DOM goes
through the same `crawler.extract.parse_page` as any page.

Settings (`[crawl]`): `render` (URL regexes), `render_browser` (`auto`: Debian's chromium or one
on PATH; `off`; or the executable's path), `render_concurrency` (browser pages at once, default
2), `render_timeout` (seconds per page, default 30), `render_max_pages` (the audit's budget,
default 200). The playwright package's own browser download is never used: `executable_path`
points at the system browser (`.ci/run` installs Debian's `chromium`).

A browser that is missing or crashes costs one line in crawl.log (`浏览器不可用` / `浏览器渲染失败`):
the pages it would have rendered keep the record of their HTML, marked in
`meta["rendered_by_browser"]` (`unavailable`, `failed`, `over_budget`), and their columns are
无法判定 (checks/stale_column.py's `undecidable_column`), never empty. The audit goes on.

Stats (`govaudit/render/...`): `pages` (rendered), `seconds` (their download time summed),
`still_empty` (rendered, list still unreadable), `failed[/<kind>]`, `over_budget`, `unavailable`
(pages that wanted the browser when there was none) and `browser_problem` (why, in words).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from dataclasses import dataclass, replace
from typing import Any

from govaudit.core.config import AuditConfig
from govaudit.core.model import LOADED_BY_SCRIPT, RENDERED, PageRecord
from govaudit.crawler import adapters

HANDLER = (
    "govaudit.crawler.browser_handler.LazyPlaywrightHandler"  # scrapy-playwright, started lazily
)
# Where Debian, Ubuntu and others put the browser; `auto` takes the first that exists.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DEBIAN_CHROMIUM = "/usr/bin/chromium"
# What a rendered page does not need to show its list: fetched by the browser, they would only
# cost the site bandwidth.
_ABORTED_TYPES = frozenset({"image", "media", "font"})

RENDERED_OK, STILL_EMPTY, FAILED, UNAVAILABLE, OVER_BUDGET = (
    "rendered",
    "still_empty",
    "failed",
    "unavailable",
    "over_budget",
)


def find_browser(setting: str) -> str | None:
    """The browser executable `render_browser` names (None: off or not found)."""
    if setting == "off":
        return None
    if setting != "auto":
        return setting if os.path.isfile(setting) and os.access(setting, os.X_OK) else None
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_problem(config: AuditConfig) -> str | None:
    """Why this audit has no browser, in words (None: it has one)."""
    if config.render_browser == "off":
        return '已关闭（crawl.render_browser = "off"）'
    if importlib.util.find_spec("scrapy_playwright") is None:
        return "未安装 scrapy-playwright（pip install 'govaudit[browser]'）"
    if find_browser(config.render_browser) is None:
        if config.render_browser == "auto":
            return "未找到 chromium（Debian/Ubuntu：apt-get install chromium）"
        return f"浏览器 {config.render_browser} 不存在或不可执行"
    if config.scrapy.get("DOWNLOAD_HANDLERS", {}).get("http"):
        return "crawl.scrapy.DOWNLOAD_HANDLERS 已指定 http 处理器"
    return None


def abort_request(request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: no images, media or fonts."""
    return request.resource_type in _ABORTED_TYPES


def render_settings(config: AuditConfig) -> dict[str, Any]:
    """The Scrapy settings that give the audit its browser; {} when it has none.

    Only requests with `meta["playwright"]` go to the browser; every other one still goes
    through Scrapy's own HTTP handler (scrapy-playwright falls back to it)."""
    if browser_problem(config) is not None:
        return {}
    return {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": find_browser(config.render_browser),
            # --no-sandbox: audits and CI run as root in containers, where chromium's sandbox
            # cannot start; the browser only ever opens the audited site's own pages.
            "args": [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--renderer-process-limit=2",
            ],
            "headless": True,
        },
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": config.render_concurrency,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": config.render_timeout * 1000,
        "PLAYWRIGHT_ABORT_REQUEST": abort_request,
        # A browser that crashed is not launched again and again: its pages become 无法判定.
        "PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER": False,
    }


@dataclass
class Browser:
    """The spider's side of rendering: which pages want the browser, and its budget."""

    rules: tuple[re.Pattern[str], ...]
    max_pages: int
    timeout: float
    problem: str | None
    requested: int = 0

    @classmethod
    def from_config(cls, config: AuditConfig) -> Browser:
        return cls(
            rules=tuple(re.compile(r) for r in config.render),
            max_pages=config.render_max_pages,
            timeout=config.render_timeout,
            problem=browser_problem(config),
        )

    def wants(self, record: PageRecord, url: str) -> bool:
        """Rendering would show what the HTML does not: a script-filled list no adapter read, an
        SPA shell, or a page the profile names."""
        if record.meta.get(RENDERED):
            return False
        if any(rule.search(url) for rule in self.rules):
            return True
        if not record.meta.get(LOADED_BY_SCRIPT):
            return False
        found = adapters.adapters_of(record.meta)
        return adapters.JSON_ENDPOINT not in found or adapters.SPA_SHELL in found

    def admit(self) -> str | None:
        """Take one page of the budget: None when it may be rendered, else why not."""
        if self.problem is not None:
            return UNAVAILABLE
        if self.requested >= self.max_pages:
            return OVER_BUDGET
        self.requested += 1
        return None

    def request_meta(self) -> dict[str, Any]:
        return {
            "playwright": True,
            "playwright_page_goto_kwargs": {
                # The list comes with the page's XHRs: wait until the network is quiet.
                "wait_until": "networkidle",
                "timeout": self.timeout * 1000,
            },
            "download_timeout": self.timeout + 5,
            "dont_retry": True,
        }


def merged(html_record: PageRecord, rendered: PageRecord) -> PageRecord:
    """The rendered page's record, with what the HTML said that the DOM lost (its metadata)."""
    meta = {**html_record.meta, **rendered.meta}
    if rendered.list_items:
        meta.pop(LOADED_BY_SCRIPT, None)
        meta[RENDERED] = RENDERED_OK
    else:
        # Still nothing to read: the column stays 无法判定 if the HTML said a script fills it.
        meta[RENDERED] = STILL_EMPTY
    links = {link.target: link for link in (*html_record.links, *rendered.links)}
    return replace(
        rendered,
        meta=meta,
        links=tuple(links.values()),
        title=rendered.title or html_record.title,
        published=rendered.published or html_record.published,
        pagination=tuple(dict.fromkeys((*html_record.pagination, *rendered.pagination))),
        content_type=html_record.content_type,
        charset=html_record.charset,
        size=html_record.size,
    )


def unrendered(record: PageRecord, why: str) -> PageRecord:
    """The HTML's record of a page the browser could not render: its list is unreadable."""
    meta = {**record.meta, RENDERED: why}
    if not record.list_items:
        meta[LOADED_BY_SCRIPT] = "1"
    return replace(record, meta=meta)
