"""Downloader middleware: an attachment is fetched only while the attachment reader has room.

The reader reads one file at a time (crawler/attachment_reader.py). A breadth-first crawl
reaches most of a site's attachments on its last level, where they come faster than the reader
reads them: each waits in Scrapy's scraper, its response and its callback's tasks held (~30 KB
of the audit process's memory a file). At 20,000 pages 1,631 of the benchmark's 2,079 PDFs
waited at once, +49 MB for the crawl's last ten seconds (benchmarks/README.md, session 10).

Scrapy's own bound, SCRAPER_SLOT_MAX_ACTIVE_SIZE, counts bytes (5 MB, a response counted as at
least 1 KB): the 1,631 small PDFs weighed 1.7 MB and never reached it, and a bound low enough
for them would stop page downloads whenever a few large pages wait for the parse worker.
So this middleware counts files: an attachment request waits here while `bound` files are in
the reader's hands, and goes on as soon as one is read. The wait is held by the reader's own
count, which every read gives back however it ends (read, unreadable, timeout, the worker
killed), so the wait always ends, on a graceful stop (Ctrl-C) too: the engine waits for the
requests in flight, and these finish as the reader gets through the few files in its hands.
Nothing is dropped: a request waits, it is never refused. A request waiting here counts
against CONCURRENT_REQUESTS like one being downloaded, and holds no host slot (this middleware
comes first). The files in the reader's hands are at most `bound` + CONCURRENT_REQUESTS (those
let through while its hands were not full yet) and a few on their way from the downloader.

Settings: GOVAUDIT_ATTACHMENT_BACKLOG (files in the reader's hands, default 16; 0: no bound).
Stats: `govaudit/attachments/held` (requests that waited), `govaudit/attachments/most_in_hand`.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.http import Request

SETTINGS = ("GOVAUDIT_ATTACHMENT_BACKLOG",)


class AttachmentBacklogMiddleware:
    def __init__(self, crawler: Any, bound: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.bound = bound

    @classmethod
    def from_crawler(cls, crawler: Any) -> AttachmentBacklogMiddleware:
        middleware = cls(crawler, crawler.settings.getint("GOVAUDIT_ATTACHMENT_BACKLOG", 16))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    async def process_request(self, request: Request) -> None:
        reader = getattr(self.crawler.spider, "reader", None)
        if request.meta.get("role") != "attachment" or reader is None or self.bound <= 0:
            return None
        if reader.in_hand >= self.bound:
            self.stats.inc_value("govaudit/attachments/held")
            await reader.room(self.bound)
        return None

    def spider_closed(self, spider: Any) -> None:
        reader = getattr(spider, "reader", None)
        if reader is not None and reader.most_in_hand:
            self.stats.set_value("govaudit/attachments/most_in_hand", reader.most_in_hand)
