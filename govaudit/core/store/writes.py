"""`Store`: opening the file, audits, batched page writes, findings and reviews.

Writes come in batches inside one transaction each; WAL lets a report read while a crawl writes,
and an interrupted crawl leaves every committed batch in place with its audit marked unfinished.
`close()` checkpoints the WAL, so after an audit, a report or a review import the store file alone
holds everything (copy govaudit.db, not govaudit.db-wal, for a backup).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from govaudit.core.locking import lock_exclusive
from govaudit.core.model import Finding, PageRecord, Screenshot
from govaudit.core.outside_records import OutsideRow, OutsideStatus, RegisterDocument
from govaudit.core.store.rows import (
    ITEM_ROW,
    LINK_ROW,
    PAGE_ROW,
    PageRows,
    Scan,
    copy_text,
    page_rows,
    scanned,
    storable,
    with_copies,
)
from govaudit.core.store.schema import (
    OUTSIDE_ROW_COLUMNS,
    REGISTER_COLUMNS,
    REVIEW_STAFF_COLUMNS,
    StoreError,
    check_store,
    create_schema,
)
from govaudit.core.store.views import (
    AuditView,
    ever_matched,
    outside_rows,
    outside_statuses,
)

AUDIT_STATUSES = ("running", "finished", "interrupted", "failed")


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


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
            check_store(self.db, self.path)
            # Switching to WAL and creating tables fail at once ("database is locked") instead
            # of waiting when another process does the same: audits of several sites start
            # together on one store (`--jobs`, workers). A lock file beside the store takes turns.
            with open(self.path + ".lock", "a") as lock:
                lock_exclusive(lock)
                self.db.enable_wal()
                create_schema(self.db)
            self.db.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as e:  # not SQLite, corrupt, unreadable, disk full
            raise StoreError(f"{self.path}：不是可用的 govaudit 数据库（{e}）") from None
        except OSError as e:  # the lock file beside the store cannot be made
            raise StoreError(f"{self.path}：无法打开数据库（{e.strerror}）") from None

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
            rows = scanned(rows, scan)
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
            clean = [[tuple(map(storable, row)) for row in rows] for rows in (pages, links, items)]
            self._write_pages(audit_id, [storable(u) for u in urls], *clean)

    def _write_pages(
        self, audit_id: int, urls: list[str], pages: list, links: list, items: list
    ) -> None:
        pages, copies = with_copies(pages)
        with self.db.conn:
            # A version already stored (an unchanged page, another audit) is not stored again.
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO page_copies (digest, body, size) VALUES (?, ?, ?)", copies
            )
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
            self._insert_rows("pages", PAGE_ROW, pages, replace=True)
            self._insert_rows("links", LINK_ROW, links)
            self._insert_rows("list_items", ITEM_ROW, items)

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
        link_cols = ["source", "target", "tag", "attr", "anchor", "boilerplate", "fragment", "rel"]
        item_cols = ["page", "url", "title", "date", "position", "date_from"]
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

    def page_copy(self, audit_id: int, url: str) -> str | None:
        """The stored copy of a page as the audit fetched (or carried) it; None when none."""
        # By the key first: an OR over both columns scans every page of the audit (final_url
        # has no index), ~7 ms a call at 20,000 pages.
        for column in ("url", "final_url"):
            row = self.db.execute(
                "SELECT c.body FROM pages p JOIN page_copies c ON c.digest = p.copy "
                f"WHERE p.audit = ? AND p.{column} = ? LIMIT 1",
                [audit_id, url],
            ).fetchone()
            if row:
                return copy_text(row[0])
        return None

    def save_screenshots(self, audit_id: int, shots: Iterable[Screenshot]) -> None:
        """The audit's screenshots (or why none), each PNG stored once by its SHA-256."""
        rows, images = [], []
        for shot in shots:
            digest = hashlib.sha256(shot.png).hexdigest() if shot.png else None
            if digest:
                images.append((digest, shot.png, shot.width, shot.height, len(shot.png)))
            rows.append((audit_id, shot.url, digest, shot.problem, shot.highlighted, shot.key))
        with self.db.conn:
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO screenshot_images (digest, png, width, height, size) "
                "VALUES (?, ?, ?, ?, ?)",
                images,
            )
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO screenshots (audit, url, digest, problem, highlighted, key) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )

    def screenshots(self, audit_id: int) -> dict[str, tuple[str | None, str]]:
        """url -> (digest of its PNG or None, why none) for each page the audit wanted shot."""
        sql = "SELECT url, digest, problem FROM screenshots WHERE audit = ?"
        return {
            url: (digest, problem or "")
            for url, digest, problem in self.db.execute(sql, [audit_id])
        }

    def earlier_screenshots(self, keys: Iterable[str]) -> dict[str, Screenshot]:
        """key -> a shot an audit already took of exactly that (Screenshot.key), PNG included."""
        wanted = [k for k in dict.fromkeys(keys) if k]
        found: dict[str, Screenshot] = {}
        for at in range(0, len(wanted), 500):  # SQLite's bound on parameters
            part = wanted[at : at + 500]
            sql = (
                "SELECT s.key, s.url, s.highlighted, i.png, i.width, i.height FROM screenshots s "
                "JOIN screenshot_images i ON i.digest = s.digest "
                f"WHERE s.key IN ({', '.join('?' * len(part))})"
            )
            for key, url, highlighted, png, width, height in self.db.execute(sql, part):
                found[key] = Screenshot(url, png, "", width, height, highlighted, key)
        return found

    def screenshot_png(self, digest: str) -> bytes | None:
        row = self.db.execute(
            "SELECT png FROM screenshot_images WHERE digest = ?", [digest]
        ).fetchone()
        return row[0] if row else None

    def view(self, audit_id: int, *, snapshot: bool = False, texts: bool = True) -> AuditView:
        """The audit's crawl results. `snapshot=True`: one shared view per audit and store that
        keeps the pages and list items it read (the checks and the report read them a dozen
        times); only for a finished audit: a write through this store drops it. `texts=False`:
        the snapshot keeps no page text (the audit process, while its helper runs the text
        checks). Asked for again, the snapshot is the one made first, with or without texts:
        either gives every text asked for (`AuditView`)."""
        if snapshot and audit_id in self._snapshots:
            return self._snapshots[audit_id]
        self.audit(audit_id)  # raises KeyError for an unknown audit
        view = AuditView(self.db, audit_id, snapshot=snapshot, keep_texts=texts)
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

    def finding(self, finding_id: str, audit_id: int | None = None) -> tuple[int, Finding] | None:
        """The finding as the latest audit that had it recorded it (or as `audit_id` did)."""
        where, args = (
            ("id = ?", [finding_id])
            if audit_id is None
            else ("id = ? AND audit = ?", [finding_id, audit_id])
        )
        row = self.db.execute(
            f"SELECT audit, details FROM findings WHERE {where} ORDER BY audit DESC LIMIT 1", args
        ).fetchone()
        return (row[0], Finding.from_json(json.loads(row[1]))) if row else None

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
        cols = ("finding_id", "audit", "status", "note", "recorded", *REVIEW_STAFF_COLUMNS)
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

    # -- outside lists (core/outside_records.py) ---------------------------------------------------

    def add_outside(
        self,
        site: str,
        rows: Iterable[tuple[OutsideRow, str]],
        documents: Iterable[tuple[RegisterDocument, str]] = (),
    ) -> tuple[int, int, int]:
        """Store an import's problem rows and register documents, each (record, fingerprint),
        in one transaction; a row already stored for the site is kept, with the 整改时限 of
        the list resent (an inspector may extend it). Returns how many rows and documents were
        new, and how many stored rows got a new 整改时限."""
        added = []
        with self.db.conn:
            for table, columns, records in (
                ("outside_rows", OUTSIDE_ROW_COLUMNS, rows),
                ("register_documents", REGISTER_COLUMNS, documents),
            ):
                # The record's own fields between the site and the fingerprint.
                values = [
                    (site, *(getattr(r, c) for c in columns[1:-1]), digest) for r, digest in records
                ]
                cursor = self.db.conn.executemany(
                    f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' for _ in columns)})",
                    values,
                )
                added.append(max(cursor.rowcount, 0))  # the rows inserted, not those ignored
            extended = self.db.conn.executemany(
                "UPDATE outside_rows SET deadline = ? WHERE site = ? AND fingerprint = ? "
                "AND deadline IS NOT ?",
                [(r.deadline, site, digest, r.deadline) for r, digest in rows],
            ).rowcount
        return added[0], added[1], max(extended, 0)

    def outside_rows(self, site: str) -> list[OutsideRow]:
        return outside_rows(self.db, site)

    def ever_matched(self, site: str, before_audit: int) -> set[int]:
        return ever_matched(self.db, site, before_audit)

    def save_outside_statuses(self, audit_id: int, statuses: Iterable[OutsideStatus]) -> None:
        """The rows' statuses after `audit_id`, replacing any recorded before (a report again)."""
        values = [(audit_id, s.row.id, s.status, s.finding_id) for s in statuses]
        with self.db.conn:
            self.db.execute("DELETE FROM outside_statuses WHERE audit = ?", [audit_id])
            self.db.conn.executemany(
                "INSERT INTO outside_statuses (audit, row, status, finding_id) VALUES (?, ?, ?, ?)",
                values,
            )

    def outside_statuses(self, audit_id: int) -> list[OutsideStatus]:
        return outside_statuses(self.db, audit_id)

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
