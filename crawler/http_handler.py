"""Download handler for http and https: Scrapy's aiohttp one, built at the first request.

Scrapy's default HTTP/1.1 handler reads every answer in Twisted's pure-Python client, a fifth of
the crawl's CPU; Scrapy's aiohttp handler (`scrapy.core.downloader.handlers._aiohttp`, marked
experimental in 2.19) parses in C: the 2,000-page benchmark crawl takes ~8 % less time
(benchmarks/README.md, session 8). It opens its aiohttp session when it is built, which needs a
running event loop, and Scrapy builds a scheme's handler at that scheme's first request, which
`CrawlerProcess.crawl` makes before the loop runs ("no running event loop"). This one builds it
inside its first download, and the rest is Scrapy's: DOWNLOAD_MAXSIZE, DOWNLOAD_TIMEOUT, proxies
from HttpProxyMiddleware, Scrapy's download exceptions (crawler/errors.py reads them).

Two differences from the Twisted handler kept out:
- the aiohttp one builds Scrapy's Headers from aiohttp's decoded values, and a header that is not
  UTF-8 (a GBK `Content-Disposition` filename, common on 信息公开 platforms) failed the whole
  download with a UnicodeEncodeError: here they come from the raw bytes, as Twisted gave them;
- it cancels an answer whose Content-Length is over the size bound before `headers_received` is
  sent, where Twisted sends it first: the spider stops an oversized attachment at its headers to
  record it with its status and size (crawler/spider.py `on_headers`), so such an answer is
  offered to the signal first here too.

A user keeps Scrapy's Twisted handler with `[crawl.scrapy] DOWNLOAD_HANDLERS = {http =
"scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler", https = ...}`.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.core.downloader.handlers._aiohttp import AiohttpDownloadHandler
from scrapy.http import Headers
from scrapy.utils._download_handlers import check_stop_download, make_response

# Scrapy warns once per crawl that the handler is experimental; the choice is made above.
logging.getLogger("scrapy.core.downloader.handlers._base_streaming").setLevel(logging.ERROR)


class _AsTwistedDid(AiohttpDownloadHandler):
    @staticmethod
    def _extract_headers(response: Any) -> Headers:
        return Headers(list(response.raw_headers))

    async def _read_response(self, response: Any, request: Any) -> Any:
        bound = request.meta.get("download_maxsize", self._default_maxsize)
        length = response.content_length
        if bound and length and length > bound:
            headers = self._extract_headers(response)
            stop = check_stop_download(
                signals.headers_received,
                self.crawler,
                request,
                headers=headers,
                body_length=length,
            )
            if stop:
                args = self._build_base_response_args(response, request, headers)
                return make_response(**args, stop_download=stop)
        return await super()._read_response(response, request)


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
            self._http = _AsTwistedDid(self._crawler)
        return await self._http.download_request(request)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
