"""`govaudit review import 整改清单.xlsx`: the staff's decisions back into the store.

A decision is a row's 整改状态 and 整改说明, with the 责任科室 and 整改时限 staff wrote over the
computed ones; they carry over to every later list of the finding (reports/history.py). Columns
are found by their headers (staff may reorder or hide columns), rows by 问题编号.

Nothing is lost either way:
- Every row carries 导出版本 (the audit, the review revision and a digest of its staff cells as
  exported, reports/listing.py). A row whose staff cells are as exported is left alone, so
  importing the same file twice, or a list nobody touched, changes nothing.
- A row changed by staff whose finding got another decision after the list was exported (another
  copy of the list, a later audit's list) is a conflict: newer wins. The list's change is the
  newer one only when the workbook was saved after that decision was recorded (its modified time,
  which Excel, WPS and LibreOffice set on save; a tie goes to the stored decision), so editing the
  same file again after an import works, and re-importing an old file changes nothing. The import
  lists each conflict in one line. A list without 导出版本 (made before it existed) counts as
  exported at its own audit: a decision recorded on a later audit's list is newer.
- The whole workbook is read before anything is written; every row or cell that cannot be read is
  named with the reason (a status typed into the tool's 状态 column, an unknown status, a 整改时限
  that is no date, an unknown 问题编号) and then nothing is written (`ReviewImportError`, exit 2).
  Otherwise every changed decision is written in one transaction.

A note without a status is kept with an empty status (it also lifts an earlier 误报: the finding is
listed as open again).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govaudit.core.config import ConfigError
from govaudit.core.masking import mask
from govaudit.core.model import Finding
from govaudit.core.store import Store
from govaudit.reports.deadlines import deadline_for
from govaudit.reports.departments import department_for
from govaudit.reports.history import REVIEW_STATUSES
from govaudit.reports.listing import parse_version, staff_digest
from govaudit.reports.settings import report_settings
from govaudit.reports.xlsx import (
    AUDIT_LABEL,
    DEADLINE_HEADER,
    DEPARTMENT_HEADER,
    ID_HEADER,
    LIST_SHEET,
    NOTE_HEADER,
    STAFF_HEADERS,
    STATUS_HEADER,
    SUMMARY_SHEET,
    SUPPRESSED_SHEET,
    VERSION_HEADER,
    restore_cell,
)

if TYPE_CHECKING:  # openpyxl is imported to read a workbook
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet


class ReviewImportError(ConfigError):
    """A workbook that cannot be imported. `problems` names each unreadable row or cell (one
    line each); the message is one line with all of them."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message + ("：" + "；".join(problems) if problems else ""))
        self.headline = message
        self.problems = problems or []


@dataclass(frozen=True)
class ImportResult:
    audit_id: int
    written: int  # decisions recorded
    unchanged: int  # rows as exported, or equal to the latest stored decision
    conflicts: list[str] = field(default_factory=list)  # newer decisions kept, one line each


@dataclass(frozen=True)
class _Decision:
    status: str
    note: str
    department: str  # "" when it is the computed one
    deadline: str  # YYYY-MM-DD or the label as shown; "" when it is the computed one
    version: tuple[int, int, str] | None  # (audit, revision, digest) the row was exported with
    untouched: bool  # the staff cells are as exported
    where: str  # 问题清单 第 5 行

    def same_as(self, review: dict[str, Any]) -> bool:
        return (self.status, self.note, self.department, self.deadline) == tuple(
            review.get(k) or "" for k in ("status", "note", "department", "deadline")
        )


def import_reviews(store: Store, path: Path) -> ImportResult:
    """Read the whole workbook, then record every changed decision in one transaction."""
    name = path.name
    from openpyxl import load_workbook

    try:
        # Read-only: the cells' values row by row, without building every cell, style and
        # link (a 20,000-page list took 102 s and 286 MB to load, read-only ~5 s).
        wb = load_workbook(path, data_only=True, read_only=True)
    except FileNotFoundError:
        raise ReviewImportError(f"{path}：文件不存在") from None
    except Exception as e:  # zipfile, XML and openpyxl errors all mean "not a usable xlsx"
        raise ReviewImportError(f"{name}：不是 xlsx 工作簿（{type(e).__name__}）") from None
    try:
        return _import(store, wb, name)
    finally:
        wb.close()  # a read-only workbook keeps its file open until closed


