"""The crawl engine: a breadth-first frontier, per-host slots and aiohttp, nothing in between.

Why not Scrapy's engine, which the crawler ran on before: on the benchmark site (issue 9) it spent
~2.7 ms of CPU per request in its per-request machinery (middleware chains of async generators,
Deferred/Task plumbing, ~105 asyncio tasks per page: research §7), and aiohttp alone fetched the
same 2,744 URLs at ~0.1 ms each. An audit needs only a handful of Scrapy's layers, and each of
them is a few lines here:

- a frontier ordered by `meta["audit_depth"]` (breadth-first, so a `max_pages` bound keeps the
  site's upper levels); each (method, `key(url)`) is fetched once unless `dont_filter`, and a
  refused duplicate (in practice a redirect onto a URL already seen) goes to `spider.on_dropped`;
- per-host slots: `concurrency` requests at once and `download_delay` (jittered ×0.5–1.5)
  between two starts, adapted by AutoThrottle's rule (a 304 counts as a healthy answer: on a
  re-crawl most answers are 304, and the delay would otherwise never come down);
- redirects (3xx `Location`, `<meta http-equiv="refresh">` under 100 s), at most 20, each hop in
  `meta["redirect_urls"]` / `meta["redirect_reasons"]`, as a new request through the frontier;
- retries of 5xx/408/429 and of connection failures with exponential backoff, or the server's
  `Retry-After` on 429/503 when it asks for no more than `retry_after_max` seconds;
- robots.txt per host when obeyed (Protego), unless `meta["dont_obey_robotstxt"]`;
- a size bound (`meta["download_maxsize"]` or the engine's), and `spider.on_headers` deciding
  after the headers that the body is not needed (`"download_stopped"` in the response's flags);
- cookies (a WAF's challenge cookie), proxies from the environment, gzip/deflate, a `Referer`
  from the page that linked the target (hot-link protection answers 403 without one), no
  certificate verification (an expired certificate must not hide a site's pages; as before);
- a response aiohttp's parser refuses but browsers show, read again by `crawler.lenient`;
- a graceful stop on SIGINT/SIGTERM: nothing new starts, what was recorded is written.

The spider's side: `start()` (async generator), callbacks and errbacks (generators, async or not,
yielding `Request`s and items), `on_headers(headers, request) -> bool`, `on_dropped(request)`,
`on_idle()`, `closed(reason)`, and `sink` (set here) for items made outside a callback.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import itertools
import logging
import random
import re
import signal
import ssl
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.client import HTTPException
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.request import getproxies_environment, proxy_bypass_environment

import aiohttp
from aiohttp.http_exceptions import HttpProcessingError
from protego import Protego
from w3lib.html import get_meta_refresh
from w3lib.url import canonicalize_url, safe_url_string
from yarl import URL

from crawler import lenient

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({500, 502, 503, 504, 522, 524, 408, 429})
MAX_REDIRECTS = 20
# Responses in their callbacks per download slot of the engine, at most: enough to keep the
# parser busy, few enough that a slow parser holds the downloads back (memory stays bounded).
PROCESSING_PER_DOWNLOAD = 4
META_REFRESH_MAX_DELAY = 100  # seconds; a longer refresh is a page reloading itself, not a move
_META_REFRESH = re.compile(rb"http-equiv\s*=\s*[\"']?\s*refresh", re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(eq=False)
class Request:
    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    callback: Callable[..., Any] | None = None
    errback: Callable[..., Any] | None = None
    dont_filter: bool = False

    def __post_init__(self) -> None:
        # As a browser sends it: non-ASCII and spaces percent-encoded, the rest left alone.
        self.url = safe_url_string(self.url)

    def follow(self, url: str, **changes: Any) -> Request:
        """A new request for this one's target (redirect, retry): own copies of meta, headers."""
        return replace(self, url=url, headers=dict(self.headers), meta=dict(self.meta), **changes)


@dataclass(eq=False)
class Response:
    url: str
    status: int
    headers: Mapping[str, str]  # case-insensitive (aiohttp's)
    body: bytes
    request: Request
    flags: tuple[str, ...] = ()

    @property
    def meta(self) -> dict[str, Any]:
        return self.request.meta


