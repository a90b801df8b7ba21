"""The run of one audit: crawl into the store, run every registered check, write the outputs.

This is the roof: it wires crawler → store → checks → reports and knows no detail of any of them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

from govaudit import checks
from govaudit.checks import privacy_leak
from govaudit.checks.annotate import annotated
from govaudit.checks.judge import judge
from govaudit.core.config import AuditConfig, ConfigError, merged_rules
from govaudit.core.locking import holder_pid, lock_exclusive
from govaudit.core.memory import give_back
from govaudit.core.model import Finding
from govaudit.core.store import AuditView, Store
from govaudit.core.verdicts import EarlyWarning, ScoreItem
from govaudit.helper import Helper
from govaudit.outside_lists import record_outside_statuses, validate_outside_lists
from govaudit.reports import ReportData, ReportSettings, report_settings, write_reports
from govaudit.reports.alerts import AlertSettings, alert_settings, send_alerts
from govaudit.screenshots import take_evidence_screenshots
from govaudit.text_checks import check_written, stored_findings, text_modules, warm_checks

# Exit statuses that cron and systemd units can rely on.
EXIT_OK = 0
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3  # the crawl could not fetch a single start URL
EXIT_CRAWL_FAILED = 5  # Scrapy could not run the crawl (what was recorded is kept)
# With --fail-incomplete: the audit ran and wrote its reports, but did not see the whole site
# (max_pages, max_depth, a time limit, pages behind a bot check): its verdict is 否决 or 无法判定,
# never 合格 (checks/completeness.py).
EXIT_INCOMPLETE = 6  # 4: `govaudit worker`'s queue lost; 5: the crawl could not run


class AuditFailed(Exception):
    """The crawl could not run; the message is the one line the user sees."""


@dataclass(frozen=True)
class AuditResult:
    audit_id: int
    findings: list[Finding]
    counters: dict[str, Any]
    outputs: list[Path]
    reachable: bool
    scorecard: tuple[ScoreItem, ...] = ()  # the inspection veto items, for the CLI summary
    report: ReportData | None = None  # what the reports show (after reviews): the CLI's counts
    verdict: str | None = None  # 合格 / 预警 / 否决 / 无法判定 (checks/completeness.py)
    complete: bool = True  # the audit saw the whole site
    incomplete: tuple[str, ...] = ()  # why not, in Chinese
    judged: bool = True  # a start page answered with a page of the site
    alert_failures: tuple[str, ...] = ()  # one line per alert not sent (the audit stands)

    def exit_status(self, fail_incomplete: bool = False) -> int:
        """What a scheduler reads: 3 nothing audited (unreachable, or the start page an HTTP
        error), 0 an audit written; with `fail_incomplete`, 5 an audit of part of the site."""
        if not self.reachable or not self.judged:
            return EXIT_UNREACHABLE
        return EXIT_INCOMPLETE if fail_incomplete and not self.complete else EXIT_OK


def validated_rules(config: AuditConfig) -> dict[str, dict[str, Any]]:
    """Every registered check's settings, validated before the crawl starts (fail early), and
    the profile's `[crawl.scrapy]` and `[outside_lists]` settings with them."""
    from govaudit.crawler.settings import check_scrapy_settings

    check_scrapy_settings(config)
    modules = [*checks.REGISTRY, *checks.FOLLOW_UP]
    known = sorted(module.SECTION for module in modules)
    renamed = {old: m.SECTION for m in modules for old in getattr(m, "OLD_SECTIONS", ())}
    for name in config.checks:
        if name in renamed and renamed[name] in config.checks:
            raise ConfigError(
                f"[checks.{name}] 是 [checks.{renamed[name]}] 的旧名称：两者只能写一个"
            )
        if name not in known and name not in renamed:  # a typo would silently keep the defaults
            raise ConfigError(f"[checks.{name}] 不是已有的检查（可选：{', '.join(known)}）")
    rules = {}
    for module in modules:
        given = config.checks.get(module.SECTION) or next(
            (
                config.checks[old]
                for old in getattr(module, "OLD_SECTIONS", ())
                if old in config.checks
            ),
            {},
        )
        section = merged_rules(given, module.SECTION, module.DEFAULTS)
        resolve = getattr(module, "resolve_rules", None)  # settings that name files, flags
        if resolve:
            section = resolve(section, config)
        validate = getattr(module, "validate_rules", None)  # checks beyond types, if any
        rules[module.SECTION] = validate(section) if validate else section
    validate_outside_lists(config)
    return rules


