"""预警: what an audit warns of, apart from its problems, in the lines alerts and notices show.

The warnings are checks/early_warnings.py's (`ReportData.warnings`: a column about to pass its
limit, a veto item near its threshold). The office's copy shows them all; a 责任科室's share,
those of its own columns.
"""

from __future__ import annotations

from govaudit.reports.listing import ReportData, Row


def warning_lines(data: ReportData, rows: list[Row], whole_site: bool) -> list[str]:
    """The 预警 for an audience whose share of `data.open_rows` is `rows`, as one line each."""
    columns = {r.column for r in rows}
    return [w.title for w in data.warnings if whole_site or (w.column and w.column in columns)]
