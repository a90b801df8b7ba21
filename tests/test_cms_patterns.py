"""CMS patterns the bundled sample does not use (Hanweb, UCAP, 信息公开平台): parsing and one audit.

The site is `tests/cms_sites.py`; the unit tests parse its pages with `crawler.extract.parse_page`
(no server), the end-to-end test crawls it on 127.0.0.1 with `govaudit audit` and compares the
findings with its PLANTED problems and TRAPS.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from cms_sites import (
    AJAX_COLUMN,
    AS_OF,
    DATAPROXY,
    DEPT_DOC,
    JPAGE_INLINE,
    JPAGE_NEWEST,
    JPAGE_PROXY,
    PLANTED,
    POLICY_LATE,
    READING_ON_TIME,
    SOFT_404,
    TRAPS,
    build_routes,
    dataproxy,
)
from contract import valid_findings
from site_server import SiteServer

from govaudit.core.model import LOADED_BY_SCRIPT
from govaudit.crawler.extract import is_datastore_answer, parse_page
from govaudit.crawler.extract.datastore import MAX_PROXY_RECORDS

REPO = Path(__file__).resolve().parents[1]
BASE = "http://qh.example.gov.cn"


@pytest.fixture(scope="module")
def routes():
    return build_routes()


def parsed(routes, path: str):
    reply = routes[path]
    ctype = reply.content_type or ""
    charset = ctype.split("charset=", 1)[1] if "charset=" in ctype else None
    return parse_page(BASE + path, reply.payload(), ctype.split(";")[0], charset)


def items_of(record) -> list[tuple[str, date | None]]:
    return [(i.url.removeprefix(BASE), i.date) for i in record.list_items]


# -- lists ---------------------------------------------------------------------------------------


def test_hanweb_datastore_records_are_list_items_and_links(routes):
    """Hanweb ships list rows as CDATA records inside <script type="text/xml">."""
    page = parsed(routes, "/col/col1001/index.html")
    assert page.kind == "list"
    assert items_of(page) == [
        ("/art/2024/5/28/art_1001_101.html", date(2024, 5, 28)),
        ("/art/2024/5/20/art_1001_102.html", date(2024, 5, 20)),
        ("/art/2024/5/6/art_1001_103.html", date(2024, 5, 6)),
    ]
    assert page.list_items[0].title == "县委常委会召开扩大会议研究部署防汛工作"
    targets = {link.target.removeprefix(BASE) for link in page.links}
    assert "/art/2024/5/6/art_1001_103.html" in targets
    assert "县政府召开第十二次常务会议" in page.text
    assert page.pagination[0] == BASE + "/col/col1001/index.html?uid=5&pageIndex=2"
    # the rest of the datastore, from the <nextgroup> proxy (see the jpage tests below)
    assert page.pagination[1].startswith(BASE + DATAPROXY + "?page=1&webid=1&path=/&columnid=1001")
    assert page.pagination[1].endswith("&startrecord=4&endrecord=1003&perpage=15")
    assert len(page.pagination) == 2
    assert page.breadcrumb == ("首页", "新闻中心", "要闻动态")


def test_empty_hanweb_datastore_is_a_blank_page(routes):
    page = parsed(routes, "/col/col1009/index.html")
    assert page.list_items == () and page.breadcrumb[-1] == "专项资金"
    assert "jpage" not in page.text


def test_jpage_nextgroup_is_followed_for_the_rows_not_inline(routes):
    """The first rows are inline; jpage.js fetches the rest from the <nextgroup> dataproxy.jsp
    with startrecord/endrecord/perpage: the crawler asks for the same, once, bounded."""
    page = parsed(routes, "/col/col1010/index.html")
    assert [u for u, _ in items_of(page)] == [p for p, _, _ in JPAGE_INLINE]
    proxy = [u for u in page.pagination if DATAPROXY in u]
    assert len(proxy) == 1
    query = dict(parse_qsl(urlsplit(proxy[0]).query))
    assert query["columnid"] == "1010" and query["webname"] == "清河县人民政府"
    # 3 rows inline, <totalrecord>15</totalrecord>: rows 4..15, the template's perPage
    assert (query["startrecord"], query["endrecord"], query["perpage"]) == ("4", "15", "15")
    assert LOADED_BY_SCRIPT not in page.meta


def test_jpage_nextgroup_without_total_is_bounded():
    body = (
        b'<html><body><div id="7"><script type="text/xml"><datastore><nextgroup><![CDATA['
        b'<a href="/module/web/jpage/dataproxy.jsp?page=1&startrecord=1&columnid=7"></a>]]>'
        b"</nextgroup><recordset></recordset></datastore></script></div></body></html>"
    )
    page = parse_page(BASE + "/col/col7/index.html", body, "text/html", "utf-8")
    query = parse_qsl(urlsplit(page.pagination[0]).query)
    # a parameter the site wrote is kept as written; the end is bounded
    assert query == [
        ("page", "1"),
        ("startrecord", "1"),
        ("columnid", "7"),
        ("endrecord", str(MAX_PROXY_RECORDS)),
        ("perpage", "15"),
    ]
    # every row inline already (<totalrecord> says so): nothing to fetch
    full = body.replace(b"<recordset>", b"<totalrecord>0</totalrecord><recordset>")
    assert parse_page(BASE + "/col/col7/index.html", full, "text/html", "utf-8").pagination == ()


@pytest.mark.parametrize("ctype", ["text/xml", "text/html", None])
def test_dataproxy_xml_answer_is_a_list_page(ctype):
    """dataproxy.jsp answers `<?xml ...?><datastore><recordset><record><![CDATA[<li>…`; servers
    label it text/xml, text/html or nothing."""
    reply = dataproxy(DATAPROXY + "?page=1&columnid=1010&startrecord=4&endrecord=15&perpage=15")
    url = BASE + DATAPROXY + "?page=1&columnid=1010&startrecord=4&endrecord=15&perpage=15"
    page = parse_page(url, reply.payload(), ctype, "utf-8")
    assert page.kind == "list"
    assert items_of(page) == [(p, date.fromisoformat(w[:10])) for p, _, w in JPAGE_PROXY]
    assert page.list_items[0].title == JPAGE_PROXY[0][1]
    assert {link.target.removeprefix(BASE) for link in page.links} >= {p for p, _, _ in JPAGE_PROXY}
    assert page.pagination == () and page.size == len(reply.payload())


def test_gbk_dataproxy_answer_without_declaration_charset():
    body = (
        '<?xml version="1.0" encoding="GBK"?><datastore><recordset><record><![CDATA[<li>'
        '<a href="/art/2024/5/1/art_9_1.html">关于开展安全检查的通知</a><span>2024-05-01</span>'
        "</li>]]></record></recordset></datastore>"
    ).encode("gbk")
    page = parse_page(BASE + DATAPROXY + "?columnid=9", body, "text/xml", None)
    assert [(i.title, i.date) for i in page.list_items] == [
        ("关于开展安全检查的通知", date(2024, 5, 1))
    ]


def test_ordinary_xml_is_not_a_datastore():
    assert not is_datastore_answer(b'<?xml version="1.0"?><rss><channel/></rss>', "text/xml")
    assert is_datastore_answer(b"\n <datastore><recordset></recordset></datastore>", None)


def test_ajax_list_is_recorded_as_loaded_by_script(routes):
    page = parsed(routes, AJAX_COLUMN)
    assert page.list_items == ()
    assert page.meta[LOADED_BY_SCRIPT] == "1"


@pytest.mark.parametrize(
    "body",
    [
        # Vue mount point, rendered in the browser
        '<div id="app"></div><script src="/js/app.js"></script>'
        '<script>fetch("/api/news?col=3").then(r => r.json())</script>',
        # unrendered template
        '<ul class="list"><li v-for="n in news"><a :href="n.url">{{ n.title }}</a></li></ul>'
        '<script>axios.get("/api/news")</script>',
        # Hanweb list written entirely by the proxy (no datastore in the page)
        '<div id="4393" class="lm_list"></div><script src="/module/web/jpage/jpage.js"></script>',
        # XMLHttpRequest into an empty table body
        '<table><tbody id="rows"></tbody></table>'
        '<script>var x = new XMLHttpRequest(); x.open("GET", "data/list.json");</script>',
    ],
)
def test_script_loaded_list_patterns(body):
    html = f"<html><body><div class='wz'>当前位置：首页 &gt; 通知公告</div>{body}</body></html>"
    page = parse_page(BASE + "/col/c/index.html", html.encode(), "text/html", "utf-8")
    assert page.meta.get(LOADED_BY_SCRIPT) == "1"


@pytest.mark.parametrize(
    "body",
    [
        # a visit counter's ajax on a truly empty column: no empty list container
        '<div class="nodata">暂无信息</div><script>$.ajax({url: "/count.jsp?id=1"})</script>',
        # an empty Hanweb datastore: the data is in the page, and there is none
        '<div id="9"><script type="text/xml"><datastore><recordset></recordset></datastore>'
        '</script><script src="/module/web/jpage/jpage.js"></script></div>',
        # an empty list without any loader script
        '<ul class="list"></ul>',
    ],
)
def test_empty_lists_not_loaded_by_script(body):
    html = f"<html><body><div class='wz'>当前位置：首页 &gt; 通知公告</div>{body}</body></html>"
    page = parse_page(BASE + "/col/c/index.html", html.encode(), "text/html", "utf-8")
    assert LOADED_BY_SCRIPT not in page.meta


def test_ucap_table_with_dotted_dates_and_page_query(routes):
    page = parsed(routes, "/col/col1002/index.html")
    assert page.kind == "list"
    assert items_of(page) == [
        ("/art/2023/10/8/art_1002_201.html", date(2023, 10, 8)),
        ("/art/2023/9/12/art_1002_202.html", date(2023, 9, 12)),
    ]
    assert page.pagination == (BASE + "/col/col1002/index.html?page=2",)
    second = parsed(routes, "/col/col1002/index.html?page=2")
    assert (SOFT_404, date(2023, 7, 1)) in items_of(second)


def test_bracketed_dates_and_window_open_items(routes):
    page = parsed(routes, "/col/col1003/index.html")
    assert [d for _, d in items_of(page)] == [
        date(2024, 3, 1),
        date(2024, 2, 20),
        date(2024, 1, 10),
    ]
    assert items_of(page)[2][0] == "/art/2024/1/10/art_1003_399.html"


def test_dl_list_with_chinese_datetime_and_parent_relative_links(routes):
    page = parsed(routes, "/col/col1004/index.html")
    assert items_of(page) == [
        ("/art/2024/3/1/art_1004_401.html", date(2024, 3, 1)),
        ("/art/2023/12/15/art_1004_402.html", date(2023, 12, 15)),
    ]


def test_month_day_dates_take_the_year_of_the_heading(routes):
    page = parsed(routes, "/col/col1007/index.html")
    assert items_of(page) == [
        ("/col/col1007/art_7001.html", date(2024, 5, 20)),
        ("/col/col1007/art_7002.html", date(2024, 5, 16)),
    ]
    assert page.pagination == (BASE + "/col/col1007/col1007_2.html",)


def test_month_day_dates_take_the_year_of_the_item_url(routes):
    home = parsed(routes, "/")
    assert [d for _, d in items_of(home)] == [
        date(2024, 5, 28),
        date(2024, 5, 20),
        date(2024, 5, 6),
    ]


def test_month_day_never_reads_counts_or_times():
    body = (
        '<html><body><ul class="list"><li><a href="/a/1.html">甲通知甲通知</a><span>浏览 1.5 万</span>'
        '</li><li><a href="/a/2.html">乙通知乙通知</a><span>09:30</span></li></ul></body></html>'
    ).encode()
    page = parse_page(BASE + "/col/x/index.html", body, "text/html", "utf-8")
    assert all(i.date is None for i in page.list_items)


def test_rows_opened_by_script_are_items(routes):
    page = parsed(routes, "/xxgk/col/col2002/index.html")
    assert items_of(page) == [(DEPT_DOC, date(2024, 5, 13))]
    assert page.list_items[0].title == "清河县财政局关于下达2024年农业保险保费补贴资金的通知"


def test_gbk_page_without_any_charset(routes):
    page = parsed(routes, "/col/col1008/index.html")
    assert page.charset == "gb18030"
    assert page.title == "公示公告_清河县人民政府"
    assert [d for _, d in items_of(page)] == [date(2024, 5, 10), date(2024, 4, 26)]
    assert page.list_items[0].title == "清河县2024年第一批拟认定家庭农场名单公示"


def test_placeholder_column(routes):
    page = parsed(routes, "/col/col1005/index.html")
    assert page.list_items == ()
    assert "暂无数据" in page.text


# -- articles and documents ----------------------------------------------------------------------


def test_hanweb_article_metas_base_href_and_chrome(routes):
    page = parsed(routes, "/art/2024/5/28/art_1001_101.html")
    assert page.kind == "article"  # the related-news sidebar does not make it a list
    assert page.title == "县委常委会召开扩大会议研究部署防汛工作"
    assert page.published == date(2024, 5, 28)
    assert page.breadcrumb == ("首页", "要闻动态", "正文")
    by_target = {link.target.removeprefix(BASE): link for link in page.links}
    assert "/cdn/hanweb/images/share.png" in by_target  # resolved against <base href>
    assert "/picture/0/2405281010123.pdf" in by_target  # root-relative: the base keeps the host
    assert by_target["/col/col1002/index.html"].in_boilerplate  # div.menu
    assert by_target["/col/col9999/index.html"].in_boilerplate  # div.foot
    assert "版权所有" not in page.text and "通知公告" not in page.text


def test_utf8_bom_beats_a_stale_gbk_meta(routes):
    page = parsed(routes, READING_ON_TIME)
    assert page.charset == "utf-8"
    assert page.title == "图解：清河县2024年春季农业生产补贴实施方案"
    assert page.published == date(2024, 2, 6)


def test_xxgk_table_with_th_labels_and_spanning_values(routes):
    page = parsed(routes, POLICY_LATE)
    assert page.kind == "document"
    assert page.meta["索引号"] == "11330100002489123X/2024-00031"
    assert page.meta["成文日期"] == "2024-01-02"
    assert page.meta["发布日期"] == "2024-03-20"
    assert page.meta["文号"] == "清政发〔2024〕1号"
    assert page.meta["发布机构"] == "清河县人民政府办公室"
    assert page.meta["有效性"] == "有效"
    assert page.published == date(2024, 3, 20)


def test_xxgk_label_cells_with_regional_names(routes):
    page = parsed(routes, DEPT_DOC)
    assert page.kind == "document"
    assert page.meta["成文日期"] == "2024-04-30"  # 生成日期
    assert page.meta["文号"] == "清财农〔2024〕8号"  # 文件编号
    assert page.meta["发布日期"] == "2024-05-13"  # 公开日期


def test_soft_404_page(routes):
    page = parsed(routes, "/404.html")
    assert page.title == "页面不存在" and page.kind == "other"


# -- the audit -----------------------------------------------------------------------------------

PROFILE = """
[site]
name = "临江市清河县人民政府（测试站点）"
start_urls = ["{url}/"]

