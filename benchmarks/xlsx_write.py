"""整改清单.xlsx alone: the memory and time `write_xlsx` takes on a stored audit (issue 16).

    python -m benchmarks.xlsx_write --db govaudit-out/govaudit.db --out /tmp/xlsx [--audit N]

The listing is built first, as `govaudit report` builds it (not measured), and the memory that
took is given back to the system, as the audit's helper gives back its checks' before the xlsx;
then the process's RSS before `write_xlsx`, its peak while writing (VmHWM, reset first), and
the wall seconds. Another checkout's writer
is measured on the same store by running this module from here with that checkout's python
(`../old/.venv/bin/python -m benchmarks.xlsx_write ...`). The store is only read, but SQLite
leaves a lock file beside it: point --db at a copy of a store that is not yours.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from govaudit.checks.judge import judge
from govaudit.core.memory import give_back
from govaudit.core.store import Store
from govaudit.reports import build_listing, report_settings
from govaudit.reports.xlsx import write_xlsx


def status_mb(field: str) -> int:
    """VmRSS (now) or VmHWM (the peak since the last `reset_peak`) in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) // 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak() -> None:
    """Start VmHWM again from the current RSS (Linux 4.0+): building the listing peaks higher
    than what is left of it, and that peak would hide the writer's."""
    Path("/proc/self/clear_refs").write_text("5", encoding="ascii")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--audit", type=int, help="default: the latest")
    args = parser.parse_args()
    store = Store(args.db)
    audit_id = args.audit or store.audits()[-1]["id"]
    config = store.audit(audit_id)["config"].get("report") or {}
    data = build_listing(store, audit_id, report_settings(config), judge)
    store.close()
    args.out.mkdir(parents=True, exist_ok=True)
    give_back()  # as the audit's helper does before it writes the xlsx (govaudit/helper.py)
    reset_peak()
    before, start = status_mb("VmRSS"), time.perf_counter()
    path = write_xlsx(data, args.out)
    seconds, after = time.perf_counter() - start, status_mb("VmHWM")
    rows = len(data.open_rows) + sum(len(r.source_pages) for r in data.open_rows)
    print(f"{path}: {rows} rows (问题清单 + 引用页面), {seconds:.1f} s")
    # VmHWM lags VmRSS by up to a few pages: a peak below the start is 0
    print(f"RSS {before} MB before, peak {after} MB while writing: +{max(after - before, 0)} MB")


if __name__ == "__main__":
    main()
