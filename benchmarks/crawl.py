"""Crawl benchmark: govaudit against LinkChecker and linkinator on one generated site.

`scrapy-floor` (benchmarks/scrapy_floor.py) runs beside them: a Scrapy spider that only checks
links, the least a crawl on Scrapy costs here.

    python -m benchmarks.crawl --pages 2000             # one size
    python -m benchmarks.crawl --sizes 2000,20000       # how time and memory grow
    python -m benchmarks.crawl --install-tools          # peers into benchmarks/.tools/ once

Each tool runs in turn against the same nginx (127.0.0.1, a non-default port, access log on), at
the same concurrency, and is scored on wall time, pages/s, peak RSS of its process tree, requests
made (from nginx's access log) and the broken links it reports against the planted ones. The
peers live in `benchmarks/.tools/` and are never dependencies of govaudit.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks.sitegen import AS_OF, Manifest, generate_site

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TOOLS = HERE / ".tools"
RESULTS = HERE / "results"
# govaudit-reaudit: a second audit of the unchanged site into the same store (incremental mode:
# conditional requests against the first audit's validators); it must follow govaudit.
# govaudit takes no screenshots (the peers take none); govaudit-shots is the same first audit
# with the evidence screenshots of its grave pages (crawl.screenshot_max_pages, chromium).
# scrapy-floor: a Scrapy spider that only checks links (benchmarks/scrapy_floor.py), the least any
# audit on Scrapy costs here; -trimmed: without the components an audit needs, only redirects and
# decompression.
TOOL_NAMES = (
    "govaudit", "govaudit-reaudit", "govaudit-shots", "scrapy-floor", "scrapy-floor-trimmed",
    "linkchecker", "linkinator",
)  # fmt: skip
# LinkChecker waits uniform(1/r, 6/r) seconds between two requests to one host, r being
# maxrequestspersecond, and honours r > 10 only for hosts that send a `LinkChecker` response header
# (linkcheck/director/aggregator.py, checker/httpurl.py; linkcheckerrc(5)). The server sends it and
# r is set so high that the wait (10-60 microseconds) never limits the rate.
LINKCHECKER_MAX_RPS = 100000
LOG_FORMAT = '$msec "$request" $status $body_bytes_sent "$http_user_agent"'
_LOG_LINE = re.compile(r'^(\S+) "(\S+) (\S+)[^"]*" (\d{3}) (\d+) "([^"]*)"')


# -- the server ----------------------------------------------------------------------------------


class Server:
    """nginx on 127.0.0.1:port serving `root`, or a threaded Python server when nginx is missing."""

    def __init__(self, root: Path, work: Path, port: int, workers: int = 2) -> None:
        self.root, self.work, self.port, self.workers = root, work, port, workers
        self.log = work / "access.log"
        self.proc: subprocess.Popen | None = None
        self.kind = "nginx" if shutil.which("nginx") else "python-fallback"
        self.version = ""

    def start(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        if self.kind == "nginx":
            conf = self.work / "nginx.conf"
            conf.write_text(self._nginx_conf())
            for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
                (self.work / d).mkdir(exist_ok=True)
            out = subprocess.run(["nginx", "-v"], capture_output=True, text=True)
            self.version = (out.stderr or out.stdout).strip().split("/")[-1]
            cmd = ["nginx", "-p", str(self.work), "-c", str(conf)]
        else:
            self.version = sys.version.split()[0]
            cmd = [sys.executable, "-m", "benchmarks.crawl", "--serve-fallback"]
            cmd += [str(self.root), str(self.port), str(self.log)]
        self.proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.kind} exited with {self.proc.returncode}; see {self.work}"
                )
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.kind} did not listen on 127.0.0.1:{self.port}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT if self.kind == "nginx" else signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log_offset(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def requests_since(self, offset: int) -> dict:
        """Requests logged after `offset`: total, by method, by status class, by user agent."""
        time.sleep(0.2)  # nginx writes each line at the end of its request; let the last land
        with self.log.open("rb") as f:
            f.seek(offset)
            lines = f.read().decode("utf-8", "replace").splitlines()
        methods, statuses, agents, urls = Counter(), Counter(), Counter(), Counter()
        pages_ok = set()
        for line in lines:
            m = _LOG_LINE.match(line)
            if not m:
                continue
            methods[m.group(2)] += 1
            statuses[m.group(4)[0] + "xx"] += 1
            agents[m.group(6)[:40]] += 1
            urls[m.group(3)] += 1
            answered = m.group(4).startswith("2") or m.group(4) == "304"
            if answered and m.group(3).endswith((".html", "/")):
                pages_ok.add(m.group(3))
        return {
            "total": sum(methods.values()),
            "distinct_urls": len(urls),
            "repeated": sum(n - 1 for n in urls.values() if n > 1),
            "pages_fetched": len(pages_ok),  # distinct HTML URLs answered 2xx/304 (/ext/ included)
            "methods": dict(methods),
            "statuses": dict(statuses),
            "agents": dict(agents.most_common(3)),
        }

    def _nginx_conf(self) -> str:
        return f"""# written by benchmarks/crawl.py; stop with kill -QUIT <pid>
