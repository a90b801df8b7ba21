"""What a response's headers and a URL say before its body is read: type, charset, length, and
whether the target is a resource to check rather than a page to parse."""

import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from urllib.parse import urlsplit

# Non-HTML targets are checked, not parsed: by the extension of their path ...
RESOURCE_EXTENSIONS = frozenset(
    "pdf doc docx xls xlsx ppt pptx wps et dps ofd txt rtf csv zip rar 7z gz tar "
    "jpg jpeg png gif bmp webp svg ico tif tiff mp3 mp4 avi flv wmv swf css js json xml apk exe".split()
)
# ... or by the tag that links them.
RESOURCE_TAGS = frozenset({"img", "script", "link", "embed", "object", "video", "audio", "source"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
XML_TYPES = frozenset({"text/xml", "application/xml"})
# A list's JSON API (crawler/adapters.py), read when its answer is JSON.
JSON_TYPES = frozenset({"application/json", "text/json", "application/x-json", "text/plain"})


def header(headers: Mapping[bytes, bytes], name: str) -> str | None:
    """A response header as the Latin-1 text of the bytes sent (any byte can be stored: a stray
    one in an ETag once lost the page)."""
    value = headers.get(name)
    return None if value is None else value.decode("latin-1")


def mime_type(headers: Mapping[bytes, bytes]) -> str | None:
    raw = header(headers, "Content-Type")
    if not raw:
        return None
    return raw.split(";")[0].strip().lower() or None


def header_charset(headers: Mapping[bytes, bytes]) -> str | None:
    raw = header(headers, "Content-Type")
    if not raw:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", raw, re.IGNORECASE)
    return match.group(1) if match else None


def content_length(headers: Mapping[bytes, bytes]) -> int | None:
    raw = (header(headers, "Content-Length") or "").strip()
    return int(raw) if raw.isdigit() else None


def is_resource_url(url: str) -> bool:
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower().lstrip(".")
    return suffix in RESOURCE_EXTENSIONS
