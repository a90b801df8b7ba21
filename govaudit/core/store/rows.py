"""Records as the store's rows: plain tuples, cheap to pickle to the helper process, with
personal numbers masked before anything is written (the privacy scan given by the roof)."""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from govaudit.core.masking import mask_html_numbers, mask_personal_numbers
from govaudit.core.model import PageRecord

# (cheap to pickle to another process).
PageRows = tuple[list[str], list[tuple], list[tuple], list[tuple]]


# (meta, title, text) -> (meta, title, text): checks/privacy_leak.py's `scan`, given by the roof.
Scan = Callable[[dict[str, Any], str, str], tuple[dict[str, Any], str, str]]


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def page_rows(audit_id: int, records: Iterable[PageRecord]) -> PageRows:
    urls, pages, links, items = [], [], [], []
    for r in records:
        urls.append(r.url)
        pages.append(_page_row(audit_id, r))
        url = r.url
        links.extend(
            (
                audit_id,
                url,
                k.target,
                k.tag,
                k.attr,
                k.text,
                int(k.in_boilerplate),
                k.fragment or None,
                k.rel or None,
            )
            for k in r.links
        )
        items.extend(
            (audit_id, url, i.url, i.title, iso(i.date), i.position, i.date_from)
            for i in r.list_items
        )
    return urls, pages, links, items


PAGE_ROW = (
    "audit", "url", "final_url", "status", "error", "error_detail", "content_type", "charset",
    "size", "elapsed", "depth", "method", "internal", "kind", "title", "text", "published",
    "meta", "breadcrumb", "pagination", "redirects", "etag", "last_modified", "anchors",
    "local_fragments", "published_from", "kind_evidence", "copy",
)  # fmt: skip
LINK_ROW = (
    "audit", "source", "target", "tag", "attr", "anchor", "boilerplate", "fragment", "rel",
)  # fmt: skip
ITEM_ROW = ("audit", "page", "url", "title", "date", "position", "date_from")


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(value: Any) -> Any:
    """`value` with lone surrogates replaced by U+FFFD (strings only)."""
    return _SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value


def scanned(rows: PageRows, scan: Scan) -> PageRows:
    """The rows with each page's title and text as `scan` leaves them (and its meta), and
    personal numbers masked in link texts and list-item titles too."""
    urls, pages, links, items = rows
    title, text, meta = (PAGE_ROW.index(c) for c in ("title", "text", "meta"))
    scanned = []
    for row in pages:
        values = list(row)
        found, values[title], values[text] = scan(
            json.loads(row[meta] or "{}"), row[title] or "", row[text] or ""
        )
        values[meta] = json.dumps(found, ensure_ascii=False)
        scanned.append(tuple(values))
    anchor, item_title = LINK_ROW.index("anchor"), ITEM_ROW.index("title")
    links = [_masked_at(row, anchor) for row in links]
    items = [_masked_at(row, item_title) for row in items]
    return urls, scanned, links, items


# (digest, zlib-compressed masked HTML, length of the HTML in UTF-8 bytes): a `page_copies` row.
PageCopy = tuple[str, bytes, int]


def with_copies(pages: list[tuple]) -> tuple[list[tuple], list[PageCopy]]:
    """The page rows with each page's HTML replaced by the digest of its stored copy, and the
    copies: personal numbers masked first, so the store never holds a raw one (nor its hash)."""
    at = PAGE_ROW.index("copy")
    rows, copies = [], []
    for row in pages:
        source = row[at]
        if not source:
            rows.append(row)
            continue
        masked = mask_html_numbers(source).encode("utf-8", "replace")
        digest = hashlib.sha256(masked).hexdigest()
        copies.append((digest, zlib.compress(masked, 6), len(masked)))
        rows.append((*row[:at], digest, *row[at + 1 :]))
    return rows, copies


def copy_text(body: bytes) -> str:
    """A stored copy's HTML."""
    return zlib.decompress(body).decode("utf-8")


def _masked_at(row: tuple, i: int) -> tuple:
    if not row[i] or not any(c.isdigit() for c in row[i]):
        return row
    return (*row[:i], mask_personal_numbers(row[i]), *row[i + 1 :])


def _page_row(audit_id: int, r: PageRecord) -> tuple:
    """The `PAGE_ROW` values of a record."""
    return (
        audit_id,
        r.url,
        r.final_url,
        r.status,
        r.error,
        r.error_detail,
        r.content_type,
        r.charset,
        r.size,
        r.elapsed,
        r.depth,
        r.method,
        int(r.internal),
        r.kind,
        r.title,
        r.text,
        iso(r.published),
        json.dumps(r.meta, ensure_ascii=False),
        json.dumps(list(r.breadcrumb), ensure_ascii=False),
        json.dumps(list(r.pagination)),
        json.dumps(list(r.redirects)),
        r.etag,
        r.last_modified,
        json.dumps(list(r.anchors), ensure_ascii=False) if r.anchors else None,
        json.dumps(list(r.local_fragments), ensure_ascii=False) if r.local_fragments else None,
        r.published_from,
        json.dumps(list(r.kind_evidence), ensure_ascii=False) if r.kind_evidence else None,
        r.source or None,  # the page's HTML until `with_copies` puts its digest here
    )