worker_processes {self.workers};
daemon off;
pid {self.work}/nginx.pid;
error_log {self.work}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    types {{
        text/html html; text/css css; application/javascript js;
        image/png png; application/pdf pdf;
    }}
    default_type application/octet-stream;
    log_format bench '{LOG_FORMAT}';
    access_log {self.log} bench;
    client_body_temp_path {self.work}/client_body;
    proxy_temp_path {self.work}/proxy;
    fastcgi_temp_path {self.work}/fastcgi;
    uwsgi_temp_path {self.work}/uwsgi;
    scgi_temp_path {self.work}/scgi;
    sendfile on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{self.port};
        server_name 127.0.0.1 localhost;
        root {self.root};
        index index.html;
        # Lets LinkChecker lift its per-host throttle (see LINKCHECKER_MAX_RPS in crawl.py).
        add_header LinkChecker "benchmark" always;
    }}
}}
"""


def serve_fallback(root: str, port: int, log: str) -> None:
    """The threaded Python server used only when nginx is missing (slower; the output says so)."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    log_file = open(log, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - lives with the process

    class Handler(SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def end_headers(self) -> None:
            self.send_header("LinkChecker", "benchmark")
            super().end_headers()

        def log_request(self, code="-", size="-") -> None:  # same format as the nginx log
            ua = self.headers.get("User-Agent", "-")
            log_file.write(f'{time.time():.3f} "{self.requestline}" {int(code)} 0 "{ua}"\n')

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), partial(Handler, directory=root))
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()


# -- measuring one process tree ------------------------------------------------------------------


