"""The audit store: one SQLite file, many audits of many sites. The only module that knows tables.

Tables: `audits` (one row per run), `pages` (one row per fetched or checked URL), `links` (every
source → target edge), `list_items` (dated entries of list pages), `findings` and `reviews`.
Writes come in batches inside one transaction each; WAL lets a report read while a crawl writes,
and an interrupted crawl leaves every committed batch in place with its audit marked unfinished.
`close()` checkpoints the WAL, so after an audit, a report or a review import the store file alone
holds everything (copy govaudit.db, not govaudit.db-wal, for a backup).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import sqlite_utils

from govaudit.core.locking import lock_exclusive
from govaudit.core.masking import mask_personal_numbers
from govaudit.core.model import Finding, Link, ListItem, PageRecord

AUDIT_STATUSES = ("running", "finished", "interrupted", "failed")
T = TypeVar("T")
_LINK_COLUMNS = "target, tag, attr, anchor, boilerplate, fragment"
_PAGE_COLUMNS = (
    "url final_url status error error_detail content_type charset size elapsed depth method "
    "internal kind title text published meta breadcrumb pagination redirects etag last_modified "
    "published_from kind_evidence"
).split()


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


@lru_cache(maxsize=8192)
def _date(s: str | None) -> date | None:
    """Cached: a site's 50,000 list items carry a few thousand distinct dates."""
    return date.fromisoformat(s) if s else None


# The schema's version, kept in SQLite's `user_version`: a store written by a newer govaudit
# (version above this) is refused rather than half-read. 0: a store made before versions.
SCHEMA_VERSION = 1
_REVIEW_STAFF_COLUMNS = ("department", "deadline")
# Columns every store has had: a table of ours without them belongs to another program.
_REQUIRED_COLUMNS = {
    "audits": {"id", "site", "as_of", "status", "counters", "config"},
    "pages": {"audit", "url", "status", "error", "kind"},
    "links": {"audit", "source", "target"},
    "findings": {"audit", "id", "details"},
}


class StoreError(Exception):
    """The store file cannot be used (not SQLite, another program's database, a newer schema,
    unreadable); the message is the one line the user sees."""


# A batch of pages as the store's rows: (urls, page rows, link rows, list-item rows), plain tuples
# (cheap to pickle to another process).
PageRows = tuple[list[str], list[tuple], list[tuple], list[tuple]]


# (meta, title, text) -> (meta, title, text): checks/privacy.py's `scan`, given by the roof.
Scan = Callable[[dict[str, Any], str, str], tuple[dict[str, Any], str, str]]


def page_rows(audit_id: int, records: Iterable[PageRecord]) -> PageRows:
    urls, pages, links, items = [], [], [], []
    for r in records:
        urls.append(r.url)
        pages.append(_page_row(audit_id, r))
        url = r.url
        links.extend(
            (
                audit_id,
                url,
                k.target,
                k.tag,
                k.attr,
                k.text,
                int(k.in_boilerplate),
                k.fragment or None,
            )
            for k in r.links
        )
        items.extend(
            (audit_id, url, i.url, i.title, _iso(i.date), i.position) for i in r.list_items
        )
    return urls, pages, links, items


