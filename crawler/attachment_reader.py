"""Reading the site's own attachments during the crawl, off the event loop's thread.

The spider fetches internal attachments (`READ_EXTENSIONS`) with GET and hands the bytes to an
`AttachmentReader`, which runs `crawler.attachments.extract_attachment` in one worker process:

- a process, not a thread: the readers (pypdf, openpyxl, python-docx, xlrd) are pure Python and
  hold the GIL, so a thread would still slow the crawl, and a thread stuck on a pathological pdf
  can be neither interrupted nor killed. A process (`crawler.worker_process`) is killed on timeout and a
  fresh one started.
- one worker, one file at a time (an asyncio lock), so the timeout measures the file's own
  extraction and not its wait in the queue; the crawl itself stays concurrent. The worker starts
  once (~0.3 s) and then costs a pipe round trip per file, awaited on the event loop.
  `in_hand` counts the files waiting for it or being read, and `room(bound)` waits until fewer
  than `bound` are: crawler/attachment_backlog.py fetches attachments no faster than they are read.

Its own process, not the parse worker's (measured at 20,000 pages, benchmarks/README.md session
9): it costs ~38 MB of RSS from the first attachment to the end of the crawl, and none after,
when the audit's peak comes (checks and reports). Sharing the parse worker would save those
38 MB during the crawl only, but a hostile file that hangs or kills the worker would take page
parsing with it (PageParser falls back inline for the rest of the crawl), and every extraction
(~7 ms, up to EXTRACT_TIMEOUT) would hold up the pages queued behind it. Stopping it when idle
saves nothing on a site whose attachments come all through the crawl (the benchmark's: busy from
the 14th second to the end), and it never starts on a site without attachments.

The result becomes the record's `text`, `title` and `meta` (`attachment_meta`); the word and
privacy checks read those (checks/site_texts.py).

Timeout: EXTRACT_TIMEOUT seconds per file (60); the readers' own time bound is half of it, so a
long file is cut short (meta `truncated`) before the process has to be killed.
Stats: `govaudit/attachments/read`, `govaudit/attachments/unreadable[/<reason>]`,
`govaudit/attachments/extract_seconds`.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import deque
from pathlib import PurePosixPath
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from govaudit.core.locations import dump_locations
from govaudit.crawler.attachments import AttachmentText, Limits, sniff_format
from govaudit.crawler.worker_process import AsyncWorker

# Formats whose text the audit reads (issue 10); other resources are only checked with HEAD.
READ_EXTENSIONS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "rtf"})
EXTRACT_TIMEOUT = 60.0


def is_readable_attachment(url: str) -> bool:
    """Whether the URL names a document the audit reads (by the extension of its path)."""
    suffix = PurePosixPath(unquote(urlsplit(url).path)).suffix.lower().lstrip(".")
    return suffix in READ_EXTENSIONS


_FILENAME_STAR = re.compile(r"filename\*\s*=\s*([\w-]*)'[^']*'([^;]+)", re.IGNORECASE)
_FILENAME = re.compile(r'filename\s*=\s*(?:"([^"]*)"|([^;]+))', re.IGNORECASE)
_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


def download_name(disposition: str | None) -> str | None:
    """The file name of a `Content-Disposition` header (given as the Latin-1 text of its bytes):
    `filename*` (RFC 6266), else `filename`, percent-decoded, as UTF-8 or else GB18030 (Chinese
    servers send raw GBK bytes); None without one."""
    if not disposition:
        return None
    star = _FILENAME_STAR.search(disposition)
    if star:
        raw = unquote_to_bytes(star.group(2).strip())
        charset = star.group(1) or "utf-8"
    else:
        plain = _FILENAME.search(disposition)
        if not plain:
            return None
        value = (plain.group(1) if plain.group(1) is not None else plain.group(2)).strip()
        raw = unquote_to_bytes(value.encode("latin-1", "replace"))
        charset = "utf-8"
    name = None
    for encoding in (charset, "gb18030"):
        try:
            text = raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
        # Short GBK names can be valid UTF-8 too (通知 → U+0368 U+05AA): a name is taken as
        # UTF-8 when it is ASCII or holds Chinese, else GB18030 is tried.
        if text.isascii() or _CJK.search(text) or encoding == "gb18030":
            name = text
            break
    name = name or raw.decode("latin-1")
    return PurePosixPath(name.replace("\\", "/")).name or None


def is_readable_download(content_type: str | None, name: str | None) -> bool:
    """Whether a response from a script URL (`downfile.jsp?id=…`) is a document the audit reads:
    by the name it is downloaded as, else by its content type."""
    if name and PurePosixPath(name).suffix.lower().lstrip(".") in READ_EXTENSIONS:
        return True
    return sniff_format(b"", "", content_type) in READ_EXTENSIONS


def attachment_title(anchor: str, url: str) -> str:
    """The name staff know the file by: the link's text, else the file name in the URL."""
    anchor = " ".join(anchor.split())
    if anchor:
        return anchor[:200]
    return PurePosixPath(unquote(urlsplit(url).path)).name or url


