"""Buffer the spider's `PageRecord`s and write them to the store in batches.

One transaction per batch keeps the crawl fast (one insert per row is ~4x slower, see the Scrapy
research notes §7) and keeps the database consistent when the process dies: every committed batch
stays, and the audit row stays `running` until the roof marks it. The buffer is flushed when the
crawl ends, a stop by SIGINT/SIGTERM included.

What the roof hands over (`Writing`, a spider argument): `scan` masks personal numbers before a
record is stored; `written` runs in the helper once a batch is committed (the text checks read
the pages there as they come, govaudit/text_checks.py).

A `CarriedPage` (HTTP 304 on a re-crawl, or a record a daily audit's rolling schedule did not
ask for today) is copied from the previous audit with `Store.carry_over`, batched the same way.

The first record is written at once and then a batch at least every `flush_seconds` (a looping
call ticks), so that a slow crawl killed with SIGKILL loses at most a few seconds of work (`--resume`
refetches only what was not written).

With the audit's helper process (govaudit/helper.py), the batches are written there: SQLite's
work (~0.1 ms a page, the indexes of ~25 edges) leaves the event loop, which is the crawl's
bottleneck. A batch stays in memory until the helper has committed it; a helper that dies leaves
its batches to be written here, so none is lost, and `close` returns once every batch is stored.

As a Scrapy item pipeline (ITEM_PIPELINES, crawler/settings.py) it takes the store, the audit and
the helper from the spider's arguments, and gives the spider `sink` for the records it makes
outside a callback (a redirect dropped as a duplicate, the end of the crawl).

Settings: GOVAUDIT_BATCH_SIZE (records, default 200), GOVAUDIT_FLUSH_SECONDS (default 2).
Stats: `govaudit/written`, `govaudit/carried`, `govaudit/batches`, `govaudit/written_here` (batches
the helper could not write), `govaudit/checked_as_written` (pages `written` checked there).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from typing import Any

from govaudit.core.model import PageRecord
from govaudit.core.store import PageRows, Scan, Store, page_rows

log = logging.getLogger(__name__)

SETTINGS = ("GOVAUDIT_BATCH_SIZE", "GOVAUDIT_FLUSH_SECONDS")


@dataclass(frozen=True)
class CarriedPage:
    """A record of the previous audit copied into this one, not re-parsed: the page answered 304
    (`verified`: confirmed today), or it was not due for verification today (crawler/rolling.py)."""

    url: str
    verified: bool = True


@dataclass(frozen=True)
class Writing:
    """What the store's writes do besides writing (Store.write_rows for `scan`); `written(store,
    audit_id, urls)` runs only in the helper: a batch written here has no one to see it there."""

    scan: Scan | None = None
    written: Callable[[Store, int, list[str]], int] | None = None  # → pages it checked


class StorePipeline:
    def __init__(
        self,
        store: Store,
        audit_id: int,
        previous: int | None,
        stats: Any,
        batch_size: int = 200,
        flush_seconds: float = 2.0,
        helper: Any = None,
        writing: Writing | None = None,
    ) -> None:
        self.store = store
        self.writing = writing or Writing()
        self.helper = helper  # `send(function, *args) -> Future | None` (govaudit.helper.Helper)
        self.sent: deque[tuple[Future, Callable[[], Any]]] = deque()  # not yet committed
        self.audit_id = audit_id
        self.previous = previous
        self.stats = stats
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.buffer: list[PageRecord] = []
        self.carried: dict[bool, list[str]] = {True: [], False: []}  # by `verified`
        self.last_flush = float("-inf")  # the first record is written at once
        self._ticks: Any = None  # the looping call of a Scrapy crawl

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        spider = crawler.spider
        pipeline = cls(
            spider.store,
            spider.audit_id,
            spider.previous,
            crawler.stats,
            batch_size=crawler.settings.getint("GOVAUDIT_BATCH_SIZE", 200),
            flush_seconds=crawler.settings.getfloat("GOVAUDIT_FLUSH_SECONDS", 2.0),
            helper=spider.helper,
            writing=spider.writing,
        )
        spider.sink = pipeline.process_item
        return pipeline

    def open_spider(self) -> None:
        # Late: the helper imports this module to write the batches, and Scrapy would cost it
        # ~30 MB of imports it never uses.
        from scrapy.utils.asyncio import create_looping_call

        self._ticks = create_looping_call(self.tick)
        self._ticks.start(min(self.flush_seconds, 0.5), now=False)

    def close_spider(self) -> None:
        if self._ticks is not None and self._ticks.running:
            self._ticks.stop()
        self.close()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageRecord):
            self.buffer.append(item)
        elif isinstance(item, CarriedPage):
            self.carried[item.verified].append(item.url)
        else:
            raise TypeError(f"not a record: {item!r}")
        if len(self.buffer) + self._carried() >= self.batch_size:
            self.flush()
        else:
            self.tick()
        return item

    def tick(self) -> None:
        """Write what waits once `flush_seconds` have passed (also called between records)."""
        if time.monotonic() - self.last_flush >= self.flush_seconds:
            self.flush()

    def close(self) -> None:
        """Write what waits and return once every batch is in the store."""
        self.flush()
        self._settle(wait=True)

    def flush(self) -> None:
        if self.buffer or self._carried():  # an idle spell does not delay the next record
            self.last_flush = time.monotonic()
        if self.buffer:
            batch, self.buffer = self.buffer, []
            rows = page_rows(self.audit_id, batch)
            here = partial(self.store.write_rows, self.audit_id, rows, self.writing.scan)
            self._write(write_rows, here, rows, self.writing)
            self.stats.inc_value("govaudit/written", len(batch))
            self.stats.inc_value("govaudit/batches")
        for verified, urls in self.carried.items():
            if urls:
                self.carried[verified] = []
                here = partial(self.store.carry_over, self.previous, self.audit_id, urls, verified)
                self._write(carry_over, here, self.previous, urls, verified, self.writing)
                self.stats.inc_value("govaudit/carried", len(urls))
                self.stats.inc_value("govaudit/batches")
        self._settle(wait=False)

    def _carried(self) -> int:
        return sum(len(urls) for urls in self.carried.values())

    def _write(self, remote: Callable[..., Any], here: Callable[[], Any], *args: Any) -> None:
        """`remote(db_path, audit_id, *args)` in the helper, else `here()` at once."""
        future = None
        if self.helper is not None:
            future = self.helper.send(remote, self.store.path, self.audit_id, *args)
        if future is None:
            here()
        else:
            self.sent.append((future, here))

    def _settle(self, wait: bool) -> None:
        """Forget the batches the helper committed; write here, in order, those it could not."""
        while self.sent and (wait or self.sent[0][0].done()):
            future, here = self.sent.popleft()
            try:
                checked = future.result()
            except EOFError as exc:
                if not self.stats.get_value("govaudit/written_here"):
                    log.warning("辅助进程已停止（%s）：改由抓取进程写入记录", exc)
                self.stats.inc_value("govaudit/written_here")
                here()
            else:
                self.stats.inc_value("govaudit/checked_as_written", checked or 0)


# What the helper process runs: one connection per store file, kept for the crawl's batches.
_STORES: dict[str, Store] = {}


def _store(db_path: str) -> Store:
    if db_path not in _STORES:
        _STORES[db_path] = Store(db_path)
    return _STORES[db_path]


def write_rows(db_path: str, audit_id: int, rows: PageRows, writing: Writing) -> int:
    """The batch written; how many of its pages `written` checked."""
    store = _store(db_path)
    store.write_rows(audit_id, rows, writing.scan)
    return writing.written(store, audit_id, rows[0]) if writing.written else 0


def carry_over(
    db_path: str, audit_id: int, previous: int, urls: list[str], verified: bool, writing: Writing
) -> int:
    store = _store(db_path)
    store.carry_over(previous, audit_id, urls, verified)
    return writing.written(store, audit_id, urls) if writing.written else 0
