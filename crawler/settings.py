"""The Scrapy settings of one audit: the profile's `[crawl]` keys mapped, polite and safe.

| profile `[crawl]`     | Scrapy setting                                                     |
|-----------------------|--------------------------------------------------------------------|
| concurrency           | CONCURRENT_REQUESTS_PER_DOMAIN, AUTOTHROTTLE_TARGET_CONCURRENCY     |
|                       | (CONCURRENT_REQUESTS = max(16, 2 × concurrency) over all hosts)    |
| download_delay        | DOWNLOAD_DELAY (AUTOTHROTTLE_START_DELAY = max(delay, 0.25 s))     |
| autothrottle          | AUTOTHROTTLE_ENABLED (crawler/throttle.py's, 304 counted healthy)  |
| timeout               | DOWNLOAD_TIMEOUT                                                   |
| retries               | RETRY_TIMES (crawler/retry.py: backoff, Retry-After)               |
| obey_robots           | ROBOTSTXT_OBEY (Protego)                                           |
| user_agent            | USER_AGENT                                                         |
| max_depth             | DEPTH_LIMIT = max_depth + 1 (the deepest pages' links are checked) |
| max_resource_bytes    | DOWNLOAD_MAXSIZE                                                   |
| max_pages, include, exclude, parse_workers | the spider's own (skipped targets are recorded) |
| render_browser        | DOWNLOAD_HANDLERS http/https → scrapy-playwright, PLAYWRIGHT_LAUNCH_OPTIONS |
|                       | executable_path (crawler/render.py; nothing when there is no browser) |
| render_concurrency    | PLAYWRIGHT_MAX_PAGES_PER_CONTEXT (one context)                     |
| render_timeout        | PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT                              |
| render, render_max_pages | the spider's own (which pages, how many)                        |

`[crawl.scrapy]` passes any other Scrapy setting by its own name (HTTPPROXY_ENABLED,
DOWNLOAD_HANDLERS, a user's own middleware in DOWNLOADER_MIDDLEWARES ...). Component tables
are merged over ours; every class they name must import. A name that neither Scrapy nor an
enabled component defines, or one the `[crawl]` keys above already set, stops the audit before
any request with one line (`ConfigError`). A component's own settings are known by their first
word appearing in the component's import path (`PLAYWRIGHT_*` for `scrapy_playwright...`).

Always: no remote-control server, no telnet console, only the http and https download handlers
(a crafted `file:///etc/passwd` link reads nothing: DESIGN traps), CONCURRENT_ITEMS = 8 (Scrapy's
100 starts 100 asyncio tasks a response: research/scrapy_overhead), 4xx/5xx reach the callbacks.
"""

from __future__ import annotations

import difflib
from functools import cache
from typing import Any
from urllib.request import getproxies

from scrapy.settings import default_settings
from scrapy.utils.misc import load_object

from govaudit.core.config import AuditConfig, ConfigError
from govaudit.crawler import attachment_backlog, pipeline, progress, retry
from govaudit.crawler.render import render_settings

HTTP_HANDLER = "govaudit.crawler.http_handler.AuditHttpHandler"
_COMPONENT_TABLES = (
    "DOWNLOADER_MIDDLEWARES",
    "SPIDER_MIDDLEWARES",
    "EXTENSIONS",
    "ITEM_PIPELINES",
    "DOWNLOAD_HANDLERS",
)
# Settings the `[crawl]` keys own: written in [crawl.scrapy], the two would disagree.
_OWNED = {
    "CONCURRENT_REQUESTS_PER_DOMAIN": "concurrency",
    "AUTOTHROTTLE_TARGET_CONCURRENCY": "concurrency",
    "DOWNLOAD_DELAY": "download_delay",
    "AUTOTHROTTLE_ENABLED": "autothrottle",
    "DOWNLOAD_TIMEOUT": "timeout",
    "RETRY_TIMES": "retries",
    "ROBOTSTXT_OBEY": "obey_robots",
    "USER_AGENT": "user_agent",
    "DEPTH_LIMIT": "max_depth",
    "DOWNLOAD_MAXSIZE": "max_resource_bytes",
    "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": "render_concurrency",
    "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": "render_timeout",
}
_OURS = (*retry.SETTINGS, *progress.SETTINGS, *pipeline.SETTINGS, *attachment_backlog.SETTINGS)


