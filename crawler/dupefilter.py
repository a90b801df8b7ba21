"""Scrapy's fingerprint dupefilter, seeded with the URLs a resumed audit already recorded.

Without the seed, a redirect that ends at a page recorded before the interruption would fetch
that page a second time (the new process's dupefilter starts empty). The URLs come from the
spider's `seen_before` (the recorded URLs and their redirect ends), read when the scheduler
opens; both GET and HEAD are seeded, since a target may have been checked either way.

Stats: `govaudit/dupefilter_seeded`.
"""

from __future__ import annotations

from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import Request


class SeededDupeFilter(RFPDupeFilter):
    crawler = None

    @classmethod
    def from_crawler(cls, crawler) -> SeededDupeFilter:
        dupefilter = super().from_crawler(crawler)
        dupefilter.crawler = crawler
        return dupefilter

    def open(self) -> None:
        spider = getattr(self.crawler, "spider", None)
        urls = getattr(spider, "seen_before", ())
        for url in urls:
            for method in ("GET", "HEAD"):
                self.request_seen(Request(url, method=method))
        if urls:
            self.crawler.stats.set_value("govaudit/dupefilter_seeded", len(urls))
