"""CMS adapters: lists a page's own script fills, read without a browser where the data is reachable.

Each adapter is recognised from the page (script names, URL shapes, markup) and named in the page
record's `meta["cms_adapter"]` (comma-separated); the spider counts every name as
`govaudit/adapter/<name>` in the crawl stats. What each one reads:

| name               | markup it reads                                                              |
|--------------------|------------------------------------------------------------------------------|
| `trs_pager`        | TRS WCM `createPageHTML(total, current, "index", "html")` → `index_N.html`   |
| `hanweb_datastore` | Hanweb `<script type="text/xml"><datastore><recordset><record><![CDATA[<li>` |
| `hanweb_dataproxy` | jpage.js `<nextgroup>` → `dataproxy.jsp?startrecord=…&endrecord=…` answers   |
| `json_endpoint`    | a list page whose list is empty and whose inline script names a JSON API:    |
|                    | `$.ajax({url: "/api/list.json"})`, `$.get/$.getJSON("…")`, `fetch("…")`,     |
|                    | `axios.get("…")` (Ucap/开普云 and newer portals); a POST API is left to the  |
|                    | browser (a GET would answer 405: no broken link of the site)                 |
| `json_list`        | that API's answer: the largest array of objects with a title and a URL       |
|                    | (`title`/`name`/`docTitle` …, `url`/`link`/`docUrl` …, `pubDate`/`time` …);  |
|                    | `totalPage`/`pageCount` with a `page=1`-style parameter names its next pages |
| `frameset`         | `<frameset><frame src>` (and a body that is one `<iframe>`): the frames'      |
|                    | pages are the page's content, followed as its own list pages                 |
| `spa_shell`        | a Vue/Angular/React mount point with no content (`<div id="app"></div>`,     |
|                    | `ng-app`, `<app-root>`): nothing to read without a browser                   |

The first three live in `crawler.extract` (they were there first); this module holds the rest
and is pure like it: functions of the parsed tree or of the body, no network.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import etree

from govaudit.core.model import Link, ListItem, PageRecord
from govaudit.crawler.extract.dates import parse_date

ADAPTER = "cms_adapter"  # PageRecord.meta key: the adapters that read the page, comma-separated

TRS_PAGER = "trs_pager"
HANWEB_DATASTORE = "hanweb_datastore"
HANWEB_DATAPROXY = "hanweb_dataproxy"
JSON_ENDPOINT = "json_endpoint"
JSON_LIST = "json_list"
FRAMESET = "frameset"
SPA_SHELL = "spa_shell"


def named(meta: dict[str, str], *names: str) -> dict[str, str]:
    """`meta` with `names` added to its adapters."""
    have = [n for n in meta.get(ADAPTER, "").split(",") if n]
    have += [n for n in names if n not in have]
    return {**meta, ADAPTER: ",".join(have)} if have else meta


def adapters_of(meta: dict[str, str]) -> list[str]:
    return [n for n in meta.get(ADAPTER, "").split(",") if n]


# ----- JSON list endpoints named in the page's script ----------------------------------------

# The URL argument of a loader call. `$.ajax({... url: "…"` has it as a property.
_AJAX_URL = re.compile(
    r"""(?:\$|jQuery)\s*\.\s*ajax\s*\(\s*\{[^}]*?\burl\s*:\s*(['"])([^'"\s]+)\1(?!\s*\+)""", re.S
)
_CALL_URL = re.compile(
    r"""(?:(?:\$|jQuery)\s*\.\s*(?:get|getJSON)|\bfetch|\baxios\s*\.\s*get)"""
    r"""\s*\(\s*(['"])([^'"\s]+)\1(?!\s*\+)"""
)
# A POST API answers a GET with 405 or an error: asking it would report a broken link that is
# none. Such lists are the browser's.
_POST = re.compile(r"""\b(?:type|method)\s*:\s*['"]post['"]""", re.I)
_POST_WINDOW = 300  # characters around the URL where the call's options are written
_NOT_DATA = re.compile(r"\.(?:js|css|html?|shtml|png|jpe?g|gif|svg)(?:[?#]|$)|dataproxy|^#", re.I)
MAX_ENDPOINTS = 3  # a list page fetches its list; more calls are counters, menus, weather


def json_endpoints(root: etree._Element, resolve: Callable[[str], str | None]) -> list[str]:
    """The data URLs the page's inline scripts fetch, resolved, in order, at most MAX_ENDPOINTS."""
    found: list[str] = []
    for script in root.iter("script"):
        text = script.text or ""
        if not text or script.get("src"):
            continue
        for pattern in (_AJAX_URL, _CALL_URL):
            for match in pattern.finditer(text):
                raw = match.group(2)
                if _NOT_DATA.search(raw) or "+" in raw or _posted(text, match):
                    continue
                url = resolve(raw)
                if url and url not in found:
                    found.append(url)
    return found[:MAX_ENDPOINTS]


def _posted(text: str, match: re.Match[str]) -> bool:
    """The call's options say POST: the `$.ajax({...})` object around the URL, or the options
    object right after `fetch(url`."""
    if match.re is _AJAX_URL:
        start = text.rfind("{", 0, match.start(2))
        end = text.find("}", match.end())
        options = text[start : end if end >= 0 else match.end() + _POST_WINDOW]
    else:
        after = _OPTIONS.match(text, match.end())
        options = after.group() if after else ""
    return bool(_POST.search(options))


_OPTIONS = re.compile(r"\s*,\s*\{[^}]*\}")


_JSON_TYPES = {"application/json", "text/json", "application/x-json", "text/plain"}
_JSON_START = re.compile(rb"^\s*[\[{]")


def is_json_answer(body: bytes, content_type: str | None) -> bool:
    """A JSON body (declared as JSON or text, or an HTML type whose body is plainly JSON)."""
    head = (body or b"")[:64].lstrip(b"\xef\xbb\xbf")
    if not _JSON_START.match(head):
        return False
    return content_type in _JSON_TYPES or content_type in (None, "text/html")


def _key(name: str) -> str:
    return re.sub(r"[_\-\s]", "", name).lower()


_TITLE_KEYS = ("title", "doctitle", "name", "biaoti", "bt", "subject", "infotitle", "articletitle", "topic")  # fmt: skip
_URL_KEYS = ("url", "docurl", "link", "href", "linkurl", "puburl", "detailurl", "articleurl", "fullpath", "path")  # fmt: skip
_DATE_KEYS = ("pubdate", "publishdate", "publishtime", "pubtime", "date", "docreltime", "releasetime", "fbsj", "fbrq", "createtime", "inputtime", "time", "writetime", "updatetime")  # fmt: skip
_PAGES_KEYS = ("totalpage", "totalpages", "pagecount", "pages", "pagetotal")
_PAGE_PARAMS = ("page", "pageno", "pageindex", "pagenum", "currentpage", "curpage", "p", "pn")
MAX_JSON_PAGES = 20  # next pages of one endpoint named by its answer (a trap guard)
MAX_DEPTH = 5


def _field(row: dict[str, Any], keys: tuple[str, ...]) -> Any:
    lowered = {_key(k): v for k, v in row.items() if isinstance(k, str)}
    for key in keys:
        value = lowered.get(key)
        if value not in (None, ""):
            return value
    return None


def _arrays(node: Any, depth: int = 0) -> Iterator[list[dict[str, Any]]]:
    if depth > MAX_DEPTH:
        return
    if isinstance(node, list):
        rows = [r for r in node if isinstance(r, dict)]
        if rows:
            yield rows
        for child in node:
            yield from _arrays(child, depth + 1)
    elif isinstance(node, dict):
        for child in node.values():
            yield from _arrays(child, depth + 1)


def _listing(data: Any) -> list[dict[str, Any]]:
    """The array that is the list: the longest whose rows mostly have a title and a URL."""
    best: list[dict[str, Any]] = []
    for rows in _arrays(data):
        usable = [r for r in rows if _field(r, _TITLE_KEYS) and _field(r, _URL_KEYS)]
        if len(usable) * 2 >= len(rows) and len(usable) > len(best):
            best = usable
    return best


_SHANGHAI = timedelta(hours=8)


def _date(value: Any) -> date | None:

    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value > 0:
        seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds or seconds
        try:
            return (datetime.fromtimestamp(seconds, UTC) + _SHANGHAI).date()
        except (OverflowError, OSError, ValueError):
            return None
    return parse_date(str(value)) if isinstance(value, str) else None


_TAGS = re.compile(r"<[^>]+>")


def _text(value: Any) -> str:
    return " ".join(html.unescape(_TAGS.sub("", str(value))).split())


def _next_pages(url: str, data: Any) -> list[str]:
    """Pages 2..N of a paged endpoint whose answer states N and whose URL says `page=1`."""
    total = _field(data, _PAGES_KEYS) if isinstance(data, dict) else None
    if total is None and isinstance(data, dict):
        for value in data.values():
            if isinstance(value, dict) and _field(value, _PAGES_KEYS) is not None:
                total = _field(value, _PAGES_KEYS)
                break
    try:
        total = int(total)
    except (TypeError, ValueError):
        return []
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    place = next((i for i, (k, v) in enumerate(query) if _key(k) in _PAGE_PARAMS), None)
    if place is None or query[place][1] != "1":
        return []
    out = []
    for number in range(2, min(total, MAX_JSON_PAGES) + 1):
        paged = list(query)
        paged[place] = (paged[place][0], str(number))
        out.append(urlunsplit(parts._replace(query=urlencode(paged))))
    return out


def parse_json_list(
    url: str,
    body: bytes,
    content_type: str | None,
    resolve: Callable[[str], str | None],
) -> PageRecord | None:
    """The list a JSON API answers, as the list page it fills; None when it holds no list."""
    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError):
        return None
    rows = _listing(data)
    if not rows:
        return None
    items: list[ListItem] = []
    links: list[Link] = []
    for row in rows:
        target = resolve(str(_field(row, _URL_KEYS)).strip())
        if not target:
            continue
        title = _text(_field(row, _TITLE_KEYS))
        items.append(ListItem(target, title, _date(_field(row, _DATE_KEYS)), len(items)))
        links.append(Link(target, "a", "href", title))
    return PageRecord(
        url=url,
        content_type=content_type,
        charset="utf-8",
        size=len(body),
        kind="list",
        text="\n".join(i.title for i in items),
        meta={ADAPTER: JSON_LIST},
        pagination=tuple(_next_pages(url, data)),
        links=tuple(links),
        list_items=tuple(items),
    )


# ----- frames and SPA shells -----------------------------------------------------------------


def frame_pages(root: etree._Element, resolve: Callable[[str], str | None]) -> list[str]:
    """The pages a frameset shows (or the one iframe a body is made of)."""
    frames = [f for f in root.iter("frame")]
    if not frames and root.find(".//frameset") is None:
        body = root.find("body")
        if body is None:
            return []
        frames = list(body.iter("iframe"))
        if len(frames) != 1 or _collapse_text(body, frames[0]):
            return []
    out = []
    for frame in frames:
        url = resolve((frame.get("src") or "").strip())
        if url and url not in out:
            out.append(url)
    return out


def _collapse_text(body: etree._Element, frame: etree._Element) -> str:
    """The body's text outside scripts and the frame."""
    parts = []
    for el in body.iter():
        if el is frame or not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript"):
            continue
        parts.append((el.text or "").strip())
    return "".join(parts)


_MOUNT_IDS = {"app", "root", "vue-app", "vueapp", "react-root", "__nuxt", "__next", "main-app"}
_MOUNT_TAGS = {"app-root", "router-view", "ng-view"}
_MOUNT_ATTRS = ("ng-app", "data-v-app", "ng-view", "ng-controller")


def is_spa_shell(root: etree._Element) -> bool:
    """A Vue/Angular/React app's page before its script ran: an empty mount point and a script."""
    if not any(s.get("src") or (s.text or "").strip() for s in root.iter("script")):
        return False
    body = root.find("body")
    if body is None:
        return False
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        mount = (
            (el.get("id") or "").lower() in _MOUNT_IDS
            or el.tag in _MOUNT_TAGS
            or any(el.get(a) is not None for a in _MOUNT_ATTRS)
        )
        if mount and not "".join(el.itertext()).strip():
            return True
    return False