class Store:
    """sqlite-utils database with the audit schema; safe to open on an existing file.

    Raises StoreError when the file is not a usable govaudit store (nothing is written to it)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._snapshots: dict[int, AuditView] = {}
        if Path(self.path).is_dir():
            raise StoreError(f"{self.path} 是目录，不是数据库文件")
        if not Path(self.path).parent.is_dir():
            raise StoreError(f"{self.path}：目录 {Path(self.path).parent} 不存在")
        try:
            self.db = sqlite_utils.Database(self.path)
            self.db.execute("PRAGMA busy_timeout = 30000")
            self._check_foreign()
            # Switching to WAL and creating tables fail at once ("database is locked") instead
            # of waiting when another process does the same: audits of several sites start
            # together on one store (`--jobs`, workers). A lock file beside the store takes turns.
            with open(self.path + ".lock", "a") as lock:
                lock_exclusive(lock)
                self.db.enable_wal()
                self._create_schema()
            self.db.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as e:  # not SQLite, corrupt, unreadable, disk full
            raise StoreError(f"{self.path}：不是可用的 govaudit 数据库（{e}）") from None
        except OSError as e:  # the lock file beside the store cannot be made
            raise StoreError(f"{self.path}：无法打开数据库（{e.strerror}）") from None

    def _check_foreign(self) -> None:
        """Refuse, before writing anything, a database of another program or of a newer govaudit."""
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}：数据库由更新版本的 govaudit 写入（结构版本 {version}，本版本最高读取 "
                f"{SCHEMA_VERSION}）；请升级 govaudit 或换一个 --db"
            )
        tables = set(self.db.table_names())
        if tables and "audits" not in tables:
            raise StoreError(
                f"{self.path}：不是 govaudit 数据库（是含有 "
                f"{', '.join(sorted(tables)[:5])} 等表的 SQLite 数据库）；请换一个 --db"
            )
        for table, required in _REQUIRED_COLUMNS.items():
            missing = required - set(self.db[table].columns_dict) if table in tables else set()
            if missing:
                raise StoreError(
                    f"{self.path}：不是 govaudit 数据库（表 {table} 没有 "
                    f"{sorted(missing)[0]} 列）；请换一个 --db"
                )

    def _create_schema(self) -> None:
        db = self.db
        db["audits"].create(
            {
                "id": int,
                "site": str,
                "start_url": str,
                "as_of": str,
                "started": str,
                "finished": str,
                "status": str,
                "counters": str,
                "config": str,
            },
            pk="id",
            if_not_exists=True,
        )
        db["pages"].create(
            {
                "audit": int,
                "url": str,
                "final_url": str,
                "status": int,
                "error": str,
                "error_detail": str,
                "content_type": str,
                "charset": str,
                "size": int,
                "elapsed": float,
                "depth": int,
                "method": str,
                "internal": int,
                "kind": str,
                "title": str,
                "text": str,
                "published": str,
                "meta": str,
                "breadcrumb": str,
                "pagination": str,
                "redirects": str,
                "etag": str,
                "last_modified": str,
                "anchors": str,
                "local_fragments": str,
                "published_from": str,
                "kind_evidence": str,
                # The as_of date the record was last verified at the site, for a record carried
                # unfetched from an earlier audit (a daily audit's rolling schedule); NULL: it
                # was fetched (or confirmed by a 304) in its own audit.
                "verified": str,
            },
            pk=("audit", "url"),
            if_not_exists=True,
        )
        # Stores made before these columns existed get them (additive migration).
        for column in (
            "etag",
            "last_modified",
            "anchors",
            "local_fragments",
            "published_from",
            "kind_evidence",
            "verified",
        ):
            if column not in db["pages"].columns_dict:
                db["pages"].add_column(column, str)
        db["links"].create(
            {
                "audit": int,
                "source": str,
                "target": str,
                "tag": str,
                "attr": str,
                "anchor": str,
                "boilerplate": int,
                "fragment": str,
            },
            if_not_exists=True,
        )
        if "fragment" not in db["links"].columns_dict:
            db["links"].add_column("fragment", str)
        db["list_items"].create(
            {
                "audit": int,
                "page": str,
                "url": str,
                "title": str,
                "date": str,
                "position": int,
            },
            if_not_exists=True,
        )
        db["findings"].create(
            {
                "audit": int,
                "id": str,
                "check": str,
                "severity": str,
                "page_url": str,
                "title": str,
                "column": str,
                "details": str,
            },
            pk=("audit", "id"),
            if_not_exists=True,
        )
        db["reviews"].create(
            {
                "finding_id": str,
                "audit": int,
                "status": str,
                "note": str,
                "recorded": str,
                "department": str,
                "deadline": str,
            },
            if_not_exists=True,
        )
        # The staff's own 责任科室 and 整改时限 (added later): a store made before gets the columns.
        for column in _REVIEW_STAFF_COLUMNS:
            if column not in db["reviews"].columns_dict:
                db["reviews"].add_column(column, str)
        db["links"].create_index(["audit", "target"], if_not_exists=True)
        db["links"].create_index(["audit", "source"], if_not_exists=True)
        db["list_items"].create_index(["audit", "page"], if_not_exists=True)
        db["reviews"].create_index(["finding_id"], if_not_exists=True)
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- audits --------------------------------------------------------------------------------

    def start_audit(self, site: str, start_url: str, as_of: date, config: dict[str, Any]) -> int:
        row = {
            "site": site,
            "start_url": start_url,
            "as_of": as_of.isoformat(),
            "started": _now(),
            "status": "running",
            "counters": "{}",
            "config": json.dumps(config, ensure_ascii=False, default=str),
        }
        with self.db.conn:
            return self.db["audits"].insert(row).last_pk

    def finish_audit(self, audit_id: int, status: str, counters: dict[str, Any]) -> None:
        if status not in AUDIT_STATUSES:
            raise ValueError(f"unknown audit status {status!r}")
        with self.db.conn:
            self.db["audits"].update(
                audit_id,
                {
                    "status": status,
                    "finished": _now(),
                    "counters": json.dumps(counters, ensure_ascii=False, default=str),
                },
            )

    def audit(self, audit_id: int) -> dict[str, Any]:
        try:
            row = self.db["audits"].get(audit_id)
        except sqlite_utils.db.NotFoundError:
            raise KeyError(f"no audit {audit_id} in {self.path}") from None
        return _audit_row(row)

    def audits(self, site: str | None = None) -> list[dict[str, Any]]:
        where, args = ("site = ?", [site]) if site else (None, None)
        rows = self.db["audits"].rows_where(where, args, order_by="id")
        return [_audit_row(r) for r in rows]

    def previous_audit(self, audit_id: int) -> int | None:
        """The last finished audit of the same site before this one: the base of every diff."""
        current = self.audit(audit_id)
        rows = self.db.execute(
            "SELECT id FROM audits WHERE site = ? AND id < ? AND status = 'finished' "
            "ORDER BY id DESC LIMIT 1",
            [current["site"], audit_id],
        ).fetchall()
        return rows[0][0] if rows else None

    # -- crawl results -------------------------------------------------------------------------

    def add_pages(self, audit_id: int, records: Iterable[PageRecord]) -> None:
        """Write a batch of pages with their links and list items in one transaction.

        A page written again (a resumed crawl) replaces its row and its edges."""
        self.write_rows(audit_id, page_rows(audit_id, records))

    def write_rows(self, audit_id: int, rows: PageRows, scan: Scan | None = None) -> None:
        """`add_pages` from the rows `page_rows` made (maybe in another process: the crawl hands
        its writes to the audit's helper). `scan` masks the personal numbers of each page's
        title and text, and keeps in its meta what the privacy check needs of them: no raw
        number reaches the file (nor its WAL)."""
        if scan is not None:
            rows = _scanned(rows, scan)
        urls, pages, links, items = rows
        if not urls:
            return
        self._snapshots.clear()
        try:
            self._write_pages(audit_id, urls, pages, links, items)
        except UnicodeEncodeError:
            # A lone surrogate (bytes a decoder kept undecoded) cannot be stored as UTF-8. The
            # transaction was rolled back: write the batch again with U+FFFD in its place
            # rather than lose it.
            clean = [[tuple(map(_storable, row)) for row in rows] for rows in (pages, links, items)]
            self._write_pages(audit_id, [_storable(u) for u in urls], *clean)

    def _write_pages(
        self, audit_id: int, urls: list[str], pages: list, links: list, items: list
    ) -> None:
        with self.db.conn:
            for table in ("links", "list_items"):
                key = "source" if table == "links" else "page"
                self.db.execute(
                    f"DELETE FROM {table} WHERE audit = ? AND {key} IN "
                    f"(SELECT value FROM json_each(?))",
                    [audit_id, json.dumps(urls)],
                )
            # Plain executemany, not insert_all: sqlite-utils commits each chunk itself, and a
            # kill between two commits left pages without their links (a resumed crawl then
            # never followed them). One transaction: a page is written with its edges or not.
            self._insert_rows("pages", _PAGE_ROW, pages, replace=True)
            self._insert_rows("links", _LINK_ROW, links)
            self._insert_rows("list_items", _ITEM_ROW, items)

    def _insert_rows(
        self, table: str, columns: tuple[str, ...], rows: list[tuple], replace: bool = False
    ) -> None:
        """Rows as tuples of `columns`, inside the caller's transaction (never commits itself).
        Tuples, not dicts: a 20,000-page crawl writes ~600,000 link rows from the event loop."""
        if not rows:
            return
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        sql = (
            f"{verb} INTO {table} ({', '.join(f'[{c}]' for c in columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
        )
        self.db.conn.executemany(sql, rows)

    def recorded_urls(self, audit_id: int) -> set[str]:
        """URLs already recorded for this audit: a resumed crawl does not fetch them again."""
        rows = self.db.execute("SELECT url FROM pages WHERE audit = ?", [audit_id])
        return {r[0] for r in rows}

    def unfinished_audit(self, site: str) -> int | None:
        """The site's latest audit when it never finished (killed, interrupted): `--resume` target."""
        rows = self.db.execute(
            "SELECT id, status FROM audits WHERE site = ? ORDER BY id DESC LIMIT 1", [site]
        ).fetchall()
        return rows[0][0] if rows and rows[0][1] in ("running", "interrupted") else None

    def reopen_audit(self, audit_id: int) -> None:
        """Mark an unfinished audit running again; its recorded pages stay."""
        self._snapshots.clear()
        with self.db.conn:
            self.db["audits"].update(audit_id, {"status": "running", "finished": None})

    def validators(self, audit_id: int) -> dict[str, tuple[str | None, str | None]]:
        """url -> (ETag, Last-Modified) of the audit's pages that had either: the next audit's
        conditional requests. Keyed by URL only: two URLs never share a record (DESIGN traps)."""
        sql = (
            "SELECT url, etag, last_modified FROM pages WHERE audit = ? AND error IS NULL "
            "AND (etag IS NOT NULL OR last_modified IS NOT NULL)"
        )
        return {url: (etag, lm) for url, etag, lm in self.db.execute(sql, [audit_id])}

    def carry_over(
        self, prev_audit: int, new_audit: int, urls: Iterable[str], verified: bool = True
    ) -> int:
        """Copy pages (with their links and list items) from `prev_audit` into `new_audit`, in
        one transaction; returns how many pages were copied. `verified`: the site confirmed them
        unchanged today (HTTP 304); otherwise they were not asked (a daily audit's rolling
        schedule) and keep the date they were last verified.

        A page already recorded in `new_audit` is replaced, as `add_pages` does."""
        urls_json = json.dumps(list(urls))
        args = [new_audit, prev_audit, urls_json]
        pick = "WHERE audit = ? AND {key} IN (SELECT value FROM json_each(?))"
        page_cols = [c for c in self.db["pages"].columns_dict if c not in ("audit", "verified")]
        link_cols = ["source", "target", "tag", "attr", "anchor", "boilerplate", "fragment"]
        item_cols = ["page", "url", "title", "date", "position"]
        self._snapshots.clear()
        with self.db.conn:
            for table, key in (("links", "source"), ("list_items", "page")):
                self.db.execute(
                    f"DELETE FROM {table} " + pick.format(key=key), [new_audit, urls_json]
                )
            copied = self.db.execute(
                _copy_sql("pages", page_cols, pick.format(key="url"), replace=True), args
            ).rowcount
            if not verified:
                self.db.execute(
                    "UPDATE pages SET verified = (SELECT COALESCE(p.verified, a.as_of) FROM pages p"
                    " JOIN audits a ON a.id = p.audit WHERE p.audit = ? AND p.url = pages.url)"
                    " WHERE audit = ? AND url IN (SELECT value FROM json_each(?))",
                    [prev_audit, new_audit, urls_json],
                )
            self.db.execute(_copy_sql("links", link_cols, pick.format(key="source")), args)
            self.db.execute(_copy_sql("list_items", item_cols, pick.format(key="page")), args)
        return copied

    def verified_dates(self, audit_id: int) -> dict[str, date]:
        """url -> the as_of date each record of the audit was last verified at the site."""
        sql = (
            "SELECT p.url, COALESCE(p.verified, a.as_of) FROM pages p JOIN audits a"
            " ON a.id = p.audit WHERE p.audit = ?"
        )
        return {url: date.fromisoformat(day) for url, day in self.db.execute(sql, [audit_id])}

    def newest_item_date(self, audit_id: int, page_kind: str) -> date | None:
        """The newest dated list item on pages of a kind (`home`: how fresh the homepage is)."""
        sql = (
            "SELECT MAX(li.date) FROM list_items li JOIN pages p "
            "ON p.audit = li.audit AND p.url = li.page WHERE li.audit = ? AND p.kind = ?"
        )
        return _date(self.db.execute(sql, [audit_id, page_kind]).fetchone()[0])

    def view(self, audit_id: int, *, snapshot: bool = False) -> AuditView:
        """The audit's crawl results. `snapshot=True`: one shared view per audit and store that
        keeps the pages and list items it read (the checks and the report read them a dozen
        times); only for a finished audit: a write through this store drops it."""
        if snapshot and audit_id in self._snapshots:
            return self._snapshots[audit_id]
        self.audit(audit_id)  # raises KeyError for an unknown audit
        view = AuditView(self.db, audit_id, snapshot=snapshot)
        if snapshot:
            self._snapshots[audit_id] = view
        return view

    # -- findings and reviews ------------------------------------------------------------------

    def save_findings(self, audit_id: int, findings: Iterable[Finding]) -> None:
        rows = [
            {
                "audit": audit_id,
                "id": f.id,
                "check": f.check,
                "severity": f.severity,
                "page_url": f.page_url,
                "title": f.title,
                "column": f.column,
                "details": json.dumps(f.to_json(), ensure_ascii=False),
            }
            for f in findings
        ]
        with self.db.conn:
            self.db.execute("DELETE FROM findings WHERE audit = ?", [audit_id])
            self.db["findings"].insert_all(rows, batch_size=500)

    def findings(self, audit_id: int) -> list[Finding]:
        rows = self.db["findings"].rows_where("audit = ?", [audit_id], order_by="rowid")
        return [Finding.from_json(json.loads(r["details"])) for r in rows]

    def first_seen(self, site: str, finding_ids: Iterable[str]) -> dict[str, str]:
        """For each finding id, the as_of date of the earliest audit of the site that had it."""
        sql = (
            "SELECT f.id, MIN(a.as_of) FROM findings f JOIN audits a ON a.id = f.audit "
            "WHERE a.site = ? AND f.id IN (SELECT value FROM json_each(?)) GROUP BY f.id"
        )
        return dict(self.db.execute(sql, [site, json.dumps(list(finding_ids))]).fetchall())

    def add_reviews(self, audit_id: int, reviews: Iterable[Sequence[str]]) -> int:
        """Record staff decisions, each (finding_id, status, note[, department, deadline]):
        department and deadline are what staff wrote over the computed ones ("" for none).
        Returns how many were written."""
        rows = []
        for fid, status, note, *staff in reviews:
            department, deadline = (*staff, "", "")[:2]
            rows.append(
                {
                    "finding_id": fid,
                    "audit": audit_id,
                    "status": status,
                    "note": note,
                    "recorded": _now(),
                    "department": department,
                    "deadline": deadline,
                }
            )
        with self.db.conn:
            self.db["reviews"].insert_all(rows)
        return len(rows)

    def latest_reviews(self, up_to_audit: int | None = None) -> dict[str, dict[str, Any]]:
        """The newest review of every finding id that has one, with its `revision` (its place
        in the order reviews were recorded: a list exported at revision 5 predates revision 6).

        `up_to_audit` ignores reviews made on later audits' lists (regenerating an old report)."""
        limit = "" if up_to_audit is None else " AND audit <= ?"
        cols = ("finding_id", "audit", "status", "note", "recorded", *_REVIEW_STAFF_COLUMNS)
        sql = (
            f"SELECT {', '.join(cols)}, rowid FROM reviews r "
            "WHERE rowid = (SELECT MAX(rowid) FROM reviews WHERE finding_id = r.finding_id"
            f"{limit})"
        )
        args = [] if up_to_audit is None else [up_to_audit]
        return {
            row[0]: dict(zip((*cols, "revision"), row, strict=True))
            for row in self.db.execute(sql, args)
        }

    def checkpoint(self) -> bool:
        """Move the write-ahead log into the store file and empty it: govaudit.db alone then
        holds every audit (a copy of it is a backup; without this the data may sit in
        govaudit.db-wal until the last connection closes). True when the log was emptied; False
        while another process writes (the last one to finish empties it)."""
        # TRUNCATE waits on the busy handler for other writers and for readers of an older
        # snapshot: briefly, so that audits of several sites sharing one store, or the checks
        # still reading in the audit's other process, are not held up (the last connection to
        # close checkpoints anyway).
        self.db.execute("PRAGMA busy_timeout = 200")
        try:
            busy = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.OperationalError:  # locked by another process beyond the timeout
            busy = 1
        finally:
            self.db.execute("PRAGMA busy_timeout = 30000")
        return busy == 0

    def close(self) -> None:
        """Checkpoint (see `checkpoint`) and close: every audit, report and review import ends
        here, so the store file is complete on its own when a command returns."""
        self._snapshots.clear()
        try:
            self.checkpoint()
        except sqlite3.DatabaseError:  # a store that cannot be checkpointed still closes
            pass
        self.db.close()


@dataclass(frozen=True)
class AuditView:
    """Read-only access to one audit's crawl results: what every check receives.

    The filters (`urls`, `sources`, `targets`, `with_text`) exist because a 20,000-page audit has
    ~600k edges: a check that needs a few of them must not load them all into Python. A
    `snapshot` view (`Store.view(..., snapshot=True)`) reads the page rows (records and texts)
    and the list items once and filters them in Python; edges are always read on demand."""

    db: sqlite_utils.Database
    audit_id: int
    # Derived data several checks share (the site's columns), computed once per view.
    _memo: dict[Any, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)
    snapshot: bool = field(default=False, compare=False)

    def pages(
        self,
        kind: str | None = None,
        internal: bool | None = None,
        *,
        urls: Iterable[str] | None = None,
        with_text: bool = True,
    ) -> Iterator[PageRecord]:
        """Pages without their links and list items (see `links()`, `list_items()`).

        `urls`: only these (requested) URLs. `with_text=False`: `text` is "" (a page's text is
        most of its row; read it with `texts()` for the few pages that need it)."""
        if self.snapshot:
            return iter(self._snapshot_pages(kind, internal, urls, with_text))
        return self._live_pages(kind, internal, urls, with_text)

    def _live_pages(
        self, kind: str | None, internal: bool | None, urls: Iterable[str] | None, with_text: bool
    ) -> Iterator[PageRecord]:
        sql, args = f"SELECT {_page_select(with_text)} FROM pages WHERE audit = ?", [self.audit_id]
        if kind is not None:
            sql, args = sql + " AND kind = ?", [*args, kind]
        if internal is not None:
            sql, args = sql + " AND internal = ?", [*args, int(internal)]
        if urls is not None:
            sql += " AND url IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(urls)))
        for row in self.db.execute(sql + " ORDER BY rowid", args):
            yield _page_record(row)

    def _snapshot_pages(
        self, kind: str | None, internal: bool | None, urls: Iterable[str] | None, with_text: bool
    ) -> Sequence[PageRecord]:
        """The filters of `pages()` applied to the pages read once (same rows, same order)."""
        stored = self._stored_pages()
        records = (
            self.memo(("pages with text",), stored.with_texts) if with_text else stored.records
        )
        flag = None if internal is None else int(internal)
        if urls is not None:  # a few pages: by their places, not a walk of the whole site
            places = sorted({stored.places[url] for url in urls if url in stored.places})
            return [records[p] for p in places if _passes(stored.filters[p], kind, flag)]
        if kind is None and flag is None:
            return records
        # The same few filters come again and again (every check asks for the internal pages).
        return self.memo(
            ("pages", with_text, kind, flag),
            lambda: [
                r for f, r in zip(stored.filters, records, strict=True) if _passes(f, kind, flag)
            ],
        )

    def _stored_pages(self) -> _StoredPages:
        """Every page row of the audit, read once (a snapshot's): the records without their text,
        and the texts beside them."""
        return self.memo(("pages",), self._read_pages)

    def _read_pages(self) -> _StoredPages:
        # By rowid, the table in its own order: ORDER BY rowid over the audit's index would
        # first copy every row, text and all, into a temporary B-tree.
        sql = (
            f"SELECT {_page_select(False)}, text FROM pages"
            " WHERE rowid IN (SELECT rowid FROM pages WHERE audit = ?) ORDER BY rowid"
        )
        filters, records, texts = [], [], {}
        for row in self.db.execute(sql, [self.audit_id]):
            filters.append((row[_KIND], row[_INTERNAL]))
            records.append(_page_record(row[:-1]))
            texts[row[0]] = row[-1] or ""
        return _StoredPages(filters, records, texts)

    def page(self, url: str) -> PageRecord | None:
        sql = f"SELECT {_page_select(True)} FROM pages WHERE audit = ? AND url = ?"
        row = self.db.execute(sql, [self.audit_id, url]).fetchone()
        return _page_record(row) if row else None

    def texts(self, urls: Iterable[str] | None = None) -> Mapping[str, str]:
        """url -> text of the given pages (those recorded), or of every page of the audit (a
        snapshot has them all)."""
        if self.snapshot:
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
        sql = "SELECT page, url, title, date, position FROM list_items WHERE audit = ?"
        args: list[Any] = [self.audit_id]
        if pages is not None:
            sql += " AND page IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(pages)))
        for page, url, title, day, position in self.db.execute(
            sql + " ORDER BY page, position", args
        ):
            yield page, ListItem(url, title or "", _date(day), position)

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
    records: list[PageRecord]  # without their text
    texts: dict[str, str]  # url → text

    @cached_property
    def places(self) -> dict[str, int]:
        """url → the page's place in crawl order."""
        return {record.url: place for place, record in enumerate(self.records)}

    def with_texts(self) -> list[PageRecord]:
        """The records with their text (a page without text is the same record both ways)."""
        texts = self.texts
        return [r.with_text(texts[r.url]) if texts[r.url] else r for r in self.records]


@dataclass(frozen=True)
class _StoredItems:
    pages: list[str]  # the list page of each item
    items: list[ListItem]


def _passes(filters: tuple[str | None, int | None], kind: str | None, flag: int | None) -> bool:
    """Whether a page's stored (kind, internal) pass the filters of `pages()`."""
    row_kind, row_internal = filters
    return (kind is None or row_kind == kind) and (flag is None or row_internal == flag)


def _copy_sql(table: str, columns: list[str], where: str, replace: bool = False) -> str:
    cols = ", ".join(f'"{c}"' for c in columns)
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    return f"{verb} INTO {table} (audit, {cols}) SELECT ?, {cols} FROM {table} {where}"


def _audit_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "counters": json.loads(row["counters"] or "{}"),
        "config": json.loads(row["config"] or "{}"),
    }


