"""Store-write throughput: how fast the crawl's records go into SQLite (rows/s), and what it costs.

    python -m benchmarks.store_writes                 # 2,000 generated pages, batches of 200
    python -m benchmarks.store_writes --pages 20000 --batch 200 --repeat 3

The records are the real ones: the benchmark site of `benchmarks.sitegen` is generated, every
HTML page parsed by `crawler.extract.parse_page` (not timed), then written with
`Store.add_pages` in the crawl's batch size into a fresh store on the temporary directory's
disk. Figures are CPU seconds of this process (`time.process_time`, best of `--repeat`) and
wall seconds; in the crawl these writes run on the event loop, so their CPU is the crawl's.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.sitegen import generate_site
from govaudit.core.model import PageRecord
from govaudit.core.store import Store
from govaudit.crawler.extract import parse_page

BASE = "http://127.0.0.1:18091"


def records(root: Path) -> list[PageRecord]:
    """Every HTML page of the generated site as the crawl records it."""
    found = []
    for path in sorted(root.rglob("*.html")):
        url = f"{BASE}/{path.relative_to(root).as_posix()}"
        found.append(parse_page(url, path.read_bytes(), "text/html", None, date(2025, 6, 30)))
    return found


def write_all(pages: list[PageRecord], batch: int, work: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of writing `pages` into a fresh store, `batch` at a time."""
    store = Store(work / f"store-{time.monotonic_ns()}.db")
    audit = store.start_audit("benchmark", BASE + "/", date(2025, 6, 30), {})
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(0, len(pages), batch):
        store.add_pages(audit, pages[i : i + batch])
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    store.close()
    return cpu, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.store_writes",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("--pages", type=int, default=2000, help="site size")
    parser.add_argument("--batch", type=int, default=200, help="records per transaction")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is printed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="govaudit-store-bench-") as tmp:
        work = Path(tmp)
        generate_site(work / "site", args.pages, 1, BASE, "http://localhost:18091")
        pages = records(work / "site")
        links = sum(len(p.links) for p in pages)
        items = sum(len(p.list_items) for p in pages)
        runs = [write_all(pages, args.batch, work) for _ in range(args.repeat)]
    cpu, wall = min(runs)
    rows = len(pages) + links + items
    print(
        f"{len(pages)} pages, {links} link rows, {items} list-item rows, batches of {args.batch}: "
        f"CPU {cpu:.2f} s, wall {wall:.2f} s (best of {args.repeat}); "
        f"{len(pages) / cpu:,.0f} pages/s, {rows / cpu:,.0f} rows/s of CPU; "
        f"{cpu / len(pages) * 1000:.3f} ms of CPU per page"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
