"""A daily audit's rolling schedule: what a re-audit verifies today, and what it carries over.

A full crawl of a 20,000-page site at the polite defaults takes over an hour; monitoring
services scan lightly every day and verify everything once a week. Here, when the store holds
an earlier audit of the site, a re-audit asks the site today for:

- the start URLs and every list page (their pagination included): the stale-column, empty-column
  and overdue checks judge from today's lists, so a daily audit is as strict as a full one;
- every target that is new (no earlier record), or failed last time (an error, a status >= 400:
  a broken link is fixed only when it is seen fixed);
- the articles a list shows with a date within the verification period (new or changed);
- every other target whose turn it is: its record is older than `verify_every_days`, or today
  is its day in the cycle (a stable hash of the URL spreads the site over the days), so every
  page and link target is verified at least once in `verify_every_days`.

Anything else keeps the earlier audit's record (`CarriedPage(verified=False)`), with the date it
was last verified (`Store.verified_dates`): its problems stay in the list, and a fixed problem
leaves the list only once its page was verified. `--full` (no earlier audit given) verifies all.

Setting: `crawl.verify_every_days` (7; 1 verifies everything every audit).
Stats: `govaudit/rolled` (carried unverified), `govaudit/verified_due/<reason>`.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from datetime import date

from govaudit.core.model import ListItem, PageRecord

ALWAYS_KINDS = frozenset({"home", "list"})


class RollingSchedule:
    def __init__(
        self,
        previous: Mapping[str, PageRecord],
        verified: Mapping[str, date],
        every_days: int,
        today: date,
    ) -> None:
        self.previous = previous
        self.verified = verified
        self.every_days = every_days
        self.today = today
        self.fresh: set[str] = set()  # URLs a list shows as new or changed

    def due_reason(self, url: str) -> str | None:
        """Why `url` is verified today (a stats reason), or None when its record is carried."""
        record = self.previous.get(url)
        if record is None:
            return "new"
        if record.kind in ALWAYS_KINDS or record.pagination:
            return "list"
        if record.error not in (None, "skipped") or (record.status or 0) >= 400:
            return "failed"
        if record.error == "skipped":
            return "skipped"  # decided again by today's scope, never carried
        if url in self.fresh:
            return "fresh"
        last = self.verified.get(url)
        if last is None or (self.today - last).days >= self.every_days:
            return "age"
        if _day_in_cycle(url, self.every_days) == self.today.toordinal() % self.every_days:
            return "turn"
        return None

    def note_list(self, items: Iterable[ListItem], canonical) -> None:
        """A list page seen today: its items dated within the period are verified today."""
        for item in items:
            if item.date is not None and (self.today - item.date).days <= self.every_days:
                self.fresh.add(canonical(item.url))


def _day_in_cycle(url: str, every_days: int) -> int:
    return zlib.crc32(url.encode("utf-8")) % every_days
