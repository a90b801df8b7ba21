"""Reports: an audit's findings (with history and reviews) → 整改清单.xlsx and report.html.

    settings = report_settings(config.report)       # before the crawl: fail early on a bad profile
    paths = write_reports(store, audit_id, out_dir, settings)

Reports read the store only; they never import the crawler, the checks or the roof. One module
per job: settings, history, scorecard, departments, deadlines, labels, masking, listing (the
records both formats present), xlsx, html, review_import.
"""

from __future__ import annotations

from pathlib import Path

from govaudit.core.store import Store
from reports.html import write_html
from reports.listing import ReportData, build_listing
from reports.settings import ReportSettings, report_settings
from reports.xlsx import write_xlsx

__all__ = ["ReportData", "ReportSettings", "build_listing", "report_settings", "write_reports"]


def write_reports(
    store: Store, audit_id: int, out_dir: Path, settings: ReportSettings
) -> tuple[list[Path], ReportData]:
    """Write 整改清单.xlsx and report.html of `audit_id` into `out_dir`; returns their paths and
    the listing they show (its scorecard ends the CLI summary)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = build_listing(store, audit_id, settings)
    return [write_xlsx(data, out_dir), write_html(data, out_dir)], data
