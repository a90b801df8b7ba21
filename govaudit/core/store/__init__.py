"""The audit store: one SQLite file, many audits of many sites. The only package that knows tables.

`schema` (tables, versions), `rows` (records → rows, masked), `writes` (`Store`), `views`
(`AuditView`, what the checks read).
"""

from govaudit.core.store.rows import PageRows, Scan, page_rows
from govaudit.core.store.schema import SCHEMA_VERSION, StoreError
from govaudit.core.store.views import AuditView
from govaudit.core.store.writes import AUDIT_STATUSES, Store

__all__ = [
    "AUDIT_STATUSES", "SCHEMA_VERSION", "AuditView", "PageRows", "Scan", "Store", "StoreError",
    "page_rows",
]  # fmt: skip
