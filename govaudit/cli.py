"""Command line: `govaudit audit`, `govaudit demo` and friends. A thin layer over functions.

User errors (bad flags, bad profile, unreadable files) print one line `govaudit: ...` and exit 2;
tracebacks are reserved for bugs.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from govaudit import __version__
from govaudit.audit import EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, AuditResult, run_audit
from govaudit.core.config import ConfigError, load_config
from govaudit.core.model import SEVERITIES
from reports.labels import check_name

SEVERITY_ZH = {"critical": "严重（单项否决）", "major": "一般", "minor": "提示"}


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as for config errors
        raise UsageError(message)


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--as-of must be a date YYYY-MM-DD, got {text!r}"
        ) from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="govaudit",
        description="政府网站监测：抓取站点、检查问题、生成整改问题清单。"
        " Audit a government website and produce its rectification list.",
    )
    parser.add_argument("--version", action="version", version=f"govaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    audit = sub.add_parser(
        "audit", help="crawl a site, run every check, write findings and reports"
    )
    audit.add_argument(
        "start_url", nargs="?", help="where the crawl starts (default: the profile's start_urls)"
    )
    audit.add_argument(
        "--out", required=True, type=Path, help="directory for findings.json and reports"
    )
    audit.add_argument("--config", type=Path, help="site profile (TOML)")
    audit.add_argument(
        "--as-of", type=_as_of, help="the date every date rule uses as today (YYYY-MM-DD)"
    )
    audit.add_argument(
        "--wordlist", action="append", default=[], help="extra TSV wordlist (repeatable)"
    )
    audit.add_argument("--max-pages", type=_positive, help="stop after this many pages")
    audit.add_argument(
        "--concurrency", type=_positive, help="parallel requests per host (default 2)"
    )
    audit.add_argument("--db", type=Path, help="SQLite store (default: OUT/govaudit.db)")
    audit.add_argument("--quiet", action="store_true", help="no progress display; for cron")

    demo = sub.add_parser("demo", help="audit the bundled sample bureau site on 127.0.0.1")
    demo.add_argument("--out", type=Path, default=Path("govaudit-demo"), help="output directory")
    demo.add_argument("--quiet", action="store_true", help="no progress display")
    _add_report_commands(sub)
    return parser


def _add_report_commands(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser(
        "report", help="regenerate findings.json, 整改清单.xlsx and report.html of a stored audit"
    )
    report.add_argument("--db", required=True, type=Path, help="SQLite store of earlier audits")
    report.add_argument("--audit", type=_positive, help="audit id (default: the latest)")
    report.add_argument("--out", required=True, type=Path, help="directory for the outputs")
    audits = sub.add_parser("audits", help="list the audits kept in a store")
    audits.add_argument("--db", required=True, type=Path, help="SQLite store")
    review = sub.add_parser("review", help="staff decisions on findings (整改状态, 整改说明)")
    review_sub = review.add_subparsers(
        dest="review_command", metavar="ACTION", parser_class=_Parser
    )
    imp = review_sub.add_parser(
        "import", help="read 整改状态 and 整改说明 of a filled 整改清单.xlsx into the store"
    )
    imp.add_argument("xlsx", type=Path, help="the 整改清单.xlsx staff filled in")
    imp.add_argument("--db", required=True, type=Path, help="SQLite store of the audit")


def main(argv: list[str] | None = None) -> int:
    console = Console(stderr=True)
    try:
        args = build_parser().parse_args(argv)
        if args.command == "audit":
            return cmd_audit(args, console)
        if args.command == "demo":
            from govaudit.demo import run_demo

            return run_demo(args.out, console, quiet=args.quiet)
        if args.command in ("report", "audits", "review"):
            from govaudit.report_commands import run_report_command

            return run_report_command(args, Console())
        build_parser().print_help()
        return EXIT_USAGE
    except (UsageError, ConfigError) as e:
        print(f"govaudit: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("govaudit: interrupted; what was recorded is kept in the store", file=sys.stderr)
        return 130


def cmd_audit(args: argparse.Namespace, console: Console) -> int:
    config = load_config(
        args.config,
        start_url=args.start_url,
        as_of=args.as_of,
        wordlists=tuple(args.wordlist),
        max_pages=args.max_pages,
        concurrency=args.concurrency,
    )
    result = audit_with_progress(
        config, args.out, args.db or args.out / "govaudit.db", console, args.quiet
    )
    if not args.quiet:
        print_summary(result, console)
    if not result.reachable:
        print(f"govaudit: could not reach {config.start_urls[0]}", file=sys.stderr)
        return EXIT_UNREACHABLE
    return EXIT_OK


def audit_with_progress(config, out: Path, db: Path, console: Console, quiet: bool) -> AuditResult:
    if quiet:
        return run_audit(config, out, db)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("[bold]抓取[/] {task.fields[site]}"),
        BarColumn(),
        TextColumn("页面 {task.completed:.0f}/{task.total:.0f}"),
        TextColumn("排队 {task.fields[queued]}"),
        TextColumn("错误 {task.fields[errors]}"),
        TextColumn("{task.fields[rate]:.1f} 页/秒"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("crawl", total=1, site=config.site_name, queued=0, errors=0, rate=0.0)

        def show(p: dict) -> None:
            done = p.get("done", 0)
            bar.update(
                task,
                completed=done,
                total=max(done + p.get("queued", 0), 1),
                queued=p.get("queued", 0),
                errors=p.get("errors", 0),
                rate=p.get("rate", 0.0),
            )

        return run_audit(config, out, db, progress=show)


def print_summary(result: AuditResult, console: Console) -> None:
    counts = Counter((f.check, f.severity) for f in result.findings)
    table = Table(title=f"审计 #{result.audit_id} 结果汇总")
    table.add_column("问题类型")
    for severity in SEVERITIES:
        table.add_column(SEVERITY_ZH[severity], justify="right")
    for check in sorted({c for c, _ in counts}):
        table.add_row(check_name(check), *(str(counts[(check, s)]) for s in SEVERITIES))
    c = result.counters
    console.print(table)
    console.print(
        f"页面 {c.get('pages', 0)}，链接目标 {c.get('targets', 0)}，抓取错误 {c.get('errors', 0)}，"
        f"用时 {c.get('elapsed', 0):.1f} 秒；问题 {len(result.findings)} 条"
    )
    if c.get("attachments_read") or c.get("attachments_unreadable"):
        console.print(
            f"附件 读取 {c.get('attachments_read', 0)} 个，"
            f"无法读取 {c.get('attachments_unreadable', 0)} 个，"
            f"提取用时 {c.get('extract_seconds', 0):.1f} 秒"
        )
    for path in result.outputs:
        console.print(f"  → {path}")
    if result.scorecard:
        print_scorecard(result.scorecard, console)


def print_scorecard(items, console: Console) -> None:
    """The inspection veto items: the office's first question is whether the site would pass."""
    from reports.scorecard import overall

    colours = {"合格": "green", "预警": "yellow", "否决": "bold red", "未检查": "dim"}
    table = Table(title=f"检查指标单项否决项：{overall(list(items))}")
    for header in ("否决项", "实测", "否决阈值", "结论"):
        table.add_column(header, justify="left" if header == "否决项" else "right")
    for item in items:
        colour = colours.get(item.verdict, "")
        table.add_row(
            item.name,
            item.measured_label(),
            item.threshold_label(),
            f"[{colour}]{item.verdict}[/]" if colour else item.verdict,
        )
    console.print(table)


if __name__ == "__main__":
    sys.exit(main())
