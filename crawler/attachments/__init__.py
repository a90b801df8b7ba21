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

Modules: `text` (the result and its bounds), `sniff` (the format from the bytes), `pdf`, `office`
(docx, xlsx, xls/et, Office HTML), `word97` (doc/wps, Word 6/95), `rtf`.
"""

from __future__ import annotations

from collections.abc import Callable

from govaudit.core.locations import location_at
from govaudit.crawler.attachments.office import read_docx, read_html, read_xls, read_xlsx
from govaudit.crawler.attachments.pdf import read_pdf
from govaudit.crawler.attachments.rtf import read_rtf
from govaudit.crawler.attachments.sniff import (
    declared_format,
    magic_format,
    sniff_format,
    url_extension,
)
from govaudit.crawler.attachments.text import (
    ATTACHMENT_EXTENSIONS,
    REASONS,
    AttachmentText,
    Limits,
    Unreadable,
)
from govaudit.crawler.attachments.word97 import read_word97

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "AttachmentText",
    "Limits",
    "REASONS",
    "extract_attachment",
    "location_at",
    "sniff_format",
]


def extract_attachment(
    url: str, body: bytes, content_type: str | None, limits: Limits | None = None
) -> AttachmentText:
    """Read the text of an attachment; never raises (a parser's exception becomes a reason)."""
    limits = limits or Limits()
    magic = magic_format(body, url_extension(url))
    fmt = magic or declared_format(url, content_type)
    if not body:
        return AttachmentText(reason="corrupt", format=fmt, detail="文件内容为空")
    reader = _READERS.get(fmt) if magic else None
    if reader is None:
        return _unreadable(fmt, magic is not None)
    try:
        return reader(body, fmt, limits)
    except Unreadable as exc:
        return AttachmentText(reason=exc.reason, format=fmt, detail=exc.detail)
    except Exception as exc:  # every parser failure is a fact about the file, not a crash
        detail = f"{type(exc).__name__}: {exc}"[:200]
        reason = "encrypted" if "encrypt" in detail.lower() else "corrupt"
        return AttachmentText(reason=reason, format=fmt, detail=detail)


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
    "pdf": read_pdf,
    "docx": read_docx,
    "xlsx": read_xlsx,
    "xls": read_xls,
    "et": read_xls,
    "doc": read_word97,
    "wps": read_word97,
    "html": read_html,
    "rtf": read_rtf,
}
