"""The audit process collects cyclic garbage at `GC_THRESHOLDS` (govaudit/core/memory.py): at
CPython's pace it spent a fifth of a large crawl in collections. The worker processes keep
CPython's pace: collected less often, they held more memory for little time saved."""

from __future__ import annotations

import gc

import pytest

from govaudit.cli import main
from govaudit.core.memory import GC_THRESHOLDS
from govaudit.crawler.worker_process import Worker


@pytest.fixture
def default_pace():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_the_command_line_sets_the_pace(default_pace, capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert gc.get_threshold() == GC_THRESHOLDS


def test_a_worker_process_keeps_cpythons_pace():
    worker = Worker()
    try:
        assert worker.call("gc", "get_threshold") == (700, 10, 10)
    finally:
        worker.kill()
