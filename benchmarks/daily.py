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
The peers crawl the whole site each day at the same concurrency (linkinator has no delay
setting; LinkChecker's is `maxrequestspersecond`). Printed: wall time and requests of each
day, why each target was asked (`govaudit/verified_due/<reason>`), the oldest carried
verification, and whether every new problem was found.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from datetime import date, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchmarks.crawl import TOOLS
from benchmarks.sitegen import AS_OF, generate_site
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


def govaudit(url: str, work: Path, as_of, label: str, concurrency: int | None) -> dict:
    profile = work / "polite.toml"
    text = f'[site]\nname = "benchmark"\nstart_urls = ["{url}/"]\nallowed_hosts = ["127.0.0.1"]\n'
    text += "[crawl]\nmax_pages = 1000000\n"  # the whole site, however many days of news
    if concurrency is not None:  # requests do not depend on the pace: a faster count
        text += f"concurrency = {concurrency}\ndownload_delay = 0\nautothrottle = false\n"
    profile.write_text(text, encoding="utf-8")
    out = work / label
    command = [str(REPO / ".venv" / "bin" / "govaudit"), "audit", "--config", str(profile)]
    command += ["--out", str(out), "--db", str(work / "g.db"), "--as-of", as_of.isoformat()]
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
        "summary": summary,
        "broken": broken,
        "reasons": reasons,
    }


def peer(name: str, url: str, work: Path) -> float:
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
    started = time.monotonic()
    subprocess.run(command, capture_output=True, text=True, cwd=work)
    return time.monotonic() - started


def daily_audits(url: str, work: Path, counter: list[int], args: argparse.Namespace) -> list:
    """Day one (a full audit), then each later day: `--new` articles published, a daily audit."""
    before = counter[0]
    first = govaudit(url, work, AS_OF, "day1", args.concurrency)
    asked_first = counter[0] - before
    rows = [("govaudit day 1", first["wall"], asked_first, "")]
    for day in range(2, args.days + 1):
        broken = publish(work / "site", args.new, url, day)
        before = counter[0]
        today = AS_OF + timedelta(days=day - 1)
        audit = govaudit(url, work, today, f"day{day}", args.concurrency)
        asked = counter[0] - before
        found = all(b in audit["broken"] for b in broken)
        s = audit["summary"]
        note = (
            f"{asked / max(asked_first, 1):.1%} of day 1; verified {s['verified']}, carried"
            f" {s['carried']}, oldest carried {oldest_carried(work / 'g.db', today)} days;"
            f" new problems found: {found}"
        )
        rows.append((f"govaudit day {day}", audit["wall"], asked, note))
        why = ", ".join(f"{k} {n}" for k, n in sorted(audit["reasons"].items()))
        rows.append(("  verified because", None, None, why))
    return rows


def oldest_carried(db: Path, today: date) -> int:
    """Days since the oldest record of the last audit was verified (0: nothing carried)."""
    with closing(Store(db)) as store:
        last = store.audits()[-1]["id"]
        return (today - min(store.verified_dates(last).values(), default=today)).days


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
    args = parser.parse_args()
    tools = args.tools.split(",")
    work = Path(tempfile.mkdtemp(prefix=f"govaudit-daily-{args.pages}-"))
    root = work / "site"
    httpd, counter = serve(root, args.latency)
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    generate_site(root, args.pages, base_url=url, external_base=url)
    rows = []
    try:
        if "govaudit" in tools:
            rows += daily_audits(url, work, counter, args)
        for name in ("linkinator", "linkchecker"):
            if name in tools:
                before = counter[0]
                wall = peer(name, url, work)
                rows.append((f"{name} (each day)", wall, counter[0] - before, ""))
    finally:
        httpd.shutdown()
    pace = "polite defaults" if args.concurrency is None else f"{args.concurrency} at a time"
    print(f"\n{args.pages} pages, {args.latency * 1000:.0f} ms latency, govaudit at {pace}")
    print(f"{'run':<24} {'wall s':>8} {'requests':>9}  notes")
    for name, wall, asked, note in rows:
        wall_text = "" if wall is None else f"{wall:.1f}"
        asked_text = "" if asked is None else str(asked)
        print(f"{name:<24} {wall_text:>8} {asked_text:>9}  {note}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
