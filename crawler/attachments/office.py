"""docx (python-docx), xlsx (openpyxl, read-only), xls/et (xlrd) and Office/WPS HTML saved as .doc/.xls."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from datetime import time as dtime

from govaudit.crawler.attachments.text import (
    AttachmentText,
    Limits,
    TextBuilder,
    Unreadable,
    clean_text,
)


def _check_zip(body: bytes, limits: Limits) -> None:
    """A docx/xlsx is a zip: refuse one that unpacks to far more than any real document."""
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(body)).infolist())
    if unpacked > limits.max_unzipped:
        raise Unreadable("too_large", f"解压后达 {unpacked} 字节")


def read_docx(body: bytes, fmt: str, limits: Limits) -> AttachmentText:
    import docx
    from docx.table import Table

    _check_zip(body, limits)
    document = docx.Document(io.BytesIO(body))
    out = TextBuilder(limits)
    paragraph_no = table_no = 0
    for block in document.iter_inner_content():
        if out.full():
            break
        if isinstance(block, Table):
            table_no += 1
            for r, row in enumerate(block.rows, 1):
                seen: set[int] = set()  # a merged cell repeats in every grid column it spans
                for c, cell in enumerate(row.cells, 1):
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    out.add(
                        clean_text(cell.text),
                        f"表{table_no}第{r}行第{c}列",
                        sep="\t" if c > 1 else "\n",
                    )
        else:
            paragraph_no += 1
            out.add(clean_text(block.text), f"第{paragraph_no}段")
    return out.result(fmt)


def _cell_text(value: object) -> str:
    """A cell's value as a person sees it: 13812345678, not 13812345678.0 or 1.38e10."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == dtime() else value.isoformat(" ")
    if isinstance(value, date | dtime):
        return value.isoformat()
    return clean_text(str(value))


def _column_name(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the label a person finds in Excel."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def read_xlsx(body: bytes, fmt: str, limits: Limits) -> AttachmentText:
    import openpyxl

    _check_zip(body, limits)
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    out = TextBuilder(limits)
    rows = 0
    try:
        for sheet in book.worksheets:
            hidden = getattr(sheet, "sheet_state", "visible") != "visible"
            out.add(sheet.title, f"{sheet.title}（隐藏工作表）" if hidden else sheet.title)
            for row in sheet.iter_rows():
                rows += 1
                if rows > limits.max_rows:
                    out.truncated = out.truncated or "rows"
                if out.full():
                    break
                first = True
                for cell in row:
                    text = _cell_text(getattr(cell, "value", None))
                    if text:
                        out.add(text, f"{sheet.title}!{cell.coordinate}", "\n" if first else "\t")
                        first = False
    finally:
        book.close()
    return out.result(fmt)


def read_xls(body: bytes, fmt: str, limits: Limits) -> AttachmentText:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=body, on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise Unreadable("encrypted", str(exc)) from exc
        raise
    out = TextBuilder(limits)
    rows = 0
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            hidden = getattr(sheet, "visibility", 0) != 0
            out.add(sheet.name, f"{sheet.name}（隐藏工作表）" if hidden else sheet.name)
            for r in range(sheet.nrows):
                rows += 1
                if rows > limits.max_rows:
                    out.truncated = out.truncated or "rows"
                if out.full():
                    break
                first = True
                for c, cell in enumerate(sheet.row(r)):
                    value = cell.value
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        try:
                            value = xlrd.xldate_as_datetime(value, book.datemode)
                        except Exception:
                            pass
                    elif cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        continue
                    text = _cell_text(value)
                    if text:
                        label = f"{sheet.name}!{_column_name(c)}{r + 1}"
                        out.add(text, label, "\n" if first else "\t")
                        first = False
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return out.result(fmt)


def read_html(body: bytes, fmt: str, limits: Limits) -> AttachmentText:
    """Word/Excel/WPS "save as web page" files published as .doc/.xls: their visible text."""
    import lxml.html

    from govaudit.crawler.extract import decode_html

    html, _charset = decode_html(body, None)
    root = lxml.html.document_fromstring(html or "<html></html>")
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    out = TextBuilder(limits)
    for line in root.text_content().splitlines():
        out.add(clean_text(line))
    return out.result(fmt)


# RTF: WPS and Word save it under .doc and .wps names too; the bytes say what it is ({\rtf).
