"""`AuditView`: read-only access to one audit's crawl results, what every check receives."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import Any, TypeVar

import sqlite_utils

from govaudit.core.model import Link, ListItem, PageRecord
from govaudit.core.outside_records import STILL_OPEN, OutsideRow, OutsideStatus, RegisterDocument

T = TypeVar("T")
_LINK_COLUMNS = "target, tag, attr, anchor, boilerplate, fragment, rel"
_PAGE_COLUMNS = (
    "url final_url status error error_detail content_type charset size elapsed depth method "
    "internal kind title text published meta breadcrumb pagination redirects etag last_modified "
    "published_from kind_evidence"
).split()


@lru_cache(maxsize=8192)
def stored_date(s: str | None) -> date | None:
    """Cached: a site's 50,000 list items carry a few thousand distinct dates."""
    return date.fromisoformat(s) if s else None


@dataclass(frozen=True)
class AuditView:
    """Read-only access to one audit's crawl results: what every check receives.

    The filters (`urls`, `sources`, `targets`, `with_text`) exist because a 20,000-page audit has
    ~600k edges: a check that needs a few of them must not load them all into Python. A
    `snapshot` view (`Store.view(..., snapshot=True)`) reads the page rows (records and texts)
    and the list items once and filters them in Python; edges are always read on demand.

    A snapshot without texts (`keep_texts=False`) keeps its records with `text` "" (a
    20,000-page site's texts are ~30 MB): what asks for a text still gets it, read from the
    file (`texts()`; `pages()` with `with_text`, one page at a time)."""

    db: sqlite_utils.Database
    audit_id: int
    # Derived data several checks share (the site's columns), computed once per view.
    _memo: dict[Any, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)
    snapshot: bool = field(default=False, compare=False)
    keep_texts: bool = field(default=True, compare=False)  # a snapshot's: see above

    def pages(
        self,
        kind: str | None = None,
        internal: bool | None = None,
        *,
        urls: Iterable[str] | None = None,
        with_text: bool = True,
        meta_key: str | None = None,
    ) -> Iterator[PageRecord]:
        """Pages without their links and list items (see `links()`, `list_items()`).

        `urls`: only these (requested) URLs. `with_text=False`: `text` may be "" (a page's text
        is most of its row; read it with `texts()` for the few pages that need it); a snapshot
        that has read every text already gives it anyway. `meta_key`: only the records whose
        meta holds it (an attachment's `format`), chosen by SQLite in a live view."""
        if not self.snapshot:
            return self._live_pages(kind, internal, urls, with_text, meta_key)
        chosen = self._snapshot_pages(kind, internal, urls)
        if meta_key is not None:
            chosen = [r for r in chosen if meta_key in r.meta]
        if with_text and not self.keep_texts:
            return self._with_texts(chosen, every=urls is None)
        return iter(chosen)

    def urls(self, internal: bool | None = None) -> list[str]:
        """The recorded URLs in the order of `pages()`, without reading the records."""
        if self.snapshot:
            return [r.url for r in self._snapshot_pages(None, internal, None)]
        sql, args = "SELECT url FROM pages WHERE audit = ?", [self.audit_id]
        if internal is not None:
            sql, args = sql + " AND internal = ?", [*args, int(internal)]
        return [url for (url,) in self.db.execute(sql + " ORDER BY rowid", args)]

    def _live_pages(
        self,
        kind: str | None,
        internal: bool | None,
        urls: Iterable[str] | None,
        with_text: bool,
        meta_key: str | None = None,
    ) -> Iterator[PageRecord]:
        sql, args = f"SELECT {_page_select(with_text)} FROM pages WHERE audit = ?", [self.audit_id]
        if kind is not None:
            sql, args = sql + " AND kind = ?", [*args, kind]
        if internal is not None:
            sql, args = sql + " AND internal = ?", [*args, int(internal)]
        if urls is not None:
            sql += " AND url IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(urls)))
        if meta_key is not None:
            sql, args = sql + " AND json_type(meta, ?) IS NOT NULL", [*args, f'$."{meta_key}"']
        shared = _Shared()
        for row in self.db.execute(sql + " ORDER BY rowid", args):
            yield _page_record(row, shared)

    def _snapshot_pages(
        self, kind: str | None, internal: bool | None, urls: Iterable[str] | None
    ) -> Sequence[PageRecord]:
        """The filters of `pages()` applied to the pages read once (same rows, same order)."""
        stored = self._stored_pages()
        records = stored.records
        flag = None if internal is None else int(internal)
        if urls is not None:  # a few pages: by their places, not a walk of the whole site
            places = sorted({stored.places[url] for url in urls if url in stored.places})
            return [records[p] for p in places if _passes(stored.filters[p], kind, flag)]
        if kind is None and flag is None:
            return records
        # The same few filters come again and again (every check asks for the internal pages).
        return self.memo(
            ("pages", kind, flag),
            lambda: [
                r for f, r in zip(stored.filters, records, strict=True) if _passes(f, kind, flag)
            ],
        )

    def _with_texts(self, chosen: Sequence[PageRecord], every: bool) -> Iterator[PageRecord]:
        """The `chosen` records of a snapshot without texts, in their order, each with its text
        read from the file as it goes (a caller that reads every text must not hold them all):
        `every` (a walk of many pages), from the audit's texts in crawl order, the order of
        `chosen`; otherwise (a few pages by URL) in one query."""
        if not every:
            found = self.texts(r.url for r in chosen)
            yield from (r.with_text(found[r.url]) for r in chosen)
            return
        pending = iter(chosen)
        record = next(pending, None)
        if record is None:
            return
        for url, text in self.db.execute(f"SELECT url, text {_BY_ROWID}", [self.audit_id]):
            if url == record.url:
                yield record.with_text(text or "")
                record = next(pending, None)
                if record is None:
                    return
        # A snapshot is only for a finished audit, whose pages stay as they are.
        raise LookupError(f"audit {self.audit_id}: {record.url} is no longer in the store")

    def _stored_pages(self) -> _StoredPages:
        """Every page row of the audit, read once (a snapshot's): the records, with their text
        unless the snapshot keeps none."""
        return self.memo(("pages",), self._read_pages)

    def _read_pages(self) -> _StoredPages:
        sql = f"SELECT {_page_select(self.keep_texts)} {_BY_ROWID}"
        filters, records, shared = [], [], _Shared()
        for row in self.db.execute(sql, [self.audit_id]):
            filters.append((row[_KIND], row[_INTERNAL]))
            records.append(_page_record(row, shared))
        return _StoredPages(filters, records)

    def page(self, url: str) -> PageRecord | None:
        sql = f"SELECT {_page_select(True)} FROM pages WHERE audit = ? AND url = ?"
        row = self.db.execute(sql, [self.audit_id, url]).fetchone()
        return _page_record(row) if row else None

    def texts(self, urls: Iterable[str] | None = None) -> Mapping[str, str]:
        """url -> text of the given pages (those recorded), or of every page of the audit (a
        snapshot that keeps the texts has them all)."""
        if self.snapshot and self.keep_texts:
            every = self._stored_pages().texts
            return (
                MappingProxyType(every)
                if urls is None
                else {u: every[u] for u in urls if u in every}
            )
        if urls is None:
            sql, args = "SELECT url, text FROM pages WHERE audit = ?", [self.audit_id]
        else:
            sql = (
                "SELECT url, text FROM pages WHERE audit = ? "
                "AND url IN (SELECT value FROM json_each(?))"
            )
            args = [self.audit_id, json.dumps(list(urls))]
        return {url: text or "" for url, text in self.db.execute(sql, args)}

    def links(
        self,
        *,
        sources: Iterable[str] | None = None,
        targets: Iterable[str] | None = None,
        anchor_like: Iterable[str] = (),
        boilerplate: bool | None = None,
        tags: Iterable[str] | None = None,
    ) -> Iterator[tuple[str, Link]]:
        """Every (source_url, Link) edge of the audit, in crawl order; or only the edges from
        `sources`, to `targets`, or whose anchor text matches every SQL LIKE pattern of
        `anchor_like` (a cheap pre-filter: the caller still applies its own rule), or only
        content (`boilerplate=False`) or menu (`True`) edges, or only edges of these `tags`."""
        sources = None if sources is None else list(sources)
        targets = None if targets is None else list(targets)
        where, args = self._edges_between(sources, targets)
        sql = f"SELECT source, {_LINK_COLUMNS} FROM links WHERE {where}"
        if tags is not None:
            sql += " AND tag IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(tags)))
        for pattern in anchor_like:
            sql += " AND anchor LIKE ?"
            args.append(pattern)
        if boilerplate is not None:
            sql += " AND (IFNULL(boilerplate, 0) != 0) = ?"  # as `Link.in_boilerplate` reads it
            args.append(int(boilerplate))
        for source, *row in self.db.execute(sql + " ORDER BY rowid", args):
            yield source, _link(row)

    def _edges_between(
        self, sources: list[str] | None, targets: list[str] | None
    ) -> tuple[str, list[Any]]:
        """The WHERE clause, and its arguments, of the audit's edges from `sources` to `targets`
        (None: any), worded for the cheaper plan. SQLite has no statistics (nothing runs
        ANALYZE): it walks an index even when the audit's edges are all the table holds (a
        first audit), where the table read in its own order (crawl order) is faster and needs
        no sort; and given both lists it walks the edges of every source, where the shorter
        list reads fewer (a page has as many edges out as in, on average). `+` keeps SQLite off
        an index."""
        alone = sources is None and targets is None and self._alone_in_links()
        where, args = ("+audit = ?" if alone else "audit = ?"), [self.audit_id]
        by_target = sources is not None and targets is not None and len(targets) < len(sources)
        if sources is not None:
            where += f" AND {'+' if by_target else ''}source IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(sources))
        if targets is not None:
            where += " AND target IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(targets))
        return where, args

    def _alone_in_links(self) -> bool:
        """Whether no other audit has edges in the store (two index seeks)."""
        sql = "SELECT 1 FROM links WHERE audit < ? OR audit > ? LIMIT 1"
        return self.db.execute(sql, [self.audit_id, self.audit_id]).fetchone() is None

    def link_sources(
        self, targets: Iterable[str], *, not_from: Iterable[str] = (), limit: int | None = None
    ) -> list[str]:
        """The distinct pages linking to any of `targets`, other than `not_from`, in crawl order
        of their first such edge (at most `limit`: `limit=1` asks whether there is one). A menu
        entry has an edge from every page: the answer must not need them all in Python."""
        sql = (
            "SELECT source FROM links WHERE audit = ? AND target IN (SELECT value FROM json_each(?))"
            " AND source NOT IN (SELECT value FROM json_each(?)) GROUP BY source ORDER BY MIN(rowid)"
        )
        args: list[Any] = [self.audit_id, json.dumps(list(targets)), json.dumps(list(not_from))]
        if limit is not None:
            sql, args = sql + " LIMIT ?", [*args, limit]
        return [source for (source,) in self.db.execute(sql, args)]

    def anchor_counts(self, target: str, *, not_from: Iterable[str] = ()) -> list[tuple[str, int]]:
        """(anchor text as written, number of edges) of the edges to `target` from pages other
        than `not_from`, in crawl order of each text's first edge: what a column is called."""
        sql = (
            "SELECT IFNULL(anchor, ''), COUNT(*) FROM links WHERE audit = ? AND target = ?"
            " AND source NOT IN (SELECT value FROM json_each(?))"
            " GROUP BY IFNULL(anchor, '') ORDER BY MIN(rowid)"
        )
        return list(self.db.execute(sql, [self.audit_id, target, json.dumps(list(not_from))]))

    def linking_pages(self, targets: Iterable[str]) -> Iterator[tuple[Link, set[str]]]:
        """Each distinct edge to `targets` (target, tag, attribute, anchor text, boilerplate
        flag) with the set of pages that have it, in crawl order of its first edge: who links
        to a page and how. A menu entry has an edge from every page: its pages come as one
        set, not as an object per edge."""
        sql = (
            "SELECT target, tag, attr, IFNULL(anchor, ''), IFNULL(boilerplate, 0) != 0,"
            " json_group_array(source) FROM links"
            " WHERE audit = ? AND target IN (SELECT value FROM json_each(?))"
            " GROUP BY target, tag, attr, IFNULL(anchor, ''), IFNULL(boilerplate, 0) != 0"
            " ORDER BY MIN(rowid)"
        )
        args = [self.audit_id, json.dumps(list(targets))]
        for target, tag, attr, anchor, boilerplate, sources in self.db.execute(sql, args):
            yield Link(target, tag, attr, anchor, bool(boilerplate)), set(json.loads(sources))

    def links_of(self, source: str) -> list[Link]:
        """The edges of one page, in page order (a re-crawl follows an unchanged page's links)."""
        sql = f"SELECT {_LINK_COLUMNS} FROM links WHERE audit = ? AND source = ? ORDER BY rowid"
        return [_link(row) for row in self.db.execute(sql, [self.audit_id, source])]

    def fragment_links(self) -> Iterator[tuple[str, Link]]:
        """Every (source_url, Link) edge that names a `#fragment` of its target, in crawl order."""
        sql = (
            f"SELECT source, {_LINK_COLUMNS} FROM links"
            " WHERE audit = ? AND fragment IS NOT NULL AND fragment != '' ORDER BY rowid"
        )
        for source, *row in self.db.execute(sql, [self.audit_id]):
            yield source, _link(row)

    def anchor_facts(
        self, urls: Iterable[str] | None = None
    ) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """url -> (anchors, local fragments) of the given pages (or of every page that has
        either): what `#fragment` links land on, read apart from the records (most checks never
        need them)."""
        sql = (
            "SELECT url, anchors, local_fragments FROM pages WHERE audit = ?"
            " AND (anchors IS NOT NULL OR local_fragments IS NOT NULL)"
        )
        args: list[Any] = [self.audit_id]
        if urls is not None:
            sql += " AND url IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(urls)))
        return {
            url: (
                tuple(json.loads(anchors)) if anchors else (),
                tuple(json.loads(local)) if local else (),
            )
            for url, anchors, local in self.db.execute(sql, args)
        }

    def list_items(self, pages: Iterable[str] | None = None) -> Iterator[tuple[str, ListItem]]:
        """Every (list_page_url, ListItem) of the audit (or of the given list `pages`), in page
        order."""
        if not self.snapshot:
            return self._list_items(pages)
        every = self.memo(("list_items",), self._all_list_items)
        pairs = zip(every.pages, every.items, strict=True)
        if pages is None:
            return pairs
        wanted = set(pages)
        return (pair for pair in pairs if pair[0] in wanted)

    def _all_list_items(self) -> _StoredItems:
        pages, items = [], []
        for page, item in self._list_items(None):
            pages.append(page)
            items.append(item)
        return _StoredItems(pages, items)

    def _list_items(self, pages: Iterable[str] | None) -> Iterator[tuple[str, ListItem]]:
        sql = "SELECT page, url, title, date, position, date_from FROM list_items WHERE audit = ?"
        args: list[Any] = [self.audit_id]
        if pages is not None:
            sql += " AND page IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(pages)))
        word = _Shared().word  # a page's items share its URL; articles recur in many lists
        for page, url, title, day, position, date_from in self.db.execute(
            sql + " ORDER BY page, position", args
        ):
            item = ListItem(word(url), word(title) or "", stored_date(day), position, date_from)
            yield word(page), item

    def register_documents(self) -> list[RegisterDocument]:
        """The 发文登记 documents imported for the audit's site (what it should publish)."""
        return register_documents(self.db, self._audit_fact("site"))

    def start_url(self) -> str:
        """Where the audit started: the page of a problem of the whole site."""
        return self._audit_fact("start_url")

    def _audit_fact(self, column: str) -> str:
        sql = f"SELECT {column} FROM audits WHERE id = ?"
        row = self.db.execute(sql, [self.audit_id]).fetchone()
        return (row[0] or "") if row else ""

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """`compute()` once per view and key: the audit is finished when checks read it."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


# A snapshot's pages and list items, kept as parallel lists rather than a tuple per row: the
# cyclic garbage collector walks every live tuple that holds an object (a record, an item) at
# each of its full passes, and a 20,000-page audit has ~85,000 rows.
@dataclass(frozen=True)
class _StoredPages:
    # (kind, internal) as stored, for the filters of `pages()`: a NULL kind matches no kind,
    # while the record says "other".
    filters: list[tuple[str | None, int | None]]
    records: list[PageRecord]  # with their text, unless the snapshot keeps none

    @cached_property
    def places(self) -> dict[str, int]:
        """url → the page's place in crawl order."""
        return {record.url: place for place, record in enumerate(self.records)}

    @cached_property
    def texts(self) -> dict[str, str]:
        return {r.url: r.text for r in self.records}


