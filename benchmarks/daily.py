"""Daily audits against a server with network latency, at the polite defaults (issue 22).

    python -m benchmarks.daily --pages 2000 --latency 0.1           # govaudit, then the peers
    python -m benchmarks.daily --pages 300 --latency 0.05 --tools govaudit   # the harness itself
    python -m benchmarks.daily --pages 20000 --concurrency 16 --days 9 --tools govaudit

A generated TRS-style site (benchmarks/sitegen.py) is served by a threaded Python server on
127.0.0.1 that sleeps `--latency` seconds before each answer (nginx cannot), counting requests.
Day one: a first audit with govaudit's polite defaults (2 requests at a time, 0.25 s between two,
AutoThrottle). Then a handful of new articles is published (`--new`, each with a planted broken
link) and day two is audited with `--as-of` one day later: the rolling schedule of
crawler/rolling.py asks only what is due; `--days N` goes on to day N, publishing each day.
`--concurrency N` runs govaudit N requests at a time without delay: the requests a schedule
asks do not depend on the pace, so a 20,000-page site's counts take minutes, not hours.
`--first-day-concurrency N` does that for day one only and audits the later days at the polite
defaults: the time of a polite daily audit of a large site, without the hours of its first one.
The profile's `max_pages` is always above the site (its link edges bound its pages), so every
day audits the whole site and none is cut by the bound.
The peers crawl the whole site each day at the same concurrency (linkinator has no delay
setting; LinkChecker's is `maxrequestspersecond`); `--peer-minutes M` stops each after M minutes
and prints the rate it kept (requests per second), from which its whole crawl is estimated. Printed, in a table redrawn as the days
go: wall time, crawl time, requests and the 1-minute load before each run, its completeness,
why each target was asked (`govaudit/verified_due/<reason>`), the oldest carried verification,
and how many of the new problems were found.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rich import box
from rich.console import Console
from rich.live import Live
from rich.table import Table

from benchmarks.crawl import TOOLS
from benchmarks.sitegen import AS_OF, Manifest, generate_site
from govaudit.core.store import Store

REPO = Path(__file__).resolve().parent.parent
DUE_PREFIX = "govaudit/verified_due/"  # why each target was asked today (crawler/rolling.py)


class _SlowHandler(SimpleHTTPRequestHandler):
    latency = 0.1
    counter: list[int] = [0]

    def send_head(self):  # every answer, 200, 304 or 404, waits the latency
        self.counter[0] += 1
        time.sleep(self.latency)
        return super().send_head()

    def log_message(self, *args: object) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # a peer closing early: no trace
        pass


def serve(root: Path, latency: float) -> tuple[ThreadingHTTPServer, list[int]]:
    counter = [0]
    handler = type("Handler", (_SlowHandler,), {"latency": latency, "counter": counter})
    httpd = _QuietServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, counter


def publish(root: Path, count: int, url: str, day_number: int) -> list[str]:
    """`count` new articles at the top of 工作动态, dated that day, each linking a page that
    does not exist (the new problems that day's audit must find). Returns the broken targets."""
    day = AS_OF + timedelta(days=day_number - 1)
    index = root / "col" / "gzdt" / "index.html"
    html = index.read_text(encoding="utf-8")
    items, broken = [], []
    for i in range(count):
        number = 990000 + 100 * day_number + i
        rel = f"{day:%Y%m}/t{day:%Y%m%d}_{number}.html"
        page = root / "col" / "gzdt" / rel
        page.parent.mkdir(parents=True, exist_ok=True)
        dead = f"/col/gzdt/gone_{number}.html"
        broken.append(url + dead)
        page.write_text(
            f"<html><head><title>新发布的工作动态{i}</title></head><body><h1>新发布的工作动态{i}"
            f'</h1><p>发布时间：{day:%Y-%m-%d}</p><p>正文。<a href="{dead}">相关链接</a></p>'
            "</body></html>",
            encoding="utf-8",
        )
        items.append(
            f'<li><a href="./{rel}">新发布的工作动态{i}</a><span class="date">{day:%Y-%m-%d}</span></li>'
        )
    index.write_text(html.replace('<ul class="list">', '<ul class="list">' + "".join(items), 1))
    return broken


def govaudit(url: str, work: Path, as_of, label: str, concurrency: int | None, bound: int) -> dict:
    profile = work / "polite.toml"
    text = f'[site]\nname = "benchmark"\nstart_urls = ["{url}/"]\nallowed_hosts = ["127.0.0.1"]\n'
    text += f"[crawl]\nmax_pages = {bound}\n"
    if concurrency is not None:  # requests do not depend on the pace: a faster count
        text += f"concurrency = {concurrency}\ndownload_delay = 0\nautothrottle = false\n"
    profile.write_text(text, encoding="utf-8")
    out = work / label
    command = [str(REPO / ".venv" / "bin" / "govaudit"), "audit", "--config", str(profile)]
    command += ["--out", str(out), "--db", str(work / "g.db"), "--as-of", as_of.isoformat()]
    load = os.getloadavg()[0]
    started = time.monotonic()
    done = subprocess.run([*command, "--quiet"], capture_output=True, text=True)
    wall = time.monotonic() - started
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    broken = {f["target_url"] for f in findings if f["check"] == "broken_link"}
    stats = summary.get("crawl_stats", {})
    reasons = {key.rsplit("/", 1)[1]: n for key, n in stats.items() if key.startswith(DUE_PREFIX)}
    return {
        "exit": done.returncode,
        "wall": wall,
        "load": load,
        "summary": summary,
        "broken": broken,
        "reasons": reasons,
    }


def peer(name: str, url: str, work: Path, minutes: float | None) -> tuple[float, float, bool]:
    """One full crawl by a peer at govaudit's politeness, stopped after `minutes` if given:
    (wall seconds, 1-minute load before, whether it finished)."""
    if name == "linkinator":
        command = [str(TOOLS / "node_modules" / ".bin" / "linkinator"), url + "/", "--recurse"]
        command += ["--concurrency", "2", "--format", "json", "--timeout", "20000"]
    else:
        rc = work / "linkcheckerrc"
        rc.write_text(
            "[checking]\nthreads=2\nmaxrequestspersecond=4\nrecursionlevel=-1\ntimeout=20\n"
            "[filtering]\ncheckextern=1\n",
            encoding="utf-8",
        )
        command = [str(TOOLS / "venv" / "bin" / "linkchecker"), "-f", str(rc), "--no-status"]
        command += ["--no-warnings", "-o", "none", url + "/"]
    load = os.getloadavg()[0]
    started = time.monotonic()
    try:
        timeout = minutes * 60 if minutes else None
        subprocess.run(command, capture_output=True, text=True, cwd=work, timeout=timeout)
    except subprocess.TimeoutExpired:  # run() has killed it
        return time.monotonic() - started, load, False
    return time.monotonic() - started, load, True


@dataclass
class Row:
    """One line of the printed table: a run, or why a day's targets were asked."""

    run: str
    wall: float | None = None
    crawl: float | None = None
    requests: int | None = None
    load: float | None = None
    notes: str = ""


def daily_audits(url: str, work: Path, counter: list[int], args: argparse.Namespace, bound: int):
    """Day one (a full audit), then each later day: `--new` articles published, a daily audit.
    Yields the table's rows as each day ends."""
    first_pace = args.first_day_concurrency or args.concurrency
    before = counter[0]
    first = govaudit(url, work, AS_OF, "day1", first_pace, bound)
    asked_first = counter[0] - before
    s = first["summary"]
    yield Row(
        f"govaudit day 1 ({pace_name(first_pace)})",
        first["wall"],
        s["elapsed"],
        asked_first,
        first["load"],
        f"{s['pages']} pages, exit {first['exit']}, {completeness(s)}",
    )
    for day in range(2, args.days + 1):
        broken = publish(work / "site", args.new, url, day)
        before = counter[0]
        today = AS_OF + timedelta(days=day - 1)
        audit = govaudit(url, work, today, f"day{day}", args.concurrency, bound)
        asked = counter[0] - before
        found = sum(b in audit["broken"] for b in broken)
        s = audit["summary"]
        note = (
            f"{asked / max(asked_first, 1):.1%} of day 1; verified {s['verified']}, carried"
            f" {s['carried']}, oldest carried {oldest_carried(work / 'g.db', today)} days;"
            f" new problems found: {found}/{len(broken)}; {completeness(s)}"
        )
        name = f"govaudit day {day} ({pace_name(args.concurrency)})"
        yield Row(name, audit["wall"], s["elapsed"], asked, audit["load"], note)
        why = ", ".join(f"{k} {n}" for k, n in sorted(audit["reasons"].items()))
        yield Row("  verified because", notes=why)


def completeness(summary: dict) -> str:
    """What the audit says of its own coverage (checks/completeness.py)."""
    return "complete" if summary["complete"] else "incomplete: " + ", ".join(summary["incomplete"])


def pace_name(concurrency: int | None) -> str:
    return "polite" if concurrency is None else f"{concurrency} at a time"


def oldest_carried(db: Path, today: date) -> int:
    """Days since the oldest record of the last audit was verified (0: nothing carried)."""
    with closing(Store(db)) as store:
        last = store.audits()[-1]["id"]
        return (today - min(store.verified_dates(last).values(), default=today)).days


def site_bound(manifest: Manifest, args: argparse.Namespace) -> int:
    """A `max_pages` above every page the audits can meet: each page but the homepage is the
    target of a link edge, and each published article adds two (itself and its broken link)."""
    return 1 + manifest.links + 2 * args.new * args.days


def days_table(title: str, rows: list[Row]) -> Table:
    """The days so far on one screen (a terminal redraws it; a log gets the last one)."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=True)
    for name in ("run", "wall s", "crawl s", "requests", "load"):
        table.add_column(name, justify="left" if name == "run" else "right", no_wrap=True)
    table.add_column("notes", ratio=1)
    for row in rows:
        table.add_row(
            row.run,
            _number(row.wall, "{:.1f}"),
            _number(row.crawl, "{:.1f}"),
            _number(row.requests, "{:,}"),
            _number(row.load, "{:.2f}"),
            row.notes,
        )
    return table


def _number(value: float | None, form: str) -> str:
    return "" if value is None else form.format(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds before each answer")
    parser.add_argument("--new", type=int, default=5, help="articles published each later day")
    parser.add_argument("--days", type=int, default=2, help="audit days (day one: a full audit)")
    parser.add_argument("--tools", default="govaudit,linkinator,linkchecker")
    parser.add_argument(
        "--concurrency",
        type=int,
        help="govaudit's requests at a time, no delay (request counts only; default: polite)",
    )
    parser.add_argument(
        "--first-day-concurrency",
        type=int,
        help="day one only at this many requests at a time, no delay (later days: --concurrency)",
    )
    parser.add_argument(
        "--peer-minutes",
        type=float,
        help="stop each peer after this many minutes and print its rate (a polite LinkChecker"
        " needs hours at 20,000 pages)",
    )
    args = parser.parse_args()
    tools = args.tools.split(",")
    work = Path(tempfile.mkdtemp(prefix=f"govaudit-daily-{args.pages}-"))
    root = work / "site"
    httpd, counter = serve(root, args.latency)
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    manifest = generate_site(root, args.pages, base_url=url, external_base=url)
    bound = site_bound(manifest, args)
    title = (
        f"{manifest.pages} pages (max_pages {bound}), {args.latency * 1000:.0f} ms latency,"
        f" govaudit at {commit()}"
    )
    rows: list[Row] = []
    live = Live(
        days_table(title, rows),
        console=Console(width=None if sys.stdout.isatty() else 160),
        auto_refresh=False,
    )
    with live:
        try:
            if "govaudit" in tools:
                for row in daily_audits(url, work, counter, args, bound):
                    rows.append(row)
                    live.update(days_table(title, rows), refresh=True)
            for name in ("linkinator", "linkchecker"):
                if name in tools:
                    before = counter[0]
                    wall, load, finished = peer(name, url, work, args.peer_minutes)
                    asked = counter[0] - before
                    note = (
                        ""
                        if finished
                        else f"stopped after {wall:.0f} s: {asked / wall:.2f} requests/s"
                    )
                    rows.append(Row(f"{name} (each day)", wall, None, asked, load, note))
                    live.update(days_table(title, rows), refresh=True)
        finally:
            httpd.shutdown()
    shutil.rmtree(work, ignore_errors=True)


def commit() -> str:
    """The commit measured (its figures are committed with it)."""
    head = ["git", "-C", str(REPO), "describe", "--always", "--dirty"]
    return subprocess.run(head, capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
