"""The store pipeline: what a crawl killed at any moment has already written."""

from __future__ import annotations

import time
from datetime import date

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from govaudit.core.model import Link, PageRecord
from govaudit.core.store import Store
from govaudit.crawler.pipeline import StorePipeline
from govaudit.helper import Helper


@pytest.fixture(autouse=True)
def two_cores(monkeypatch):
    """The helper runs only on a machine with two cores or more; these tests are about it."""
    monkeypatch.setattr("os.cpu_count", lambda: 2)


def Stats() -> MemoryStatsCollector:  # noqa: N802 - the stats a crawl's components get
    return MemoryStatsCollector(get_crawler())


def _written(store: Store, audit_id: int) -> int:
    return len(list(store.view(audit_id).pages()))


def test_first_record_at_once_then_batches_or_every_flush_seconds(tmp_path):
    store = Store(tmp_path / "g.db")
    audit_id = store.start_audit("site", "http://a.gov.cn/", date(2024, 6, 1), {})
    pipeline = StorePipeline(store, audit_id, None, Stats(), batch_size=3, flush_seconds=0.2)
    pipeline.tick()  # an idle start must not hold back the first record
    page = lambda i: PageRecord(url=f"http://a.gov.cn/{i}.html", status=200)  # noqa: E731
    pipeline.process_item(page(0))
    assert _written(store, audit_id) == 1
    pipeline.process_item(page(1))
    pipeline.process_item(page(2))
    assert _written(store, audit_id) == 1  # waiting for the batch or the clock
    pipeline.process_item(page(3))
    assert _written(store, audit_id) == 4  # a full batch
    pipeline.process_item(page(4))
    pipeline.tick()
    assert _written(store, audit_id) == 4
    time.sleep(0.25)
    pipeline.tick()  # the engine ticks twice a second: nothing waits longer than flush_seconds
    assert _written(store, audit_id) == 5
    pipeline.process_item(page(5))
    pipeline.close()
    assert _written(store, audit_id) == 6


def _pages(n: int, start: int = 0) -> list[PageRecord]:
    return [
        PageRecord(
            url=f"http://a.gov.cn/{i}.html",
            status=200,
            title=f"第{i}页",
            text="正文\udce9",  # a stray undecoded byte: stored as U+FFFD, wherever it is written
            links=(Link(f"http://a.gov.cn/{i + 1}.html", "a", "href", "下一篇"),),
        )
        for i in range(start, start + n)
    ]


def _rows(store: Store, audit_id: int) -> tuple[list, list]:
    view = store.view(audit_id)
    return list(view.pages()), list(view.links())


def test_the_helper_writes_what_this_process_would(tmp_path, monkeypatch):
    stores = [Store(tmp_path / "here.db"), Store(tmp_path / "there.db")]
    audits = [s.start_audit("site", "http://a.gov.cn/", date(2024, 6, 1), {}) for s in stores]

    def crawl(store: Store, audit_id: int, helper: Helper | None) -> None:
        pipeline = StorePipeline(store, audit_id, None, Stats(), batch_size=7, helper=helper)
        for page in _pages(30):
            pipeline.process_item(page)
        pipeline.close()  # returns once every batch is committed

    crawl(stores[0], audits[0], None)
    monkeypatch.setattr(Store, "write_rows", _not_here)  # from now on only the helper can write
    helper = Helper()
    try:
        crawl(stores[1], audits[1], helper)
    finally:
        helper.close()
    monkeypatch.undo()
    pages, links = _rows(stores[1], audits[1])
    assert (pages, links) == _rows(stores[0], audits[0])
    assert len(pages) == 30 and len(links) == 30 and pages[0].text == "正文\ufffd"


def _not_here(*args):
    raise AssertionError("written in the crawl's process, not in the helper")


def test_batches_the_helper_could_not_write_are_written_here(tmp_path):
    store = Store(tmp_path / "g.db")
    audit_id = store.start_audit("site", "http://a.gov.cn/", date(2024, 6, 1), {})
    helper = Helper()
    stats = Stats()
    pipeline = StorePipeline(store, audit_id, None, stats, batch_size=5, helper=helper)
    try:
        for page in _pages(12):
            pipeline.process_item(page)
        helper._worker.process.kill()  # dies (out of memory, killed) with batches in flight
        for page in _pages(12, start=12):
            pipeline.process_item(page)
        pipeline.close()
    finally:
        helper.close()
    pages, _ = _rows(store, audit_id)
    assert sorted(p.url for p in pages) == sorted(p.url for p in _pages(24))
    assert stats.get_value("govaudit/written_here") >= 3  # the batches sent after its death
