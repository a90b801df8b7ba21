"""Command line: `govaudit audit`, `govaudit demo` and friends. A thin layer over functions.

User errors (bad flags, bad profile, unreadable files) print one line `govaudit: ...` and exit 2;
tracebacks are reserved for bugs.
"""

from __future__ import annotations

import argparse
import re
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
from govaudit.reports.labels import error_name, severity_name


class UsageError(Exception):
    pass


# argparse's own messages, in the Chinese the users read (its usage line, section titles and
# -h are set in `_Parser`). Patterns, because the messages carry argument names and values.
_ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (.*)", r"缺少必需的参数：\1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"参数 \1：没有 \2（可选：\3）"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面需要一个值"),
    (r"argument (\S+): ignored explicit argument (.*)", r"参数 \1 不带值，却给了 \2"),
    (r"argument (\S+): not allowed with argument (.*)", r"参数 \1 不能与 \2 同时使用"),
    (r"argument (\S+): invalid (\S+) value: (.*)", r"参数 \1：无效的值 \3"),
    (r"argument (\S+): (.*)", r"参数 \1：\2"),
    (r"ambiguous option: (\S+) could match (.*)", r"选项 \1 不明确，可能是：\2"),
)


def _in_chinese(message: str) -> str:
    for pattern, replacement in _ARGPARSE_MESSAGES:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class _HelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # noqa: ANN001
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse speaking Chinese: usage, section titles, -h, and errors (one line, exit 2)."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> None:  # one line, exit 2, as for config errors
        raise UsageError(_in_chinese(message))


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为日期 YYYY-MM-DD，而不是 {text!r}") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，而不是 {text!r}")
    return int(text)