def crawl_settings(config: AuditConfig, log_file: str | None = None) -> dict[str, Any]:
    """The settings of one audit's crawl, `[crawl.scrapy]` included (checked first)."""
    settings = _audit_settings(config, log_file)
    for name, value in render_settings(config).items():
        if name in _COMPONENT_TABLES:
            settings[name] = {**settings.get(name, {}), **value}
        else:
            settings[name] = value
    for name, value in check_scrapy_settings(config).items():
        if name in _COMPONENT_TABLES:
            settings[name] = {**settings.get(name, {}), **value}
        else:
            settings[name] = value
    return settings


def _audit_settings(config: AuditConfig, log_file: str | None) -> dict[str, Any]:
    from govaudit.crawler.bot_check import BotCheckMiddleware
    from govaudit.crawler.conditional import ConditionalRequestMiddleware
    from govaudit.crawler.dupefilter import AuditDupeFilter
    from govaudit.crawler.frontier_queue import CompactFifoQueue
    from govaudit.crawler.head_fallback import HeadFallbackMiddleware
    from govaudit.crawler.host_concurrency import HostConcurrencyMiddleware
    from govaudit.crawler.lenient import LenientDownloadMiddleware
    from govaudit.crawler.metarefresh import MovingMetaRefreshMiddleware
    from govaudit.crawler.throttle import RevalidatingAutoThrottle

    return {
        "USER_AGENT": config.user_agent,
        "ROBOTSTXT_OBEY": config.obey_robots,
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            "Accept-Language": "zh-CN,zh;q=0.9",
        },
        # Politeness: per-host concurrency and AutoThrottle (research §2, "Per-site politeness").
        "CONCURRENT_REQUESTS": max(16, 2 * config.concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": config.concurrency,
        "DOWNLOAD_DELAY": config.download_delay,
        "AUTOTHROTTLE_ENABLED": config.autothrottle,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(config.concurrency),
        # Scrapy's 5 s start delay would serialise the first dozen pages for a minute.
        "AUTOTHROTTLE_START_DELAY": max(config.download_delay, 0.25),
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "DOWNLOAD_TIMEOUT": config.timeout,
        "DOWNLOAD_MAXSIZE": config.max_resource_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_TIMES": config.retries,
        "RETRY_EXCEPTIONS": _retry_exceptions(config),
        "RETRY_GIVE_UP_LOG_LEVEL": "INFO",
        # Scrapy's default resolver is IPv4 only: an IPv6 host or literal (http://[::1]/) was
        # recorded as a DNS failure. Government sites are required to serve IPv6 too.
        "TWISTED_DNS_RESOLVER": "scrapy.resolver.CachingHostnameResolver",
        "DEPTH_LIMIT": config.max_depth + 1,
        # Breadth-first: the spider gives each request the priority -depth itself (the resumed
        # frontier comes from start(), which DepthMiddleware leaves alone), FIFO within a depth.
        "DEPTH_PRIORITY": 0,
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": CompactFifoQueue,
        # One site (and its external links checked once each): the per-slot queues of
        # DownloaderAwarePriorityQueue, made for broad crawls, only cost time here.
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue",
        # 4xx/5xx reach the callbacks and redirects are still followed (research §2).
        "HTTPERROR_ALLOW_ALL": True,
        "METAREFRESH_IGNORE_TAGS": ["script", "noscript"],
        # The spider refuses over-long page URLs itself and records them; nothing is dropped unseen.
        "URLLENGTH_LIMIT": 0,
        # Scrapy's 100 starts 100 asyncio tasks per response (scrapy#5182, #7158; PR #7959).
        "CONCURRENT_ITEMS": 8,
        # Safety (research §1): no remote-control server, no telnet, no local-file schemes.
        "REMOTE_CONTROL_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "DOWNLOAD_HANDLERS": {
            "http": HTTP_HANDLER,
            "https": HTTP_HANDLER,
            **{scheme: None for scheme in ("file", "data", "ftp", "s3")},
        },
        # Proxies come from the environment (http_proxy, no_proxy), as a browser's would.
        "HTTPPROXY_ENABLED": bool(getproxies()),
        "DOWNLOADER_MIDDLEWARES": {
            # Not for an audit: no allowed_domains (external links are checked), no credentials.
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
            # First: an attachment waiting for the reader holds no host slot meanwhile.
            attachment_backlog.AttachmentBacklogMiddleware: 50,
            HeadFallbackMiddleware: 540,
            retry.BackoffRetryMiddleware: 550,
            ConditionalRequestMiddleware: 560,
            MovingMetaRefreshMiddleware: 580,
            BotCheckMiddleware: 585,
            LenientDownloadMiddleware: 595,
            HostConcurrencyMiddleware: 950,
        },
        # The spider copies no meta from a response (each request is built afresh): the check
        # would only cost time on every request.
        "SPIDER_MIDDLEWARES": {
            "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None
        },
        "ITEM_PIPELINES": {pipeline.StorePipeline: 300},
        "DUPEFILTER_CLASS": AuditDupeFilter,
        "EXTENSIONS": {
            progress.ProgressReporter: 500,
            "scrapy.extensions.throttle.AutoThrottle": None,
            RevalidatingAutoThrottle: 0,
            # Off anyway (REMOTE_CONTROL_ENABLED); listed, it imports aiohttp.web (~20 ms a start).
            "scrapy.extensions.remote_control.RemoteControl": None,
        },
        # Scrapy re-reads every callback's source on each call to warn about `return value` in
        # generators (7% of a crawl's CPU); the spider's callbacks return nothing.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "LOG_LEVEL": "WARNING",
        "LOG_FILE": log_file,
        "LOG_ENABLED": log_file is not None,
    }


