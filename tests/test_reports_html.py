"""report.html parsed with lxml: self-contained, escaped, masked, filterable, with scorecard."""

from datetime import date

import lxml.html
import pytest
from reports_store import HOSTILE_TITLES, RAW_ID, SITE, broken, make_audit, new_store, stale, word

from govaudit.checks.judge import judge
from govaudit.core.model import Finding
from govaudit.reports import report_settings, write_reports


@pytest.fixture
def page(tmp_path):
    store = new_store(tmp_path)
    findings = [broken(f"{SITE}/x{i}.pdf", title=t) for i, t in enumerate(HOSTILE_TITLES)]
    findings += [
        word("杜家豪", title="错别字（联系电话 13812345678）", context=f"身份证 {RAW_ID}"),
        stale("工作动态", 40),
        Finding(
            id="mystery-1",
            check="mystery_check",
            severity="minor",
            page_url="javascript:alert(2)",
            title="未知检查",
            details={"foo": "<b>bar</b>"},
        ),
    ]
    audit = make_audit(store, findings, homepage_newest=date(2024, 2, 20))
    paths, _ = write_reports(store, audit, tmp_path / "out", report_settings({}), judge)
    html = next(p for p in paths if p.suffix == ".html")
    assert html.name == "report.html"
    text = html.read_text(encoding="utf-8")
    return text, lxml.html.fromstring(text)


def test_self_contained(page):
    text, doc = page
    assert not doc.xpath("//link[@rel='stylesheet'] | //script[@src] | //img[@src] | //iframe")
    assert len(doc.xpath("//style")) == 1
    (script,) = doc.xpath("//script")
    csp = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp


def test_hostile_titles_are_escaped_text(page):
    text, doc = page
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert len(doc.xpath("//script")) == 1  # only the filter script
    descriptions = doc.xpath("//table[@id='open-list']/tbody/tr/td[4]/text()")
    for title in HOSTILE_TITLES:
        assert title.strip() in [d.strip() for d in descriptions]
    assert "<b>bar</b>" not in text and not doc.xpath("//td//b")


def test_links_only_for_http_urls(page):
    _, doc = page
    hrefs = doc.xpath("//a/@href")
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    row = doc.xpath("//tr[@id='f-mystery-1']")[0]
    assert not row.xpath(".//a") and "javascript:alert(2)" in row.text_content()


def test_masking(page):
    text, doc = page
    assert RAW_ID not in text and "13812345678" not in text
    assert "1101**********4514" in doc.text_content() and "138****5678" in doc.text_content()


def test_rows_carry_filter_attributes(page):
    _, doc = page
    rows = doc.xpath("//table[@id='open-list']/tbody/tr")
    assert len(rows) == len(HOSTILE_TITLES) + 3
    assert {r.get("data-severity") for r in rows} == {"critical", "major", "minor"}
    assert {r.get("data-check") for r in rows} == {
        "broken_link",
        "wrong_word",
        "stale_column",
        "mystery_check",
    }
    options = doc.xpath("//select[@data-filter='check']/option/@value")
    assert set(options) == {"", "broken_link", "wrong_word", "stale_column", "mystery_check"}
    assert doc.xpath("//select[@data-filter='severity']/option/@value") == [
        "",
        "critical",
        "major",
        "minor",
    ]


def test_scorecard_on_top_and_charts(page):
    _, doc = page
    sections = [s.get("id") for s in doc.xpath("//main/section")]
    assert sections[0] == "scorecard" and {"charts", "list", "fixed", "suppressed"} <= set(sections)
    rows = doc.xpath("//section[@id='scorecard']//tbody/tr")
    cells = {r.xpath("td[1]")[0].text_content(): r.xpath("td")[1:4] for r in rows}
    home = cells["首页信息不更新"]
    assert home[0].text_content() == "10 天" and home[2].text_content() == "预警"
    assert cells["严重表述错误（严重错别字、敏感表述）"][2].text_content() == "否决"
    assert doc.xpath("//p[@class='overall']/span")[0].text_content() == "否决"
    bars = doc.xpath("//section[@id='charts']//span[contains(@class,'bar ')]")
    assert bars and all("width:" in b.get("style") for b in bars)
    labels = doc.xpath("//section[@id='charts']//span[@class='bar-label']/text()")
    assert "链接不可用" in labels and "工作动态" in labels


def test_a_failed_write_leaves_the_last_report_whole(tmp_path, monkeypatch):
    """report.html is written piece by piece to a part file and moved into place complete: a
    render that fails half way (a bug in a row's filter) leaves the previous report."""
    from govaudit.reports import html
    from govaudit.reports.listing import build_listing

    store = new_store(tmp_path)
    audit = make_audit(store, [broken(f"{SITE}/a.pdf"), word("杜家豪")])
    data = build_listing(store, audit, report_settings({}), judge)
    out = tmp_path / "out"
    out.mkdir()
    path = html.write_html(data, out)
    written = path.read_text(encoding="utf-8")
    assert "杜家豪" in written and written.rstrip().endswith("</html>")

    def failing(value):
        raise RuntimeError("a bug")

    monkeypatch.setattr(html, "linkify", failing)
    with pytest.raises(RuntimeError):
        html.write_html(data, out)
    assert [p.name for p in out.iterdir()] == ["report.html"]
    assert path.read_text(encoding="utf-8") == written


def test_problem_types_with_equal_counts_keep_one_order_whatever_the_hash_seed(tmp_path):
    """The chart by problem type orders equal counts by name, not by string hashing: two runs
    of one audit give the same report.html."""
    import os
    import subprocess
    import sys

    store = new_store(tmp_path)
    audit = make_audit(store, [broken(f"{SITE}/a.pdf"), word("杜家豪"), stale("通知公告", 200)])
    store.close()
    code = (
        "import sys; from govaudit.core.store import Store; from govaudit.checks.judge import judge;"
        "from govaudit.reports import report_settings; from govaudit.reports.listing import "
        "build_listing; d = build_listing(Store(sys.argv[1]), int(sys.argv[2]), "
        "report_settings({}), judge); print('|'.join(n for n, _, _ in d.by_check))"
    )
    orders = set()
    for seed in range(6):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        cmd = [sys.executable, "-c", code, str(tmp_path / "audits.db"), str(audit)]
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        orders.add(done.stdout.strip())
    (order,) = orders
    names = order.split("|")
    assert len(names) == 3 and names == sorted(names)