class Ignored(Exception):
    """A request dropped on purpose; `kind` is its error kind (skipped, too_many_redirects)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class TooLarge(Exception):
    """The body is over the size bound: the download was cancelled."""


_TLS_WORDS = re.compile(r"\b(ssl|tls|certificate|handshake)", re.IGNORECASE)


def error_kind(exc: BaseException) -> str:
    """The store's error kind for a failed request (DESIGN: dns, refused, timeout, tls ...)."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "dns"
    if isinstance(exc, aiohttp.ClientConnectorError) and isinstance(
        exc.os_error, ConnectionRefusedError
    ):
        return "refused"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, TooLarge):
        return "cancelled"
    if isinstance(exc, Ignored):
        return exc.kind
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        return "tls"
    chain, seen = [], exc
    while seen is not None and len(chain) < 5:
        chain.append(f"{type(seen).__name__} {seen}")
        seen = seen.__cause__ or seen.__context__
    if _TLS_WORDS.search(" ".join(chain)):
        return "tls"
    if isinstance(exc, aiohttp.ClientConnectionError | aiohttp.ClientPayloadError | OSError):
        return "connection"
    if isinstance(exc, aiohttp.ClientResponseError) and isinstance(
        exc.__cause__, HttpProcessingError
    ):
        return "connection"  # an answer that is not HTTP
    return "other"


