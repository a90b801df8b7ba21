"""The audit's helper process checks and reports what the audit process would, and a helper that
is gone only means the work is done in the audit process."""

from __future__ import annotations

import os
import time
from datetime import date

import pytest
from openpyxl import load_workbook
from reports_store import SITE, broken, make_audit, new_store, word
from start_imports import imported_at_start

from govaudit import checks, reports, text_checks
from govaudit.audit import run_checks
from govaudit.checks.judge import judge
from govaudit.core.model import ListItem, PageRecord
from govaudit.core.store import Store
from govaudit.helper import Helper
from govaudit.reports import report_settings, write_reports

AS_OF = date(2024, 3, 15)


@pytest.fixture(autouse=True)
def two_cores(monkeypatch):
    """The helper runs only on a machine with two cores or more; these tests are about it."""
    monkeypatch.setattr("os.cpu_count", lambda: 2)


def _store(tmp_path) -> tuple[Store, int]:
    """A site with a leak, a wrong word, an outdated name and a broken link."""
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("site", SITE + "/", AS_OF, {})
    leak = SITE + "/gsgg/202403/t20240312_1.html"
    items = (ListItem(leak, "关于就业见习人员名单的公示", date(2024, 3, 12), 0),)
    pages = [
        PageRecord(url=SITE + "/", status=200, kind="home", title="首页", text="请扫黑险恶。"),
        PageRecord(url=SITE + "/gsgg/", status=200, kind="list", title="公示", list_items=items),
        PageRecord(
            url=leak,
            status=200,
            kind="article",
            title="关于就业见习人员名单的公示",
            text="姓名 张某 身份证号 11010519491231002X 手机 13912345678",
            published=date(2024, 3, 12),
        ),
        PageRecord(url=SITE + "/gone.html", status=404, kind="other"),
    ]
    store.add_pages(audit, pages)
    return store, audit


def _rules() -> dict:
    return {m.SECTION: dict(m.DEFAULTS) for m in checks.REGISTRY}


def _broken_here(*args, **kwargs):
    raise AssertionError("ran in the audit process, not in the helper")


def test_text_checks_run_in_the_helper_with_the_same_findings(tmp_path, monkeypatch):
    store, audit = _store(tmp_path)
    alone = run_checks(store, audit, _rules(), AS_OF)
    assert {"privacy_leak", "wrong_word"} <= {f.check for f in alone}
    # In this process the text checks now fail: the findings can only come from the helper.
    monkeypatch.setattr(checks.words, "run", _broken_here)
    monkeypatch.setattr(checks.privacy_leak, "run", _broken_here)
    helper = Helper()
    try:
        assert helper.running
        assert run_checks(store, audit, _rules(), AS_OF, helper) == alone
    finally:
        helper.close()


def test_a_helper_that_died_leaves_the_work_to_the_audit_process(tmp_path):
    store, audit = _store(tmp_path)
    alone = run_checks(store, audit, _rules(), AS_OF)
    helper = Helper()
    try:
        helper._worker.process.kill()  # killed (out of memory, by hand) before the checks
        assert run_checks(store, audit, _rules(), AS_OF, helper) == alone
        assert not helper.running
        # Later work does not wait for it either.
        assert helper.submit(sorted, [3, 1, 2])() == [1, 2, 3]
    finally:
        helper.close()


def test_the_xlsx_written_in_the_helper_is_the_one_written_here(tmp_path, monkeypatch):
    store = new_store(tmp_path)
    audit = make_audit(store, [broken(f"{SITE}/gone.html"), word("杜家豪")], as_of=AS_OF)
    settings = report_settings({})
    here, _ = write_reports(store, audit, tmp_path / "here", settings, judge)
    monkeypatch.setattr(reports.xlsx, "Workbook", _broken_here)  # write_xlsx fails here
    helper = Helper()
    try:
        beside, listing = write_reports(
            store, audit, tmp_path / "beside", settings, judge, helper.submit
        )
    finally:
        helper.close()
    names = ["整改清单.xlsx", "report.html", "整改通知书.docx"]
    assert [p.name for p in beside] == [p.name for p in here] == names
    assert listing.score
    assert _cells(beside[0]) == _cells(here[0])
    assert beside[1].read_text(encoding="utf-8") == here[1].read_text(encoding="utf-8")


def _cells(path) -> dict:
    workbook = load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in workbook}