def _tree_rss_kb(pid: int) -> dict[int, int]:
    """Resident memory of `pid` and each of its descendants (pid → kB), from /proc (no psutil
    needed). A child caught between its fork and its exec (its command line still its parent's)
    counts 0: its pages are its parent's, shared, and summing them counted them twice."""
    found: dict[int, int] = {}
    stack: list[tuple[int, bytes | None]] = [(pid, None)]
    while stack:
        p, parent_cmdline = stack.pop()
        if p in found:
            continue
        found[p] = 0
        try:
            cmdline = Path(f"/proc/{p}/cmdline").read_bytes()
            if cmdline == parent_cmdline:
                continue
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    found[p] = int(line.split()[1])
                    break
            for task in Path(f"/proc/{p}/task").iterdir():
                stack.extend((int(c), cmdline) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def run_measured(cmd: list[str], out_path: Path, cwd: Path, env: dict | None = None) -> dict:
    """Run `cmd` with stdout to `out_path`; wall time, peak RSS (tree, polled) and CPU seconds."""
    time_bin = Path("/usr/bin/time")
    time_file = out_path.with_suffix(".time")
    full = [str(time_bin), "-v", "-o", str(time_file), *cmd] if time_bin.exists() else cmd
    err_path = out_path.with_suffix(".stderr")
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(full, cwd=cwd, stdout=out, stderr=err, env=env)
        peak_kb, peak_parts, timeline, next_mark = 0, {}, [], 0.0
        while proc.poll() is None:
            parts = _tree_rss_kb(proc.pid)
            if time_bin.exists():  # below /usr/bin/time, the tool's own tree is what we measure
                parts.pop(proc.pid, None)
            kb = sum(parts.values())
            if kb > peak_kb:
                peak_kb, peak_parts = kb, parts
            elapsed = time.perf_counter() - start
            if elapsed >= next_mark:  # a coarse memory timeline: when does the peak happen?
                timeline.append((round(elapsed, 1), round(kb / 1024)))
                next_mark = elapsed + max(0.5, elapsed / 40)
            time.sleep(0.05)
        wall = time.perf_counter() - start
    result = {
        "exit": proc.returncode,
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        # Each process at the peak, in the order they started (pids grow): for govaudit the
        # audit process, then its helper, parse worker and attachment reader while they run.
        "peak_parts_mb": [round(peak_parts[p] / 1024) for p in sorted(peak_parts)],
        "rss_timeline_s_mb": timeline,
        "stderr_tail": err_path.read_text("utf-8", "replace")[-600:],
    }
    if time_file.exists():
        text = time_file.read_text()
        fields = dict(
            (k.strip(), v.strip()) for k, _, v in (ln.partition(": ") for ln in text.splitlines())
        )
        try:
            result["cpu_user_s"] = float(fields["User time (seconds)"])
            result["cpu_sys_s"] = float(fields["System time (seconds)"])
            result["maxrss_mb"] = round(int(fields["Maximum resident set size (kbytes)"]) / 1024, 1)
            result["peak_rss_mb"] = max(result["peak_rss_mb"], result["maxrss_mb"])
        except (KeyError, ValueError):
            pass
    return result


# -- the tools -----------------------------------------------------------------------------------


def normalise(url: str) -> str:
    parts = urlsplit(url.strip())
    netloc = (parts.hostname or "").lower() + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def govaudit_cmd(spec: str) -> list[str] | None:
    """`--govaudit` value: 'auto' (the venv's entry point), 'none' (placeholder), or a command."""
    if spec == "none":
        return None
    if spec == "auto":
        exe = Path(sys.executable).parent / "govaudit"
        return [str(exe)] if exe.exists() else [sys.executable, "-m", "govaudit.cli"]
    return spec.split()


def run_govaudit(
    base: list[str],
    url: str,
    work: Path,
    concurrency: int,
    pages: int,
    fresh: bool = True,
    screenshots: bool = False,
) -> tuple:
    """The audit command; `fresh=False` keeps the store, so the audit is an incremental one."""
    out = work / "govaudit-out"
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    profile = work / "govaudit-profile.toml"
    profile.write_text(govaudit_profile(url, concurrency, pages, screenshots), encoding="utf-8")
    cmd = [*base, "audit", url, "--out", str(out), "--config", str(profile)]
    cmd += ["--as-of", AS_OF.isoformat(), "--quiet"]
    return cmd, out


def govaudit_profile(url: str, concurrency: int, pages: int, screenshots: bool = False) -> str:
    # Benchmark settings, written down: no politeness delay nor AutoThrottle (the peers have
    # none), robots.txt not fetched (the site has none), bounds far above the site so they never
    # cut the crawl, the default 2 retries; screenshots only when asked (govaudit-shots).
    return f"""[site]
name = "benchmark"
start_urls = ["{url}"]
allowed_hosts = ["127.0.0.1"]

[crawl]
concurrency = {concurrency}
download_delay = 0.0
autothrottle = false
obey_robots = false
max_pages = {pages * 10 + 1000}
max_depth = 100000
timeout = 20.0
retries = 2
user_agent = "govaudit-benchmark"
screenshots = {str(screenshots).lower()}
"""


def govaudit_broken(out: Path) -> tuple[set[str], dict]:
    path = out / "findings.json"
    if not path.exists():
        return set(), {}
    findings = json.loads(path.read_text(encoding="utf-8"))
    broken = {normalise(f["target_url"]) for f in findings if f.get("check") == "broken_link"}
    extra = dict(Counter(f.get("check") for f in findings))
    try:
        from govaudit.core.store import Store

        store = Store(out / "govaudit.db")
        extra["counters"] = store.audits()[-1]["counters"]
        store.close()
    except Exception as e:  # the store is govaudit's business; its counters are a bonus
        extra["counters_error"] = str(e)[:200]
    return broken, extra


def linkchecker_cmd(url: str, work: Path, concurrency: int) -> list[str]:
    rc = work / "linkcheckerrc"
    rc.write_text(
        "[checking]\n"
        f"threads={concurrency}\n"
        f"maxrequestspersecond={LINKCHECKER_MAX_RPS}\n"
        "recursionlevel=-1\n"
        "timeout=20\n"
        "useragent=LinkChecker-benchmark\n"
        "[filtering]\n"
        "checkextern=1\n"
    )
    rc.chmod(0o644)  # LinkChecker drops root privileges to `nobody` before reading it
    exe = TOOLS / "venv" / "bin" / "linkchecker"
    return [str(exe), "-f", str(rc), "--no-status", "--no-warnings", "-o", "csv", url]


def linkchecker_broken(stdout: Path) -> set[str]:
    lines = [
        ln for ln in stdout.read_text("utf-8", "replace").splitlines() if not ln.startswith("#")
    ]
    broken = set()
    for row in csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"):
        if row.get("valid") in ("False", "0", "false") and row.get("url"):
            broken.add(normalise(row["url"]))
    return broken


def linkinator_cmd(url: str, concurrency: int) -> list[str]:
    exe = TOOLS / "node_modules" / ".bin" / "linkinator"
    return [
        str(exe), url, "--recurse", "--concurrency", str(concurrency), "--format", "json",
        "--timeout", "20000", "--user-agent", "linkinator-benchmark", "--verbosity", "error",
    ]  # fmt: skip


def _json_report(stdout: Path) -> dict:
    """The JSON object a tool printed (after any other output), or {} when it printed none."""
    text = stdout.read_text("utf-8", "replace")
    start = text.find("{")
    return json.loads(text[start:]) if start >= 0 else {}


def linkinator_broken(stdout: Path) -> set[str]:
    links = _json_report(stdout).get("links", [])
    return {normalise(x["url"]) for x in links if x.get("state") == "BROKEN"}


def floor_broken(stdout: Path) -> set[str]:
    return {normalise(u) for u in _json_report(stdout).get("broken", [])}


def tool_version(name: str) -> str:
    try:
        if name == "linkchecker":
            out = subprocess.run(
                [str(TOOLS / "venv" / "bin" / "linkchecker"), "--version"],
                capture_output=True, text=True, timeout=30,
            )  # fmt: skip
            return out.stdout.split("\n")[0].split(" released")[0]
        if name == "linkinator":
            pkg = TOOLS / "node_modules" / "linkinator" / "package.json"
            node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
            return f"linkinator {json.loads(pkg.read_text())['version']} on node {node.strip()}"
        if name == "govaudit":
            from govaudit import __version__

            return f"govaudit {__version__}"
        if name == "scrapy":
            import scrapy

            return f"Scrapy {scrapy.__version__}"
    except Exception as e:
        return f"unknown ({e.__class__.__name__})"
    return ""


def install_tools() -> None:
    """Install the peers into benchmarks/.tools/ (gitignored): LinkChecker in its own venv, linkinator 7."""
    TOOLS.mkdir(exist_ok=True)
    if not (TOOLS / "venv" / "bin" / "linkchecker").exists():
        subprocess.run([sys.executable, "-m", "venv", str(TOOLS / "venv")], check=True)
        pip = [str(TOOLS / "venv" / "bin" / "pip"), "install", "--quiet"]
        subprocess.run([*pip, "LinkChecker", "py-spy"], check=True)
    if not (TOOLS / "node_modules" / ".bin" / "linkinator").exists():
        # linkinator 8 needs Node 22; the 7.x line runs on Node 20.
        subprocess.run(["npm", "install", "--prefix", str(TOOLS), "linkinator@7"], check=True)


# -- one benchmark -------------------------------------------------------------------------------


def score(found: set[str], manifest: Manifest) -> dict:
    planted = {normalise(p.url) for p in manifest.planted}
    return {
        "planted": len(planted),
        "found": len(found),
        "true": len(found & planted),
        "missed": sorted(planted - found)[:20],
        "extra": sorted(found - planted)[:20],
        "n_missed": len(planted - found),
        "n_extra": len(found - planted),
    }


def bench_size(args: argparse.Namespace, pages: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"govaudit-bench-{pages}-", dir=args.workdir))
    work.chmod(0o755)  # nginx workers and LinkChecker run as `nobody`
    base_url = f"http://127.0.0.1:{args.port}"
    url = base_url + "/"
    t0 = time.perf_counter()
    manifest = generate_site(
        work / "site", pages, args.seed, base_url, f"http://localhost:{args.port}"
    )
    gen_s = time.perf_counter() - t0
    print(
        f"\n== {pages} pages: site in {work}/site ({manifest.resources} resources, "
        f"{manifest.links} links, {manifest.bytes / 1e6:.1f} MB, {len(manifest.planted)} planted "
        f"broken targets; generated in {gen_s:.1f} s)",
        flush=True,
    )
    server = Server(work / "site", work / "server", args.port, args.nginx_workers)
    server.start()
    if server.kind != "nginx":
        print("   nginx not found: serving with the threaded Python fallback (slower)", flush=True)
    runs = []
    try:
        for name in args.tools:
            for rep in range(args.repeat):
                runs.append(run_tool(name, rep, args, url, work, pages, manifest, server))
    finally:
        server.stop()
    result = {
        "pages": pages,
        "seed": args.seed,
        "concurrency": args.concurrency,
        "server": f"{server.kind} {server.version}, {args.nginx_workers} workers"
        if server.kind == "nginx"
        else f"python {server.version} ThreadingHTTPServer (nginx missing)",
        "site": {
            "pages": manifest.pages,
            "resources": manifest.resources,
            "links": manifest.links,
            "bytes": manifest.bytes,
            "planted": len(manifest.planted),
        },
        "runs": runs,
    }
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


