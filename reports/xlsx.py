"""整改清单.xlsx: the rectification list staff fill in and send back.

Sheets: 汇总 (site, date, counts, comparison with the previous audit, inspection scorecard),
问题清单 (open findings, one a row, with 整改状态 / 整改说明 for staff), 已整改 (fixed since the
previous audit), 已标记误报 (suppressed), 引用页面, 预警 and, when lists were imported, 外部清单
(outside lists' rows with their status after this audit). The narrow last columns carry each row
back through `govaudit review import` (reports/review_import.py reads these same headers):
问题编号 (the finding id) and 导出版本 (the audit, the review revision and a digest of the staff
cells the row was exported with). Dates (首次发现, 整改时限) are real Excel dates.

Cell values from crawled pages are untrusted: anything Excel would run as a formula (a leading
=, +, -, @, tab or CR) gets a leading apostrophe and stays a plain string cell; characters
that XML cannot carry are dropped (`safe_cell`, reports/xlsx_sheet.py).

The workbook is written by XlsxWriter in constant-memory mode (reports/xlsx_sheet.py): each row
goes to a temporary file as soon as the next one begins, and the save only zips those files. At
the 20,000-page benchmark (40,000 rows) that adds 7-37 MB to the process and takes 3-5 s, where
openpyxl's write-only mode added 148-183 MB, most inside its save, and took 7-9 s
(benchmarks/README.md "Session 9"). Hence each sheet is written top to bottom, a row's height
set with its cells, and strings are inline in the sheet rather than in a shared table. Each
sheet links at most Excel's 65,530 addresses; later ones are plain text (reports/xlsx_sheet.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path

from xlsxwriter import Workbook
from xlsxwriter.format import Format

from govaudit.core.model import SEVERITIES
from govaudit.core.outside_records import OutsideStatus, status_label
from govaudit.core.verdicts import PASS, UNDECIDABLE, VETO, WARN
from govaudit.reports.history import REVIEW_STATUSES
from govaudit.reports.labels import CARRIED_LABEL, SUSPECTED_NOTE, audit_state, severity_name
from govaudit.reports.listing import ReportData, Row
from govaudit.reports.xlsx_sheet import Cell, Sheet, restore_cell, safe_cell, written_workbook

# review_import reads the workbook back with these; the tests check safe_cell's rules here.
__all__ = ["LIST_COLUMNS", "XLSX_NAME", "excel_date", "restore_cell", "safe_cell", "write_xlsx"]

XLSX_NAME = "整改清单.xlsx"
ID_HEADER, STATUS_HEADER, NOTE_HEADER = "问题编号", "整改状态", "整改说明"
SUMMARY_SHEET, LIST_SHEET, FIXED_SHEET, SUPPRESSED_SHEET, SOURCES_SHEET, WARNINGS_SHEET = (
    "汇总",
    "问题清单",
    "已整改",
    "已标记误报",
    "引用页面",
    "预警",
)
OUTSIDE_SHEET = "外部清单"
# A 问题详情 cell lists this many referring pages; the 引用页面 sheet has every one, a row each.
_PAGES_IN_CELL = 20
_SOURCES_COLUMNS = (
    ("序号", 6),
    ("问题类型", 11),
    ("问题地址", 50),
    ("引用页面", 60),
    (ID_HEADER, 5),
)
DEPARTMENT_HEADER, DEADLINE_HEADER, STATE_HEADER = "责任科室", "整改时限", "状态"
VERSION_HEADER = "导出版本"  # audit/revision/digest of the row (reports/listing.py)
AUDIT_LABEL = "审计编号"
# The columns staff write in; any other column is the tool's (review_import names a decision
# typed into one of those, e.g. 已整改 in 状态).
STAFF_HEADERS = (DEPARTMENT_HEADER, DEADLINE_HEADER, STATUS_HEADER, NOTE_HEADER)
DATE_FORMAT = "yyyy-mm-dd"

# (header, width) of the 问题清单 sheet; review_import finds columns by these headers.
LIST_COLUMNS = (
    ("序号", 5),
    ("问题类型", 11),
    ("严重程度", 6),
    ("问题描述", 30),
    ("所在栏目", 11),
    ("页面地址", 26),
    ("问题详情", 42),
    ("首次发现", 11),
    (STATE_HEADER, 11),
    (DEPARTMENT_HEADER, 9),
    (DEADLINE_HEADER, 11),
    (STATUS_HEADER, 9),
    (NOTE_HEADER, 22),
    # The finding's history (checks/confirmation.py), after the staff's columns: those keep
    # their letters (整改状态 in L) for lists filled in before.
    ("最近发现", 11),
    ("连续发现次数", 7),
    ("确认", 6),
    (VERSION_HEADER, 5),
    (ID_HEADER, 5),
)
_MACHINE_HEADERS = (VERSION_HEADER, ID_HEADER)  # small grey cells for the round trip
FIXED_COLUMNS = tuple(c for c in LIST_COLUMNS if c[0] not in (DEADLINE_HEADER,))

_BORDER = {"border": 1, "border_color": "#B0B0B0"}
_BODY = {**_BORDER, "text_wrap": True, "valign": "top"}
_HEADER = {"bold": True, "pattern": 1, "bg_color": "#DDE5F0", **_BORDER}
_VERDICT_COLOR = {PASS: "#D9EAD3", WARN: "#FFF2CC", VETO: "#F4CCCC", UNDECIDABLE: "#FCE4D6"}
_RED = "#C00000"
_LINE_POINTS = 14.5  # one wrapped line of 11-pt text
_MAX_LINES = 20  # a very long detail stays readable in the cell without a page-high row


def _row_height(values: list[object], widths: list[float]) -> float:
    """Points for a row as high as its longest wrapped cell. openpyxl cannot fit rows to their
    content, and Excel and LibreOffice print unfitted wrapped rows one line high."""

    def lines(value: object, width: float) -> int:
        per_line = max(int(width) - 1, 1)
        # A CJK character takes two of Excel's width units, an ASCII one.
        units = (
            sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) for line in str(value).split("\n")
        )
        return sum(max(1, -(-n // per_line)) for n in units)

    filled = [lines(v, w) for v, w in zip(values, widths, strict=True) if v not in (None, "")]
    return _LINE_POINTS * min(max(filled, default=1), _MAX_LINES) + 4


@dataclass(frozen=True)
class _Formats:
    """The cell formats, made once per workbook (an XlsxWriter format belongs to one workbook)."""

    body: Format  # bordered, wrapped, at the top: every cell of a table
    link: Format
    date: Format
    critical: Format  # 严重 in red
    machine: Format  # the small grey round-trip cells
    header: Format
    column_header: Format  # a sheet's first row
    title: Format
    heading: Format
    alarm: Format  # an incomplete audit's verdict
    label: Format
    fact: Format
    fact_date: Format
    verdicts: dict[str, Format]

    @classmethod
    def of(cls, wb: Workbook) -> _Formats:
        date_format = {"num_format": DATE_FORMAT}
        centred = {"text_wrap": True, "valign": "vcenter", "align": "center"}
        return cls(
            body=wb.add_format(_BODY),
            link=wb.add_format({**_BODY, "font_color": "#0563C1", "underline": 1}),
            date=wb.add_format({**_BODY, **date_format}),
            critical=wb.add_format({**_BODY, "bold": True, "font_color": _RED}),
            machine=wb.add_format(
                {
                    **_BORDER,
                    "font_size": 8,
                    "font_color": "#808080",
                    "valign": "top",
                    "shrink": True,
                }
            ),
            header=wb.add_format(_HEADER),
            column_header=wb.add_format({**_HEADER, **centred}),
            title=wb.add_format({"bold": True, "font_size": 14}),
            heading=wb.add_format({"bold": True, "font_size": 12}),
            alarm=wb.add_format({"bold": True, "font_color": _RED}),
            label=wb.add_format({"bold": True}),
            fact=wb.add_format({"align": "left"}),
            fact_date=wb.add_format({"align": "left", **date_format}),
            verdicts={
                verdict: wb.add_format({**_BODY, "pattern": 1, "bg_color": color})
                for verdict, color in _VERDICT_COLOR.items()
            },
        )


def write_xlsx(data: ReportData, out_dir: Path) -> Path:
    path = out_dir / XLSX_NAME
    with written_workbook(path, constant_memory=True) as wb:
        f = _Formats.of(wb)

        def sheet(name: str) -> Sheet:
            return Sheet(wb.add_worksheet(name), f.link)

        summary = sheet(SUMMARY_SHEET)
        _summary_sheet(summary, data, f)
        listed = sheet(LIST_SHEET)
        _list_sheet(listed, data.open_rows, LIST_COLUMNS, f, with_review=True)
        _list_sheet(sheet(FIXED_SHEET), data.fixed_rows, FIXED_COLUMNS, f, with_review=False)
        suppressed = sheet(SUPPRESSED_SHEET)
        _list_sheet(suppressed, data.suppressed_rows, LIST_COLUMNS, f, with_review=True)
        _sources_sheet(sheet(SOURCES_SHEET), data.open_rows, f)
        _warnings_sheet(sheet(WARNINGS_SHEET), data, f)
        if data.outside:  # a site without imported lists gets no empty sheet
            _outside_sheet(sheet(OUTSIDE_SHEET), data, f)
        (listed if data.open_rows else summary).worksheet.activate()
    return path


def _summary_sheet(ws: Sheet, data: ReportData, f: _Formats) -> None:
    c, h = data.counters, data.history
    counts = h.counts()
    ws.widths([44, 16, 16, 16, 16, 16])
    ws.worksheet.fit_to_pages(1, 0)
    ws.worksheet.set_landscape()
    ws.append([(f"{data.site} 网站整改问题清单", f.title)])
    if not data.complete:  # first: the list is of part of the site only
        ws.append([(f"审计不完整，总体结论：{data.verdict}", f.alarm)])
        for reason in data.incomplete:
            ws.append([(f"· {reason}", None)])
    ws.skip()
    facts = [
        ("站点", data.site),
        ("起始地址", data.start_url),
        (AUDIT_LABEL, data.audit_id),
        ("审计日期", excel_date(data.as_of)),
        ("审计状态", audit_state(data.audit_status)),
        ("抓取页面", c.get("pages", 0)),
        ("链接目标", c.get("targets", 0)),
        ("抓取错误", c.get("errors", 0)),
        *(
            [("今日核验（页面和链接目标）", c.get("verified", 0)), (CARRIED_LABEL, c["carried"])]
            if c.get("carried")
            else []
        ),
        ("待整改问题", data.total_open),
        ("上次审计", excel_date(h.previous_as_of or "无（首次审计）")),
        ("新发现", counts["new"]),
        ("持续存在", counts["open"]),
        ("重新出现", counts["reopened"]),
        ("已整改（上次有、本次无）", counts["fixed"]),
        ("已标记误报", counts["suppressed"]),
        # Left out of every veto count until the next audit sees them again.
        (f"疑似问题（{SUSPECTED_NOTE}）", data.suspected),
        (f"预警（见「{WARNINGS_SHEET}」工作表，不计入问题）", len(data.warnings)),
        *(
            [(f"外部清单（见「{OUTSIDE_SHEET}」工作表）", data.outside_summary)]
            if data.outside
            else []
        ),
    ]
    for label, value in facts:
        ws.append([(label, f.label), (value, f.fact_date if isinstance(value, date) else f.fact)])
    ws.skip()
    ws.append([(f"检查指标单项否决项自查：{data.verdict}", f.heading)])
    _table(
        ws,
        f,
        ("否决项", "实测", "否决阈值", "结论", "说明"),
        [(i.name, i.measured_label(), i.threshold_label(), i.verdict, i.note) for i in data.score],
        verdict_col=4,
    )
    ws.skip()
    ws.append([("问题分类统计（待整改）", f.heading)])
    body = [(name, *(sev[s] for s in SEVERITIES), total) for name, sev, total in data.by_check]
    _table(ws, f, ("问题类型", *(severity_name(s) for s in SEVERITIES), "合计"), body)


def _table(
    ws: Sheet, f: _Formats, headers: tuple, body: list[tuple], verdict_col: int | None = None
) -> None:
    ws.append([(h, f.header) for h in headers])
    for values in body:
        cells: list[Cell] = [(value, f.body) for value in values]
        if verdict_col is not None and values[verdict_col - 1] in f.verdicts:
            cells[verdict_col - 1] = (values[verdict_col - 1], f.verdicts[values[verdict_col - 1]])
        ws.append(cells)


def excel_date(text: str) -> object:
    """A YYYY-MM-DD label as a real date (Excel sorts and filters it as one); anything else
    (an approximate deadline "2031-02-03（约）", staff's own text) stays text."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else text
    except ValueError:
        return text


def _row_values(index: int, r: Row) -> dict[str, object]:
    return {
        "序号": index,
        "问题类型": r.check_name,
        "严重程度": r.severity_name,
        "问题描述": r.description,
        "所在栏目": r.column,
        "页面地址": r.page_url,
        "问题详情": _details_cell(r),
        "首次发现": excel_date(r.first_seen),
        "最近发现": excel_date(r.last_seen),
        "连续发现次数": r.times_seen or "",
        "确认": r.confirmation,
        STATE_HEADER: r.state_label,
        DEPARTMENT_HEADER: r.department,
        DEADLINE_HEADER: excel_date(r.deadline),
        STATUS_HEADER: r.review_status,
        NOTE_HEADER: r.review_note,
        VERSION_HEADER: r.version,
        ID_HEADER: r.finding_id,
    }


def _details_cell(r: Row) -> str:
    """问题详情 with the referring pages: the first ones here, every one in 引用页面."""
    if not r.source_pages:
        return r.details
    shown = r.source_pages[:_PAGES_IN_CELL]
    more = len(r.source_pages) - len(shown)
    tail = [f"……共 {len(r.source_pages)} 个，全部见「{SOURCES_SHEET}」工作表"] if more else []
    return "\n".join([r.details, "引用页面列表：", *shown, *tail])


def _header_row(ws: Sheet, columns: tuple, f: _Formats, freeze_col: int) -> None:
    """The first row, bold and centred; the sheet's widths, and panes frozen below the row and
    right of `freeze_col` columns."""
    ws.widths([width for _, width in columns])
    ws.worksheet.freeze_panes(1, freeze_col)
    ws.append([(name, f.column_header) for name, _ in columns])


def _filter(ws: Sheet, columns: int, last_row: int) -> None:
    """An autofilter over the header and the rows up to `last_row` (1-based, as Excel shows)."""
    ws.worksheet.autofilter(0, 0, last_row - 1, columns - 1)


def _sources_sheet(ws: Sheet, rows: list[Row], f: _Formats) -> None:
    """Every referring page of every open finding that has them, one a row, both URLs links;
    past Excel's last row (a dead menu link of a 200,000-page site), a row says how many more
    there are: findings.json lists every one."""
    _header_row(ws, _SOURCES_COLUMNS, f, freeze_col=0)
    ws.worksheet.set_landscape()
    total = sum(len(r.source_pages) for r in rows)
    room = ws.rows_left if total <= ws.rows_left else ws.rows_left - 1  # the last for the note
    pairs = ((index, r, page) for index, r in enumerate(rows, 1) for page in r.source_pages)
    for index, r, page in islice(pairs, room):
        target = r.target_url or r.page_url
        ws.append(
            [
                (index, f.body),
                (r.check_name, f.body),
                (target, f.body, target),
                (page, f.body, page),
                (r.finding_id, f.body),
            ]
        )
    if total > room:
        note = f"……另有 {total - room} 个引用页面超出 Excel 的行数上限，全部见 findings.json"
        ws.append([("", f.body), ("", f.body), (note, f.body)])
    _filter(ws, len(_SOURCES_COLUMNS), max(ws.row, 2))
    ws.worksheet.repeat_rows(0)


_WARNING_COLUMNS = (
    ("序号", 5),
    ("预警类型", 12),
    ("预警内容", 60),
    ("所在栏目", 14),
    ("页面地址", 40),
    ("到期日", 11),
    ("剩余天数", 8),
    ("预警编号", 5),
)


def _warnings_sheet(ws: Sheet, data: ReportData, f: _Formats) -> None:
    """The 预警 rows (checks/early_warning.py): apart from the problems, never counted."""
    records = [
        ((i, w.kind_name, w.title, w.column, w.page_url, w.due, w.days_left, w.id), w.page_url)
        for i, w in enumerate(data.warnings, 1)
    ]
    _records_sheet(ws, _WARNING_COLUMNS, records, f, link_column=5)


_OUTSIDE_COLUMNS = (
    ("序号", 5),
    ("来源", 10),
    ("导入日期", 11),
    ("问题页面", 40),
    ("问题类型", 11),
    ("问题描述", 40),
    ("发现日期", 11),
    (DEADLINE_HEADER, 11),
    ("本次状态", 9),
    ("对应问题编号", 22),
    ("清单位置", 16),
)


def _outside_sheet(ws: Sheet, data: ReportData, f: _Formats) -> None:
    """The outside lists' rows: as they were sent, with their status after this audit."""
    records = [(_outside_values(i, s), s.row.url) for i, s in enumerate(data.outside, 1)]
    _records_sheet(ws, _OUTSIDE_COLUMNS, records, f, link_column=4)


def _outside_values(number: int, status: OutsideStatus) -> tuple:
    r = status.row
    return (
        number, r.source, excel_date(r.imported), r.url, r.kind, r.description,
        excel_date(r.found), excel_date(r.deadline), status_label(status.status),
        status.finding_id, f"{r.file} {r.place}",
    )  # fmt: skip


def _records_sheet(
    ws: Sheet, columns: tuple, records: list[tuple[tuple, str]], f: _Formats, link_column: int
) -> None:
    """A filterable sheet of one record a row under `columns`: each record's values (dates as
    Excel dates) and its page address, a link in `link_column`."""
    _header_row(ws, columns, f, freeze_col=0)
    for values, url in records:
        cells: list[Cell] = [(v, f.date if isinstance(v, date) else f.body) for v in values]
        cells[link_column - 1] = (values[link_column - 1], f.body, url)
        ws.append(cells)
    _filter(ws, len(columns), len(records) + 1)


def _list_sheet(ws: Sheet, rows: list[Row], columns: tuple, f: _Formats, with_review: bool) -> None:
    headers = [name for name, _ in columns]
    widths = [width for _, width in columns]
    _header_row(ws, columns, f, freeze_col=1)
    url_col, details_col = headers.index("页面地址"), headers.index("问题详情")
    for i, r in enumerate(rows, 1):
        values = _row_values(i, r)
        shown = [values[n] if n not in _MACHINE_HEADERS else "" for n in headers]  # no wrap
        cells = [(values[name], _list_format(f, name, values[name], r)) for name in headers]
        cells[url_col] = (r.page_url, f.body, r.page_url)
        if r.target_url:  # the broken link, the attachment: one click from its details
            cells[details_col] = (values["问题详情"], f.body, r.target_url)
        ws.append(cells, height=_row_height(shown, widths))
    last = max(len(rows), 1) + 1
    _filter(ws, len(headers), last)
    if with_review:
        status_col = headers.index(STATUS_HEADER)
        choices = {
            "validate": "list",
            "source": list(REVIEW_STATUSES),
            "ignore_blank": True,
            "show_input": False,
            "show_error": True,
            "error_title": "整改状态",
            "error_message": "请选择：" + "、".join(REVIEW_STATUSES),
        }
        ws.worksheet.data_validation(1, status_col, max(last, 1000) - 1, status_col, choices)
    sheet = ws.worksheet
    sheet.repeat_rows(0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many high as it takes


def _list_format(f: _Formats, header: str, value: object, r: Row) -> Format:
    if header in _MACHINE_HEADERS:
        return f.machine
    if header == "严重程度" and r.severity == "critical":
        return f.critical
    return f.date if isinstance(value, date) else f.body
