"""Run one crawl in this process: settings from the profile, Scrapy components wired as classes.

No Scrapy project is needed. The Twisted reactor cannot restart, so `crawl` runs once per process
(research §1); tests run it in a subprocess. `process.start()` does not raise when a crawl fails,
so the outcome is read from the stats' `finish_reason`.

Logging goes to `crawl.log` beside the store at WARNING level: the terminal belongs to the
progress display.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings.default_settings import RETRY_EXCEPTIONS

from crawler.dupefilter import SeededDupeFilter
from crawler.pipeline import StorePipeline
from crawler.progress import ProgressReporter
from crawler.retry import BackoffRetryMiddleware
from crawler.spider import SiteSpider
from crawler.throttle import RevalidatingAutoThrottle
from govaudit.core.config import AuditConfig
from govaudit.core.store import Store


def crawl_settings(config: AuditConfig, log_file: str | None = None) -> dict[str, Any]:
    """Scrapy settings for one audit: polite by default, safe always."""
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
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(config.concurrency),
        # Scrapy's 5 s start delay would serialise the first dozen pages for a minute.
        "AUTOTHROTTLE_START_DELAY": max(config.download_delay, 0.25),
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "DOWNLOAD_TIMEOUT": config.timeout,
        "DOWNLOAD_MAXSIZE": config.max_resource_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_TIMES": config.retries,
        # A host that does not resolve will not resolve a second later: record it at once.
        "RETRY_EXCEPTIONS": [
            e for e in RETRY_EXCEPTIONS if e != "scrapy.exceptions.CannotResolveHostError"
        ],
        "RETRY_GIVE_UP_LOG_LEVEL": "INFO",
        # Scrapy's default resolver is IPv4 only: an IPv6 host or literal (http://[::1]/) was
        # recorded as a DNS failure. Government sites are required to serve IPv6 too.
        "DNS_RESOLVER": "scrapy.resolver.CachingHostnameResolver",
        # Breadth-first, so that a max_pages bound keeps the site's upper levels.
        "DEPTH_PRIORITY": 1,
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        # 4xx/5xx reach the callbacks and redirects are still followed (research §2).
        "HTTPERROR_ALLOW_ALL": True,
        # Safety (research §1): no remote-control server, no telnet, no local-file schemes.
        "REMOTE_CONTROL_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "DOWNLOAD_HANDLERS": {"file": None, "data": None, "ftp": None, "s3": None},
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            BackoffRetryMiddleware: 550,
        },
        "ITEM_PIPELINES": {StorePipeline: 300},
        # A resumed crawl never asks again for what the interrupted run recorded.
        "DUPEFILTER_CLASS": SeededDupeFilter,
        "EXTENSIONS": {
            ProgressReporter: 500,
            "scrapy.extensions.throttle.AutoThrottle": None,
            RevalidatingAutoThrottle: 0,
        },
        # Scrapy re-reads and parses every callback's source on each call to warn about
        # `return value` in generators (7% of a crawl's CPU in the benchmark profile); the
        # spider's callbacks return nothing (tests/test_crawl.py checks them once instead).
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "LOG_LEVEL": "WARNING",
        "LOG_FILE": log_file,
        "LOG_ENABLED": log_file is not None,
    }


def crawl(
    config: AuditConfig,
    store: Store,
    audit_id: int,
    progress: Callable[[dict[str, Any]], None] | None = None,
    resume: bool = False,
    previous: int | None = None,
) -> dict[str, Any]:
    """Crawl the site into the store (blocking) and return the crawl's counters.

    `resume`: continue `audit_id`, fetching nothing it recorded. `previous`: a finished audit of
    the same site whose validators make page requests conditional (incremental re-crawl).

    Raises KeyboardInterrupt when the crawl was stopped by a signal (what was recorded stays),
    RuntimeError when it never ran."""
    log_file = str(Path(store.path).resolve().parent / "crawl.log")
    settings = crawl_settings(config, log_file)
    process = CrawlerProcess(settings)
    # Scrapy filters at its handler, so every response and item still built a DEBUG log record
    # (~1.5% of the reactor's CPU in the benchmark profile); the logger drops them at once.
    logging.getLogger("scrapy").setLevel(settings["LOG_LEVEL"])
    crawler = process.create_crawler(SiteSpider)
    started = time.monotonic()
    process.crawl(
        crawler,
        config=config,
        store=store,
        audit_id=audit_id,
        progress=progress,
        resume=resume,
        previous=previous,
    )
    process.start()
    stats = crawler.stats.get_stats()
    reason = stats.get("finish_reason")
    if reason == "shutdown":
        raise KeyboardInterrupt
    if reason is None:
        raise RuntimeError(f"the crawl did not run; see {log_file}")
    return counters(stats, crawler.spider, time.monotonic() - started)


def counters(stats: dict[str, Any], spider: SiteSpider | None, elapsed: float) -> dict[str, Any]:
    """The audit's crawl counters, from the decisions the components counted in the stats."""

    def by_prefix(prefix: str) -> dict[str, int]:
        return {k[len(prefix) :]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}

    return {
        "pages": stats.get("govaudit/pages", 0),
        "targets": len(spider.recorded) if spider is not None else 0,
        "errors": stats.get("govaudit/errors", 0),
        "errors_by_kind": by_prefix("govaudit/errors/"),
        "skipped": stats.get("govaudit/skipped", 0),
        "skipped_by_reason": by_prefix("govaudit/skipped/"),
        "head_fallbacks": stats.get("govaudit/head_fallback", 0),
        "attachments_read": stats.get("govaudit/attachments/read", 0),
        "attachments_unreadable": stats.get("govaudit/attachments/unreadable", 0),
        "attachments_unreadable_by_reason": by_prefix("govaudit/attachments/unreadable/"),
        "extract_seconds": round(stats.get("govaudit/attachments/extract_seconds", 0.0), 3),
        "retries": stats.get("retry/count", 0),
        "requests": stats.get("downloader/request_count", 0),
        "response_bytes": stats.get("downloader/response_bytes", 0),
        "conditional": stats.get("govaudit/conditional", 0),
        "not_modified": stats.get("govaudit/not_modified", 0),
        "resumed": stats.get("govaudit/resumed", 0),
        "spider_exceptions": stats.get("spider_exceptions/count", 0),
        "parse_fallbacks": stats.get("govaudit/parse_fallbacks", 0),
        "start_urls_ok": stats.get("govaudit/start_urls_ok", 0),
        "elapsed": round(elapsed, 3),
        "finish_reason": stats.get("finish_reason"),
    }
