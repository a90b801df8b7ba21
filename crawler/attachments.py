"""Pure text extraction from attachments: (url, body bytes, content type) → `AttachmentText`.

On a bureau's site much of what is published lives in attachments (公示 lists of names and ID
numbers as xls, policy texts as doc or pdf); the word and privacy checks must read them like pages
(issue 10; domain-rules.md #13: "xls、doc、pdf 附件也要扫描"). This module turns the bytes into text
plus *locations* (offset into the text → `Sheet1!B3`, `第2页`, `第4段`, `表1第2行第3列`) so a
finding can say where in the file the problem is.

The format is sniffed from the bytes first (`%PDF`, a zip holding `word/` or `xl/`, an OLE compound
file `D0 CF 11 E0` holding a `WordDocument` or `Workbook` stream, `{\\rtf`, HTML), the extension
and content type only second: CMSs serve xls as `application/octet-stream`, WPS saves `.wps` in
the Word 97 format and `.et` in the Excel 97 format, and "Word" files are often HTML.

Readers (all pure Python): pdf → pypdf; docx → python-docx; xlsx → openpyxl (read-only);
xls/et → xlrd 2.x; doc/wps (Word 97 binary) → the piece table of the `WordDocument` stream, read
with olefile ([MS-DOC] §2.4.1), and a Word 6/95 one saved in full → its 8-bit text run; Office/WPS HTML saved as .doc/.xls → lxml; RTF, whatever its
name (WPS and Word save RTF as .doc) → a small reader of its syntax here (\\'hh bytes in the
font's or the document's code page, \\uN characters). Anything else gets a
`reason`: `encrypted`, `corrupt`, `scanned` (a pdf without a text layer), `unsupported` (`format`
says which) or `too_large`. Nothing here raises on bad input, and every loop is bounded (pages,
rows, characters, unpacked zip size) so a zip bomb or a 10,000-page pdf cannot stall the crawl.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dtime
from urllib.parse import unquote, urlsplit

from govaudit.core.locations import location_at

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "AttachmentText",
    "Limits",
    "REASONS",
    "extract_attachment",
    "location_at",
    "sniff_format",
]

# `timeout`: the crawler gave up on the reader (see crawler/attachment_reader.py).
REASONS = ("encrypted", "corrupt", "scanned", "unsupported", "too_large", "timeout")

# Extensions that name an attachment (the spider's "is this a document to read" test).
ATTACHMENT_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "rtf", "ppt", "pptx", "dps", "zip", "rar"}
)


@dataclass(frozen=True)
class Limits:
    """Bounds on the work for one file; hitting one truncates the text (`truncated` says which)."""

    max_chars: int = 2_000_000
    max_pages: int = 2_000  # pdf pages
    max_rows: int = 200_000  # spreadsheet rows over all sheets
    max_unzipped: int = 200 * 1024 * 1024  # docx/xlsx: sum of the members' declared sizes
    max_seconds: float = 60.0  # checked between pages/rows; a process pool bounds a single page


@dataclass(frozen=True)
class AttachmentText:
    """The readable text of one attachment, where each part came from, or why it is unreadable."""

    text: str = ""
    # (offset into text, label), sorted by offset; the label holds from its offset to the next one.
    locations: tuple[tuple[int, str], ...] = ()
    reason: str | None = None  # one of REASONS, None when the text was read
    format: str = "unknown"  # pdf, docx, xlsx, xls, et, doc, wps, html, rtf, zip, ...
    detail: str | None = None  # one line for a human: why, or what was cut
    truncated: str | None = None  # chars, pages, rows, time: a bound cut the text short


def extract_attachment(
    url: str, body: bytes, content_type: str | None, limits: Limits | None = None
) -> AttachmentText:
    """Read the text of an attachment; never raises (a parser's exception becomes a reason)."""
    limits = limits or Limits()
    magic = _magic_format(body, _extension(url))
    fmt = magic or _declared_format(url, content_type)
    if not body:
        return AttachmentText(reason="corrupt", format=fmt, detail="文件内容为空")
    reader = _READERS.get(fmt) if magic else None
    if reader is None:
        return _unreadable(fmt, magic is not None)
    try:
        return reader(body, fmt, limits)
    except _Unreadable as exc:
        return AttachmentText(reason=exc.reason, format=fmt, detail=exc.detail)
    except Exception as exc:  # every parser failure is a fact about the file, not a crash
        detail = f"{type(exc).__name__}: {exc}"[:200]
        reason = "encrypted" if "encrypt" in detail.lower() else "corrupt"
        return AttachmentText(reason=reason, format=fmt, detail=detail)


# ---------------------------------------------------------------------------------------------
# Sniffing
# ---------------------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-works": "wps",
    "application/kswps": "wps",
    "application/kset": "et",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
    "application/zip": "zip",
}
# Markers that an HTML body is an Office/WPS document saved as a web page, not a server error page.
_OFFICE_HTML = re.compile(
    rb"urn:schemas-microsoft-com:office|content=\"?Microsoft (?:Word|Excel)|ProgId|Kingsoft|WPS",
    re.I,
)


