"""`govaudit audit`: one site, or every site of a multi-site profile, with the console's display."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

from rich.console import Console

from govaudit.audit import (
    validated_rules,
)
from govaudit.commands import UsageError
from govaudit.console import audit_with_progress, print_sites_table, print_summary
from govaudit.core.config import ConfigError, is_multi_site, load_config, load_sites
from govaudit.core.model import SCRIPT_CHALLENGE, SEVERITIES
from govaudit.multisite import write_summary
from govaudit.reports.labels import error_name, severity_name


def cmd_audit(args: argparse.Namespace, console: Console) -> int:
    flags = {
        "as_of": args.as_of,
        "wordlists": tuple(args.wordlist),
        "max_pages": args.max_pages,
        "concurrency": args.concurrency,
        "screenshots": False if args.no_screenshots else None,
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
            ("--no-screenshots", args.no_screenshots),
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
