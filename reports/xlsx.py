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
that XML cannot carry are dropped (`safe_cell`).

The workbook is written in openpyxl's write-only mode: each row goes to the file as it is made
rather than every cell being held until the save (-76 MB at the 20,000-page benchmark;
benchmarks/README.md "Session 8"). Hence every sheet's column widths, frozen panes and page
properties are set before its first row, and a row's height before the row.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from govaudit.core.model import SEVERITIES
from govaudit.core.outside_records import OutsideStatus, status_label
from govaudit.core.verdicts import PASS, UNDECIDABLE, VETO, WARN
from govaudit.reports.history import REVIEW_STATUSES
from govaudit.reports.labels import CARRIED_LABEL, SUSPECTED_NOTE, audit_state, severity_name
from govaudit.reports.listing import ReportData, Row

if TYPE_CHECKING:  # openpyxl defines the write-only sheet's class in a private module only
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet as Sheet

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

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MAX_CELL = 32000  # Excel keeps at most 32,767 characters in a cell
_MAX_LINK = 2000  # longer hyperlink targets make Excel report the file as damaged
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_VERDICT_FILL = {
    PASS: PatternFill("solid", fgColor="D9EAD3"),
    WARN: PatternFill("solid", fgColor="FFF2CC"),
    VETO: PatternFill("solid", fgColor="F4CCCC"),
    UNDECIDABLE: PatternFill("solid", fgColor="FCE4D6"),
}
_THIN = Side(style="thin", color="B0B0B0")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
# The style of every body cell, registered once per workbook: openpyxl looks a named style up by
# name, where a border and an alignment set on each cell are hashed field by field (3-5x slower).
_BODY = "清单正文"
_LINK = "清单链接"  # a body cell holding a link: one named style, not a Font per cell (8,000
# referring pages of a footer link took 2.8 s with a Font each)
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


def safe_cell(value: object) -> object:
    """A cell value Excel shows as text and never evaluates; non-strings pass unchanged."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)[:_MAX_CELL]
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def restore_cell(text: str) -> str:
    """The inverse of `safe_cell` for text read back (review import): no drift on round trips."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS) else text


def write_xlsx(data: ReportData, out_dir: Path) -> Path:
    wb = Workbook(write_only=True)
    wb.add_named_style(NamedStyle(name=_BODY, border=_BORDER, alignment=_WRAP))
    link_font = Font(color="0563C1", underline="single")
    wb.add_named_style(NamedStyle(name=_LINK, border=_BORDER, alignment=_WRAP, font=link_font))
    _summary_sheet(wb.create_sheet(SUMMARY_SHEET), data)
    _list_sheet(wb.create_sheet(LIST_SHEET), data.open_rows, LIST_COLUMNS, with_review=True)
    _list_sheet(wb.create_sheet(FIXED_SHEET), data.fixed_rows, FIXED_COLUMNS, with_review=False)
    _list_sheet(
        wb.create_sheet(SUPPRESSED_SHEET), data.suppressed_rows, LIST_COLUMNS, with_review=True
    )
    _sources_sheet(wb.create_sheet(SOURCES_SHEET), data.open_rows)
    _warnings_sheet(wb.create_sheet(WARNINGS_SHEET), data)
    if data.outside:  # a site without imported lists gets no empty sheet
        _outside_sheet(wb.create_sheet(OUTSIDE_SHEET), data)
    wb.active = 1 if data.open_rows else 0
    path = out_dir / XLSX_NAME
    wb.save(path)
    return path


def _cell(ws: Sheet, value: object, **style: object) -> Cell:
    """A cell with its value made safe and its style: `style=_BODY`, or font, fill... set."""
    cell = WriteOnlyCell(ws, safe_cell(value))
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


def _summary_sheet(ws: Sheet, data: ReportData) -> None:
    c, h = data.counters, data.history
    counts = h.counts()
    ws.column_dimensions["A"].width = 44
    for letter in "BCDEF":
        ws.column_dimensions[letter].width = 16
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToHeight = 0
    ws.append([_cell(ws, f"{data.site} 网站整改问题清单", font=Font(bold=True, size=14))])
    if not data.complete:  # first: the list is of part of the site only
        verdict = f"审计不完整，总体结论：{data.verdict}"
        ws.append([_cell(ws, verdict, font=Font(bold=True, color="C00000"))])
        for reason in data.incomplete:
            ws.append([_cell(ws, f"· {reason}")])
    ws.append([])
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
        cell = _cell(ws, value, alignment=Alignment(horizontal="left"))
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
        ws.append([_cell(ws, label, font=Font(bold=True)), cell])
    ws.append([])
    heading = f"检查指标单项否决项自查：{data.verdict}"
    ws.append([_cell(ws, heading, font=Font(bold=True, size=12))])
    _table(
        ws,
        ("否决项", "实测", "否决阈值", "结论", "说明"),
        [(i.name, i.measured_label(), i.threshold_label(), i.verdict, i.note) for i in data.score],
        verdict_col=4,
    )
    ws.append([])
    ws.append([_cell(ws, "问题分类统计（待整改）", font=Font(bold=True, size=12))])
    body = [(name, *(sev[s] for s in SEVERITIES), total) for name, sev, total in data.by_check]
    _table(ws, ("问题类型", *(severity_name(s) for s in SEVERITIES), "合计"), body)


