"""A verdict needs the evidence it names (issue 17): a date mismatch both dates as the pages
state them, an outdated name a use of the name rather than a citation of a document, a 发布日期
a date the page gives as its publication date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from govaudit.checks import stale_column as stale_columns
from govaudit.checks import words
from govaudit.core.model import Link, ListItem, PageRecord
from govaudit.core.store import Store
from govaudit.crawler.extract import parse_page

SITE = "http://www.example.gov.cn"
AS_OF = date(2024, 6, 1)


def _html(title: str, body: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode()


# -- where a 发布日期 comes from ---------------------------------------------------------------


def test_the_source_of_a_publish_date_is_recorded():
    labelled = parse_page(
        f"{SITE}/a/t20240301_1.html", _html("通知", "<p>发布日期：2024-02-28</p>")
    )
    assert (labelled.published, labelled.published_from) == (date(2024, 2, 28), "label")
    by_url = parse_page(f"{SITE}/a/t20240301_1.html", _html("通知", "<p>正文没有日期。</p>"))
    assert (by_url.published, by_url.published_from) == (date(2024, 3, 1), "url")
    tagged = parse_page(
        f"{SITE}/a/1.html",
        b'<html><head><meta name="PubDate" content="2024-01-05 09:00"></head><body>x</body></html>',
    )
    assert (tagged.published, tagged.published_from) == (date(2024, 1, 5), "meta")
    none = parse_page(f"{SITE}/a/1.html", _html("通知", "<p>无日期</p>"))
    assert (none.published, none.published_from) == (None, None)


def test_the_date_a_law_was_passed_is_no_publish_date():
    body = (
        "<h1>中华人民共和国劳动合同法</h1>"
        "<p>（2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过）</p>"
        "<p>第一条 为了完善劳动合同制度……</p>"
    )
    record = parse_page(f"{SITE}/fg/ldhtf.html", _html("劳动合同法", body))
    assert record.published is None
    # a date line under the title that says nothing else is still read
    plain = "<h1>关于开展检查的通知</h1><p>2024-03-05</p><p>各单位：……</p>"
    assert parse_page(f"{SITE}/tz/1.html", _html("通知", plain)).published == date(2024, 3, 5)


def test_a_date_mismatch_needs_the_date_the_article_states(tmp_path: Path):
    """The list says 2024-01-05; one article states 2024-03-01, the other only has it in its
    URL: only the first is a mismatch."""
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("example", f"{SITE}/", AS_OF, {})
    stated, by_url = f"{SITE}/gzdt/t20240301_1.html", f"{SITE}/gzdt/t20240301_2.html"
    items = tuple(
        ListItem(url, f"第{i}条工作动态", date(2024, 1, 5), i)
        for i, url in enumerate([stated, by_url])
    ) + tuple(
        ListItem(f"{SITE}/gzdt/{i}.html", f"动态{i}", date(2024, 5, 20), i) for i in range(2, 5)
    )
    home = PageRecord(
        url=f"{SITE}/",
        status=200,
        kind="home",
        links=(Link(f"{SITE}/gzdt/", "a", "href", "工作动态"),),
    )
    column = PageRecord(
        url=f"{SITE}/gzdt/", status=200, kind="list", title="工作动态", list_items=items
    )
    articles = [
        PageRecord(
            url=stated,
            status=200,
            kind="article",
            published=date(2024, 3, 1),
            published_from="label",
        ),
        PageRecord(
            url=by_url, status=200, kind="article", published=date(2024, 3, 1), published_from="url"
        ),
    ]
    store.add_pages(audit, [home, column, *articles])
    rules = {**stale_columns.DEFAULTS}
    found = [
        f for f in stale_columns.run(store.view(audit), rules, AS_OF) if f.check == "date_mismatch"
    ]
    assert [f.details["item_url"] for f in found] == [stated]
    assert found[0].details["page_date"] == date(2024, 3, 1)
    store.close()


# -- citations ---------------------------------------------------------------------------------


def word_findings(tmp_path: Path, text: str, **meta: str) -> list:
    store = Store(tmp_path / "w.db")
    audit = store.start_audit("example", f"{SITE}/", AS_OF, {})
    page = PageRecord(
        url=f"{SITE}/a.html",
        status=200,
        kind="article",
        text=text,
        published=date(2024, 5, 1),
        meta=meta,
    )
    store.add_pages(audit, [page])
    found = list(words.run(store.view(audit), dict(words.DEFAULTS), AS_OF))
    store.close()
    return found


def test_an_old_name_inside_a_cited_title_is_at_most_a_hint(tmp_path: Path):
    text = "根据《国家卫生计生委关于印发医疗机构管理办法的通知》要求，我委开展了检查。"
    (found,) = word_findings(tmp_path, text)
    assert found.severity == "minor" and found.title.startswith("提示：")
    assert found.details["citation"] == "出现在引用的文件名称《》中"


def test_an_old_name_in_a_cited_decision_before_its_number_is_at_most_a_hint(tmp_path: Path):
    text = (
        "当事人不服中国银行保险监督管理委员会金华监管分局行政处罚决定书"
        "（金银保监罚决字〔2021〕12号），申请行政复议。"
    )
    (found,) = word_findings(tmp_path, text)
    assert found.severity == "minor" and "文号" in found.details["citation"]


def test_an_old_name_used_in_the_pages_own_words_stays_an_error(tmp_path: Path):
    (used,) = word_findings(tmp_path, "请到国土资源部办理相关手续。")
    assert used.severity != "minor" and "citation" not in used.details


def test_a_use_beside_a_citation_decides(tmp_path: Path):
    mixed = "依据《国土资源部关于加强管理的通知》，请到国土资源部办理。"
    (both,) = word_findings(tmp_path, mixed)
    assert (
        both.severity != "minor" and "citation" not in both.details and both.details["count"] == 2
    )


def test_the_pages_own_number_cites_nothing(tmp_path: Path):
    own = "国土资源部文件 国土资发〔2023〕5号 关于开展土地检查的通知"
    (mine,) = word_findings(tmp_path, own, 文号="国土资发〔2023〕5号")
    assert mine.severity != "minor" and "citation" not in mine.details
    (tmp_path / "other").mkdir()
    (cited,) = word_findings(tmp_path / "other", own)  # without its own number: a citation
    assert cited.severity == "minor"


# -- document metadata in its layouts ---------------------------------------------------------

NUMBER = "金罚决字〔2024〕36号"
LAYOUTS = {
    "th/td": (
        "<table><tr><th>索引号</th><td>001/2024-01</td><th>发布机构</th><td>市金融局</td></tr>"
        f"<tr><th>文号</th><td>{NUMBER}</td><th>成文日期</th><td>2024-03-01</td></tr></table>"
    ),
    "td/td": f"<table><tr><td>文号</td><td>{NUMBER}</td></tr><tr><td>主题分类</td><td>财政</td></tr></table>",
    "dl": f"<dl><dt>发文字号：</dt><dd>{NUMBER}</dd><dt>有效性：</dt><dd>有效</dd></dl>",
    "spans": f"<ul><li><span class='l'>发文字号：</span><span class='v'>{NUMBER}</span></li></ul>",
    "label above": (
        "<table><tr><th>索引号</th><th>发文字号</th><th>成文日期</th></tr>"
        f"<tr><td>001/2024-01</td><td>{NUMBER}</td><td>2024-03-01</td></tr></table>"
    ),
    # a header row in <thead> (索取号, 备注: one a variant, one no label), values in <tbody>
    "labels above, thead": (
        "<table><tbody><thead><tr><td>索取号</td><td>发布时间</td><td>发布机构</td>"
        "<td>文件编号</td><td>备注</td></tr></thead>"
        f"<tr><td>001/2024-01</td><td></td><td>市金融局</td><td>{NUMBER}</td><td></td></tr>"
        "</tbody></table>"
    ),
    "merged cells": (
        "<table><tr><td>标题</td><td colspan='3'>关于某某的决定</td></tr>"
        f"<tr><td>文&nbsp;&nbsp;&nbsp;&nbsp;号</td><td colspan='3'>{NUMBER}</td></tr></table>"
    ),
    "nested label": f"<table><tr><td><strong>发文字号</strong>：</td><td><span><font>{NUMBER}</font></span></td></tr></table>",
    "text run": f"<p>索引号：001/2024-01 发文字号：{NUMBER} 发布机构：市金融局</p>",
}


def test_the_document_number_in_every_layout():
    for name, body in LAYOUTS.items():
        record = parse_page(f"{SITE}/xxgk/{len(name)}.html", _html("决定书", body))
        assert record.meta.get("文号") == NUMBER, name


def test_a_list_under_a_header_row_is_no_document_table():
    rows = "".join(
        f"<tr><td>001/2024-0{i}</td><td>某政发〔2024〕{i}号</td><td>2024-03-0{i}</td></tr>"
        for i in range(1, 4)
    )
    body = f"<table><tr><th>索引号</th><th>文号</th><th>发布日期</th></tr>{rows}</table>"
    record = parse_page(f"{SITE}/xxgk/list.html", _html("文件", body))
    assert "文号" not in record.meta and "索引号" not in record.meta


def test_an_old_name_in_a_linked_documents_title_is_at_most_a_hint(tmp_path: Path):
    title = "国土资源部关于加强土地管理工作的通知"
    text = f"相关文件\n{title}\n请各单位遵照执行。"
    store = Store(tmp_path / "l.db")
    audit = store.start_audit("example", f"{SITE}/", AS_OF, {})
    linking = PageRecord(
        url=f"{SITE}/a.html",
        status=200,
        kind="article",
        text=text,
        published=date(2024, 5, 1),
        links=(Link(f"{SITE}/old/doc.html", "a", "href", title),),
    )
    plain = PageRecord(
        url=f"{SITE}/b.html", status=200, kind="article", text=text, published=date(2024, 5, 1)
    )
    store.add_pages(audit, [linking, plain])
    found = {f.page_url: f for f in words.run(store.view(audit), dict(words.DEFAULTS), AS_OF)}
    store.close()
    assert found[f"{SITE}/a.html"].severity == "minor"
    assert found[f"{SITE}/a.html"].details["citation"] == "出现在链接的文件标题中"
    # the same words, not a link: the page uses the name itself
    assert found[f"{SITE}/b.html"].severity != "minor"