def _extension(url: str) -> str:
    path = unquote(urlsplit(url).path)
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff_format(body: bytes, url: str = "", content_type: str | None = None) -> str:
    """The file's real format: magic bytes first, then the extension, then the content type."""
    magic = _magic_format(body, _extension(url))
    if magic is not None:
        return magic
    return _declared_format(url, content_type)


def _declared_format(url: str, content_type: str | None) -> str:
    ext = _extension(url)
    if ext:
        return ext
    mime = (content_type or "").split(";")[0].strip().lower()
    return _CONTENT_TYPES.get(mime, mime or "unknown")


_HTML_START = re.compile(
    rb"\s*(?:\xef\xbb\xbf)?\s*(?:<!doctype|<html|<\?xml|<head|<body|<meta|<table)", re.I
)


def _magic_format(body: bytes, ext: str) -> str | None:
    """The format the bytes prove, or None when they prove nothing."""
    head = body[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(body, ext)
    if head.startswith(_OLE_MAGIC):
        return _ole_format(body, ext)
    if head.lstrip().removeprefix(b"\xef\xbb\xbf").startswith(b"{\\rtf"):
        return "rtf"
    if _HTML_START.match(head):
        return "html" if _OFFICE_HTML.search(body[:8192]) else "html-page"
    return None


def _zip_format(body: bytes, ext: str) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    except Exception:
        return ext or "zip"
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    if "mimetype" in names:
        return "odf"
    return "zip"


def _ole_format(body: bytes, ext: str) -> str:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(body))
    except Exception:
        return ext or "ole"
    with ole:
        streams = {"/".join(s) for s in ole.listdir()}
    if "EncryptionInfo" in streams and "EncryptedPackage" in streams:
        return "ooxml-encrypted"  # a password-protected docx/xlsx is an OLE wrapper
    if "WordDocument" in streams:
        return "wps" if ext == "wps" else "doc"
    if "Workbook" in streams or "Book" in streams:
        return "et" if ext == "et" else "xls"
    if "PowerPoint Document" in streams:
        return "ppt"
    return f"ole-{ext}" if ext else "ole"


# ---------------------------------------------------------------------------------------------
# Readers: each returns an AttachmentText or raises; extract_attachment turns raises into reasons
# ---------------------------------------------------------------------------------------------