_PAGE_ROW = (
    "audit", "url", "final_url", "status", "error", "error_detail", "content_type", "charset",
    "size", "elapsed", "depth", "method", "internal", "kind", "title", "text", "published",
    "meta", "breadcrumb", "pagination", "redirects", "etag", "last_modified", "anchors",
    "local_fragments", "published_from", "kind_evidence",
)  # fmt: skip
_LINK_ROW = ("audit", "source", "target", "tag", "attr", "anchor", "boilerplate", "fragment")
_ITEM_ROW = ("audit", "page", "url", "title", "date", "position")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _storable(value: Any) -> Any:
    """`value` with lone surrogates replaced by U+FFFD (strings only)."""
    return _SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value


def _scanned(rows: PageRows, scan: Scan) -> PageRows:
    """The rows with each page's title and text as `scan` leaves them (and its meta), and
    personal numbers masked in link texts and list-item titles too."""
    urls, pages, links, items = rows
    title, text, meta = (_PAGE_ROW.index(c) for c in ("title", "text", "meta"))
    scanned = []
    for row in pages:
        values = list(row)
        found, values[title], values[text] = scan(
            json.loads(row[meta] or "{}"), row[title] or "", row[text] or ""
        )
        values[meta] = json.dumps(found, ensure_ascii=False)
        scanned.append(tuple(values))
    anchor, item_title = _LINK_ROW.index("anchor"), _ITEM_ROW.index("title")
    links = [_masked_at(row, anchor) for row in links]
    items = [_masked_at(row, item_title) for row in items]
    return urls, scanned, links, items


