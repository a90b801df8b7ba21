"""Carrying the previous audit's records over: a 304, or a target today's rolling schedule does
not ask (crawler/rolling.py), keeps its previous record (`CarriedPage`) and its stored links are
routed again, so the checks still see the whole site.

`CarryOver` is a part of `SiteSpider`: it uses the spider's `previous_view`, `schedule`, `rolled`,
`stats`, `_follow`, `_count` and `_was_followed`. Stats: `govaudit/not_modified`, `.../rolled`,
`.../verified_due/<reason>`."""

from collections.abc import Iterator

from scrapy import Request
from scrapy.http import Response

from govaudit.core.model import PageRecord
from govaudit.crawler.pipeline import CarriedPage
from govaudit.crawler.records import is_parsed_page


class CarryOver:
    def _not_modified(self, response: Response) -> Iterator[PageRecord | CarriedPage | Request]:
        """304: the previous audit's record of this URL still holds; follow its stored links.
        (crawler/conditional.py asked again in full where the 304 vouched for another page.)"""
        meta = response.meta
        target = meta["target"]
        previous = self.previous_view.page(target)
        self.stats.inc_value("govaudit/not_modified")
        if meta.get("home"):
            self.stats.inc_value("govaudit/start_urls_ok")
        if self.schedule is not None and previous.kind in ("home", "list"):
            items = (item for _, item in self.previous_view.list_items([target]))
            self.schedule.note_list(items, self._canonical, previous.pagination)
        yield from self._carry(previous, meta["depth"], verified=True)
        yield from self._carry_rolled()

    def _carry(
        self, previous: PageRecord, depth: int, verified: bool
    ) -> Iterator[PageRecord | CarriedPage | Request]:
        """The previous audit's record kept in this one, and its stored links routed again.

        At most at its depth in the previous audit: the records a day carries are routed in one
        go, each routing the next, before the answers of the pages fetched today (a list linking
        them all) arrive; counted hop by hop, a chain of articles linking their neighbours ran
        past `max_depth` and the audit called itself incomplete."""
        depth = min(depth, previous.depth)
        if is_parsed_page(previous):
            self.stats.inc_value("govaudit/pages")
        self._count(previous)
        yield CarriedPage(previous.url, verified)
        if self._was_followed(previous):
            _, requests, skipped = self._follow(
                self.previous_view.links_of(previous.url), previous.pagination, depth + 1
            )
            yield from skipped
            yield from requests

    def _carry_rolled(self) -> Iterator[PageRecord | CarriedPage | Request]:
        """Every target routed as not due today, breadth-first (their links may add more)."""
        while self.rolled:
            previous, depth = self.rolled.popleft()
            self.stats.inc_value("govaudit/rolled")
            yield from self._carry(previous, depth, verified=False)

    def _rolls(self, url: str, depth: int) -> bool:
        """True when today's schedule keeps the previous record of `url` instead of asking."""
        if self.schedule is None:
            return False
        reason = self.schedule.due_reason(url)
        if reason is not None:
            self.stats.inc_value(f"govaudit/verified_due/{reason}")
            return False
        self.rolled.append((self.schedule.previous[url], depth))
        return True
