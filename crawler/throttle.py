"""Scrapy's AutoThrottle, counting a 304 Not Modified as the healthy answer it is.

AutoThrottle never lowers its delay on a non-200 answer (error pages are small and fast, and
would speed the crawl up against a failing server). On an incremental re-crawl most answers are
304, so the delay would stay at AUTOTHROTTLE_START_DELAY for the whole crawl: measured on the
sample site, the re-crawl took longer than the first crawl. A 304 is the server confirming a
page is unchanged, so its latency is a fair load signal.

Settings: those of AutoThrottle (AUTOTHROTTLE_*); it replaces the built-in extension.
"""

from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response


class RevalidatingAutoThrottle(AutoThrottle):
    def _adjust_delay(self, slot, latency: float, response: Response) -> None:
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)
