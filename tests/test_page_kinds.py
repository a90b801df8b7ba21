"""Page kind from evidence, not from one pattern (issue 17): a pager script, a ColumnName meta
tag or dated links in a sidebar or footer never make an article a column; the evidence each
kind was judged on is kept with the page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from govaudit.checks import stale_column as stale_columns
from govaudit.core.store import Store
from govaudit.crawler.extract import parse_page

SITE = "http://www.example.gov.cn"
AS_OF = date(2024, 6, 1)
TRS_PAGER = (
    '<script language="JavaScript">var currentPage = 0; var countPage = 3;'
    'createPageHTML(countPage, currentPage, "index", "html");</script>'
)


def html(head: str, body: str) -> bytes:
    return f"<html><head><title>页面</title>{head}</head><body>{body}</body></html>".encode()


def trs_article(with_pubdate_meta: bool) -> bytes:
    head = '<meta name="ColumnName" content="工作动态">' + (
        '<meta name="PubDate" content="2024-05-20 10:00">' if with_pubdate_meta else ""
    )
    body = (
        '<div class="nav"><a href="/">首页</a><a href="/gzdt/">工作动态</a></div>'
        '<div class="article"><h1>市局召开工作会议</h1><div class="info">发布时间：2024-05-20</div>'
        "<div class='content'><p>会议强调……</p><p>会议要求……</p></div>"
        f'<div id="pager"></div>{TRS_PAGER}</div>'
    )
    return html(head, body)


def test_an_article_with_a_pager_script_and_a_column_meta_is_an_article():
    for with_meta in (True, False):
        record = parse_page(f"{SITE}/gzdt/202405/t20240520_1.html", trs_article(with_meta))
        assert record.kind == "article", with_meta
        assert "分页脚本" in record.kind_evidence
        assert "栏目元标签（不作依据）" in record.kind_evidence
        assert "页面注明发布日期（label）" in record.kind_evidence


def sidebar_article() -> bytes:
    related = "".join(
        f'<li><a href="/2018-05/{d:02d}/content_17442{d:02d}.html">{name}</a></li>'
        for d, name in ((20, "关于我们"), (21, "联系我们"), (22, "网站地图"), (23, "版权声明"))
    )
    body = (
        "<h1>关于开展安全生产检查的通知</h1><p>发布日期：2024-03-01</p>"
        "<div class='text'><p>各单位：为做好……特此通知。</p></div>"
        f"<div class='side'><h3>相关链接</h3><ul>{related}</ul></div>"
        f"<div class='bottom'><ul>{related}</ul></div>"
    )
    return html("", body)


def test_an_article_whose_sidebar_links_carry_dated_urls_is_an_article():
    record = parse_page(f"{SITE}/tzgg/1.html", sidebar_article())
    assert record.kind == "article"
    assert any("日期仅见于链接地址" in e for e in record.kind_evidence)


def trs_list(rows: int) -> bytes:
    items = "".join(
        f'<li><a href="./202405/t202405{d:02d}_{d}.html">第{d}条工作动态</a><span>2024-05-{d:02d}</span></li>'
        for d in range(1, rows + 1)
    )
    empty = "" if rows else "<li>暂无信息</li>"
    return html(
        '<meta name="ColumnName" content="工作动态">',
        f'<ul class="list">{items}{empty}</ul>{TRS_PAGER}',
    )


def test_real_lists_stay_lists():
    full = parse_page(f"{SITE}/gzdt/index.html", trs_list(12))
    assert full.kind == "list" and len(full.list_items) == 12
    assert "列表条目 12 条" in full.kind_evidence and "分页脚本" in full.kind_evidence
    empty = parse_page(f"{SITE}/tzgg/index.html", trs_list(0))
    assert empty.kind == "list" and not empty.list_items  # an empty column is still one


def test_no_column_findings_from_articles(tmp_path: Path):
    store = Store(tmp_path / "a.db")
    audit = store.start_audit("example", f"{SITE}/", AS_OF, {})
    home = parse_page(
        f"{SITE}/",
        html(
            "",
            '<div class="news"><ul>'
            + "".join(
                f'<li><a href="/gzdt/202405/t202405{d}_1.html">动态{d}</a><span>2024-05-{d}</span></li>'
                for d in (20, 21, 22)
            )
            + '</ul></div><a href="/tzgg/1.html">通知</a>',
        ),
    )
    from dataclasses import replace

    pages = [
        replace(home, kind="home", status=200),
        replace(parse_page(f"{SITE}/gzdt/202405/t20240520_1.html", trs_article(False)), status=200),
        replace(parse_page(f"{SITE}/tzgg/1.html", sidebar_article()), status=200),
    ]
    store.add_pages(audit, pages)
    found = list(stale_columns.run(store.view(audit), dict(stale_columns.DEFAULTS), AS_OF))
    columns = [
        f for f in found if f.check in ("empty_column", "stale_column") and f.column != "首页"
    ]
    assert columns == []
    stored = store.view(audit).page(f"{SITE}/tzgg/1.html")
    assert stored.kind == "article" and stored.kind_evidence == pages[2].kind_evidence
    store.close()


def test_a_blocks_more_link_is_no_entry():
    rows = "".join(
        f'<li><a href="/gzdt/{d}.html">第{d}条动态</a><span>2024-05-0{d}</span></li>'
        for d in (1, 2)
    )
    body = (
        f'<div class="box"><ul>{rows}'
        '<li><a href="/gzdt/3.html">第3条动态</a><span>2024-05-03</span>'
        '<a href="/gzdt/" class="more">更多&gt;&gt;</a></li>'
        '<li><a href="/gzdt/">【更多】</a></li></ul></div>'
    )
    record = parse_page(f"{SITE}/", html("", body))
    assert [(i.url.removeprefix(SITE), i.date) for i in record.list_items] == [
        ("/gzdt/1.html", date(2024, 5, 1)),
        ("/gzdt/2.html", date(2024, 5, 2)),
        ("/gzdt/3.html", date(2024, 5, 3)),
    ]


def test_a_column_finding_says_what_its_page_was_judged_on(tmp_path: Path):
    from dataclasses import replace

    from govaudit.reports.labels import detail_text

    store = Store(tmp_path / "e.db")
    audit = store.start_audit("example", f"{SITE}/", AS_OF, {})
    home = parse_page(f"{SITE}/", html("", '<a href="/tzgg/index.html">通知公告</a>'))
    empty = parse_page(f"{SITE}/tzgg/index.html", trs_list(0))
    store.add_pages(audit, [replace(home, kind="home", status=200), replace(empty, status=200)])
    (finding,) = [
        f
        for f in stale_columns.run(store.view(audit), dict(stale_columns.DEFAULTS), AS_OF)
        if f.check == "empty_column"
    ]
    assert finding.details["evidence"] == list(empty.kind_evidence)
    assert "分页脚本" in finding.details["evidence"]
    assert "判定为栏目页的依据：" in detail_text(finding)
    store.close()


def test_an_empty_column_stays_empty_under_a_decorated_template(tmp_path: Path):
    """The links a template's decoration adds (CSS and background= images) are not content
    of its own: a page showing only its name is still a blank column."""
    from dataclasses import replace

    store = Store(tmp_path / "d.db")
    audit = store.start_audit("example", f"{SITE}/", AS_OF, {})
    home = parse_page(f"{SITE}/", html("", '<a href="/ghjh/index.html">规划计划</a>'))
    blank = parse_page(
        f"{SITE}/ghjh/index.html",
        html(
            "<title>规划计划</title><style>.t{background:url(/img/t.gif)}</style>",
            '<table background="/img/bg.gif"><tr><td style="background:url(/img/td.png)">'
            "规划计划</td></tr></table>",
        ),
    )
    store.add_pages(audit, [replace(home, kind="home", status=200), replace(blank, status=200)])
    empties = [
        f
        for f in stale_columns.run(store.view(audit), dict(stale_columns.DEFAULTS), AS_OF)
        if f.check == "empty_column"
    ]
    assert [f.page_url for f in empties] == [f"{SITE}/ghjh/index.html"]
    store.close()


# -- empty columns from their container (issue 21) ---------------------------------------------
CHROME_NAV = (
    '<div class="top"><a href="/">首页</a>'
    + "".join(f'<a href="/c{i}/">栏目{i}名称</a>' for i in range(12))
    + "</div>"
)
CHROME_FOOT = (
    '<div class="foot"><p>主办单位：临江市人力资源和社会保障局 地址：临江市人民路1号</p>'
    "<p>网站标识码：1234567890 皖ICP备12345678号</p></div>"
)
CRUMB = (
    '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zcjd/">政策解读</a></div>'
)


def column_page(main: str, script: str = "") -> bytes:
    return (
        "<html><head><title>政策解读_临江市人社局</title></head><body>"
        f"{CHROME_NAV}{CRUMB}{main}{CHROME_FOOT}{script}</body></html>"
    ).encode()


def empty_columns_of(tmp_path: Path, page: bytes) -> list:
    from dataclasses import replace

    tmp_path.mkdir(parents=True, exist_ok=True)
    store = Store(tmp_path / "e.db")
    audit = store.start_audit("example", f"{SITE}/", AS_OF, {})
    home = parse_page(f"{SITE}/", html("", '<a href="/zcjd/index.html">政策解读</a>'))
    record = parse_page(f"{SITE}/zcjd/index.html", page)
    store.add_pages(audit, [replace(home, kind="home", status=200), replace(record, status=200)])
    found = [
        f
        for f in stale_columns.run(store.view(audit), dict(stale_columns.DEFAULTS), AS_OF)
        if f.check == "empty_column"
    ]
    store.close()
    return found


@pytest.mark.parametrize(
    ("main", "container"),
    [
        (
            '<h2>政策解读</h2><ul class="list">\n  \n</ul><div class="page">共0条 第1/1页</div>',
            "ul.list",
        ),
        (
            '<h2>政策解读</h2><p>本栏目发布本局政策文件的解读材料。</p><div class="news_list"></div>',
            "div.news_list",
        ),
        ('<ul class="lb"><li></li><li> </li></ul>', "ul.lb"),
        (
            '<table class="tab"><thead><tr><th>标题</th><th>发布日期</th></tr></thead>'
            "<tbody></tbody></table>",
            "table.tab",
        ),
        ("<table><tr><th>标题</th><th>发布日期</th></tr></table>", "table"),
    ],
)
def test_an_empty_list_container_makes_an_empty_column(tmp_path: Path, main: str, container: str):
    page = column_page(f'<div class="main">{main}</div>')
    record = parse_page(f"{SITE}/zcjd/index.html", page)
    assert record.kind == "list" and not record.list_items
    assert f"空列表容器（{container}）" in record.kind_evidence
    (finding,) = empty_columns_of(tmp_path, page)
    assert finding.column == "政策解读" and finding.severity == "critical"
    assert finding.title == "空白栏目：政策解读（栏目下没有任何信息）"
    assert f"空列表容器（{container}）" in finding.details["evidence"]


@pytest.mark.parametrize("phrase", ["暂无信息", "暂无数据", "没有记录"])
def test_a_list_saying_it_has_nothing_is_an_empty_column(tmp_path: Path, phrase: str):
    page = column_page(
        '<div class="main"><table class="tab"><tr><th>标题</th><th>日期</th></tr>'
        f'<tr><td colspan="2">{phrase}</td></tr></table></div>'
    )
    assert parse_page(f"{SITE}/zcjd/index.html", page).kind == "list"
    (finding,) = empty_columns_of(tmp_path, page)
    assert finding.column == "政策解读"


def test_an_empty_box_on_an_article_or_a_text_page_makes_no_column(tmp_path: Path):
    article = column_page(
        '<div class="main"><h1>关于失业保险政策的解读</h1><p>发布日期：2024-05-01</p>'
        '<p>正文内容……</p><div class="xgxx"><h3>相关信息</h3><ul class="list"></ul>'
        "<table><tr><th>附件</th><th>大小</th></tr></table></div></div>"
    )
    record = parse_page(f"{SITE}/zcjd/202405/t20240501_1.html", article)
    assert record.kind == "article"
    text_page = column_page(
        '<div class="main"><h1>机构职能</h1><p>'
        + "负责全市人力资源和社会保障工作，拟订并组织实施有关政策。" * 12
        + '</p><ul class="list"></ul></div>'
    )
    for page in (article, text_page):
        assert empty_columns_of(tmp_path / str(len(page)), page) == []


def test_a_script_filled_list_is_never_judged_empty_by_its_container():
    page = column_page(
        '<div class="main"><ul class="list" id="list"></ul></div>',
        '<script>$.ajax({url: "/api/zcjd/list.json", success: render});</script>',
    )
    record = parse_page(f"{SITE}/zcjd/index.html", page)
    assert record.meta.get("list_loaded_by_script") == "1"
    assert not any(e.startswith("空列表容器") for e in record.kind_evidence)


def test_a_list_an_avalon_template_repeats_is_script_filled_not_empty(tmp_path: Path):
    """福建's TRS 信息公开 lists: a <dl> of column heads, the rows an avalon `ms-repeat` template,
    the loader a module (require(["list2.trsapi"])): no loader call shows, the list is still
    a script's, 无法判定 and never a blank column."""
    main = (
        '<div class="rules_tabs_01"><dl><dt>序号</dt><dt>标题</dt><dt>发文字号</dt>'
        "<dt>成文日期</dt><dt>发布日期</dt></dl></div>"
        '<div class="rules_tabs_01"><dl ms-repeat="list"><dd ms-text="$index+1"></dd>'
        '<dd><a ms-attr-href="el.chnldocurl" ms-text="el.doctitle"></a></dd>'
        "<dd ms-text=\"el.pubdate|date('yyyy-MM-dd')\"></dd></dl></div>"
    )
    script = '<script>require(["tools", "jquery", "list2.trsapi"], function (t, $, m) {});</script>'
    page = column_page(main, script)
    record = parse_page(f"{SITE}/zcjd/index.html", page)
    assert record.kind == "list" and record.meta.get("list_loaded_by_script") == "1"
    assert record.meta.keys() <= {"list_loaded_by_script"}  # column heads are no metadata
    assert empty_columns_of(tmp_path / "avalon", page) == []


def test_an_undated_trs_article_with_same_day_related_articles_is_no_list():
    """TRS article names (t20250624_100496.html) look like `<stem>_N.html`: the related
    articles of the same day are no further pages of a list, and make no column."""
    related = "".join(
        f'<li><a href="./t20250624_{n}.html">相关文章标题第{n}篇</a></li>' for n in (100497, 100498)
    )
    body = (
        "<h1>关于开展专项检查的通知</h1><div class='content'><p>各单位：现将有关事项通知如下。</p></div>"
        f"<div class='xgwz'><h3>相关文章</h3><ul>{related}</ul></div>"
    )
    record = parse_page(f"{SITE}/zwgk/tzgg/202506/t20250624_100496.html", html("", body))
    assert record.pagination == ()
    assert record.kind != "list", record.kind_evidence
