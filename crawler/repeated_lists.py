"""Pagers that never end: a list page that shows only the rows another page of its list showed.

Many 信息公开 platforms answer a `?pageIndex=N` past the last page with the last rows again and a
下一页 to N+1. Followed, such a pager runs into `crawl.max_depth`, and the audit would call itself
incomplete for pages that hold nothing new. A page whose item links are exactly those of an
earlier page at the same path (the same list endpoint under another query) is a repeat: its
pagination is not followed (skipped as `repeated_list`, a trap like `calendar`). Pages at other
paths (a homepage block listing a column's first rows) never count as repeats.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from govaudit.core.model import PageRecord


class RepeatedLists:
    """The first page seen showing each (path, set of item links); one instance per crawl."""

    def __init__(self) -> None:
        self._first: dict[tuple[str, frozenset[str]], str] = {}

    def pager_to_stop(self, url: str, page: PageRecord) -> Sequence[str]:
        """The pagination URLs of the page at `url` not to follow: all when it is a repeat."""
        rows = frozenset(item.url for item in page.list_items)
        if not rows or not page.pagination:
            return ()
        first = self._first.setdefault((urlsplit(url).path, rows), url)
        return page.pagination if first != url else ()