def _import(store: Store, wb: Workbook, name: str) -> ImportResult:
    for ws in wb.worksheets:  # a stated size may be wrong (a writer that never updates it)
        ws.reset_dimensions()
    if SUMMARY_SHEET not in wb.sheetnames or LIST_SHEET not in wb.sheetnames:
        raise ReviewImportError(
            f"{name}：缺少工作表「{SUMMARY_SHEET}」和「{LIST_SHEET}」，这是 govaudit 生成的整改清单吗？"
        )
    audit_id = _audit_id(wb[SUMMARY_SHEET], name)
    try:
        audit = store.audit(audit_id)
    except KeyError:
        raise ReviewImportError(
            f"{name}：工作表「{SUMMARY_SHEET}」的{AUDIT_LABEL} {audit_id} 不在 {store.path} 中"
        ) from None
    listed_site, stored_site = _fact(wb[SUMMARY_SHEET], "站点"), mask(audit["site"] or "")
    if listed_site is not None and listed_site != stored_site:
        raise ReviewImportError(
            f"{name}：这是「{listed_site}」的整改清单，{store.path} 中的审计 #{audit_id} "
            f"却是「{stored_site}」的：请用审计该站点的 --db"
        )
    findings = {f.id: f for f in store.findings(audit_id)}
    defaults = _Defaults(audit)
    decisions: dict[str, _Decision] = {}
    problems: list[str] = []
    for sheet in (LIST_SHEET, SUPPRESSED_SHEET):
        if sheet in wb.sheetnames:
            _read_sheet(wb[sheet], name, findings, defaults, decisions, problems)
    if problems:
        raise ReviewImportError(
            f"{name}：{len(problems)} 处无法读取，未导入任何内容（改正后重新导入）", problems
        )
    saved = wb.properties.modified  # naive UTC, or None when the writer left it out
    return _record(store, audit_id, decisions, saved.replace(tzinfo=UTC) if saved else None)


def _record(
    store: Store, audit_id: int, decisions: dict[str, _Decision], saved: datetime | None
) -> ImportResult:
    latest = store.latest_reviews()
    changes, unchanged, conflicts = [], 0, []
    for fid, d in decisions.items():
        current = latest.get(fid)
        if d.untouched or (current and d.same_as(current)):
            unchanged += 1
            continue
        if current and _newer(current, d, audit_id, saved):
            conflicts.append(
                f"{d.where}（{fid}）：保留较新的决定「{current['status'] or '（无状态）'}」"
                f"（审计 #{current['audit']}，{current['recorded']}），"
                f"未采用本清单的「{d.status or '（无状态）'}」"
            )
            continue
        changes.append((fid, d.status, d.note, d.department, d.deadline))
    store.add_reviews(audit_id, changes)
    return ImportResult(audit_id, len(changes), unchanged, conflicts)


def _newer(
    current: dict[str, Any], decision: _Decision, audit_id: int, saved: datetime | None
) -> bool:
    """Whether the stored decision is newer than the row's: recorded after the list was
    exported, and not before the workbook was last saved."""
    if decision.version is not None:
        after_export = current["revision"] > decision.version[1]
    else:
        after_export = current["audit"] > audit_id  # no 导出版本: its audit is its age
    if not after_export:
        return False
    recorded = datetime.fromisoformat(current["recorded"])
    return saved is None or saved <= recorded


class _Defaults:
    """The 责任科室 and 整改时限 the list computes for a finding: a cell equal to them is no
    decision of the staff (it must not freeze when the profile's departments change)."""

    def __init__(self, audit: dict[str, Any]) -> None:
        self.settings = report_settings(audit["config"].get("report") or {})
        self.as_of = date.fromisoformat(audit["as_of"])

    def department(self, f: Finding) -> str:
        column = f.column or str(f.details.get("column") or "")
        return department_for(f.page_url, column, self.settings)

    def deadline(self, f: Finding) -> str:
        return deadline_for(f.severity, self.as_of, self.settings).label()


def _fact(ws: Worksheet, label: str) -> str | None:
    """The value beside `label` in the 汇总 sheet's facts, None when there is no such row."""
    for row_label, value, *_ in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if row_label == label:
            return "" if value is None else str(value)
    return None


def _audit_id(ws: Worksheet, name: str) -> int:
    for label, value, *_ in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if label == AUDIT_LABEL:
            if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
                return int(value)
            raise ReviewImportError(
                f"{name}：工作表「{ws.title}」的{AUDIT_LABEL} {value!r} 不是数字"
            )
    raise ReviewImportError(f"{name}：工作表「{ws.title}」没有「{AUDIT_LABEL}」一行")


