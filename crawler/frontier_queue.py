"""The scheduler's memory queue: requests waiting to be downloaded, kept as compact pickles.

A breadth-first crawl holds the whole next level of the site in Scrapy's scheduler: ~18,500
requests at once on the 20,000-page benchmark site. As `Request` objects (slots, a meta dict,
the Referer header Scrapy's RefererMiddleware sets, two bound methods, Scrapy's trackref entry)
they cost ~1.6 KB each; packed, ~0.5 KB. The crawl process's RSS during the crawl drops by ~10 MB
at that size (benchmarks/README.md, session 9). Unlike Scrapy's serialising disk queues
(`Request.to_dict` looks the callbacks up by name with `inspect.getmembers`: ~50 µs a request),
the callbacks stay as they are and only the rest is pickled: ~30 µs a request, push and pop
together (~0.8 s of CPU over the benchmark's 27,000 requests, within the crawl's noise).

A request that cannot be pickled (a subclass of `Request`, a meta value such as a browser page
object) is queued as it is. FIFO, like Scrapy's FifoMemoryQueue, within each priority.

Settings: SCHEDULER_MEMORY_QUEUE names it (crawler/settings.py).
"""

from __future__ import annotations

import pickle
from collections import deque
from typing import Any

from scrapy import Request

# What `Request(...)` takes besides its callbacks, in this order (Scrapy's `Request.attributes`
# less the two callables, which are kept beside the pickle).
_FIELDS = tuple(a for a in Request.attributes if a not in ("callback", "errback"))
_Packed = tuple[Any, Any, bytes]


class CompactFifoQueue:
    def __init__(self) -> None:
        self._queue: deque[_Packed | Request] = deque()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> CompactFifoQueue:
        return cls()

    def push(self, request: Request) -> None:
        self._queue.append(pack(request))

    def pop(self) -> Request | None:
        return unpack(self._queue.popleft()) if self._queue else None

    def peek(self) -> Request | None:
        return unpack(self._queue[0]) if self._queue else None

    def close(self) -> None:
        self._queue.clear()

    def __len__(self) -> int:
        return len(self._queue)


def pack(request: Request) -> _Packed | Request:
    """(callback, errback, pickle of the other fields), or the request itself."""
    if type(request) is not Request:
        return request
    try:
        values = tuple(_plain(request, name) for name in _FIELDS)
        fields = pickle.dumps(values, pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return request
    return (request.callback, request.errback, fields)


def _plain(request: Request, name: str) -> Any:
    # Headers as a plain dict: no class reference in every pickle.
    return dict(request.headers) if name == "headers" else getattr(request, name)


def unpack(packed: _Packed | Request) -> Request:
    if isinstance(packed, Request):
        return packed
    callback, errback, fields = packed
    values = dict(zip(_FIELDS, pickle.loads(fields), strict=True))
    return Request(callback=callback, errback=errback, **values)
