"""The audit process collects cyclic garbage at `GC_THRESHOLDS` (govaudit/core/memory.py): at
CPython's pace it spent a fifth of a large crawl in collections. The worker processes keep
CPython's pace: collected less often, they held more memory for little time saved."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from site_server import Reply, SiteServer

from govaudit.audit import EXIT_USAGE
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
    plain = subprocess.run(
        [sys.executable, "-c", "import gc; print(*gc.get_threshold())"], capture_output=True
    )
    worker = Worker()
    try:
        assert worker.call("gc", "get_threshold") == tuple(map(int, plain.stdout.split()))
    finally:
        worker.kill()


# Runs one audit in this process, counting the audit process's full collections.
_COUNTING_AUDIT = """
import gc, sys
full = []
gc.callbacks.append(lambda phase, info: phase == "stop" and info["generation"] == 2 and full.append(1))
from govaudit.cli import main
code = main(sys.argv[1:])
print("full collections:", len(full))
sys.exit(code)
"""


def test_the_crawls_state_is_collected_before_the_checks(tmp_path):
    """At the audit process's pace no full collection comes in a small audit: the crawl's cyclic
    state (Scrapy's engine, the spider's sets) would be kept through the checks and reports."""
    page = '<html><head><title>首页</title></head><body><a href="/a.html">甲</a></body></html>'
    profile = tmp_path / "site.toml"
    profile.write_text('[site]\nname = "测试"\n[crawl]\nobey_robots = false\n', encoding="utf-8")
    with SiteServer({"/": Reply(page), "/a.html": Reply(page)}) as site:
        done = subprocess.run(
            [sys.executable, "-c", _COUNTING_AUDIT, "audit", site.url + "/", "--quiet"]
            + ["--out", str(tmp_path / "out"), "--config", str(profile)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).resolve().parents[1],
        )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.rsplit("full collections:", 1)[1]) >= 1


def test_the_command_leaves_its_objects_to_the_exit():
    """`govaudit` freezes its heap once `main` returns: the collection at exit took 0.25-0.4 s
    after a 2,000-page audit. The exit status is main's."""
    code = (
        "import gc, sys, govaudit.cli\n"
        "sys.argv = ['govaudit']\n"
        "try:\n    govaudit.cli.run()\n"
        "except SystemExit as e:\n    print(gc.get_freeze_count() > 0, e.code)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["True", str(EXIT_USAGE)]
