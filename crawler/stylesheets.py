"""Linked style sheets: what the spider fetches of them and what it records as their links.

A browser loads every `<link rel=stylesheet>` (whatever its URL ends with: `/style.jsp?id=3`) and
every sheet it `@import`s, then the fonts and images their `url()`s name: a broken background
image in a sheet is as broken as an <img>. The spider GETs a sheet (within
`crawl.max_resource_bytes`) instead of checking it with HEAD, and records its `@import`/`url()`
targets as its links (tag `css`, kind resource), each checked once like any other target. A
target checked with HEAD that answers `text/css` is read as a sheet too. A sheet carried over
from the previous audit (a rolling re-audit, a 304, a resumed crawl) has its stored links routed
again, like a page's. Stats: `govaudit/stylesheets`, `govaudit/stylesheets/links`,
`govaudit/stylesheets/by_content_type`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response

from govaudit.core.model import Link, PageRecord
from govaudit.crawler.extract import stylesheet_links
from govaudit.crawler.responses import mime_type

CSS_TYPES = ("text/css",)


def is_stylesheet(link: Link) -> bool:
    """A `<link rel=stylesheet>` or a sheet's `@import`: a sheet the browser loads. A link
    stored before rels were (its rel unknown) is one when its URL ends with .css."""
    if link.tag == "css":
        return link.attr == "import"
    if link.tag != "link":
        return False
    if link.rel:
        return "stylesheet" in link.rel.split()
    return PurePosixPath(urlsplit(link.target).path).suffix.lower() == ".css"


def answered_as_css(mime: str | None) -> bool:
    """A target whose answer is a style sheet, whatever linked it or its URL says."""
    return mime in CSS_TYPES


def is_read_sheet(record: PageRecord) -> bool:
    """A sheet the crawl read (GET, answered as CSS): its stored links are its url()s."""
    return (
        record.kind == "resource"
        and record.method == "GET"
        and record.status is not None
        and record.status < 400
        and answered_as_css(record.content_type)
    )


def sheet_links(url: str, body: bytes, mime: str | None, charset: str | None) -> list[Link]:
    """The links of a fetched sheet: none unless it answered as CSS (an error page or a
    redirect to the homepage is no sheet; its status is the broken-link check's business)."""
    if not body or (mime and not answered_as_css(mime)):
        return []
    return stylesheet_links(url, body, charset)


class SheetReading:
    """The spider's part that reads sheets. It uses the spider's `config`, `stats`, `_follow`,
    `_count`, `_resource_record` and `on_error`."""

    def _stylesheet_request(self, url: str, depth: int, again: bool = False) -> Request:
        """A linked style sheet is read, not only checked: its url()s are links too. `again`:
        asked before (a check that answered text/css, maybe by a GET the dupefilter knows)."""
        meta = {"target": url, "role": "stylesheet", "depth": depth}
        meta["download_maxsize"] = self.config.max_resource_bytes
        return Request(
            url,
            callback=self.on_stylesheet,
            errback=self.on_error,
            meta=meta,
            priority=-depth,
            dont_filter=again,
        )

    def _sheet_by_answer(self, response: Response) -> Request | None:
        """The GET that reads a checked target which answered as a sheet though nothing named
        it one (the loadCSS `<link rel=preload as=style>`, a stored link of unknown rel, an <a>
        to it); None for any other answer."""
        if not answered_as_css(mime_type(response.headers)) or response.status >= 400:
            return None
        self.stats.inc_value("govaudit/stylesheets/by_content_type")
        meta = response.meta
        request = self._stylesheet_request(meta["target"], meta["depth"], again=True)
        if meta.get("dont_obey_robotstxt"):  # an external target, checked as a visitor would
            request.meta["dont_obey_robotstxt"] = True
        return request

    def on_stylesheet(self, response: Response) -> Iterator[PageRecord | Request]:
        """A sheet: recorded with its @import and url() targets as its links, each routed."""
        record = self._resource_record(response, "GET")
        self.stats.inc_value("govaudit/stylesheets")
        body = (
            b"" if "download_stopped" in response.flags or record.status >= 400 else response.body
        )
        links = sheet_links(record.url, body, record.content_type, record.charset)
        edges, requests, skipped = self._follow(links, (), record.depth + 1)
        self.stats.inc_value("govaudit/stylesheets/links", len(edges))
        yield self._count(replace(record, links=tuple(edges)))
        yield from skipped
        yield from requests
