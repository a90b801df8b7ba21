"""Hand-built stores for the report tests: real `Store`s, audits and findings, no crawl."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from govaudit.core.model import Finding, ListItem, PageRecord, fingerprint
from govaudit.core.store import Store

SITE = "http://127.0.0.1:8000"
RAW_ID = "110101199003074514"  # a valid 身份证号 (check digit 4): must never appear in a report
HOSTILE_TITLES = (
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil","x")',
    "+cmd",
    "@SUM(1)",
    "-2+3",
    "\tTAB",
)


def broken(target: str, severity: str = "major", title: str | None = None) -> Finding:
    return Finding(
        id=fingerprint("broken_link", target),
        check="broken_link",
        severity=severity,
        page_url=f"{SITE}/",
        title=title or f"链接不可用：{target}",
        details={
            "target_url": target,
            "status": 404,
            "error": None,
            "source_pages": [f"{SITE}/", f"{SITE}/zwgk/"],
            "anchors": ["通知"],
            "boilerplate": False,
        },
    )


def stale(column: str, days: int | None, category: str = "动态要闻", url: str = "") -> Finding:
    return Finding(
        id=f"stale_column-{column}",
        check="stale_column",
        severity="critical" if category == "首页" else "major",
        page_url=url or f"{SITE}/{fingerprint('c', column)[-6:]}/",
        title=f"栏目“{column}”未按时更新",
        column=column,
        details={
            "column": column,
            "last_updated": None if days is None else "2024-01-01",
            "threshold_days": 14,
            "category": category,
            "days": days,
        },
    )


def empty(column: str) -> Finding:
    return Finding(
        id=f"empty_column-{column}",
        check="empty_column",
        severity="major",
        page_url=f"{SITE}/empty/{fingerprint('c', column)[-6:]}/",
        title=f"空白栏目：{column}",
        column=column,
        details={"column": column, "last_updated": None, "threshold_days": 365},
    )


def word(
    term: str, severity: str = "critical", title: str = "错别字", context: str = ""
) -> Finding:
    return Finding(
        id=f"wrong_word-{term}",
        check="wrong_word",
        severity=severity,
        page_url=f"{SITE}/zwgk/a.html",
        title=title,
        column="工作动态",
        details={
            "term": term,
            "suggestion": "杜家毫",
            "context": context or f"……{term}……",
            "count": 1,
            "category": "political",
        },
    )


def make_audit(
    store: Store,
    findings: list[Finding],
    as_of: date = date(2024, 3, 1),
    site: str = "示例局",
    report: dict | None = None,
    homepage_newest: date | None = None,
    status: str = "finished",
) -> int:
    audit = store.start_audit(site, f"{SITE}/", as_of, {"report": report or {}})
    if homepage_newest:
        item = ListItem(f"{SITE}/a.html", "要闻", homepage_newest, 0)
        store.add_pages(audit, [PageRecord(url=f"{SITE}/", kind="home", list_items=(item,))])
    store.save_findings(audit, findings)
    store.finish_audit(
        audit, status, {"pages": 12, "targets": 40, "errors": 1, "findings": len(findings)}
    )
    return audit


def new_store(tmp_path: Path) -> Store:
    return Store(tmp_path / "audits.db")
