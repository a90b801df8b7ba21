"""Download handler for http and https: Scrapy's aiohttp one, built at the first request.

Scrapy's default HTTP/1.1 handler reads every answer in Twisted's pure-Python client, a fifth of
the crawl's CPU; Scrapy's aiohttp handler (`scrapy.core.downloader.handlers._aiohttp`, marked
experimental in 2.19) parses in C: the 2,000-page benchmark crawl takes ~8 % less time
(benchmarks/README.md, session 8). It opens its aiohttp session when it is built, which needs a
running event loop, and Scrapy builds a scheme's handler at that scheme's first request, which
`CrawlerProcess.crawl` makes before the loop runs ("no running event loop"). This one builds it
inside its first download, and the rest is Scrapy's: DOWNLOAD_MAXSIZE, DOWNLOAD_TIMEOUT, proxies
from HttpProxyMiddleware, Scrapy's download exceptions (crawler/errors.py reads them).

A user keeps Scrapy's Twisted handler with `[crawl.scrapy] DOWNLOAD_HANDLERS = {http =
"scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler", https = ...}`.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.core.downloader.handlers._aiohttp import AiohttpDownloadHandler

# Scrapy warns once per crawl that the handler is experimental; the choice is made above.
logging.getLogger("scrapy.core.downloader.handlers._base_streaming").setLevel(logging.ERROR)


class AuditHttpHandler:
    lazy = True

    def __init__(self, crawler: Any) -> None:
        self._crawler = crawler
        self._http: AiohttpDownloadHandler | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> AuditHttpHandler:
        return cls(crawler)

    async def download_request(self, request: Any) -> Any:
        if self._http is None:
            self._http = AiohttpDownloadHandler(self._crawler)
        return await self._http.download_request(request)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