class _Unreadable(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class _TextBuilder:
    """Accumulates text and locations up to the limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.parts: list[str] = []
        self.size = 0
        self.locations: list[tuple[int, str]] = []
        self.truncated: str | None = None
        self.deadline = time.monotonic() + limits.max_seconds

    def full(self) -> bool:
        if self.truncated is None and time.monotonic() > self.deadline:
            self.truncated = "time"
        return self.truncated is not None

    def add(self, text: str, label: str | None = None, sep: str = "\n") -> None:
        if not text or self.full():
            return
        if self.parts:
            self.parts.append(sep)
            self.size += len(sep)
        if label is not None:
            self.locations.append((self.size, label))
        room = self.limits.max_chars - self.size
        if len(text) > room:
            text = text[:room]
            self.truncated = "chars"
        self.parts.append(text)
        self.size += len(text)

    def result(self, fmt: str) -> AttachmentText:
        detail = f"文字超过上限（{self.truncated}），已截断" if self.truncated else None
        return AttachmentText(
            text="".join(self.parts),
            locations=tuple(self.locations),
            format=fmt,
            detail=detail,
            truncated=self.truncated,
        )


def _read_pdf(body: bytes, fmt: str, limits: Limits) -> AttachmentText:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # broken xref tables warn per object
    reader = PdfReader(io.BytesIO(body), strict=False)
    if reader.is_encrypted:
        # Many bureaus "protect" pdfs with an owner password only (no printing/copying); the empty
        # user password opens them and the text is public anyway.
        try:
            opened = reader.decrypt("")
        except Exception as exc:
            raise _Unreadable("encrypted", f"无法解密（{type(exc).__name__}）") from exc
        if not opened:
            raise _Unreadable("encrypted", "需要密码才能打开")
    out = _TextBuilder(limits)
    try:
        pages = reader.pages
        count = len(pages)
    except FileNotDecryptedError as exc:
        raise _Unreadable("encrypted", "需要密码才能打开") from exc
    for number in range(min(count, limits.max_pages)):
        if out.full():
            break
        text = pages[number].extract_text() or ""
        out.add(_SOFT_WRAP.sub("", _clean(text)), f"第{number + 1}页")
    if count > limits.max_pages and out.truncated is None:
        out.truncated = "pages"
    result = out.result(fmt)
    if count and not result.text.strip():
        raise _Unreadable("scanned", f"{count} 页没有文字层（可能是扫描图片）")
    return result


# A pdf breaks a Chinese paragraph at every visual line end; a term split over two lines must still
# be found, so a line break between two ideographs (or after a comma) is dropped. Sentence ends
# (。！？：；) keep theirs: those are real paragraph or heading ends.
_SOFT_WRAP = re.compile(r"(?<=[\u3400-\u9fff，、（《“‘])\n(?=[\u3400-\u9fff，、。）》”’])")


def _check_zip(body: bytes, limits: Limits) -> None:
    """A docx/xlsx is a zip: refuse one that unpacks to far more than any real document."""
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(body)).infolist())
    if unpacked > limits.max_unzipped:
        raise _Unreadable("too_large", f"解压后达 {unpacked} 字节")


def _read_docx(body: bytes, fmt: str, limits: Limits) -> AttachmentText:
    import docx
    from docx.table import Table

    _check_zip(body, limits)
    document = docx.Document(io.BytesIO(body))
    out = _TextBuilder(limits)
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
                        _clean(cell.text),
                        f"表{table_no}第{r}行第{c}列",
                        sep="\t" if c > 1 else "\n",
                    )
        else:
            paragraph_no += 1
            out.add(_clean(block.text), f"第{paragraph_no}段")
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
    return _clean(str(value))


def _column_name(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the label a person finds in Excel."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _read_xlsx(body: bytes, fmt: str, limits: Limits) -> AttachmentText:
    import openpyxl

    _check_zip(body, limits)
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    out = _TextBuilder(limits)
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


def _read_xls(body: bytes, fmt: str, limits: Limits) -> AttachmentText:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=body, on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise _Unreadable("encrypted", str(exc)) from exc
        raise
    out = _TextBuilder(limits)
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


def _read_word97(body: bytes, fmt: str, limits: Limits) -> AttachmentText:
    """Text of a Word 97–2003 binary (.doc, and .wps saved by WPS in that format).

    [MS-DOC] §2.4.1 "Retrieving Text": the FIB gives the Clx in the table stream; its piece table
    maps character positions to runs of cp1252 bytes (fCompressed) or UTF-16LE in WordDocument.
    """
    import olefile

    with olefile.OleFileIO(io.BytesIO(body)) as ole:
        word = ole.openstream("WordDocument").read()
        if len(word) < 0x22 or struct.unpack_from("<H", word, 0)[0] != 0xA5EC:
            raise _Unreadable("corrupt", "Word 文件结构损坏（WordDocument 流中没有 FIB）")
        (n_fib,) = struct.unpack_from("<H", word, 2)
        (flags,) = struct.unpack_from("<H", word, 0x0A)
        if flags & 0x0100:  # fEncrypted
            raise _Unreadable("encrypted", "Word 文件设有打开密码")
        if n_fib < 0x00C1:  # Word 6/95: no piece table in the 97 layout
            return _read_word6(word, n_fib, flags, fmt, limits)
        table_name = "1Table" if flags & 0x0200 else "0Table"  # fWhichTblStm
        if not ole.exists(table_name):
            raise _Unreadable("corrupt", f"Word 文件结构损坏（缺少 {table_name} 流）")
        table = ole.openstream(table_name).read()
    fc_clx, lcb_clx, ccp_text = _fib_clx(word)
    pieces = _piece_table(table[fc_clx : fc_clx + lcb_clx])
    chunks: list[str] = []
    total = 0
    budget = min(ccp_text, limits.max_chars)
    for cp_start, cp_end, fc, compressed in pieces:
        if total >= budget:
            break
        n = min(cp_end - cp_start, budget - total)
        if compressed:
            chunks.append(word[fc // 2 : fc // 2 + n].decode("cp1252", "replace"))
        else:
            chunks.append(word[fc : fc + 2 * n].decode("utf-16-le", "replace"))
        total += n
    out = _TextBuilder(limits)
    for number, paragraph in enumerate(_word_paragraphs("".join(chunks)), 1):
        out.add(paragraph, f"第{number}段")
    if ccp_text > limits.max_chars:
        out.truncated = "chars"
    return out.result(fmt)


# The code page of a Word 6/95 file's 8-bit text, by the FIB's language id (lid).
_WORD6_CODEPAGES = {0x0804: "gb18030", 0x1004: "gb18030", 0x0404: "cp950", 0x0C04: "cp950"}
_WORD6_CODEPAGES |= {0x0411: "cp932", 0x0412: "cp949"}


def _read_word6(word: bytes, n_fib: int, flags: int, fmt: str, limits: Limits) -> AttachmentText:
    """Text of a Word 6.0/95 binary saved in full (not fast-saved): its text is one run of
    8-bit characters, GBK in a Chinese file, from fcMin to fcMac (the Word 6 FIB)."""
    if not 0x0065 <= n_fib <= 0x0069:
        raise _Unreadable("unsupported", f"未知版本的 Word 二进制文件（nFib {n_fib:#x}）")
    if flags & 0x0004:  # fComplex: a fast save left a piece table of the Word 6 layout
        raise _Unreadable("unsupported", f"快速保存的 Word 6/95 旧格式（nFib {n_fib:#x}）")
    (lid,) = struct.unpack_from("<H", word, 0x06)
    fc_min, fc_mac = struct.unpack_from("<II", word, 0x18)
    if not 0x20 <= fc_min <= fc_mac <= len(word):
        raise _Unreadable("corrupt", f"Word 文件结构损坏（正文范围 {fc_min}..{fc_mac} 超出文件）")
    raw = word[fc_min : min(fc_mac, fc_min + limits.max_chars * 2)]
    text = raw.decode(_WORD6_CODEPAGES.get(lid, "cp1252"), "replace")
    out = _TextBuilder(limits)
    for number, paragraph in enumerate(_word_paragraphs(text), 1):
        out.add(paragraph, f"第{number}段")
    return out.result(fmt)


def _fib_clx(word: bytes) -> tuple[int, int, int]:
    """(fcClx, lcbClx, ccpText) from the variable-length FIB ([MS-DOC] §2.5.1)."""
    pos = 0x20
    (csw,) = struct.unpack_from("<H", word, pos)
    pos += 2 + csw * 2
    (cslw,) = struct.unpack_from("<H", word, pos)
    rg_lw = pos + 2
    (ccp_text,) = struct.unpack_from("<i", word, rg_lw + 3 * 4)
    pos = rg_lw + cslw * 4
    (cb_rg,) = struct.unpack_from("<H", word, pos)
    if cb_rg < 34:
        raise _Unreadable("corrupt", "Word 文件结构损坏（FIB 过短，没有 piece table）")
    fc_clx, lcb_clx = struct.unpack_from("<II", word, pos + 2 + 33 * 8)  # fcClx is pair 33
    return fc_clx, lcb_clx, max(ccp_text, 0)


def _piece_table(clx: bytes) -> list[tuple[int, int, int, bool]]:
    """(cp_start, cp_end, fc, fCompressed) for each piece of a Clx."""
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: skip property modifiers
        (cb,) = struct.unpack_from("<h", clx, pos + 1)
        pos += 3 + cb
    if pos >= len(clx) or clx[pos] != 0x02:
        raise _Unreadable("corrupt", "Word 文件结构损坏（Clx 中没有 piece table）")
    (lcb,) = struct.unpack_from("<I", clx, pos + 1)
    plc = clx[pos + 5 : pos + 5 + lcb]
    n = (len(plc) - 4) // 12
    if n <= 0:
        raise _Unreadable("corrupt", "Word 文件结构损坏（piece table 为空）")
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    pieces = []
    for i in range(n):
        (fc_raw,) = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)
        compressed = bool(fc_raw & 0x40000000)
        pieces.append((cps[i], cps[i + 1], fc_raw & 0x3FFFFFFF, compressed))
    return pieces


_FIELD_CODE = re.compile("\x13[^\x13\x14\x15]*\x14")  # field instruction up to its separator
_FIELD_BARE = re.compile("\x13[^\x13\x14\x15]*\x15")  # a field with no shown result
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _word_paragraphs(raw: str) -> list[str]:
    """Word's control characters → plain text, one item per non-empty paragraph."""
    text = raw
    for _ in range(3):  # nested fields
        text = _FIELD_CODE.sub("", _FIELD_BARE.sub("", text))
    # A table cell ends with 0x07 and a row with one more 0x07 (its end-of-row mark).
    text = text.replace("\x15", "").replace("\x07\x07", "\n").replace("\x07", "\t")
    text = text.replace("\x0b", "\n").replace("\x0c", "\n")
    text = _CONTROL.sub("", text)
    return [p.strip() for p in re.split(r"[\r\n]", text) if p.strip()]


def _read_html(body: bytes, fmt: str, limits: Limits) -> AttachmentText:
    """Word/Excel/WPS "save as web page" files published as .doc/.xls: their visible text."""
    import lxml.html

    from govaudit.crawler.extract import decode_html

    html, _charset = decode_html(body, None)
    root = lxml.html.document_fromstring(html or "<html></html>")
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    out = _TextBuilder(limits)
    for line in root.text_content().splitlines():
        out.add(_clean(line))
    return out.result(fmt)


# RTF: WPS and Word save it under .doc and .wps names too; the bytes say what it is ({\rtf).
_RTF_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|[\r\n]+|([^\\{}\r\n]+)",
    re.S,
)
# Groups whose text is no document text (tables of fonts and styles, metadata, pictures, field
# instructions); a `{\*\name …}` group is skipped whatever its name (RTF 1.9.1, "Destinations").
_RTF_SKIP = frozenset(
    b"fonttbl colortbl stylesheet info pict object objdata fldinst listtable listoverridetable "
    b"rsidtbl generator themedata colorschememapping datastore latentstyles xmlnstbl filetbl "
    b"revtbl pgdsctbl bkmkstart bkmkend mmathPr passwordhash userprops docvar".split()
)
_RTF_BREAK = {b"par": "\n", b"line": "\n", b"sect": "\n", b"page": "\n", b"row": "\n"}
_RTF_SYMBOL = {
    b"cell": "\t",
    b"nestcell": "\t",
    b"tab": "\t",
    b"emdash": "\u2014",
    b"endash": "\u2013",
    b"lquote": "\u2018",
    b"rquote": "\u2019",
    b"ldblquote": "\u201c",
    b"rdblquote": "\u201d",
    b"bullet": "\u2022",
    b"emspace": " ",
    b"enspace": " ",
}
# \fcharsetN → the code page of that font's \'hh bytes (RTF 1.9.1, \fcharset table).
_RTF_CHARSETS = {
    128: "cp932",
    129: "cp949",
    134: "gb18030",
    136: "cp950",
    161: "cp1253",
    162: "cp1254",
    177: "cp1255",
    178: "cp1256",
    186: "cp1257",
    204: "cp1251",
    222: "cp874",
    238: "cp1250",
}


