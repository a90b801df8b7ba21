"""crawler.extract on hand-written pages in the styles of TRS WCM, Hanweb, Ucap and 集约化 templates."""

from __future__ import annotations

from datetime import date

import pytest

from govaudit.crawler.extract import decode_html, find_dates, parse_date, parse_page, url_date

D = date(2021, 8, 12)


def page(body: str, head: str = "") -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


# ----- encodings (research/scrapy.md §3 table) -----

GBK_TEXT = "朱镕基 陶喆 通知公告 关于做好2021年防汛工作的通知"


def test_header_gb2312_with_gbk_only_characters() -> None:
    body = f"<html><body><p>{GBK_TEXT}</p></body></html>".encode("gbk")
    text, enc = decode_html(body, "gb2312")
    assert enc == "gb18030"
    assert "朱镕基" in text and "陶喆" in text


def test_wrong_header_utf8_on_gbk_body_with_meta() -> None:
    html = f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head><body>{GBK_TEXT * 5}</body></html>"
    text, enc = decode_html(html.encode("gbk"), "utf-8")
    assert enc == "gb18030" and GBK_TEXT in text


def test_wrong_header_latin1_meta_gbk() -> None:
    html = f"<html><head><meta charset=gbk></head><body>{GBK_TEXT}</body></html>"
    text, enc = decode_html(html.encode("gbk"), "ISO-8859-1")
    assert enc == "gb18030" and GBK_TEXT in text


def test_stale_meta_gb2312_on_utf8_body() -> None:
    html = f"<html><head><meta charset=gb2312></head><body>{GBK_TEXT}</body></html>"
    text, enc = decode_html(html.encode("utf-8"), "utf-8")
    assert enc == "utf-8" and GBK_TEXT in text
    # and with no header at all, and with a stale gb2312 header
    assert decode_html(html.encode("utf-8"), None)[1] == "utf-8"
    assert decode_html(html.encode("utf-8"), "gb2312")[1] == "utf-8"


@pytest.mark.parametrize("words", ["首页", "通知公告", "政务公开信息"])
def test_short_undeclared_gbk_page(words: str) -> None:
    text, enc = decode_html(f"<html><body>{words}</body></html>".encode("gbk"), None)
    assert enc == "gb18030" and words in text


def test_bom_wins_and_malformed_meta() -> None:
    html = "<html><head><meta charset=gbk></head><body>通知公告</body></html>"
    text, enc = decode_html(b"\xef\xbb\xbf" + html.encode("utf-8"), None)
    assert enc == "utf-8" and "通知公告" in text and not text.startswith("\ufeff")
    malformed = "<meta http-equiv=Content-Type content=text/html;charset=gbk<body>陶喆通知".encode(
        "gbk"
    )
    assert "陶喆通知" in decode_html(malformed, None)[0]


def test_ascii_page_keeps_declared_header() -> None:
    assert decode_html(b"<html>hello</html>", "iso-8859-1") == ("<html>hello</html>", "iso8859-1")


def test_parse_page_records_charset_and_gbk_text() -> None:
    body = f"<html><head><title>{GBK_TEXT}</title></head><body><p>{GBK_TEXT}</p></body></html>"
    rec = parse_page("http://x.gov.cn/", body.encode("gbk"), "text/html", "gb2312")
    assert rec.charset == "gb18030" and rec.title == GBK_TEXT and GBK_TEXT in rec.text
    assert rec.size == len(body.encode("gbk"))


# ----- dates -----


@pytest.mark.parametrize(
    "text",
    [
        "2021-08-12",
        "2021-8-12",
        "2021年8月12日",
        "2021年08月12日",
        "2021 年 8 月 12 日",
        "[2021-08-12]",
        "(2021-08-12)",
        "2021/08/12",
        "2021.08.12",
        "发布时间：2021-08-12 10:30",
        "2021-08-12T09:00:00+08:00",
    ],
)
def test_every_date_form(text: str) -> None:
    assert parse_date(text) == D
    assert find_dates(f"前 {text} 后") == [D]


def test_invalid_dates_and_digit_runs() -> None:
    assert parse_date("2021-13-45") is None
    assert parse_date("2021-02-30") is None
    assert parse_date("20210812") is None  # only in URLs
    assert parse_date("电话 12021-08-123") is None
    assert find_dates("2021-13-45 然后 2021年8月12日 和 2022/1/2") == [D, date(2022, 1, 2)]
    assert parse_date("") is None


@pytest.mark.parametrize(
    "url",
    [
        "http://x.gov.cn/xxgk/202108/t20210812_123456.html",
        "http://x.gov.cn/art/2021/8/12/art_1229_5678.html",
        "http://www.gov.cn/zhengce/2021-08/12/content_5630.htm",
        "http://x.gov.cn/news/202108/12/abc.shtml",
        "http://x.gov.cn/news/2021/08/12/abc.html",
        "http://x.gov.cn/upload/20210812/abc.pdf",
    ],
)
def test_url_dates(url: str) -> None:
    assert url_date(url) == D


def test_url_month_alone_is_not_a_date() -> None:
    assert url_date("http://x.gov.cn/xxgk/202108/abc.html") is None
    assert url_date("http://x.gov.cn/t20211345_1.html") is None
    assert url_date("http://x.gov.cn/content_20210812123456.htm") is None
    assert url_date("not a url") is None


# ----- links -----

LINKS_PAGE = """<html><head><base href="http://x.gov.cn/zwgk/">
<link rel="stylesheet" href="css/main.css"><link rel="shortcut icon" href="/favicon.ico">
<link rel="canonical" href="http://x.gov.cn/c"><script src="js/app.js"></script>
<meta http-equiv="refresh" content="5; URL='jump.html'"></head><body>
<div class="header"><a href="/">首页</a></div>
<ul class="nav"><li><a href="/xxgk/"> 信息 公开 </a></li></ul>
<div class="headline"><a href="hot.html">头条</a></div>
<div class="list-head"><a href="lh.html">列表</a></div>
<a href=" doc.html#p2 ">文件</a><a href="#top">回到顶部</a><a href="mailto:a@x.gov.cn">信箱</a>
<a href="tel:12345">电话</a><a href="javascript:void(0)">空</a><a href="data:text/plain,x">d</a>
<a href="javascript:window.open('open1.html')">弹窗</a>
<span onclick="window.open('/open2.html','_blank')">点击</span>
<div onclick="location.href='loc.html'">loc</div><button onclick="window.location = 'win.html'">w</button>
<a href="查询.html?q=通知&b=1&a=2">中文</a><a href="http://other.cn/x"><img src="logo.png" alt="外站"></a>
<area href="map.html" alt="地图"><iframe src="frame.html"></iframe><embed src="v.swf"><object data="o.pdf"></object>
<div id="footer"><a href="/about.html">关于我们</a></div>
<footer><a href="/sitemap.html">网站地图</a></footer></body></html>"""