@pytest.mark.parametrize("cores", [1, None])
def test_no_helper_on_one_core(monkeypatch, cores):
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    helper = Helper()
    assert not helper.running
    assert helper.submit(sum, [1, 2])() == 3


def test_the_text_checks_are_built_before_their_first_page():
    """`warm_checks` (sent to the helper before the crawl) builds the typo detector's automaton
    and the words tokenizer in a thread, so the checks after the crawl no longer wait seconds
    for them and the batches written meanwhile do not wait either."""
    from govaudit.checks import suspected_typo, words

    rules = _rules()
    suspected_typo.detector_for.cache_clear()
    words.matcher_for.cache_clear()
    text_checks.warm_checks(
        rules, AS_OF
    )  # returns at once: the helper goes on writing the crawl's batches
    text_checks._warming.join()
    typo, word_rules = rules[suspected_typo.SECTION], rules[words.SECTION]
    detector = suspected_typo.detector_for(
        tuple(typo["wordlists"]), bool(typo["builtin_lists"]), tuple(typo["whitelist_terms"])
    )
    matcher = words.matcher_for(
        tuple(word_rules["wordlists"]),
        bool(word_rules["builtin_lists"]),
        tuple(word_rules["whitelist_terms"]),
    )
    assert detector._built and matcher._tok is not None
    assert detector.find("这部电影十分震憾人心。")[0].suggestion == "震撼人心"


def test_the_audit_process_starts_without_the_report_writers():
    """openpyxl, jinja2, python-docx and playwright are imported to write or to render, not to
    start: the helper imports the writers meanwhile (each costs the crawl's start ~50-300 ms)."""
    assert imported_at_start("openpyxl", "jinja2", "docx", "playwright") == []


def test_the_text_checks_drop_what_they_built_once_done(tmp_path):
    """`stored_findings` (the helper's text checks) releases the matchers, detectors and
    jieba's dictionary afterwards: the helper writes the xlsx next, and the audit's peak is the
    sum of its processes. Asked again, it builds them anew and finds the same."""
    from govaudit.checks import suspected_typo, wordmatch, words

    store, audit_id = _store(tmp_path)
    sections = [m.SECTION for m in checks.REGISTRY if getattr(m, "SCANS_TEXT", False)]
    first = text_checks.stored_findings(str(store.path), audit_id, sections, _rules(), AS_OF)
    assert {"privacy_leak", "wrong_word"} <= {f.check for f in first}
    assert words.matcher_for.cache_info().currsize == 0
    assert suspected_typo.detector_for.cache_info().currsize == 0
    assert wordmatch._base is None
    again = text_checks.stored_findings(str(store.path), audit_id, sections, _rules(), AS_OF)
    assert again == first


def _text_findings(store: Store, audit_id: int) -> list:
    """The text checks' findings as each check's `run` gives them over the stored pages."""
    view = store.view(audit_id)
    rules = _rules()
    return [f for m in text_checks.text_modules() for f in m.run(view, rules[m.SECTION], AS_OF)]


def _warmed(rules: dict) -> None:
    text_checks.warm_checks(rules, AS_OF)
    text_checks._warming.join()


def test_pages_checked_as_they_are_written_are_not_read_again(tmp_path, monkeypatch):
    """The helper checks each batch once written (`check_written`); after the crawl only the
    attachments are left, and the findings are those of checking the stored pages."""
    store, audit_id = _store(tmp_path)
    expected = _text_findings(store, audit_id)
    assert {"privacy_leak", "wrong_word"} <= {f.check for f in expected}
    _warmed(_rules())
    urls = [p.url for p in store.view(audit_id).pages()]
    assert text_checks.check_written(store, audit_id, urls) == len(urls) == 4
    for module in text_checks.text_modules():  # a page read again now fails the test
        monkeypatch.setattr(module, "page_check", _broken_here)
    sections = [m.SECTION for m in text_checks.text_modules()]
    assert text_checks.stored_findings(store.path, audit_id, sections, _rules(), AS_OF) == expected


