"""Memory a process no longer needs, given back to the system.

CPython keeps the memory of freed objects for reuse: a process that built something large
(the text checks' dictionaries, the crawl's state) and dropped it still holds most of it, and
the audit's peak is the sum of its processes. `give_back` collects the garbage and asks glibc to
return the free parts of its heap (`malloc_trim`); where there is no such call (musl, macOS)
only the collection happens.
"""

from __future__ import annotations

import ctypes
import gc


def give_back() -> None:
    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