def test_links_every_kind_with_base_href() -> None:
    rec = parse_page("http://x.gov.cn/zwgk/index.html", LINKS_PAGE.encode("utf-8"))
    got = {(link.target, link.tag, link.attr) for link in rec.links}
    base = "http://x.gov.cn/zwgk/"
    for expected in [
        (base + "css/main.css", "link", "href"),
        ("http://x.gov.cn/favicon.ico", "link", "href"),
        (base + "js/app.js", "script", "src"),
        (base + "jump.html", "meta-refresh", "content"),
        (base + "doc.html", "a", "href"),
        (base + "open1.html", "a", "href"),
        ("http://x.gov.cn/open2.html", "onclick", "onclick"),
        (base + "loc.html", "onclick", "onclick"),
        (base + "win.html", "onclick", "onclick"),
        (base + "map.html", "area", "href"),
        (base + "frame.html", "iframe", "src"),
        (base + "v.swf", "embed", "src"),
        (base + "o.pdf", "object", "data"),
        (base + "logo.png", "img", "src"),
        ("http://other.cn/x", "a", "href"),
    ]:
        assert expected in got, expected
    targets = [link.target for link in rec.links]
    assert not any(t.startswith(("mailto", "tel", "javascript", "data")) for t in targets)
    # rel=canonical is an address search engines send visitors to: checked (issue 17)
    assert ("http://x.gov.cn/c", "link", "href") in got
    assert not any("#" in t for t in targets)
    assert base + "%E6%9F%A5%E8%AF%A2.html?q=%E9%80%9A%E7%9F%A5&b=1&a=2" in targets


def test_link_text_and_boilerplate_flags() -> None:
    rec = parse_page("http://x.gov.cn/zwgk/index.html", LINKS_PAGE.encode("utf-8"))
    by_text = {link.text: link for link in rec.links if link.tag == "a"}
    assert by_text["信息 公开"].in_boilerplate  # whitespace collapsed, inside ul.nav
    assert by_text["首页"].in_boilerplate and by_text["关于我们"].in_boilerplate
    assert by_text["网站地图"].in_boilerplate
    assert not by_text["头条"].in_boilerplate  # class="headline" is content
    assert not by_text["列表"].in_boilerplate  # class="list-head" is content
    assert not by_text["文件"].in_boilerplate
    assert by_text["外站"].target == "http://other.cn/x"  # img alt as anchor text


# Bases and links around the edges of the plain-path shortcut (crawler.extract.urls.Resolver): odd
# hosts and ports, dot and empty segments, queries in encodings that do not keep ASCII, IDNs.
SHORTCUT_BASES = [
    "http://x.gov.cn/zwgk/index.html",
    "http://x.gov.cn",
    "http://x.gov.cn/",
    "http://x.gov.cn/a/b/?q=1",
    "https://x.gov.cn:443/col/t1.html?x=1&y=2",
    "http://X.gov.cn:80/a",
    "https://X.Gov.CN:8443/a//b/./c/../d.html?x=1#f",
    "http://x.gov.cn/a;p=1/b;q=2",
    "http://x.gov.cn/a/b/..",
    "http://用户.中国/路径/页.html",
    "http://[::1]:8080/a/b",
    "http://x.gov.cn:99999/a/",
    "http://u:p@x.gov.cn:080/a/b",
    "ftp://x.gov.cn/a/b",
    "HTTP://x.gov.cn/a/b",
]
SHORTCUT_LINKS = [
    "/", "/col/gzdt/index.html", "/col/gzdt/", "/a//b", "/a/./b", "/a/../b", "/.well-known/x",
    "/a?page=2&x=1", "/a?", "/?a=1", "//x.gov.cn/a", "t20240807_1.html", "./list.html?p=2",
    "./", "../up.html", "a/./b", "a/.", "x/", "a b.html", "中文.html", "a%20b.html", "a;p.html",
    "http://www.gov.cn/index.htm", "http://WWW.gov.cn/a", "http://www.gov.cn", "http:///a",
    "http://www.gov.cn:080/a", "http://www.gov.cn:99999/a", "http://用户.中国/a",
    "http://a..b/c", "https://x.gov.cn/a/b/?q=1", "http://[::1/x", "http://x.gov.cn/a#f",
]  # fmt: skip


@pytest.mark.parametrize("base", SHORTCUT_BASES)
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16-le", ""])
def test_plain_links_resolve_as_the_full_resolution_does(base: str, encoding: str) -> None:
    from govaudit.crawler.extract.urls import Resolver, absolute

    for page_url in (base, "http://x.gov.cn/zwgk/index.html"):
        for href in SHORTCUT_LINKS:
            want = absolute(base, href, encoding, page_url)
            assert Resolver(base, page_url, encoding).url(href) == want, (base, href)


def test_gbk_query_is_encoded_in_the_page_encoding() -> None:
    html = "<html><head><meta charset=gbk></head><body><a href='s.jsp?q=通知'>搜</a></body></html>"
    rec = parse_page("http://x.gov.cn/", html.encode("gbk"))
    assert rec.links[0].target == "http://x.gov.cn/s.jsp?q=%CD%A8%D6%AA"


# ----- title and text -----


def test_title_prefers_article_heading() -> None:
    html = page(
        "<div class='top'><h1><img alt='某市人民政府'></h1></div>"
        "<h1> 关于做好  防汛工作的通知 </h1><p>发布时间：2021-08-12</p>",
        "<title>某市人民政府_通知公告</title>",
    )
    assert parse_page("http://x.gov.cn/a.html", html.encode()).title == "关于做好 防汛工作的通知"
    meta = "<title>站点</title><meta name='ArticleTitle' content='元数据标题'>"
    html2 = page("<h1>正文标题</h1><p>发布时间：2021-08-12</p>", meta)
    assert parse_page("http://x.gov.cn/b.html", html2.encode()).title == "元数据标题"
    html3 = page("<h1>栏目</h1><p>介绍</p>", "<title> 机构 \n 职能 </title>")
    assert parse_page("http://x.gov.cn/c.html", html3.encode()).title == "机构 职能"


