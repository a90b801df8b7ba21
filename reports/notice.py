"""The 整改通知书: the Word notice the office sends with every audit, and one per 责任科室.

    paths = write_notices(listing, out_dir, settings)
    # OUT/整改通知书.docx, and OUT/整改通知书-宣传科.docx ... when [report] departments is mapped

It says who audited (`[report] bureau`, else the site's name), when, the verdict as far as the
audit saw (an incomplete audit says so before any number), the problems grouped by 责任科室 and
栏目 with their 整改时限 and links, the rows of outside lists (市公开办, vendors) still open with
their source (a department's notice: those of its findings or pages), the 预警 apart, and ends with a reply table (整改情况 /
完成时间 / 责任人) for the department to fill in and send back. Built from the listing, so its
rows, states and deadlines are those of the xlsx and report.html, masked the same way.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path

from govaudit.core.outside_records import OutsideStatus
from govaudit.reports.labels import STATE_NAMES
from govaudit.reports.listing import ReportData, Row
from govaudit.reports.period import NO_COLUMN
from govaudit.reports.settings import ReportSettings

NOTICE_NAME = "整改通知书"
NO_DEPARTMENT = "（未指定责任科室）"
_PROBLEM_HEADERS = ["序号", "问题类型", "严重程度", "问题描述", "页面地址", "整改时限"]
_PROBLEM_WIDTHS = [10, 22, 14, 50, 40, 20]
_REPLY_HEADERS = ["序号", "问题", "整改情况", "完成时间", "责任人"]
_REPLY_WIDTHS = [10, 56, 48, 20, 22]
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def write_notices(data: ReportData, out_dir: Path, settings: ReportSettings) -> list[Path]:
    """The office's notice, and one per 责任科室 that has rows once `[report] departments`
    maps any (a default department alone would get the office's notice twice)."""
    paths = [write_notice(data, settings, None, out_dir / f"{NOTICE_NAME}.docx")]
    if not settings.departments:
        return paths
    mapped = {r.department for r in settings.departments} | {settings.default_department}
    for department in sorted({r.department for r in data.open_rows} & (mapped - {""})):
        name = _UNSAFE_NAME.sub("_", department)
        paths.append(
            write_notice(data, settings, department, out_dir / f"{NOTICE_NAME}-{name}.docx")
        )
    return paths


def write_notice(
    data: ReportData, settings: ReportSettings, department: str | None, path: Path
) -> Path:
    from docx import Document  # python-docx (~0.1 s): only when a notice is written

    from govaudit.reports import official_docx as od

    rows = [r for r in data.open_rows if department is None or r.department == department]
    problems = list(rows)
    bureau = settings.bureau or data.site
    document = Document()
    od.set_page(document)
    document.core_properties.title = f"{NOTICE_NAME}：{data.site} {data.as_of}"
    document.core_properties.author = bureau
    od.title(document, f"关于{data.site}网站问题整改的通知")
    od.body(document, f"{department or '各相关科室（单位）'}：", indent=False)
    od.body(document, _opening(data, bureau, problems, department))
    od.heading(document, "一、问题清单")
    if not problems:
        od.body(document, "本次监测未发现需要整改的问题。")
    for n, (unit, columns) in enumerate(_grouped(problems).items(), 1):
        if department is None:
            od.heading(document, f"（{_chinese_number(n)}）{unit}", level=2)
        for column, column_rows in columns.items():
            od.body(document, f"栏目：{column}（{len(column_rows)} 条）")
            _problem_table(document, column_rows)
    warnings = data.warning_lines(rows, department is None)
    part = 2
    outside = [
        s
        for s in data.outside_open
        if department is None or data.outside_departments.get(s.row.id) == department
    ]
    if outside:
        od.heading(document, f"{_chinese_number(part)}、上级通报及外部清单问题")
        od.body(document, _OUTSIDE_INTRO)
        _outside_table(document, outside)
        part += 1
    if warnings:
        od.heading(document, f"{_chinese_number(part)}、预警（尚未构成问题，请提前处理）")
        for line in warnings:
            od.body(document, f"{line}。")
        part += 1
    od.heading(document, f"{_chinese_number(part)}、整改要求")
    od.body(document, _requirements(settings))
    od.heading(document, f"{_chinese_number(part + 1)}、整改情况回执")
    _reply_table(document, problems)
    od.body(document, "填报科室（单位）：            填报人：            联系电话：", indent=False)
    _signature(document, bureau, data.as_of)
    document.save(path)
    return path


def _opening(data: ReportData, bureau: str, problems: list[Row], department: str | None) -> str:
    states = {s: sum(r.state == s for r in problems) for s in ("new", "open", "reopened")}
    fixed = [r for r in data.fixed_rows if department is None or r.department == department]
    critical = sum(r.severity == "critical" for r in problems)
    scope = (
        "本次监测覆盖整个网站"
        if data.complete
        else "本次监测未覆盖整个网站（"
        + "；".join(data.incomplete)
        + "），结论仅适用于已检查的页面"
    )
    return (
        f"根据《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）等要求，{bureau}于"
        f"{_chinese_date(data.as_of)}对{data.site}（{data.start_url}）开展了监测。"
        f"总体结论为“{data.verdict}”，{scope}。"
        f"{'涉及本科室的' if department else ''}待整改问题共 {len(problems)} 条（"
        f"{STATE_NAMES['new']} {states['new']} 条、{STATE_NAMES['open']} {states['open']} 条、"
        f"{STATE_NAMES['reopened']} {states['reopened']} 条），其中严重问题 {critical} 条；"
        f"上次监测以来{STATE_NAMES['fixed']} {len(fixed)} 条。现将问题通知如下，请在整改时限内完成"
        f"整改，并填写文末回执报送{bureau}。"
    )


def _grouped(rows: list[Row]) -> dict[str, dict[str, list[Row]]]:
    """责任科室 → 栏目 → rows, departments and columns in the order of their first row."""
    groups: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        groups[row.department or NO_DEPARTMENT][row.column or NO_COLUMN].append(row)
    return groups


def _problem_table(document, rows: list[Row]) -> None:
    from govaudit.reports import official_docx as od

    grid = od.table(document, _PROBLEM_HEADERS, _PROBLEM_WIDTHS)
    for i, row in enumerate(rows, 1):
        description = row.description + (f"（{row.state_label}）" if row.state != "new" else "")
        values = [str(i), row.check_name, row.severity_name, description, "", row.deadline]
        cells = od.add_row(grid, values)
        od.hyperlink(cells[4].paragraphs[0], row.page_url)  # where a person sees it


_OUTSIDE_INTRO = (
    "以下问题由上级部门或服务商通报，尚未确认整改完毕（“仍存在”：本次监测仍发现；“未核实”："
    "本次监测未核验该页面；“无法匹配”：需人工核实；“本单位认定误报”：待上级确认）。"
)
_OUTSIDE_HEADERS = ["序号", "来源", "问题类型", "问题描述", "问题页面", "整改时限", "本次状态"]
_OUTSIDE_WIDTHS = [10, 18, 18, 44, 36, 20, 16]


def _outside_table(document, statuses: list[OutsideStatus]) -> None:
    from govaudit.reports import official_docx as od

    grid = od.table(document, _OUTSIDE_HEADERS, _OUTSIDE_WIDTHS)
    for i, s in enumerate(statuses, 1):
        r = s.row
        values = [str(i), r.source, r.kind, r.description, "", r.deadline, s.status]
        cells = od.add_row(grid, values)
        if r.url:
            od.hyperlink(cells[4].paragraphs[0], r.url)


def _reply_table(document, rows: list[Row]) -> None:
    from govaudit.reports import official_docx as od

    grid = od.table(document, _REPLY_HEADERS, _REPLY_WIDTHS)
    for i, row in enumerate(rows, 1):
        where = f"［{row.column}］" if row.column else ""
        od.add_row(grid, [str(i), f"{where}{row.description}", "", "", ""])


def _requirements(settings: ReportSettings) -> str:
    days = settings.deadline_days
    return (
        f"严重问题（属单项否决项）请于 {days['critical']} 个工作日内、一般问题于 {days['major']} "
        f"个工作日内、提示类问题于 {days['minor']} 个工作日内完成整改（具体日期见问题清单“整改时限”"
        "栏）。整改完成后请逐条填写回执，注明整改情况、完成时间和责任人。"
    )


def _signature(document, bureau: str, as_of: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from govaudit.reports import official_docx as od

    document.add_paragraph()
    for text in (bureau, _chinese_date(as_of)):
        paragraph = od.body(document, text, indent=False)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = od.Pt(64)  # 4 characters, GB/T 9704 §7.3.5


def _chinese_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
