"""Scrapy's MetaRefreshMiddleware, ignoring a page that only reloads itself.

Old CMS templates put `<meta http-equiv="refresh" content="300">` (or `content="5;url=<itself>"`)
on their homepage to keep a ticker fresh: that is no move, and following it would record the
page as a redirect loop. A page without the `http-equiv` bytes is passed on without decoding
its text (most pages: Scrapy's own check decodes every HTML body).

Settings: METAREFRESH_ENABLED, METAREFRESH_MAXDELAY, METAREFRESH_IGNORE_TAGS (Scrapy's); it
replaces the built-in middleware at the same order. Stats: `govaudit/meta_refresh_reload`.
"""

from __future__ import annotations

import re

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import Request, Response
from w3lib.url import canonicalize_url

_META_REFRESH = re.compile(rb"http-equiv\s*=\s*[\"']?\s*refresh", re.IGNORECASE)


class MovingMetaRefreshMiddleware(MetaRefreshMiddleware):
    def process_response(self, request: Request, response: Response) -> Request | Response:
        if not _META_REFRESH.search(response.body, 0, 65536):
            return response
        result = super().process_response(request, response)
        if isinstance(result, Request) and canonicalize_url(result.url) == canonicalize_url(
            request.url
        ):
            self.crawler.stats.inc_value("govaudit/meta_refresh_reload")
            return response  # a page reloading itself every few seconds, not a move
        return result
