"""The page parser's worker process gives the records inline parsing gives, and fails safe."""

from __future__ import annotations

import asyncio

from govaudit.crawler.extract import parse_page
from govaudit.crawler.page_parser import PageParser

BASE = "http://127.0.0.1:8000"


def _html(i: int) -> bytes:
    """A list page; odd ones state no date, their items dated by their URLs alone."""
    rows = "".join(
        f'<li><a href="/tzgg/202405/t202405{n + 1:02d}_{i}.html">关于第{n}项工作的通知</a></li>'
        if i % 2
        else f'<li><a href="/tzgg/{i}_{n}.html">关于第{n}项工作的通知</a><span>2024-05-{n + 1:02d}</span></li>'
        for n in range(12)
    )
    return (
        '<html><head><meta charset="gb2312"><title>通知公告 - 临江市人社局</title></head><body>'
        f'<div class="nav"><a href="/">首页</a></div><ul>{rows}</ul>'
        f'<a href="/tzgg/index_{i + 1}.html">下一页</a></body></html>'
    ).encode("gbk")


def _pages(n: int) -> list[tuple[str, bytes, str, None]]:
    return [(f"{BASE}/tzgg/index_{i}.html", _html(i), "text/html", None) for i in range(n)]


def test_worker_records_equal_inline_records():
    pages = _pages(30)

    async def run() -> tuple[list, int]:
        parser = PageParser(workers=1, in_process_pages=5, backlog=100)
        try:
            first = [await parser.parse(*p) for p in pages[:5]]  # the worker starts meanwhile
            assert parser.offloaded == 0 and await parser.ready()
            rest = await asyncio.gather(*(parser.parse(*p) for p in pages[5:]))
        finally:
            parser.close()
        return [*first, *rest], parser.offloaded

    records, offloaded = asyncio.run(run())
    assert offloaded == 25  # the first five inline, the rest pipelined to the worker
    assert records == [parse_page(*p) for p in pages]
    assert records[3].list_items and records[3].links
    # where each item's date was read crosses the pipe too
    assert {i.date_from for i in records[3].list_items} == {"url"}
    assert {i.date_from for i in records[4].list_items} == {"list"}


def test_a_busy_worker_shares_the_pages_with_the_event_loop():
    pages = _pages(30)

    async def run() -> tuple[list, int]:
        parser = PageParser(workers=1, in_process_pages=0, backlog=3)
        parser.warm_up()
        try:
            assert await parser.ready()
            records = await asyncio.gather(*(parser.parse(*p) for p in pages))
        finally:
            parser.close()
        return records, parser.offloaded

    records, offloaded = asyncio.run(run())
    assert offloaded == 3  # 30 pages at once: three wait in the worker, the rest parsed inline
    assert records == [parse_page(*p) for p in pages]


def test_pages_are_parsed_inline_while_the_worker_starts():
    pages = _pages(8)

    async def run() -> tuple[list, PageParser]:
        parser = PageParser(workers=1, in_process_pages=0)
        parser.warm_up()
        records = [await parser.parse(*p) for p in pages]  # none waits ~0.3 s for the worker
        started = await parser.ready()
        parser.close()
        return records, parser, started

    records, parser, started = asyncio.run(run())
    assert started and parser.offloaded == 0
    assert records == [parse_page(*p) for p in pages]


def test_dead_worker_falls_back_to_inline_parsing():
    pages = _pages(6)

    async def run() -> tuple[list, int]:
        parser = PageParser(workers=1, in_process_pages=0)
        first = await parser.parse(*pages[0])
        parser.worker.process.kill()
        rest = await asyncio.gather(*(parser.parse(*p) for p in pages[1:]))
        parser.close()
        return [first, *rest], parser.offloaded

    records, offloaded = asyncio.run(run())
    assert offloaded == 1
    assert records == [parse_page(*p) for p in pages]


def test_no_workers_parses_inline():
    async def run() -> PageParser:
        parser = PageParser(workers=0, in_process_pages=0)
        await parser.parse(*_pages(1)[0])
        return parser

    parser = asyncio.run(run())
    assert parser.offloaded == 0 and parser.worker.process is None


def test_stuck_worker_times_out_and_pages_are_parsed_inline():
    import os
    import signal

    pages = _pages(5)

    async def run() -> tuple[list, PageParser]:
        parser = PageParser(workers=1, in_process_pages=0)
        first = await parser.parse(*pages[0])  # the worker's start-up within the usual bound
        parser.timeout = 0.5
        os.kill(parser.worker.process.pid, signal.SIGSTOP)  # alive but never answers
        rest = await asyncio.gather(*(parser.parse(*p) for p in pages[1:]))
        parser.close()
        return [first, *rest], parser

    records, parser = asyncio.run(run())
    assert records == [parse_page(*p) for p in pages]
    assert parser.offloaded == 1 and parser.fallbacks == 4 and parser.worker.process is None
