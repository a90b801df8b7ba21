"""The store's tables, and the checks that a file is a govaudit store of a version we can read.

Tables: `audits` (one row per run), `pages` (one row per fetched or checked URL), `links` (every
source → target edge), `list_items` (dated entries of list pages), `findings` and `reviews`,
`page_copies` (each fetched version of a page once: the evidence behind a finding);
`screenshots` (an audit's shot of a page, or why none) over `screenshot_images` (each PNG once);
`outside_rows` and `register_documents` (imported problem lists and 发文登记 registers, per site)
with `outside_statuses` (each row's status after each audit).
"""

from __future__ import annotations

import sqlite_utils

# The schema's version, kept in SQLite's `user_version`: a store written by a newer govaudit
# (version above this) is refused rather than half-read. 0: a store made before versions.
SCHEMA_VERSION = 1
REVIEW_STAFF_COLUMNS = ("department", "deadline")
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


def check_store(db: sqlite_utils.Database, path: str) -> None:
    """Refuse, before writing anything, a database of another program or of a newer govaudit."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}：数据库由更新版本的 govaudit 写入（结构版本 {version}，本版本最高读取 "
            f"{SCHEMA_VERSION}）；请升级 govaudit 或换一个 --db"
        )
    tables = set(db.table_names())
    if tables and "audits" not in tables:
        raise StoreError(
            f"{path}：不是 govaudit 数据库（是含有 "
            f"{', '.join(sorted(tables)[:5])} 等表的 SQLite 数据库）；请换一个 --db"
        )
    for table, required in _REQUIRED_COLUMNS.items():
        missing = required - set(db[table].columns_dict) if table in tables else set()
        if missing:
            raise StoreError(
                f"{path}：不是 govaudit 数据库（表 {table} 没有 "
                f"{sorted(missing)[0]} 列）；请换一个 --db"
            )


def create_schema(db: sqlite_utils.Database) -> None:
    """The tables and indexes, made where missing: opening an older store brings it up to date."""
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
            # The digest of the page's stored copy in `page_copies` (NULL: none kept).
            "copy": str,
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
        "copy",
    ):
        if column not in db["pages"].columns_dict:
            db["pages"].add_column(column, str)
    # Each version of a page once, whatever the audits that fetched it: its HTML with personal
    # numbers masked, zlib-compressed, keyed by the SHA-256 of that masked HTML.
    db["page_copies"].create(
        {"digest": str, "body": bytes, "size": int}, pk="digest", if_not_exists=True
    )
    # Screenshots kept in the store, as the page copies are: `govaudit report` and `evidence`
    # rebuild any audit's outputs from this one file, and an unchanged page shot again by the
    # next audit costs nothing (the same PNG, the same SHA-256). `digest` NULL: no shot, `problem`
    # says why.
    db["screenshots"].create(
        {"audit": int, "url": str, "digest": str, "problem": str, "highlighted": int, "key": str},
        pk=("audit", "url"),
        if_not_exists=True,
    )
    if "key" not in db["screenshots"].columns_dict:  # a store from before shots were reused
        db["screenshots"].add_column("key", str)
    db["screenshot_images"].create(
        {"digest": str, "png": bytes, "width": int, "height": int, "size": int},
        pk="digest",
        if_not_exists=True,
    )
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
            # A <link>'s rel (NULL for other tags, and in stores written before the column,
            # where a .css suffix still names a sheet).
            "rel": str,
        },
        if_not_exists=True,
    )
    for column in ("fragment", "rel"):
        if column not in db["links"].columns_dict:
            db["links"].add_column(column, str)
    db["list_items"].create(
        {
            "audit": int,
            "page": str,
            "url": str,
            "title": str,
            "date": str,
            "position": int,
            # Where the date was read: "list" or "url" (model.ListItem.date_from). NULL in a
            # store written before the column: unknown, so it proves no date mismatch.
            "date_from": str,
        },
        if_not_exists=True,
    )
    if "date_from" not in db["list_items"].columns_dict:
        db["list_items"].add_column("date_from", str)
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
    for column in REVIEW_STAFF_COLUMNS:
        if column not in db["reviews"].columns_dict:
            db["reviews"].add_column(column, str)
    _create_outside_tables(db)
    db["links"].create_index(["audit", "target"], if_not_exists=True)
    db["links"].create_index(["audit", "source"], if_not_exists=True)
    db["list_items"].create_index(["audit", "page"], if_not_exists=True)
    db["reviews"].create_index(["finding_id"], if_not_exists=True)
    if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


# The columns an outside row and a register document keep, besides their id (a row is stored once
# per site: `fingerprint` is the digest of what it says, core/outside_records.py).
OUTSIDE_ROW_COLUMNS = (
    "site", "source", "imported", "file", "place", "url", "kind", "description", "found",
    "deadline", "fingerprint",
)  # fmt: skip
REGISTER_COLUMNS = (
    "site", "source", "imported", "file", "place", "title", "number", "written", "printed",
    "normative", "fingerprint",
)  # fmt: skip


def _create_outside_tables(db: sqlite_utils.Database) -> None:
    """Outside lists (issue 23), made where missing: an older store gets them on opening."""
    for table, columns in (
        ("outside_rows", OUTSIDE_ROW_COLUMNS),
        ("register_documents", REGISTER_COLUMNS),
    ):
        types = {"id": int, **{c: str for c in columns}}
        if table == "register_documents":
            types["normative"] = int
        db[table].create(types, pk="id", if_not_exists=True)
        db[table].create_index(["site", "fingerprint"], unique=True, if_not_exists=True)
    db["outside_statuses"].create(
        {"audit": int, "row": int, "status": str, "finding_id": str},
        pk=("audit", "row"),
        if_not_exists=True,
    )