def test_visible_text_without_scripts_and_boilerplate() -> None:
    html = page(
        "<div id='nav'>导航菜单</div><div class='head-box'>头部</div>"
        "<script>var s='脚本';</script><style>.a{}</style><noscript>请启用</noscript>"
        "<table><tr><td>第一格</td><td>第二格</td></tr></table>"
        "<p>正文   一段<br>第二行</p><span>行内</span><span>相连</span>"
        "<div class='copyright'>版权所有 © 2003-2024 某市人民政府</div>"
    )
    text = parse_page("http://x.gov.cn/", html.encode()).text
    assert text == "第一格\n第二格\n正文 一段\n第二行\n行内相连"


# ----- metadata -----

TRS_TABLE = """<table class="xxgk-table">
<tr><td>索 引 号：</td><td>11330100002493055X/2021-12345</td><td>主题分类：</td><td>综合政务\\通知</td></tr>
<tr><td>发布机构：</td><td>市人民政府办公厅</td><td>成文日期：</td><td>2021年07月30日</td></tr>
<tr><th>文　　号：</th><td>杭政办函〔2021〕12号</td><th>发布日期：</th><td>2021-08-12</td></tr>
<tr><td>有效性：</td><td>有效</td><td>是否规范性文件：</td><td>是</td></tr>
<tr><td>规范性文件登记号</td><td>ZJAC01-2021-0012</td></tr></table>"""


def test_metadata_table_trs() -> None:
    rec = parse_page("http://x.gov.cn/art/doc.html", page(TRS_TABLE + "<h1>通知</h1>").encode())
    assert rec.meta == {
        "索引号": "11330100002493055X/2021-12345",
        "主题分类": "综合政务\\通知",
        "发布机构": "市人民政府办公厅",
        "成文日期": "2021-07-30",
        "文号": "杭政办函〔2021〕12号",
        "发布日期": "2021-08-12",
        "有效性": "有效",
        "是否规范性文件": "是",
        "登记号": "ZJAC01-2021-0012",
    }
    assert rec.kind == "document" and rec.published == D and rec.title == "通知"


def test_metadata_li_span_and_dl_layouts() -> None:
    spans = """<ul class="xxgk-info"><li><span>信息索引号：</span>000014349/2021-00045</li>
    <li><span>发文机关:</span>市财政局</li><li><span>印发日期：</span>2021年7月30日</li>
    <li><span>发文字号：</span>财预〔2021〕3号</li><li><span>时效性：</span>现行有效</li>
    <li><span>规范性文件：</span>否</li><li><span>发布时间：</span>2021-08-12</li></ul>"""
    meta = parse_page("http://x.gov.cn/d.html", page(spans).encode()).meta
    assert meta["索引号"] == "000014349/2021-00045" and meta["发布机构"] == "市财政局"
    assert meta["成文日期"] == "2021-07-30" == meta["印发日期"]
    assert meta["文号"] == "财预〔2021〕3号" and meta["有效性"] == "现行有效"
    assert meta["是否规范性文件"] == "否" and meta["发布日期"] == "2021-08-12"
    dl = "<dl><dt>索引号</dt><dd>A-1</dd><dt>发布单位</dt><dd>市教育局</dd><dt>主题词</dt><dd>教育</dd></dl>"
    meta = parse_page("http://x.gov.cn/e.html", page(dl).encode()).meta
    assert meta == {"索引号": "A-1", "发布机构": "市教育局", "主题词": "教育"}


def test_metadata_label_as_the_items_own_text_and_its_value_in_a_child() -> None:
    """福建 TRS 信息公开 pages: `<li>索&ensp;引&ensp;号：<font>value</font></li>`, label and value
    on lines of their own in the source, its indentation longer than the label."""
    pad = "\n" + " " * 24
    items = "".join(
        f"<li class='trt-col-12'>{pad}{label}{pad}{value}{pad}</li>"
        for label, value in (
            ("索&ensp;引&ensp;号：", "<font>PZ00108-3000-2023-00092</font>"),
            ("主题分类：", "<font>无</font>"),
            ("发文机关：", "<font>平潭综合实验区财政金融局</font>"),
            ("发文字号：", "<font>无</font>"),
            ("有&ensp;效&ensp;性：", "<em class='red_base'>有效</em>"),
        )
    )
    box = f"<div class='index_box'><ul>{items}<li>成文日期：2023-10-23</li></ul></div>"
    record = parse_page("http://x.gov.cn/t20231023_80401.htm", page(box).encode())
    assert record.meta == {
        "索引号": "PZ00108-3000-2023-00092",
        "发布机构": "平潭综合实验区财政金融局",
        "有效性": "有效",
        "成文日期": "2023-10-23",
    }
    assert record.kind == "document"


def test_metadata_xinxi_suoyin_label_of_moe() -> None:
    """教育部 labels its 索引号 信息索引 in a td/td table."""
    row = (
        "<table><tr><td class='t'>信息索引：</td><td>360A12-07-2024-0008-1</td>"
        "<td class='t'>生成日期：</td><td>2024-06-04</td></tr></table>"
    )
    meta = parse_page("http://x.gov.cn/m.html", page(row).encode()).meta
    assert meta["索引号"] == "360A12-07-2024-0008-1" and meta["成文日期"] == "2024-06-04"


def test_metadata_under_column_heads_with_merged_cells() -> None:
    """One label among the heads of a wider table (行政处罚信息公开表): the value below it, the
    rows its merged cells span are the same record; more records make a list, no 文号. Label-left
    rows of short values without colons stay label-left."""
    heads = (
        "<tr><td>序号</td><td>当事人名称</td><td>行政处罚决定书文号</td><td>作出决定机关</td></tr>"
    )
    one = (
        "<tr><td>1</td><td>甲公司</td><td rowspan='2'>浙金罚决字〔2024〕52号</td>"
        "<td rowspan='2'>浙江金融监管局</td></tr><tr><td>2</td><td>乙某</td></tr>"
    )
    meta = parse_page("http://x.gov.cn/p.html", page(f"<table>{heads}{one}</table>").encode()).meta
    assert meta["文号"] == "浙金罚决字〔2024〕52号"
    more = (
        one
        + "<tr><td>3</td><td>丙公司</td><td>浙金罚决字〔2024〕53号</td><td>浙江金融监管局</td></tr>"
    )
    meta = parse_page("http://x.gov.cn/q.html", page(f"<table>{heads}{more}</table>").encode()).meta
    assert "文号" not in meta
    left = (
        "<table><tr><td>发布机构</td><td>市教育局</td><td>主题分类</td><td>教育</td></tr>"
        "<tr><td>成文日期</td><td>2024-05-06</td><td>文号</td><td>教发〔2024〕3号</td></tr></table>"
    )
    meta = parse_page("http://x.gov.cn/r.html", page(left).encode()).meta
    assert meta == {
        "发布机构": "市教育局",
        "主题分类": "教育",
        "成文日期": "2024-05-06",
        "文号": "教发〔2024〕3号",
    }


