"""Run one crawl in this process: the profile's settings, the spider, the engine, the store.

Logging goes to `crawl.log` beside the store at WARNING level: the terminal belongs to the
progress display.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawler.engine import Engine, EngineSettings, Stats
from crawler.pipeline import StorePipeline
from crawler.spider import SiteSpider
from govaudit.core.config import AuditConfig
from govaudit.core.store import Store


def engine_settings(config: AuditConfig) -> EngineSettings:
    """The engine's settings for one audit: polite by default, safe always."""
    return EngineSettings(
        headers={
            "User-Agent": config.user_agent,
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            "Accept-Language": "zh-CN,zh;q=0.9",
        },
        # Politeness: per-host concurrency and AutoThrottle (research §2, "Per-site politeness").
        concurrency=config.concurrency,
        total_concurrency=max(16, 2 * config.concurrency),
        download_delay=config.download_delay,
        autothrottle=config.autothrottle,
        throttle_target=float(config.concurrency),
        # AutoThrottle's usual 5 s start delay would serialise the first dozen pages for a minute.
        throttle_start_delay=max(config.download_delay, 0.25),
        timeout=config.timeout,
        max_size=config.max_resource_bytes,
        retries=config.retries,
        obey_robots=config.obey_robots,
    )


def crawl(
    config: AuditConfig,
    store: Store,
    audit_id: int,
    progress: Callable[[dict[str, Any]], None] | None = None,
    resume: bool = False,
    previous: int | None = None,
    helper: Any = None,
) -> dict[str, Any]:
    """Crawl the site into the store (blocking) and return the crawl's counters.

    `resume`: continue `audit_id`, fetching nothing it recorded. `previous`: a finished audit of
    the same site whose validators make page requests conditional (incremental re-crawl).
    `helper`: the audit's helper process, which writes the records (crawler/pipeline.py).

    Raises KeyboardInterrupt when the crawl was stopped by a signal (what was recorded stays),
    RuntimeError when it failed."""
    log_file = Path(store.path).resolve().parent / "crawl.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
    logger = logging.getLogger("crawler")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    stats = Stats()
    spider = SiteSpider(config, store, audit_id, stats, progress, resume, previous)
    pipeline = StorePipeline(store, audit_id, previous, stats, helper=helper)
    engine = Engine(spider, engine_settings(config), pipeline, stats, key=spider.scope.key)
    engine.seed(spider.seen_before)
    started = time.monotonic()
    try:
        reason = asyncio.run(engine.run())
    except Exception as exc:
        logger.exception("the crawl failed")
        raise RuntimeError(f"the crawl failed ({exc}); see {log_file}") from exc
    finally:
        logger.removeHandler(handler)
        handler.close()
    if reason == "shutdown":
        raise KeyboardInterrupt
    return counters(stats.get_stats(), spider, time.monotonic() - started)


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
        "parse_worker_pages": stats.get("govaudit/parse_worker_pages", 0),
        "parse_fallbacks": stats.get("govaudit/parse_fallbacks", 0),
        "start_urls_ok": stats.get("govaudit/start_urls_ok", 0),
        "start_urls_blocked": stats.get("govaudit/start_urls_blocked", 0),
        "elapsed": round(elapsed, 3),
        "finish_reason": stats.get("finish_reason"),
    }
