"""An exclusive lock on an open file, released when the file is closed or the process dies.

POSIX: `flock`. Windows (the offices' own PCs): `msvcrt.locking` on the file's first byte, which
Windows enforces (another process cannot read that byte while it is held: see `holder_pid`).
"""

from __future__ import annotations

import os
import time
from typing import IO

_WINDOWS = os.name == "nt"


def lock_exclusive(fh: IO, *, wait: bool = True) -> None:
    """Hold `fh` exclusively; without `wait`, BlockingIOError when another process holds it."""
    if not _WINDOWS:
        import fcntl

        fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        return
    import msvcrt

    while True:
        fh.seek(0)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            return
        except OSError:
            if not wait:
                raise BlockingIOError("locked by another process") from None
            time.sleep(0.05)


def holder_pid(fh: IO) -> str:
    """The process id a lock holder wrote into the file, or "" when it cannot be read."""
    try:
        fh.seek(0)
        return fh.read().strip()
    except OSError:  # Windows: the holder's locked byte cannot be read
        return ""
