"""Comparing findings with the sample site's answer key: one key shape for both sides.

A key is a tuple that names a problem independently of the server's port:
    broken_link                         ("broken_link", target)    path, or full URL if external
    stale_column, empty_column          (check, column name)
    wrong_word, sensitive_word          (check, page path, term)
    privacy_leak                        (check, page path, kind)
    overdue_publication, date_mismatch,
    undated_item and other page checks  (check, page path)
A finding about an attachment (`attachment_url`: words, privacy, unreadable_attachment) is keyed
by the attachment's path, whichever page links to it: its `page` in the answer key.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from govaudit.sample_site.markup import CLOSED_PORT

WORD_CHECKS = ("wrong_word", "sensitive_word")
COLUMN_CHECKS = ("stale_column", "empty_column")
# Item-level date checks may report the list page or the item page: either matches.
ITEM_CHECKS = ("date_mismatch", "undated_item")


def local(url: str, base_url: str) -> str:
    """The site-relative path of an internal URL; external URLs stay whole.

    Another port on 127.0.0.1 is the closed port the server left free: it becomes the placeholder
    the answer key uses, so keys do not depend on which port the run picked."""
    parts, base = urlsplit(url), urlsplit(base_url)
    if parts.hostname == base.hostname and parts.port == base.port:
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if parts.hostname == "127.0.0.1":
        return f"{parts.scheme}://127.0.0.1:{CLOSED_PORT}{parts.path or '/'}"
    return url


def finding_key(finding: dict[str, Any], base_url: str) -> tuple:
    """The key of a findings.json object (see the module docstring)."""
    check = finding["check"]
    if check == "broken_link":
        return (check, local(finding["target_url"], base_url))
    if check in COLUMN_CHECKS:
        return (check, finding.get("column"))
    page = local(finding.get("attachment_url") or finding["page_url"], base_url)
    if check in WORD_CHECKS:
        return (check, page, finding.get("term"))
    if check == "privacy_leak":
        return (check, page, finding.get("kind"))
    if check in ITEM_CHECKS:
        item = finding.get("item_url") or finding.get("target_url")
        return (check, local(item, base_url) if item else page)
    return (check, page)


def entry_keys(entry: dict[str, Any]) -> list[tuple]:
    """Every key a planted or trap entry of the answer key may be reported under."""
    check = entry["check"]
    if check == "broken_link":
        return [(check, entry["target"])]
    if check in COLUMN_CHECKS:
        return [(check, entry["column"])]
    if check in WORD_CHECKS:
        return [(check, entry["page"], entry["term"])]
    if check == "privacy_leak":
        return [(check, entry["page"], entry["kind"])]
    keys = [(check, entry["page"])]
    if entry.get("list_page"):
        keys.append((check, entry["list_page"]))
    return keys


def same_problem(entry_key: tuple, found: tuple) -> bool:
    """Keys match exactly, or for words when one term contains the other (截止 vs 截止2023)."""
    if entry_key == found:
        return True
    if entry_key[0] in WORD_CHECKS and entry_key[:2] == found[:2]:
        a, b = entry_key[2] or "", found[2] or ""
        return bool(a and b) and (a in b or b in a)
    return False
