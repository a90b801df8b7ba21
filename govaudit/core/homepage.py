"""What a visitor sees on a homepage: its own list items and those of the pages it shows in frames.

An old site's homepage is often a `<frameset>` whose main frame holds the blocks, each block an
`<iframe>` of a small list page (`block.asp?classid=1`). Judged on the start page's own markup such
a homepage has no date at all, so 首页不更新 could never be found nor 合格 be earned. The pages it
frames, and the pages those frame, `FRAME_DEPTH` deep, are read as part of it.

Reads only an `AuditView`; the stale-column check and the scorecard's homepage item share it.
"""

from __future__ import annotations

from datetime import date

from govaudit.core.model import ListItem
from govaudit.core.store import AuditView

FRAME_TAGS = ("frame", "iframe")
FRAME_DEPTH = 2  # frameset → main frame → iframe blocks


def shown_pages(view: AuditView, home_url: str) -> list[str]:
    """`home_url` and the pages it shows in frames, nearest first, each once."""
    shown, level = [home_url], [home_url]
    for _ in range(FRAME_DEPTH):
        framed = [link.target for _, link in view.links(sources=level, tags=FRAME_TAGS)]
        level = [url for url in dict.fromkeys(framed) if url not in shown]
        shown += level
    return shown


def homepage_items(view: AuditView, home_url: str) -> list[ListItem]:
    """The list items a visitor sees on the homepage, frames included."""
    return [item for _, item in view.list_items(pages=shown_pages(view, home_url))]


def newest_homepage_date(view: AuditView) -> date | None:
    """The newest dated item on any homepage of the audit (how fresh the homepage is)."""
    homes = [p.url for p in view.pages(kind="home", with_text=False)]
    dates = [i.date for url in homes for i in homepage_items(view, url) if i.date]
    return max(dates, default=None)
