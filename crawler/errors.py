"""The store's name for a failed request (DESIGN: dns, refused, timeout, tls, connection ...).

Since Scrapy 2.15 download errors arrive as Scrapy's own exceptions (research notes §3); the
Twisted and OpenSSL ones still come through for TLS and a few connection failures, so TLS is
also recognised by the words in the chain of causes.
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


def error_kind(exc: BaseException) -> str:
    """The error kind recorded for a request that failed with `exc`."""
    if isinstance(exc, CannotResolveHostError | twisted_errors.DNSLookupError):
        return "dns"
    if isinstance(exc, DownloadConnectionRefusedError | twisted_errors.ConnectionRefusedError):
        return "refused"
    if isinstance(exc, DownloadTimeoutError | TimeoutError | twisted_errors.TimeoutError):
        return "timeout"
    if isinstance(exc, DownloadCancelledError):
        return "cancelled"  # over the size bound
    if isinstance(exc, IgnoreRequest):
        return "too_many_redirects" if _TOO_MANY_REDIRECTS in str(exc) else "skipped"
    if isinstance(exc, ssl.SSLError) or _TLS_WORDS.search(_causes(exc)):
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


def _causes(exc: BaseException) -> str:
    """The exception and its causes as text (Twisted wraps OpenSSL's errors in lists)."""
    chain, seen = [], exc
    while seen is not None and len(chain) < 5:
        chain.append(f"{type(seen).__name__} {seen} {getattr(seen, 'reasons', '')}")
        seen = seen.__cause__ or seen.__context__
    return " ".join(chain)
