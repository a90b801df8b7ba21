"""A second process for the audit's own work, so that the crawl and the checks use both cores.

During the crawl the machine's second core parses pages (crawler/page_parser.py) and the audit
process keeps the network; after it, the audit process would check and report alone. The
helper, a `crawler.worker_process` process, takes a share: during the crawl it writes the records into
the store (crawler/pipeline.py) and runs the text checks on them (govaudit/text_checks.py), after
it checks the attachments and writes the xlsx while the audit process runs the other checks and
the html. It starts before the crawl and imports the
checks and reports (`preload`) on the core the audit process leaves idle while it imports the
crawler.

Whatever the helper does, the audit process could do: a helper that cannot start or dies (killed,
out of memory, a bug in a check) only means the work is done here, so the results are the same.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from govaudit.crawler.worker_process import Worker

# The helper's work can wait a little, the crawl's cannot: when both cores are busy (the
# helper builds the text checks while the crawl starts), the scheduler favours the crawl and the
# parse worker. 2,000 pages, eight runs each in alternation: wall time 1.20 → 1.14 × the audit
# process's CPU time; 20,000 pages, where the second core has room, the same.
HELPER_NICENESS = 5


def preload() -> None:
    """Run in the helper first: what its later work imports, imported while the crawl runs."""
    os.nice(HELPER_NICENESS)
    import govaudit.checks  # noqa: F401  (and the store)
    import govaudit.reports.xlsx  # noqa: F401


class Helper:
    """`send(function, *args)` starts a module-level function in the helper process: a `Future`
    of its result (EOFError when the helper is gone), or None when there is no helper.
    `submit` is the same, but its result is computed here when the helper cannot."""

    def __init__(self) -> None:
        self._worker: Worker | None = None
        if (os.cpu_count() or 1) < 2:
            return  # one core: a second process would only compete with this one
        try:
            self._worker = Worker()
        except OSError:
            return
        self.send(preload)

    @property
    def running(self) -> bool:
        return self._worker is not None

    def send(self, function: Callable[..., Any], *args: Any) -> Future | None:
        if self._worker is None:
            return None
        return self._worker.submit(function.__module__, function.__name__, *args)

    def submit(self, function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        """The callable returned gives the result, from the helper or, failing that, from here."""
        future = self.send(function, *args)

        def result() -> Any:
            if future is not None:
                try:
                    return future.result()
                except EOFError:
                    self.close()
            return function(*args)

        return result

    def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.kill()
