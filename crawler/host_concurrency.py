"""Downloader middleware: never more than CONCURRENT_REQUESTS_PER_DOMAIN requests on one host.

Scrapy 2.19's downloader does not hold this bound when a slot has no delay: `_process_queue`
starts each queued request as an asyncio task and counts it as transferring only once the task
runs, so one pass of its loop starts every request waiting in the slot (measured here: 7 at once
on a profile with `concurrency = 2`, `download_delay = 0`). With a delay it starts one request a
pass and the bound holds. An audit of a bureau's production server must keep its promise either
way, so this middleware, next to the download handler, lets a request through only while its
host has fewer than the bound in flight, and counts the wait. It is on only without a delay
(DOWNLOAD_DELAY 0 and AutoThrottle off: benchmarks, a server the user knows can take it).

Settings: CONCURRENT_REQUESTS_PER_DOMAIN (Scrapy's; `crawl.concurrency`).
Stats: `govaudit/host_concurrency_waits`.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

_HELD = "govaudit_host_slot"


class HostConcurrencyMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats
        self.bound = crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self.hosts: dict[str, asyncio.Semaphore] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> HostConcurrencyMiddleware:
        settings = crawler.settings
        if settings.getfloat("DOWNLOAD_DELAY") > 0 or settings.getbool("AUTOTHROTTLE_ENABLED"):
            # A slot with a delay starts one request a pass (AutoThrottle's delay is never 0).
            raise NotConfigured  # (without a message: Scrapy logs a disabled one as a warning)
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        host = request.meta.get("download_slot") or urlsplit(request.url).hostname or ""
        gate = self.hosts.get(host)
        if gate is None:
            gate = self.hosts[host] = asyncio.Semaphore(self.bound)
        if gate.locked():
            self.stats.inc_value("govaudit/host_concurrency_waits")
        await gate.acquire()
        request.meta[_HELD] = host
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)
        return None

    def _release(self, request: Request) -> None:
        host = request.meta.pop(_HELD, None)
        if host is not None:
            self.hosts[host].release()
