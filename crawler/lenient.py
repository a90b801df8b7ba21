"""A second fetch, with the standard library, of a response aiohttp's parser refuses.

aiohttp rejects, on purpose (request smuggling), responses that browsers show without a word:
`Content-Length` beside `Transfer-Encoding: chunked`, a `Content-Length` sent twice, a header
line with a space in its name. Legacy Java and IIS stacks of government sites send them, and an
audit that called such a page a broken link would send staff after a page that works. Python's
`http.client` reads them as browsers do (chunked wins, the first length counts, odd lines are
skipped), so the engine asks it once, in a thread, before recording the failure.

Only direct connections: behind a proxy the first error stands.
"""

from __future__ import annotations

import http.client
import ssl
from urllib.parse import urlsplit

from multidict import CIMultiDict, CIMultiDictProxy


class TooLargeBody(Exception):
    """The body is over the size bound."""


def fetch(
    method: str,
    url: str,
    headers: dict[str, str],
    timeout: float,
    bound: int,
    context: ssl.SSLContext,
) -> tuple[int, CIMultiDictProxy[str], bytes]:
    """(status, headers, body) of one request; headers as aiohttp gives them (UTF-8 text with
    surrogate escapes), the body undecoded (no Accept-Encoding is sent)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=context
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    sent = {k: v for k, v in headers.items() if k.lower() != "accept-encoding"}
    try:
        conn.request(method, target, headers=sent)
        answer = conn.getresponse()
        body = b"" if method == "HEAD" else answer.read(bound + 1)
        if len(body) > bound:
            raise TooLargeBody(f"body over the max size {bound}")
        received = CIMultiDict(
            (name, value.encode("latin-1").decode("utf-8", "surrogateescape"))
            for name, value in answer.getheaders()
        )
        return answer.status, CIMultiDictProxy(received), body
    finally:
        conn.close()