def run_tool(
    name: str,
    rep: int,
    args: argparse.Namespace,
    url: str,
    work: Path,
    pages: int,
    manifest: Manifest,
    server: Server,
) -> dict:
    stdout = work / f"{name}-{rep}.out"
    extra: dict = {}
    if name.startswith("govaudit"):
        base = govaudit_cmd(args.govaudit)
        if base is None:
            print(f"   {name}: placeholder (--govaudit none), nothing run", flush=True)
            return {"tool": name, "placeholder": True}
        fresh = name != "govaudit-reaudit"
        shots = name == "govaudit-shots"
        cmd, out = run_govaudit(base, url, work, args.concurrency, pages, fresh, shots)
    elif name == "linkchecker":
        cmd = linkchecker_cmd(url, work, args.concurrency)
    elif name.startswith("scrapy-floor"):
        cmd = [sys.executable, "-m", "benchmarks.scrapy_floor", url]
        cmd += ["--concurrency", str(args.concurrency)]
        cmd += ["--trimmed"] if name.endswith("trimmed") else []
    else:
        cmd = linkinator_cmd(url, args.concurrency)
    load = os.getloadavg()[0]
    offset = server.log_offset()
    measured = run_measured(cmd, stdout, REPO)
    requests = server.requests_since(offset)
    if name.startswith("govaudit"):
        found, extra = govaudit_broken(out)
    elif name == "linkchecker":
        found = linkchecker_broken(stdout)
    elif name.startswith("scrapy-floor"):
        found = floor_broken(stdout)
    else:
        found = linkinator_broken(stdout)
    run = {
        "tool": name,
        "version": tool_version(name.split("-")[0]),
        "rep": rep,
        "command": " ".join(cmd),
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
        **measured,
        # Pages the tool really fetched, per second: a tool that skips part of the site (LinkChecker
        # on GBK pages) is not credited with pages it never saw. `coverage` says how much it saw.
        "pages_per_s": round(requests["pages_fetched"] / measured["wall_s"], 1),
        "coverage": round(requests["pages_fetched"] / (manifest.pages + 1), 3),
        "requests": requests,
        "broken": score(found, manifest),
        **({"govaudit": extra} if extra else {}),
    }
    b = run["broken"]
    print(
        f"   {name:<20} {measured['wall_s']:7.1f} s  {run['pages_per_s']:7.1f} pages/s  "
        f"{run['peak_rss_mb']:7.1f} MB ({'+'.join(map(str, run['peak_parts_mb']))})  "
        f"{requests['total']:6d} requests  "
        f"coverage {run['coverage']:.0%}  "
        f"broken {b['true']}/{b['planted']} (+{b['n_extra']} extra)  exit {measured['exit']}  "
        f"load {load:.1f}",
        flush=True,
    )
    if args.profile and name == "govaudit":
        run["profile"] = profile_govaudit(cmd, work, args)
    return run