def test_a_page_written_again_is_judged_as_last_written(tmp_path):
    store, audit_id = _store(tmp_path)
    leak = SITE + "/gsgg/202403/t20240312_1.html"
    _warmed(_rules())
    assert text_checks.check_written(store, audit_id, [leak]) == 1
    store.add_pages(audit_id, [PageRecord(url=leak, status=200, kind="article", text="已更正。")])
    assert text_checks.check_written(store, audit_id, [leak]) == 1
    sections = [m.SECTION for m in text_checks.text_modules()]
    found = text_checks.stored_findings(store.path, audit_id, sections, _rules(), AS_OF)
    assert found == _text_findings(store, audit_id)
    assert "privacy_leak" not in {f.check for f in found}
    assert {f.page_url for f in found} == {SITE + "/"}  # the home page, checked after the crawl


def test_a_check_failing_as_pages_are_written_leaves_them_for_after_the_crawl(
    tmp_path, monkeypatch
):
    """A check's bug must not stop the crawl's writes; after the crawl it is the audit's error."""
    store, audit_id = _store(tmp_path)
    expected = _text_findings(store, audit_id)
    _warmed(_rules())
    built = text_checks._page_checks
    text_checks._page_checks = [("words", _broken_here), *built]
    assert text_checks.check_written(store, audit_id, [SITE + "/"]) == 0
    text_checks._page_checks = built
    sections = [m.SECTION for m in text_checks.text_modules()]
    assert text_checks.stored_findings(store.path, audit_id, sections, _rules(), AS_OF) == expected


def test_the_helper_checks_the_batches_it_writes(tmp_path):
    """Through the store pipeline, as in a crawl: the batches written once the checks are built
    are checked in the helper (the `govaudit/checked_as_written` stat), and the findings after
    the crawl are the same as checking the stored pages here."""
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from govaudit.crawler.pipeline import StorePipeline, Writing

    store = Store(tmp_path / "g.db")
    audit_id = store.start_audit("site", SITE + "/", AS_OF, {})
    stats = MemoryStatsCollector(get_crawler())
    sections = [m.SECTION for m in text_checks.text_modules()]
    helper = Helper()
    try:
        helper.send(text_checks.warm_checks, _rules(), AS_OF)
        writing = Writing(written=text_checks.check_written)
        pipeline = StorePipeline(
            store, audit_id, None, stats, batch_size=2, helper=helper, writing=writing
        )
        deadline, n = time.monotonic() + 120, 0
        while not stats.get_value("govaudit/checked_as_written"):  # until the checks are built
            assert time.monotonic() < deadline
            for text in ("请扫黑险恶。", "已更正。"):
                page = PageRecord(url=f"{SITE}/{n}.html", status=200, kind="article", text=text)
                pipeline.process_item(page)
                n += 1
            pipeline.close()  # returns once the helper has written (and checked) the batch
        found = helper.submit(
            text_checks.stored_findings, store.path, audit_id, sections, _rules(), AS_OF
        )()
    finally:
        helper.close()
    assert stats.get_value("govaudit/checked_as_written") == 2  # the last batch
    assert found == _text_findings(store, audit_id)
    assert len([f for f in found if f.check == "wrong_word"]) == n // 2


def test_the_helper_writes_and_checks_without_importing_scrapy(tmp_path):
    """The helper writes the crawl's batches and checks their texts: Scrapy and Twisted (~30 MB
    of imports) are the audit process's alone."""
    from govaudit.core.store import page_rows
    from govaudit.crawler.pipeline import Writing, write_rows

    store, audit_id = _store(tmp_path)
    rows = page_rows(
        audit_id, [PageRecord(url=SITE + "/new.html", status=200, text="请扫黑险恶。")]
    )
    helper = Helper()
    try:
        helper.send(text_checks.warm_checks, _rules(), AS_OF)
        writing = Writing(written=text_checks.check_written)
        helper.send(write_rows, store.path, audit_id, rows, writing).result()
        loaded = "sorted({'scrapy', 'twisted'} & set(__import__('sys').modules))"
        assert helper._worker.submit("builtins", "eval", loaded).result() == []
    finally:
        helper.close()
    assert SITE + "/new.html" in store.recorded_urls(audit_id)


def test_the_helper_gives_way_to_the_crawl():
    """When both cores are busy, the crawl and the parse worker come first (HELPER_NICENESS)."""
    helper = Helper()
    try:
        helper.send(sorted, []).result()  # after `preload`: the requests run in order
        pid = helper._worker.process.pid
        assert os.getpriority(os.PRIO_PROCESS, pid) == os.getpriority(os.PRIO_PROCESS, 0) + 5
    finally:
        helper.close()
