"""Parsing pages on the machine's second core: `crawler.extract.parse_page` in a worker process.

The crawl is CPU-bound in one process (the benchmark's profile: Scrapy's per-request work and
parsing take most of a core), so the reactor process keeps networking and scheduling and a worker
parses. The worker is the attachment reader's (`crawler.attachment_worker`, started as a plain
subprocess for the reasons given in `crawler.attachment_reader`), but requests are pipelined:
every page is written to the worker's stdin at once through the event loop's non-blocking pipes
and the answers come back in order, so 16 concurrent downloads never wait on one another's
round trip and no thread of ours competes for the GIL.

A small site never pays for a worker: the first `in_process_pages` pages are parsed inline, and
`workers = 0` (`crawl.parse_workers`) parses everything inline. A worker that dies (killed, out
of memory) is not restarted: its pages and the rest are parsed inline.
"""

from __future__ import annotations

import asyncio
import pickle
from collections import deque
from typing import Any

from crawler.attachment_reader import start_worker
from crawler.attachment_worker import HEADER
from crawler.extract import parse_page
from govaudit.core.model import PageRecord

# Pages parsed inline before the worker starts (it takes ~0.3 s to start; a small site is done
# by then).
IN_PROCESS_PAGES = 200


class PageParser:
    """`await parse(...)`: a `PageRecord`, parsed in the worker when there is one."""

    def __init__(self, workers: int = 1, in_process_pages: int = IN_PROCESS_PAGES) -> None:
        self.enabled = workers > 0
        self.in_process_pages = in_process_pages
        self.parsed = 0
        self.offloaded = 0
        self._process: Any = None
        self._transport: asyncio.WriteTransport | None = None
        self._pending: deque[asyncio.Future] = deque()
        self._reader_task: asyncio.Task | None = None
        self._starting: asyncio.Future | None = None

    async def parse(
        self, url: str, body: bytes, content_type: str | None, charset: str | None
    ) -> PageRecord:
        self.parsed += 1
        args = (url, body, content_type, charset)
        if not self.enabled or self.parsed <= self.in_process_pages:
            return parse_page(*args)
        try:
            if self._transport is None:
                await self._start()
            future = asyncio.get_running_loop().create_future()
            self._pending.append(future)
            data = pickle.dumps(
                ("crawler.extract", "parse_page", args), protocol=pickle.HIGHEST_PROTOCOL
            )
            self._transport.write(HEADER.pack(len(data)) + data)
            record = await future
            self.offloaded += 1
            return record
        except (OSError, EOFError, asyncio.IncompleteReadError, RuntimeError):
            self.enabled = False  # the worker is gone: parse here from now on
            return parse_page(*args)

    async def _start(self) -> None:
        if self._starting is not None:  # another page started it: wait for the same start
            await self._starting
            return
        loop = asyncio.get_running_loop()
        self._starting = loop.create_future()
        try:
            self._process = start_worker()
            reader = asyncio.StreamReader(limit=2**31)
            await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(reader), self._process.stdout
            )
            transport, _ = await loop.connect_write_pipe(asyncio.Protocol, self._process.stdin)
            self._transport = transport
            self._reader_task = loop.create_task(self._read(reader))
            self._starting.set_result(None)
        except BaseException as exc:
            self._starting.set_exception(RuntimeError(f"parse worker did not start: {exc}"))
            self._starting.exception()  # retrieved: no "never retrieved" warning
            raise RuntimeError(f"parse worker did not start: {exc}") from exc

    async def _read(self, reader: asyncio.StreamReader) -> None:
        """Answers in request order: each one resolves the oldest pending page."""
        try:
            while True:
                header = await reader.readexactly(HEADER.size)
                (size,) = HEADER.unpack(header)
                record = pickle.loads(await reader.readexactly(size))
                future = self._pending.popleft()
                if not future.done():
                    future.set_result(record)
        except (asyncio.IncompleteReadError, OSError) as exc:
            self.enabled = False
            while self._pending:
                future = self._pending.popleft()
                if not future.done():
                    future.set_exception(EOFError(f"parse worker exited: {exc}"))

    def close(self) -> None:
        """Stop the worker at the end of the crawl."""
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
