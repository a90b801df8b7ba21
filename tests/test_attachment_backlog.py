"""The attachment backlog (crawler/attachment_backlog.py): attachments are fetched no faster than
the reader reads them, every one is still read, and Ctrl-C still stops the crawl promptly.

The crawls are the real CLI in a subprocess against a 127.0.0.1 site whose one page links many
real PDFs, each slow enough to read (twenty pages of text, a few tens of ms) that downloads
outrun the reader, as on the last level of a breadth-first crawl.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from site_server import Reply, SiteServer
from test_attachments import make_pdf
from test_attachments_e2e import SLOW_READER

from govaudit.core.store import Store
from govaudit.crawler.attachment_reader import AttachmentReader

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2024-06-01"
FILES = 60
# `concurrency = 4`: Scrapy's CONCURRENT_REQUESTS is then 16 (crawler/settings.py), the most
# requests that can pass the gate while the reader's hands are not yet full; a few responses
# on their way from the downloader to the reader may come on top.
CONCURRENT_REQUESTS = 16
SLACK = 4
PROFILE = """
[site]
name = "测试市政府"
[crawl]
concurrency = 4
download_delay = 0.0
obey_robots = false
retries = 0
"""


def attachment(i: int) -> bytes:
    pages = [
        [f"Attachment {i} page {p} line {n} of the notice" for n in range(30)] for p in range(20)
    ]
    return make_pdf([[("ascii", line) for line in page] for page in pages])


def site_routes() -> dict[str, Reply]:
    links = "".join(f'<a href="/files/{i}.pdf">附件{i}</a>' for i in range(FILES))
    routes = {
        "/": Reply('<html><title>首页</title><body><a href="/gk.html">公开</a></body></html>'),
        "/gk.html": Reply(f"<html><title>信息公开</title><body>发布日期：2024-03-01{links}"),
    }
    for i in range(FILES):
        routes[f"/files/{i}.pdf"] = Reply(attachment(i), content_type="application/pdf")
    return routes


def audit_command(url: str, out: Path, profile: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "govaudit.cli",
        "audit",
        url + "/",
        "--out",
        str(out),
        "--config",
        str(profile),
        "--as-of",
        AS_OF,
        "--quiet",
        "--no-screenshots",
        *extra,
    ]


def profile_with(tmp: Path, backlog: int) -> Path:
    path = tmp / f"site-{backlog}.toml"
    scrapy = f"[crawl.scrapy]\nGOVAUDIT_ATTACHMENT_BACKLOG = {backlog}\n"
    path.write_text(PROFILE + scrapy, encoding="utf-8")
    return path


def attachment_records(db: Path) -> dict[str, tuple]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT url, text, meta FROM pages WHERE url LIKE '%/files/%' ORDER BY url"
        ).fetchall()
    return {url: (text, json.loads(meta)) for url, text, meta in rows}


def crawl_stats(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))["crawl_stats"]


def test_a_bounded_backlog_reads_every_attachment_as_an_unbounded_one(tmp_path):
    with SiteServer(site_routes()) as site:
        runs = {}
        for backlog in (0, 2):  # 0: no bound, the crawl as it was
            out = tmp_path / f"out-{backlog}"
            command = audit_command(site.url, out, profile_with(tmp_path, backlog))
            done = subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=REPO)
            assert done.returncode == 0, done.stderr[-2000:]
            runs[backlog] = (crawl_stats(out), attachment_records(out / "govaudit.db"))
        hits = [site.count("GET", f"/files/{i}.pdf") for i in range(FILES)]
    assert hits == [2] * FILES  # once a crawl
    unbounded, bounded = runs[0], runs[2]
    # Without the bound the downloads outrun the reader: the backlog the bound is for.
    assert unbounded[0]["govaudit/attachments/most_in_hand"] > 2 + CONCURRENT_REQUESTS + SLACK
    assert "govaudit/attachments/held" not in unbounded[0]
    assert bounded[0]["govaudit/attachments/held"] > 0
    assert bounded[0]["govaudit/attachments/most_in_hand"] <= 2 + CONCURRENT_REQUESTS + SLACK
    assert bounded[0]["govaudit/attachments/read"] == FILES
    # Every attachment read, and read the same, with and without the bound.
    assert len(bounded[1]) == FILES and bounded[1] == unbounded[1]
    for i in range(FILES):
        text, meta = bounded[1][f"{site.url}/files/{i}.pdf"]
        assert f"Attachment {i} page 19 line 29" in text and meta["format"] == "pdf"
        assert "unreadable" not in meta


def test_ctrl_c_in_the_backlog_stops_promptly_and_the_audit_resumes_without_loss(tmp_path):
    profile = profile_with(tmp_path, 2)
    out = tmp_path / "out"
    with SiteServer(site_routes()) as site:
        proc = subprocess.Popen(
            audit_command(site.url, out, profile),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        # Stop it while attachments wait for the reader: some fetched, many still to come.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            if sum(site.count("GET", f"/files/{i}.pdf") for i in range(FILES)) >= 8:
                break
            time.sleep(0.02)
        stopped_at = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        stop_seconds = time.monotonic() - stopped_at
        fetched = sum(site.count("GET", f"/files/{i}.pdf") for i in range(FILES))
        assert proc.returncode == 130, stderr[-2000:]
        assert fetched < FILES, "the interrupt must come before the last attachment"
        assert stop_seconds < 20  # the few files in the reader's hands, not a hung gate
        db = out / "govaudit.db"
        store = Store(db)
        ((audit_id, status),) = [(a["id"], a["status"]) for a in store.audits()]
        store.close()
        assert status == "interrupted"
        # What was fetched before the stop was read and recorded, none half-done.
        before = attachment_records(db)
        assert len(before) == fetched
        assert all("unreadable" not in meta for _, meta in before.values())

        resumed = subprocess.run(
            audit_command(site.url, out, profile, "--resume"),
            capture_output=True,
            text=True,
            timeout=180,
            cwd=REPO,
        )
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        hits = [site.count("GET", f"/files/{i}.pdf") for i in range(FILES)]
    assert hits == [1] * FILES  # none lost, none fetched again
    records = attachment_records(db)
    assert len(records) == FILES
    for i in range(FILES):
        text, meta = records[f"{site.url}/files/{i}.pdf"]
        assert f"Attachment {i} page 19 line 29" in text and "unreadable" not in meta


# -- the reader's count, directly -------------------------------------------------------------


def test_room_opens_when_a_file_leaves_the_readers_hands_however_its_read_ends(
    tmp_path, monkeypatch
):
    (tmp_path / "slowreader.py").write_text(SLOW_READER, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    reader = AttachmentReader(timeout=1.0, extractor="slowreader:extract")

    async def scenario():
        await reader.room(1)  # nothing in hand: at once
        first = asyncio.ensure_future(reader.read("http://x/a.pdf", b"0.5", None))
        second = asyncio.ensure_future(reader.read("http://x/b.pdf", b"0.5", None))
        await asyncio.sleep(0.1)
        assert reader.in_hand == 2
        await reader.room(2)  # returns once the first is read, the second still in hand
        assert first.done() and not second.done() and reader.in_hand == 1
        await second
        # A read that times out (the worker killed) and one whose worker dies give back their
        # place all the same: the gate can never stay shut.
        slow = asyncio.ensure_future(reader.read("http://x/c.pdf", b"30", None))
        dying = asyncio.ensure_future(reader.read("http://x/d.pdf", b"die", None))
        await asyncio.sleep(0.1)
        waiting = asyncio.ensure_future(reader.room(1))
        timed_out, _ = await slow
        died, _ = await dying
        await asyncio.wait_for(waiting, 5)
        assert (timed_out.reason, died.reason) == ("timeout", "corrupt")
        assert reader.in_hand == 0 and reader.most_in_hand == 2

    try:
        asyncio.run(scenario())
    finally:
        reader.close()
