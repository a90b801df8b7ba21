"""The audit spider (Scrapy): follow the site's pages, check every other target once, record it.

- Internal HTML pages within scope are fetched with GET and parsed by `crawler.extract`; every
  edge of a page is kept with the page (`PageRecord.links`).
- Every other distinct target (external links; resources by extension or tag: attachments,
  images, css, js) is checked once with HEAD; a refused HEAD is asked again with a GET that
  stops after the headers (crawler/head_fallback.py, `method` = `HEAD>GET`).
- Internal attachments (pdf, doc/docx, xls/xlsx, wps, et) are fetched with GET up to
  `max_resource_bytes` (larger: recorded with their size and `meta["unreadable"] = "too_large"`)
  and their text is read off the event loop by `crawler.attachment_reader` into `text`, `title`
  (link text or file name) and `meta` (`format`, `locations`, `unreadable`, `unreadable_detail`).
  Stats: `govaudit/attachments/read`, `.../unreadable[/<reason>]`, `.../extract_seconds`.
- A target not fetched on purpose (scope, bounds, traps, robots) gets a `skipped` record with
  the reason, so nothing is lost silently.
- A redirect onto an already-seen URL is dropped by the dupefilter (crawler/dupefilter.py);
  `on_dropped` (the `request_dropped` signal) still records the original URL with its `final_url`.
- A WAF's bot check answering instead of the site (crawler/bot_check.py): at a start URL it is
  recorded as such (the CLI says nothing was audited), elsewhere the target is `skipped`
  `bot_check`, not a broken link.
- Extraction stays pure (`crawler.extract.parse_page(url, body, ...)`, testable without Scrapy);
  this class only schedules and records. Depth is Scrapy's `meta["depth"]` (DepthMiddleware,
  DEPTH_LIMIT); each request's priority is -depth, FIFO within a depth, so that the crawl is
  breadth-first and a `max_pages` bound keeps the site's upper levels.

- Resume (`resume=True`): the audit's recorded pages are never fetched again. The crawl state is
  rebuilt from the store (a JOBDIR queue would not survive kill -9 consistently): every
  recorded URL is claimed and seeded into the dupefilter, and the links of recorded pages that
  have no record yet are the frontier.
- Incremental re-crawl (`previous` = the site's last finished audit): what is not due today is
  not asked (crawler/rolling.py), page requests are conditional (crawler/conditional.py), and a
  304 or a target not due carries the previous record over (crawler/carry_over.py).

The spider is made of parts, one concern a file: crawler/spider_render.py (the browser),
crawler/carry_over.py, crawler/stylesheets.py (reading style sheets), crawler/records.py (records
made without a parse, the counters).
Inputs are per-run spider arguments: `config` (AuditConfig), `store`, `audit_id`, `progress`,
`resume`, `previous`, `helper` (the audit's helper process) and `writing` (the privacy check's
`scan`, so the store never keeps a raw personal number; the text checks), both for the pipeline.
Stats (`govaudit/...`): records, pages, skipped[/reason], errors[/kind], head_fallback,
start_urls_ok, resumed, conditional, not_modified, parse_worker_pages, parse_fallbacks.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.exceptions import StopDownload
from scrapy.http import Response

from govaudit.core.config import AuditConfig
from govaudit.core.model import SCRIPT_CHALLENGE, Link, PageRecord
from govaudit.core.store import Store
from govaudit.crawler import render
from govaudit.crawler.adapters import adapters_of, is_json_answer
from govaudit.crawler.attachment_reader import (
    READ_EXTENSIONS,
    AttachmentReader,
    attachment_meta,
    attachment_title,
    download_name,
    is_readable_attachment,
    is_readable_download,
    too_large_meta,
)
from govaudit.crawler.attachments import sniff_format
from govaudit.crawler.carry_over import CarryOver
from govaudit.crawler.extract import is_datastore_answer
from govaudit.crawler.page_parser import PageParser
from govaudit.crawler.records import RecordKeeping, is_parsed_page
from govaudit.crawler.repeated_lists import RepeatedLists
from govaudit.crawler.responses import (
    HTML_TYPES,
    JSON_TYPES,
    RESOURCE_TAGS,
    XML_TYPES,
    content_length,
    header,
    header_charset,
    is_resource_url,
    mime_type,
    page_source,
)
from govaudit.crawler.rolling import RollingSchedule, newest_item_dates
from govaudit.crawler.scope import Scope
from govaudit.crawler.spider_render import BrowserRendering
from govaudit.crawler.stylesheets import SheetReading, is_read_sheet, is_stylesheet

logger = logging.getLogger(__name__)


class SiteSpider(BrowserRendering, CarryOver, SheetReading, RecordKeeping, Spider):
    name = "govaudit"

    def __init__(
        self,
        config: AuditConfig,
        store: Store,
        audit_id: int,
        progress: Callable[[dict[str, Any]], None] | None = None,
        resume: bool = False,
        previous: int | None = None,
        helper: Any = None,
        writing: Any = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.sink: Callable[[Any], None] = lambda item: None  # set by the store pipeline
        self.store = store
        self.audit_id = audit_id
        self.progress = progress
        self.previous = previous
        self.helper = helper
        self.writing = writing  # for the pipeline (crawler/pipeline.py `Writing`)
        self.previous_view = store.view(previous) if previous is not None else None
        self.schedule: RollingSchedule | None = None
        if previous is not None:
            records = {r.url: r for r in self.previous_view.pages(with_text=False)}
            verified = store.verified_dates(previous)
            newest = newest_item_dates(self.previous_view.list_items())
            self.schedule = RollingSchedule(
                records, verified, config.verify_every_days, config.as_of, newest
            )
        self.rolled: deque[tuple[PageRecord, int]] = deque()  # carried, their links to route
        self.scope = Scope.from_config(config)
        self.known: dict[str, str] = {}  # target key -> the URL recorded for it
        self.routed: dict[str, str] = {}  # link target as written -> the URL recorded for it
        self.repeated_lists = RepeatedLists()
        self.canonicals: dict[str, str] = {}  # pagination URL -> its canonical form
        self.recorded: set[str] = set()
        # For redirects dropped as duplicates: the outcome of each recorded URL, and the
        # dropped records still waiting for the outcome of the URL they end at.
        self.outcome: dict[str, dict[str, Any]] = {}
        self.awaiting: dict[str, list[PageRecord]] = {}
        self.reader = AttachmentReader()  # its worker starts with the first attachment
        self.parser = PageParser(config.parse_workers)
        self.browser = render.Browser.from_config(config)
        self.pages_scheduled = 0
        # Resume: what the interrupted run recorded, and the URLs never to fetch again
        # (crawler/dupefilter.py seeds itself with them).
        self.resumed: list[PageRecord] = list(store.view(audit_id).pages()) if resume else []
        self.seen_before: set[str] = set()
        for record in self.resumed:
            self.known.setdefault(self.scope.key(record.url), record.url)
            self.seen_before.update(u for u in (record.url, record.final_url) if u)
            if record.internal and record.method == "GET":
                self.pages_scheduled += 1

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_headers, signal=signals.headers_received)
        crawler.signals.connect(spider.on_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    # -- requests ------------------------------------------------------------------------------

    async def start(self):
        for record in self.resumed:
            self._count(record)
        for raw in self.config.start_urls:
            url = self.scope.canonical(raw)
            if self._claim(url) != url or url in self.recorded:
                continue
            # Not dont_filter: pages linking home would fetch it twice.
            yield self._page_request(url, depth=0, home=True)
        for item in self._resume_frontier():
            yield item

    def _resume_frontier(self) -> Iterator[PageRecord | Request]:
        """Route again the links of every followed page the interrupted run recorded: targets
        already recorded are known, the others are the frontier (breadth-first, as before)."""
        stats = self.stats
        stats.set_value("govaudit/resumed", len(self.resumed))
        view = self.store.view(self.audit_id)
        followed = [r for r in self.resumed if self._was_followed(r)]
        stats.inc_value("govaudit/pages", sum(1 for r in self.resumed if is_parsed_page(r)))
        stats.inc_value(
            "govaudit/start_urls_ok",
            sum(
                1
                for r in self.resumed
                if r.kind == "home" and r.status is not None and SCRIPT_CHALLENGE not in r.meta
            ),
        )
        for record in sorted(followed, key=lambda r: r.depth):
            _, requests, skipped = self._follow(
                view.links_of(record.url), record.pagination, record.depth + 1
            )
            yield from skipped
            yield from requests
        yield from self._carry_rolled()
        self.resumed = []

    def _was_followed(self, record: PageRecord) -> bool:
        """A recorded page whose links the crawl followed (see `parse_page`), or a style sheet
        it read (its url()s and @imports)."""
        if is_read_sheet(record):
            return True
        return (
            record.method == "GET"
            and record.internal
            and record.kind != "resource"
            and record.status is not None
            and record.status < 400
            and self.scope.is_internal(record.final_url or record.url)
        )

    def _claim(self, url: str) -> str:
        """The URL recorded for this target: the first spelling seen of the same key."""
        return self.known.setdefault(self.scope.key(url), url)

    def _page_request(self, url: str, depth: int, home: bool = False) -> Request:
        self.pages_scheduled += 1
        meta = {"target": url, "role": "page", "home": home, "depth": depth}
        return Request(
            url, callback=self.parse_page, errback=self.on_error, meta=meta, priority=-depth
        )

    def _check_request(self, url: str, depth: int, internal: bool) -> Request:
        meta = {
            "target": url,
            "role": "check",
            "depth": depth,
            "dont_retry": True,
            "head_fallback": True,
        }
        if not internal:
            # One HEAD per link is what a visitor's click costs; robots.txt governs crawling.
            meta["dont_obey_robotstxt"] = True
        return Request(
            url,
            method="HEAD",
            callback=self.on_check,
            errback=self.on_error,
            meta=meta,
            priority=-depth,
        )

    def _attachment_request(self, url: str, depth: int, anchor: str) -> Request:
        """An internal attachment is read, not only checked: GET up to the size bound."""
        meta = {
            "target": url,
            "role": "attachment",
            "depth": depth,
            "anchor": anchor,
            "download_maxsize": self.config.max_resource_bytes,
        }
        return Request(
            url, callback=self.on_attachment, errback=self.on_error, meta=meta, priority=-depth
        )

    # -- signals -------------------------------------------------------------------------------

    def on_headers(self, headers: Any, body_length: int, request: Request, spider: Any) -> None:
        """Stop after the headers (StopDownload: the response comes with `download_stopped`
        in its flags) for fallback checks, non-HTML 'pages', attachments over the size bound
        (recorded with their size, not read)."""
        if self._headers_suffice(headers, request):
            raise StopDownload(fail=False)

    def _headers_suffice(self, headers: Any, request: Request) -> bool:
        if request.meta.get("headers_only"):
            return True
        length = content_length(headers)
        bound = request.meta.get("download_maxsize", self.config.max_resource_bytes)
        too_large = length is not None and length > bound
        role = request.meta.get("role")
        if role in ("attachment", "stylesheet"):
            return too_large
        if role == "page":
            mime = mime_type(headers)
            # XML is read: it may be a Hanweb dataproxy.jsp datastore (see `parse_page`).
            if not mime or mime in HTML_TYPES or mime in XML_TYPES or mime in JSON_TYPES:
                return False
            # A document behind a script URL (downfile.jsp?id=…) is read, within the size bound.
            if is_readable_download(mime, download_name(header(headers, "Content-Disposition"))):
                return too_large
            return True
        return False

    def on_dropped(self, request: Request, spider: Any = None) -> None:
        """A request the dupefilter refused: in practice a redirect onto a URL already seen.

        Its record takes the outcome of the URL it ends at, now or when that URL is recorded."""
        target = request.meta.get("target")
        if not target or target in self.recorded:
            return
        depth = request.meta.get("depth", 0)
        chain = tuple(request.meta.get("redirect_urls", ()))
        # Without a chain: a URL first reached as the end of another URL's redirect.
        reasons = request.meta.get("redirect_reasons") or [None]
        record = PageRecord(
            url=target,
            final_url=request.url,
            status=reasons[-1] if isinstance(reasons[-1], int) else None,
            redirects=chain,
            depth=depth,
            method=request.method,
            internal=self.scope.is_internal(target),
            kind="other",
        )
        final = self.scope.key(request.url)
        if request.url in chain:
            self._emit(replace(record, error="too_many_redirects", error_detail="redirect loop"))
        elif final in self.outcome:
            self._emit(replace(record, **self.outcome[final]))
        else:
            self.awaiting.setdefault(final, []).append(record)

    def on_idle(self, spider: Any = None) -> None:
        """Nothing left to fetch: redirects whose end never got recorded keep their 3xx."""
        waiting, self.awaiting = self.awaiting, {}
        for records in waiting.values():
            for record in records:
                if record.redirects:
                    self._emit(record)
                else:
                    self._emit(self._skipped(record.url, record.depth, "duplicate"))

    def _emit(self, record: PageRecord) -> None:
        """A record made outside a callback goes straight to the pipeline."""
        self.sink(self._count(record))

    # -- callbacks -----------------------------------------------------------------------------

    async def parse_page(self, response: Response):
        """A page: parsed (in the parse worker when there is one), recorded, its links routed."""
        meta = response.meta
        target, depth = meta["target"], meta["depth"]
        if response.status == 304 and meta.get("conditional"):
            for item in self._not_modified(response):
                yield item
            return
        # Not the site: a WAF's bot check answered. The start URL's says nothing was audited
        # (the CLI tells what to do); a page's, once the WAF turns on mid-crawl, was not checked
        # (skipped `bot_check`), and is no broken link of the site.
        blocked = meta.get("bot_check")
        if blocked and meta.get("home"):
            self.stats.inc_value("govaudit/start_urls_blocked")
            record = self._resource_record(response, "GET")
            yield self._count(replace(record, kind="home", meta={SCRIPT_CHALLENGE: blocked}))
            return
        if blocked:
            yield self._count(self._skipped(target, depth, "bot_check", internal=True))
            return
        if meta.get("home"):
            self.stats.inc_value("govaudit/start_urls_ok")
        mime = mime_type(response.headers)
        if self._is_download(response, mime):
            async for item in self.on_attachment(response):
                yield item
            return
        # A Hanweb dataproxy.jsp answer (XML datastore, followed as a list's next page) is a
        # list page, whatever its content type says.
        page_like = (
            not mime
            or mime in HTML_TYPES
            or is_datastore_answer(response.body, mime)
            or (mime in JSON_TYPES and is_json_answer(response.body, mime))
        )
        if "download_stopped" in response.flags or not page_like:
            yield self._count(self._resource_record(response, "GET"))
            return
        record = await self.parser.parse(
            response.url, response.body, mime, header_charset(response.headers), self.config.as_of
        )
        record = replace(record, source=page_source(response.body, record.charset))
        for name in adapters_of(record.meta):
            self.stats.inc_value(f"govaudit/adapter/{name}")
        facts = self._page_facts(response)
        if response.status < 400 and self.browser.wants(record, response.url):
            why = self.browser.admit()
            if why is None:
                yield self._render_request(record, facts)
                return
            record = self._not_rendered(record, why)
        for item in self._page_done(record, facts):
            yield item

    def _page_facts(self, response: Response) -> dict[str, Any]:
        """What a page's record takes from its HTTP response (kept while a browser renders it)."""
        meta = response.meta
        validators = {}
        if response.status == 200:
            for field, name in (("etag", "ETag"), ("last_modified", "Last-Modified")):
                value = header(response.headers, name)
                # Sent back as they came only when plain ASCII (RFC 9110's usual form).
                validators[field] = value if value and value.isascii() else None
        return {
            "target": meta["target"],
            "depth": meta["depth"],
            "home": bool(meta.get("home")),
            "url": response.url,
            "status": response.status,
            "redirects": tuple(meta.get("redirect_urls", ())),
            "elapsed": meta.get("download_latency"),
            "validators": validators,
        }

    def _page_done(self, record: PageRecord, facts: dict[str, Any]) -> Iterator[Any]:
        """A parsed page: recorded, its links routed."""
        target, depth, url, status = facts["target"], facts["depth"], facts["url"], facts["status"]
        # A redirect off-site ends the crawl here; an error page's links are the template's.
        follow = self.scope.is_internal(url) and status < 400
        links: list[Link] = []
        requests: list[Request] = []
        skipped: list[PageRecord] = []
        stopped: list[PageRecord] = []
        if follow:
            if self.schedule is not None and record.list_items:
                self.schedule.note_list(record.list_items, self._canonical, record.pagination)
            for stop in self.repeated_lists.pager_to_stop(url, record):
                stopped += self._refuse(stop, depth + 1, "repeated_list")
            linked = {link.target for link in record.links}
            # Script-written pagination (createPageHTML) has no <a>: its edge is added here.
            extra = [Link(u, "script", "pagination") for u in record.pagination if u not in linked]
            links, requests, skipped = self._follow(
                (*record.links, *extra), record.pagination, depth + 1
            )
        kind = "home" if facts["home"] else record.kind
        self.stats.inc_value("govaudit/pages")
        yield self._count(
            replace(
                record,
                url=target,
                final_url=url,
                status=status,
                redirects=facts["redirects"],
                elapsed=facts["elapsed"],
                depth=depth,
                method="GET",
                internal=True,
                kind=kind,
                links=tuple(links),
                **facts["validators"],
            )
        )
        yield from stopped
        yield from skipped
        yield from requests
        yield from self._carry_rolled()

    def _is_download(self, response: Response, mime: str | None) -> bool:
        """A document where a page was expected (a `downfile.jsp?id=…` link): read like an
        attachment, by its Content-Disposition name, its content type or its first bytes."""
        if mime in HTML_TYPES or mime in XML_TYPES or "download_stopped" in response.flags:
            return False
        if mime in JSON_TYPES and is_json_answer(response.body, mime):
            return False
        if response.status >= 400 or not response.body:
            return False
        name = download_name(header(response.headers, "Content-Disposition"))
        if is_readable_download(mime, name):
            return True
        return sniff_format(response.body[:1024], "", mime) in READ_EXTENSIONS

    def _follow(
        self, links: Iterable[Link], pagination: Iterable[str], depth: int
    ) -> tuple[list[Link], list[Request], list[PageRecord]]:
        """Route every link of a followed page: (edges as recorded, new requests, skipped)."""
        pages = set(pagination)
        pages |= {self._canonical(u) for u in pages}
        edges: list[Link] = []
        requests: list[Request] = []
        skipped: list[PageRecord] = []
        for link in links:
            as_page = link.attr == "pagination" or link.target in pages
            target_url = self._route(link, as_page, depth, requests, skipped)
            edges.append(replace(link, target=target_url) if target_url != link.target else link)
        return edges, requests, skipped

    def _refuse(self, target: str, depth: int, reason: str) -> list[PageRecord]:
        """Route `target` as skipped for `reason` before the page's links are routed."""
        if target in self.routed:
            return []
        url = self.routed[target] = self.scope.canonical(target)
        if self.known.setdefault(self.scope.key(url), url) is not url:
            return []  # reached by another link already
        return [self._count(self._skipped(url, depth, reason))]

    def _canonical(self, url: str) -> str:
        """`Scope.canonical`, once per URL: a TRS list page lists every page of its column."""
        canonical = self.canonicals.get(url)
        if canonical is None:
            canonical = self.canonicals[url] = self.scope.canonical(url)
        return canonical

    def _route(
        self,
        link: Link,
        as_page: bool,
        depth: int,
        requests: list[Request],
        skipped: list[PageRecord],
    ) -> str:
        """Decide once per target what to do with it; returns the URL recorded for it."""
        known = self.routed.get(link.target)
        if known is not None:  # menus repeat on every page: skip canonicalising them again
            return known
        url = self.routed[link.target] = self._decide(link, as_page, depth, requests, skipped)
        return url

    def _decide(
        self,
        link: Link,
        as_page: bool,
        depth: int,
        requests: list[Request],
        skipped: list[PageRecord],
    ) -> str:
        problem = self.scope.malformed(link.target)
        if problem is not None:
            if link.target not in self.known:
                self.known[link.target] = link.target
                skipped.append(self._count(self._malformed(link.target, depth, problem)))
            return link.target
        url = self.scope.canonical(link.target)
        key = self.scope.key(url)
        if key in self.known:
            return self.known[key]
        self.known[key] = url
        internal = self.scope.is_internal(url)
        resource = not as_page and (link.tag in RESOURCE_TAGS or is_resource_url(url))
        if urlsplit(url).scheme not in ("http", "https"):
            skipped.append(self._count(self._skipped(url, depth, "unsupported_scheme", internal)))
        elif self.scope.is_excluded(url):
            skipped.append(self._count(self._skipped(url, depth, "excluded", internal, resource)))
        elif internal and not resource:
            reason = self.scope.page_refusal(url, depth)
            if reason is None and self.pages_scheduled >= self.config.max_pages:
                reason = "max_pages"
            if reason:
                skipped.append(self._count(self._skipped(url, depth, reason)))
            elif self._rolls(url, depth):
                self.pages_scheduled += 1
            else:
                requests.append(self._page_request(url, depth))
        elif self._rolls(url, depth):
            pass
        elif internal and is_readable_attachment(url):
            requests.append(self._attachment_request(url, depth, link.text))
        elif is_stylesheet(link):
            requests.append(self._stylesheet_request(url, depth))
        else:
            requests.append(self._check_request(url, depth, internal))
        return url

    def on_check(self, response: Response) -> Iterator[PageRecord]:
        meta = response.meta
        if meta.get("bot_check"):  # not checked: the WAF answered, not the target
            yield self._count(self._skipped(meta["target"], meta["depth"], "bot_check"))
            return
        sheet = self._sheet_by_answer(response)
        if sheet is not None:  # its record comes with the GET that reads it
            yield sheet
            return
        method = "HEAD>GET" if meta.get("head_result") else response.request.method
        yield self._count(self._resource_record(response, method))

    async def on_attachment(self, response: Response):
        """An internal attachment: its text, read in a worker process (crawler.attachment_reader)."""
        record = self._resource_record(response, "GET")
        if "download_stopped" in response.flags:
            meta = too_large_meta(record.url, record.size, self.config.max_resource_bytes)
        elif response.status >= 400 or not response.body:
            yield self._count(record)  # broken or empty: the broken-link check's business
            return
        else:
            result, seconds = await self.reader.read(record.url, response.body, record.content_type)
            self.stats.inc_value("govaudit/attachments/extract_seconds", seconds)
            meta = attachment_meta(result)
            record = replace(record, text=result.text)
        self._count_attachment(meta)
        name = response.meta.get("anchor") or download_name(
            header(response.headers, "Content-Disposition")
        )
        title = attachment_title(name or "", record.url)
        yield self._count(replace(record, title=title, meta=meta))

    def closed(self, reason: str) -> None:
        stats = self.stats
        stats.set_value("govaudit/parse_worker_pages", self.parser.offloaded)
        stats.set_value("govaudit/parse_fallbacks", self.parser.fallbacks)
        self.parser.close()
        self.reader.close()
        self._forget_targets()
