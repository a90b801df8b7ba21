"""Style sheets a browser loads (crawler/stylesheets.py): named by `<link rel=stylesheet>` or by a
`text/css` answer, not by a .css suffix, and read again on a rolling re-audit that carries them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from site_server import Reply, SiteServer

from govaudit.core.model import Link, PageRecord
from govaudit.core.store import Store
from govaudit.crawler.extract import parse_page
from govaudit.crawler.stylesheets import is_stylesheet

ROOT = Path(__file__).resolve().parents[1]
SITE = "http://x.gov.cn"
CSS = "text/css; charset=utf-8"
AS_OF = date(2024, 6, 3)
EVERY_DAYS = 7


def test_a_sheet_is_what_its_rel_says_not_its_suffix(tmp_path):
    head = (
        '<link rel="stylesheet" href="/skin.jsp?id=3"><link rel="Alternate  StyleSheet" '
        'href="/big.jsp"><link rel="icon" href="/favicon.css"><link rel="canonical" href="/a.css">'
    )
    record = parse_page(f"{SITE}/", f"<html><head>{head}</head><body></body></html>".encode())
    sheets = {(k.target, k.rel) for k in record.links if is_stylesheet(k)}
    assert sheets == {
        (f"{SITE}/skin.jsp?id=3", "stylesheet"),
        (f"{SITE}/big.jsp", "alternate stylesheet"),
    }
    # The rel is kept in the store; a link stored before it was (no rel) is a sheet by suffix.
    store = Store(tmp_path / "s.db")
    audit = store.start_audit("site", f"{SITE}/", AS_OF, {})
    store.add_pages(audit, [PageRecord(url=f"{SITE}/", status=200, links=record.links)])
    assert store.view(audit).links_of(f"{SITE}/") == list(record.links)
    assert is_stylesheet(Link(f"{SITE}/old.css", "link", "href"))
    assert not is_stylesheet(Link(f"{SITE}/old.jsp", "link", "href"))


def _site() -> dict[str, Reply]:
    png = Reply(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    home = (
        "<html><head><title>测试局</title>"
        '<link rel="stylesheet" href="/skin.jsp?id=3">'
        # the loadCSS pattern: preloaded, made a sheet by its onload; known by its answer
        '<link rel="preload" as="style" href="/theme/main?v=7" onload="this.rel=\'stylesheet\'">'
        "</head><body><p>正文</p></body></html>"
    )
    return {
        "/": Reply(home),
        "/skin.jsp?id=3": Reply(".a { background: url(/img/gone-skin.png) }", content_type=CSS),
        "/theme/main?v=7": Reply(
            ".b { background: url(/img/gone-theme.png) } .c { background: url(/img/ok.png) }",
            content_type=CSS,
        ),
        "/img/ok.png": png,
    }


def _audit(site: SiteServer, tmp_path: Path, out: str, as_of: date) -> list[dict]:
    profile = tmp_path / "p.toml"
    profile.write_text(
        '[site]\nname = "测试局"\n[crawl]\nretries = 0\ndownload_delay = 0.0\nobey_robots = false\n'
        f"verify_every_days = {EVERY_DAYS}\n",
        encoding="utf-8",
    )
    cmd = [sys.executable, "-m", "govaudit.cli", "audit", site.url + "/", "--quiet"]
    cmd += ["--no-screenshots"]  # counts the crawl's own requests (shots ask sheets once more)
    cmd += ["--out", str(tmp_path / out), "--db", str(tmp_path / "audits.db")]
    cmd += ["--config", str(profile), "--as-of", as_of.isoformat()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads((tmp_path / out / "findings.json").read_text(encoding="utf-8"))


def _broken(findings: list[dict], base: str) -> dict[str, list[str]]:
    return {
        f["target_url"].removeprefix(base): sorted(p.removeprefix(base) for p in f["source_pages"])
        for f in findings
        if f["check"] == "broken_link"
    }


def test_sheets_by_rel_and_by_answer_are_read_and_carried_sheets_still_checked(tmp_path):
    """Both sheets are read (one GET each) and their broken url()s found with the sheet that
    names them. The next day's audit carries the sheets unasked (not their turn) and still
    routes their stored url()s: the broken images are asked again and stay listed."""
    expected = {
        "/img/gone-skin.png": ["/skin.jsp?id=3"],
        "/img/gone-theme.png": ["/theme/main?v=7"],
    }
    with SiteServer(_site()) as site:
        assert _broken(_audit(site, tmp_path, "day0", AS_OF), site.url) == expected
        assert site.count("GET", "/skin.jsp?id=3") == site.count("GET", "/theme/main?v=7") == 1
        # the day after a full audit asks no record for its turn (crawler/rolling.py)
        next_day = AS_OF + timedelta(days=1)
        assert _broken(_audit(site, tmp_path, "day1", next_day), site.url) == expected
        # the sheets were carried, not asked again; the broken images they name were
        assert site.count("GET", "/skin.jsp?id=3") == site.count("GET", "/theme/main?v=7") == 1
        assert site.count("HEAD", "/img/gone-skin.png") == 2
