"""`govaudit report`, `audits`, `evidence` and `review import`: commands on a kept store.

They work on the SQLite store alone (no crawl), so they are cheap to run again: regenerate the
outputs of any audit, list what the store holds, read staff decisions back. A store path that
does not exist is a usage error, never a fresh empty database.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from govaudit.audit import EXIT_OK, write_outputs
from govaudit.core.config import ConfigError
from govaudit.core.store import Store
from govaudit.reports import report_settings
from govaudit.reports.evidence import EvidenceError, evidence_html, find_evidence
from govaudit.reports.labels import audit_state


def add_evidence_command(sub: argparse._SubParsersAction, positive: Callable[[str], int]) -> None:
    evidence = sub.add_parser("evidence", help="查看问题的存档：审计时抓取的页面，标出问题所在位置")
    evidence.add_argument("finding_id", help="问题编号（findings.json 的 id，整改清单的问题编号）")
    evidence.add_argument("--db", required=True, type=Path, help="SQLite 数据库")
    evidence.add_argument("--audit", type=positive, help="审计编号（默认：最近一次发现它的审计）")
    evidence.add_argument("--out", type=Path, help="写入的 HTML 文件（默认：问题存档-<编号>.html）")


def run_report_command(args: argparse.Namespace, console: Console) -> int:
    if args.command == "review" and args.review_command is None:
        raise ConfigError("review：请指明操作，例如 govaudit review import 整改清单.xlsx --db 文件")
    store = _open_store(args.db)
    try:
        if args.command == "report" and args.period:
            if args.audit:
                raise ConfigError("--period 与 --audit 不能同时使用")
            return cmd_period_report(store, args.period, args.out, console, args.profile)
        if args.command == "report" and args.profile:
            raise ConfigError("--profile 需与 --period 一起使用（按多站点配置汇总一个期间）")
        if args.command == "report":
            return cmd_report(store, args.audit, args.out, console)
        if args.command == "audits":
            return cmd_audits(store, console)
        if args.command == "evidence":
            return cmd_evidence(store, args.finding_id, args.audit, args.out, console)
        if args.review_command == "import":
            return cmd_review_import(store, args.xlsx, console)
        raise ConfigError("review：请指明操作，例如 govaudit review import 整改清单.xlsx --db 文件")
    finally:
        store.close()


def _open_store(path: Path) -> Store:
    if not path.exists():
        raise ConfigError(f"--db {path}：文件不存在")
    return Store(path)  # StoreError (one line, exit 2) when it is not a usable store


def cmd_report(store: Store, audit_id: int | None, out: Path, console: Console) -> int:
    from govaudit.console import print_counts, print_scorecard

    audits = store.audits()
    if not audits:
        raise ConfigError(f"--db {store.path}：数据库中没有审计")
    if audit_id is None:
        audit_id = audits[-1]["id"]
    try:
        audit = store.audit(audit_id)
    except KeyError:
        raise ConfigError(f"--audit {audit_id}：{store.path} 中没有这次审计") from None
    settings = report_settings(audit["config"].get("report") or {})
    outputs, listing = write_outputs(store, audit_id, out, settings)
    console.print(f"审计 #{audit_id}（{audit['site']}，{audit['as_of']}）的报告：")
    print_counts(listing, console)
    for path in outputs:
        console.print(f"  → {path}")
    print_scorecard(listing.score, console, listing.verdict, listing.incomplete)
    return EXIT_OK


def cmd_period_report(
    store: Store, period_text: str, out: Path, console: Console, profile: Path | None = None
) -> int:
    """The period's report of every site with audits in it (or of the sites of a multi-site
    `profile`), and their roll-up: when several, and always for a profile, whose sites without
    an audit in the period are rows of their own (本期未审计), never left out."""
    from govaudit.audit import writable_dir
    from govaudit.checks.judge import judge
    from govaudit.reports.period import parse_period, period_summary, sites_in_period
    from govaudit.reports.period_report import (
        write_period_docx,
        write_period_xlsx,
        write_rollup_docx,
    )

    period = parse_period(period_text)
    audited = sites_in_period(store, period)
    wanted = profile_sites(profile) if profile is not None else audited
    sites = [site for site in wanted if site in audited]
    if not sites:
        scope = f"{profile} 中的站点" if profile is not None else f"--db {store.path}"
        others = f"（数据库中有：{'、'.join(audited)}）" if audited and profile else ""
        raise ConfigError(f"{scope}：{period.label}（{period_text}）没有完成的审计{others}")
    writable_dir(out)
    summaries = [period_summary(store, site, period, judge) for site in sites]
    paths = []
    for summary in summaries:
        bureau = report_settings(store.audit(summary.audits[-1].audit_id)["config"].get("report"))
        paths += [write_period_docx(summary, out, bureau.bureau), write_period_xlsx(summary, out)]
        t = summary.total
        console.print(
            f"{summary.site}（{period.label}）：审计 {len(summary.audits)} 次，最近结论 "
            f"{summary.last_verdict}；发现问题 {t.found} 条，已整改 {t.fixed} 条，"
            f"仍待整改 {t.open} 条",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    missing = [site for site in wanted if site not in audited]
    for site in missing:
        console.print(
            f"{site}（{period.label}）：本期没有完成的审计", markup=False, highlight=False
        )
    if profile is not None or len(summaries) > 1:
        scope = profile.stem if profile is not None else ""
        paths.append(write_rollup_docx(summaries, out, missing, scope))
    for path in paths:
        console.print(f"  → {path}", markup=False, highlight=False)
    return EXIT_OK


def profile_sites(path: Path) -> list[str]:
    """The sites of a multi-site profile, by the names their audits are stored under."""
    from govaudit.core.config import is_multi_site, load_sites

    if not path.is_file():
        raise ConfigError(f"--profile {path}：文件不存在")
    if not is_multi_site(path):
        raise ConfigError(f"--profile {path} 不是多站点配置（没有 [sites.<key>] 表）")
    profiles = load_sites(path)
    names = []
    for profile in profiles.values():
        try:
            names.append(profile.config().site_name)
        except ConfigError as e:
            raise profile.error(str(e)) from None
    return list(dict.fromkeys(names))


def cmd_audits(store: Store, console: Console) -> int:
    table = Table(title=f"{store.path} 中的审计")
    for header in ("编号", "站点", "审计日期", "状态", "页面", "问题"):
        table.add_column(header, justify="right" if header in ("编号", "页面", "问题") else "left")
    for audit in store.audits():
        counters = audit["counters"]
        findings = counters.get("findings")
        if findings is None:
            findings = len(store.findings(audit["id"]))
        table.add_row(
            str(audit["id"]),
            audit["site"],
            audit["as_of"],
            audit_state(audit["status"]),
            str(counters.get("pages", "")),
            str(findings),
        )
    console.print(table)
    return EXIT_OK


def cmd_evidence(
    store: Store, finding_id: str, audit_id: int | None, out: Path | None, console: Console
) -> int:
    """The finding's page as stored, its place marked, in one HTML file (reports/evidence.py)."""
    try:
        evidence = find_evidence(store, finding_id.strip(), audit_id)
    except EvidenceError as e:
        raise ConfigError(str(e)) from None
    path = out or Path(f"问题存档-{evidence.finding.id}.html")
    shot = path.with_name(f"问题截图-{evidence.finding.id}.png") if evidence.screenshot else None
    try:
        if shot is not None:
            shot.write_bytes(evidence.screenshot)
        path.write_text(evidence_html(evidence, shot.name if shot else ""), encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"--out {path}：无法写入（{e.strerror}）") from None
    where = "已标出问题所在位置" if evidence.marked else "未在源码中找到问题所在位置"
    lines = [f"审计 #{evidence.audit_id} 的页面存档（{where}）：{path}"]
    if shot is not None:
        lines.append(f"页面截图（个人号码已脱敏，问题位置已框出）：{shot}")
    elif evidence.no_screenshot:
        lines.append(f"无截图：{evidence.no_screenshot}")
    for line in lines:  # a path whole on its line, however narrow the terminal
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    return EXIT_OK


def cmd_review_import(store: Store, xlsx: Path, console: Console) -> int:
    from govaudit.reports.review_import import import_reviews  # openpyxl: only to read one

    result = import_reviews(store, xlsx)
    conflicts = f"，冲突 {len(result.conflicts)} 条（保留较新的决定）" if result.conflicts else ""
    console.print(
        f"审计 #{result.audit_id}：记录整改情况 {result.written} 条，"
        f"未变 {result.unchanged} 条{conflicts}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    for line in result.conflicts:  # one line each, however narrow the terminal
        console.print(f"  冲突：{line}", markup=False, highlight=False, soft_wrap=True)
    return EXIT_OK
