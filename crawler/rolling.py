"""A daily audit's rolling schedule: what a re-audit verifies today, and what it carries over.

A full crawl of a 20,000-page site at the polite defaults takes over two hours; monitoring
services scan lightly every day and verify everything once a week. Here, when the store holds
an earlier audit of the site, a re-audit asks the site today for (the stats reason in brackets):

- the start URLs [home] and every column's first pages [list]: a list page that showed an item
  dated within the period, or no dated item, or that no page of its pagination is above (the
  column's entry: no sibling reached in fewer clicks) or newer than (a list sorted oldest first).
  The stale-column, empty-column and overdue checks judge from them, so a daily audit is as
  strict as a full one. Deeper pagination (old items only) takes its turn like any page;
- the pages a list fetched today names as pagination when every item it shows is news: a
  column that published more than a page since the last audit is followed as deep as its
  news goes [list_news];
- every target that is new [new] (no earlier record), or failed last time [failed] (an error,
  a status >= 400: a broken link is fixed only when it is seen fixed), or was skipped [skipped]
  (today's scope decides again);
- every item a list shows with a date on or after its own last verification [fresh]: new or
  changed since (the same day included: an edit after that day's audit). An item verified
  since its list date is not asked again, however recent. (An item that a page met earlier
  today links is decided then: an edit of it is seen on its turn, within the period.)
- every other record on its turn [turn]: a stable hash of the URL gives it one day in each
  cycle of `verify_every_days`; [age] when it was last verified `verify_every_days` ago (an
  audit day missed), so no record is ever carried that long.

The first week after a full audit. The 7-day guarantee alone means that, in any week, every
record is verified once: no schedule can ask less than 1/7 (14 %) of the non-list records a day
on average, in steady state. A full audit verifies everything on one day; spread naively, the
next day asks a seventh again, of records verified the day before; a weekly full pass instead
(six light days, then everything) asks the whole site on one day of every week. What a
政务公开办 wants is no day that hammers its server and the guarantee kept, so: a record
verified the day before its turn (by a full audit, or as new or fresh) skips that turn, and is
verified instead on a later day of the same cycle chosen by a second hash, 1 to
`verify_every_days` - 2 days after the skipped turn [catch_up] (never the day before its next
turn, which would skip again). The
day after a full audit asks only the homepage, the first list pages, news and failures; the
five days after it 6/35 (17 %) of the records each (their seventh and a fifth of the skipped
seventh); from the second week on, every day asks its seventh (14 %), every record is verified
once a week on its turn, and no audit carries a record verified 7 or more days before.
Measured (benchmarks/README.md): day two 0.8 % of a full audit's requests at 20,000 pages,
17.6-18.0 % on days 3-7, 15.2 % from day 8 on (the seventh, the lists, news and failures).

Anything else keeps the earlier audit's record (`CarriedPage(verified=False)`), with the date it
was last verified (`Store.verified_dates`): its problems stay in the list, and a fixed problem
leaves the list only once its page was verified. `--full` (no earlier audit given) verifies all.

Setting: `crawl.verify_every_days` (7; 1 verifies everything every audit).
Stats: `govaudit/rolled` (carried unverified), `govaudit/verified_due/<reason>`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta

from govaudit.core.model import ListItem, PageRecord


def newest_item_dates(items: Iterable[tuple[str, ListItem]]) -> dict[str, date | None]:
    """page URL -> the newest dated item it listed (None: items, but none dated)."""
    newest: dict[str, date | None] = {}
    for page, item in items:
        known = newest.get(page)
        if item.date is not None and (known is None or item.date > known):
            newest[page] = item.date
        else:
            newest.setdefault(page, None)
    return newest


class RollingSchedule:
    def __init__(
        self,
        previous: Mapping[str, PageRecord],
        verified: Mapping[str, date],
        every_days: int,
        today: date,
        newest_items: Mapping[str, date | None] | None = None,
    ) -> None:
        self.previous = previous
        self.verified = verified
        self.every_days = every_days
        self.today = today
        self.newest_items = newest_items or {}  # the earlier audit's list pages
        self.fresh: set[str] = set()  # items a list shows as new or changed since verified
        self.news_pages: set[str] = set()  # pagination of a list that showed only news

    def due_reason(self, url: str) -> str | None:
        """Why `url` is verified today (a stats reason), or None when its record is carried."""
        record = self.previous.get(url)
        if record is None:
            return "new"
        if record.kind == "home":
            return "home"
        if self._is_first_list_page(record):
            return "list"
        if record.error not in (None, "skipped") or (record.status or 0) >= 400:
            return "failed"
        if record.error == "skipped":
            return "skipped"  # decided again by today's scope, never carried
        if url in self.fresh:
            return "fresh"
        if url in self.news_pages:
            return "list_news"
        return self._rolling_reason(url)

    def note_list(
        self,
        items: Iterable[ListItem],
        canonical: Callable[[str], str],
        pagination: Iterable[str] = (),
    ) -> None:
        """A list page seen today: its items new or changed since verified are asked today,
        and its pagination too when every item it shows is news."""
        shown = news = 0
        for item in items:
            url = canonical(item.url)
            shown += 1
            if url not in self.previous:
                news += 1
                continue
            last = self.verified.get(url)
            if item.date is not None and (last is None or item.date >= last):
                self.fresh.add(url)
                news += 1
        if shown and news == shown:
            self.news_pages.update(canonical(u) for u in pagination)

    def _is_first_list_page(self, record: PageRecord) -> bool:
        """A list page asked every day: where news appears (see the module docstring)."""
        # By kind, not by `pagination`: an article's pager script (a multi-page body) names
        # pages too, and an article is never where news appears.
        if record.kind != "list":
            return False
        newest = self.newest_items.get(record.url)
        if newest is None or (self.today - newest).days <= self.every_days:
            return True
        siblings = [self.previous[u] for u in record.pagination if u in self.previous]
        entry = all(record.depth <= page.depth for page in siblings)  # linked from outside
        newest_page = all((self.newest_items.get(p.url) or date.min) <= newest for p in siblings)
        return entry or newest_page

    def _rolling_reason(self, url: str) -> str | None:
        period = self.every_days
        last = self.verified.get(url)
        if last is None or period <= 1:
            return "age"
        age = (self.today - last).days
        since_turn = (self.today.toordinal() - _hash(url) % period) % period
        # A record verified the day before its turn (a full audit) skips it, and is caught up
        # on a later day of the cycle: the day after a full audit stays light (module docstring).
        skips = period >= 3
        if since_turn == 0 and (age >= 2 or not skips):
            return "turn"
        if age >= period:
            return "age"
        turn = self.today - timedelta(days=since_turn)
        if skips and last < turn and since_turn >= 1 + _hash(url + "#catch-up") % (period - 2):
            return "catch_up"
        return None


def _hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))
