"""The shipped schedules: systemd units pass `systemd-analyze verify`; the cron line, run by hand,
audits and lets `flock -n` turn away a second run while the first one is going."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from site_server import Reply, SiteServer

REPO = Path(__file__).resolve().parents[1]
UNITS = REPO / "deploy" / "systemd"
CRON = REPO / "deploy" / "cron" / "govaudit.cron"
GOVAUDIT = Path(sys.executable).parent / "govaudit"  # the venv's console script


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_units_verify(tmp_path):
    for unit in ("govaudit@.service", "govaudit@.timer"):
        text = (UNITS / unit).read_text(encoding="utf-8")
        # verify insists that ExecStart's program exists: point it at this checkout's venv.
        text = text.replace("/opt/govaudit/.venv/bin/govaudit", str(GOVAUDIT))
        (tmp_path / unit.replace("@", "@portal")).write_text(text, encoding="utf-8")
    service = (UNITS / "govaudit@.service").read_text(encoding="utf-8")
    timer = (UNITS / "govaudit@.timer").read_text(encoding="utf-8")
    assert "--site %i" in service and "Type=oneshot" in service
    assert "Persistent=true" in timer and "RandomizedDelaySec=" in timer
    done = subprocess.run(
        ["systemd-analyze", "verify", "govaudit@portal.service", "govaudit@portal.timer"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # verify exits 0 even on unknown keys: its warnings are the failures.
    assert done.returncode == 0 and done.stderr == "" and done.stdout == "", done.stderr


def cron_command(lib: Path, profile: Path) -> str:
    line = next(
        ln for ln in CRON.read_text(encoding="utf-8").splitlines() if ln and ln[0].isdigit()
    )
    command = line.split(None, 6)[6]  # m h dom mon dow user command (/etc/cron.d format)
    return (
        command.replace("/opt/govaudit/.venv/bin/govaudit", str(GOVAUDIT))
        .replace("/etc/govaudit/sites.toml", str(profile))
        .replace("/var/lib/govaudit", str(lib))
    )


@pytest.mark.skipif(shutil.which("flock") is None, reason="no flock here")
def test_cron_line_runs_and_flock_refuses_an_overlapping_run(tmp_path):
    page = "<html><head><title>慢页面</title></head><body><p>内容</p></body></html>"
    routes = {f"/p{i}.html": Reply(page, delay=0.4) for i in range(6)}
    links = "".join(f'<a href="/p{i}.html">页面{i}</a>' for i in range(6))
    routes["/"] = Reply(f"<html><head><title>首页</title></head><body>{links}</body></html>")
    with SiteServer(routes) as site:
        profile = tmp_path / "sites.toml"
        profile.write_text(
            "[defaults.crawl]\nconcurrency = 1\ndownload_delay = 0\n"
            f'[sites.slow.site]\nstart_urls = ["{site.url}/"]\n',
            encoding="utf-8",
        )
        lib = tmp_path / "lib"
        lib.mkdir()
        command = cron_command(lib, profile)
        first = subprocess.Popen(["sh", "-c", command], stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while not (lib / "out" / "govaudit.db").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        second = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=30)
        still_running = first.poll() is None
        _, first_err = first.communicate(timeout=120)
        third = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=120)
    assert still_running
    assert second.returncode == 1 and second.stdout == second.stderr == ""  # flock -n: busy
    assert first.returncode == 0, first_err
    assert third.returncode == 0, third.stderr  # the lock is free again once the run ended
    with sqlite3.connect(lib / "out" / "govaudit.db") as conn:
        audits = conn.execute("SELECT site, status FROM audits").fetchall()
    assert audits == [("slow", "finished"), ("slow", "finished")]  # two runs, not three
    log = (lib / "out" / "govaudit.log").read_text(encoding="utf-8")
    assert log.count("[slow] 开始审计") == 2
    assert (lib / "out" / "slow" / "findings.json").exists()
