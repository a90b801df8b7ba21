"""Downloader middleware: page requests conditional on the previous audit's validators.

An incremental re-audit asks each page with the `If-None-Match` / `If-Modified-Since` the previous
finished audit recorded for the very same URL (never another URL's: static CMSs publish thousands
of files in one second with equal validators, DESIGN traps). A 304 lets the spider carry the
previous record over. When the 304 answers after a redirect that now ends elsewhere than the
recorded page did, the validators of one URL would vouch for another: the page is asked again
without them.

Why not HttpCacheMiddleware: its RFC 2616 policy served pages from the cache without asking and
missed edits (research §6), and the store already keeps the parsed result a cache would keep.

Requests it applies to: `meta["role"] == "page"` for the URL the spider targets. The validators
come from `spider.store.validators(spider.previous)`, the recorded final URLs from
`spider.previous_view`. Stats: `govaudit/conditional`, `govaudit/conditional_refetch`.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response


class ConditionalRequestMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.validators: dict[str, tuple[str | None, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> ConditionalRequestMiddleware:
        spider = crawler.spider
        if spider.previous is None:
            raise NotConfigured  # no previous audit: every request is a full one (said silently)
        middleware = cls(crawler)
        middleware.validators = spider.store.validators(spider.previous)
        return middleware

    def process_request(self, request: Request) -> None:
        meta = request.meta
        if (
            meta.get("role") != "page"
            or meta.get("conditional") is not None  # decided once, retries and hops included
            or request.url != meta.get("target")
        ):
            return None
        etag, last_modified = self.validators.get(request.url, (None, None))
        meta["conditional"] = bool(etag or last_modified)
        if meta["conditional"]:
            self.stats.inc_value("govaudit/conditional")
            if etag:
                request.headers[b"If-None-Match"] = etag
            if last_modified:
                request.headers[b"If-Modified-Since"] = last_modified
        return None

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status != 304 or not request.meta.get("conditional"):
            return response
        view = self.crawler.spider.previous_view
        previous = view.page(request.meta["target"]) if view is not None else None
        if previous is not None and (previous.final_url or previous.url) == response.url:
            return response
        self.stats.inc_value("govaudit/conditional_refetch")
        headers = request.headers.copy()
        for name in (b"If-None-Match", b"If-Modified-Since"):
            headers.pop(name, None)
        meta = {k: v for k, v in request.meta.items() if k in ("target", "role", "home", "depth")}
        meta["conditional"] = False
        return request.replace(url=meta["target"], headers=headers, meta=meta, dont_filter=True)