def _retryable(exc: BaseException) -> bool:
    """Failures worth a second try: the server or the network may be back in a moment.
    Not a host that does not resolve, nor a certificate, nor anything dropped on purpose."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError | aiohttp.ClientSSLError | ssl.SSLError):
        return False
    return isinstance(
        exc,
        TimeoutError | aiohttp.ClientConnectionError | aiohttp.ClientPayloadError | OSError,
    )


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds asked for by a `Retry-After` header (delta-seconds or HTTP-date), else None."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Stats:
    """The crawl's counters: `govaudit/...` from the spider, the engine's own beside them."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    def inc_value(self, key: str, count: float = 1) -> None:
        self._values[key] = self._values.get(key, 0) + count

    def set_value(self, key: str, value: Any) -> None:
        self._values[key] = value

    def get_value(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def get_stats(self) -> dict[str, Any]:
        return dict(self._values)


@dataclass(frozen=True)
class EngineSettings:
    headers: dict[str, str]  # sent with every request, User-Agent included
    concurrency: int = 2  # per host
    total_concurrency: int = 16
    download_delay: float = 0.25  # the least delay between two starts on one host
    autothrottle: bool = True
    throttle_target: float = 2.0  # AutoThrottle's target concurrency
    throttle_start_delay: float = 0.25
    throttle_max_delay: float = 30.0
    timeout: float = 20.0
    max_size: int = 20 * 1024 * 1024
    retries: int = 2
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 30.0
    obey_robots: bool = True
    progress_interval: float = 0.5


class _Slot:
    """One host's share of the crawl: requests waiting, in flight, and when the next may start."""

    __slots__ = ("waiting", "active", "delay", "next_start", "timer")

    def __init__(self, delay: float) -> None:
        self.waiting: deque[Request] = deque()
        self.active = 0
        self.delay = delay
        self.next_start = 0.0  # event-loop time before which no request of the host starts
        self.timer: asyncio.TimerHandle | None = None


def _tls_context() -> ssl.SSLContext:
    """TLS without certificate verification (no CA bundle to load either)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class Engine:
    """One crawl: `await Engine(spider, settings, pipeline).run()`; see the module's docstring."""

    def __init__(
        self,
        spider: Any,
        settings: EngineSettings,
        pipeline: Any,
        stats: Stats | None = None,
        key: Callable[[str], str] = canonicalize_url,
    ) -> None:
        self.spider = spider
        self.settings = settings
        self.pipeline = pipeline
        self.stats = stats or Stats()
        self.key = key
        self.frontier: list[tuple[int, int, Request]] = []
        self.order = itertools.count()
        self.seen: set[tuple[str, str]] = set()
        self.slots: dict[str, _Slot] = {}
        self.robots: dict[str, asyncio.Future] = {}
        self.env_proxies = getproxies_environment()
        self.tls = _tls_context()
        self.proxies: dict[tuple[str, str], str | None] = {}
        # Requests taken from the frontier and not yet downloaded (the download concurrency),
        # and responses (or failures) whose callbacks still run, parsing included: a bound of
        # its own, so that downloads go on while pages wait for the parser.
        self.downloading = 0
        self.processing = 0
        self.tasks: set[asyncio.Task] = set()
        self.reason: str | None = None
        self.wakeup: asyncio.Event | None = None
        self.session: aiohttp.ClientSession | None = None
        self.started = time.monotonic()
        spider.sink = self._item

    # -- the loop ------------------------------------------------------------------------------

    async def run(self) -> str:
        """Crawl until nothing is left (or a signal stops it); returns the finish reason."""
        loop = asyncio.get_running_loop()
        self.wakeup = asyncio.Event()
        signals = self._on_signals(loop)
        connector = aiohttp.TCPConnector(
            limit=self.settings.total_concurrency, ssl=self.tls, ttl_dns_cache=300
        )
        progress = loop.create_task(self._report_progress())
        self.session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # unsafe: hosts that are IP addresses
            # Proxies come from `_proxy`: aiohttp's trust_env asks two threads per request.
            trust_env=False,
            timeout=aiohttp.ClientTimeout(total=self.settings.timeout),
            # Government servers send long Set-Cookie and CSP lines; Twisted took them.
            max_line_size=65536,
            max_field_size=65536,
        )
        try:
            await self._take(self.spider.start(), None)
            while self.reason is None:
                self._dispatch()
                if self._idle():
                    self.spider.on_idle()
                    if self._idle():
                        self.reason = "finished"
                        break
                await self.wakeup.wait()
                self.wakeup.clear()
            if self.tasks:  # a stop: what is in flight is not waited for
                for task in self.tasks:
                    task.cancel()
                await asyncio.gather(*self.tasks, return_exceptions=True)
        finally:
            progress.cancel()
            for sig in signals:
                loop.remove_signal_handler(sig)
            await self.session.close()
            self.stats.set_value("finish_reason", self.reason)
            self.pipeline.close()
            self.spider.closed(self.reason)
            self._progress()
        return self.reason

    def _on_signals(self, loop: asyncio.AbstractEventLoop) -> list[int]:
        """SIGINT/SIGTERM: stop starting requests and write what was recorded (resumable)."""
        installed = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.stop, "shutdown")
                installed.append(sig)
            except (ValueError, RuntimeError, NotImplementedError):  # not the main thread
                pass
        return installed

    def stop(self, reason: str) -> None:
        if self.reason is None:
            log.warning("stopping the crawl: %s", reason)
            self.reason = reason
            self.wakeup.set()
        elif reason == "shutdown":  # a second Ctrl-C: do not wait for anything
            raise KeyboardInterrupt

    def _idle(self) -> bool:
        return not self.frontier and self.downloading == 0 and self.processing == 0

    # -- the frontier and the slots --------------------------------------------------------------

    def schedule(self, request: Request) -> None:
        """Into the frontier, once per (method, key) unless `dont_filter`."""
        if not request.dont_filter:
            seen = (request.method, self.key(request.url))
            if seen in self.seen:
                self.spider.on_dropped(request)
                return
            self.seen.add(seen)
        depth = request.meta.get("audit_depth", 0)
        heapq.heappush(self.frontier, (depth, next(self.order), request))
        self.wakeup.set()

    def seed(self, urls: set[str]) -> None:
        """URLs fetched before (a resumed audit): never again, with GET nor HEAD."""
        for url in urls:
            key = self.key(safe_url_string(url))
            self.seen.update((("GET", key), ("HEAD", key)))
        if urls:
            self.stats.set_value("govaudit/dupefilter_seeded", len(urls))

    def _dispatch(self) -> None:
        """Move requests from the frontier into their host's slot while the engine has room,
        then start what each slot allows."""
        limit = self.settings.total_concurrency
        touched = set()
        while (
            self.frontier
            and self.downloading < limit
            and self.processing < PROCESSING_PER_DOWNLOAD * limit
        ):
            _, _, request = heapq.heappop(self.frontier)
            host = urlsplit(request.url).hostname or ""
            slot = self.slots.get(host)
            if slot is None:
                start = self.settings.throttle_start_delay if self.settings.autothrottle else 0
                slot = self.slots[host] = _Slot(max(self.settings.download_delay, start))
            slot.waiting.append(request)
            self.downloading += 1
            touched.add(host)
        for host in touched:  # the others start again when a request of theirs ends
            self._start(self.slots[host])

    def _start(self, slot: _Slot) -> None:
        loop = asyncio.get_running_loop()
        while slot.waiting and slot.active < self.settings.concurrency:
            if slot.delay > 0:
                now = loop.time()
                if now < slot.next_start:
                    if slot.timer is None:
                        slot.timer = loop.call_at(slot.next_start, self._timer_fired, slot)
                    return
                slot.next_start = now + slot.delay * random.uniform(0.5, 1.5)
            slot.active += 1
            task = loop.create_task(self._process(slot.waiting.popleft(), slot))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    def _timer_fired(self, slot: _Slot) -> None:
        slot.timer = None
        self._start(slot)

    # -- one request -----------------------------------------------------------------------------

    async def _process(self, request: Request, slot: _Slot) -> None:
        """Download, then hand the outcome to the spider; the slot is free before the callback."""
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                slot.active -= 1
                self.downloading -= 1
                self.processing += 1
                self._start(slot)

        try:
            try:
                response = await self._download(request)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                release()
                retry = self._retry(request, exc, None)
                if retry is not None:
                    await self._backoff(retry, None)
                    return
                await self._call(request.errback, request, exc, referer=None)
                return
            release()
            self._throttle(slot, response)
            follow = self._redirect(response)
            if follow is not None:
                self.schedule(follow)
                return
            retry = self._retry(request, None, response)
            if retry is not None:
                if await self._backoff(retry, response):
                    return
            await self._call(request.callback, response, referer=response.url)
        except Ignored as exc:
            await self._call(request.errback, request, exc, referer=None)
        except asyncio.CancelledError:
            pass
        finally:
            release()
            self.processing -= 1
            self.wakeup.set()

    async def _download(self, request: Request) -> Response:
        if self.settings.obey_robots and not request.meta.get("dont_obey_robotstxt"):
            await self._check_robots(request.url)
        headers = {**self.settings.headers, **request.headers}
        loop = asyncio.get_running_loop()
        started = loop.time()
        self.stats.inc_value("downloader/request_count")
        try:
            async with self.session.request(
                request.method,
                URL(request.url, encoded=True),
                headers=headers,
                allow_redirects=False,
                proxy=self._proxy(request.url),
            ) as answer:
                request.meta["download_latency"] = loop.time() - started
                body, flags = await self._body(answer, request)
        except TimeoutError as exc:
            raise TimeoutError(f"no answer within {self.settings.timeout:g} s") from exc
        except aiohttp.ClientResponseError as exc:
            if not isinstance(exc.__cause__, HttpProcessingError) or self._proxy(request.url):
                raise
            return await self._lenient_download(request, headers, exc)
        self.stats.inc_value("downloader/response_bytes", len(body))
        return Response(request.url, answer.status, answer.headers, body, request, flags)

    async def _lenient_download(
        self, request: Request, headers: dict[str, str], refused: Exception
    ) -> Response:
        """The response aiohttp's parser refused, read by `crawler.lenient` (as browsers read it);
        the first error stands when that fails too."""
        self.stats.inc_value("govaudit/lenient_fetches")
        log.warning("%s: %s; read again leniently", request.url, str(refused).splitlines()[0])
        cookies = self.session.cookie_jar.filter_cookies(URL(request.url, encoded=True))
        if cookies:
            headers = {**headers, "Cookie": "; ".join(f"{k}={m.value}" for k, m in cookies.items())}
        bound = request.meta.get("download_maxsize", self.settings.max_size)
        args = (request.method, request.url, headers, self.settings.timeout, bound, self.tls)
        try:
            status, received, body = await asyncio.wait_for(
                asyncio.to_thread(lenient.fetch, *args), self.settings.timeout + 1
            )
        except lenient.TooLargeBody as exc:
            raise TooLarge(str(exc)) from refused
        except (OSError, HTTPException, TimeoutError, ValueError):  # broken for browsers too
            raise refused  # noqa: B904 - the first error, with the parser's cause kept
        flags: tuple[str, ...] = ()
        if request.method != "HEAD" and self.spider.on_headers(received, request):
            body, flags = b"", ("download_stopped",)
        self.stats.inc_value("downloader/response_bytes", len(body))
        return Response(request.url, status, received, body, request, flags)

    def _proxy(self, url: str) -> str | None:
        """The proxy of the environment (http_proxy, https_proxy, no_proxy) for this host."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        if key not in self.proxies:
            proxy = self.env_proxies.get(parts.scheme)
            if proxy and proxy_bypass_environment(parts.netloc, self.env_proxies):
                proxy = None
            self.proxies[key] = proxy
        return self.proxies[key]

    async def _body(
        self, answer: aiohttp.ClientResponse, request: Request
    ) -> tuple[bytes, tuple[str, ...]]:
        """The body within its size bound, or none when the spider needs only the headers."""
        if request.method == "HEAD":
            return b"", ()
        if self.spider.on_headers(answer.headers, request):
            return b"", ("download_stopped",)
        bound = request.meta.get("download_maxsize", self.settings.max_size)
        if answer.content_length is not None and answer.content_length > bound:
            raise TooLarge(f"Content-Length {answer.content_length} over the max size {bound}")
        return await _read_bounded(answer.content, bound), ()

    async def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        rules = self.robots.get(origin)
        if rules is None:
            rules = self.robots[origin] = asyncio.get_running_loop().create_task(
                self._fetch_robots(origin)
            )
        parser = await asyncio.shield(rules)
        if parser is not None and not parser.can_fetch(
            url, self.settings.headers.get("User-Agent", "*")
        ):
            self.stats.inc_value("robotstxt/forbidden")
            raise Ignored("Forbidden by robots.txt", "skipped")

    async def _fetch_robots(self, origin: str) -> Protego | None:
        """The host's rules; none (everything allowed) when it has no readable robots.txt."""
        self.stats.inc_value("downloader/request_count")
        try:
            async with self.session.get(
                origin + "/robots.txt", headers=self.settings.headers
            ) as answer:
                if answer.status != 200:
                    return None
                body = await _read_bounded(answer.content, 512 * 1024)
            return Protego.parse(body.decode("utf-8", "replace"))
        except Exception as exc:  # unreachable, garbage: the pages' own requests will say so
            log.warning("robots.txt of %s not read: %s", origin, exc)
            return None

    def _redirect(self, response: Response) -> Request | None:
        """The next hop of a redirect, or None when the response is the page itself."""
        request = response.request
        location = None
        if response.status in REDIRECT_STATUSES and "Location" in response.headers:
            location, reason = response.headers["Location"], response.status
        elif (
            request.method != "HEAD" and _is_html(response) and _META_REFRESH.search(response.body)
        ):
            location, reason = _meta_refresh(response), "meta refresh"
        if not location:
            return None
        try:
            target = urljoin(request.url, safe_url_string(location))
        except ValueError:
            return None
        if urlsplit(target).scheme not in ("http", "https"):
            return None
        if reason == "meta refresh" and self.key(target) == self.key(request.url):
            return None  # a page reloading itself every few seconds, not a move
        hops = request.meta.get("redirect_times", 0) + 1
        if hops > MAX_REDIRECTS:
            raise Ignored("max redirections reached", "too_many_redirects")
        method = request.method
        if reason in (301, 302, 303) and method not in ("GET", "HEAD") or reason == "meta refresh":
            method = "GET"
        follow = request.follow(target, method=method)
        follow.meta["redirect_times"] = hops
        follow.meta["redirect_urls"] = [*request.meta.get("redirect_urls", ()), request.url]
        follow.meta["redirect_reasons"] = [*request.meta.get("redirect_reasons", ()), reason]
        if urlsplit(target).hostname != urlsplit(request.url).hostname:
            for name in ("Cookie", "Authorization"):
                follow.headers.pop(name, None)
        return follow

    def _retry(
        self, request: Request, exc: BaseException | None, response: Response | None
    ) -> Request | None:
        """The retry of a failed request, or None (not retryable, retries used up)."""
        if request.meta.get("dont_retry"):
            return None
        if response is not None:
            if response.status not in RETRY_STATUSES:
                return None
            reason = str(response.status)
        elif exc is not None and _retryable(exc):
            reason = type(exc).__name__
        else:
            return None
        times = request.meta.get("retry_times", 0) + 1
        if times > request.meta.get("max_retry_times", self.settings.retries):
            self.stats.inc_value("retry/max_reached")
            return None
        self.stats.inc_value("retry/count")
        self.stats.inc_value(f"retry/reason_count/{reason}")
        retry = request.follow(request.url, dont_filter=True)
        retry.meta["retry_times"] = times
        return retry

    async def _backoff(self, retry: Request, response: Response | None) -> bool:
        """Wait before the retry (exponential, or the server's Retry-After) and schedule it.
        False when the server asks for a wait too long to honour: the response is kept."""
        wait = min(
            self.settings.backoff_max,
            self.settings.backoff_base * 2 ** (retry.meta["retry_times"] - 1),
        )
        if response is not None and response.status in (429, 503):
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None and asked > self.settings.retry_after_max:
                self.stats.inc_value("retry/retry_after_too_long")
                return False
            if asked is not None:
                self.stats.inc_value("retry/retry_after_honoured")
                wait = asked
        if wait > 0:
            self.stats.inc_value("retry/wait_seconds", wait)
            await asyncio.sleep(wait)
        self.schedule(retry)
        return True

    def _throttle(self, slot: _Slot, response: Response) -> None:
        """AutoThrottle's rule: aim at `throttle_target` requests in flight on the host."""
        if not self.settings.autothrottle:
            return
        latency = response.meta.get("download_latency")
        if latency is None:
            return
        target = latency / self.settings.throttle_target
        delay = max(target, (slot.delay + target) / 2.0)
        delay = min(max(self.settings.download_delay, delay), self.settings.throttle_max_delay)
        # Error pages are small and fast: they must not speed the crawl up against a failing
        # server. A 304 is the server confirming a page is unchanged, a healthy answer.
        if response.status not in (200, 304) and delay <= slot.delay:
            return
        slot.delay = delay

    # -- the spider's outputs --------------------------------------------------------------------

    async def _call(self, handler: Callable[..., Any] | None, *args: Any, referer: str | None):
        if handler is None:
            return
        try:
            await self._take(handler(*args), referer)
        except asyncio.CancelledError:
            raise
        except Exception:
            self.stats.inc_value("spider_exceptions/count")
            log.exception("the spider failed on %s", getattr(args[0], "url", args[0]))

    async def _take(self, output: Any, referer: str | None) -> None:
        """Requests go to the frontier, items to the pipeline."""
        if output is None:
            return
        if inspect.isasyncgen(output):
            async for item in output:
                self._out(item, referer)
        else:
            for item in output:
                self._out(item, referer)

    def _out(self, item: Any, referer: str | None) -> None:
        if isinstance(item, Request):
            if referer and "Referer" not in item.headers and not _downgrade(referer, item.url):
                item.headers["Referer"] = referer
            self.schedule(item)
        else:
            self._item(item)

    def _item(self, item: Any) -> None:
        self.pipeline.process_item(item)

    # -- progress --------------------------------------------------------------------------------

    async def _report_progress(self) -> None:
        while True:
            self._progress()
            self.pipeline.tick()
            await asyncio.sleep(self.settings.progress_interval)

    def _progress(self) -> None:
        callback = getattr(self.spider, "progress", None)
        if callback is None:
            return
        done = self.stats.get_value("govaudit/records", 0)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        callback(
            {
                "done": done,
                "queued": len(self.frontier) + self.downloading + self.processing,
                "errors": self.stats.get_value("govaudit/errors", 0),
                "rate": done / elapsed,
            }
        )


async def _read_bounded(content: aiohttp.StreamReader, bound: int) -> bytes:
    """The body, or TooLarge as soon as it passes `bound` bytes (no Content-Length to trust)."""
    chunks, size = [], 0
    async for chunk in content.iter_any():
        size += len(chunk)
        if size > bound:
            raise TooLarge(f"body over the max size {bound} (no Content-Length)")
        chunks.append(chunk)
    return b"".join(chunks)


def _is_html(response: Response) -> bool:
    mime = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return mime in _HTML_TYPES or (not mime and response.body[:256].lstrip()[:1] == b"<")


def _meta_refresh(response: Response) -> str | None:
    """The URL of a `<meta http-equiv="refresh">` due in under 100 s (scripts ignored)."""
    text = response.body.decode("latin-1")  # the URL is ASCII; the page's encoding is not needed
    interval, url = get_meta_refresh(text, response.url, ignore_tags=("script", "noscript"))
    if url and interval is not None and interval < META_REFRESH_MAX_DELAY:
        return url
    return None


def _downgrade(referer: str, url: str) -> bool:
    """No Referer from an https page to an http target (no-referrer-when-downgrade)."""
    return referer.startswith("https:") and url.startswith("http:")
