"""Extension: report the crawl's progress to a callable about twice a second.

The callable (the CLI's rich progress bar) comes from `spider.progress`; without one the
extension does nothing. It receives {done, queued, errors, rate}: records written so far,
requests waiting or in flight, records with an error (skipped excluded), and records per second.

Settings: GOVAUDIT_PROGRESS_INTERVAL (seconds, default 0.5).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call

SETTINGS = ("GOVAUDIT_PROGRESS_INTERVAL",)


class ProgressReporter:
    def __init__(self, crawler: Any, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.callback: Callable[[dict[str, Any]], None] | None = None
        self.started = time.monotonic()
        self.loop = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressReporter:
        return cls(crawler, crawler.settings.getfloat("GOVAUDIT_PROGRESS_INTERVAL", 0.5))

    def spider_opened(self) -> None:
        self.callback = getattr(self.crawler.spider, "progress", None)
        self.started = time.monotonic()
        if self.callback is not None:
            self.loop = create_looping_call(self.report)
            self.loop.start(self.interval, now=True)

    def spider_closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.callback is not None:
            self.report()

    def report(self) -> None:
        stats = self.crawler.stats
        done = stats.get_value("govaudit/records", 0)
        engine = self.crawler.engine
        queued = 0
        if engine is not None and engine.scheduler is not None:
            queued = len(engine.scheduler) + len(engine.downloader.active)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        self.callback(
            {
                "done": done,
                "queued": queued,
                "errors": stats.get_value("govaudit/errors", 0),
                "rate": done / elapsed,
            }
        )
