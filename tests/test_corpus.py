"""The regression corpus of real markup (tests/fixtures/corpus/): pages of real sites of several
CMS families (TRS WCM, Hanweb/大汉, Ucap/开普云, EasySite, VSB/博达, 广州's 集约化 platform, an
AngularJS app as rendered, a Vue news client, other provincial CMSs, fund companies' 信息披露
lists; GB2312, UTF-16 and
stale-charset pages), rebuilt with their structure kept and their text rewritten (rebuild.py). Provenance and the ground truth read off
each original are in manifest.json; the audit is held to it: encoding, page kind, the stated
publication date and where it was read, document metadata (文号, 索引号 ...), the breadcrumb,
list items with their dates, columns, and no false finding on the corpus served on 127.0.0.1.

What the audit gets wrong today is listed in GAPS, aspect by aspect, as strict xfails: each
says why, and turns into a failure the day it is fixed, so that its entry is removed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from contract import valid_findings
from site_server import Reply, SiteServer

from govaudit.checks import missing_anchor as anchors
from govaudit.checks import stale_column as stale_columns
from govaudit.checks import words
from govaudit.core.columns import detect_columns
from govaudit.core.model import Link, PageRecord
from govaudit.core.store import Store
from govaudit.crawler.extract import parse_page

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "fixtures" / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
PAGES = MANIFEST["pages"]
LISTS = [e for e in PAGES if e["truth"]["kind"] == "list"]
DATED = [e for e in PAGES if "published" in e["truth"]]
DOCUMENTED = [e for e in PAGES if {"meta", "has_meta", "no_meta"} & set(e["truth"])]
CRUMBED = [e for e in PAGES if "breadcrumb" in e["truth"]]
AS_OF = date(2024, 12, 1)
HOME = "http://www.example.gov.cn/"

GAPS: dict[str, dict[str, str]] = {
    "kind": {},
    "date": {},
    "meta": {},
    "crumb": {},
    "items": {},
    "column": {},
    "store": {},
    "served": {},
}


def cases(entries: list[dict], aspect: str) -> list:
    gaps = GAPS[aspect]
    return [
        pytest.param(
            e,
            id=e["file"],
            marks=[pytest.mark.xfail(strict=True, reason=gaps[e["file"]])]
            if e["file"] in gaps
            else [],
        )
        for e in entries
    ]


def parsed(entry: dict) -> PageRecord:
    return parse_page(entry["url"], (CORPUS / entry["file"]).read_bytes(), "text/html", None, AS_OF)


def test_the_corpus_has_its_provenance_and_families():
    assert len(PAGES) >= 40
    for entry in PAGES:
        source = entry["source"]
        assert source["repo"] and source["path"] and len(source["commit"]) == 40, entry["file"]
        assert (CORPUS / entry["file"]).is_file()
        assert entry["truth"]["notes"]
    families = {e["family"] for e in PAGES}
    assert {"TRS WCM", "Hanweb", "Ucap/开普云"} <= families and len(families) >= 6
    assert len(LISTS) >= 5 and len({e["source"]["repo"] for e in PAGES}) >= 20
    assert all(GAPS[aspect].keys() <= {e["file"] for e in PAGES} for aspect in GAPS)


@pytest.mark.parametrize("entry", PAGES, ids=[e["file"] for e in PAGES])
def test_each_page_is_decoded(entry):
    record = parsed(entry)
    assert record.charset == entry["truth"].get("charset", "utf-8")
    assert "示例" in record.title  # the rewritten text reads as written


@pytest.mark.parametrize("entry", cases(PAGES, "kind"))
def test_each_page_kind_as_a_person_reads_it(entry):
    record = parsed(entry)
    assert record.kind == entry["truth"]["kind"], record.kind_evidence
    assert record.kind_evidence  # the evidence the kind was judged on is kept


@pytest.mark.parametrize("entry", cases(DATED, "date"))
def test_the_date_each_page_states(entry):
    truth, record = entry["truth"], parsed(entry)
    assert record.published == date.fromisoformat(truth["published"])
    assert record.published_from in truth["stated_in"]


@pytest.mark.parametrize("entry", cases(DOCUMENTED, "meta"))
def test_document_metadata_in_its_layout(entry):
    truth, record = entry["truth"], parsed(entry)
    for key, value in truth.get("meta", {}).items():
        assert record.meta.get(key) == value, key
    for key in truth.get("has_meta", []):
        assert record.meta.get(key), key
    for key in truth.get("no_meta", []):
        assert key not in record.meta, key


@pytest.mark.parametrize("entry", cases(CRUMBED, "crumb"))
def test_the_breadcrumb_a_reader_sees(entry):
    """The 当前位置 line as shown: not Hanweb's hidden block of column names and URLs
    (hiddenLocation: col1_name, col1_url …), not one string where a style sheet draws the
    separators between <li> items."""
    assert list(parsed(entry).breadcrumb) == entry["truth"]["breadcrumb"]


def test_no_breadcrumb_holds_an_address():
    for entry in PAGES:
        crumbs = parsed(entry).breadcrumb
        assert not any(re.search(r"\.html?|/col|^col\d*$", c) for c in crumbs), entry["file"]


@pytest.mark.parametrize("entry", cases(LISTS, "items"))
def test_list_items_and_their_dates(entry):
    """The repeated block of the main content, each item with the date the list gives it
    (not its URL's); navigation, pagers and breadcrumbs are no items."""
    record = parsed(entry)
    found = [[item.url, item.date and item.date.isoformat()] for item in record.list_items]
    assert found == entry["truth"]["items"]


@pytest.fixture(scope="module")
def corpus_view(tmp_path_factory):
    """Every corpus page under one homepage, in a real store (no crawl)."""
    records = [replace(parsed(e), status=200) for e in PAGES]
    home = PageRecord(
        url=HOME,
        status=200,
        kind="home",
        content_type="text/html",
        links=tuple(Link(e["url"], "a", "href", e["truth"].get("column", "文章")) for e in PAGES),
    )
    store = Store(tmp_path_factory.mktemp("corpus") / "corpus.db")
    audit = store.start_audit("corpus", HOME, AS_OF, {})
    store.add_pages(audit, [home, *records])
    yield store.view(audit, snapshot=True)
    store.close()


@pytest.mark.parametrize("entry", cases(LISTS, "column"))
def test_each_list_is_a_column_named_as_on_the_page(entry, corpus_view):
    columns = {c.url: c for c in detect_columns(corpus_view)}
    column = columns[entry["url"]]
    assert column.name == entry["truth"]["column"]
    if entry["truth"].get("loaded_by_script"):  # its entries are a script's: none to read
        assert column.loaded_by_script and not column.items
        return
    newest = max(d for _, d in entry["truth"]["items"])
    assert max(i.date for i in column.items if i.date).isoformat() == newest


def test_articles_and_documents_are_no_columns(corpus_view):
    columns = {c.url for c in detect_columns(corpus_view)}
    assert columns & {e["url"] for e in PAGES if e["truth"]["kind"] != "list"} == set()


def false_findings(findings: list[dict], url: str, entry: dict, checks: set[str]) -> list:
    """The findings about this page that the page does not bear out. The corpus' lists are
    years old against AS_OF: a stale_column at a list's newest item date is the true verdict;
    so is undecidable_column on a list only a script fills."""
    newest = max((d for _, d in entry["truth"].get("items", [])), default=None)
    scripted = entry["truth"].get("loaded_by_script", False)
    return [
        (f["check"], f["title"])
        for f in findings
        if f["check"] in checks
        and url in (f["page_url"], f.get("item_url"))
        and not (f["check"] == "stale_column" and newest and f.get("last_updated") == newest)
        and not (f["check"] == "undecidable_column" and scripted)
    ]


def test_a_list_only_a_script_fills_is_undecidable_never_blank(served_audit):
    """A single-veto 空白栏目 on a list the crawler cannot read would say more than it saw."""
    base, _, findings = served_audit
    for entry in (e for e in LISTS if e["truth"].get("loaded_by_script")):
        url = base + served_path(entry)
        checks = {f["check"] for f in findings if f["page_url"] == url}
        assert "undecidable_column" in checks and "empty_column" not in checks, entry["file"]


@pytest.fixture(scope="module")
def store_findings(corpus_view):
    found = [
        *stale_columns.run(corpus_view, dict(stale_columns.DEFAULTS), AS_OF),
        *words.run(corpus_view, dict(words.DEFAULTS), AS_OF),
        *anchors.run(corpus_view, anchors.validate_rules(dict(anchors.DEFAULTS)), AS_OF),
    ]
    return [f.to_json() for f in found]


@pytest.mark.parametrize("entry", cases(PAGES, "store"))
def test_no_false_finding_on_the_page_in_a_store(entry, store_findings):
    """Articles and documents are no columns, their stated dates are read, their rewritten
    text holds no wrong word, the anchors their links name exist."""
    checks = {"stale_column", "empty_column", "wrong_word", "missing_anchor"}
    assert false_findings(store_findings, entry["url"], entry, checks) == []


# -- the corpus served on 127.0.0.1 and audited by `govaudit audit` --------------------------

# The checks that judge what a page says; links are not asked (see `exclude` below).
CONTENT_CHECKS = {"stale_column", "empty_column", "undecidable_column", "date_mismatch"}
CONTENT_CHECKS |= {"wrong_word", "sensitive_word", "overdue_publication", "missing_anchor"}
PROFILE = """
[site]
name = "语料站点（测试）"
start_urls = ["{url}/"]

[crawl]
max_depth = 1
concurrency = 8
download_delay = 0
timeout = 2
retries = 0
# What the saved pages link to (their sites, their images and sheets) is out of reach here:
# only the homepage and the corpus pages are asked for.
exclude = ['{only}']

[checks.overdue_publication]
annual_report = false
"""


def served_path(entry: dict) -> str:
    """Each page at /<its host><its path>: its URL's date stays where the crawler reads it."""
    parts = urlsplit(entry["url"])
    return f"/{parts.hostname}{parts.path}"


@pytest.fixture(scope="module")
def served_audit(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("served")
    links = "".join(
        f'<li><a href="{served_path(e)}">{e["truth"].get("column", "文章")}</a></li>' for e in PAGES
    )
    home = f"<html><head><title>语料首页</title></head><body><ul>{links}</ul></body></html>"
    routes = {"/": Reply(home)}
    for e in PAGES:  # served as sites do: text/html, the charset left to the page
        routes[served_path(e)] = Reply((CORPUS / e["file"]).read_bytes(), content_type="text/html")
    with SiteServer(routes) as site:
        profile = tmp / "site.toml"
        paths = "|".join(re.escape(p.lstrip("/")) for p in routes if p != "/")
        only = f"^(?!{re.escape(site.url)}/(?:{paths})?$)"
        profile.write_text(PROFILE.format(url=site.url, only=only), encoding="utf-8")
        out = tmp / "out"
        cmd = [sys.executable, "-m", "govaudit.cli", "audit", site.url + "/", "--out", str(out)]
        cmd += ["--as-of", AS_OF.isoformat(), "--config", str(profile), "--quiet"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=REPO)
    findings = valid_findings(out / "findings.json")
    return site.url, done, findings


def test_the_served_corpus_is_audited(served_audit):
    _, done, _ = served_audit
    assert done.returncode in (0, 1), done.stderr[-2000:]


@pytest.mark.parametrize("entry", cases(PAGES, "served"))
def test_no_false_finding_on_the_served_page(entry, served_audit):
    base, _, findings = served_audit
    assert false_findings(findings, base + served_path(entry), entry, CONTENT_CHECKS) == []