def _read_sheet(
    ws: Worksheet,
    name: str,
    findings: dict[str, Finding],
    defaults: _Defaults,
    decisions: dict[str, _Decision],
    problems: list[str],
) -> None:
    header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    columns = {str(h).strip(): i for i, h in enumerate(header) if h is not None}
    for required in (ID_HEADER, STATUS_HEADER, NOTE_HEADER):
        if required not in columns:
            raise ReviewImportError(f"{name}：工作表「{ws.title}」缺少「{required}」列")
    tool_columns = {h: i for h, i in columns.items() if h not in (*STAFF_HEADERS, ID_HEADER)}
    for number, values in enumerate(ws.iter_rows(min_row=2, values_only=True), 2):
        where = f"{ws.title} 第 {number} 行"
        before = len(problems)
        for header_name, col in tool_columns.items():
            value = _text(values, col)
            if value in REVIEW_STATUSES:
                problems.append(
                    f"{where}：「{value}」填在了「{header_name}」列，"
                    f"整改状态请填在「{STATUS_HEADER}」列"
                )
        decision = _row_decision(values, columns, findings, defaults, where, problems)
        if decision is None or len(problems) > before:
            continue
        fid = _text(values, columns[ID_HEADER])
        earlier = decisions.get(fid)
        if earlier and (earlier.status, earlier.note) != (decision.status, decision.note):
            problems.append(f"{where}：{ID_HEADER} {fid} 在{earlier.where}另有不同的决定")
            continue
        decisions[fid] = decision


def _row_decision(
    values: tuple,
    columns: dict[str, int],
    findings: dict[str, Finding],
    defaults: _Defaults,
    where: str,
    problems: list[str],
) -> _Decision | None:
    """The row's decision, None for a row without one; each unreadable cell goes to `problems`."""
    fid = _text(values, columns[ID_HEADER])
    status = _text(values, columns[STATUS_HEADER])
    note = _text(values, columns[NOTE_HEADER])
    version_text = _text(values, columns[VERSION_HEADER]) if VERSION_HEADER in columns else ""
    version = parse_version(version_text) if version_text else None
    shown_department = _cell(values, columns, DEPARTMENT_HEADER)
    shown_deadline, deadline_problem = _deadline(values, columns)
    if not fid:
        if status or note:
            problems.append(f"{where}：填了{STATUS_HEADER}/{NOTE_HEADER}，但{ID_HEADER}为空")
        return None
    if fid not in findings:
        if status or note or version_text:
            problems.append(f"{where}：{ID_HEADER} {fid} 不是本次审计的问题")
        return None
    if status and status not in REVIEW_STATUSES:
        problems.append(f"{where}：{STATUS_HEADER}「{status}」不是{'/'.join(REVIEW_STATUSES)}之一")
    if deadline_problem:
        problems.append(f"{where}：{deadline_problem}")
    if version_text and version is None:
        problems.append(f"{where}：{VERSION_HEADER}「{version_text}」已被改动，无法判断新旧")
    untouched = version is not None and version[2] == staff_digest(
        status, note, shown_department, shown_deadline
    )
    if not (status or note) and (untouched or version is None):
        return None  # nothing decided (without 导出版本, only a status or a note is one)
    finding = findings[fid]
    department = "" if shown_department == defaults.department(finding) else shown_department
    deadline = "" if shown_deadline == defaults.deadline(finding) else shown_deadline
    return _Decision(status, note, department, deadline, version, untouched, where)


def _cell(values: tuple, columns: dict[str, int], header: str) -> str:
    return _text(values, columns[header]) if header in columns else ""


_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _deadline(values: tuple, columns: dict[str, int]) -> tuple[str, str]:
    """(整改时限 as YYYY-MM-DD or the label as exported, a problem or "")."""
    if DEADLINE_HEADER not in columns:
        return "", ""
    col = columns[DEADLINE_HEADER]
    value = values[col] if col < len(values) else None
    if isinstance(value, datetime | date):
        return (value.date() if isinstance(value, datetime) else value).isoformat(), ""
    text = _text(values, col)
    if not text or text.endswith("（约）"):  # as exported: an approximate computed deadline
        return text, ""
    match = _DATE_TEXT.fullmatch(text)
    if match:
        try:
            return date(*(int(g) for g in match.groups())).isoformat(), ""
        except ValueError:
            pass
    return text, f"{DEADLINE_HEADER}「{text}」不是日期（请写成 2024-05-31）"


def _text(values: tuple, col: int) -> str:
    value = values[col] if col < len(values) else None
    if isinstance(value, datetime):
        return value.date().isoformat()
    return "" if value is None else restore_cell(str(value).strip())