[crawl]
concurrency = 8
download_delay = 0
timeout = 3
retries = 0

[checks.overdue_publication]
annual_report = false
"""


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cms")
    with SiteServer(build_routes()) as site:
        profile = tmp / "site.toml"
        profile.write_text(PROFILE.format(url=site.url), encoding="utf-8")
        out = tmp / "out"
        cmd = [sys.executable, "-m", "govaudit.cli", "audit", site.url + "/", "--out", str(out)]
        cmd += ["--as-of", AS_OF.isoformat(), "--config", str(profile), "--quiet"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=REPO)
        assert done.returncode == 0, done.stderr[-2000:]
        findings = valid_findings(out / "findings.json")
        return site.url, findings, out


def where(finding: dict, base: str) -> str:
    """The path a finding is about: the broken target, else its page."""
    url = finding.get("target_url") or finding["page_url"]
    return url.removeprefix(base) or "/"


def test_audit_finds_every_planted_problem(audit):
    base, findings, _ = audit
    missed = []
    for check, path, detail in PLANTED:
        mine = [f for f in findings if f["check"] == check and where(f, base) == path]
        if not mine:
            missed.append((check, path))
        elif check in ("stale_column", "empty_column"):
            assert mine[0]["column"] == detail, mine[0]
        elif check == "broken_link" and detail == "soft_404":
            assert mine[0]["status"] == 200, mine[0]
        elif check == "broken_link":
            assert mine[0]["status"] == detail, mine[0]
    assert not missed, f"missed {missed}; found {[(f['check'], where(f, base)) for f in findings]}"


def test_audit_flags_no_trap(audit):
    base, findings, _ = audit
    hit = [
        (f["check"], where(f, base), f["title"])
        for f in findings
        for check, path in TRAPS
        if f["check"] == check and (path is None or where(f, base) == path)
    ]
    assert not hit


def test_audit_reports_nothing_beyond_the_planted(audit):
    base, findings, _ = audit
    expected = {(check, path) for check, path, _ in PLANTED}
    extra = [(f["check"], where(f, base), f["title"]) for f in findings]
    extra = [e for e in extra if e[:2] not in expected]
    assert not extra
    assert len(findings) == len(PLANTED)  # one finding per problem (a footer link once)


def test_audit_names_every_column(audit):
    """Columns in every markup are detected and named from their breadcrumb; the iframe list
    belongs to the page that frames it; the homepage's /index.html twin is not a column."""
    from govaudit.core.columns import detect_columns
    from govaudit.core.store import Store

    base, _, out = audit
    store = Store(out / "govaudit.db")
    try:
        view = store.view(store.audits()[-1]["id"])
        columns = {c.url.removeprefix(base): (c.name, len(c.items)) for c in detect_columns(view)}
    finally:
        store.close()
    assert columns == {
        # pageIndex=1 / page=1 are the first page again: their items count once
        "/col/col1001/index.html": ("要闻动态", 4),
        "/col/col1002/index.html": ("通知公告", 4),
        "/col/col1003/index.html": ("工作动态", 3),
        "/col/col1004/index.html": ("人事信息", 2),
        "/col/col1005/index.html": ("规划计划", 0),
        "/col/col1006/index.html": ("政策解读", 2),
        "/col/col1007/index.html": ("部门动态", 4),
        "/col/col1008/index.html": ("公示公告", 2),
        "/col/col1009/index.html": ("专项资金", 0),
        "/col/col1010/index.html": ("乡镇动态", 15),  # 3 inline + 12 from dataproxy.jsp
        "/col/col1011/index.html": ("便民服务", 1),  # read from its JSON API
        "/xxgk/col/col2001/index.html": ("政策文件", 2),
        "/xxgk/col/col2002/index.html": ("部门文件", 1),
    }


