"""The site's pages and own attachments as the text checks see them: text, locations, and
linking pages.

The crawler stores an internal attachment (pdf, doc/docx, xls/xlsx, wps, et) as a record whose
`meta` holds its `format` and either `locations` (JSON, see govaudit/core/locations.py) or
`unreadable` with `unreadable_detail`. A finding about an attachment names the file and the page
that links to it ("附件《XX名单.xls》（链接自 某页面）"), because staff fix the file but find it
through the page. Used by checks/words.py, checks/privacy_leak.py and checks/unreadable_attachment.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from govaudit.core.locations import Locations, load_locations, location_at
from govaudit.core.model import Finding, PageRecord
from govaudit.core.store import AuditView

SOURCE_LABEL_CHARS = 40


@dataclass(frozen=True)
class Attachment:
    """One internal attachment and the pages that link to it."""

    record: PageRecord
    url: str  # the URL the crawl recorded: what the finding's id fingerprints
    name: str  # the link text or file name
    sources: tuple[str, ...]  # pages linking to it, content links before menu links
    source_title: str  # title of the first linking page ("" when unknown)
    source_published: date | None  # its 发布日期: the attachment's date for dated word rules

    @property
    def page_url(self) -> str:
        """Where a person finds the file: the first page linking to it (else the file itself)."""
        return self.sources[0] if self.sources else self.url

    @property
    def locations(self) -> Locations:
        return load_locations(self.record.meta.get("locations"))

    @property
    def unreadable(self) -> str | None:
        return self.record.meta.get("unreadable")

    def location(self, offset: int) -> str | None:
        return location_at(self.locations, offset)

    def heading(self) -> str:
        """附件《name》（链接自 page）: the start of every finding title about this file."""
        where = self.source_title or (urlsplit(self.page_url).path or self.page_url)
        if len(where) > SOURCE_LABEL_CHARS:
            where = where[: SOURCE_LABEL_CHARS - 1] + "…"
        return f"附件《{self.name}》（链接自 {where}）" if self.sources else f"附件《{self.name}》"

    def details(self) -> dict[str, object]:
        return {
            "attachment_url": self.url,
            "attachment_name": self.name,
            "source_pages": list(self.sources),
        }


# Records whose text is the site's (a resource's is an attachment's, read below).
TEXT_PAGE_KINDS = ("home", "list", "document", "article", "other")


# One page's findings of a text check (`page_check`): run on each page as the helper writes
# it during the crawl (govaudit/text_checks.py), or over the stored pages (`checked_pages`).
PageCheck = Callable[[AuditView, PageRecord], Iterable[Finding]]


def text_url(page: PageRecord, skip: list[re.Pattern[str]]) -> str | None:
    """The URL a text check's findings name for this page, when it reads the page at all: an
    internal page of the site, fetched, not an error page, not matched by a `whitelist_pages`
    pattern."""
    if not page.internal or page.kind not in TEXT_PAGE_KINDS or page.error:
        return None
    if (page.status or 200) >= 400:
        return None
    url = page.final_url or page.url
    return None if any(p.search(url) for p in skip) else url


def checked_pages(view: AuditView, check: PageCheck) -> Iterator[Finding]:
    """`check` run on every internal page, in the store's order."""
    for page in view.pages(internal=True):
        yield from check(view, page)


def is_attachment(page: PageRecord) -> bool:
    """A record the crawler read as an attachment (its meta names the format)."""
    return page.internal and "format" in page.meta and not page.error


def attachments(view: AuditView, readable: bool) -> Iterator[Attachment]:
    """The audit's internal attachments: with text (`readable`) or marked unreadable. Their
    texts are read one by one at the end (a live view need not hold them all)."""
    chosen = []
    for page in view.pages(internal=True, with_text=False, meta_key="format"):
        if not is_attachment(page) or (page.status or 200) >= 400:
            continue
        if bool(page.meta.get("unreadable")) != readable:
            chosen.append(page.url)
    if not chosen:
        return
    wanted = set(chosen)
    content: dict[str, list[str]] = {}
    menus: dict[str, list[str]] = {}
    for source, link in view.links(targets=wanted):
        bucket = (menus if link.in_boilerplate else content).setdefault(link.target, [])
        if source not in bucket:
            bucket.append(source)
    linked: dict[str, list[str]] = {}
    for url in chosen:
        sources = content.get(url, [])
        sources += [s for s in menus.get(url, []) if s not in sources]
        linked[url] = sources
    firsts = {s[0] for s in linked.values() if s}
    first_pages = {p.url: p for p in view.pages(urls=firsts, with_text=False)}
    for page in view.pages(urls=chosen, with_text=readable):  # the unreadable have none
        if readable and not page.text.strip():
            continue
        sources = linked[page.url]
        first = first_pages.get(sources[0]) if sources else None
        yield Attachment(
            record=page,
            url=page.url,
            name=page.title or urlsplit(page.url).path.rsplit("/", 1)[-1] or page.url,
            sources=tuple(sources),
            source_title=(first.title if first else "") or "",
            source_published=first.published if first else None,
        )
