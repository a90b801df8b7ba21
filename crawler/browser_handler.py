"""scrapy-playwright's download handler, starting playwright at the first page that needs it.

`ScrapyPlaywrightDownloadHandler` starts the playwright driver (a node process) when the engine
starts. Most audits render no page at all (crawler/render.py asks the browser only for lists a
script fills): this subclass starts the driver, and through it chromium, with the first request
that carries `meta["playwright"]`. Every other request goes through Scrapy's HTTP handler, as with
the parent. Importing this module needs scrapy-playwright (the `browser` extra).
"""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy import signals
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler


class LazyPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        for receiver in (self._maybe_launch_in_thread, self._engine_started):
            crawler.signals.disconnect(receiver, signal=signals.engine_started)
        self._launched = False
        self._launch_lock = asyncio.Lock()

    async def _download_request(self, request: Any, spider: Any = None) -> Any:
        if not self._launched:
            async with self._launch_lock:
                if not self._launched:
                    await self._launch()
                    self._launched = True
        return await super()._download_request(request, spider)
