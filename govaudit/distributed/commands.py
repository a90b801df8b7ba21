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
    worker = sub.add_parser("worker", help="审计 Redis 队列中的站点，每个任务一个站点（多台机器）")
    worker.add_argument("--queue", required=True, help="redis://HOST:PORT/DB")
    worker.add_argument(
        "--out",
        type=Path,
        default=Path("results"),
        help="结果目录：每站 RESULTS/<site>/（默认 results；共享该目录，"
        "掉线工作机的审计可在别处继续）",
    )
    worker.add_argument(
        "--db",
        type=Path,
        help="所有站点共用一个 SQLite 数据库（默认：RESULTS/<site>/govaudit.db）",
    )
    worker.add_argument("--burst", action="store_true", help="队列中没有待办或进行中的任务时退出")
    worker.add_argument(
        "--lease",
        type=positive,
        default=30,
        help="工作机掉线多少秒后，其审计转由其他机器重试（默认 30）",
    )
    worker.add_argument("--name", help="工作机名称（默认 govaudit-主机名-进程号）")
    worker.add_argument("--verbose", action="store_true", help="同时显示 RQ 自身的日志")

    enqueue = sub.add_parser("enqueue", help="把多站点配置中每个站点的审计加入 Redis 队列")
    enqueue.add_argument("--config", required=True, type=Path, help="多站点配置文件（TOML）")
    enqueue.add_argument("--queue", required=True, help="redis://HOST:PORT/DB")
    enqueue.add_argument(
        "--site", action="append", default=[], help="只审计该站点（可重复；默认：全部）"
    )
    enqueue.add_argument("--as-of", type=as_of, help="各项日期规则所用的“今天”（默认：今天）")
    enqueue.add_argument("--max-pages", type=positive, help="每次抓取最多的页面数")
    enqueue.add_argument("--concurrency", type=positive, help="每个主机的并发请求数")
    enqueue.add_argument("--full", action="store_true", help="不发条件请求，完整抓取")
    enqueue.add_argument(
        "--timeout",
        type=positive,
        default=6 * 3600,
        help="一次审计最长运行秒数，超时即停止并重试（默认 21600）",
    )
    enqueue.add_argument(
        "--retries", type=int, default=2, help="失败或被放弃的审计的重试次数（默认 2）"
    )

    summary = sub.add_parser("summary", help="结果目录的多站点汇总表（读取各站 summary.json）")
    summary.add_argument("--results", required=True, type=Path, help="结果目录")


def run_command(args: argparse.Namespace, print_table) -> int:
    """Dispatch; `print_table(rows, title)` is the CLI's cross-site table."""
    if args.command == "summary":
        return cmd_summary(args.results, print_table)
    try:
        import redis
        import rq  # noqa: F401
    except ImportError:
        print(
            "govaudit: 分布式命令需要 rq 和 redis：pip install 'govaudit[distributed]'",
            file=sys.stderr,
        )
        return 2
    try:
        if args.command == "worker":
            return cmd_worker(args)
        return cmd_enqueue(args)
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as e:
        reason = str(e).strip().splitlines()[0].rstrip(".") if str(e).strip() else "无应答"
        print(f"govaudit: 无法连接队列 {args.queue}（{reason}）", file=sys.stderr)
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
        print(f"govaudit: {e}；工作机已停止，已抓取的内容均已保存", file=sys.stderr)
        return EXIT_QUEUE_LOST


def cmd_enqueue(args: argparse.Namespace) -> int:
    from govaudit.core.config import ConfigError, is_multi_site, load_sites
    from govaudit.distributed.jobs import enqueue_sites
    from govaudit.distributed.worker import connect
    from govaudit.multisite import validate_sites

    if not is_multi_site(args.config):
        raise ConfigError(f"{args.config}：enqueue 需要多站点配置（[sites.<key>] 表）")
    profiles = load_sites(args.config)
    unknown = [k for k in args.site if k not in profiles]
    if unknown:
        known = ", ".join(profiles)
        raise ConfigError(f"{args.config} 中没有站点 {unknown[0]!r}（已有站点：{known}）")
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
    try:
        outcome = enqueue_sites(
            connection, args.config, keys, as_of, flags, args.timeout, max(args.retries, 0)
        )
    except TimeoutError as e:  # another enqueue holds the lock: nothing was queued
        print(f"govaudit: {e}", file=sys.stderr)
        return 1
    for item in outcome:
        if item.refused:
            print(f"govaudit: [{item.key}] 未入队：{item.refused}", file=sys.stderr)
        else:
            print(f"[{item.key}] 已入队，任务 {item.job_id}")
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
        print(f"govaudit: {results}/<站点>/ 下没有 {SUMMARY_FILE}", file=sys.stderr)
        return 2
    print_table(summary_rows(runs), f"{len(runs)} 个站点审计汇总")
    return 0
