"""The period report as files: 季度报告.docx and 季度报告.xlsx of one site, and the roll-up of
every site of a store, or of a multi-site profile's sites (one table, one .docx) — `govaudit
report --period 2026-Q4 [--profile sites.toml]`.

The figures are reports/period.py's; the look is the notice's (reports/official_docx.py); the
xlsx is written as 整改清单.xlsx is (reports/xlsx_sheet.py: a column name from a crawled page is
text, never a formula).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from govaudit.core.verdicts import UNDECIDABLE
from govaudit.reports.period import PeriodSummary, Tally

_TREND = ["审计编号", "审计日期", "总体结论", "审计完整", "待整改问题", "其中严重"]
_TREND_WIDTHS = [22, 28, 26, 22, 28, 24]
_TALLY = ["发现问题", "其中新发现", "已整改", "仍待整改"]
_ROLLUP = ["站点", "审计次数", "最近结论", *_TALLY]
_ROLLUP_WIDTHS = [44, 18, 24, 20, 20, 16, 20]
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def report_name(summary: PeriodSummary) -> str:
    return f"监测报告-{_UNSAFE_NAME.sub('_', summary.site)}-{summary.period.text}"


def _tally(t: Tally) -> list[str]:
    return [str(t.found), str(t.new), str(t.fixed), str(t.open)]


def _totals_sentence(summary: PeriodSummary) -> str:
    t, audits = summary.total, summary.audits
    verdicts = "→".join(a.verdict for a in audits)
    return (
        f"{summary.period.label}（{summary.period.start} 至 {summary.period.end}）共完成审计 "
        f"{len(audits)} 次，总体结论依次为：{verdicts}。期间共发现问题 {t.found} 条（其中本期新发现 "
        f"{t.new} 条），已整改 {t.fixed} 条，期末仍待整改 {t.open} 条。"
    )


def write_period_docx(summary: PeriodSummary, out_dir: Path, bureau: str = "") -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from govaudit.reports import official_docx as od

    document = Document()
    od.set_page(document)
    od.title(document, f"{summary.site}网站监测情况报告（{summary.period.label}）")
    od.body(document, _totals_sentence(summary))
    incomplete = [a for a in summary.audits if not a.complete]
    if incomplete:
        od.body(
            document,
            f"其中 {len(incomplete)} 次审计未覆盖整个网站，其结论仅适用于已检查的页面"
            "（审计编号 " + "、".join(f"#{a.audit_id}" for a in incomplete) + "）。",
        )
    od.heading(document, "一、历次审计结论")
    grid = od.table(document, _TREND, _TREND_WIDTHS)
    for a in summary.audits:
        values = [f"#{a.audit_id}", a.as_of, a.verdict, "是" if a.complete else "否"]
        od.add_row(grid, [*values, str(a.open), str(a.critical)])
    for number, title, groups in (
        ("二", "按栏目统计", summary.by_column),
        ("三", "按责任科室统计", summary.by_department),
    ):
        od.heading(document, f"{number}、{title}")
        widths = [60, 26, 26, 24, 26]
        grid = od.table(document, [title[1:3], *_TALLY], widths)
        for name, tally in groups:
            od.add_row(grid, [name, *_tally(tally)])
    if bureau:
        od.body(document, bureau, indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    path = out_dir / f"{report_name(summary)}.docx"
    document.save(path)
    return path


def write_period_xlsx(summary: PeriodSummary, out_dir: Path) -> Path:
    from govaudit.reports.xlsx_sheet import Sheet, written_workbook

    t = summary.total
    facts = (
        ["站点", summary.site],
        ["期间", f"{summary.period.label}（{summary.period.start} 至 {summary.period.end}）"],
        ["审计次数", len(summary.audits)],
        ["最近结论", summary.last_verdict],
        ["发现问题", t.found],
        ["其中新发现", t.new],
        ["已整改", t.fixed],
        ["仍待整改", t.open],
    )
    sheets = (
        ("历次审计", _TREND, [[a.audit_id, a.as_of, a.verdict, "是" if a.complete else "否",
                              a.open, a.critical] for a in summary.audits]),
        ("按栏目", ["栏目", *_TALLY], [[n, *_numbers(x)] for n, x in summary.by_column]),
        ("按责任科室", ["责任科室", *_TALLY], [[n, *_numbers(x)] for n, x in summary.by_department]),
    )  # fmt: skip
    path = out_dir / f"{report_name(summary)}.xlsx"
    with written_workbook(path, constant_memory=False) as wb:  # a few rows: no temporary files
        first = Sheet(wb.add_worksheet("汇总"))
        for row in facts:
            first.append([(v, None) for v in row])
        bold = wb.add_format({"bold": True})
        for title, headers, rows in sheets:
            sheet = Sheet(wb.add_worksheet(title))
            sheet.widths([30])
            sheet.append([(h, bold) for h in headers])
            for row in rows:
                sheet.append([(v, None) for v in row])
    return path


def _numbers(t: Tally) -> list[int]:
    return [t.found, t.new, t.fixed, t.open]


def write_rollup_docx(
    summaries: list[PeriodSummary],
    out_dir: Path,
    not_audited: Sequence[str] = (),
    scope: str = "",
) -> Path:
    """One table across the sites: audits, the last verdict and the period's tallies.

    `not_audited`: sites of the roll-up (a multi-site profile's) without a finished audit in the
    period: each a row saying so, its verdict 无法判定, so that no site silently drops out of the
    figures. `scope`: the profile's name, in the file's name (`监测汇总-区县-2026-Q4.docx`)."""
    from docx import Document

    from govaudit.reports import official_docx as od

    period = summaries[0].period
    document = Document()
    od.set_page(document)
    od.title(document, f"网站监测情况汇总（{period.label}）")
    total = sum(s.total.open for s in summaries)
    vetoed = [s.site for s in summaries if s.last_verdict == "否决"]
    count = len(summaries) + len(not_audited)
    unaudited = (
        f"（其中 {len(not_audited)} 个本期没有完成的审计：{'、'.join(not_audited)}，结论无法判定）"
        if not_audited
        else ""
    )
    od.body(
        document,
        f"{period.label}共监测网站 {count} 个{unaudited}，期末仍待整改问题 {total} 条；"
        + (
            f"最近一次审计结论为否决的：{'、'.join(vetoed)}。" if vetoed else "最近一次审计无否决。"
        ),
    )
    grid = od.table(document, _ROLLUP, _ROLLUP_WIDTHS)
    for s in summaries:
        values = [s.site, str(len(s.audits)), s.last_verdict, *_tally(s.total)]
        od.add_row(grid, values)
    for site in not_audited:
        od.add_row(grid, [site, "0", f"{UNDECIDABLE}（本期未审计）", *["—"] * len(_TALLY)])
    name = _UNSAFE_NAME.sub("_", scope)
    path = out_dir / f"监测汇总-{name + '-' if name else ''}{period.text}.docx"
    document.save(path)
    return path
