"""Item pipeline: buffer the spider's `PageRecord`s and write them to the store in batches.

One transaction per batch keeps the crawl fast (one insert per row is ~4x slower, see the Scrapy
research notes §7) and keeps the database consistent when the process dies: every committed batch
stays, and the audit row stays `running` until the roof marks it. The buffer is flushed when the
spider closes, which Scrapy also does on the first SIGINT/SIGTERM (graceful shutdown).

Records that do not come out of a callback (a redirect dropped by the dupefilter) arrive through
the `record_ready` signal.

Settings: GOVAUDIT_BATCH_SIZE (default 200). The store and audit id come from the spider
(`spider.store`, `spider.audit_id`): they are per-run inputs, not settings (Scrapy deep-copies
settings, and a database connection cannot be copied).
Stats: `govaudit/written`, `govaudit/batches`.
"""

from __future__ import annotations

from typing import Any

from govaudit.core.model import PageRecord

# Custom signal: send_catch_log(record_ready, record=PageRecord) from anywhere in the crawl.
record_ready = object()


class StorePipeline:
    def __init__(self, crawler, batch_size: int) -> None:
        self.crawler = crawler
        self.batch_size = batch_size
        self.buffer: list[PageRecord] = []
        crawler.signals.connect(self._on_record, signal=record_ready)

    @classmethod
    def from_crawler(cls, crawler) -> StorePipeline:
        return cls(crawler, crawler.settings.getint("GOVAUDIT_BATCH_SIZE", 200))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageRecord):
            self._add(item)
        return item

    def close_spider(self) -> None:
        self.flush()

    def _on_record(self, record: PageRecord) -> None:
        self._add(record)

    def _add(self, record: PageRecord) -> None:
        self.buffer.append(record)
        if len(self.buffer) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        spider = self.crawler.spider
        batch, self.buffer = self.buffer, []
        spider.store.add_pages(spider.audit_id, batch)
        self.crawler.stats.inc_value("govaudit/written", len(batch))
        self.crawler.stats.inc_value("govaudit/batches")
