"""A small threaded HTTP server for crawl tests: a dict of paths → `Reply`, on 127.0.0.1 only.

Behaviours real government servers show, one field each: refusing HEAD, rate-limiting once with
429 + Retry-After, answering slowly, redirecting, refusing requests without a header. `hits` counts requests per (method, path) so
tests can prove that a target was fetched once.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    body: bytes | str = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    head_status: int | None = None  # answer HEAD with this status (e.g. 405) and no headers
    delay: float = 0.0  # seconds before answering (beyond the crawler's timeout: a timeout)
    fail_first: int = 0  # answer the first N GETs with 429 + Retry-After: 1
    # request header -> text it must contain, else 403 (hot-link protection, a WAF's cookie)
    requires: dict[str, str] = field(default_factory=dict)

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


def redirect(location: str, status: int = 301) -> Reply:
    return Reply(status=status, headers={"Location": location}, content_type=None)


class SiteServer:
    """`with SiteServer(routes) as site:` serves `routes` at `site.url` on a free port."""

    def __init__(self, routes: dict[str, Reply]) -> None:
        self.routes = routes
        self.hits: Counter[tuple[str, str]] = Counter()
        self.arrivals: list[float] = []  # monotonic time of every request, in order
        self.in_flight = self.max_in_flight = 0  # requests being answered, now and at most
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def count(self, method: str, path: str) -> int:
        with self._lock:
            return self.hits[(method, path)]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep pytest output clean
                pass

            def do_GET(self) -> None:
                self._answer(head=False)

            def do_HEAD(self) -> None:
                self._answer(head=True)

            def _answer(self, head: bool) -> None:
                method = "HEAD" if head else "GET"
                with server._lock:
                    server.hits[(method, self.path)] += 1
                    hits = server.hits[(method, self.path)]
                    server.arrivals.append(time.monotonic())
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self._reply(head, method, hits)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _reply(self, head: bool, method: str, hits: int) -> None:
                reply = server.routes.get(self.path)
                if reply is None and "?" in self.path:
                    # `"/path?*"`: any query of the path, a Reply or a callable(path) -> Reply
                    wildcard = server.routes.get(self.path.split("?", 1)[0] + "?*")
                    reply = wildcard(self.path) if callable(wildcard) else wildcard
                if reply is None:
                    reply = Reply("<html><body><h1>404 Not Found</h1></body></html>", status=404)
                if reply.delay:
                    time.sleep(reply.delay)
                if any(text not in self.headers.get(h, "") for h, text in reply.requires.items()):
                    reply = Reply("<html><body>403 Forbidden</body></html>", status=403)
                if head and reply.head_status:
                    self._send(reply.head_status, {"Content-Length": "0"}, b"", head)
                    return
                if not head and hits <= reply.fail_first:
                    body = b"<html><body>Too Many Requests</body></html>"
                    headers = {"Retry-After": "1", "Content-Type": "text/html"}
                    headers["Content-Length"] = str(len(body))
                    self._send(429, headers, body, head)
                    return
                body = reply.payload()
                headers = dict(reply.headers)
                if reply.content_type:
                    headers["Content-Type"] = reply.content_type
                headers["Content-Length"] = str(len(body))
                self._send(reply.status, headers, body, head)

            def _send(self, status: int, headers: dict[str, str], body: bytes, head: bool) -> None:
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if not head:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler gave up (timeout) or stopped reading (headers only)

        return Handler