def test_the_date_line_under_the_title_beats_a_later_pubdate_meta_and_the_url() -> None:
    """Ucap/开普云 pages show the title in an h2 broken by <br> and the date under it; their
    PubDate meta may be a later re-publication, their URL's date is no date the page states."""
    head = "<title>省医药健康产业供需对接活动在成都举行 现场发布清单-四川省人民政府</title>"
    head += '<meta name="PubDate" content="2024-12-10 08:23:48">'
    body = (
        "<div><h2><ucaptitle>省医药健康产业供需对接活动在成都举行<br>现场发布清单</ucaptitle></h2>"
        "<ul><li>2024年12月07日 08时01分</li><li>来源：四川日报</li></ul><p>正文。</p></div>"
    )
    rec = parse_page("http://x.gov.cn/2024/12/9/a.shtml", page(body, head).encode())
    assert (rec.published, rec.published_from) == (date(2024, 12, 7), "heading")
    cac = page(
        "<h1>从信息社会迈向智能社会</h1><p>2020年02月18日 09:15 来源：人民日报</p><p>正文</p>"
    )
    rec = parse_page("http://x.gov.cn/2020-02/19/c_1.htm", cac.encode())
    assert (rec.published, rec.published_from) == (date(2020, 2, 18), "heading")


def test_a_sidebar_h2_lends_no_date_under_it_to_a_page() -> None:
    head = "<title>关于做好全年工作的通知_某市人民政府</title>"
    body = "<h2>通知公告</h2><p>2021-08-12</p><p>正文没有日期。</p>"
    rec = parse_page("http://x.gov.cn/zwgk/a.html", page(body, head).encode())
    assert rec.published is None


def test_a_letters_number_alone_under_its_title_is_its_wenhao() -> None:
    """公文 layout: the 发文字号 on a line of its own below the title, no label; a list of
    documents' numbers, or one cited in a sentence, is none."""
    body = (
        "<h1>关于省人大代表建议的复函</h1><p>2025年06月03日 来源：省卫生健康委</p>"
        "<p>川卫函〔2025〕46号</p><p>代表：根据《关于印发办法的通知》（川办发〔2024〕3号），现答复如下。</p>"
    )
    assert (
        parse_page("http://x.gov.cn/a.html", page(body).encode()).meta["文号"]
        == "川卫函〔2025〕46号"
    )
    cited = "<h1>关于工作的复函</h1><p>代表：根据川办发〔2024〕3号文件，现答复如下。</p>"
    assert "文号" not in parse_page("http://x.gov.cn/b.html", page(cited).encode()).meta


def test_a_field_the_page_says_is_empty_has_no_value() -> None:
    """文号：无 (邯郸's <p><strong>label</strong>：value</p> layout), 暂无, a slash or a dash: the page
    states that the document has no number, so none is recorded (a 文号 "无" is no number)."""
    for none in ("无", "暂无", "/", "—", "-"):
        body = (
            f"<p><strong>索引号</strong>：000014348/2020-35147</p><p><strong>文号</strong>：{none}</p>"
            f"<p><strong>发布日期</strong>：2020年08月02日</p>"
        )
        meta = parse_page(
            "http://x.gov.cn/t20200802_1.html", page(body).encode(), None, None, D
        ).meta
        assert "文号" not in meta, none
        assert meta["索引号"] == "000014348/2020-35147" and meta["发布日期"] == "2020-08-02"


def test_one_listed_document_under_column_heads_is_no_metadata() -> None:
    """A 信息公开 list whose page holds one row (名称 | 索引号 | 发布机构 | 发布日期 over a row whose
    名称 links to the document, 邯郸's 近期信息公开): the row is a listed document, not the
    metadata of the list page, which is no document and states no publication date."""
    row = (
        "<tr><td><a href='/gszbm/202008/t20200805_1353179.html'>关于印发学校安全工作考核办法的通知</a>"
        "</td><td>000014348/2020-35428</td><td>市教育局</td><td>2020-08-05</td></tr>"
    )
    head = "<tr><th>名称</th><th>索引号</th><th>发布机构</th><th>发布日期</th></tr>"
    rec = parse_page("http://x.gov.cn/zfwj/jqxxgk/", page(f"<table>{head}{row}</table>").encode())
    assert rec.meta == {} and rec.kind != "document" and rec.published_from != "label"
    # The same table naming the page itself, no link: one document's metadata.
    own = row.replace("<a href='/gszbm/202008/t20200805_1353179.html'>", "").replace("</a>", "")
    meta = parse_page(
        "http://x.gov.cn/t20200805_1.html", page(f"<table>{head}{own}</table>").encode()
    ).meta
    assert meta["索引号"] == "000014348/2020-35428" and meta["发布日期"] == "2020-08-05"


def test_the_page_after_an_included_header_s_own_end_tag_is_read() -> None:
    """中国政府网's header include ends in </html>; libxml2 stopped there and the breadcrumb,
    the text and the links below were lost. A browser reads on, so does the crawler."""
    html = (
        "<html><head><title>决议_中国政府网</title></head><body><div class='header'>"
        "<a href='/'>首页</a></div>\n</html>\n<!--end header-->"
        "<div class='BreadcrumbNav'><a href='/'>首页</a>&nbsp;&gt;&nbsp;<a href='/gongbao/'>国务院公报</a>"
        "&nbsp;&gt;&nbsp;<a href='/gongbao/2007/23/'>2007年第23号</a>"
        "<div class='pages_print'>字号：<span>默认</span> <span>大</span> | 打印 |</div></div>"
        "<div id='UCAP-CONTENT'><p>（2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过）</p>"
        "<p><a href='/zhengce/2007-08/20/content_1.htm'>相关文件</a></p></div></body></html>"
    )
    rec = parse_page(
        "https://www.gov.cn/gongbao/content/2007/content_1.htm", html.encode(), None, None, D
    )
    assert rec.breadcrumb == ("首页", "国务院公报", "2007年第23号")
    assert "https://www.gov.cn/zhengce/2007-08/20/content_1.htm" in {
        link.target for link in rec.links
    }
    assert rec.published is None  # the day it was adopted (通过) is no publication date


