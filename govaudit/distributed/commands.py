"""`govaudit worker`, `govaudit enqueue` and `govaudit summary`: the distributed mode's CLI.

rq and redis are imported inside the commands, so `govaudit audit` works without them.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from govaudit.distributed.jobs import EXIT_QUEUE_LOST
from govaudit.multisite import SUMMARY_FILE, SiteRun

EXIT_SOME_REFUSED = 1


def add_commands(sub: argparse._SubParsersAction, as_of, positive) -> None:
    worker = sub.add_parser(
        "worker", help="audit the sites queued on Redis, one site per job (several machines)"
    )
    worker.add_argument("--queue", required=True, help="redis://HOST:PORT/DB")
    worker.add_argument(
        "--out",
        type=Path,
        default=Path("results"),
        help="results directory: RESULTS/<site>/ per site (default: results; share it to resume"
        " a dead worker's audit elsewhere)",
    )
    worker.add_argument(
        "--db",
        type=Path,
        help="one SQLite store for every site (default: RESULTS/<site>/govaudit.db)",
    )
    worker.add_argument(
        "--burst", action="store_true", help="quit when nothing is queued or running"
    )
    worker.add_argument(
        "--lease",
        type=positive,
        default=30,
        help="seconds before a dead worker's audit is retried elsewhere (default 30)",
    )
    worker.add_argument("--name", help="worker name (default govaudit-HOST-PID)")
    worker.add_argument("--verbose", action="store_true", help="RQ's own log lines too")

    enqueue = sub.add_parser("enqueue", help="queue an audit of each site of a profile on Redis")
    enqueue.add_argument("--config", required=True, type=Path, help="multi-site profile (TOML)")
    enqueue.add_argument("--queue", required=True, help="redis://HOST:PORT/DB")
    enqueue.add_argument(
        "--site", action="append", default=[], help="only this site (repeatable; default: all)"
    )
    enqueue.add_argument(
        "--as-of", type=as_of, help="the date every date rule uses as today (default: today)"
    )
    enqueue.add_argument("--max-pages", type=positive, help="stop each crawl after N pages")
    enqueue.add_argument("--concurrency", type=positive, help="parallel requests per host")
    enqueue.add_argument("--full", action="store_true", help="no conditional requests")
    enqueue.add_argument(
        "--timeout",
        type=positive,
        default=6 * 3600,
        help="seconds an audit may run before it is stopped and retried (default 21600)",
    )
    enqueue.add_argument(
        "--retries", type=int, default=2, help="retries of a failed or abandoned audit (default 2)"
    )

    summary = sub.add_parser(
        "summary", help="the cross-site table of a results directory (from each summary.json)"
    )
    summary.add_argument("--results", required=True, type=Path, help="results directory")


def run_command(args: argparse.Namespace, print_table) -> int:
    """Dispatch; `print_table(rows, title)` is the CLI's cross-site table."""
    if args.command == "summary":
        return cmd_summary(args.results, print_table)
    try:
        import redis
        import rq  # noqa: F401
    except ImportError:
        print(
            "govaudit: the distributed commands need rq and redis:"
            " pip install 'govaudit[distributed]'",
            file=sys.stderr,
        )
        return 2
    try:
        if args.command == "worker":
            return cmd_worker(args)
        return cmd_enqueue(args)
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as e:
        reason = str(e).strip().splitlines()[0].rstrip(".") if str(e).strip() else "no answer"
        print(f"govaudit: cannot reach the queue at {args.queue} ({reason})", file=sys.stderr)
        return EXIT_QUEUE_LOST


def cmd_worker(args: argparse.Namespace) -> int:
    from govaudit.distributed.worker import QueueLost, connect, run_worker

    try:
        connect(args.queue)
    except ValueError as e:
        print(f"govaudit: {e}", file=sys.stderr)
        return 2
    try:
        return run_worker(
            args.queue, args.out, args.db, args.burst, float(args.lease), args.name, args.verbose
        )
    except QueueLost as e:
        print(f"govaudit: {e}; worker stopped, what was recorded is kept", file=sys.stderr)
        return EXIT_QUEUE_LOST


def cmd_enqueue(args: argparse.Namespace) -> int:
    from govaudit.core.config import ConfigError, is_multi_site, load_sites
    from govaudit.distributed.jobs import enqueue_sites
    from govaudit.distributed.worker import connect
    from govaudit.multisite import validate_sites

    if not is_multi_site(args.config):
        raise ConfigError(f"{args.config}: enqueue needs a multi-site profile ([sites.<key>])")
    profiles = load_sites(args.config)
    unknown = [k for k in args.site if k not in profiles]
    if unknown:
        known = ", ".join(profiles)
        raise ConfigError(f"no site {unknown[0]!r} in {args.config} (sites: {known})")
    keys = args.site or list(profiles)
    validate_sites({k: profiles[k] for k in keys}, as_of=args.as_of)
    flags: list[str] = []
    for flag, value in (("--max-pages", args.max_pages), ("--concurrency", args.concurrency)):
        if value:
            flags += [flag, str(value)]
    flags += ["--full"] if args.full else []
    try:
        connection = connect(args.queue)
    except ValueError as e:
        print(f"govaudit: {e}", file=sys.stderr)
        return 2
    as_of = args.as_of or date.today()  # one "today" for every worker, whatever its clock
    outcome = enqueue_sites(
        connection, args.config, keys, as_of, flags, args.timeout, max(args.retries, 0)
    )
    for item in outcome:
        if item.refused:
            print(f"govaudit: [{item.key}] refused: {item.refused}", file=sys.stderr)
        else:
            print(f"[{item.key}] queued as {item.job_id}")
    return EXIT_SOME_REFUSED if any(item.refused for item in outcome) else 0


def read_results(results: Path) -> list[SiteRun]:
    """Every site folder's summary.json under `results`, in name order (the cross-site index)."""
    runs = []
    for folder in sorted(p for p in results.iterdir() if p.is_dir()) if results.is_dir() else []:
        path = folder / SUMMARY_FILE
        if path.exists():
            summary = json.loads(path.read_text(encoding="utf-8"))
            status = summary.get("exit_status", 0)
            runs.append(SiteRun(folder.name, status, summary.get("elapsed", 0), summary, ""))
    return runs


def cmd_summary(results: Path, print_table) -> int:
    from govaudit.multisite import summary_rows

    runs = read_results(results)
    if not runs:
        print(f"govaudit: no {SUMMARY_FILE} under {results}/<site>/", file=sys.stderr)
        return 2
    print_table(summary_rows(runs), f"{len(runs)} 个站点审计汇总")
    return 0
