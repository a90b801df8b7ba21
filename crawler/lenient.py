"""Downloader middleware: a response Twisted's parser refuses, read again as browsers read it.

Twisted refuses, on purpose, answers that browsers show without a word: a header line with a
space in its name, a header line over 16 KB (long Set-Cookie and CSP lines of legacy Java and
IIS stacks). An audit that called such a page a broken link would send staff after a page that
works. Python's `http.client` reads them as browsers do (odd lines skipped, long lines taken), so
this middleware asks it once, in a thread, before the failure is recorded; when that fails too
the first error stands. A body cut short (a broken chunk) stays a failure: browsers show a
broken page there too.

Only direct connections: behind a proxy the first error stands. It sits next to the download
handler (its process_exception is asked before RetryMiddleware's), and what it reads goes
through every other middleware like any response.

Stats: `govaudit/lenient_fetches`, `govaudit/lenient_failed`.
"""

from __future__ import annotations

import asyncio
import http.client
import logging
import ssl
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import DownloadCancelledError, DownloadFailedError
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes

log = logging.getLogger(__name__)


class TooLargeBody(Exception):
    """The body is over the size bound."""


def fetch(
    method: str, url: str, headers: dict[str, str], timeout: float, bound: int
) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers as the Latin-1 text of their bytes, body) of one request; the body
    undecoded (no Accept-Encoding is sent), no certificate verified (as Scrapy's handler)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=context
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    sent = {k: v for k, v in headers.items() if k.lower() != "accept-encoding"}
    try:
        conn.request(method, target, headers=sent)
        answer = conn.getresponse()
        body = b"" if method == "HEAD" else answer.read(bound + 1)
        if len(body) > bound:
            raise TooLargeBody(f"body over the max size {bound}")
        return answer.status, answer.getheaders(), body
    finally:
        conn.close()


class LenientDownloadMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats
        self.timeout = crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Any) -> LenientDownloadMiddleware:
        return cls(crawler)

    async def process_exception(self, request: Request, exception: Exception) -> Response | None:
        if type(exception) is not DownloadFailedError or request.meta.get("proxy"):
            return None
        self.stats.inc_value("govaudit/lenient_fetches")
        log.warning("%s：%s；已按浏览器的宽松方式重新读取", request.url, _first_reason(exception))
        headers = {
            k.decode("latin-1"): v[-1].decode("latin-1") for k, v in request.headers.items() if v
        }
        bound = request.meta.get("download_maxsize", self.maxsize) or 2**62
        args = (request.method, request.url, headers, self.timeout, bound)
        try:
            status, received, body = await asyncio.wait_for(
                asyncio.to_thread(fetch, *args), self.timeout + 1
            )
        except TooLargeBody as exc:
            raise DownloadCancelledError(str(exc)) from exception
        except (OSError, http.client.HTTPException, TimeoutError, ValueError):
            self.stats.inc_value("govaudit/lenient_failed")
            return None  # broken for browsers too: the first error stands
        scrapy_headers = Headers()
        for name, value in received:  # every Set-Cookie line kept
            scrapy_headers.appendlist(name.encode("latin-1"), value.encode("latin-1"))
        cls = responsetypes.from_args(headers=scrapy_headers, url=request.url, body=body)
        return cls(
            url=request.url,
            status=status,
            headers=scrapy_headers,
            body=body,
            request=request,
            flags=["lenient"],
        )


def _first_reason(exception: Exception) -> str:
    reasons = getattr(exception, "reasons", None) or getattr(exception.__cause__, "reasons", None)
    if reasons:
        return str(getattr(reasons[0], "value", reasons[0]))
    return str(exception).splitlines()[0] if str(exception) else type(exception).__name__
