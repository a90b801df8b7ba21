"""预警: what an audit warns of, apart from its problems, in the lines alerts and notices show.

Two sources: the scorecard's veto items measured near their threshold (预警 from `warn_ratio`,
checks/scorecard.py), a measure of the whole site, so only the office's copy shows them; and
findings a check marks as early warnings (`govaudit.core.model.EARLY_WARNING`: `Row.early_warning`),
which go to their 责任科室 like any row.
"""

from __future__ import annotations

from govaudit.reports.listing import ReportData, Row

NO_COLUMN = "（未归属栏目）"


def warning_lines(data: ReportData, rows: list[Row], whole_site: bool) -> list[str]:
    """The 预警 of `rows` (an audience's share of `data.open_rows`), as one line each."""
    lines = [
        f"{item.name}：实测 {item.measured_label()}，否决阈值 {item.threshold_label()}"
        for item in data.warned_items
        if whole_site
    ]
    lines += [
        f"［{r.column or NO_COLUMN}］{r.check_name}：{r.description}"
        for r in rows
        if r.early_warning
    ]
    return lines
