"""Browser benchmark: what rendering the pages only a script fills costs (crawler/render.py).

    python -m benchmarks.render --pages 300               # one size (a minute)
    python -m benchmarks.render --pages 20000 --share 0.05  # the issue's size: not on a shared box

Generates a site of columns (a list page and its articles; ~11 pages a column) where `--share`
of the list pages (default 5%) have an empty `<ul>` that a script fills from a JSON file whose
URL it builds at run time, so that no CMS adapter can name it and only the browser reads them.
The site is served by nginx (or Python's server) on 127.0.0.1, and govaudit audits it twice with
the same settings: `plain` (`render_browser = "off"`: those columns are 无法判定) and `browser`
(Debian's chromium). Reported: wall time, pages/s, peak RSS of the process tree (chromium
included), pages rendered and their seconds, and whether every script-built column was read.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.crawl import RESULTS, Server, govaudit_cmd, govaudit_profile
from benchmarks.sitegen import AS_OF

PAGES_PER_COLUMN = 11  # the list page and its 10 articles


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><div class="nav"><a href="/index.html">首页</a></div>'
        f'<div class="wz">当前位置：首页 &gt; {title}</div>{body}</body></html>'
    )


def generate(root: Path, pages: int, share: float) -> dict:
    """The site under `root`; returns what was planted (columns, the script-built ones)."""
    columns = max(pages // PAGES_PER_COLUMN, 1)
    scripted = {round(i / share) for i in range(int(columns * share + 0.5))} if share else set()
    scripted = {c for c in scripted if c < columns} or ({0} if share else set())
    menu = []
    for c in range(columns):
        name = f"栏目{c}"
        menu.append(f'<li><a href="/col{c}/index.html">{name}</a></li>')
        rows = [
            (f"/col{c}/art{a}.html", f"{name}第{a}条信息", f"2024-05-{28 - a:02d}")
            for a in range(10)
        ]
        for url, title, when in rows:
            (root / url.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
            (root / url.lstrip("/")).write_text(
                _page(title, f"<h1>{title}</h1><p>发布时间：{when}</p><p>{title}。</p>"), "utf-8"
            )
        if c in scripted:
            data = [{"title": t, "url": u, "pubDate": d} for u, t, d in rows]
            (root / f"data/col{c}.json").parent.mkdir(parents=True, exist_ok=True)
            (root / f"data/col{c}.json").write_text(json.dumps({"list": data}), "utf-8")
            body = (
                '<ul id="list" class="list"></ul><script>'
                f'var api = ["/data", "col" + {c}].join("/") + ".json";'
                "fetch(api).then(function (r) { return r.json(); }).then(function (d) {"
                " var ul = document.getElementById('list'); d.list.forEach(function (it) {"
                " var li = document.createElement('li'); li.innerHTML = '<a href=\"' + it.url +"
                " '\">' + it.title + '</a><span>' + it.pubDate + '</span>'; ul.appendChild(li);"
                " }); });</script>"
            )
        else:
            items = "".join(f'<li><a href="{u}">{t}</a><span>{d}</span></li>' for u, t, d in rows)
            body = f'<ul class="list">{items}</ul>'
        (root / f"col{c}/index.html").write_text(_page(name, body), "utf-8")
    (root / "index.html").write_text(_page("首页", f"<ul>{''.join(menu)}</ul>"), "utf-8")
    return {"columns": columns, "scripted": sorted(scripted), "pages": columns * 11 + 1}


def _tree(pid: int) -> list[int]:
    """`pid` and all its descendants, from /proc."""
    found, stack = [], [pid]
    while stack:
        p = stack.pop()
        found.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def _memory_kb(pids: list[int]) -> tuple[int, int]:
    """(RSS, PSS) summed over `pids`. RSS counts chromium's shared pages once per process (its
    dozen processes map the same libraries); PSS shares them out, so it adds up to the truth."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return rss, pss


