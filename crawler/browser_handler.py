"""The audit's HTTP handler (crawler/http_handler.py), with scrapy-playwright's imported and
started at the first page that needs the browser.

`ScrapyPlaywrightDownloadHandler` starts the playwright driver (a node process) when the engine
starts, and importing it (playwright's protocol tables) costs the crawl ~0.3 s before its first
request. Most audits render no page at all (crawler/render.py asks the browser only for lists a
script fills): this handler is the audit's HTTP one for every request, and builds and launches
scrapy-playwright's, and through it chromium, with the first request that carries
`meta["playwright"]`. Rendering needs scrapy-playwright (the `browser` extra).
"""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy import signals

from govaudit.crawler.http_handler import AuditHttpHandler


class LazyPlaywrightHandler(AuditHttpHandler):
    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._browser: Any = None  # scrapy-playwright's handler, once a page needed it
        self._starting = asyncio.Lock()

    async def download_request(self, request: Any) -> Any:
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        return await (await self._browser_handler()).download_request(request)

    async def _browser_handler(self) -> Any:
        async with self._starting:
            if self._browser is None:
                from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

                handler = ScrapyPlaywrightDownloadHandler(self._crawler)
                for receiver in (handler._maybe_launch_in_thread, handler._engine_started):
                    self._crawler.signals.disconnect(receiver, signal=signals.engine_started)
                await handler._launch()
                self._browser = handler
            return self._browser

    async def close(self) -> None:
        await super().close()
        if self._browser is not None:
            await self._browser.close()
