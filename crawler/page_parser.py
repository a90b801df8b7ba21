"""Parsing pages on the machine's second core: `crawler.extract.parse_page` in a worker process.

The crawl is CPU-bound (the benchmark's profile: parsing is most of a page's cost), so the crawl
process keeps networking and scheduling and a worker parses. The worker is the attachment
reader's (`crawler.attachment_worker`, started as a plain subprocess for the reasons given in
`crawler.attachment_reader`), but requests are pipelined:
every page is written to the worker's stdin at once through the event loop's non-blocking pipes
and each answer carries the number of its request, so 16 concurrent downloads never wait on one
another's round trip, no thread of ours competes for the GIL, and an answer can never be taken
for another page's.

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
import itertools
import pickle
from datetime import date
from typing import Any

from crawler.attachment_worker import HEADER
from crawler.extract import parse_page
from govaudit.core.model import PageRecord

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


def parse_tagged(tag: int, *args: Any) -> tuple[int, PageRecord]:
    """What the worker runs: `parse_page(*args)` with the number of the request it answers."""
    return tag, parse_page(*args)


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
        self._process: Any = None
        self._transport: asyncio.WriteTransport | None = None
        self._pending: dict[int, asyncio.Future] = {}
        self._tags = itertools.count()
        self._reader_task: asyncio.Task | None = None
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
            or len(self._pending) >= self.backlog
            or self._warming()
        ):
            return parse_page(*args)
        tag = next(self._tags)
        try:
            future = asyncio.get_running_loop().create_future()
            self._pending[tag] = future  # counted in the backlog from now on
            if self._transport is None:
                await self._start()
            request = ("crawler.page_parser", "parse_tagged", (tag, *args))
            data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
            self._transport.write(HEADER.pack(len(data)) + data)
            record = await asyncio.wait_for(future, self.timeout)
            self.offloaded += 1
            return record
        except (OSError, EOFError, RuntimeError, TimeoutError):
            # The worker is gone or stuck: stop it (its other pages fail over too), parse here.
            self.fallbacks += 1
            self.enabled = False
            self._stop_worker()
            return parse_page(*args)
        finally:
            self._pending.pop(tag, None)

    def warm_up(self) -> None:
        """Start the worker now, in the background: pages parsed meanwhile are parsed inline
        rather than waiting ~0.3 s for its interpreter."""
        if self.enabled and self._starting is None:
            self._starting = asyncio.get_running_loop().create_task(self._launch())
            self._starting.add_done_callback(self._launched)

    async def ready(self) -> bool:
        """Wait until a worker that is starting has started; True when there is one."""
        if self._starting is not None:
            await asyncio.gather(self._starting, return_exceptions=True)
        return self.enabled and self._transport is not None

    def _warming(self) -> bool:
        return self._starting is not None and not self._starting.done()

    async def _start(self) -> None:
        """The worker started (once, whoever asks first); RuntimeError when it cannot start."""
        self.warm_up()
        await asyncio.shield(self._starting)

    def _launched(self, task: asyncio.Task) -> None:
        if task.cancelled() or task.exception() is not None:
            self.enabled = False  # no worker: every page is parsed inline

    async def _launch(self) -> None:
        from crawler.attachment_reader import start_worker  # not in the worker: it parses only

        loop = asyncio.get_running_loop()
        try:
            self._process = start_worker()
            reader = asyncio.StreamReader(limit=2**31)
            await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(reader), self._process.stdout
            )
            transport, _ = await loop.connect_write_pipe(asyncio.Protocol, self._process.stdin)
            self._transport = transport
            self._reader_task = loop.create_task(self._read(reader))
        except BaseException as exc:
            raise RuntimeError(f"parse worker did not start: {exc}") from exc

    async def _read(self, reader: asyncio.StreamReader) -> None:
        """Answers as they come: each resolves the page whose number it carries."""
        try:
            while True:
                header = await reader.readexactly(HEADER.size)
                (size,) = HEADER.unpack(header)
                tag, record = pickle.loads(await reader.readexactly(size))
                future = self._pending.get(tag)
                if future is not None and not future.done():
                    future.set_result(record)
        except Exception as exc:  # EOF, or anything unexpected: no page may wait on a dead reader
            self.enabled = False
            for future in list(self._pending.values()):
                if not future.done():
                    future.set_exception(EOFError(f"parse worker exited: {exc}"))

    def close(self) -> None:
        """Stop the worker at the end of the crawl."""
        self._stop_worker()

    def _stop_worker(self) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(EOFError("parse worker stopped"))
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
        if self._reader_task is not None:
            self._reader_task.cancel()
        if self._transport is not None:
            self._transport.close()
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()
        self._process = self._transport = self._reader_task = None
