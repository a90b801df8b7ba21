"""What the console shows: the progress bar of a crawl, the audit's summary, verdict and scorecard,
and the cross-site table; shared by `audit`, `demo`, `report` and `summary`."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from govaudit.audit import (
    AuditResult,
    run_audit,
)
from govaudit.core.model import SEVERITIES
from govaudit.reports.labels import severity_name


def print_sites_table(rows: list[list[str]], title: str) -> None:
    """The cross-site table (multi-site audits and `govaudit summary`), on stdout."""
    from govaudit.multisite import SUMMARY_HEADERS

    table = Table(title=title)
    for i, header in enumerate(SUMMARY_HEADERS):
        table.add_column(header, justify="left" if i in (0, 5) else "right")
    for row in rows:
        table.add_row(*row)
    Console().print(table)


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
    print_follow_up(report, console)
    console.print(
        "（“严重”是属单项否决类的问题条数；网站是否被否决，以下方“检查指标单项否决项”为准）",
        soft_wrap=True,
        style="dim",
    )


def print_follow_up(report, console: Console) -> None:
    """疑似 findings (not in any veto count), the 预警 rows and the outside lists' rows, apart
    from the problems."""
    if report.suspected:
        console.print(f"其中疑似问题 {report.suspected} 条（疑似，待下次审计确认），未计入否决项")
    if report.warnings:
        console.print(f"[yellow]预警 {len(report.warnings)} 条[/]（不计入问题与否决项）：")
        for w in report.warnings:
            console.print(f"  · {w.title}", soft_wrap=True, markup=False)
    if report.outside:
        console.print(f"外部清单 {len(report.outside)} 条：{report.outside_summary}", markup=False)


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