def attachment_meta(result: AttachmentText) -> dict[str, str]:
    """The record's `meta` for an extracted attachment (meta values are strings)."""
    meta = {"format": result.format}
    if result.reason is None:
        meta["locations"] = dump_locations(result.locations)
    else:
        meta["unreadable"] = result.reason
    if result.detail:
        meta["unreadable_detail" if result.reason else "extract_detail"] = result.detail
    if result.truncated:
        meta["truncated"] = result.truncated
    return meta


def too_large_meta(url: str, size: int | None, bound: int) -> dict[str, str]:
    """The record's `meta` for an attachment over the download bound: not read, and why."""
    shown = f"{size} 字节" if size is not None else "服务器未给出 Content-Length，下载被截断"
    return {
        "format": sniff_format(b"", url),
        "unreadable": "too_large",
        "unreadable_detail": f"{shown}；上限 max_resource_bytes = {bound}",
    }


class AttachmentReader:
    """One worker process extracting one attachment at a time, with a hard timeout per file.

    `extractor` ("module:function", called with (url, body, content_type, limits)) is for tests."""

    def __init__(
        self,
        timeout: float = EXTRACT_TIMEOUT,
        extractor: str = "govaudit.crawler.attachments:extract_attachment",
        limits: Limits | None = None,
    ) -> None:
        self.timeout = timeout
        self.extractor = extractor
        self.limits = limits or Limits(max_seconds=timeout / 2)
        self._worker: AsyncWorker | None = None
        self._lock: asyncio.Lock | None = None  # made in the running loop
        self.in_hand = 0  # files waiting for the worker or being read
        self.most_in_hand = 0
        self._room: deque[asyncio.Future[None]] = deque()  # `room` callers, oldest first

    async def read(
        self, url: str, body: bytes, content_type: str | None
    ) -> tuple[AttachmentText, float]:
        """(the extraction's result, its seconds); never raises for a bad or slow file."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        self.in_hand += 1
        self.most_in_hand = max(self.most_in_hand, self.in_hand)
        try:
            return await self._read_alone(url, body, content_type)
        finally:
            # Counted by the call's own lifetime: no path out of it leaves the count behind.
            self.in_hand -= 1
            self._wake()

    async def room(self, bound: int) -> None:
        """Return once fewer than `bound` files are in the reader's hands (at once if so)."""
        while self.in_hand >= bound:
            waiter = asyncio.get_running_loop().create_future()
            self._room.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._wake()  # woken, then cancelled: the turn goes to the next caller
                raise

    def _wake(self) -> None:
        """A file left the reader's hands: the oldest `room` caller checks again."""
        while self._room:
            waiter = self._room.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def _read_alone(
        self, url: str, body: bytes, content_type: str | None
    ) -> tuple[AttachmentText, float]:
        assert self._lock is not None
        async with self._lock:
            started = time.monotonic()
            try:
                if self._worker is None:
                    self._worker = AsyncWorker()
                    await self._worker.start()
                module, function = self.extractor.split(":")
                answer = self._worker.submit(module, function, url, body, content_type, self.limits)
                result = await asyncio.wait_for(answer, self.timeout)
            except TimeoutError:
                self.close()  # the worker may be stuck in one page: kill it, start afresh
                result = AttachmentText(
                    reason="timeout",
                    format=sniff_format(body, url, content_type),
                    detail=f"提取文字超过 {self.timeout:g} 秒",
                )
            except (EOFError, OSError, RuntimeError) as exc:  # the reader died (memory?)
                self.close()
                result = AttachmentText(
                    reason="corrupt",
                    format=sniff_format(body, url, content_type),
                    detail=f"读取进程意外退出（{exc}）"[:200],
                )
            return result, time.monotonic() - started

    def close(self) -> None:
        """Stop the worker (at the end of the crawl, or when it is stuck)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.kill()