def test_metadata_text_runs() -> None:
    html = page(
        "<h1>标题</h1><div class='info'>发布时间：2021-08-12 来源：市人社局 浏览次数：32</div>"
    )
    rec = parse_page("http://x.gov.cn/f.html", html.encode())
    assert rec.meta == {"发布日期": "2021-08-12"}
    assert rec.published == D and rec.kind == "article"
    html = page("<p>索引号: B-2　发布机构：区政府办  文号：区政发〔2021〕1号</p>")
    meta = parse_page("http://x.gov.cn/g.html", html.encode()).meta
    assert meta == {"索引号": "B-2", "发布机构": "区政府办", "文号": "区政发〔2021〕1号"}


def test_date_label_anchored_not_inside_chengwen() -> None:
    # 日期 must not be read out of 成文日期, nor 发布日期 out of it (research §4 trap).
    html = page("<h1>标题</h1><p>成文日期：2021-07-30</p><p>日期：2021-08-12</p>")
    rec = parse_page("http://x.gov.cn/h.html", html.encode())
    assert rec.meta == {"成文日期": "2021-07-30"}
    assert rec.published == D
    only_cw = page("<h1>标题</h1><p>成文日期：2021-07-30</p><p>正文</p>")
    assert parse_page("http://x.gov.cn/i.html", only_cw.encode()).published is None


def test_chinese_numeral_luokuan_date() -> None:
    html = page("<table><tr><td>成文日期</td><td>二〇二一年八月十日</td></tr></table>")
    assert parse_page("http://x.gov.cn/j.html", html.encode()).meta["成文日期"] == "2021-08-10"


# ----- published -----


def test_published_never_the_copyright_year() -> None:
    html = page(
        "<h1>标题</h1><p>正文内容</p><div class='footer'>版权所有 © 2003-2024 ICP备05012345号</div>"
    )
    assert parse_page("http://x.gov.cn/k.html", html.encode()).published is None


@pytest.mark.parametrize(
    ("body", "head", "url"),
    [
        ("<p>发布日期：2021年8月12日</p>", "", "http://x.gov.cn/a.html"),
        ("<p>日期:2021/08/12</p>", "", "http://x.gov.cn/a.html"),
        ("<p>时间：2021.08.12</p>", "", "http://x.gov.cn/a.html"),
        ("<p>发布时间：<span>2021-08-12</span></p>", "", "http://x.gov.cn/a.html"),
        (
            "<p>正文</p>",
            "<meta name='PubDate' content='2021-08-12 09:00'>",
            "http://x.gov.cn/a.html",
        ),
        (
            "<p>正文</p>",
            "<meta property='article:published_time' content='2021-08-12T09:00'>",
            "http://x/a",
        ),
        ("<p>正文</p>", "", "http://x.gov.cn/art/2021/8/12/art_1229_5678.html"),
        ("<h1>题</h1><p>[2021-08-12] 来源：本站</p><p>正文</p>", "", "http://x.gov.cn/a.html"),
    ],
)
def test_published_sources(body: str, head: str, url: str) -> None:
    assert parse_page(url, page(body, head).encode()).published == D


def test_published_priority_table_over_url() -> None:
    html = page("<table><tr><td>发布日期</td><td>2021-08-13</td></tr></table>")
    assert parse_page("http://x.gov.cn/t20210812_1.html", html.encode()).published == date(
        2021, 8, 13
    )


# ----- list items -----

TRS_LIST = """<div class="top"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 通知公告</div>
<ul class="list">
<li><span class="zd">[置顶]</span><a href="./201901/t20190105_1.html" title="关于做好全年工作的通知（置顶）">关于做好全年...</a><span>2019-01-05</span></li>
<li><a href="./202108/t20210812_2.html" title="完整标题二">标题二</a><span class="date">2021-08-12</span></li>
<li><span class="time">2021年8月10日</span><a href="./202108/t20210810_3.html">标题三</a></li>
<li><a href="./202108/t20210801_4.html">含日期2021年9月1日的标题四</a> [2021-08-01]</li>
<li><a href="./other/5.html">没有日期的标题五</a></li>
</ul>
<div class="page"><script>
var countPage = 5//共多少页
var currentPage = 0//当前页
createPageHTML(countPage, currentPage, "index", "html");
</script></div>"""


def test_list_items_trs_with_pinned_and_undated() -> None:
    rec = parse_page("http://x.gov.cn/zwgk/tzgg/index.html", page(TRS_LIST).encode())
    assert rec.kind == "list"
    got = [(i.title, i.date, i.position) for i in rec.list_items]
    assert got == [
        ("关于做好全年工作的通知（置顶）", date(2019, 1, 5), 0),
        ("完整标题二", D, 1),
        ("标题三", date(2021, 8, 10), 2),
        ("含日期2021年9月1日的标题四", date(2021, 8, 1), 3),  # the date outside the title
        ("没有日期的标题五", None, 4),
    ]
    assert rec.list_items[0].url == "http://x.gov.cn/zwgk/tzgg/201901/t20190105_1.html"
    assert rec.breadcrumb == ("首页", "政务公开", "通知公告")


def test_list_items_table_dl_and_div_rows() -> None:
    table = (
        "<table class='lb'>"
        + "".join(
            f"<tr><td>·</td><td><a href='/art/2021/8/{d}/art_{d}.html'>事项{d}</a></td><td>2021-08-{d:02d}</td></tr>"
            for d in (12, 11, 10)
        )
        + "</table>"
    )
    rec = parse_page("http://x.gov.cn/col/col1/index.html", page(table).encode())
    assert [(i.title, i.date) for i in rec.list_items] == [
        ("事项12", D),
        ("事项11", date(2021, 8, 11)),
        ("事项10", date(2021, 8, 10)),
    ]
    dl = (
        "<dl class='news'>"
        + "".join(
            f"<dt><a href='a{d}.html'>新闻{d}</a></dt><dd>2021-08-{d}</dd>" for d in (12, 11, 10)
        )
        + "</dl>"
    )
    rec = parse_page("http://x.gov.cn/n/", page(dl).encode())
    assert [i.date.day for i in rec.list_items] == [12, 11, 10]
    divs = (
        "<div class='con'>"
        + "".join(
            f"<div class='item'><p class='t'><a href='d{d}.html'>动态{d}</a></p><p class='d'>2021年8月{d}日</p></div>"
            for d in (12, 11, 10)
        )
        + "</div>"
    )
    rec = parse_page("http://x.gov.cn/d/", page(divs).encode())
    assert [(i.title, i.date.day) for i in rec.list_items] == [
        ("动态12", 12),
        ("动态11", 11),
        ("动态10", 10),
    ]
    assert rec.kind == "list"


