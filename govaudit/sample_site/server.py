"""A small threaded HTTP server for the sample site, playing the awkward servers of real life.

Always bound to 127.0.0.1. Per-path behaviours come from the site's `Resource`s: HEAD refused
(405), 429 once then 200, 500, redirect chains, a slow answer, GBK bodies; unknown paths get a
custom 404 page. It also picks a free port and leaves it closed (for the "connection refused" link).
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from govaudit.sample_site.generator import Resource, Site
from govaudit.sample_site.markup import CLOSED_PORT

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
        self._send(res.status, res.content_type, res.body, res.headers, head)

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

    def __init__(self, site: Site, closed_port: int, slow_seconds: float, port: int) -> None:
        super().__init__((HOST, port), _Handler)
        self.slow_seconds = slow_seconds
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
        self, site: Site, port: int = 0, slow_seconds: float = 4.0, closed_port: int = 0
    ) -> None:
        self.closed_port = free_port(closed_port)
        self._httpd = _SiteHTTPServer(site, self.closed_port, slow_seconds, port)
        self.port = self._httpd.server_address[1]
        self.url = f"http://{HOST}:{self.port}/"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="sample-site", daemon=True
        )
        self._thread.start()

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
) -> SampleServer:
    """Serve `site` on 127.0.0.1 (the only address allowed: `host` exists for the signature).

    `closed_port` is the port to leave closed when it is free (default: any free port)."""
    if host != HOST:
        raise ValueError("the sample site is served on 127.0.0.1 only")
    return SampleServer(site, port=port, slow_seconds=slow_seconds, closed_port=closed_port)