class _Version(argparse.Action):
    """`--version`: the installed version, read only when asked (package metadata is slow)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **_: object):
        super().__init__(option_strings, dest, nargs=0, help="显示版本并退出")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from govaudit import __version__

        print(f"govaudit {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="govaudit",
        description="政府网站监测：抓取站点、检查问题、生成整改问题清单。",
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, title="命令"
    )

    audit = sub.add_parser("audit", help="抓取站点、运行全部检查，生成问题清单和报告")
    audit.add_argument("start_url", nargs="?", help="抓取起始地址（默认：配置文件中的 start_urls）")
    audit.add_argument("--out", required=True, type=Path, help="输出目录（findings.json 和各报告）")
    audit.add_argument("--config", type=Path, help="站点配置文件（TOML）")
    audit.add_argument("--as-of", type=_as_of, help="各项日期规则所用的“今天”（YYYY-MM-DD）")
    audit.add_argument("--wordlist", action="append", default=[], help="附加的 TSV 词表（可重复）")
    audit.add_argument("--max-pages", type=_positive, help="最多抓取的页面数")
    audit.add_argument("--concurrency", type=_positive, help="每个主机的并发请求数（默认 2）")
    audit.add_argument("--db", type=Path, help="SQLite 数据库（默认：OUT/govaudit.db）")
    audit.add_argument(
        "--quiet",
        action="store_true",
        help="不显示进度；每个阶段向日志文件写一行（供 cron、systemd、任务计划程序使用）",
    )
    audit.add_argument(
        "--log", type=Path, help="阶段日志文件（使用 --quiet 时默认 OUT/govaudit.log）"
    )
    audit.add_argument("--site", help="多站点配置：只审计该站点（输出在 OUT/SITE/）")
    audit.add_argument(
        "--jobs",
        type=_positive,
        default=1,
        help="多站点配置：同时审计的站点数，每站一个进程（默认 1）",
    )
    audit.add_argument(
        "--resume",
        action="store_true",
        help="继续该站点中断的审计（须用相同的 --out/--db）",
    )
    audit.add_argument(
        "--full",
        action="store_true",
        help="完整抓取每个页面（不向服务器发条件请求比对上次审计）",
    )
    audit.add_argument(
        "--fail-incomplete",
        action="store_true",
        help="审计未覆盖整个网站时（达到 max_pages、max_depth 或时间上限，或有页面被人机验证拦截）"
        "以退出码 6 结束：此时结论为 否决 或 无法判定",
    )
    audit.add_argument(
        "--no-alerts",
        action="store_true",
        help="审计后不发送告警（企业微信、钉钉、邮件：配置文件 [alerts]）",
    )

    demo = sub.add_parser("demo", help="在 127.0.0.1 上审计自带的示例单位网站")
    demo.add_argument(
        "--out", type=Path, default=Path("govaudit-demo"), help="输出目录（默认 govaudit-demo）"
    )
    demo.add_argument("--quiet", action="store_true", help="不显示进度")
    _add_report_commands(sub)
    from govaudit.distributed.commands import add_commands  # rq is imported only when run

    add_commands(sub, _as_of, _positive)
    return parser


def _add_report_commands(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser(
        "report", help="重新生成已保存审计的 findings.json、整改清单.xlsx 和 report.html"
    )
    report.add_argument("--db", required=True, type=Path, help="保存历次审计的 SQLite 数据库")
    report.add_argument("--audit", type=_positive, help="审计编号（默认：最近一次）")
    report.add_argument(
        "--period",
        help="期间报告：汇总该期间的历次审计（2026-Q4 季度、2026-11 月份、2026 年度），"
        "生成 .docx 和 .xlsx；数据库中有多个站点时另生成跨站点汇总",
    )
    report.add_argument("--out", required=True, type=Path, help="输出目录")
    audits = sub.add_parser("audits", help="列出数据库中保存的审计")
    audits.add_argument("--db", required=True, type=Path, help="SQLite 数据库")
    review = sub.add_parser("review", help="工作人员对问题的处理（整改状态、整改说明等）")
    review_sub = review.add_subparsers(
        dest="review_command", metavar="ACTION", parser_class=_Parser, title="操作"
    )
    imp = review_sub.add_parser(
        "import",
        help="把填好的整改清单.xlsx（整改状态、整改说明、责任科室、整改时限）导入数据库",
    )
    imp.add_argument("xlsx", type=Path, help="工作人员填好的整改清单.xlsx")
    imp.add_argument("--db", required=True, type=Path, help="该审计所在的 SQLite 数据库")


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
        problems = getattr(e, "problems", None)  # a review import names every bad row
        if problems:
            print(f"govaudit: {e.headline}", file=sys.stderr)
            for problem in problems:
                print(f"govaudit:   {problem}", file=sys.stderr)
        else:
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
        print("govaudit: 已中断；已抓取的内容保存在数据库中（可用 --resume 继续）", file=sys.stderr)
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
            raise UsageError("多站点配置不能再指定起始地址 START_URL")
        profiles = load_sites(args.config)
        if args.site is None:
            return cmd_audit_sites(args, profiles, flags, console)
        if args.site not in profiles:
            known = ", ".join(profiles)
            raise ConfigError(f"{args.config} 中没有站点 {args.site!r}（已有站点：{known}）")
        key, out = args.site, args.out / args.site
        profile = profiles[key]
        config = profile.config(**flags)
        try:
            validated_rules(config)
        except ConfigError as e:
            raise profile.error(str(e)) from None
    elif args.site:
        raise UsageError("--site 需要多站点配置（--config 中的 [sites.<key>] 表）")
    else:
        config = load_config(args.config, start_url=args.start_url, **flags)
        validated_rules(config)  # before the progress bar: a bad profile is one line alone
    log_path = args.log or (out / "govaudit.log" if args.quiet else None)
    log = phase_log(log_path, key or config.site_name) if log_path else None
    result = audit_with_progress(
        config,
        out,
        db,
        console,
        args.quiet,
        resume=args.resume,
        full=args.full,
        log=log,
        alerts=not args.no_alerts,
    )
    if not args.quiet:
        print_summary(result, console)
    for line in result.alert_failures:  # the log has them already; the audit stands
        print(f"govaudit: {line}", file=sys.stderr)
    status = result.exit_status(args.fail_incomplete)
    why = None
    if not result.reachable:
        why = unreachable_reason(db, result.audit_id, config.start_urls[0])
    elif not result.judged:
        why = f"{config.start_urls[0]}：未能审计任何内容（{'；'.join(result.incomplete)}）"
    elif not result.complete:
        why = f"审计不完整（结论 {result.verdict}）：{'；'.join(result.incomplete)}"
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
        log(f"警告：{checked_by_waf} 个页面被网站防火墙的人机验证拦截，未能检查")
    if log:
        c = result.counters
        rows = result.report.open_rows if result.report else result.findings
        by = Counter(r.severity for r in rows)
        log(
            f"汇总：退出码 {status}，页面 {c.get('pages', 0)}，待整改问题 {len(rows)} 条"
            f"（{'、'.join(f'{severity_name(s)} {by[s]}' for s in SEVERITIES)}），"
            f"请求 {c.get('requests', 0)}，未变化 {c.get('not_modified', 0)}，"
            f"审计 #{result.audit_id}"
            + (f"，结论 {result.verdict}" if result.verdict else "")
            + ("" if result.complete else "（审计不完整）")
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
            ("--no-alerts", args.no_alerts),
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
        raise UsageError(f"--log {path} 是目录，不是文件")
    existing = next((p for p in path.parents if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise UsageError(f"--log {path}：{existing} 不是目录")


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
            f"robots.txt 禁止抓取 {start_url}：未审计任何内容"
            "（审计本单位网站时，可设 crawl.obey_robots = false）"
        )
    if record is not None and SCRIPT_CHALLENGE in record.meta:
        return (
            f"{start_url} 返回 HTTP {record.status}，是网站防火墙（WAF）的人机验证页面"
            f"（{record.meta[SCRIPT_CHALLENGE]}），而不是网站内容：未审计任何内容"
            "（请在网站防火墙上放行本机 IP 后重新审计）"
        )
    detail = f"（{error_name(record.error)}）" if record is not None and record.error else ""
    return f"无法访问 {start_url}{detail}：未审计任何内容"


def audit_with_progress(
    config,
    out: Path,
    db: Path,
    console: Console,
    quiet: bool,
    resume: bool = False,
    full: bool = False,
    log=None,
    alerts: bool = True,
) -> AuditResult:
    if quiet:
        return run_audit(
            config, out, db, resume=resume, incremental=not full, log=log, alerts=alerts
        )
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
            config,
            out,
            db,
            progress=show,
            resume=resume,
            incremental=not full,
            log=log,
            alerts=alerts,
        )


def print_summary(result: AuditResult, console: Console) -> None:
    """The audit's outcome as the reports show it: the same counts, after the staff's reviews;
    the verdict first (may the rest be trusted)."""
    print_verdict(result.verdict, result.incomplete, console)
    if result.report is not None:
        print_counts(result.report, console)
    c = result.counters
    console.print(
        f"页面 {c.get('pages', 0)}，链接目标 {c.get('targets', 0)}，抓取错误 {c.get('errors', 0)}，"
        f"用时 {c.get('elapsed', 0):.1f} 秒"
    )
    if c.get("carried"):
        console.print(
            f"今日核验 {c.get('verified', 0)} 个页面和链接目标，"
            f"沿用 {c['carried']} 个此前审计的记录（轮换核验：crawl.verify_every_days 天内"
            "每个至少核验一次；--full 全部核验）"
        )
    if c.get("attachments_read") or c.get("attachments_unreadable"):
        console.print(
            f"附件 读取 {c.get('attachments_read', 0)} 个，"
            f"无法读取 {c.get('attachments_unreadable', 0)} 个，"
            f"提取用时 {c.get('extract_seconds', 0):.1f} 秒"
        )
    if c.get("render_problem") and c.get("render_unreadable"):
        console.print(f"[yellow]浏览器不可用：{c['render_problem']}[/]")
    if c.get("rendered") or c.get("render_unreadable"):
        console.print(
            f"浏览器渲染 {c.get('rendered', 0)} 个页面（{c.get('render_seconds', 0):.1f} 秒），"
            f"{c.get('render_unreadable', 0)} 个页面的列表无法读取，记为无法判定"
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


def print_counts(report, console: Console) -> None:
    """待整改 findings by type and severity, and where they stand against the previous audit:
    the numbers of the xlsx's 汇总 and of report.html, from the same listing."""
    table = Table(title=f"审计 #{report.audit_id} 待整改问题（按问题类型，单位：条）")
    table.add_column("问题类型")
    for severity in SEVERITIES:
        table.add_column(severity_name(severity), justify="right")
    table.add_column("合计", justify="right")
    for name, by_severity, total in report.by_check:
        table.add_row(name, *(str(by_severity[s]) for s in SEVERITIES), str(total))
    console.print(table)
    counts, history = report.history.counts(), report.history
    since = (
        f"与上次审计（#{history.previous_audit}，{history.previous_as_of}）比较"
        if history.previous_as_of
        else "首次审计，无历史比较"
    )
    console.print(
        f"待整改问题 {report.total_open} 条：新发现 {counts['new']}，持续存在 {counts['open']}，"
        f"重新出现 {counts['reopened']}；已整改 {counts['fixed']}，"
        f"已标记误报 {counts['suppressed']}（{since}）",
        soft_wrap=True,
    )
    console.print(
        "（“严重”是属单项否决类的问题条数；网站是否被否决，以下方“检查指标单项否决项”为准）",
        soft_wrap=True,
        style="dim",
    )


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
    from govaudit.checks.scorecard import overall

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
