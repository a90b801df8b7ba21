"""A second process for the audit's work after the crawl, so checks and reports use both cores.

During the crawl the machine's second core parses pages (crawler/page_parser.py); after it, the
audit process would check and report alone. The helper, a `crawler.worker` process, takes part of
that work: the text checks and the xlsx, while the audit process runs the other checks and the
html. It starts before the crawl and imports the checks and reports meanwhile (`preload`), on the
core the audit process does not use while it imports the crawler.

Whatever the helper does, the audit process could do: a helper that cannot start or dies (killed,
out of memory, a bug in a check) only means the work is done here, so the results are the same.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from crawler.worker import Worker


def preload() -> None:
    """Run in the helper first: what its later work imports, imported while the crawl runs."""
    import govaudit.audit  # noqa: F401  (checks, store)
    import reports.xlsx  # noqa: F401


class Helper:
    """`submit(function, *args)` runs a module-level function in the helper process; the
    callable it returns gives the result (or runs the function here, when the helper is gone).
    Results must be taken in the order of the submits."""

    def __init__(self) -> None:
        self._worker: Worker | None = None
        self._unanswered = 0  # answers to skip: those of `preload`
        if (os.cpu_count() or 1) < 2:
            return  # one core: a second process would only compete with this one
        try:
            self._worker = Worker()
            self._worker.send(__name__, preload.__name__)
            self._unanswered = 1
        except OSError:
            self.close()

    @property
    def running(self) -> bool:
        return self._worker is not None

    def submit(self, function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        if self._worker is not None:
            try:
                self._worker.send(function.__module__, function.__name__, *args)
            except OSError:
                self.close()
        sent = self._worker is not None

        def result() -> Any:
            if sent and self._worker is not None:
                try:
                    for _ in range(self._unanswered):
                        self._worker.receive()
                    self._unanswered = 0
                    return self._worker.receive()
                except (EOFError, OSError):
                    self.close()
            return function(*args)

        return result

    def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.kill()
