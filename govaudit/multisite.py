"""Audits of every site of a multi-site profile: one process per site, N at a time, one table.

One crawl per process (a crash, a runaway page or its memory stays with its site): each site is
audited by its own `govaudit audit --config FILE --site KEY` child process, which writes `OUT/<key>/` (findings.json,
reports, `summary.json`, `govaudit.log`) into the shared store. The parent validates every site
before the first crawl (a bad key stops everything with exit 2), runs `jobs` children at a time,
and prints the cross-site summary from the children's `summary.json`.

`summary.json` (written by `write_summary` for every audit, single-site too) is the small
machine-readable outcome a scheduler or an index page reads: site, audit id, exit status,
pages, findings by severity, the scorecard's veto verdicts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govaudit.audit import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_UNREACHABLE,
    AuditResult,
    validated_rules,
)
from govaudit.core.config import ConfigError, SiteProfile
from govaudit.core.model import SEVERITIES
from govaudit.reports import report_settings
from govaudit.reports.alerts import alert_settings

SUMMARY_FILE = "summary.json"
EXIT_SOME_FAILED = 1  # a site's audit crashed or was killed (not merely unreachable)


def write_summary(
    result: AuditResult, site_key: str, site_name: str, exit_status: int, out_dir: Path
) -> Path:
    """OUT/summary.json: the audit's outcome in one small object."""
    from govaudit.checks.scorecard import overall

    severities = Counter(f.severity for f in result.findings)
    opened = Counter(r.severity for r in (result.report.open_rows if result.report else []))
    payload = {
        "site": site_key,
        "site_name": site_name,
        "audit_id": result.audit_id,
        "exit_status": exit_status,
        "pages": result.counters.get("pages", 0),
        "requests": result.counters.get("requests", 0),
        "not_modified": result.counters.get("not_modified", 0),
        # Pages and link targets verified at the site today, and carried from earlier audits.
        "verified": result.counters.get("verified", 0),
        "carried": result.counters.get("carried", 0),
        "elapsed": result.counters.get("elapsed", 0),
        # Scrapy's stats of the crawl, ours (govaudit/...) among them.
        "crawl_stats": result.counters.get("crawl_stats", {}),
        "findings": {s: severities.get(s, 0) for s in SEVERITIES},
        # What the xlsx and report.html list as 待整改 (after the staff's reviews): the table's.
        "open_findings": {s: opened.get(s, 0) for s in SEVERITIES},
        # Said first: what the audit saw bounds every verdict (checks/completeness.py). An
        # unreachable site or a part of one is 无法判定 (or 否决), never a hollow 合格.
        # 预警 rows (warnings.json) and 疑似 findings: apart from the problems and every veto.
        "warnings": len(result.report.warnings) if result.report else 0,
        "suspected": result.report.suspected if result.report else 0,
        # Imported outside lists' rows by their status after this audit (仍存在, 未核实, ...).
        "outside": result.report.outside_counts if result.report else {},
        "veto": result.verdict or (overall(list(result.scorecard)) if result.scorecard else None),
        "complete": result.complete,
        "incomplete": list(result.incomplete),
        "scorecard": [
            {
                "name": item.name,
                "measured": item.measured_label(),
                "threshold": item.threshold_label(),
                "verdict": item.verdict,
                "note": item.note,
            }
            for item in result.scorecard
        ],
    }
    path = out_dir / SUMMARY_FILE
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def validate_sites(profiles: dict[str, SiteProfile], **flags: Any) -> None:
    """Every site's profile, check sections and report settings, before any crawl."""
    for profile in profiles.values():
        config = profile.config(**flags)
        try:
            validated_rules(config)
            alert_settings(config.alerts, report_settings(config.report))
        except ConfigError as e:
            raise profile.error(str(e)) from None


@dataclass(frozen=True)
class SiteRun:
    """One child audit's outcome: its exit status, seconds, and summary.json (None if absent)."""

    key: str
    exit_status: int
    seconds: float
    summary: dict[str, Any] | None
    stderr: str


def run_sites(
    profile_path: Path,
    keys: list[str],
    out: Path,
    db: Path,
    jobs: int,
    child_args: list[str],
    announce=None,
) -> list[SiteRun]:
    """Audit each site in a child process, `jobs` at a time; results in `keys` order.

    `child_args` are the flags passed on to every child (--as-of, --resume, ...); `announce`
    receives one line when a site starts and when it ends."""
    say = announce or (lambda line: None)

    def one(key: str) -> SiteRun:
        site_out = out / key
        site_out.mkdir(parents=True, exist_ok=True)
        (site_out / SUMMARY_FILE).unlink(missing_ok=True)  # never report a stale outcome
        command = [
            sys.executable,
            "-m",
            "govaudit.cli",
            "audit",
            "--config",
            str(profile_path),
            "--site",
            key,
            "--out",
            str(out),
            "--db",
            str(db),
            "--quiet",
            *child_args,
        ]
        say(f"[{key}] 开始审计")
        started = time.monotonic()
        proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seconds = time.monotonic() - started
        summary_path = site_out / SUMMARY_FILE
        summary = (
            json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else None
        )
        say(f"[{key}] 退出码 {proc.returncode}，用时 {seconds:.1f} 秒")
        return SiteRun(key, proc.returncode, seconds, summary, proc.stderr.strip())

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, keys))


def overall_exit(runs: list[SiteRun]) -> int:
    """0 when every site was audited completely, 6 when some only in part, 3 when some were
    unreachable, 1 when one crashed."""
    statuses = {run.exit_status for run in runs}
    if statuses <= {EXIT_OK}:
        return EXIT_OK
    if statuses <= {EXIT_OK, EXIT_INCOMPLETE}:
        return EXIT_INCOMPLETE
    if statuses <= {EXIT_OK, EXIT_INCOMPLETE, EXIT_UNREACHABLE}:
        return EXIT_UNREACHABLE
    return EXIT_SOME_FAILED


def summary_rows(runs: list[SiteRun]) -> list[list[str]]:
    """The cross-site table: site, pages, 待整改 findings by severity (after reviews, as the
    reports list them), veto verdict, exit status."""
    rows = []
    for run in runs:
        s = run.summary or {}
        found = s.get("open_findings", s.get("findings", {}))
        vetoed = [i["name"] for i in s.get("scorecard", []) if i["verdict"] == "否决"]
        veto = s.get("veto") or "—"
        if vetoed:
            veto = f"{veto}（{len(vetoed)} 项）"
        rows.append(
            [
                run.key,
                str(s["pages"]) if s else "—",
                *(str(found.get(sev, 0)) if s else "—" for sev in SEVERITIES),
                veto,
                str(run.exit_status),
            ]
        )
    return rows


SUMMARY_HEADERS = ["站点", "页面", "严重", "一般", "提示", "单项否决", "退出状态"]