def test_url_only_dates_and_navigation_menus() -> None:
    html = page(
        "<ul class='sidebar'><li><a href='/a/'>机构概况</a></li><li><a href='/b/'>政策文件</a></li>"
        "<li><a href='/c/'>通知公告</a></li></ul>"
        "<ul class='news'><li><a href='/xw/202108/t20210812_1.html'>新闻一</a></li>"
        "<li><a href='/xw/202108/t20210811_2.html'>新闻二</a></li></ul>"
    )
    rec = parse_page("http://x.gov.cn/", html.encode())
    assert [(i.title, i.date) for i in rec.list_items] == [
        ("新闻一", D),
        ("新闻二", date(2021, 8, 11)),
    ]


def test_placeholder_list_is_an_empty_list_page() -> None:
    for placeholder in ("暂无信息", "暂无数据！", "没有记录"):
        html = page(f"<h2>通知公告</h2><ul class='list'><li>{placeholder}</li></ul>")
        rec = parse_page("http://x.gov.cn/tzgg/", html.encode())
        assert rec.kind == "list" and rec.list_items == ()


def test_article_with_related_news_sidebar_stays_article() -> None:
    side = "".join(
        f"<li><a href='r{d}.html'>相关{d}</a><span>2021-08-0{d}</span></li>" for d in (1, 2, 3)
    )
    html = page(
        f"<h1>标题</h1><p>正文</p><ul class='related'>{side}</ul>",
        "<meta name='ArticleTitle' content='标题'><meta name='PubDate' content='2021-08-12'>",
    )
    rec = parse_page("http://x.gov.cn/a.html", html.encode())
    assert rec.kind == "article" and rec.published == D


# ----- pagination -----


def test_create_page_html_variants() -> None:
    rec = parse_page("http://x.gov.cn/zwgk/tzgg/index.html", page(TRS_LIST).encode())
    assert rec.pagination == tuple(f"http://x.gov.cn/zwgk/tzgg/index_{i}.html" for i in range(1, 5))
    script = '<script>createPageHTML(3, 1, "index", "htm");</script>'
    rec = parse_page("http://x.gov.cn/l/index_1.htm", page(script).encode())
    assert rec.pagination == ("http://x.gov.cn/l/index.htm", "http://x.gov.cn/l/index_2.htm")
    assert rec.kind == "list"
    variant = "<div id='page_div'></div><script>createPageHTML('page_div', 3, 1, 'index', 'shtml', 60);</script>"
    rec = parse_page("http://x.gov.cn/m/", page(variant).encode())
    assert rec.pagination == ("http://x.gov.cn/m/index_1.shtml", "http://x.gov.cn/m/index_2.shtml")
    huge = "<script>createPageHTML(99999999, 0, 'index', 'html');</script>"
    assert len(parse_page("http://x.gov.cn/h/", page(huge).encode()).pagination) < 2001


def test_pager_anchors_and_page_params() -> None:
    html = page(
        "<a href='/'>首页</a>"  # a home link outside any pager is not pagination
        "<div class='fenye'><a href='list.jsp?page=1'>首页</a><a href='list.jsp?page=2'>2</a>"
        "<a href='list.jsp?page=3'>下一页</a><a href='list.jsp?page=9'>尾页</a></div>"
        "<a href='list.jsp?cat=2'>别的栏目</a><a href='index_4.html'>4</a>"
    )
    rec = parse_page("http://x.gov.cn/c/list.jsp?page=1", html.encode())
    assert rec.pagination == (
        "http://x.gov.cn/c/list.jsp?page=2",
        "http://x.gov.cn/c/list.jsp?page=3",
        "http://x.gov.cn/c/list.jsp?page=9",
    )
    rec = parse_page(
        "http://x.gov.cn/c/", page("<a href='index_4.html'>4</a><a href='t1_2.html'>x</a>").encode()
    )
    assert rec.pagination == ("http://x.gov.cn/c/index_4.html",)


# ----- breadcrumb -----


@pytest.mark.parametrize(
    "markup",
    [
        "<div class='crumb'><a href='/'>首页</a> » <a href='/a/'>政务公开</a> » <span>通知公告</span></div>",
        "<div id='dqwz'>您现在的位置：<a href='/'>首页</a>&gt;&gt;<a href='/a/'>政务公开</a>&gt;&gt;通知公告</div>",
        "<p>当前位置：首页 ＞ 政务公开 ＞ 通知公告</p>",
        "<div class='weizhi'><a href='/'>首页</a><img src='arrow.gif'><a href='/a/'>政务公开</a><img src='arrow.gif'><a>通知公告</a></div>",
        # Real leads of the corpus' sites: 重庆 您当前的位置, 河北 您所在的位置 (div.bread), 鄂尔多斯
        # 您现在的位置是; and TRS's CurrChnlCls links in a block named like nothing (武汉 div.navInfo).
        "<div class='wrap'>您当前的位置：<a href='/'>首页</a><span>&gt;</span><a href='/a/'>政务公开</a>"
        "<span>&gt;</span><span>通知公告</span></div>",
        "<div class='bread'>您所在的位置：<a href='/'>首页</a>&gt;&gt;<a href='/a/'>政务公开</a>&gt;&gt;"
        "<a href='/a/b/'>通知公告</a></div>",
        "<td>您现在的位置是：<a href='/'>首页</a> &gt;&gt; <a href='/a/'>政务公开</a> &gt;&gt; 通知公告</td>",
        # No lead, a holder named like nothing: a short block that reads 首页 > … (陕西 div.szf-local).
        "<div class='szf-local'><img src='local.png'><a href='/'>首页</a><span class='arrow'>></span>"
        "<a href='/a/'>政务公开</a><span class='arrow'>></span><span class='cur'>通知公告</span></div>",
        # The lead in an element of its own (北京市发展改革委 div.station, a fund company's span).
        "<div class='station'><font>当前位置： </font><a href='/'>首页</a> > <a href='/a/'>政务公开</a>"
        "&nbsp;>&nbsp;<a href='/a/b/'>通知公告</a></div>",
        "<div class='navInfo'><img src='home.png'><a href='/' class='CurrChnlCls'>首页</a> / "
        "<a href='/a/' class='CurrChnlCls'>政务公开</a> / <a href='/a/b/' class='CurrChnlCls'>通知公告</a></div>",
    ],
)
def test_breadcrumb_forms(markup: str) -> None:
    rec = parse_page("http://x.gov.cn/a/b/", page(markup).encode())
    assert rec.breadcrumb == ("首页", "政务公开", "通知公告")


