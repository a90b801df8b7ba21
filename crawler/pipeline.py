"""Item pipeline: buffer the spider's `PageRecord`s and write them to the store in batches.

One transaction per batch keeps the crawl fast (one insert per row is ~4x slower, see the Scrapy
research notes §7) and keeps the database consistent when the process dies: every committed batch
stays, and the audit row stays `running` until the roof marks it. The buffer is flushed when the
spider closes, which Scrapy also does on the first SIGINT/SIGTERM (graceful shutdown).

Records that do not come out of a callback (a redirect dropped by the dupefilter) arrive through
the `record_ready` signal. A `CarriedPage` (HTTP 304 on a re-crawl) is copied from the previous
audit with `Store.carry_over`, batched the same way.

A batch is also written when GOVAUDIT_FLUSH_SECONDS have passed since the last one, so that a
slow crawl killed with SIGKILL loses at most a few seconds of work (`--resume` refetches only
what was not written).

Settings: GOVAUDIT_BATCH_SIZE (default 200), GOVAUDIT_FLUSH_SECONDS (default 2). The store and audit id come from the spider
(`spider.store`, `spider.audit_id`): they are per-run inputs, not settings (Scrapy deep-copies
settings, and a database connection cannot be copied).
Stats: `govaudit/written`, `govaudit/carried`, `govaudit/batches`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from govaudit.core.model import PageRecord

# Custom signal: send_catch_log(record_ready, record=PageRecord) from anywhere in the crawl.
record_ready = object()


@dataclass(frozen=True)
class CarriedPage:
    """A page unchanged since the previous audit (304): its record is copied, not re-parsed."""

    url: str


class StorePipeline:
    def __init__(self, crawler, batch_size: int, flush_seconds: float = 2.0) -> None:
        self.crawler = crawler
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.buffer: list[PageRecord] = []
        self.carried: list[str] = []
        self.last_flush = time.monotonic()
        crawler.signals.connect(self._on_record, signal=record_ready)

    @classmethod
    def from_crawler(cls, crawler) -> StorePipeline:
        settings = crawler.settings
        return cls(
            crawler,
            settings.getint("GOVAUDIT_BATCH_SIZE", 200),
            settings.getfloat("GOVAUDIT_FLUSH_SECONDS", 2.0),
        )

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageRecord):
            self._add(item)
        elif isinstance(item, CarriedPage):
            self.carried.append(item.url)
            self._flush_when_due()
        return item

    def close_spider(self) -> None:
        self.flush()

    def _on_record(self, record: PageRecord) -> None:
        self._add(record)

    def _add(self, record: PageRecord) -> None:
        self.buffer.append(record)
        self._flush_when_due()

    def _flush_when_due(self) -> None:
        due = time.monotonic() - self.last_flush >= self.flush_seconds
        if due or len(self.buffer) + len(self.carried) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        spider = self.crawler.spider
        stats = self.crawler.stats
        if self.buffer:
            batch, self.buffer = self.buffer, []
            spider.store.add_pages(spider.audit_id, batch)
            stats.inc_value("govaudit/written", len(batch))
            stats.inc_value("govaudit/batches")
        if self.carried:
            urls, self.carried = self.carried, []
            spider.store.carry_over(spider.previous, spider.audit_id, urls)
            stats.inc_value("govaudit/carried", len(urls))
            stats.inc_value("govaudit/batches")
