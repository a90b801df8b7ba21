"""Scrapy's RetryMiddleware, waiting before each retry and honouring `Retry-After`.

Small government servers answer overload with 5xx/429; retrying at once hits them again while
they are down. This middleware replaces the built-in one (same order, 550) and sleeps before it
hands back the retry: exponential backoff, or the server's `Retry-After` on 429/503 when it asks
for no more than RETRY_AFTER_MAX seconds (beyond that the response is kept as it is, so that a
crawl never stalls on one URL). A host that does not resolve will not resolve a second later:
CannotResolveHostError is not retried (crawler/settings.py leaves it out of RETRY_EXCEPTIONS).

Settings: RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS (as Scrapy's), RETRY_BACKOFF_BASE
(seconds, default 0.5), RETRY_BACKOFF_MAX (default 8), RETRY_AFTER_MAX (default 30).
Stats: `retry/count`, `retry/reason_count/<reason>`, `retry/max_reached` (Scrapy's),
`retry/wait_seconds`, `retry/retry_after_honoured`, `retry/retry_after_too_long`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.asyncio import sleep

SETTINGS = ("RETRY_BACKOFF_BASE", "RETRY_BACKOFF_MAX", "RETRY_AFTER_MAX")


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds asked for by a `Retry-After` header (delta-seconds or HTTP-date), else None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 0.5)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 8.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 30.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = self._backoff(request)
        if response.status in (429, 503):
            asked = retry_after_seconds(response.headers.get(b"Retry-After"))
            if asked is not None and asked > self.retry_after_max:
                self.crawler.stats.inc_value("retry/retry_after_too_long")
                return response
            if asked is not None:
                self.crawler.stats.inc_value("retry/retry_after_honoured")
                wait = asked
        retry = self._retry(request, str(response.status))
        if retry is None:
            return response
        await self._wait(wait)
        return retry

    async def process_exception(
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get(
            "dont_retry", False
        ):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._wait(self._backoff(request))
        return retry

    def _backoff(self, request: Request) -> float:
        attempt = request.meta.get("retry_times", 0)
        return min(self.backoff_max, self.backoff_base * 2**attempt)

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.crawler.stats.inc_value("retry/wait_seconds", seconds)
            await sleep(seconds)
