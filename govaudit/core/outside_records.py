"""Outside lists: problem lists and document registers the bureau receives from others.

Inspectors (市公开办, 省办, 国办) and vendors send problem lists as xlsx; `govaudit import-list`
keeps their rows (`OutsideRow`) in the store, and after every audit each row gets a status
(`OutsideStatus`) judged against the audit's findings (checks/outside_matching.py). A document
register (发文登记, `RegisterDocument`) says what the bureau issued: what the site should publish.

The records cross rooms (reports read them from the store, checks judge them), so they are here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import safe_url_string

# Statuses after an audit, in the order reports list them.
STILL_OPEN = "仍存在"  # a finding of this audit matches the row
FIXED = "已整改"  # matched before; its page was verified this audit and the finding is gone
UNVERIFIED = "未核实"  # its page was not verified this audit (not reached, or carried over)
UNMATCHED = "无法匹配"  # verified, but none of our findings was ever its problem: 需人工核实
# A finding of this audit matches the row, but the staff's review marked that finding 误报: the
# bureau disputes the row, which is neither open by our word nor fixed until the sender agrees.
DISPUTED = "本单位认定误报"
STATUSES = (STILL_OPEN, DISPUTED, UNVERIFIED, UNMATCHED, FIXED)
# What a person does about a row of these statuses: the tool cannot settle it alone.
STATUS_NOTES = {UNMATCHED: "需人工核实", DISPUTED: "待上级确认"}


def status_label(status: str) -> str:
    """A status as the lists write it, with what is left to do: 无法匹配（需人工核实）."""
    note = STATUS_NOTES.get(status)
    return f"{status}（{note}）" if note else status


@dataclass(frozen=True)
class OutsideRow:
    """One row of an imported problem list, as the list wrote it (personal numbers masked)."""

    id: int  # the store's row id
    source: str  # who sent it: 市公开办, 省办, a vendor
    imported: str  # YYYY-MM-DD of the import
    file: str  # the workbook's name
    place: str  # sheet and row: 问题清单 第 5 行
    url: str
    kind: str  # the list's own problem type (问题类型), in its words
    description: str
    found: str  # 发现日期 as written (YYYY-MM-DD when it was a date)
    deadline: str  # 整改时限 as written (YYYY-MM-DD when it was a date)


@dataclass(frozen=True)
class OutsideStatus:
    """A row's status after one audit, and the finding that matched it (if any)."""

    row: OutsideRow
    status: str  # one of STATUSES
    finding_id: str = ""


@dataclass(frozen=True)
class RegisterDocument:
    """One document of a 发文登记 register: issued, so the site should publish it."""

    id: int
    source: str
    imported: str
    file: str
    place: str
    title: str
    number: str  # 文号 ("" when the register has none)
    written: str  # 成文日期, YYYY-MM-DD or ""
    printed: str  # 印发日期, YYYY-MM-DD or ""
    normative: bool | None  # 是否规范性文件; None when the register does not say


def url_key(url: str) -> str:
    """A URL as matching compares it: the crawl's safe encoding, host lowercased, default port,
    fragment and a trailing slash dropped. The scheme is left out: a list written with http://
    names the same page the crawl fetched over https://. "" for no URL (empty, "见附件")."""
    text = url.strip()
    if not text:
        return ""
    if "://" not in text:
        text = "http://" + text.lstrip("/")
    try:
        parts = urlsplit(safe_url_string(text))
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:  # "见附件", a port out of range: no page to compare
        return ""
    if "." not in host and host != "localhost":
        return ""
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    return urlunsplit(("", host, path, parts.query, "")).lstrip("/")


def row_fingerprint(*fields: str) -> str:
    """The same row imported again (the same file twice, a list resent) is stored once."""
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()[:24]