class _Shared(dict):
    """What the page rows of one read repeat, kept once: equal metas (the 20,000-page
    benchmark site's 26,939 pages have 12,908 distinct ones), breadcrumbs, short strings such
    as the content type. Records read from the store are never changed (only the crawler
    writes into a record's meta, before storing it), so sharing is safe."""

    def __init__(self) -> None:
        super().__init__()
        self._decoder = json.JSONDecoder(object_pairs_hook=self._fields)

    def meta(self, raw: str | None) -> dict[str, Any]:
        if not raw or raw == "{}":
            return {}
        key = ("meta", raw)
        found = self.get(key)
        if found is None:
            found = self[key] = self._decoder.decode(raw)
        return found

    def _fields(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        """A meta's keys and short values (发布机构, 是否规范性文件, ...) are few across a site."""
        word = self.word
        return {word(k): word(v) if type(v) is str and len(v) < 64 else v for k, v in pairs}

    def json_tuple(self, raw: str | None) -> tuple[Any, ...]:
        """A JSON list as a tuple: the pages of a column share one breadcrumb."""
        if not raw or raw == "[]":
            return ()
        key = ("list", raw)
        found = self.get(key)
        if found is None:
            found = self[key] = tuple(json.loads(raw))
        return found

    def word(self, value: str | None) -> str | None:
        return value if value is None else self.setdefault(value, value)


@dataclass(frozen=True)
class _StoredItems:
    pages: list[str]  # the list page of each item
    items: list[ListItem]


def _passes(filters: tuple[str | None, int | None], kind: str | None, flag: int | None) -> bool:
    """Whether a page's stored (kind, internal) pass the filters of `pages()`."""
    row_kind, row_internal = filters
    return (kind is None or row_kind == kind) and (flag is None or row_internal == flag)


def _link(row: Sequence[Any]) -> Link:
    """A Link from the `_LINK_COLUMNS` of a row."""
    target, tag, attr, anchor, boilerplate, fragment, rel = row
    return Link(
        target=target,
        tag=tag,
        attr=attr,
        text=anchor or "",
        in_boilerplate=bool(boilerplate),
        fragment=fragment or "",
        rel=rel or "",
    )


def _page_select(with_text: bool) -> str:
    """The columns `_page_record` reads, in `_PAGE_COLUMNS` order (text as NULL without it)."""
    return ", ".join(c if with_text or c != "text" else "NULL" for c in _PAGE_COLUMNS)


_KIND, _INTERNAL = _PAGE_COLUMNS.index("kind"), _PAGE_COLUMNS.index("internal")
# Every page row of an audit, in crawl order. By rowid, the table in its own order: ORDER BY
# rowid over the audit's index would first copy every row, text and all, into a temporary B-tree.
_BY_ROWID = "FROM pages WHERE rowid IN (SELECT rowid FROM pages WHERE audit = ?) ORDER BY rowid"


def _page_record(row: Sequence[Any], shared: _Shared | None = None) -> PageRecord:
    """A PageRecord from a row of `_page_select` columns (most pages have no redirects and no
    pagination: their empty JSON is not parsed); `shared` when many rows are read at once."""
    shared = _Shared() if shared is None else shared
    (
        url, final_url, status, error, error_detail, content_type, charset, size, elapsed,
        depth, method, internal, kind, title, text, published, meta, breadcrumb, pagination,
        redirects, etag, last_modified, published_from, kind_evidence,
    ) = row  # fmt: skip
    return PageRecord(
        url=url,
        final_url=url if final_url == url else final_url,
        status=status,
        error=shared.word(error),
        error_detail=error_detail,
        content_type=shared.word(content_type),
        charset=shared.word(charset),
        size=size,
        elapsed=elapsed,
        depth=depth or 0,
        method=shared.word(method) or "GET",
        internal=bool(internal),
        kind=shared.word(kind) or "other",
        title=title or "",
        text=text or "",
        published=stored_date(published),
        meta=shared.meta(meta),
        breadcrumb=shared.json_tuple(breadcrumb),
        pagination=shared.json_tuple(pagination),
        redirects=shared.json_tuple(redirects),
        etag=etag,
        last_modified=last_modified,
        published_from=shared.word(published_from),
        kind_evidence=shared.json_tuple(kind_evidence),
    )


# -- outside lists (core/outside_records.py) ------------------------------------------------------

_ROW_SELECT = (
    "SELECT id, source, imported, file, place, url, kind, description, found, deadline "
    "FROM outside_rows"
)


def outside_rows(db: sqlite_utils.Database, site: str) -> list[OutsideRow]:
    """Every problem-list row imported for the site, in import order."""
    rows = db.execute(f"{_ROW_SELECT} WHERE site = ? ORDER BY id", [site])
    return [OutsideRow(*row) for row in rows]


def outside_statuses(db: sqlite_utils.Database, audit_id: int) -> list[OutsideStatus]:
    """The rows' statuses recorded after `audit_id`, in import order."""
    sql = (
        "SELECT s.status, s.finding_id, r.id, r.source, r.imported, r.file, r.place, r.url, "
        "r.kind, r.description, r.found, r.deadline FROM outside_statuses s JOIN outside_rows r "
        "ON r.id = s.row WHERE s.audit = ? ORDER BY r.id"
    )
    return [
        OutsideStatus(OutsideRow(*row[2:]), row[0], row[1] or "")
        for row in db.execute(sql, [audit_id])
    ]


def ever_matched(db: sqlite_utils.Database, site: str, before_audit: int) -> set[int]:
    """Rows a finding of an earlier audit of the site matched (仍存在): only those can be 已整改.
    A match the staff disputed (本单位认定误报) does not count: a row they called no problem is
    not fixed when the finding goes."""
    sql = (
        "SELECT DISTINCT s.row FROM outside_statuses s JOIN audits a ON a.id = s.audit "
        "WHERE a.site = ? AND s.audit < ? AND s.status = ?"
    )
    return {row for (row,) in db.execute(sql, [site, before_audit, STILL_OPEN])}


def register_documents(db: sqlite_utils.Database, site: str) -> list[RegisterDocument]:
    sql = (
        "SELECT id, source, imported, file, place, title, number, written, printed, normative "
        "FROM register_documents WHERE site = ? ORDER BY id"
    )
    return [
        RegisterDocument(*row[:-1], normative=None if row[-1] is None else bool(row[-1]))
        for row in db.execute(sql, [site])
    ]
