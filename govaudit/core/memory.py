"""Memory a process no longer needs, given back to the system; and the collector's pace.

CPython keeps the memory of freed objects for reuse: a process that built something large
(the text checks' dictionaries, the crawl's state) and dropped it still holds most of it, and
the audit's peak is the sum of its processes. `give_back` collects the garbage and asks glibc to
return the free parts of its heap (`malloc_trim`); where there is no such call (musl, macOS)
only the collection happens.

`collect_less` sets the cyclic garbage collector's pace for a govaudit process. CPython collects
its youngest objects every 700 container allocations and the whole heap whenever the survivors
since the last full collection reach a quarter of it; on a crawl's growing heap (Scrapy's
scheduler, the spider's sets of URLs, then the checks' pages) the audit process spent 1.0 s of a
2,000-page audit's ~6 s and 12.5 s of a 20,000-page audit's ~56 s in collections, for almost
nothing freed (benchmarks/README.md, "Session 11"). Collected less often, the cycles that die
young are still freed at the next young collection; memory grew by ~15 MB at 20,000 pages.
Only the audit process collects less: the worker processes (the helper, the parse worker, the
attachment reader) spend little in collections at CPython's pace (the helper 0.6 s at 20,000
pages) and, collected less often, the helper and the reader each kept ~15 MB more.
"""

from __future__ import annotations

import ctypes
import gc

# (young collection every 50,000 net allocations, middle every 20 of those, full every 100 middle)
GC_THRESHOLDS = (50_000, 20, 100)


def collect_less() -> None:
    gc.set_threshold(*GC_THRESHOLDS)


def give_back() -> None:
    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