@dataclass
class _RtfGroup:
    skip: bool = False
    font: int | None = None
    uc: int = 1  # characters that stand in for each \uN (its ANSI fallback) and are skipped
    in_fonttbl: bool = False


class _RtfText:
    """The visible text of an RTF body: a small reader of the RTF 1.9.1 syntax, no layout."""

    def __init__(self, body: bytes, max_chars: int) -> None:
        self.body = body
        self.max_chars = max_chars
        self.out: list[str] = []
        self.size = 0
        self.pending = bytearray()  # \'hh bytes: a GBK character is two of them
        self.codepage = "cp1252"  # \ansicpgN
        self.fonts: dict[int, str] = {}
        self.skip_fallback = 0
        self.pictures = 0

    def text(self) -> str:
        stack = [_RtfGroup()]
        pos, n = 0, len(self.body)
        while pos < n and self.size < self.max_chars:
            m = _RTF_TOKEN.match(self.body, pos)
            if m is None:  # a lone backslash at the end
                break
            pos = m.end()
            word, arg, hexbyte, symbol, brace, plain = m.groups()
            group = stack[-1]
            if brace == b"{":
                self._flush(group)
                stack.append(_RtfGroup(group.skip, group.font, group.uc, group.in_fonttbl))
            elif brace == b"}":
                self._flush(group)
                if len(stack) > 1:
                    stack.pop()
            elif word is not None:
                pos = self._control(word, arg, stack, pos)
            elif hexbyte is not None:
                if self.skip_fallback:
                    self.skip_fallback -= 1
                elif not group.skip:
                    self.pending.append(int(hexbyte, 16))
            elif symbol is not None:
                self._symbol(symbol, stack)
            elif plain is not None:
                self._plain(plain, group)
        self._flush(stack[-1])
        return "".join(self.out)

    def _control(self, word: bytes, arg: bytes | None, stack: list[_RtfGroup], pos: int) -> int:
        group = stack[-1]
        self.skip_fallback = 0 if word != b"u" else self.skip_fallback
        if word == b"bin" and arg:  # raw binary data: jump over it
            return pos + max(int(arg), 0)
        if word in _RTF_SKIP:
            group.skip = True
            group.in_fonttbl = word == b"fonttbl"
            self.pictures += word == b"pict"
            return pos
        if group.in_fonttbl:
            self._font_table(word, arg, group)
            return pos
        if word == b"ansicpg" and arg:
            self.codepage = f"cp{int(arg)}" if arg != b"936" else "gb18030"
        elif word == b"f" and arg:
            self._flush(group)
            group.font = int(arg)
        elif word == b"uc" and arg:
            group.uc = max(int(arg), 0)
        elif word == b"u" and arg:
            if not group.skip:
                self._flush(group)
                self._emit(chr(int(arg) % 65536))
            self.skip_fallback = group.uc
        elif not group.skip and (word in _RTF_BREAK or word in _RTF_SYMBOL):
            self._flush(group)
            self._emit(_RTF_BREAK.get(word) or _RTF_SYMBOL[word])
        return pos

    def _font_table(self, word: bytes, arg: bytes | None, group: _RtfGroup) -> None:
        if word == b"f" and arg:
            group.font = int(arg)
        elif word == b"fcharset" and arg and group.font is not None:
            codepage = _RTF_CHARSETS.get(int(arg))
            if codepage:
                self.fonts[group.font] = codepage

    def _symbol(self, symbol: bytes, stack: list[_RtfGroup]) -> None:
        group = stack[-1]
        if symbol == b"*":  # an optional destination this reader does not know
            group.skip = True
        elif group.skip:
            return
        elif symbol in b"\\{}":
            self._plain(symbol, group)
        elif symbol == b"~":
            self._plain(b" ", group)
        elif symbol == b"_":
            self._plain(b"-", group)
        elif symbol in (b"\n", b"\r"):  # \<newline> is \par
            self._flush(group)
            self._emit("\n")

    def _plain(self, raw: bytes, group: _RtfGroup) -> None:
        if self.skip_fallback:
            cut = min(self.skip_fallback, len(raw))
            self.skip_fallback -= cut
            raw = raw[cut:]
        if raw and not group.skip:
            if raw.isascii():
                self._flush(group)
                self._emit(raw.decode("ascii"))
            else:  # 8-bit text written raw, as some writers do
                self.pending.extend(raw)

    def _flush(self, group: _RtfGroup) -> None:
        if not self.pending:
            return
        raw, self.pending = bytes(self.pending), bytearray()
        font = self.fonts.get(group.font) if group.font is not None else None
        # A font's charset names its code page; many writers give CJK fonts charset 0 and rely
        # on \ansicpg936, so the other code page is tried before any byte is replaced.
        for codepage in dict.fromkeys((font or self.codepage, self.codepage, "gb18030")):
            try:
                self._emit(raw.decode(codepage))
                return
            except (UnicodeDecodeError, LookupError):
                continue
        self._emit(raw.decode(font or self.codepage, "replace"))

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.size += len(text)


