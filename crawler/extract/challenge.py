"""Bot-check pages (瑞数, 加速乐, 安全狗 ...): a script that sets a cookie and reloads, no content."""

from __future__ import annotations

import re

_CHALLENGE_MARKERS = (
    (b"$_ts", "瑞数"),
    (b"__jsl_clearance", "加速乐"),
    (b"challenge-platform", "Cloudflare"),
    (b"cf-chl", "Cloudflare"),
)
_COOKIE_SCRIPT = re.compile(rb"document\.cookie\s*=|location\.reload\s*\(", re.IGNORECASE)
_TAGS_AND_SCRIPTS = re.compile(
    rb"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<[^>]*>", re.S | re.I
)


def script_challenge(body: bytes) -> str | None:
    """The bot check a page is instead of the site (a WAF's script challenge: it sets a cookie
    or reloads once a browser has run it), named when known; None for a page of the site."""
    head = (body or b"")[:65536]
    for marker, name in _CHALLENGE_MARKERS:
        if marker in head:
            return name
    visible = _TAGS_AND_SCRIPTS.sub(b"", head).strip()
    if len(visible) < 40 and _COOKIE_SCRIPT.search(head):
        return "脚本验证"
    return None
