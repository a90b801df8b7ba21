"""`govaudit review import 整改清单.xlsx`: the staff's 整改状态 and 整改说明 back into the store.

Columns are found by their headers (staff may reorder or hide columns), rows by 问题编号. The
whole workbook is validated before anything is written, then every changed decision is written
in one transaction: a malformed sheet raises `ReviewImportError` naming the sheet and row, and
the store is untouched. Rows whose decision equals the latest stored review are skipped, so
importing the same file twice changes nothing. A note without a status is kept with an empty
status (it also lifts an earlier 误报: the finding is listed as open again).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from govaudit.core.config import ConfigError
from govaudit.core.store import Store
from reports.history import REVIEW_STATUSES
from reports.xlsx import (
    AUDIT_LABEL,
    ID_HEADER,
    LIST_SHEET,
    NOTE_HEADER,
    STATUS_HEADER,
    SUMMARY_SHEET,
    SUPPRESSED_SHEET,
    restore_cell,
)


class ReviewImportError(ConfigError):
    """A workbook that cannot be imported; the message is one line naming the sheet and row."""


@dataclass(frozen=True)
class ImportResult:
    audit_id: int
    written: int  # decisions recorded
    unchanged: int  # rows equal to the latest stored review


def import_reviews(store: Store, path: Path) -> ImportResult:
    """Validate the whole workbook, then record every changed decision in one transaction."""
    name = path.name
    try:
        wb = load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise ReviewImportError(f"{path}: no such file") from None
    except Exception as e:  # zipfile, XML and openpyxl errors all mean "not a usable xlsx"
        raise ReviewImportError(f"{name}: not an xlsx workbook ({type(e).__name__})") from None
    if SUMMARY_SHEET not in wb.sheetnames or LIST_SHEET not in wb.sheetnames:
        raise ReviewImportError(
            f"{name}: sheets {SUMMARY_SHEET} and {LIST_SHEET} are required; "
            "is this a govaudit 整改清单?"
        )
    audit_id = _audit_id(wb[SUMMARY_SHEET], name)
    try:
        store.audit(audit_id)
    except KeyError:
        raise ReviewImportError(
            f"{name}: sheet {SUMMARY_SHEET}: audit {audit_id} is not in {store.path}"
        ) from None
    known = {f.id for f in store.findings(audit_id)}
    decisions: dict[str, tuple[str, str, str]] = {}  # id -> (status, note, where)
    for sheet in (LIST_SHEET, SUPPRESSED_SHEET):
        if sheet in wb.sheetnames:
            _read_sheet(wb[sheet], name, audit_id, known, decisions)
    latest = store.latest_reviews()
    changes, unchanged = [], 0
    for fid, (status, note, _) in decisions.items():
        current = latest.get(fid)
        if current and (current["status"] or "") == status and (current["note"] or "") == note:
            unchanged += 1
        else:
            changes.append((fid, status, note))
    store.add_reviews(audit_id, changes)
    return ImportResult(audit_id, len(changes), unchanged)


def _audit_id(ws: Worksheet, name: str) -> int:
    for label, value, *_ in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if label == AUDIT_LABEL:
            if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
                return int(value)
            raise ReviewImportError(
                f"{name}: sheet {ws.title}: {AUDIT_LABEL} {value!r} is not a number"
            )
    raise ReviewImportError(f"{name}: sheet {ws.title}: no {AUDIT_LABEL} row")


def _read_sheet(
    ws: Worksheet,
    name: str,
    audit_id: int,
    known: set[str],
    decisions: dict[str, tuple[str, str, str]],
) -> None:
    header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    columns = {str(h).strip(): i for i, h in enumerate(header) if h is not None}
    for required in (ID_HEADER, STATUS_HEADER, NOTE_HEADER):
        if required not in columns:
            raise ReviewImportError(f"{name}: sheet {ws.title}: missing column {required}")
    id_col, status_col, note_col = (columns[h] for h in (ID_HEADER, STATUS_HEADER, NOTE_HEADER))
    for number, values in enumerate(ws.iter_rows(min_row=2, values_only=True), 2):
        where = f"{name}: sheet {ws.title} row {number}"
        fid, status, note = (_text(values, c) for c in (id_col, status_col, note_col))
        if not status and not note:
            continue
        if not fid:
            raise ReviewImportError(
                f"{where}: {STATUS_HEADER}/{NOTE_HEADER} given but {ID_HEADER} is empty"
            )
        if status and status not in REVIEW_STATUSES:
            raise ReviewImportError(
                f"{where}: {STATUS_HEADER} {status!r} is not one of {'/'.join(REVIEW_STATUSES)}"
            )
        if fid not in known:
            raise ReviewImportError(
                f"{where}: {ID_HEADER} {fid} is not a finding of audit {audit_id}"
            )
        if fid in decisions and decisions[fid][:2] != (status, note):
            raise ReviewImportError(
                f"{where}: {ID_HEADER} {fid} also appears in {decisions[fid][2]} with another decision"
            )
        decisions[fid] = (status, note, f"sheet {ws.title} row {number}")


def _text(values: tuple, col: int) -> str:
    value = values[col] if col < len(values) else None
    return "" if value is None else restore_cell(str(value).strip())
