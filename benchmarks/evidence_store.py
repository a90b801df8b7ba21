"""What the evidence copies (page_copies) cost in the store: the 2,000-page benchmark site.

    python -m benchmarks.evidence_store --pages 2000

A generated TRS-style site (benchmarks/sitegen.py) on 127.0.0.1, audited on day one, then again
on day two after a few articles were published (benchmarks/daily.py `publish`), with the
crawl benchmark's settings (16 at a time, no delay). Printed: pages, stored copies, their HTML
and compressed bytes, the store file's size, and what day two added (an unchanged page is not
stored twice).
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.daily import publish, serve
from benchmarks.sitegen import AS_OF, generate_site

REPO = Path(__file__).resolve().parent.parent


def audit(url: str, work: Path, day, label: str, *extra: str) -> float:
    profile = work / "fast.toml"
    profile.write_text(
        f'[site]\nname = "benchmark"\nstart_urls = ["{url}/"]\nallowed_hosts = ["127.0.0.1"]\n'
        "[crawl]\nconcurrency = 16\ndownload_delay = 0.0\nautothrottle = false\n",
        encoding="utf-8",
    )
    command = [str(REPO / ".venv" / "bin" / "govaudit"), "audit", "--config", str(profile)]
    command += ["--out", str(work / label), "--db", str(work / "g.db"), "--as-of", day.isoformat()]
    started = time.monotonic()
    subprocess.run([*command, "--quiet", *extra], capture_output=True, text=True, check=True)
    return time.monotonic() - started


def figures(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        copies, html, packed = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(size), 0), COALESCE(SUM(LENGTH(body)), 0) "
            "FROM page_copies"
        ).fetchone()
        pages = conn.execute(
            "SELECT COUNT(*) FROM pages WHERE audit = (SELECT MAX(id) FROM audits) "
            "AND copy IS NOT NULL"
        ).fetchone()[0]
    return {
        "pages": pages,
        "copies": copies,
        "html": html,
        "packed": packed,
        "file": db.stat().st_size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--new", type=int, default=5, help="articles published on day two")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix=f"govaudit-evidence-{args.pages}-"))
    root = work / "site"
    httpd, _ = serve(root, 0.0)
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    generate_site(root, args.pages, base_url=url, external_base=url)
    try:
        walls = [audit(url, work, AS_OF, "day1")]
        one = figures(work / "g.db")
        publish(root, args.new, url)
        walls.append(audit(url, work, AS_OF + timedelta(days=1), "day2", "--full"))
        two = figures(work / "g.db")
    finally:
        httpd.shutdown()
    mb = 1024 * 1024
    print(f"\n{args.pages}-page site; store {work / 'g.db'}")
    for label, f, wall in (("day 1", one, walls[0]), ("day 2 (--full)", two, walls[1])):
        print(
            f"{label:<15} {wall:6.1f} s  pages with a copy {f['pages']:>5}  copies {f['copies']:>5}"
            f"  HTML {f['html'] / mb:6.1f} MB  stored {f['packed'] / mb:5.1f} MB"
            f" (×{f['html'] / max(f['packed'], 1):.1f})  store file {f['file'] / mb:6.1f} MB"
        )
    print(
        f"day 2 added {two['copies'] - one['copies']} copies"
        f" ({(two['packed'] - one['packed']) / 1024:.0f} KB) for {args.new} new articles"
        " and the list pages they changed"
    )


if __name__ == "__main__":
    sys.exit(main())
