"""The records the spider makes without parsing a page: a checked resource, a target skipped on
purpose, a malformed URL, a failed request; and `_count`, which every record passes once (the audit's counters).

`RecordKeeping` is a part of `SiteSpider`: it uses the spider's `scope`, `stats`, `recorded`,
`outcome`, `awaiting`, `config` and `_emit`, and forgets the spider's targets when it closes."""

from collections.abc import Iterator
from dataclasses import replace

from scrapy.exceptions import CloseSpider, NotSupported
from scrapy.http import Response
from twisted.python.failure import Failure

from govaudit.core.model import PageRecord
from govaudit.crawler.attachment_reader import too_large_meta
from govaudit.crawler.errors import error_detail, error_kind
from govaudit.crawler.repeated_lists import RepeatedLists
from govaudit.crawler.responses import (
    HTML_TYPES,
    content_length,
    header_charset,
    is_resource_url,
    mime_type,
)

HANDLER_FAILED = "handler_failed"  # the finish_reason of a crawl whose http handler did not load


class RecordKeeping:
    def on_error(self, failure: Failure) -> Iterator[PageRecord]:
        request, exc = failure.request, failure.value
        if isinstance(exc, NotSupported) and request.url.startswith(("http:", "https:")):
            # The http(s) download handler did not load ([crawl.scrapy] DOWNLOAD_HANDLERS):
            # every request would fail alike, and none of it is the site's fault.
            self.stats.set_value("govaudit/handler_failed", str(exc))
            raise CloseSpider(HANDLER_FAILED)
        meta = request.meta
        kind = error_kind(exc)
        target = meta["target"]
        if kind == "skipped":
            record = self._skipped(target, meta["depth"], "robots")
        else:
            chain = tuple(meta.get("redirect_urls", ()))
            record = PageRecord(
                url=target,
                final_url=request.url if chain else None,
                error=kind,
                error_detail=error_detail(exc),
                redirects=chain,
                depth=meta["depth"],
                method="HEAD>GET" if meta.get("head_result") else request.method,
                internal=self.scope.is_internal(target),
                kind="home" if meta.get("home") else "other",
            )
        if meta.get("role") == "attachment" and kind == "cancelled":
            # Over the size bound without a Content-Length: the file is there, only not read.
            bound = self.config.max_resource_bytes
            record = replace(record, kind="resource", meta=too_large_meta(target, None, bound))
            self._count_attachment(record.meta)
        yield self._count(record)

    def _malformed(self, url: str, depth: int, problem: str) -> PageRecord:
        return PageRecord(
            url=url,
            error="malformed",
            error_detail=f"not a valid URL: {problem}"[:500],
            depth=depth,
            internal=not url.lower().startswith(("http:", "https:", "//")),
            kind="other",
        )

    def _count_attachment(self, meta: dict[str, str]) -> None:
        stats = self.stats
        reason = meta.get("unreadable")
        if reason is None:
            stats.inc_value("govaudit/attachments/read")
        else:
            stats.inc_value("govaudit/attachments/unreadable")
            stats.inc_value(f"govaudit/attachments/unreadable/{reason}")

    def _resource_record(self, response: Response, method: str) -> PageRecord:
        meta = response.meta
        target = meta["target"]
        mime = mime_type(response.headers)
        body_read = method == "GET" and "download_stopped" not in response.flags
        size = len(response.body) if body_read else content_length(response.headers)
        html = mime in HTML_TYPES
        return PageRecord(
            url=target,
            final_url=response.url,
            status=response.status,
            content_type=mime,
            charset=header_charset(response.headers),
            size=size,
            elapsed=meta.get("download_latency"),
            depth=meta["depth"],
            method=method,
            internal=self.scope.is_internal(target),
            kind="home" if meta.get("home") else ("other" if html else "resource"),
            redirects=tuple(meta.get("redirect_urls", ())),
        )

    def _skipped(
        self,
        url: str,
        depth: int,
        reason: str,
        internal: bool | None = None,
        resource: bool = False,
    ) -> PageRecord:
        return PageRecord(
            url=url,
            error="skipped",
            error_detail=reason,
            depth=depth,
            method="",
            internal=self.scope.is_internal(url) if internal is None else internal,
            kind="resource" if resource or is_resource_url(url) else "other",
        )

    def _count(self, record: PageRecord) -> PageRecord:
        """Every record passes here once: the stats are the audit's counters."""
        stats = self.stats
        self.recorded.add(record.url)
        stats.inc_value("govaudit/records")
        if record.error != "skipped":
            outcome = {
                "status": record.status,
                "error": record.error,
                "error_detail": record.error_detail,
            }
            for url in {record.url, record.final_url or record.url}:
                key = self.scope.key(url)
                self.outcome[key] = outcome
                for waiting in self.awaiting.pop(key, ()):
                    self._emit(replace(waiting, **outcome))
        if record.error == "skipped":
            stats.inc_value("govaudit/skipped")
            stats.inc_value(f"govaudit/skipped/{record.error_detail}")
        elif record.error:
            stats.inc_value("govaudit/errors")
            stats.inc_value(f"govaudit/errors/{record.error}")
        elif record.status is not None and record.status >= 400:
            stats.inc_value("govaudit/errors")
            stats.inc_value(f"govaudit/errors/http_{record.status}")
        return record

    def _forget_targets(self) -> None:
        """At the end of the crawl: count the targets, then drop what only the crawl needs (~20 MB
        at 20,000 pages). Scrapy's engine outlives the crawl (the reactor keeps a pending call of
        it), and the spider with it, through the audit's checks and reports."""
        self.stats.set_value("govaudit/targets", len(self.recorded))
        self.known, self.routed, self.canonicals, self.outcome = {}, {}, {}, {}
        self.recorded = set()
        self.repeated_lists = RepeatedLists()
        self.schedule = self.previous_view = None


def is_parsed_page(record: PageRecord) -> bool:
    """A record of a page the crawl parsed (error pages included), as `parse_page` counts them.
    Not: redirects recorded without a fetch of their own (`on_dropped`: a 3xx, or the outcome of
    the page they end at, without its content)."""
    return (
        record.method == "GET"
        and record.internal
        and record.kind != "resource"
        and record.status is not None
        and not 300 <= record.status < 400
        and bool(record.title or record.text or record.final_url in (None, record.url))
    )
