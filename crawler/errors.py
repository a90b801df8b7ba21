"""The store's name for a failed request (DESIGN: dns, refused, timeout, tls, connection ...).

Since Scrapy 2.15 download errors arrive as Scrapy's own exceptions (research notes §3); the
Twisted and OpenSSL ones still come through for TLS and a few connection failures, so TLS is
also recognised by the words in the chain of causes. aiohttp (crawler/http_handler.py) words a
failed connection "Cannot connect to host h:443 ssl:<ssl.SSLContext object at 0x…> [reason]" and
raises a TLS failure as a refused connection: the `ssl:` part is dropped from what is recorded
and read, and the reason decides.
"""

from __future__ import annotations

import re
import ssl

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as twisted_errors

_TLS_WORDS = re.compile(r"\b(ssl|tls|certificate|handshake)", re.IGNORECASE)
# IgnoreRequest's messages, as Scrapy words them (RedirectMiddleware, RobotsTxtMiddleware).
_TOO_MANY_REDIRECTS = "max redirections reached"
_AIOHTTP_SSL_ARGUMENT = re.compile(r" ssl:(?:<[^>]*>|\S+)")


def error_detail(exc: BaseException) -> str:
    """What is recorded of a failure: its type and message, without aiohttp's `ssl:` argument."""
    return _AIOHTTP_SSL_ARGUMENT.sub("", f"{type(exc).__name__}: {exc}")[:500]


def error_kind(exc: BaseException) -> str:
    """The error kind recorded for a request that failed with `exc`."""
    if isinstance(exc, CannotResolveHostError | twisted_errors.DNSLookupError):
        return "dns"
    if any(isinstance(e, ssl.SSLError) for e in _chain(exc)):  # aiohttp: raised as refused
        return "tls"
    if isinstance(exc, DownloadConnectionRefusedError | twisted_errors.ConnectionRefusedError):
        return "refused"
    if isinstance(exc, DownloadTimeoutError | TimeoutError | twisted_errors.TimeoutError):
        return "timeout"
    if isinstance(exc, DownloadCancelledError):
        return "cancelled"  # over the size bound
    if isinstance(exc, IgnoreRequest):
        return "too_many_redirects" if _TOO_MANY_REDIRECTS in str(exc) else "skipped"
    if _TLS_WORDS.search(_causes(exc)):
        return "tls"
    if isinstance(
        exc,
        DownloadFailedError
        | ResponseDataLossError
        | twisted_errors.ConnectError
        | twisted_errors.ConnectionLost
        | twisted_errors.ConnectionDone
        | OSError,
    ):
        return "connection"
    return "other"


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and its first causes."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 5:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    return chain


def _causes(exc: BaseException) -> str:
    """The exception and its causes as text (Twisted wraps OpenSSL's errors in lists)."""
    return " ".join(
        f"{type(e).__name__} {_AIOHTTP_SSL_ARGUMENT.sub('', str(e))} {getattr(e, 'reasons', '')}"
        for e in _chain(exc)
    )