def test_a_menu_that_starts_at_home_is_no_breadcrumb() -> None:
    """A top menu (首页 | 信息公开 | 互动交流) starts at 首页 too, with no path separator."""
    body = (
        "<div class='menu'><a href='/'>首页</a> | <a href='/xxgk/'>信息公开</a> | "
        "<a href='/hdjl/'>互动交流</a></div><h1>标题</h1><p>正文</p>"
    )
    assert parse_page("http://x.gov.cn/a.html", page(body).encode()).breadcrumb == ()


# ----- robustness -----


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        bytes(range(256)) * 20,
        b"\x00\x00\x00",
        b"<html><body><div><table><tr><td><a href='x.html'>unclosed",
        b"<a href='http://[::1'>bad ipv6</a><a href='http://x:99999/'>bad port</a>",
        b"<" * 5000,
        ("<div>" * 3000 + "深").encode(),
    ],
)
def test_never_raises(body: bytes) -> None:
    rec = parse_page("http://x.gov.cn/p.html", body, "text/html", None)
    assert rec.url == "http://x.gov.cn/p.html" and rec.size == len(body)
    assert rec.kind in ("list", "document", "article", "other")


def test_broken_html_still_gives_links_and_text() -> None:
    rec = parse_page("http://x.gov.cn/", b"<html><body><div><p>\xcd\xa8\xd6\xaa<a href='x.html'>go")
    assert rec.links[0].target == "http://x.gov.cn/x.html"
    assert "通知" in rec.text and rec.charset == "gb18030"


def test_an_undated_row_in_a_dated_list_stays_undated_even_with_a_dated_url():
    html = """<ul class="list">
    <li><a href="/tzgg/202401/t20240105_1.html">关于开展2024年度社保缴费基数申报的通知</a><span>2024-01-05</span></li>
    <li><a href="/tzgg/202401/t20240110_2.html">关于做好春节期间劳动保障监察工作的通知</a></li>
    <li><a href="/tzgg/202312/t20231220_3.html">关于公布第二批技能人才评价机构名单的公告</a><span>2023-12-20</span></li>
    </ul>""".encode()
    items = parse_page("http://127.0.0.1/tzgg/", html).list_items
    assert [i.date for i in items] == [date(2024, 1, 5), None, date(2023, 12, 20)]


def test_a_list_that_shows_no_dates_takes_them_from_item_urls():
    html = """<ul class="list">
    <li><a href="/gzdt/202401/t20240105_1.html">市人社局召开2024年全市人社工作会议</a></li>
    <li><a href="/gzdt/202401/t20240110_2.html">市人社局开展根治欠薪冬季专项行动</a></li>
    <li><a href="/gzdt/202312/t20231220_3.html">全市技能人才队伍建设推进会召开</a></li>
    </ul>""".encode()
    items = parse_page("http://127.0.0.1/gzdt/", html).list_items
    assert [i.date for i in items] == [date(2024, 1, 5), date(2024, 1, 10), date(2023, 12, 20)]


def test_a_malformed_link_keeps_its_edge_as_written():
    body = b"<a href='http://[::1/x'>bad ipv6</a><a href='http://x:99999/'>bad port</a><a href='ok.html'>ok</a>"
    targets = [link.target for link in parse_page("http://x.gov.cn/p.html", body).links]
    assert targets == ["http://[::1/x", "http://x:99999/", "http://x.gov.cn/ok.html"]


def test_a_yearless_list_date_falls_in_the_year_up_to_the_audit_date():
    """News lists often write `05-28` alone: the year is the one that is not in the future."""
    html = """<ul class="list">
    <li><a href="/xwdt/content_101.html">市人社局召开全市就业工作推进会</a><span>[02-28]</span></li>
    <li><a href="/xwdt/content_102.html">全市根治欠薪冬季专项行动总结会召开</a><span>[01-15]</span></li>
    <li><a href="/xwdt/content_103.html">市人社局开展“送政策进企业”活动</a><span>[12-20]</span></li>
    </ul>""".encode()
    items = parse_page("http://127.0.0.1/xwdt/", html, today=date(2024, 3, 15)).list_items
    assert [i.date for i in items] == [date(2024, 2, 28), date(2024, 1, 15), date(2023, 12, 20)]
    # Without an audit date the year stays unknown, as before: no date is invented.
    assert [i.date for i in parse_page("http://127.0.0.1/xwdt/", html).list_items] == [None] * 3


def test_a_date_split_into_day_and_year_month_blocks_is_read():
    """News-list templates set the day large beside the year and month, in either order, in
    rows or in card anchors; the blocks alone make the date."""
    html = """<ul class="list">
    <li><a href="/tzgg/a1.html">关于开展社会保险缴费基数申报工作的通知</a>
        <span class="date"><i>28</i><em>2024-03</em></span></li>
    <li><a href="/tzgg/a2.html">关于公布人力资源服务机构名单的公告</a>
        <div class="time"><p class="day">05</p><p class="ym">2024.02</p></div></li>
    <li><a href="/tzgg/a3.html">市人社局召开年度工作会议</a>
        <div class="date"><span>2024-01</span><span>16</span></div></li>
    </ul>
    <div class="cards">
    <a href="/xwdt/b1.html"><div class="d"><b>12</b><i>2023/11</i></div><h3>全市就业形势分析会召开</h3></a>
    <a href="/xwdt/b2.html"><div class="d"><b>30</b><i>2023/10</i></div><h3>人才引进政策解读</h3></a>
    </div>""".encode()
    items = parse_page("http://127.0.0.1/tzgg/", html, today=date(2024, 6, 1)).list_items
    assert [(i.title, i.date) for i in items] == [
        ("关于开展社会保险缴费基数申报工作的通知", date(2024, 3, 28)),
        ("关于公布人力资源服务机构名单的公告", date(2024, 2, 5)),
        ("市人社局召开年度工作会议", date(2024, 1, 16)),
        ("全市就业形势分析会召开", date(2023, 11, 12)),
        ("人才引进政策解读", date(2023, 10, 30)),
    ]


def test_a_row_number_or_a_count_beside_a_year_month_is_not_a_day():
    html = """<table>
    <tr><td>12</td><td><a href="/czyjs/1.html">2024年3月部门预算执行情况</a></td><td>2024-03</td></tr>
    <tr><td>13</td><td><a href="/czyjs/2.html">2024年2月部门预算执行情况</a></td><td>2024-02</td></tr>
    </table>
    <ul><li><a href="/xwdt/9.html">市人社局举办招聘会</a><span>浏览 28 次</span><span>2024-03</span></li>
    <li><a href="/xwdt/8.html">市人社局开展普法宣传</a><span>浏览 16 次</span><span>2024-02</span></li></ul>
    """.encode()
    items = parse_page("http://127.0.0.1/czyjs/", html, today=date(2024, 6, 1)).list_items
    assert all(i.date is None for i in items)


