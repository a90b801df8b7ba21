"""The dupefilter: one request per (method, target), by the audit's own URL key.

Scrapy's fingerprint canonicalises URLs its way; the audit already has one key per target
(`Scope.key`: session ids dropped, calendar variants folded, the spelling the spider recorded),
and a redirect onto a target the spider knows under that key must meet it here. The spider
de-duplicates its links before it yields a Request (building a Request for each of a page's
links costs more than the filter saves: research/scrapy_overhead), so what reaches the filter is
mostly redirects; Scrapy then fires `request_dropped`, which the spider listens to.

A resumed audit seeds the filter with what the interrupted run recorded (`spider.seen_before`),
GET and HEAD alike, so that a redirect ending at a page recorded before is not fetched again.

Settings: DUPEFILTER_CLASS names it (crawler/settings.py). Stats: `govaudit/dupefilter_seeded`.
"""

from __future__ import annotations

from typing import Any

from scrapy.http import Request
from w3lib.url import safe_url_string


class AuditDupeFilter:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.seen: set[tuple[str, str]] = set()
        self.key = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> AuditDupeFilter:
        return cls(crawler)

    def open(self) -> None:
        spider = self.crawler.spider
        self.key = spider.scope.key
        urls = spider.seen_before
        for url in urls:
            key = self.key(safe_url_string(url))
            self.seen.update((("GET", key), ("HEAD", key)))
        if urls:
            self.crawler.stats.set_value("govaudit/dupefilter_seeded", len(urls))

    def request_seen(self, request: Request) -> bool:
        seen = (request.method, self.key(request.url))
        if seen in self.seen:
            return True
        self.seen.add(seen)
        return False

    def close(self, reason: str) -> None:
        self.seen.clear()

    def log(self, request: Request, spider: Any) -> None:
        self.crawler.stats.inc_value("dupefilter/filtered")