def _retry_exceptions(config: AuditConfig) -> list[str]:
    """Scrapy's, less a host that does not resolve (it will not resolve a second later: recorded
    at once), and less Twisted's proxy TunnelError unless the profile names its own handlers:
    only Twisted's handler raises it, and naming it imports that handler, 0.3 s of every audit's
    start (scrapy.core.downloader.contextfactory's deprecated names call `inspect.stack()`)."""
    dropped = {"scrapy.exceptions.CannotResolveHostError"}
    if not config.scrapy.get("DOWNLOAD_HANDLERS"):
        dropped.add("scrapy.core.downloader.handlers.http11.TunnelError")
    return [e for e in default_settings.RETRY_EXCEPTIONS if e not in dropped]


def check_scrapy_settings(config: AuditConfig) -> dict[str, Any]:
    """`[crawl.scrapy]`, checked: ConfigError in one line for what cannot be meant."""
    given = config.scrapy
    components = [str(p) for p in _table(given, "DOWNLOAD_HANDLERS").values()] + [
        str(path)
        for name in _COMPONENT_TABLES
        if name != "DOWNLOAD_HANDLERS"  # scheme = class path: its classes are the values
        for path in _table(given, name)
    ]
    for name in given:
        where = f"crawl.scrapy.{name}"
        if name in _OWNED:
            raise ConfigError(f"{where} 由 crawl.{_OWNED[name]} 设定，请在那里设置")
        if not _is_known(name, components):
            close = difflib.get_close_matches(name, _known_names(), n=1)
            hint = f"（是否想写 {close[0]}？）" if close else ""
            raise ConfigError(f"{where} 不是 Scrapy 的设置项{hint}")
    for name in _COMPONENT_TABLES:
        for path, order in _table(given, name).items():
            _check_component(f"crawl.scrapy.{name}", path, order, name == "DOWNLOAD_HANDLERS")
    return given


def _table(given: dict[str, Any], name: str) -> dict[str, Any]:
    value = given.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"crawl.scrapy.{name} 应为表（类路径 = 顺序号）")
    return value


def _check_component(where: str, path: str, order: Any, handler: bool) -> None:
    if handler:  # scheme = "class path"
        if path not in ("http", "https"):
            raise ConfigError(f"{where}.{path}：只能为 http 和 https 指定下载处理器")
        path, order = order, 0
    if order is not None and (isinstance(order, bool) or not isinstance(order, int | str)):
        raise ConfigError(f"{where}.{path} 应为顺序号（整数）")
    if order is None or not isinstance(path, str):
        return
    try:
        load_object(path)
    except (ImportError, NameError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{where}：无法导入 {path}（{exc}）") from None


@cache
def _known_names() -> tuple[str, ...]:
    return (*(n for n in dir(default_settings) if n.isupper()), *_OURS)


def _is_known(name: str, components: list[str]) -> bool:
    if name in _known_names():
        return True
    word = name.split("_")[0].lower()
    return bool(word) and any(word in path.lower() for path in components)