def run_checks(
    store: Store,
    audit_id: int,
    rules: dict[str, dict[str, Any]],
    as_of: date,
    helper: Helper | None = None,
) -> list[Finding]:
    """Every registered check's findings, in the list's order. With a running `helper`, the
    checks that scan every text (`SCANS_TEXT`) run there (govaudit/text_checks.py): the same
    findings, sooner."""
    beside = [m.SECTION for m in text_modules()] if helper is not None and helper.running else []
    theirs = (
        helper.submit(stored_findings, store.path, audit_id, beside, rules, as_of)
        if beside
        else list
    )
    # The crawl is over: read the pages once, with their texts only for text checks run here.
    view = store.view(audit_id, snapshot=True, texts=not beside)
    findings = module_findings(
        view, [m for m in checks.REGISTRY if m.SECTION not in beside], rules, as_of
    )
    findings.extend(theirs())
    return annotated(store, audit_id, view, findings, rules, as_of)


def module_findings(
    view: AuditView, modules: list[ModuleType], rules: dict[str, dict[str, Any]], as_of: date
) -> list[Finding]:
    return [f for module in modules for f in module.run(view, rules[module.SECTION], as_of)]


def write_findings_json(findings: list[Finding], path: Path) -> Path:
    payload = [f.to_json() for f in findings]
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def write_warnings_json(warnings: list[EarlyWarning], path: Path) -> Path:
    """DIR/warnings.json: the 预警 rows (checks/early_warning.py), apart from findings.json."""
    payload = [w.to_json() for w in warnings]
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def writable_dir(out_dir: Path) -> Path:
    """`--out` made and writable, or ConfigError in one line before any work is done."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"--out {out_dir} 是文件，不是目录")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ConfigError(f"--out {out_dir}：无法创建（{e.strerror}）") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise ConfigError(f"--out {out_dir}：没有写权限")
    return out_dir


@contextmanager
def output_dir(out_dir: Path) -> Iterator[Path]:
    """`--out`, held by this audit alone: two audits writing one directory at once would mix
    their findings.json and reports (and share a --resume). The lock dies with the process."""
    writable_dir(out_dir)
    with open(out_dir / ".govaudit.lock", "a+") as lock:
        try:
            lock_exclusive(lock, wait=False)
        except BlockingIOError:
            pid = holder_pid(lock)
            raise ConfigError(
                f"--out {out_dir} 正被另一次审计使用"
                + (f"（进程 pid {pid}）" if pid.isdigit() else "")
                + "：请等它结束，或换一个 --out"
            ) from None
        lock.truncate(0)
        lock.write(str(os.getpid()))
        lock.flush()
        yield out_dir


def write_outputs(
    store: Store,
    audit_id: int,
    out_dir: Path,
    settings: ReportSettings,
    helper: Helper | None = None,
) -> tuple[list[Path], ReportData]:
    """findings.json, 整改清单.xlsx and report.html of a stored audit (also `govaudit report`),
    and the listing they show; with a running `helper`, the xlsx is written there meanwhile."""
    writable_dir(out_dir)
    outputs = [write_findings_json(store.findings(audit_id), out_dir / "findings.json")]
    # Imported outside lists judged against this audit before its reports show them.
    record_outside_statuses(
        store, audit_id, store.audit(audit_id)["config"].get("outside_lists") or {}
    )
    beside = helper.submit if helper is not None and helper.running else None
    paths, listing = write_reports(store, audit_id, out_dir, settings, judge, beside)
    warnings = write_warnings_json(listing.warnings, out_dir / "warnings.json")
    return outputs + [warnings] + paths, listing


def run_audit(
    config: AuditConfig,
    out_dir: Path,
    db_path: Path,
    progress: Callable[[dict[str, Any]], None] | None = None,
    resume: bool = False,
    incremental: bool = True,
    log: Callable[[str], None] | None = None,
    alerts: bool = True,
) -> AuditResult:
    """Crawl, check and report one site; raises ConfigError before any work on a bad profile.

    `resume`: continue the site's unfinished audit in this store, if there is one (its id, its
    recorded pages, its as_of). `incremental`: make page requests
    conditional on the validators of the site's previous finished audit. `log` receives one line
    per phase (the `--quiet` log file). `alerts`: send the profile's `[alerts]` afterwards."""
    rules = validated_rules(config)
    report = report_settings(config.report)
    channels = alert_settings(config.alerts, report)  # validated even when not sent
    with output_dir(out_dir), closing(Helper()) as helper:  # it starts before the crawl
        return _run_audit(
            config,
            rules,
            report,
            channels if alerts else AlertSettings(),
            out_dir,
            db_path,
            progress,
            resume,
            incremental,
            log,
            helper,
        )


