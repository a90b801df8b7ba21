"""Pure parsing of one fetched page: (url, body bytes, headers) → `PageRecord`.

The spider only schedules requests; everything the crawler learns from a body is decided here, so it
can be tested on hand-written HTML without a server. Nothing in this package raises on bad
input: broken markup, empty bodies and binary junk give a record with what could be read.

A module per concern: `encoding`, `dates`, `boilerplate`, `text`, `urls` and `links`, `metadata`
and `published` (document metadata, publication date), `lists`, `list_signals`, `pagination`,
`breadcrumb`, the Hanweb `datastore`, bot-check `challenge` pages, and `page`, which puts them together.
Sources of the rules: ../shared/research/scrapy.md §3 (encodings) and §4 (dates); DESIGN.md "Site
realities" (TRS/Hanweb/Ucap markup, createPageHTML pagination).
"""

from govaudit.crawler.extract.challenge import script_challenge
from govaudit.crawler.extract.datastore import is_datastore_answer
from govaudit.crawler.extract.dates import find_dates, parse_date, url_date
from govaudit.crawler.extract.encoding import decode_html
from govaudit.crawler.extract.links import css_urls, srcset_urls, stylesheet_links
from govaudit.crawler.extract.page import parse_page

__all__ = [
    "css_urls",
    "decode_html",
    "find_dates",
    "is_datastore_answer",
    "parse_date",
    "parse_page",
    "script_challenge",
    "srcset_urls",
    "stylesheet_links",
    "url_date",
]
