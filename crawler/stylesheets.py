"""Linked style sheets: what the spider fetches of them and what it records as their links.

A browser loads every `<link rel=stylesheet>` and every sheet it `@import`s, then the fonts and
images their `url()`s name: a broken background image in a sheet is as broken as an <img>. The
spider GETs a sheet (within `crawl.max_resource_bytes`) instead of checking it with HEAD, and
records its `@import`/`url()` targets as its links (tag `css`, kind resource), each checked once
like any other target. Stats: `govaudit/stylesheets`, `govaudit/stylesheets/links`.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlsplit

from govaudit.core.model import Link
from govaudit.crawler.extract import stylesheet_links

CSS_TYPES = ("text/css",)


def is_stylesheet(link: Link) -> bool:
    """A `<link>` to a .css file, or a sheet's `@import`: a sheet the browser loads."""
    if link.tag == "css":
        return link.attr == "import"
    if link.tag != "link":
        return False
    return PurePosixPath(urlsplit(link.target).path).suffix.lower() == ".css"


def sheet_links(url: str, body: bytes, mime: str | None, charset: str | None) -> list[Link]:
    """The links of a fetched sheet: none unless it answered as CSS (an error page or a
    redirect to the homepage is no sheet; its status is the broken-link check's business)."""
    if not body or (mime and mime not in CSS_TYPES):
        return []
    return stylesheet_links(url, body, charset)