@pytest.mark.parametrize(
    "rows",
    [
        # <li><a><span>title</span><span>date</span></a></li>
        '<ul class="list">{}</ul>',
        # the anchors themselves are the rows (card lists)
        '<div class="news">{}</div>',
    ],
)
def test_dates_inside_the_anchor(rows):
    cards = "".join(
        f'<a href="/a/{i}.html"><h4>关于{n}的通知</h4><span class="d">发布时间：2024-0{i}-01</span></a>'
        for i, n in ((3, "甲"), (2, "乙"), (1, "丙"))
    )
    if rows.startswith("<ul"):
        cards = cards.replace("<a ", "<li><a ").replace("</a>", "</a></li>")
    body = f"<html><body>{rows.format(cards)}</body></html>".encode()
    page = parse_page(BASE + "/col/x/index.html", body, "text/html", "utf-8")
    assert [(i.title, i.date) for i in page.list_items] == [
        ("关于甲的通知", date(2024, 3, 1)),
        ("关于乙的通知", date(2024, 2, 1)),
        ("关于丙的通知", date(2024, 1, 1)),
    ]


def test_jpage_column_has_every_row_and_its_true_last_update(audit):
    """The 3 inline rows are pinned 2023 items: without the dataproxy rows the column would be
    a stale 动态 column (a veto). With them it has 15 items, newest 2024-05-30."""
    from govaudit.core.columns import detect_columns
    from govaudit.core.store import Store

    base, findings, out = audit
    store = Store(out / "govaudit.db")
    try:
        view = store.view(store.audits()[-1]["id"])
        column = next(c for c in detect_columns(view) if c.url == base + "/col/col1010/index.html")
    finally:
        store.close()
    assert sorted(i.url.removeprefix(base) for i in column.items) == sorted(
        p for p, _, _ in JPAGE_INLINE + JPAGE_PROXY
    )
    assert max(i.date for i in column.items) == JPAGE_NEWEST
    assert not column.loaded_by_script
    assert not [f for f in findings if f.get("column") == "乡镇动态"]


def test_json_endpoint_named_in_the_script_is_read_without_a_browser(audit):
    """便民服务's <ul> is filled by `$.ajax({url: "/api/list.json"})`: the JSON adapter reads the
    API, so the column has its item and its true date (fresh: no finding), not 空白栏目."""
    base, findings, out = audit
    assert not [f for f in findings if f["page_url"] == base + AJAX_COLUMN]
    # the two true empty columns stay critical veto items
    vetoes = [f for f in findings if f["check"] == "empty_column" and f["severity"] == "critical"]
    assert {f["column"] for f in vetoes} == {"规划计划", "专项资金"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    stats = summary["crawl_stats"]
    assert stats["govaudit/adapter/json_endpoint"] == 1
    assert stats["govaudit/adapter/json_list"] == 1
    assert stats["govaudit/adapter/hanweb_datastore"] >= 1
    assert stats["govaudit/adapter/hanweb_dataproxy"] >= 1
    assert "govaudit/render/pages" not in stats  # no page needed the browser