def profile_govaudit(cmd: list[str], work: Path, args: argparse.Namespace) -> dict:
    """A second govaudit run under py-spy: collapsed stacks, summarised by function and package."""
    py_spy = TOOLS / "venv" / "bin" / "py-spy"
    if not py_spy.exists():
        return {"error": "py-spy missing: run --install-tools"}
    RESULTS.mkdir(exist_ok=True)
    raw = RESULTS / f"govaudit-{args.stamp}.collapsed"
    svg = RESULTS / f"govaudit-{args.stamp}.svg"
    shutil.rmtree(work / "govaudit-out", ignore_errors=True)
    formats = [("raw", raw)] + ([("flamegraph", svg)] if args.profile_svg else [])
    for fmt, path in formats:
        shutil.rmtree(work / "govaudit-out", ignore_errors=True)
        subprocess.run(
            [str(py_spy), "record", "--subprocesses", "--format", fmt, "-o", str(path), "-r", "200", "--", *cmd],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    summary = summarise_collapsed(raw) | {"collapsed": str(raw.relative_to(REPO))}
    if args.profile_svg:
        summary["flamegraph"] = str(svg.relative_to(REPO))
    return summary


def summarise_collapsed(path: Path, top: int = 20) -> dict:
    """Where govaudit's time goes, from py-spy's raw (collapsed) stacks: by phase and by function.

    A phase is named by the first matching frame in a stack (checks, reports, extract ...); what is
    left under `crawl (crawler/run.py)` is the engine's and the event loop's own work."""
    if not path.exists():
        return {"error": "no profile written"}
    phases, checks, self_time, total = Counter(), Counter(), Counter(), 0
    for line in path.read_text("utf-8", "replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        self_time[re.sub(r":\d+\)$", ")", frames[-1])] += n
        phases[_phase(stack, frames[-1])] += n
        for frame in frames:
            m = re.match(r"run \((checks/\w+)\.py", frame)
            if m:
                checks[m.group(1)] += n
                break
    pct = lambda n: round(100 * n / total, 1) if total else 0  # noqa: E731
    return {
        "samples": total,
        "phases": [(p, pct(n)) for p, n in phases.most_common()],
        "checks": [(c, pct(n)) for c, n in checks.most_common()],
        "self_top": [(f, pct(n)) for f, n in self_time.most_common(top)],
    }