def _masked_at(row: tuple, i: int) -> tuple:
    if not row[i] or not any(c.isdigit() for c in row[i]):
        return row
    return (*row[:i], mask_personal_numbers(row[i]), *row[i + 1 :])


def _page_row(audit_id: int, r: PageRecord) -> tuple:
    """The `_PAGE_ROW` values of a record."""
    return (
        audit_id,
        r.url,
        r.final_url,
        r.status,
        r.error,
        r.error_detail,
        r.content_type,
        r.charset,
        r.size,
        r.elapsed,
        r.depth,
        r.method,
        int(r.internal),
        r.kind,
        r.title,
        r.text,
        _iso(r.published),
        json.dumps(r.meta, ensure_ascii=False),
        json.dumps(list(r.breadcrumb), ensure_ascii=False),
        json.dumps(list(r.pagination)),
        json.dumps(list(r.redirects)),
        r.etag,
        r.last_modified,
        json.dumps(list(r.anchors), ensure_ascii=False) if r.anchors else None,
        json.dumps(list(r.local_fragments), ensure_ascii=False) if r.local_fragments else None,
        r.published_from,
        json.dumps(list(r.kind_evidence), ensure_ascii=False) if r.kind_evidence else None,
    )


def _link(row: Sequence[Any]) -> Link:
    """A Link from the `_LINK_COLUMNS` of a row."""
    target, tag, attr, anchor, boilerplate, fragment = row
    return Link(
        target=target,
        tag=tag,
        attr=attr,
        text=anchor or "",
        in_boilerplate=bool(boilerplate),
        fragment=fragment or "",
    )


