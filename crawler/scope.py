"""What the crawl may fetch: canonical URLs, the site's scope, and guards against URL traps.

Pure Python (no network), so every rule is testable on strings. The spider asks
`Scope.page_refusal(url, depth)` before following a page and records the returned reason as a
`skipped` page, so that nothing is dropped silently.

Rules (each refusal reason is also a stats key, `govaudit/skipped/<reason>`):
- session ids (`;jsessionid=`, `PHPSESSID=`, long `sid=` tokens ...) are removed from URLs: the
  same page behind a different session id is the same page;
- `excluded` / `not_included`: the profile's `crawl.exclude` / `crawl.include` patterns;
- `max_depth`: links more than `crawl.max_depth` clicks away from a start URL;
- `url_too_long`, `too_many_params`, `repeated_segments`, `path_too_deep`: shapes that only
  broken relative links and URL generators produce;
- `calendar`: calendar widgets link to the next month forever; a date-valued query parameter is
  followed for at most CALENDAR_VARIANTS values per URL shape and never beyond next year;
- `query_variants`: more than QUERY_VARIANTS URLs differing only in numeric query values.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from govaudit.core.config import AuditConfig

# Bounds of the trap guards. Real government CMS URLs stay far below them: TRS/Hanweb/Ucap
# pages are static paths, and their dynamic pages carry 1–5 query parameters.
MAX_URL_LENGTH = 1024
MAX_QUERY_PARAMS = 12
MAX_PATH_SEGMENTS = 15
MAX_SEGMENT_REPEATS = 2
CALENDAR_VARIANTS = 24  # two years of monthly pages per calendar widget
QUERY_VARIANTS = 2000  # e.g. detail.jsp?id=N on an old JSP site: generous, but finite

# Always session state, whatever the value.
_SESSION_PARAMS = frozenset(
    {"jsessionid", "phpsessid", "aspsessionid", "sessionid", "session_id", "cfid", "cftoken"}
)
# Session state only when the value looks like a token: `sid=3` is a site id on some CMSs.
_TOKEN_PARAMS = frozenset({"sid", "sessid"})
_TOKEN = re.compile(r"^[0-9A-Za-z_-]{16,}$")
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#]*", re.IGNORECASE)
_DATE_PARAM_NAMES = frozenset(
    {"year", "month", "day", "date", "ym", "ymd", "yearmonth", "y", "m", "d", "cal", "time"}
)
_DATE_VALUE = re.compile(
    r"^(?P<year>(19|20)\d{2})(?:(?P<sep>[-/._]?)(0?[1-9]|1[0-2])(?:(?P=sep)(0?[1-9]|[12]\d|3[01]))?)?$"
)
_SEPARATED_DATE = re.compile(r"^(19|20)\d{2}[-/._](0?[1-9]|1[0-2])([-/._]\d{1,2})?$")
_DIGITS = re.compile(r"\d+")


def strip_session(url: str) -> str:
    """The URL without its fragment and without session-id parameters (path or query)."""
    parts = urlsplit(url)
    path = _PATH_SESSION.sub("", parts.path)
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not _is_session_param(k, v)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    netloc = parts.netloc.lower()
    if parts.port and (parts.scheme, parts.port) in (("http", 80), ("https", 443)):
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def _is_session_param(name: str, value: str) -> bool:
    lowered = name.lower()
    if lowered in _SESSION_PARAMS or lowered.startswith("aspsessionid"):
        return True
    return lowered in _TOKEN_PARAMS and bool(_TOKEN.match(value))


def _date_like(name: str, value: str) -> re.Match[str] | None:
    """A query value that names a day, month or year (a calendar page), else None."""
    if name.lower() in _DATE_PARAM_NAMES:
        return _DATE_VALUE.match(value)
    return _DATE_VALUE.match(value) if _SEPARATED_DATE.match(value) else None


@dataclass
class Scope:
    """The crawl's boundaries and trap counters; one instance per crawl."""

    allowed_hosts: frozenset[str]
    max_depth: int
    as_of: date
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    _variants: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def from_config(cls, config: AuditConfig) -> Scope:
        return cls(
            allowed_hosts=frozenset(h.lower() for h in config.allowed_hosts),
            max_depth=config.max_depth,
            as_of=config.as_of,
            include=tuple(re.compile(p) for p in config.include),
            exclude=tuple(re.compile(p) for p in config.exclude),
        )

    @staticmethod
    def malformed(url: str) -> str | None:
        """Why `url` is no usable http(s) address (an IPv6 bracket left open, a port out of
        range, no host), or None. Checked before anything else parses the URL."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises on a bad port
        except ValueError as e:
            return str(e)
        if parts.scheme in ("http", "https") and not parts.hostname:
            return "no host"
        return None

    def canonical(self, url: str) -> str:
        """The form recorded in the store: fragment and session ids removed, nothing else."""
        return strip_session(url)

    @staticmethod
    @lru_cache(maxsize=1 << 16)  # asked again for every menu link of every page and each request
    def key(url: str) -> str:
        """Identity of a target: two URLs with the same key are fetched once (as the dupefilter)."""
        try:
            return canonicalize_url(url)
        except ValueError:  # a malformed address (see `malformed`) is its own identity
            return url

    def is_internal(self, url: str) -> bool:
        return (urlsplit(url).hostname or "").lower() in self.allowed_hosts

    def is_excluded(self, url: str) -> bool:
        return any(p.search(url) for p in self.exclude)

    def page_refusal(self, url: str, depth: int) -> str | None:
        """Why an internal page must not be followed (a skipped reason), or None to follow it.

        Counts the URL against the trap bounds when it is accepted, so call it once per URL."""
        if self.is_excluded(url):
            return "excluded"
        if self.include and not any(p.search(url) for p in self.include):
            return "not_included"
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if depth > self.max_depth:
            # A calendar's 下月 chain outruns any depth bound while within its year bound: its
            # next month is a trap, not a page of the site left unseen (which max_depth says).
            return "calendar" if any(_date_like(n, v) for n, v in pairs) else "max_depth"
        if len(url) > MAX_URL_LENGTH:
            return "url_too_long"
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) > MAX_PATH_SEGMENTS:
            return "path_too_deep"
        if segments and max(segments.count(s) for s in set(segments)) > MAX_SEGMENT_REPEATS:
            return "repeated_segments"
        if len(pairs) > MAX_QUERY_PARAMS:
            return "too_many_params"
        return self._trap_refusal(parts.netloc, parts.path, pairs)

    def _trap_refusal(self, netloc: str, path: str, pairs: list[tuple[str, str]]) -> str | None:
        calendar = False
        shape = []
        for name, value in sorted(pairs):
            match = _date_like(name, value)
            if match:
                calendar = True
                if int(match["year"]) > self.as_of.year + 1:
                    return "calendar"
                shape.append((name, "<date>"))
            else:
                shape.append((name, _DIGITS.sub("9", value)))
        if not pairs:
            return None
        shape_key = f"{netloc}{path}?{shape}"
        variant = urlencode(sorted(pairs))
        seen = self._variants[shape_key]
        if variant in seen:
            return None
        limit = CALENDAR_VARIANTS if calendar else QUERY_VARIANTS
        if len(seen) >= limit:
            return "calendar" if calendar else "query_variants"
        seen.add(variant)
        return None
