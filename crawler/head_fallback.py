"""Downloader middleware: a HEAD the server refuses is asked again as a GET of the headers.

Resources and external links are checked with HEAD, one request a target as a visitor's click
costs. Servers refuse HEAD in many ways (403, 405, 501, even 404 or 500, a reset connection:
research §2), so any status >= 400 or a download error other than DNS or a refused connection
is asked again with GET, and the spider stops that download after the headers
(`meta["headers_only"]`). The GET's record says `HEAD>GET` (`meta["head_result"]` keeps what
HEAD got). A target answered by a bot check is not asked twice (crawler/bot_check.py).

Requests it applies to carry `meta["head_fallback"]` (the spider's checks).
Stats: `govaudit/head_fallback`.
"""

from __future__ import annotations

from typing import Any

from scrapy.http import Request, Response

from govaudit.crawler.errors import error_kind

_FINAL_KINDS = frozenset({"dns", "refused", "skipped"})


class HeadFallbackMiddleware:
    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> HeadFallbackMiddleware:
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if self._applies(request) and response.status >= 400 and not request.meta.get("bot_check"):
            return self._fallback(request, str(response.status))
        return response

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if self._applies(request):
            kind = error_kind(exception)
            if kind not in _FINAL_KINDS:
                return self._fallback(request, kind)
        return None

    @staticmethod
    def _applies(request: Request) -> bool:
        return request.method == "HEAD" and bool(request.meta.get("head_fallback"))

    def _fallback(self, request: Request, head_result: str) -> Request:
        self.stats.inc_value("govaudit/head_fallback")
        meta = {k: v for k, v in request.meta.items() if k in _KEPT_META}
        meta.update(headers_only=True, head_result=head_result)
        return request.replace(url=meta["target"], method="GET", meta=meta, dont_filter=True)


# What the GET keeps of the HEAD's meta: the spider's own keys, nothing of a redirect or retry.
_KEPT_META = frozenset({"target", "role", "depth", "dont_obey_robotstxt", "dont_retry"})