_PHASES = (
    ("idle thread", lambda s, leaf: "Condition.wait" in leaf),
    ("checks", lambda s, leaf: "run_checks (" in s),
    ("reports", lambda s, leaf: "(reports/" in s),
    ("extract (crawler/extract.py)", lambda s, leaf: "(crawler/extract.py" in s),
    ("scope (crawler/scope.py)", lambda s, leaf: "(crawler/scope.py" in s),
    ("store writes", lambda s, leaf: "add_pages (" in s),
    ("crawl: spider (crawler/spider.py)", lambda s, leaf: "(crawler/spider.py" in s),
    ("crawl: our middlewares and pipeline (crawler/)", lambda s, leaf: "(crawler/" in leaf),
    ("crawl: HTTP (Twisted)", lambda s, leaf: "(twisted/" in leaf),
    ("crawl: Scrapy (engine, middlewares, signals)", lambda s, leaf: "(scrapy/" in leaf),
    ("crawl: event loop and the rest", lambda s, leaf: "crawl (crawler/run.py" in s),
)


def _phase(stack: str, leaf: str) -> str:
    for name, test in _PHASES:
        if test(stack, leaf):
            return name
    return "startup, imports, other"


# -- the report ----------------------------------------------------------------------------------


def print_table(results: list[dict]) -> None:
    head = (
        f"{'pages':>6} {'tool':<20} {'wall s':>7} {'pages/s':>8} {'RSS MB':>7} {'CPU s':>6} "
        f"{'CPU ms/page':>11} {'requests':>8} {'cover':>5} {'broken found/planted':>21} {'extra':>5} {'load':>5}"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for res in results:
        for r in res["runs"]:
            if r.get("placeholder"):
                print(f"{res['pages']:>6} {r['tool']:<20} {'(placeholder: not run)':>30}")
                continue
            cpu = r.get("cpu_user_s", 0) + r.get("cpu_sys_s", 0)
            r["cpu_ms_per_page"] = round(1000 * cpu / res["pages"], 2)  # CPU of the whole run
            b = r["broken"]
            print(
                f"{res['pages']:>6} {r['tool']:<20} {r['wall_s']:>7.1f} {r['pages_per_s']:>8.1f} "
                f"{r['peak_rss_mb']:>7.1f} {cpu:>6.1f} {r['cpu_ms_per_page']:>11.2f} "
                f"{r['requests']['total']:>8} "
                f"{r['coverage']:>5.0%} "
                f"{str(b['true']) + '/' + str(b['planted']):>21} {b['n_extra']:>5} "
                f"{r['load_before']:>5.1f}"
            )
        ratios = ratios_for(res)
        for peer, rat in ratios.items():
            label = peer if "/" in peer else f"govaudit/{peer}"
            print(f"{'':>6} {label}: " + ", ".join(f"{k} x{v}" for k, v in rat.items()))
        res["ratios"] = ratios


def ratios_for(res: dict) -> dict:
    """govaudit/peer, on the median of the repetitions of each tool."""
    by_tool: dict[str, list[dict]] = {}
    for r in res["runs"]:
        if not r.get("placeholder"):
            by_tool.setdefault(r["tool"], []).append(r)
    if "govaudit" not in by_tool:
        return {}

    def med(tool: str, key: str) -> float:
        vals = [r["requests"]["total"] if key == "requests" else r[key] for r in by_tool[tool]]
        return statistics.median(vals)

    out = {}
    if "govaudit-reaudit" in by_tool:  # the incremental re-audit against the first audit
        out["reaudit/first audit"] = {
            k: round(med("govaudit-reaudit", k) / med("govaudit", k), 2)
            for k in ("wall_s", "peak_rss_mb", "requests")
        }
    for peer in by_tool:
        if peer.startswith("govaudit"):
            continue
        out[peer] = {
            k: round(med("govaudit", k) / med(peer, k), 2) if med(peer, k) else None
            for k in ("pages_per_s", "peak_rss_mb", "requests")
        }
    for floor in ("scrapy-floor", "scrapy-floor-trimmed"):  # the best an audit on Scrapy could do
        for peer in ("linkchecker", "linkinator"):
            if floor in by_tool and peer in by_tool and med(peer, "pages_per_s"):
                ratio = med(floor, "pages_per_s") / med(peer, "pages_per_s")
                out[f"{floor}/{peer}"] = {"pages_per_s": round(ratio, 2)}
    return out


def machine() -> dict:
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "mem_gib": round(mem_kb / 1024 / 1024, 1),
        "python": sys.version.split()[0],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.crawl", description=__doc__)
    parser.add_argument("--pages", type=int, action="append", help="site size (repeatable)")
    parser.add_argument("--sizes", help="comma-separated site sizes, e.g. 2000,20000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=16, help="the same for every tool")
    parser.add_argument("--port", type=int, default=18091)
    parser.add_argument("--nginx-workers", type=int, default=2)
    parser.add_argument("--tools", default=",".join(TOOL_NAMES), help="comma-separated subset")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool (median in ratios)")
    parser.add_argument(
        "--govaudit", default="auto", help="'auto', 'none' (placeholder) or a command"
    )
    parser.add_argument("--profile", action="store_true", help="also profile govaudit (py-spy)")
    parser.add_argument(
        "--profile-svg", action="store_true", help="with --profile: one more run for a flamegraph"
    )
    parser.add_argument("--workdir", help="where the temporary site goes (default: $TMPDIR)")
    parser.add_argument("--keep", action="store_true", help="keep the site and tool outputs")
    parser.add_argument("--install-tools", action="store_true", help="install the peers and exit")
    parser.add_argument("--serve-fallback", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_fallback:
        root, port, log = args.serve_fallback
        serve_fallback(root, int(port), log)
        return 0
    if args.install_tools:
        install_tools()
        return 0
    sizes = list(args.pages or [])
    if args.sizes:
        sizes += [int(s) for s in args.sizes.split(",") if s.strip()]
    sizes = sizes or [2000]
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = set(args.tools) - set(TOOL_NAMES)
    if unknown:
        parser.error(f"unknown tool(s): {', '.join(sorted(unknown))}")
    missing = [
        t
        for t, p in (
            ("linkchecker", TOOLS / "venv" / "bin" / "linkchecker"),
            ("linkinator", TOOLS / "node_modules" / ".bin" / "linkinator"),
        )
        if t in args.tools and not p.exists()
    ]
    if missing:
        parser.error(f"{', '.join(missing)} not installed: run with --install-tools first")
    args.stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    info = machine()
    print(
        f"machine: {info['nproc']} cores ({info['cpu']}), {info['mem_gib']} GiB; "
        f"concurrency {args.concurrency} for every tool; load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    results = [bench_size(args, n) for n in sizes]
    print_table(results)
    RESULTS.mkdir(exist_ok=True)
    payload = {"when": args.stamp, "machine": info, "results": results}
    path = RESULTS / f"crawl-{args.stamp}.json"
    text = json.dumps(payload, ensure_ascii=False, indent=1)
    path.write_text(text, encoding="utf-8")
    (RESULTS / "crawl-latest.json").write_text(text, encoding="utf-8")
    print(f"\nresults: {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
