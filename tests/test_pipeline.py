"""The store pipeline: what a crawl killed at any moment has already written."""

from __future__ import annotations

import time
from datetime import date

from crawler.engine import Stats
from crawler.pipeline import StorePipeline
from govaudit.core.model import PageRecord
from govaudit.core.store import Store


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