@pytest.mark.parametrize(
    "body, name",
    [
        (b'<html><head><meta id="9DhefwqGPrzGxEp9hPaoag" content="x"><script>$_ts=window'
         b"['$_ts'];if(!$_ts)$_ts={};</script></head><body></body></html>", "瑞数"),
        (b"<script>document.cookie=('_')+('_jsl_clearance_s=1');location.href=location.pathname"
         b"</script>", "脚本验证"),
        (b"<html><body><script>var x={};document.cookie='__jsl_clearance=1';</script></body>"
         b"</html>", "加速乐"),
        (b'<html><head><title>Just a moment...</title></head><body><script src="/cdn-cgi/'
         b'challenge-platform/h/b/orchestrate/chl_page/v1"></script></body></html>', "Cloudflare"),
    ],
)  # fmt: skip
def test_a_bot_check_in_place_of_the_site_is_named(body, name):
    from govaudit.crawler.extract import script_challenge

    assert script_challenge(body) == name


def test_pages_with_text_or_without_cookie_scripts_are_not_bot_checks():
    from govaudit.crawler.extract import script_challenge

    nginx_403 = b"<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden"
    nginx_403 += b"</h1></center><hr><center>nginx</center></body></html>"
    page = "<html><body><p>本站使用 cookie 记录访问偏好。</p><script>document.cookie='lang=zh';"
    page += (
        "</script><p>市人社局关于做好2024年度社会保险缴费基数申报工作的通知全文如下。</p></body>"
    )
    assert script_challenge(nginx_403) is None
    assert script_challenge(page.encode()) is None
    assert script_challenge(b"") is None


# ----- shortcuts that must give what the plain library call gives -----


def test_a_link_made_without_init_is_the_dataclass_one() -> None:
    import dataclasses
    import pickle

    from govaudit.core.model import Link
    from govaudit.crawler.extract.links import new_link

    args = ("http://x.gov.cn/a.html", "a", "href", "通知", True)
    fast, made = new_link(*args), Link(*args)
    assert fast == made and hash(fast) == hash(made)
    assert list(vars(fast)) == [f.name for f in dataclasses.fields(Link)]
    assert pickle.dumps(fast) == pickle.dumps(made)


@pytest.mark.parametrize(
    "html",
    [
        "<div>a<!-- c -->b<span>c<b>d</b>e</span>f<br>g</div>",
        "<li><a href='/x'>标题</a><span>2024-03-01</span></li>",
        "<p><?pi x?>文<i></i>本<!--x--></p>",
        "<td> 索 <b>引</b>号： </td>",
        "<ul><li>一<ul><li>二</li></ul>三</li></ul>",
    ],
)
def test_text_content_is_lxml_html_text_content(html: str) -> None:
    import lxml.html

    from govaudit.crawler.extract.page import parse_tree
    from govaudit.crawler.extract.text import text_content

    root = parse_tree(f"<html><body>{html}</body></html>")
    reference = lxml.html.document_fromstring(f"<html><body>{html}</body></html>")
    for mine, theirs in zip(root.iter(), reference.iter(), strict=True):
        if isinstance(theirs.tag, str):
            assert text_content(mine) == theirs.text_content()


@pytest.mark.parametrize(
    "base",
    ["http://x.gov.cn", "http://x.gov.cn/a//b/./c/../d.html?x=1#f", "ftp://x/a/b", "about:blank",
     "a/b/c", "http://x.gov.cn/a/b/..", "https://u@X.gov.cn:80/a;p/b;q?z", ""],
)  # fmt: skip
def test_script_page_names_join_as_urljoin_does(base: str) -> None:
    from urllib.parse import urljoin

    from govaudit.crawler.extract.pagination import join_names

    names = ["index.html", "index_1.html", "list_2.shtml", "~x_3", "../up_1.html", ".h_1.html",
             "a:b_1.html", "a;p_1.html", "a?x_1.html", "/root_1.html", "中文_1.html", "..", "."]  # fmt: skip
    assert join_names(base, names) == [urljoin(base, name) for name in names]


@pytest.mark.parametrize(
    "page, other, same",
    [
        ("http://x.gov.cn/col/index.html", "http://x.gov.cn/col/index_2.html", True),
        ("http://x.gov.cn/col/index_3.html", "http://x.gov.cn/col/index.html", True),
        ("http://x.gov.cn/col/index.html", "http://x.gov.cn/col/202406/t20240601_1.html", False),
        ("http://x.gov.cn/col/index.html", "http://x.gov.cn/col/sub/index_2.html", False),
        ("http://x.gov.cn/col/", "http://x.gov.cn/col/?page=2", True),
        ("http://x.gov.cn/col/", "http://x.gov.cn/col/index_1.html", True),
        ("http://x.gov.cn/list.jsp?page=1", "http://x.gov.cn/list.jsp?page=2", True),
        ("http://x.gov.cn/col/index.html", "http://y.gov.cn/col/index_2.html", False),
        ("http://x.gov.cn/col/.html", "http://x.gov.cn/col/index_2.html", True),
        # Articles are no pages of a list: TRS t<date>_<id>, Hanweb art_<column>_<id>, a
        # content_<id>; the number after their stem is a document id, not a page number.
        (
            "http://x.gov.cn/col/202506/t20250624_100496.html",
            "http://x.gov.cn/col/202506/t20250624_100497.html",
            False,
        ),
        (
            "http://x.gov.cn/art/2020/12/29/art_1229678763_4982889.html",
            "http://x.gov.cn/art/2020/12/29/art_1229678763_4982890.html",
            False,
        ),
        (
            "http://x.gov.cn/2018-05/20/content_1744295.html",
            "http://x.gov.cn/2018-05/20/content_1744296.html",
            False,
        ),
        ("http://x.gov.cn/col/index.html", "http://x.gov.cn/col/index_100496.html", False),
        ("http://x.gov.cn/col/list_2.html", "http://x.gov.cn/col/list_3.html", True),
    ],
)
def test_other_pages_of_a_list(page: str, other: str, same: bool) -> None:
    from govaudit.crawler.extract.pagination import SameList

    assert SameList(page).includes(other) is same
