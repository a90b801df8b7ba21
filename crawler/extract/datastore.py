"""Hanweb (大汉) lists kept in `<datastore>` XML: in the page's script, or the dataproxy.jsp answer."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from govaudit.crawler.extract.urls import Resolver

DATASTORE_RECORD = re.compile(
    r"<record\b[^>]*>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>", re.S | re.I
)


def expand_datastores(root: etree._Element) -> list[tuple[str, int, int | None]]:
    """Graft the rows of script-held datastores into the tree where the script stands, so that
    links, list items and text see what a visitor sees (the rows are data, not code).

    Returns, per datastore that names a `<nextgroup>` (the rest of the list, fetched by jpage.js
    from dataproxy.jsp): (its raw href, the number of rows inline, `<totalrecord>` if stated)."""
    groups: list[tuple[str, int, int | None]] = []
    for script in list(root.iter("script")):
        text = script.text or ""
        lowered = text.lower()
        if "<record" not in lowered and "<nextgroup" not in lowered:
            continue
        records = DATASTORE_RECORD.findall(text)
        nextgroup = _DATASTORE_NEXT.search(text)
        if nextgroup:
            total = _DATASTORE_TOTAL.search(text)
            groups.append(
                (nextgroup.group(1), len(records), int(total.group(1)) if total else None)
            )
        if "<recordset" not in lowered:
            continue
        rows = "".join(a or b for a, b in records).strip()
        parent = script.getparent()
        if not rows or parent is None:
            continue
        holder = rows_holder(rows)
        if holder is None:
            continue
        holder.tail = script.tail
        parent.replace(script, holder)
    return groups


def rows_holder(rows: str) -> etree._Element | None:
    """The element a visitor's browser puts the rows in (a table for <tr>, a list for <li>)."""
    wrap = "table" if rows[:3].lower() == "<tr" else "ul" if rows[:3].lower() == "<li" else "div"
    try:
        return lxml.html.fragment_fromstring(f'<{wrap} class="datastore">{rows}</{wrap}>')
    except (etree.ParserError, ValueError):
        return None


# jpage.js asks dataproxy.jsp for the rows after the inline ones: `startrecord`, `endrecord`,
# `perpage` (POST in the browser; the JSP reads request parameters, so a GET query is answered
# alike). One request per list page, bounded: the newest rows are the inline ones anyway.
_DATASTORE_NEXT = re.compile(
    r"<nextgroup\b[^>]*>(?:(?!</nextgroup>).)*?href\s*=\s*[\"']([^\"']+)[\"']", re.S | re.I
)
_DATASTORE_TOTAL = re.compile(r"<totalrecord\b[^>]*>\s*(\d+)\s*</totalrecord>", re.I)
_JPAGE_TOTAL = re.compile(r"\btotalRecord\s*[:=]\s*['\"]?(\d+)", re.I)
_JPAGE_PERPAGE = re.compile(r"\bperPage\s*[:=]\s*['\"]?(\d+)", re.I)
_JPAGE_DEFAULT_PERPAGE = 15  # jpage.js's default page size on Hanweb list templates
MAX_PROXY_RECORDS = 1000


def proxy_pages(
    root: etree._Element, groups: list[tuple[str, int, int | None]], resolve: Resolver
) -> list[str]:
    """dataproxy.jsp URLs for the rows of the page's datastores that are not inline."""
    if not groups:
        return []
    scripts = "\n".join(s.text or "" for s in root.iter("script"))
    stated_total = _JPAGE_TOTAL.search(scripts)
    perpage = _JPAGE_PERPAGE.search(scripts)
    out: list[str] = []
    for href, inline, total in groups:
        if total is None and stated_total and len(groups) == 1:
            total = int(stated_total.group(1))
        if total is not None and total <= inline:
            continue  # every row is already on the page
        end = (
            inline + MAX_PROXY_RECORDS if total is None else min(total, inline + MAX_PROXY_RECORDS)
        )
        url = resolve.url(href.replace("&amp;", "&"))
        if not url:
            continue
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        have = {k.lower() for k, _ in query}
        wanted = (
            ("startrecord", str(inline + 1)),
            ("endrecord", str(end)),
            ("perpage", perpage.group(1) if perpage else str(_JPAGE_DEFAULT_PERPAGE)),
        )
        extra = "&".join(f"{k}={v}" for k, v in wanted if k not in have)
        if extra:
            url = urlunsplit(
                parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra)
            )
        if url not in out:
            out.append(url)
    return out


_XML_TYPES = {"text/xml", "application/xml"}
_XML_START = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?<datastore\b", re.I)


# Bot checks that answer in place of the site until a script has run: 瑞数 (Ruishu, HTTP 412,
# `$_ts`), 知道创宇/加速乐 (HTTP 521, `__jsl_clearance`), Cloudflare (`cf-chl`, challenge-platform).


def is_datastore_answer(body: bytes, content_type: str | None) -> bool:
    """A dataproxy.jsp answer: an XML `<datastore>` of CDATA records (text/xml, or a body that
    starts like one whatever the server calls it)."""
    head = (body or b"")[:512].lstrip(b"\xef\xbb\xbf")
    if _XML_START.match(head):
        return True
    return content_type in _XML_TYPES and b"<datastore" in (body or b"")[:4096].lower()
