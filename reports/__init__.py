"""Reports: an audit's findings (with history and reviews) → 整改清单.xlsx, report.html and the
整改通知书 (.docx, one per 责任科室 too); alerts/ tells people of them after an audit.

    settings = report_settings(config.report)       # before the crawl: fail early on a bad profile
    paths = write_reports(store, audit_id, out_dir, settings, judge)   # judge: checks.judge.judge

Reports read the store only; they never import the crawler, the checks or the roof
(tests/test_layout.py): the verdicts they present come from the `judge` the roof hands them.
One module per job: settings, history, departments, deadlines, labels, listing (the records every
format presents, masked with govaudit.core.masking), xlsx, html, notice (official_docx: the 公文
look), period and period_report, review_import; alerts/ (a module per channel, message.py
composing what they say).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from govaudit.core.store import Store
from govaudit.core.verdicts import Judge
from govaudit.reports.listing import ReportData, build_listing
from govaudit.reports.settings import ReportSettings, report_settings

__all__ = ["ReportData", "ReportSettings", "build_listing", "report_settings", "write_reports"]

# A function run elsewhere: `beside(function, *args)` starts it, the callable it returns gives its
# result (the audit's helper process, govaudit/helper.py).
Beside = Callable[..., Callable[[], Any]]


def write_reports(
    store: Store,
    audit_id: int,
    out_dir: Path,
    settings: ReportSettings,
    judge: Judge,
    beside: Beside | None = None,
) -> tuple[list[Path], ReportData]:
    """Write 整改清单.xlsx, report.html and the 整改通知书 of `audit_id` into `out_dir`;
    returns their paths and the listing they show (its scorecard ends the CLI summary).
    `judge`: the verdicts' source (checks.judge.judge, handed over by the roof).
    `beside`: the xlsx is written there while the html and the notices are written here."""
    # The writers import XlsxWriter and jinja2 (~0.2 s): not before a report is written.
    from govaudit.reports.html import write_html
    from govaudit.reports.notice import write_notices
    from govaudit.reports.screenshots import write_screenshots
    from govaudit.reports.xlsx import write_xlsx

    out_dir.mkdir(parents=True, exist_ok=True)
    data = build_listing(store, audit_id, settings, judge)
    xlsx = beside(write_xlsx, data, out_dir) if beside else None
    write_screenshots(store, data, out_dir)  # the PNGs report.html shows, beside it
    html = write_html(data, out_dir)
    notices = write_notices(data, out_dir, settings)
    return [xlsx() if xlsx else write_xlsx(data, out_dir), html, *notices], data