def run_sampled(cmd: list[str], cwd: Path) -> dict:
    """Run `cmd`; wall time and the peak RSS and PSS of its process tree (sampled every 50 ms)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_rss = peak_pss = 0
    while proc.poll() is None:
        rss, pss = _memory_kb(_tree(proc.pid))
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.05)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode("utf-8", "replace")[-600:] if proc.stderr else ""
    return {
        "exit": proc.returncode,
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(peak_rss / 1024, 1),
        "peak_pss_mb": round(peak_pss / 1024, 1),
        "stderr_tail": stderr,
    }


def audit(base: list[str], url: str, work: Path, pages: int, browser: str, concurrency: int):
    out = work / f"out-{browser}"
    shutil.rmtree(out, ignore_errors=True)
    profile = work / f"profile-{browser}.toml"
    text = govaudit_profile(url, concurrency, pages)
    text = text.replace(
        "[crawl]\n", f'[crawl]\nrender_browser = "{browser}"\nrender_max_pages = {pages}\n'
    )
    profile.write_text(text + "\n[checks.overdue_publication]\nannual_report = false\n", "utf-8")
    cmd = [*base, "audit", url, "--out", str(out), "--config", str(profile)]
    cmd += ["--as-of", AS_OF.isoformat(), "--quiet"]
    measured = run_sampled(cmd, work)
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    findings = json.loads((out / "findings.json").read_text("utf-8"))
    stats = summary["crawl_stats"]
    crawled = stats.get("govaudit/pages", 0)
    return {
        "run": "plain" if browser == "off" else "browser",
        "exit": measured["exit"],
        "wall_s": measured["wall_s"],
        "pages": crawled,
        "pages_per_s": round(crawled / measured["wall_s"], 1) if measured["wall_s"] else 0,
        "peak_rss_mb": measured["peak_rss_mb"],
        "peak_pss_mb": measured["peak_pss_mb"],
        "rendered": stats.get("govaudit/render/pages", 0),
        "render_s": round(stats.get("govaudit/render/seconds", 0.0), 2),
        "undecidable": sum(1 for f in findings if f["check"] == "undecidable_column"),
        "empty": sum(1 for f in findings if f["check"] == "empty_column"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.render", description=__doc__)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--share", type=float, default=0.05, help="list pages needing the browser")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--port", type=int, default=18097)
    parser.add_argument("--govaudit", default="auto", help="the govaudit command (default: venv)")
    parser.add_argument("--workdir", help="where the temporary site goes (default: $TMPDIR)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="govaudit-render-", dir=args.workdir))
    work.chmod(0o755)  # nginx's workers (not root) read the site
    site = generate(work / "site", args.pages, args.share)
    server = Server(work / "site", work / "server", args.port)
    server.start()
    try:
        url = f"http://127.0.0.1:{args.port}/index.html"
        base = govaudit_cmd(args.govaudit)
        runs = [audit(base, url, work, args.pages, b, args.concurrency) for b in ("off", "auto")]
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    result = {"site": site | {"share": args.share}, "server": server.kind, "runs": runs}
    print(
        f"site: {site['pages']} pages, {site['columns']} columns, "
        f"{len(site['scripted'])} built by script ({server.kind})"
    )
    print(
        f"{'run':8} {'wall s':>7} {'pages':>6} {'pages/s':>8} {'RSS MB':>8} {'PSS MB':>8} "
        f"{'rendered':>8} {'render s':>8} {'无法判定':>6} {'空白':>4}"
    )
    for r in runs:
        print(
            f"{r['run']:8} {r['wall_s']:>7} {r['pages']:>6} {r['pages_per_s']:>8} "
            f"{r['peak_rss_mb']:>8} {r['peak_pss_mb']:>8} {r['rendered']:>8} {r['render_s']:>8} "
            f"{r['undecidable']:>8} {r['empty']:>6}"
        )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"render-{args.pages}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"→ {path}")
    ok = all(r["exit"] == 0 for r in runs) and runs[1]["undecidable"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