def _run_audit(
    config: AuditConfig,
    rules: dict[str, dict[str, Any]],
    report: ReportSettings,
    channels: AlertSettings,
    out_dir: Path,
    db_path: Path,
    progress: Callable[[dict[str, Any]], None] | None,
    resume: bool,
    incremental: bool,
    log: Callable[[str], None] | None,
    helper: Helper,
) -> AuditResult:
    from govaudit.crawler.pipeline import Writing
    from govaudit.crawler.run import CrawlFailed, crawl  # imported late: the roof may only validate

    say = log or (lambda line: None)
    store = Store(db_path)
    audit_id = store.unfinished_audit(config.site_name) if resume else None
    if audit_id is not None:
        store.reopen_audit(audit_id)
        # One audit, one "today": the resumed part judges by the date the audit started with.
        config = replace(config, as_of=date.fromisoformat(store.audit(audit_id)["as_of"]))
        say(f"继续审计 #{audit_id}：{config.site_name}（审计日期 {config.as_of}）")
    else:
        audit_id = store.start_audit(
            config.site_name, config.start_urls[0], config.as_of, config.as_dict()
        )
    previous = store.previous_audit(audit_id) if incremental else None
    helper.send(warm_checks, rules, config.as_of)  # the text checks run there, page by page
    say(
        f"抓取：审计 #{audit_id}，{config.site_name}，起始地址 {config.start_urls[0]}"
        + (f"（对照审计 #{previous} 发条件请求）" if previous is not None else "")
    )
    try:
        # The privacy check reads each record's numbers as it is written: the store keeps them
        # masked (checks/privacy_leak.py `scan`). The helper checks the texts of each batch.
        scan = partial(privacy_leak.scan, as_of=config.as_of, rules=rules[privacy_leak.SECTION])
        writing = Writing(scan, check_written)
        counters = crawl(
            config,
            store,
            audit_id,
            progress,
            resume=resume,
            previous=previous,
            helper=helper,
            writing=writing,
        )
    except BaseException as exc:
        store.finish_audit(audit_id, "interrupted", {})
        store.close()  # checkpointed: what was recorded is in the store file itself
        say(f"已中断：审计 #{audit_id} 已保存抓取到的内容（可用 --resume 继续）")
        if isinstance(exc, CrawlFailed):
            raise AuditFailed(f"{exc}（审计 #{audit_id} 已保存抓取到的内容）") from None
        raise
    # The crawl's state (Scrapy's engine, the spider's sets of URLs) is cyclic garbage now, which
    # the audit process's slow collector pace would keep through the checks and reports.
    give_back()
    say(
        "抓取完成：页面 {pages}，链接目标 {targets}，错误 {errors}，请求 {requests}，"
        "未变化 {not_modified}，续抓 {resumed}，用时 {elapsed:.1f} 秒".format_map(counters)
    )
    findings = run_checks(store, audit_id, rules, config.as_of, helper)
    store.save_findings(audit_id, findings)
    counters["findings"] = len(findings)
    say(f"检查完成：发现问题 {len(findings)} 条")
    counters.update(take_evidence_screenshots(store, audit_id, findings, config, say))
    reachable = counters.get("start_urls_ok", 1) > 0
    store.finish_audit(audit_id, "finished" if reachable else "failed", counters)
    outputs, listing = write_outputs(store, audit_id, out_dir, report, helper)
    say("报告已生成：" + "，".join(str(p) for p in outputs))
    store.close()
    sent = send_alerts(listing, channels, out_dir / "report.html", say)
    return AuditResult(
        audit_id,
        findings,
        counters,
        outputs,
        reachable,
        tuple(listing.score),
        report=listing,
        verdict=listing.verdict,
        complete=listing.complete,
        incomplete=listing.incomplete,
        judged=listing.judged,
        alert_failures=tuple(sent.failed),
    )
