"""The regression corpus of real markup (tests/fixtures/corpus/): pages of real sites of several
CMS families (TRS WCM, Hanweb/大汉, other provincial CMSs, a GB2312 page and the same page
under a stale charset meta), rebuilt with their structure kept and their text rewritten
(rebuild.py). Provenance and the ground truth read off each original are in manifest.json; the
audit is held to it: encoding, page kind, the stated publication date and where it was read,
document metadata, and no false column, date or word finding on the site they make together.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from govaudit.checks import missing_anchor as anchors
from govaudit.checks import stale_column as stale_columns
from govaudit.checks import words
from govaudit.core.model import Link, PageRecord
from govaudit.core.store import Store
from govaudit.crawler.extract import parse_page

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
PAGES = MANIFEST["pages"]
AS_OF = date(2024, 12, 1)


def parsed(entry: dict) -> PageRecord:
    return parse_page(entry["url"], (CORPUS / entry["file"]).read_bytes(), "text/html", None, AS_OF)


def test_the_corpus_has_its_provenance_and_families():
    assert len(PAGES) >= 12
    for entry in PAGES:
        source = entry["source"]
        assert source["repo"] and source["path"] and len(source["commit"]) == 40, entry["file"]
        assert (CORPUS / entry["file"]).is_file()
        assert entry["truth"]["notes"]
    families = {e["family"] for e in PAGES}
    assert {"TRS WCM", "Hanweb"} <= families and len(families) >= 4


@pytest.mark.parametrize("entry", PAGES, ids=[e["file"] for e in PAGES])
def test_each_page_as_a_person_reads_it(entry):
    truth, record = entry["truth"], parsed(entry)
    assert record.charset == truth.get("charset", "utf-8")
    assert "示例" in record.title  # decoded: the rewritten text reads as written
    assert record.kind == truth["kind"], record.kind_evidence
    assert record.kind_evidence  # the evidence the kind was judged on is kept
    assert record.published == date.fromisoformat(truth["published"])
    assert record.published_from in truth["stated_in"]
    for key, value in truth.get("meta", {}).items():
        assert record.meta.get(key) == value, key
    for key in truth.get("has_meta", []):
        assert record.meta.get(key), key
    for key in truth.get("no_meta", []):
        assert key not in record.meta, key


def test_the_corpus_as_a_site_gives_no_false_finding(tmp_path):
    """Every corpus page under one homepage: articles and documents are no columns, their
    stated dates are read, their rewritten text holds no wrong word, their anchors exist."""
    records = [replace(parsed(e), status=200) for e in PAGES]
    home = PageRecord(
        url="http://www.example.gov.cn/",
        status=200,
        kind="home",
        content_type="text/html",
        links=tuple(Link(r.url, "a", "href", "文章") for r in records),
    )
    store = Store(tmp_path / "corpus.db")
    audit = store.start_audit("corpus", home.url, AS_OF, {})
    store.add_pages(audit, [home, *records])
    view = store.view(audit, snapshot=True)
    found = [
        *stale_columns.run(view, dict(stale_columns.DEFAULTS), AS_OF),
        *words.run(view, dict(words.DEFAULTS), AS_OF),
        *anchors.run(view, anchors.validate_rules(dict(anchors.DEFAULTS)), AS_OF),
    ]
    corpus_urls = {r.url for r in records}
    false = [
        (f.check, f.page_url, f.title)
        for f in found
        if f.page_url in corpus_urls or f.details.get("item_url") in corpus_urls
    ]
    assert false == []
    store.close()
