"""The format of an attachment, from its bytes first (magic numbers, zip members, OLE streams), its
extension and content type second.
"""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import unquote, urlsplit

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


def url_extension(url: str) -> str:
    path = unquote(urlsplit(url).path)
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff_format(body: bytes, url: str = "", content_type: str | None = None) -> str:
    """The file's real format: magic bytes first, then the extension, then the content type."""
    magic = magic_format(body, url_extension(url))
    if magic is not None:
        return magic
    return declared_format(url, content_type)


def declared_format(url: str, content_type: str | None) -> str:
    ext = url_extension(url)
    if ext:
        return ext
    mime = (content_type or "").split(";")[0].strip().lower()
    return _CONTENT_TYPES.get(mime, mime or "unknown")


_HTML_START = re.compile(
    rb"\s*(?:\xef\xbb\xbf)?\s*(?:<!doctype|<html|<\?xml|<head|<body|<meta|<table)", re.I
)


def magic_format(body: bytes, ext: str) -> str | None:
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
