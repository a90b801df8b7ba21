"""The benchmark's memory of a process tree: a child between its fork and its exec counts once."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

# benchmarks/ is not an installed package (it is not part of govaudit): import it from the checkout.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.crawl import _tree_rss_kb  # noqa: E402

# A parent holding 60 MB that forks one child which never execs and starts one that does.
PARENT = """
import os, subprocess, sys, time
ballast = bytearray(60 * 2**20)
ballast[::4096] = b"x" * len(ballast[::4096])
forked = os.fork()
if forked == 0:
    time.sleep(30)
    os._exit(0)
execed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
print(forked, execed.pid, flush=True)
time.sleep(30)
"""


def test_a_child_not_yet_execed_is_not_counted_twice():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    forked = execed = None
    try:
        forked, execed = map(int, parent.stdout.readline().split())
        time.sleep(0.5)  # the exec'd child's interpreter is up
        parts = _tree_rss_kb(parent.pid)
        assert set(parts) == {parent.pid, forked, execed}
        assert parts[parent.pid] > 60 * 1024
        assert parts[forked] == 0
        assert 0 < parts[execed] < 60 * 1024
    finally:
        for child in (forked, execed):
            if child is not None:
                with contextlib.suppress(OSError):
                    os.kill(child, signal.SIGKILL)
        parent.kill()
        parent.wait()