def _table(ws: Sheet, headers: tuple, body: list[tuple], verdict_col: int | None = None) -> None:
    bold = Font(bold=True)
    ws.append([_cell(ws, h, font=bold, fill=_HEADER_FILL, border=_BORDER) for h in headers])
    for values in body:
        cells = [_cell(ws, value, style=_BODY) for value in values]
        if verdict_col is not None and values[verdict_col - 1] in _VERDICT_FILL:
            cells[verdict_col - 1].fill = _VERDICT_FILL[values[verdict_col - 1]]
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


def _link(cell: Cell, url: str) -> None:
    if url.startswith(("http://", "https://")) and len(url) <= _MAX_LINK:
        cell.hyperlink = url
        cell.style = _LINK


def _header_row(ws: Sheet, columns: tuple, freeze: str) -> None:
    """The first row, after what write-only mode writes before it: widths and frozen panes."""
    for col, (_, width) in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = freeze
    align = Alignment(wrap_text=True, vertical="center", horizontal="center")
    bold = Font(bold=True)
    ws.append(
        [
            _cell(ws, name, font=bold, fill=_HEADER_FILL, border=_BORDER, alignment=align)
            for name, _ in columns
        ]
    )


def _sources_sheet(ws: Sheet, rows: list[Row]) -> None:
    """Every referring page of every open finding that has them, one a row, both URLs links."""
    _header_row(ws, _SOURCES_COLUMNS, freeze="A2")
    ws.page_setup.orientation = "landscape"
    line = 1
    for index, r in enumerate(rows, 1):
        for page in r.source_pages:
            line += 1
            values = (index, r.check_name, r.target_url or r.page_url, page, r.finding_id)
            cells = [_cell(ws, value, style=_BODY) for value in values]
            _link(cells[2], values[2])
            _link(cells[3], page)
            ws.append(cells)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(_SOURCES_COLUMNS))}{max(line, 2)}"
    ws.print_title_rows = "1:1"


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


def _warnings_sheet(ws: Sheet, data: ReportData) -> None:
    """The 预警 rows (checks/early_warning.py): apart from the problems, never counted."""
    records = [
        ((i, w.kind_name, w.title, w.column, w.page_url, w.due, w.days_left, w.id), w.page_url)
        for i, w in enumerate(data.warnings, 1)
    ]
    _records_sheet(ws, _WARNING_COLUMNS, records, link_column=5)


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


def _outside_sheet(ws: Sheet, data: ReportData) -> None:
    """The outside lists' rows: as they were sent, with their status after this audit."""
    records = [(_outside_values(i, s), s.row.url) for i, s in enumerate(data.outside, 1)]
    _records_sheet(ws, _OUTSIDE_COLUMNS, records, link_column=4)


def _outside_values(number: int, status: OutsideStatus) -> tuple:
    r = status.row
    return (
        number, r.source, excel_date(r.imported), r.url, r.kind, r.description,
        excel_date(r.found), excel_date(r.deadline), status_label(status.status),
        status.finding_id, f"{r.file} {r.place}",
    )  # fmt: skip


def _records_sheet(
    ws: Sheet, columns: tuple, records: list[tuple[tuple, str]], link_column: int
) -> None:
    """A filterable sheet of one record a row under `columns`: each record's values (dates as
    Excel dates) and its page address, a link in `link_column`."""
    _header_row(ws, columns, freeze="A2")
    for values, url in records:
        cells = [_cell(ws, value, style=_BODY) for value in values]
        for cell, value in zip(cells, values, strict=True):
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
        _link(cells[link_column - 1], url)
        ws.append(cells)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(records) + 1}"


def _list_sheet(ws: Sheet, rows: list[Row], columns: tuple, with_review: bool) -> None:
    headers = [name for name, _ in columns]
    widths = [width for _, width in columns]
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _header_row(ws, columns, freeze="B2")
    url_col, details_col = headers.index("页面地址"), headers.index("问题详情")
    for i, r in enumerate(rows, 1):
        values = _row_values(i, r)
        shown = [values[n] if n not in _MACHINE_HEADERS else "" for n in headers]  # no wrap
        ws.row_dimensions[i + 1].height = _row_height(shown, widths)
        cells = [_list_cell(ws, name, values[name], r) for name in headers]
        _link(cells[url_col], r.page_url)
        if r.target_url:  # the broken link, the attachment: one click from its details
            _link(cells[details_col], r.target_url)
        ws.append(cells)
    last = max(len(rows), 1) + 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"
    if with_review:
        status_col = get_column_letter(headers.index(STATUS_HEADER) + 1)
        choices = DataValidation(
            type="list",
            formula1='"' + ",".join(REVIEW_STATUSES) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="整改状态",
            error="请选择：" + "、".join(REVIEW_STATUSES),
        )
        ws.data_validations.append(choices)
        choices.add(f"{status_col}2:{status_col}{max(last, 1000)}")
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _list_cell(ws: Sheet, header: str, value: object, r: Row) -> Cell:
    cell = _cell(ws, value, style=_BODY)
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    if header == "严重程度" and r.severity == "critical":
        cell.font = Font(bold=True, color="C00000")
    if header in _MACHINE_HEADERS:
        cell.font = Font(size=8, color="808080")
        cell.alignment = Alignment(vertical="top", shrink_to_fit=True)
    return cell