def _read_rtf(body: bytes, fmt: str, limits: Limits) -> AttachmentText:
    """Text of an RTF file, one location per paragraph (第N段)."""
    reader = _RtfText(body[body.find(b"{\\rtf") :], limits.max_chars)  # after a BOM
    text = reader.text()
    out = _TextBuilder(limits)
    for number, paragraph in enumerate(
        (p.strip() for p in _CONTROL.sub("", text).split("\n") if p.strip()), 1
    ):
        out.add(paragraph, f"第{number}段")
    result = out.result(fmt)
    if not result.text and reader.pictures:
        raise _Unreadable("scanned", f"只有 {reader.pictures} 张图片，没有文字（可能是扫描图片）")
    return result


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


_UNSUPPORTED = {
    "ooxml-encrypted": ("encrypted", "设有打开密码的 Office 文件"),
    "html-page": ("corrupt", "是网页而不是文档（可能是错误页面）"),
    "ppt": ("unsupported", "PowerPoint 97 演示文稿"),
    "pptx": ("unsupported", "PowerPoint 演示文稿"),
    "odf": ("unsupported", "OpenDocument 文件"),
    "zip": ("unsupported", "zip 压缩包：不解压其中的文件"),
    "rar": ("unsupported", "rar 压缩包"),
}


def _unreadable(fmt: str, proven: bool) -> AttachmentText:
    """Why a file has no reader: a known format the bytes contradict is corrupt (or, for .wps, the
    pre-2005 Kingsoft format); anything else is unsupported, with its format named."""
    reason, detail = _UNSUPPORTED.get(fmt, ("unsupported", f"暂不支持 {fmt} 格式"))
    if not proven and fmt == "wps":
        detail = "不是 Word 97 复合文档（可能是金山 WPS 旧格式）"
    elif not proven and fmt in _READERS:
        reason, detail = "corrupt", f"不是有效的 {fmt} 文件"
    elif fmt.startswith("ole"):
        detail = f"{fmt}：复合文档中没有 Word 或 Excel 内容"
    return AttachmentText(reason=reason, format=fmt, detail=detail)


_READERS: dict[str, Callable[[bytes, str, Limits], AttachmentText]] = {
    "pdf": _read_pdf,
    "docx": _read_docx,
    "xlsx": _read_xlsx,
    "xls": _read_xls,
    "et": _read_xls,
    "doc": _read_word97,
    "wps": _read_word97,
    "html": _read_html,
    "rtf": _read_rtf,
}
