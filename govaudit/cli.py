"""Command line: `govaudit audit`, `govaudit demo` and friends. A thin layer over functions.

User errors (bad flags, bad profile, unreadable files) print one line `govaudit: ...` and exit 2;
tracebacks are reserved for bugs.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from govaudit.audit import (
    EXIT_CRAWL_FAILED,
    EXIT_USAGE,
    AuditFailed,
    AuditResult,
    run_audit,
    validated_rules,
)
from govaudit.core.config import ConfigError, is_multi_site, load_config, load_sites
from govaudit.core.model import SCRIPT_CHALLENGE, SEVERITIES
from govaudit.core.store import StoreError
from govaudit.multisite import write_summary
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


class _Version(argparse.Action):
    """`--version`: the installed version, read only when asked (package metadata is slow)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **_: object):
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from govaudit import __version__

        print(f"govaudit {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="govaudit",
        description="政府网站监测：抓取站点、检查问题、生成整改问题清单。"
        " Audit a government website and produce its rectification list.",
    )
    parser.add_argument("--version", action=_Version)
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
    audit.add_argument(
        "--quiet",
        action="store_true",
        help="no progress display; one line per phase to the log file (for cron and systemd)",
    )
    audit.add_argument(
        "--log", type=Path, help="log file of the phases (default with --quiet: OUT/govaudit.log)"
    )
    audit.add_argument(
        "--site", help="multi-site profile: audit only this site (output in OUT/SITE/)"
    )
    audit.add_argument(
        "--jobs",
        type=_positive,
        default=1,
        help="multi-site profile: sites audited at a time, one process each (default 1)",
    )
    audit.add_argument(
        "--resume",
        action="store_true",
        help="continue the site's interrupted audit in the store (same --out/--db), if any",
    )
    audit.add_argument(
        "--full",
        action="store_true",
        help="fetch every page in full (no conditional requests against the previous audit)",
    )
    audit.add_argument(
        "--fail-incomplete",
        action="store_true",
        help="exit 6 when the audit did not see the whole site (max_pages, max_depth, a time"
        " limit, pages behind a bot check): its verdict is then 否决 or 无法判定",
    )

    demo = sub.add_parser("demo", help="audit the bundled sample bureau site on 127.0.0.1")
    demo.add_argument("--out", type=Path, default=Path("govaudit-demo"), help="output directory")
    demo.add_argument("--quiet", action="store_true", help="no progress display")
    _add_report_commands(sub)
    from govaudit.distributed.commands import add_commands  # rq is imported only when run

    add_commands(sub, _as_of, _positive)
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
        if args.command in ("worker", "enqueue", "summary"):
            from govaudit.distributed.commands import run_command

            return run_command(args, print_sites_table)
        build_parser().print_help()
        return EXIT_USAGE
    except (UsageError, ConfigError, StoreError) as e:
        print(f"govaudit: {e}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:
        if e.filename is None:  # not about a file the user named: a bug, keep the traceback
            raise
        # --out a file, an unwritable directory, a full disk: what was stored is kept.
        print(f"govaudit: {e.filename}: {e.strerror}", file=sys.stderr)
        return EXIT_USAGE
    except AuditFailed as e:
        print(f"govaudit: {e}", file=sys.stderr)
        return EXIT_CRAWL_FAILED
    except KeyboardInterrupt:
        print("govaudit: interrupted; what was recorded is kept in the store", file=sys.stderr)
        return 130


def cmd_audit(args: argparse.Namespace, console: Console) -> int:
    flags = {
        "as_of": args.as_of,
        "wordlists": tuple(args.wordlist),
        "max_pages": args.max_pages,
        "concurrency": args.concurrency,
    }
    out, db, key = args.out, args.db or args.out / "govaudit.db", None
    check_log_path(args.log)
    if args.config and is_multi_site(args.config):
        if args.start_url:
            raise UsageError("a START_URL cannot be combined with a multi-site profile")
        profiles = load_sites(args.config)
        if args.site is None:
            return cmd_audit_sites(args, profiles, flags, console)
        if args.site not in profiles:
            known = ", ".join(profiles)
            raise ConfigError(f"no site {args.site!r} in {args.config} (sites: {known})")
        key, out = args.site, args.out / args.site
        profile = profiles[key]
        config = profile.config(**flags)
        try:
            validated_rules(config)
        except ConfigError as e:
            raise profile.error(str(e)) from None
    elif args.site:
        raise UsageError("--site needs a multi-site profile ([sites.<key>] tables in --config)")
    else:
        config = load_config(args.config, start_url=args.start_url, **flags)
        validated_rules(config)  # before the progress bar: a bad profile is one line alone
    log_path = args.log or (out / "govaudit.log" if args.quiet else None)
    log = phase_log(log_path, key or config.site_name) if log_path else None
    result = audit_with_progress(
        config, out, db, console, args.quiet, resume=args.resume, full=args.full, log=log
    )
    if not args.quiet:
        print_summary(result, console)
    status = result.exit_status(args.fail_incomplete)
    why = None
    if not result.reachable:
        why = unreachable_reason(db, result.audit_id, config.start_urls[0])
    elif not result.judged:
        why = f"{config.start_urls[0]}: nothing could be audited ({'；'.join(result.incomplete)})"
    elif not result.complete:
        why = "incomplete audit, verdict " + f"{result.verdict}: {'；'.join(result.incomplete)}"
    if why:
        # An incomplete audit is an error only when the scheduler asked for it (its console
        # summary says it first either way); the log always keeps it.
        if status:
            print(f"govaudit: {why}", file=sys.stderr)
        if log:
            log(why)
    write_summary(result, key or config.site_name, config.site_name, status, out)
    checked_by_waf = result.counters.get("skipped_by_reason", {}).get("bot_check", 0)
    if log and checked_by_waf:
        log(f"warning: {checked_by_waf} pages answered with a WAF's bot check were not checked")
    if log:
        c, by = result.counters, Counter(f.severity for f in result.findings)
        log(
            f"summary: exit {status}, {c.get('pages', 0)} pages, {len(result.findings)} findings"
            f" ({', '.join(f'{s} {by[s]}' for s in SEVERITIES)}), {c.get('requests', 0)}"
            f" requests, {c.get('not_modified', 0)} not modified, audit #{result.audit_id}"
            + (f", verdict {result.verdict}" if result.verdict else "")
            + ("" if result.complete else " (incomplete)")
        )
    return status


def cmd_audit_sites(args: argparse.Namespace, profiles, flags: dict, console: Console) -> int:
    """Every site of the profile, one child process each, `--jobs` at a time; one table."""
    from govaudit.multisite import (
        SUMMARY_HEADERS,
        overall_exit,
        run_sites,
        summary_rows,
        validate_sites,
    )

    validate_sites(profiles, **flags)
    child: list[str] = []
    if args.as_of:
        child += ["--as-of", args.as_of.isoformat()]
    for path in args.wordlist:
        child += ["--wordlist", path]
    for flag, value in (("--max-pages", args.max_pages), ("--concurrency", args.concurrency)):
        if value:
            child += [flag, str(value)]
    child += [
        f
        for f, on in (
            ("--resume", args.resume),
            ("--full", args.full),
            ("--fail-incomplete", args.fail_incomplete),
        )
        if on
    ]
    log_path = args.log or (args.out / "govaudit.log" if args.quiet else None)
    log = phase_log(log_path, "sites") if log_path else None

    def announce(line: str) -> None:
        if log:
            log(line)
        if not args.quiet:
            console.print(line, markup=False, highlight=False)

    runs = run_sites(
        args.config,
        list(profiles),
        args.out,
        args.db or args.out / "govaudit.db",
        args.jobs,
        child,
        announce,
    )
    rows = summary_rows(runs)
    for run in runs:
        if run.stderr:
            last = run.stderr.splitlines()[-1].removeprefix("govaudit: ")
            print(f"govaudit: [{run.key}] {last}", file=sys.stderr)
    if log:
        log(" | ".join(SUMMARY_HEADERS))
        for row in rows:
            log(" | ".join(row))
    if not args.quiet:
        print_sites_table(rows, f"{len(runs)} 个站点审计汇总")
    return overall_exit(runs)


def print_sites_table(rows: list[list[str]], title: str) -> None:
    """The cross-site table (multi-site audits and `govaudit summary`), on stdout."""
    from govaudit.multisite import SUMMARY_HEADERS

    table = Table(title=title)
    for i, header in enumerate(SUMMARY_HEADERS):
        table.add_column(header, justify="left" if i in (0, 5) else "right")
    for row in rows:
        table.add_row(*row)
    Console().print(table)


def check_log_path(path: Path | None) -> None:
    """A --log that can never be a file fails now, before the audit starts (not at its first
    line, which would leave the audit unfinished in the store)."""
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"--log {path} is a directory, not a file")
    existing = next((p for p in path.parents if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise UsageError(f"--log {path}: {existing} is not a directory")


def phase_log(path: Path, name: str):
    """A function appending one timestamped line to `path` (the log cron and systemd keep)."""

    def log(line: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)  # not before the first line: a bad
        # profile stops the run without leaving an empty OUT behind
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"{stamp} govaudit[{name}]: {line}\n")

    return log


def unreachable_reason(db: Path, audit_id: int, start_url: str) -> str:
    """Why not one start URL could be fetched: robots.txt, a WAF's bot check, or the network's
    own error."""
    from govaudit.core.store import Store

    store = Store(db)
    try:
        record = store.view(audit_id).page(start_url)
    finally:
        store.close()
    if record is not None and record.error == "skipped" and record.error_detail == "robots":
        return (
            f"robots.txt forbids {start_url}: nothing was audited"
            " (for your own site, set crawl.obey_robots = false)"
        )
    if record is not None and SCRIPT_CHALLENGE in record.meta:
        return (
            f"{start_url} answered HTTP {record.status} with a bot check"
            f" ({record.meta[SCRIPT_CHALLENGE]}) instead of the site: nothing was audited"
            " (allow this machine's IP address on the site's WAF, then audit again)"
        )
    detail = f" ({record.error})" if record is not None and record.error else ""
    return f"could not reach {start_url}{detail}"


def audit_with_progress(
    config,
    out: Path,
    db: Path,
    console: Console,
    quiet: bool,
    resume: bool = False,
    full: bool = False,
    log=None,
) -> AuditResult:
    if quiet:
        return run_audit(config, out, db, resume=resume, incremental=not full, log=log)
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

        return run_audit(
            config, out, db, progress=show, resume=resume, incremental=not full, log=log
        )


def print_summary(result: AuditResult, console: Console) -> None:
    print_verdict(result.verdict, result.incomplete, console)  # first: may the rest be trusted
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
    checked_by_waf = c.get("skipped_by_reason", {}).get("bot_check", 0)
    if checked_by_waf:
        console.print(
            f"[bold yellow]{checked_by_waf} 个页面被网站防火墙的人机验证拦截，未能检查"
            "（请将本机 IP 加入白名单后重新审计）[/]"
        )
    for path in result.outputs:
        console.print(f"  → {path}")
    if result.scorecard:
        print_scorecard(result.scorecard, console, result.verdict, result.incomplete)


_VERDICT_COLOURS = {
    "合格": "green",
    "预警": "yellow",
    "否决": "bold red",
    "未检查": "dim",
    "无法判定": "bold yellow",
}


def print_verdict(verdict: str | None, incomplete: tuple[str, ...], console: Console) -> None:
    """总体结论 and, for an audit that did not see the whole site, why (before any number)."""
    if verdict is None:
        return
    colour = _VERDICT_COLOURS.get(verdict, "")
    console.print(f"总体结论：[{colour}]{verdict}[/]" if colour else f"总体结论：{verdict}")
    if incomplete:
        console.print("[bold yellow]审计不完整，结论仅适用于已检查的页面：[/]")
        for reason in incomplete:
            console.print(f"  · {reason}", markup=False, highlight=False)


def print_scorecard(
    items, console: Console, verdict: str | None = None, incomplete: tuple[str, ...] = ()
) -> None:
    """The inspection veto items: the office's first question is whether the site would pass."""
    from reports.scorecard import overall

    colours = _VERDICT_COLOURS
    verdict = verdict or overall(list(items))
    note = "（审计不完整）" if incomplete else ""
    table = Table(title=f"检查指标单项否决项：{verdict}{note}")
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
