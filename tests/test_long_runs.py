"""Long runs: an audit killed with SIGKILL resumes where it stopped; a re-audit is incremental.

One sample site server (127.0.0.1, counting requests per path) serves every crawl of the module:
a baseline audit, an audit killed half-way and resumed, and a re-audit after one page was edited.
Each crawl is the real CLI in a subprocess (Scrapy's reactor does not restart).
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from govaudit.demo import write_profile
from govaudit.sample_site import DEMO_AS_OF, build_site, serve

EDITED = "/gzdt/202402/t20240224_2634613.html"
PLANTED = "面对困难，我们不能一愁莫展。"  # 一愁莫展 → 一筹莫展 (wordlists/typo.tsv)


def audit(profile: Path, out: Path, db: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "govaudit.cli",
        "audit",
        "--config",
        str(profile),
        "--out",
        str(out),
        "--db",
        str(db),
        "--as-of",
        DEMO_AS_OF.isoformat(),
        "--quiet",
        *extra,
    ]


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def rows(db: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def findings(out: Path) -> dict[str, dict]:
    return {f["id"]: f for f in json.loads((out / "findings.json").read_text(encoding="utf-8"))}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample site (every answer slowed by 20 ms, so a crawl can be stopped half-way) and
    a baseline audit of it into its own store."""
    tmp = tmp_path_factory.mktemp("long_runs")
    with serve(build_site(DEMO_AS_OF), slow_seconds=0.2, delay=0.02) as server:
        profile = write_profile(tmp / "site.toml", server.url)
        base_db = tmp / "base.db"
        started = time.monotonic()
        run(audit(profile, tmp / "base", base_db))
        yield {
            "server": server,
            "profile": profile,
            "tmp": tmp,
            "base_db": base_db,
            "base_out": tmp / "base",
            "base_seconds": time.monotonic() - started,
        }


def test_sigkilled_audit_resumes_without_refetching(sample):
    server, tmp = sample["server"], sample["tmp"]
    out, db = tmp / "killed", tmp / "killed.db"
    proc = subprocess.Popen(
        audit(sample["profile"], out, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if db.exists() and proc.poll() is None:
                try:
                    if rows(db, "SELECT COUNT(*) FROM pages")[0][0] >= 60:
                        break
                except sqlite3.OperationalError:  # schema not there yet
                    pass
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    hits_at_kill = server.hits
    recorded = rows(db, "SELECT url, final_url FROM pages")
    total = rows(sample["base_db"], "SELECT COUNT(*) FROM pages")[0][0]
    assert 60 <= len(recorded) < total, "the kill must come half-way through the crawl"
    assert rows(db, "SELECT id, status FROM audits") == [(1, "running")]
    # Every recorded page has its edges: a page and its links are written in one transaction.
    assert not rows(
        db,
        "SELECT url FROM pages p WHERE kind IN ('list', 'article', 'document') AND NOT EXISTS "
        "(SELECT 1 FROM links l WHERE l.audit = p.audit AND l.source = p.url)",
    )

    run(audit(sample["profile"], out, db, "--resume"))

    audits = rows(db, "SELECT id, status, counters FROM audits")
    assert [(a, s) for a, s, _ in audits] == [(1, "finished")]  # the same audit, finished
    counters = json.loads(audits[0][2])
    base_counters = json.loads(rows(sample["base_db"], "SELECT counters FROM audits")[0][0])
    assert counters["resumed"] == len(recorded)
    assert (counters["pages"], counters["targets"]) == (
        base_counters["pages"],
        base_counters["targets"],
    )
    # No second request for a page recorded before the kill (nor for its redirect's end).
    hits = server.hits
    local = {path_of(u) for pair in recorded for u in pair if u and u.startswith(server.url)}
    refetched = [p for p in local for m in ("GET", "HEAD") if hits[(m, p)] != hits_at_kill[(m, p)]]
    assert not refetched
    # The resumed audit is the uninterrupted one: the same pages, each once, the same findings.
    page_rows = "SELECT url, status, error, kind FROM pages ORDER BY url"
    assert rows(db, page_rows) == rows(sample["base_db"], page_rows)
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT url) FROM pages")[0] == (total, total)
    resumed, base = findings(out), findings(sample["base_out"])
    assert resumed.keys() == base.keys()
    assert {k: f["title"] for k, f in resumed.items()} == {k: f["title"] for k, f in base.items()}
    log = (out / "govaudit.log").read_text(encoding="utf-8")
    assert "继续审计 #1" in log and "汇总：退出码 0" in log


def test_reaudit_is_conditional_and_sees_the_edit(sample):
    server, base_db = sample["server"], sample["base_db"]
    body = server.body(EDITED).decode("utf-8")
    assert "一愁莫展" not in body
    server.edit(EDITED, body.replace("</p>", PLANTED + "</p>", 1).encode("utf-8"))
    before, conditional_before = server.hits, server.conditional
    out = sample["tmp"] / "again"
    started = time.monotonic()
    run(audit(sample["profile"], out, base_db))
    seconds = time.monotonic() - started
    hits, conditional = server.hits, server.conditional

    first, second = (json.loads(c) for (c,) in rows(base_db, "SELECT counters FROM audits"))
    # Every page with validators was asked conditionally; all but the edited one were 304.
    asked = conditional["GET"] - conditional_before["GET"]
    not_modified = sum(n - before[key] for key, n in hits.items() if key[0] == "304")
    assert asked == second["conditional"] > 200
    assert not_modified == second["not_modified"] == asked - 1
    assert hits[("GET", EDITED)] == before[("GET", EDITED)] + 1
    assert hits[("304", EDITED)] == before[("304", EDITED)]
    # The checks saw the whole site (carried-over records) and the edit.
    page_rows = "SELECT url, status, kind, title FROM pages WHERE audit = ? ORDER BY url"
    assert rows(base_db, page_rows, 2) == rows(base_db, page_rows, 1)
    links = "SELECT COUNT(*) FROM links WHERE audit = ?"
    assert rows(base_db, links, 2) == rows(base_db, links, 1)
    old, new = findings(sample["base_out"]), findings(out)
    planted = [f for f in new.values() if f["check"] == "wrong_word" and f["term"] == "一愁莫展"]
    assert [f["page_url"] for f in planted] == [server.url.rstrip("/") + EDITED]
    unchanged = {k: f for k, f in old.items() if not f["page_url"].endswith(EDITED)}
    assert {k: f for k, f in new.items() if not f["page_url"].endswith(EDITED)} == unchanged
    # What the re-audit cost against the first one (printed with -s).
    print(
        f"\nfirst audit: {sample['base_seconds']:.1f} s, {first['requests']} requests, "
        f"{first['response_bytes']} bytes; re-audit: {seconds:.1f} s, {second['requests']} "
        f"requests ({second['not_modified']} not modified), {second['response_bytes']} bytes"
    )
    assert second["response_bytes"] < first["response_bytes"] / 2
