"""Reading an outside problem list (xlsx from the 市公开办, 省办, 国办 or a vendor) and a 发文登记.

Each source's columns are mapped once in the profile, `[outside_lists.<来源>]`:

    sheet, header_row            where the problem list is (default: the first sheet, and the
                                 first of its top rows with a URL header and a 问题类型 or
                                 问题描述 one: a title row "网站链接问题清单" is no header)
    url, kind, description,      the headers of 问题页面, 问题类型, 问题描述, 发现日期, 整改时限
    found, deadline
    register_sheet,              a 发文登记 in the same workbook (default: another sheet with
    register_header_row          文号 or 标题 and 成文日期 or 印发日期 headers; none is no error
                                 unless these two keys name one)
    title, number, written,      its headers of 标题, 文号, 成文日期, 印发日期, 是否规范性文件
    printed, normative

Unmapped columns are recognised by the headers lists commonly use (`HEADERS`). The whole workbook
is read before anything is stored: a file that is no xlsx, a mapped column that is missing or a
register date that is no date raises `OutsideListError` (one line, exit 2) and nothing is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govaudit.core.config import ConfigError
from govaudit.core.masking import mask
from govaudit.core.outside_records import OutsideRow, RegisterDocument, row_fingerprint, url_key

if TYPE_CHECKING:  # openpyxl is imported to read a list: every audit imports this module
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

# Headers lists commonly use, per field, as written (compared without spaces and marks).
HEADERS: dict[str, tuple[str, ...]] = {
    "url": (
        "问题页面",
        "网址",
        "链接",
        "URL",
        "页面地址",
        "问题链接",
        "问题网址",
        "页面链接",
        "地址",
    ),
    "kind": ("问题类型", "问题类别", "类型", "类别", "问题分类", "错误类型"),
    "description": ("问题描述", "详情", "问题详情", "描述", "问题内容", "具体问题", "说明"),
    "found": ("发现日期", "发现时间", "检查日期", "检查时间", "监测日期"),
    "deadline": ("整改时限", "整改期限", "整改截止日期", "完成时限", "整改要求时间"),
    "title": ("标题", "文件标题", "文件名称", "文件名", "名称"),
    "number": ("文号", "发文字号", "发文文号", "发文号"),
    "written": ("成文日期", "成文时间"),
    "printed": ("印发日期", "发文日期", "印发时间"),
    "normative": ("是否规范性文件", "规范性文件"),
}
PROBLEM_FIELDS = ("url", "kind", "description", "found", "deadline")
REGISTER_FIELDS = ("title", "number", "written", "printed", "normative")
_PLACE_KEYS = {"sheet", "header_row", "register_sheet", "register_header_row"}
_SOURCE_KEYS = {*PROBLEM_FIELDS, *REGISTER_FIELDS, *_PLACE_KEYS}
_TOP_ROWS = 10  # a header is looked for in the sheet's first rows (a title row may precede it)
_MARKS = re.compile(r"[\s*＊:：]|[（(]必填[)）]")
# A date as lists write it, with the time of day a spreadsheet's export may add.
_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)


class OutsideListError(ConfigError):
    """A workbook that cannot be imported; the message is the one line the user sees."""


@dataclass(frozen=True)
class ImportedList:
    """What one workbook holds: problem rows and register documents with their fingerprints."""

    rows: list[tuple[OutsideRow, str]]
    documents: list[tuple[RegisterDocument, str]]


def source_settings(section: dict[str, Any], source: str) -> dict[str, Any]:
    """`[outside_lists.<source>]` checked: known keys, headers as strings, rows as numbers."""
    given = section.get(source) or {}
    if not isinstance(given, dict):
        raise ConfigError(f"[outside_lists.{source}] 应为表")
    for key, value in given.items():
        if key not in _SOURCE_KEYS:
            known = ", ".join(sorted(_SOURCE_KEYS))
            raise ConfigError(f"outside_lists.{source}.{key} 不是可用的设置（可用：{known}）")
        if key.endswith("header_row"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"outside_lists.{source}.{key} 应为正整数（表头所在的行号）")
        elif not isinstance(value, str) or not value.strip():
            raise ConfigError(f"outside_lists.{source}.{key} 应为表头文字或工作表名")
    return given


def read_outside_list(
    path: Path, source: str, settings: dict[str, Any], imported: date
) -> ImportedList:
    """The problem rows and register documents of the workbook, all read before any is kept."""
    wb = _workbook(path)
    name = path.name
    problem = _find_table(
        wb, name, settings, ("sheet", "header_row"), PROBLEM_FIELDS,
        (("url",), ("kind", "description")),
        required=any(k in settings for k in ("sheet", "header_row", *PROBLEM_FIELDS)),
    )  # fmt: skip
    register = _find_table(
        wb, name, settings, ("register_sheet", "register_header_row"), REGISTER_FIELDS,
        (("number", "title"), ("written", "printed")), skip=problem[0] if problem else None,
        required=any(k in settings for k in ("register_sheet", "register_header_row")),
    )  # fmt: skip
    if problem is None and register is None:
        raise OutsideListError(
            f"{name}：没有找到问题清单（表头含 问题页面/网址/链接）或发文登记（表头含 文号、标题）；"
            f"请在配置文件 [outside_lists.{source}] 中写明 sheet、header_row 和各列的表头"
        )
    stamp = imported.isoformat()
    rows = _problem_rows(problem, name, source, stamp) if problem else []
    documents = _register_rows(register, name, source, stamp) if register else []
    return ImportedList(rows, documents)


def _workbook(path: Path) -> Workbook:
    try:
        from openpyxl import load_workbook

        return load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise OutsideListError(f"{path}：文件不存在") from None
    except Exception as e:  # zipfile, XML and openpyxl errors all mean "not a usable xlsx"
        raise OutsideListError(f"{path.name}：不是 xlsx 工作簿（{type(e).__name__}）") from None


_Table = tuple["Worksheet", int, dict[str, int]]  # sheet, header row, field → column index


def _find_table(
    wb: Workbook,
    name: str,
    settings: dict[str, Any],
    place_keys: tuple[str, str],
    fields: tuple[str, ...],
    anchors: tuple[tuple[str, ...], ...],
    skip: Worksheet | None = None,
    required: bool = False,
) -> _Table | None:
    """The sheet, header row and columns of one table: the first header row (of the profile's
    sheet and row, or of the first `_TOP_ROWS` rows of any sheet) with every mapped header and
    one field of each group of `anchors`. A `required` table that is not there is an error."""
    sheet_key, row_key = place_keys
    wanted = settings.get(sheet_key)
    if wanted is not None and wanted not in wb.sheetnames:
        raise OutsideListError(f"{name}：没有工作表「{wanted}」（有：{'、'.join(wb.sheetnames)}）")
    sheets = [wb[wanted]] if wanted else [ws for ws in wb.worksheets if ws is not skip]
    numbers = [settings[row_key]] if row_key in settings else range(1, _TOP_ROWS + 1)
    mapped = {f: settings[f] for f in fields if f in settings}
    for ws in sheets:
        for number in numbers:
            columns = _columns(ws, number, fields, mapped)
            if all(f in columns for f in mapped) and all(
                any(a in columns for a in group) for group in anchors
            ):
                return ws, number, columns
    if not required:
        return None  # no such table in the workbook, and the profile expects none
    where = f"第 {numbers[0]} 行" if row_key in settings else f"前 {_TOP_ROWS} 行"
    first = sheets[0] if sheets else None
    found = _columns(first, numbers[0], fields, mapped) if first is not None else {}
    missing = [h for f, h in mapped.items() if f not in found] or [HEADERS[anchors[0][0]][0]]
    sheet = f"工作表「{first.title}」" if wanted and first is not None else "各工作表"
    raise OutsideListError(f"{name}：{sheet}{where}没有「{missing[0]}」列")


def _columns(
    ws: Worksheet, number: int, fields: tuple[str, ...], mapped: dict[str, str]
) -> dict[str, int]:
    """field → column index of the header row `number`: a mapped header exactly, the others by
    the common headers (exactly first, then a header that contains one)."""
    cells = next(ws.iter_rows(min_row=number, max_row=number, values_only=True), ())
    headers = [_MARKS.sub("", str(c)) if c is not None else "" for c in cells]
    found: dict[str, int] = {}
    for field in fields:
        if field in mapped:
            want = _MARKS.sub("", mapped[field])
            hit = next((i for i, h in enumerate(headers) if h == want), None)
        else:
            names = [_MARKS.sub("", n) for n in HEADERS[field]]
            taken = set(found.values())
            hit = next((i for i, h in enumerate(headers) if h in names and i not in taken), None)
            if hit is None:
                hit = next(
                    (i for i, h in enumerate(headers)
                     if h and i not in taken and any(n in h for n in names)),
                    None,
                )  # fmt: skip
        if hit is not None:
            found[field] = hit
    return found


def _problem_rows(
    table: _Table, name: str, source: str, stamp: str
) -> list[tuple[OutsideRow, str]]:
    ws, header, columns = table
    rows = []
    for number, values in enumerate(ws.iter_rows(min_row=header + 1, values_only=True), header + 1):
        cell = {f: _text(values, i) for f, i in columns.items()}
        if not any(cell.values()):
            continue
        row = OutsideRow(
            id=0,
            source=source,
            imported=stamp,
            file=mask(name),
            place=mask(f"{ws.title} 第 {number} 行"),
            url=mask(cell.get("url", "")),
            kind=mask(cell.get("kind", "")),
            description=mask(cell.get("description", "")),
            found=_day(cell.get("found", "")) or mask(cell.get("found", "")),
            deadline=_day(cell.get("deadline", "")) or mask(cell.get("deadline", "")),
        )
        digest = row_fingerprint(source, url_key(row.url), row.kind, row.description, row.found)
        rows.append((row, digest))
    return rows


def _register_rows(
    table: _Table, name: str, source: str, stamp: str
) -> list[tuple[RegisterDocument, str]]:
    ws, header, columns = table
    documents, problems = [], []
    for number, values in enumerate(ws.iter_rows(min_row=header + 1, values_only=True), header + 1):
        cell = {f: _text(values, i) for f, i in columns.items()}
        if not (cell.get("title") or cell.get("number")):
            continue
        place = mask(f"{ws.title} 第 {number} 行")
        days = {}
        for field in ("written", "printed"):
            days[field] = _day(cell.get(field, ""))
            if days[field] is None:
                problems.append(f"{place}：{HEADERS[field][0]}「{cell[field]}」不是日期")
        doc = RegisterDocument(
            id=0,
            source=source,
            imported=stamp,
            file=mask(name),
            place=place,
            title=mask(cell.get("title", "")),
            number=mask(cell.get("number", "")),
            written=days["written"] or "",
            printed=days["printed"] or "",
            normative=_flag(cell.get("normative", "")),
        )
        digest = row_fingerprint(source, doc.number, doc.title, doc.written, doc.printed)
        documents.append((doc, digest))
    if problems:
        raise OutsideListError(
            f"{name}：{len(problems)} 处无法读取，未导入任何内容：" + "；".join(problems[:5])
        )
    return documents


def _day(text: str) -> str | None:
    """YYYY-MM-DD of a date as written; "" for none; None for text that is no date."""
    if not text:
        return ""
    match = _DATE_TEXT.fullmatch(text)
    if match:
        try:
            return date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            return None
    return None


def _flag(text: str) -> bool | None:
    if text.startswith(("是", "Y", "y", "√")) or text.lower() in ("true", "1"):
        return True
    if text.startswith(("否", "非", "不是", "N", "n", "×")) or text.lower() in ("false", "0"):
        return False
    return None


def _text(values: tuple, col: int) -> str:
    value = values[col] if col < len(values) else None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value).strip()