def _page_select(with_text: bool) -> str:
    """The columns `_page_record` reads, in `_PAGE_COLUMNS` order (text as NULL without it)."""
    return ", ".join(c if with_text or c != "text" else "NULL" for c in _PAGE_COLUMNS)


_KIND, _INTERNAL = _PAGE_COLUMNS.index("kind"), _PAGE_COLUMNS.index("internal")


@lru_cache(maxsize=1024)
def _json_tuple(raw: str | None) -> tuple[Any, ...]:
    """Cached: the pages of a column share one breadcrumb (tuples, so sharing is safe)."""
    return tuple(json.loads(raw)) if raw and raw != "[]" else ()


def _page_record(row: Sequence[Any]) -> PageRecord:
    """A PageRecord from a row of `_page_select` columns (most pages have no redirects and no
    pagination: their empty JSON is not parsed)."""
    (
        url, final_url, status, error, error_detail, content_type, charset, size, elapsed,
        depth, method, internal, kind, title, text, published, meta, breadcrumb, pagination,
        redirects, etag, last_modified, published_from, kind_evidence,
    ) = row  # fmt: skip
    return PageRecord(
        url=url,
        final_url=final_url,
        status=status,
        error=error,
        error_detail=error_detail,
        content_type=content_type,
        charset=charset,
        size=size,
        elapsed=elapsed,
        depth=depth or 0,
        method=method or "GET",
        internal=bool(internal),
        kind=kind or "other",
        title=title or "",
        text=text or "",
        published=_date(published),
        meta=json.loads(meta) if meta and meta != "{}" else {},
        breadcrumb=_json_tuple(breadcrumb),
        pagination=_json_tuple(pagination),
        redirects=_json_tuple(redirects),
        etag=etag,
        last_modified=last_modified,
        published_from=published_from,
        kind_evidence=_json_tuple(kind_evidence),
    )
