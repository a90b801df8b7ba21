"""A small threaded HTTP server for the sample site, playing the awkward servers of real life.

Always bound to 127.0.0.1. Per-path behaviours come from the site's `Resource`s: HEAD refused
(405), 429 once then 200, 500, redirect chains, a slow answer, GBK bodies; unknown paths get a
custom 404 page. It also picks a free port and leaves it closed (for the "connection refused" link).

Like nginx on static files, every 200 answer carries `ETag` and `Last-Modified`, and a request
whose `If-None-Match` (or, without one, `If-Modified-Since`) still holds gets 304 with no body
(RFC 9110 §13.1). `edit(path, body)` changes a page the way a CMS republishes it (new ETag, newer
Last-Modified); `hits` counts requests per (method, path), `conditional` those with validators.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections import Counter
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from govaudit.sample_site.markup import CLOSED_PORT
from govaudit.sample_site.site import Resource, Site

NOT_FOUND = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>404 页面未找到</title></head>"
    "<body><h1>404</h1><p>对不起，您访问的页面不存在。</p><a href='/'>返回首页</a></body></html>"
).encode()
HOST = "127.0.0.1"


def free_port(preferred: int = 0) -> int:
    """A port nothing listens on right now (`preferred` if free, else one the OS picks); it is
    closed again at once, so connecting to it is refused."""
    for port in (preferred, 0) if preferred else (0,):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError("no free port on 127.0.0.1")


class _Handler(BaseHTTPRequestHandler):
    server: _SiteHTTPServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        path = urlsplit(self.path).path or "/"
        conditional = self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since")
        self.server.count("HEAD" if head else "GET", self.path, bool(conditional))
        res = self.server.resource(path)
        if res is None:
            return self._send(404, "text/html; charset=utf-8", NOT_FOUND, (), head)
        if res.behaviour == "head_refused" and head:
            return self._send(405, "text/plain", b"Method Not Allowed", (("Allow", "GET"),), head)
        if res.behaviour == "rate_limited_once" and self.server.first_visit(path):
            return self._send(
                429, "text/plain", b"Too Many Requests", (("Retry-After", "1"),), head
            )
        if res.behaviour == "slow":
            time.sleep(self.server.slow_seconds)
        if self.server.delay:
            time.sleep(self.server.delay)
        headers = tuple(res.headers)
        if res.status == 200:
            etag, modified = self.server.validators(path, res)
            headers += (("ETag", etag), ("Last-Modified", formatdate(modified, usegmt=True)))
            if self._still_valid(etag, modified):
                self.server.count("304", self.path, False)
                return self._send_304(headers)
        self._send(res.status, res.content_type, res.body, headers, head)

    def _still_valid(self, etag: str, modified: float) -> bool:
        # RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only counts without it.
        none_match = self.headers.get("If-None-Match")
        if none_match is not None:
            return etag in [t.strip() for t in none_match.split(",")] or none_match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            return int(modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False

    def _send_304(self, headers) -> None:
        try:
            self.send_response(304)
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send(self, status, content_type, body: bytes, headers, head: bool) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (e.g. its timeout)
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # quiet: no request log
        pass


class _SiteHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for the slow handler

    def __init__(
        self, site: Site, closed_port: int, slow_seconds: float, port: int, delay: float = 0.0
    ) -> None:
        super().__init__((HOST, port), _Handler)
        self.slow_seconds = slow_seconds
        self.delay = delay
        self.hits: Counter[tuple[str, str]] = Counter()
        self.conditional: Counter[str] = Counter()
        # Every file "published" an hour before the server started, as a CMS's last run.
        self._published = float(int(time.time()) - 3600)
        self._modified: dict[str, float] = {}
        token = CLOSED_PORT.encode()
        self.resources: dict[str, Resource] = {}
        for path, res in site.resources.items():
            if token in res.body:  # the closed port is known only now
                res = Resource(
                    res.body.replace(token, str(closed_port).encode()),
                    res.content_type,
                    res.status,
                    res.headers,
                    res.behaviour,
                )
            self.resources[path] = res
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def resource(self, path: str) -> Resource | None:
        found = self.resources.get(path)
        if found is None and path.endswith("/"):
            found = self.resources.get(path + "index.html")
        return found

    def validators(self, path: str, res: Resource) -> tuple[str, float]:
        """A strong ETag of the body (like a CMS's content hash) and its Last-Modified time."""
        etag = '"' + hashlib.sha1(res.body).hexdigest()[:16] + '"'
        with self._lock:
            return etag, self._modified.get(path, self._published)

    def edit(self, path: str, body: bytes) -> None:
        old = self.resources[path]
        with self._lock:
            self.resources[path] = Resource(
                body, old.content_type, old.status, old.headers, old.behaviour
            )
            # Last-Modified has one-second resolution: an edit is always a later second.
            self._modified[path] = max(float(int(time.time())), self._published) + 1

    def count(self, method: str, path: str, conditional: bool) -> None:
        with self._lock:
            self.hits[(method, path)] += 1
            if conditional:
                self.conditional[method] += 1

    def first_visit(self, path: str) -> bool:
        with self._lock:
            if path in self._seen:
                return False
            self._seen.add(path)
            return True

    def handle_error(self, request, client_address) -> None:  # quiet on resets and pipes
        pass


class SampleServer:
    """The running sample site: `.url` (ends with /), `.closed_port`, `.stop()`; a context manager."""

    def __init__(
        self,
        site: Site,
        port: int = 0,
        slow_seconds: float = 4.0,
        closed_port: int = 0,
        delay: float = 0.0,
    ) -> None:
        self.closed_port = free_port(closed_port)
        self._httpd = _SiteHTTPServer(site, self.closed_port, slow_seconds, port, delay)
        self.port = self._httpd.server_address[1]
        self.url = f"http://{HOST}:{self.port}/"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="sample-site", daemon=True
        )
        self._thread.start()

    @property
    def hits(self) -> Counter[tuple[str, str]]:
        """Requests so far per (method, path-with-query); method `304` counts Not Modified."""
        with self._httpd._lock:
            return Counter(self._httpd.hits)

    @property
    def conditional(self) -> Counter[str]:
        """Requests so far that carried If-None-Match or If-Modified-Since, per method."""
        with self._httpd._lock:
            return Counter(self._httpd.conditional)

    def edit(self, path: str, body: bytes) -> None:
        """Republish a page with a new body (new ETag, later Last-Modified)."""
        self._httpd.edit(path, body)

    def body(self, path: str) -> bytes:
        return self._httpd.resources[path].body

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> SampleServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(
    site: Site,
    host: str = HOST,
    port: int = 0,
    slow_seconds: float = 4.0,
    closed_port: int = 0,
    delay: float = 0.0,
) -> SampleServer:
    """Serve `site` on 127.0.0.1 (the only address allowed: `host` exists for the signature).

    `closed_port` is the port to leave closed when it is free (default: any free port); `delay`
    slows every answer (seconds), e.g. to stop a crawl half-way in a test."""
    if host != HOST:
        raise ValueError("the sample site is served on 127.0.0.1 only")
    return SampleServer(
        site, port=port, slow_seconds=slow_seconds, closed_port=closed_port, delay=delay
    )
