"""The spider's side of the browser (crawler/render.py): a page whose list only a script fills is
asked again through the browser, and its rendered DOM parsed like any page.

`BrowserRendering` is a part of `SiteSpider`: it uses the spider's `browser`, `parser`, `config`,
`stats` and `_page_done`. Stats: `govaudit/render/pages`, `.../seconds`, `.../still_empty`,
`.../failed[/<kind>]`, `.../unavailable`."""

import logging
from collections.abc import Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from govaudit.core.model import RENDERED, PageRecord
from govaudit.crawler import render
from govaudit.crawler.errors import error_kind

logger = logging.getLogger("govaudit.crawler.spider")


class BrowserRendering:
    def _render_request(self, record: PageRecord, facts: dict[str, Any]) -> Request:
        meta = {
            **self.browser.request_meta(),
            "target": facts["target"],
            "role": "render",
            "depth": facts["depth"],
            "html_record": record,
            "facts": facts,
        }
        return Request(
            facts["url"],
            callback=self.on_rendered,
            errback=self.on_render_error,
            meta=meta,
            dont_filter=True,  # the same URL again, through the browser
            priority=-facts["depth"],
        )

    async def on_rendered(self, response: Response):
        """A page the browser rendered: its DOM parsed like any page, merged with its HTML's."""
        meta = response.meta
        html_record, facts = meta["html_record"], meta["facts"]
        stats = self.stats
        stats.inc_value("govaudit/render/pages")
        stats.inc_value("govaudit/render/seconds", round(meta.get("download_latency") or 0.0, 3))
        text = getattr(response, "text", None)
        if response.status >= 400 or not text:
            self._render_failed(f"HTTP {response.status}")
            record = self._not_rendered(html_record, render.FAILED)
        else:
            rendered = await self.parser.parse(
                facts["url"], text.encode("utf-8"), "text/html", "utf-8", self.config.as_of
            )
            record = render.merged(html_record, rendered)
            if record.meta.get(RENDERED) == render.STILL_EMPTY:
                stats.inc_value("govaudit/render/still_empty")
        for item in self._page_done(record, facts):
            yield item

    def on_render_error(self, failure: Failure) -> Iterator[Any]:
        """The browser failed on a page (missing, crashed, timed out): its HTML's record, 无法判定."""
        meta = failure.request.meta
        exc = failure.value
        self._render_failed(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        self.stats.inc_value(f"govaudit/render/failed/{error_kind(exc)}")
        record = self._not_rendered(meta["html_record"], render.FAILED)
        yield from self._page_done(record, meta["facts"])

    def _render_failed(self, why: str) -> None:
        stats = self.stats
        stats.inc_value("govaudit/render/failed")
        if stats.get_value("govaudit/render/failed") == 1:  # one line, not one a page
            logger.warning(
                "浏览器渲染失败（%s）：需要浏览器的页面记为无法判定，审计继续", why[:300]
            )

    def _not_rendered(self, record: PageRecord, why: str) -> PageRecord:
        stats = self.stats
        if why != render.FAILED:
            stats.inc_value(f"govaudit/render/{why}")
        if why == render.UNAVAILABLE and stats.get_value("govaudit/render/unavailable") == 1:
            stats.set_value("govaudit/render/browser_problem", self.browser.problem)
            logger.warning(
                "浏览器不可用：%s；需要浏览器的页面记为无法判定，审计继续", self.browser.problem
            )
        return render.unrendered(record, why)
