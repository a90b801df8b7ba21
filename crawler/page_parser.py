"""Parsing pages on the machine's second core: `crawler.extract.parse_page` in a worker process.

The crawl is CPU-bound (the benchmark's profile: parsing is most of a page's cost), so the crawl
process keeps networking and scheduling and a worker (`crawler.worker_process.AsyncWorker`) parses. Every
page is written to the worker at once, so 16 concurrent downloads never wait on one another's
round trip.

A small site never pays for a worker: the first `in_process_pages` pages are parsed inline, and
`workers = 0` (`crawl.parse_workers`) parses everything inline. The worker starts in the
background after a fifth of those pages (`warm_up`); until it is ready, pages are parsed inline
rather than waiting for it. Both cores parse: a page is also parsed inline when `backlog` pages
already wait for the worker (the event loop has CPU to spare while the worker is the bottleneck).
A worker that dies (killed, out of memory) or does not answer within `PARSE_TIMEOUT` is stopped
and not restarted: its pages and the rest are parsed inline (`fallbacks` counts them), so the
crawl never waits on it.
"""

from __future__ import annotations

import asyncio
from datetime import date

from govaudit.core.model import PageRecord
from govaudit.crawler.extract import parse_page
from govaudit.crawler.worker_process import AsyncWorker

# Pages parsed inline before the worker starts: a site this small is crawled before the worker
# has imported lxml (~0.3 s); after it, a page parsed inline waits for no pipe.
IN_PROCESS_PAGES = 50
# Seconds one page may take in the worker (queue included) before parsing falls back inline:
# parse_page takes milliseconds, so this only fires when the worker is stuck or gone.
PARSE_TIMEOUT = 30.0
# Pages waiting in the worker beyond which the next one is parsed inline: enough to keep the
# worker busy while the event loop is slow to read its answers, few enough that the event loop
# takes its share (benchmark crawls, 2,000 and 20,000 pages: 16 → 2.3 s and 25 s, 48 → 2.05 s and 23 s).
BACKLOG = 48


class PageParser:
    """`await parse(...)`: a `PageRecord`, parsed in the worker when there is one."""

    def __init__(
        self,
        workers: int = 1,
        in_process_pages: int = IN_PROCESS_PAGES,
        timeout: float = PARSE_TIMEOUT,
        backlog: int = BACKLOG,
    ) -> None:
        self.enabled = workers > 0
        self.in_process_pages = in_process_pages
        self.timeout = timeout
        self.backlog = backlog
        self.parsed = 0
        self.offloaded = 0
        self.fallbacks = 0  # pages sent to the worker but parsed inline after all
        self.worker = AsyncWorker()
        self._starting: asyncio.Task | None = None

    async def parse(
        self,
        url: str,
        body: bytes,
        content_type: str | None,
        charset: str | None,
        today: date | None = None,
    ) -> PageRecord:
        self.parsed += 1
        args = (url, body, content_type, charset, today)
        if self.parsed == self.in_process_pages // 5:
            self.warm_up()  # ready by the time the inline pages are done, without waiting
        if (
            not self.enabled
            or self.parsed <= self.in_process_pages
            or self.worker.in_flight >= self.backlog
            or self._warming()
        ):
            return parse_page(*args)
        try:
            if self._starting is None:
                self.warm_up()
            await asyncio.shield(self._starting)
            answer = self.worker.submit("govaudit.crawler.extract", "parse_page", *args)
            record = await asyncio.wait_for(answer, self.timeout)
            self.offloaded += 1
            return record
        except (OSError, EOFError, RuntimeError, TimeoutError):
            # The worker is gone or stuck: stop it (its other pages fail over too), parse here.
            self.fallbacks += 1
            self.enabled = False
            self.worker.kill()
            return parse_page(*args)

    def warm_up(self) -> None:
        """Start the worker now, in the background: pages parsed meanwhile are parsed inline
        rather than waiting ~0.3 s for its interpreter."""
        if self.enabled and self._starting is None:
            self._starting = asyncio.get_running_loop().create_task(self.worker.start())
            self._starting.add_done_callback(self._launched)

    async def ready(self) -> bool:
        """Wait until a worker that is starting has started; True when there is one."""
        if self._starting is not None:
            await asyncio.gather(self._starting, return_exceptions=True)
        return self.enabled and self.worker.process is not None

    def _warming(self) -> bool:
        return self._starting is not None and not self._starting.done()

    def _launched(self, task: asyncio.Task) -> None:
        if task.cancelled() or task.exception() is not None:
            self.enabled = False  # no worker: every page is parsed inline

    def close(self) -> None:
        """Stop the worker at the end of the crawl."""
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
        self.worker.kill()
