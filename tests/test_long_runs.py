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
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import openpyxl
import pytest

from govaudit.checks.confirmation import HISTORY_FIELDS
from govaudit.commands.demo import write_profile
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


def judged(finding: dict) -> dict:
    """A finding without its history (checks/confirmation.py): what the check judged."""
    return {k: v for k, v in finding.items() if k not in HISTORY_FIELDS}


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
        daily_db = tmp / "daily.db"  # the first audit, for the next day's audit
        with sqlite3.connect(base_db) as source, sqlite3.connect(daily_db) as copy:
            source.backup(copy)
        yield {
            "server": server,
            "profile": profile,
            "tmp": tmp,
            "base_db": base_db,
            "base_out": tmp / "base",
            "base_seconds": time.monotonic() - started,
            "daily_db": daily_db,
        }


def verify_everything(profile: Path) -> Path:
    """The profile with `verify_every_days = 1`: every record is asked again, conditionally."""
    text = profile.read_text(encoding="utf-8").replace(
        "[crawl]\n", "[crawl]\nverify_every_days = 1\n"
    )
    assert "verify_every_days = 1" in text
    every = profile.with_name("every-day.toml")
    every.write_text(text, encoding="utf-8")
    return every


def test_sigkilled_audit_resumes_without_refetching(sample):
    server, tmp = sample["server"], sample["tmp"]
    out, db = tmp / "killed", tmp / "killed.db"
    # The crawl's own requests are counted here: the screenshots' (each page's style sheets and
    # images, once an audit) are tests/test_screenshots.py's.
    shots_off = "--no-screenshots"
    proc = subprocess.Popen(
        audit(sample["profile"], out, db, shots_off),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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

    run(audit(sample["profile"], out, db, "--resume", shots_off))

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
    run(audit(verify_everything(sample["profile"]), out, base_db))
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
    unchanged = {k: judged(f) for k, f in old.items() if not f["page_url"].endswith(EDITED)}
    again = {k: f for k, f in new.items() if not f["page_url"].endswith(EDITED)}
    assert {k: judged(f) for k, f in again.items()} == unchanged
    assert {f["times_seen"] for f in again.values()} == {2}  # and each was seen twice
    # What the re-audit cost against the first one (printed with -s).
    print(
        f"\nfirst audit: {sample['base_seconds']:.1f} s, {first['requests']} requests, "
        f"{first['response_bytes']} bytes; re-audit: {seconds:.1f} s, {second['requests']} "
        f"requests ({second['not_modified']} not modified), {second['response_bytes']} bytes"
    )
    assert second["response_bytes"] < first["response_bytes"] / 2


def test_the_next_days_audit_asks_only_what_is_due(sample):
    """A daily re-audit (crawler/rolling.py): the homepage, the lists, what failed and a share of
    the rest are asked; every other record is carried with the day it was last verified, and
    its problems stay in the list."""
    server, db = sample["server"], sample["daily_db"]
    before = server.hits
    out = sample["tmp"] / "daily"
    next_day = (DEMO_AS_OF + timedelta(days=1)).isoformat()
    command = audit(sample["profile"], out, db)
    command[command.index("--as-of") + 1] = next_day
    run(command)
    first, second = (json.loads(c) for (c,) in rows(db, "SELECT counters FROM audits"))
    asked = sum(n - before[key] for key, n in server.hits.items() if key[0] in ("GET", "HEAD"))
    assert asked <= second["requests"] < 0.7 * first["requests"]  # (other hosts: not asked here)
    assert second["carried"] > 0.3 * first["targets"]
    assert second["verified"] + second["carried"] == second["targets"] == first["targets"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["verified"], summary["carried"]) == (second["verified"], second["carried"])
    # The whole site is there for the checks, every column's first page was asked today; a
    # deeper page of a list is carried only when its items are all older than the period.
    assert rows(db, "SELECT COUNT(*) FROM pages WHERE audit = 2") == rows(
        db, "SELECT COUNT(*) FROM pages WHERE audit = 1"
    )

    def asked_today(url: str) -> bool:
        key = path_of(url)
        return server.hits[("GET", key)] + server.hits[("304", key)] > (
            before[("GET", key)] + before[("304", key)]
        )

    lists = rows(db, "SELECT url FROM pages WHERE audit = 2 AND kind IN ('home', 'list')")
    firsts = [url for (url,) in lists if "index_" not in url]
    assert len(firsts) > 5 and [u for u in firsts if not asked_today(u)] == []
    week_ago = (DEMO_AS_OF - timedelta(days=6)).isoformat()
    for (url,) in lists:
        if not asked_today(url):
            newest = rows(db, "SELECT MAX(date) FROM list_items WHERE audit = 1 AND page = ?", url)
            assert newest[0][0] < week_ago, url
    carried = rows(db, "SELECT url, verified FROM pages WHERE audit = 2 AND verified IS NOT NULL")
    assert len(carried) == second["carried"]
    assert {day for _, day in carried} == {DEMO_AS_OF.isoformat()}
    # Nothing fixed in silence: every problem of the first audit is still listed, and says
    # when it was last seen at the site.
    old, new = findings(sample["base_out"]), findings(out)
    assert old.keys() <= new.keys()
    on_carried = {url for url, _ in carried}
    for f in new.values():
        seen = f.get("target_url") or f["page_url"]
        expected = DEMO_AS_OF.isoformat() if seen in on_carried else next_day
        assert f.get("last_verified", expected) == expected, f
    assert any(f.get("last_verified") == DEMO_AS_OF.isoformat() for f in new.values())
    # The reports say how much was verified today and how much carried.
    page = lxml.html.fromstring((out / "report.html").read_text(encoding="utf-8"))
    facts = {f.get("id"): f.xpath("string(b)") for f in page.xpath("//div[@class='fact'][@id]")}
    assert facts == {"verified": str(second["verified"]), "carried": str(second["carried"])}
    summary_sheet = openpyxl.load_workbook(out / "整改清单.xlsx").worksheets[0]
    values = {row[0]: row[1] for row in summary_sheet.iter_rows(values_only=True) if row[0]}
    assert values["沿用此前记录（未到核验日）"] == second["carried"]
    assert values["今日核验（页面和链接目标）"] == second["verified"]


def test_no_raw_personal_number_in_any_file_the_audits_wrote(sample):
    """The sample site plants ID, mobile and bank-card numbers in its pages. After every audit of
    this module (first, killed and resumed, conditional re-audit, next day), no file they wrote
    holds one raw: not the store, its WAL or temporary files, the logs, findings.json or the
    reports. The privacy findings are there all the same, on the re-audit whose pages were 304."""
    from govaudit.checks.privacy_leak import find_leaks

    raw: set[str] = set()
    for resource in build_site(DEMO_AS_OF).resources.values():
        if resource.content_type.startswith("text/html"):
            text = resource.body.decode("utf-8", "replace")
            raw |= {text[x.start : x.end] for x in find_leaks(text, DEMO_AS_OF)}
    digits = {"".join(c for c in number if c.isdigit() or c in "Xx") for number in raw}
    assert len(digits) >= 3  # the planted leaks were found in the pages served
    written = [p for p in sample["tmp"].rglob("*") if p.is_file()]
    assert any(p.name.endswith(".db") for p in written)
    for path in written:
        data = path.read_bytes()
        for number in raw | digits:
            assert number.encode("utf-8") not in data, f"{path.name} holds a raw personal number"
    base = {f["id"] for f in findings(sample["base_out"]).values() if f["check"] == "privacy_leak"}
    again = findings(sample["tmp"] / "again")
    assert base and base <= {f["id"] for f in again.values() if f["check"] == "privacy_leak"}
