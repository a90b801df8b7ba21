"""An attachment's text as the readers build it: the result, its bounds, and why a file is unreadable."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

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


class Unreadable(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class TextBuilder:
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


CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    return CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
