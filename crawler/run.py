"""Run one crawl in this process on Scrapy's engine: the audit's settings, the spider, the store.

No Scrapy project is needed: components are passed as classes (crawler/settings.py). The Twisted
reactor cannot restart, so `crawl` runs once per process (research §1); every audit is its own
`govaudit` process, and tests run the CLI in a subprocess. `process.start()` does not raise when a
crawl fails to start (a broken component, a handler that cannot load), so the outcome is read
from the stats' `finish_reason`.

Logging goes to `crawl.log` beside the store at WARNING level: the terminal belongs to the
progress display.
"""

from __future__ import annotations

import json
import logging
import signal
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess

from govaudit.core.config import AuditConfig
from govaudit.core.store import Store
from govaudit.crawler.records import HANDLER_FAILED
from govaudit.crawler.settings import crawl_settings
from govaudit.crawler.spider import SiteSpider


class CrawlFailed(RuntimeError):
    """Scrapy could not run the crawl (a component or a handler that fails to start)."""


def crawl(
    config: AuditConfig,
    store: Store,
    audit_id: int,
    progress: Callable[[dict[str, Any]], None] | None = None,
    resume: bool = False,
    previous: int | None = None,
    helper: Any = None,
    writing: Any = None,
) -> dict[str, Any]:
    """Crawl the site into the store (blocking) and return the crawl's counters.

    `resume`: continue `audit_id`, fetching nothing it recorded. `previous`: a finished audit of
    the same site whose validators make page requests conditional (incremental re-crawl).
    `helper`: the audit's helper process, which writes the records (crawler/pipeline.py).
    `writing`: what the store's writes do besides writing (crawler/pipeline.py `Writing`).

    Raises KeyboardInterrupt when the crawl was stopped by a signal (what was recorded stays),
    CrawlFailed when it never ran."""
    log_file = str(Path(store.path).resolve().parent / "crawl.log")
    settings = crawl_settings(config, log_file)
    process = CrawlerProcess(settings)
    # Scrapy filters at its handler, so every response and item still built a DEBUG log record
    # (~1.5% of the reactor's CPU in the benchmark profile); the logger drops them at once.
    logging.getLogger("scrapy").setLevel(settings["LOG_LEVEL"])
    # A robots.txt that cannot be fetched is logged with a whole traceback; the page request of
    # the same host fails the same way and is recorded with its error kind.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    crawler = process.create_crawler(SiteSpider)
    started = time.monotonic()
    failures: list[Any] = []
    running = process.crawl(
        crawler,
        config=config,
        store=store,
        audit_id=audit_id,
        progress=progress,
        resume=resume,
        previous=previous,
        helper=helper,
        writing=writing,
    )
    running.addErrback(failures.append)
    handlers = _shutdown_handlers()
    try:
        process.start()
    finally:
        _restore(handlers)
    stats = plain_stats(crawler.stats.get_stats())
    write_stats(log_file, stats)
    reason = stats.get("finish_reason")
    # Ctrl-C (or SIGTERM) while the crawl was still starting fails its start with the interrupt.
    if reason == "shutdown" or any(f.check(KeyboardInterrupt) for f in failures):
        raise KeyboardInterrupt
    if reason is None or failures or reason == HANDLER_FAILED:
        raise CrawlFailed(f"Scrapy 无法运行抓取（{_why(failures, stats)}），详见 {log_file}")
    result = counters(stats, time.monotonic() - started)
    result["crawl_stats"] = stats
    return result


def _shutdown_handlers() -> dict[int, Any]:
    return {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}


def _restore(handlers: dict[int, Any]) -> None:
    """Put back the signal handlers Scrapy replaced for the crawl. Scrapy leaves its own
    installed: a Ctrl-C during the checks would go to a stopped reactor (and be ignored), and
    the bound method keeps the CrawlerProcess, its crawler and the spider's crawl state alive
    through the checks and reports."""
    for sig, handler in handlers.items():
        if handler is not None:  # None: set outside Python, cannot be put back
            signal.signal(sig, handler)


def _why(failures: list[Any], stats: dict[str, Any]) -> str:
    if failures:
        return f"{type(failures[0].value).__name__}: {failures[0].value}"
    return stats.get("govaudit/handler_failed", "抓取未能启动")


def write_stats(log_file: str, stats: dict[str, Any]) -> None:
    """Scrapy's stats at the end of crawl.log (Scrapy dumps them at INFO, below the log's level)."""
    with open(log_file, "a", encoding="utf-8") as log:
        log.write("Scrapy stats:\n" + json.dumps(stats, ensure_ascii=False, indent=1) + "\n")


def plain_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """Scrapy's stats as JSON can hold them (dates as ISO text), sorted by name."""
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in sorted(stats.items())
    }


def counters(stats: dict[str, Any], elapsed: float) -> dict[str, Any]:
    """The audit's crawl counters, from the decisions the components counted in the stats."""

    def by_prefix(prefix: str) -> dict[str, int]:
        return {k[len(prefix) :]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}

    return {
        "pages": stats.get("govaudit/pages", 0),
        "targets": stats.get("govaudit/targets", 0),
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
        # Records asked of the site today vs kept from an earlier audit (crawler/rolling.py).
        "verified": stats.get("govaudit/records", 0) - stats.get("govaudit/rolled", 0),
        "carried": stats.get("govaudit/rolled", 0),
        "spider_exceptions": stats.get("spider_exceptions/count", 0),
        "parse_worker_pages": stats.get("govaudit/parse_worker_pages", 0),
        "parse_fallbacks": stats.get("govaudit/parse_fallbacks", 0),
        "rendered": stats.get("govaudit/render/pages", 0),
        "render_seconds": round(stats.get("govaudit/render/seconds", 0.0), 3),
        "render_unreadable": sum(
            stats.get(f"govaudit/render/{why}", 0)
            for why in ("still_empty", "failed", "unavailable", "over_budget")
        ),
        "render_problem": stats.get("govaudit/render/browser_problem"),
        "start_urls_ok": stats.get("govaudit/start_urls_ok", 0),
        "start_urls_blocked": stats.get("govaudit/start_urls_blocked", 0),
        "elapsed": round(elapsed, 3),
        "finish_reason": stats.get("finish_reason"),
    }
