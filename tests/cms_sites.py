"""A second test site, built on CMS patterns the bundled sample does not use.

临江市某县政府门户网站 (fictitious), as a Hanweb (大汉) site with a UCAP (开普云) column and a
政府信息公开平台 (`/xxgk/`) grafted on, the way many county portals are assembled:

- Hanweb: `/col/col1001/index.html` columns, `/art/2024/5/28/art_1001_101.html` articles,
  list items inside `<script type="text/xml"><datastore><recordset><record><![CDATA[<li>…`,
  `<meta name="ArticleTitle">`, `<meta name="PubDate" content="2024-05-28 09:30">`,
  `<meta name="ContentSource">`, pagination by `?pageIndex=2` links;
- UCAP: `<table>` lists with `<td class="date">2023.10.08</td>`, `?page=2` pagination;
- 信息公开平台: `<table class="xxgk_table">` with `<th>`/`<td class="label">` labels, values
  spanning columns, 信息索引号 `11330100002489123X/2024-00012`;
- list dates `05-20` (year in a heading), `2024.05.10`, `(2024-03-01)`, `2024年03月01日 09:30`;
  a `<dl>` list, an iframe-embedded list, `onclick="window.open('/art/...')"` items, `../` links,
  a `<base href>` to a CDN path, a GBK column with no charset anywhere, a UTF-8 page with a BOM
  and a stale `charset=gbk` meta, `<div class="nodata">暂无数据</div>`, a soft 404 (redirect to
  `/404.html` answering 200), a 解读 article linking to its policy.

`build_routes()` gives the paths for `site_server.SiteServer`; `PLANTED` and `TRAPS` say what an
audit as of `AS_OF` must and must not report (paths, resolved against the server's URL).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlsplit

from site_server import Reply, redirect

AS_OF = date(2024, 6, 1)
SITE = "临江市清河县人民政府"

MENU = """<div class="menu"><ul>
<li><a href="/index.html">首页</a></li>
<li><a href="/col/col1001/index.html">要闻动态</a></li>
<li><a href="/col/col1002/index.html">通知公告</a></li>
<li><a href="/col/col1003/index.html">工作动态</a></li>
<li><a href="/col/col1004/index.html">人事信息</a></li>
<li><a href="/col/col1005/index.html">规划计划</a></li>
<li><a href="/col/col1006/index.html">政策解读</a></li>
<li><a href="/col/col1007/index.html">部门动态</a></li>
<li><a href="/col/col1008/index.html">公示公告</a></li>
<li><a href="/xxgk/col/col2001/index.html">政策文件</a></li>
<li><a href="/xxgk/col/col2002/index.html">部门文件</a></li>
<li><a href="/col/col1009/index.html">专项资金</a></li>
<li><a href="/col/col1010/index.html">乡镇动态</a></li>
<li><a href="/col/col1011/index.html">便民服务</a></li>
</ul></div>"""

FOOT = """<div class="foot"><p>主办单位：临江市清河县人民政府办公室
<a href="/col/col9999/index.html">网站地图</a> <a href="/col/col1001/index.html">联系我们</a></p>
<p>版权所有 &copy; 2008-2024 清河县人民政府 浙ICP备05001234号</p></div>"""


def crumb(*names: str) -> str:
    """The 当前位置 line as Hanweb templates write it: anchors and `&gt;` separators."""
    parts = ['<a href="/index.html">首页</a>']
    parts += [f'<a href="#">{n}</a>' for n in names[:-1]]
    parts.append(names[-1])
    return '<div class="wz">当前位置：' + " &gt; ".join(parts) + "</div>"


def page(title: str, body: str, head: str = "", charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" '
        f'content="text/html; charset={charset}">{head}<title>{title}_{SITE}</title></head>'
        f'<body><div class="header"><img src="/images/logo.png" alt="{SITE}"></div>'
        f"{MENU}{body}{FOOT}</body></html>"
    )


# -- articles ----------------------------------------------------------------------------------

# path → (column, title, published "YYYY-MM-DD HH:MM")
ARTICLES: dict[str, tuple[str, str, str]] = {
    "/art/2024/5/28/art_1001_101.html": ("要闻动态", "县委常委会召开扩大会议研究部署防汛工作", "2024-05-28 09:30"),
    "/art/2024/5/20/art_1001_102.html": ("要闻动态", "清河县召开优化营商环境推进会", "2024-05-20 16:02"),
    "/art/2024/5/6/art_1001_103.html": ("要闻动态", "县政府召开第十二次常务会议", "2024-05-06 10:00"),
    "/art/2024/4/18/art_1001_104.html": ("要闻动态", "全县安全生产工作会议召开", "2024-04-18 08:45"),
    "/art/2023/10/8/art_1002_201.html": ("通知公告", "关于开展2023年度秋季征兵工作的通告", "2023-10-08 09:00"),
    "/art/2023/9/12/art_1002_202.html": ("通知公告", "关于国庆节期间办事大厅开放时间的公告", "2023-09-12 15:20"),
    "/art/2023/6/2/art_1002_204.html": ("通知公告", "关于公布第一批县级非遗名录的通知", "2023-06-02 10:10"),
    "/art/2024/3/1/art_1003_301.html": ("工作动态", "县农业农村局开展春耕备耕督查", "2024-03-01 09:30"),
    "/art/2024/2/20/art_1003_302.html": ("工作动态", "县市场监管局部署节后复工检查", "2024-02-20 14:00"),
    "/art/2024/3/1/art_1004_401.html": ("人事信息", "清河县2024年公开招聘事业单位工作人员公告", "2024-03-01 09:30"),
    "/art/2023/12/15/art_1004_402.html": ("人事信息", "关于张某某等同志任职的通知", "2023-12-15 11:00"),
    "/art/2024/5/10/art_1008_801.html": ("公示公告", "清河县2024年第一批拟认定家庭农场名单公示", "2024-05-10 10:00"),
    "/art/2024/4/26/art_1008_802.html": ("公示公告", "县级文明单位拟命名名单公示", "2024-04-26 17:30"),
}  # fmt: skip
# 乡镇动态 (jpage): 3 pinned (置顶) old rows inline, the 12 newest behind dataproxy.jsp.
JPAGE_INLINE = [
    ("/art/2023/3/1/art_1010_1.html", "清河县乡镇（街道）便民服务中心办事指南", "2023-03-01 09:00"),
    ("/art/2023/2/10/art_1010_2.html", "清河县各乡镇联系电话一览", "2023-02-10 09:00"),
    ("/art/2023/1/5/art_1010_3.html", "清河县乡镇行政区划简介", "2023-01-05 09:00"),
]
JPAGE_PROXY = [
    (
        f"/art/2024/5/{30 - 2 * i}/art_1010_{10 + i}.html",
        f"乡镇工作简讯第{12 - i}期",
        f"2024-05-{30 - 2 * i:02d} 10:00",
    )
    for i in range(12)
]
for _path, _title, _when in JPAGE_INLINE + JPAGE_PROXY:
    ARTICLES[_path] = ("乡镇动态", _title, _when)
JPAGE_NEWEST = date(2024, 5, 30)
DATAPROXY = "/module/web/jpage/dataproxy.jsp"
# 便民服务: the list is fetched by $.ajax from a JSON API into an empty <ul>.
AJAX_COLUMN = "/col/col1011/index.html"
AJAX_ARTICLE = "/art/2024/5/29/art_1011_1.html"
# 部门动态: a CMS whose article URLs carry no date; the list shows `05-20` under a 2024 heading.
DEPT_NEWS = {
    "/col/col1007/art_7001.html": ("县教育局召开校园安全工作会", "2024-05-20"),
    "/col/col1007/art_7002.html": ("县卫健局开展义诊进村活动", "2024-05-16"),
    "/col/col1007/art_7003.html": ("县交通局检查汛前道路设施", "2024-05-09"),
    "/col/col1007/art_7004.html": ("县文旅局举办非遗展演", "2024-04-28"),
}

POLICY_ON_TIME = "/xxgk/art/2024/2/5/art_2001_12.html"
POLICY_LATE = "/xxgk/art/2024/3/20/art_2001_13.html"
READING_ON_TIME = "/art/2024/2/6/art_1006_601.html"
READING_LATE = "/art/2024/4/15/art_1006_602.html"
BROKEN_ONCLICK = "/art/2024/1/10/art_1003_399.html"  # linked by window.open, never published
SOFT_404 = "/art/2023/7/1/art_1002_203.html"  # redirects to /404.html, which answers 200
MISSING_PDF = "/picture/0/2405281010123.pdf"
DEAD_FOOTER = "/col/col9999/index.html"
DEPT_DOC = "/xxgk/art/2024/5/13/art_2002_21.html"  # 生成日期 2024-04-30, published in time


def article(path: str, column: str, title: str, when: str, extra: str = "") -> str:
    head = (
        f'<meta name="ArticleTitle" content="{title}">'
        f'<meta name="PubDate" content="{when}">'
        f'<meta name="ContentSource" content="清河县人民政府办公室">'
        f'<meta name="ColumnName" content="{column}">'
        # Hanweb serves templates and images from a resource path, written as the base URL.
        '<base href="/cdn/hanweb/">'
    )
    body = (
        f'{crumb(column, "正文")}<div class="article"><h1 class="title">{title}</h1>'
        f'<div class="info">发布时间：{when} 来源：清河县人民政府办公室 浏览次数：<span id="c">12</span></div>'
        f'<div class="zoom"><p>{title}。近日，相关部门按照县委县政府部署，认真落实各项工作任务，'
        f"确保各项措施落到实处。</p>{extra}"
        '<p><img src="images/share.png" alt="分享"></p></div>'
        '<div class="related"><h3>相关信息</h3><ul>'
        '<li><a href="/art/2024/5/28/art_1001_101.html">县委常委会召开扩大会议研究部署防汛工作</a>'
        "<span>2024-05-28</span></li>"
        '<li><a href="/art/2024/5/20/art_1001_102.html">清河县召开优化营商环境推进会</a>'
        "<span>2024-05-20</span></li>"
        '<li><a href="/art/2024/5/6/art_1001_103.html">县政府召开第十二次常务会议</a>'
        "<span>2024-05-06</span></li></ul></div></div>"
    )
    return page(title, body, head)


# -- columns -----------------------------------------------------------------------------------


def hanweb_record(path: str) -> str:
    _, title, when = ARTICLES[path]
    return (
        f'<record><![CDATA[<li><a href="{path}" title="{title}" target="_blank">{title}</a>'
        f'<span class="bt-data-time">{when[:10]}</span></li>]]></record>'
    )


def hanweb_column(column: str, col_id: int, paths: list[str], pager: str = "") -> str:
    """Hanweb's list markup: the rows live in CDATA inside a script element, written by jpage.js."""
    records = "".join(hanweb_record(p) for p in paths)
    body = (
        f'{crumb("新闻中心", column)}<div class="bt-box"><div class="bt-title">{column}</div>'
        f'<div id="{col_id}"><script type="text/xml"><datastore>'
        f'<nextgroup><![CDATA[<a href="{DATAPROXY}?page=1&webid=1&path=/&columnid={col_id}'
        f'&unitid=5678&webname=清河县人民政府&permissiontype=0"></a>]]></nextgroup>'
        f"<recordset>{records}</recordset></datastore></script>"
        '<script language="javascript" src="/module/web/jpage/jpage.js"></script></div>'
        f"{pager}</div>"
    )
    return page(column, body)


def dataproxy(path: str) -> Reply:
    """Hanweb's dataproxy.jsp: the column's records `startrecord`..`endrecord` (1-based) as XML."""
    query = dict(parse_qsl(urlsplit(path).query))
    rows = [p for p, _, _ in JPAGE_INLINE + JPAGE_PROXY] if query.get("columnid") == "1010" else []
    start = int(query.get("startrecord", "1"))
    end = int(query.get("endrecord", str(start + 14)))
    records = "".join(hanweb_record(p) for p in rows[start - 1 : end])
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
        f"<totalrecord>{len(rows)}</totalrecord>\n<recordset>\n{records}\n</recordset>\n</datastore>"
    )
    return Reply(body, content_type="text/xml;charset=UTF-8")


def ucap_column(rows: list[str], page_no: int) -> str:
    """UCAP list: a table, the date in `td.date` as 2023.10.08, `?page=N` pagination."""
    cells = []
    for path in rows:
        _, title, when = ARTICLES.get(path, ("", "关于调整部分公交线路的通告", "2023-07-01"))
        cells.append(
            f'<tr><td class="title"><a href="{path}" target="_blank">{title}</a></td>'
            f'<td class="date">{when[:10].replace("-", ".")}</td></tr>'
        )
    pager = (
        '<div class="pages">共2页 <a href="index.html?page=2">下一页</a> <a href="index.html?page=2">尾页</a></div>'
        if page_no == 1
        else '<div class="pages">共2页 <a href="index.html?page=1">首页</a> <a href="index.html?page=1">上一页</a></div>'
    )
    body = (
        f'{crumb("信息公开", "通知公告")}<div class="con_list"><table width="100%">'
        f"{''.join(cells)}</table>{pager}</div>"
    )
    return page("通知公告", body)


def build_routes() -> dict[str, Reply]:
    routes: dict[str, Reply] = {}

    def html(path: str, text: str) -> None:
        routes[path] = Reply(text)

    for path, (column, title, when) in ARTICLES.items():
        extra = ""
        if path == "/art/2024/5/28/art_1001_101.html":
            extra = f'<p>附件：<a href="{MISSING_PDF}">防汛工作责任人名单.pdf</a></p>'
        html(path, article(path, column, title, when, extra))
    for path, (title, day) in DEPT_NEWS.items():
        html(path, article(path, "部门动态", title, day + " 08:00"))

    # 首页: a block with month-day dates (the year is the current one) and the site chrome.
    news = [p for p in ARTICLES if "art_1001_" in p][:3]
    home_rows = "".join(
        f'<li><a href="{p}">{ARTICLES[p][1]}</a><span>{ARTICLES[p][2][5:10]}</span></li>'
        for p in news
    )
    home = page(
        "首页",
        '<div class="banner"><img src="/images/banner.jpg" alt="清河风光"></div>'
        f'<div class="sy_news"><div class="tit"><a href="/col/col1001/index.html">要闻动态</a></div>'
        f'<ul class="news_list">{home_rows}</ul></div>',
    )
    html("/", home)
    html("/index.html", home)

    # 要闻动态 (Hanweb datastore, 2 pages by pageIndex): fresh.
    yw = [p for p in ARTICLES if "art_1001_" in p]
    html(
        "/col/col1001/index.html",
        hanweb_column(
            "要闻动态", 1001, yw[:3],
            '<div class="pagination"><a href="index.html?uid=5&pageIndex=2">下一页</a></div>',
        ),
    )  # fmt: skip
    routes["/col/col1001/index.html?uid=5&pageIndex=1"] = routes["/col/col1001/index.html"]
    html(
        "/col/col1001/index.html?uid=5&pageIndex=2",
        hanweb_column(
            "要闻动态", 1001, yw[3:],
            '<div class="pagination"><a href="index.html?uid=5&pageIndex=1">上一页</a></div>',
        ),
    )  # fmt: skip

    # 通知公告 (UCAP table, ?page=N): newest 2023-10-08, stale (6 months); a soft-404 item.
    tz = [p for p in ARTICLES if "art_1002_" in p]
    html("/col/col1002/index.html", ucap_column(tz[:2], 1))
    html("/col/col1002/index.html?page=2", ucap_column([SOFT_404, tz[2]], 2))
    html("/col/col1002/index.html?page=1", ucap_column(tz[:2], 1))
    routes[SOFT_404] = redirect("/404.html", 302)
    html(
        "/404.html",
        '<html><head><meta charset="utf-8"><title>页面不存在</title></head><body>'
        '<div class="err"><img src="/images/404.png" alt="">'
        '<p>抱歉，您访问的页面不存在或已被删除！</p><a href="/index.html">返回首页</a></div></body></html>',
    )

    # 工作动态: `(2024-03-01)` dates, items opened by window.open: stale (2 weeks); one is dead.
    gz_rows = "".join(
        f'<li><a href="javascript:void(0)" onclick="window.open(\'{p}\')">{t}</a>'
        f'<span class="time">({d})</span></li>'
        for p, t, d in [
            ("/art/2024/3/1/art_1003_301.html", "县农业农村局开展春耕备耕督查", "2024-03-01"),
            ("/art/2024/2/20/art_1003_302.html", "县市场监管局部署节后复工检查", "2024-02-20"),
            (BROKEN_ONCLICK, "县住建局开展建筑工地安全检查", "2024-01-10"),
        ]
    )
    html(
        "/col/col1003/index.html",
        page(
            "工作动态",
            f'{crumb("新闻中心", "工作动态")}<div class="main_list"><ul>{gz_rows}</ul></div>',
        ),
    )

    # 人事信息: a <dl> list with `2024年03月01日 09:30`, links written `../../art/...`: fresh (1 year).
    rs = [p for p in ARTICLES if "art_1004_" in p]
    dl = "".join(
        f'<dt><a href="../..{p}">{ARTICLES[p][1]}</a></dt>'
        f"<dd>{ARTICLES[p][2][:4]}年{ARTICLES[p][2][5:7]}月{ARTICLES[p][2][8:10]}日 {ARTICLES[p][2][11:]}</dd>"
        for p in rs
    )
    html(
        "/col/col1004/index.html",
        page("人事信息", f'{crumb("信息公开", "人事信息")}<div class="rsxx"><dl>{dl}</dl></div>'),
    )

    # 规划计划: an empty column placeholder.
    html(
        "/col/col1005/index.html",
        page(
            "规划计划",
            f'{crumb("信息公开", "规划计划")}<div class="bt-box"><div class="bt-title">规划计划</div>'
            '<div class="nodata">暂无数据</div></div>',
        ),
    )

    # 政策解读: the list is a page in an iframe.
    html(
        "/col/col1006/index.html",
        page(
            "政策解读",
            f'{crumb("信息公开", "政策解读")}<div class="bt-box"><div class="bt-title">政策解读</div>'
            '<iframe src="/col/col1006/list.html" width="100%" height="600" frameborder="0" '
            'scrolling="no"></iframe></div>',
        ),
    )
    html(
        "/col/col1006/list.html",
        '<html><head><meta charset="utf-8"><title>政策解读</title></head><body><ul class="list">'
        f'<li><a href="{READING_LATE}" target="_blank">《清河县工业企业技术改造专项资金管理办法》政策解读</a>'
        "<span>2024-04-15</span></li>"
        f'<li><a href="{READING_ON_TIME}" target="_blank">图解：清河县2024年春季农业生产补贴实施方案</a>'
        "<span>2024-02-06</span></li></ul></body></html>",
    )
    html(
        READING_ON_TIME,
        # UTF-8 with a BOM and a stale gbk meta left in the template.
        page(
            "图解：清河县2024年春季农业生产补贴实施方案",
            f'{crumb("信息公开", "政策解读", "正文")}<div class="article">'
            "<h1>图解：清河县2024年春季农业生产补贴实施方案</h1>"
            '<div class="info">发布日期：2024-02-06</div><div class="zoom">'
            f'<p>相关文件：<a href="{POLICY_ON_TIME}">清河县2024年春季农业生产补贴实施方案</a></p>'
            "<p>一、出台背景。为稳定粮食生产，县政府印发了补贴实施方案，现就主要内容解读如下。</p>"
            "</div></div>",
            head='<meta name="ArticleTitle" content="图解：清河县2024年春季农业生产补贴实施方案">'
            '<meta name="PubDate" content="2024-02-06 10:00">',
            charset="gbk",
        )
        .encode("utf-8")
        .replace(b"<!DOCTYPE", b"\xef\xbb\xbf<!DOCTYPE", 1),
    )
    routes[READING_ON_TIME] = Reply(routes[READING_ON_TIME].body, content_type="text/html")
    html(
        READING_LATE,
        page(
            "《清河县工业企业技术改造专项资金管理办法》政策解读",
            f'{crumb("信息公开", "政策解读", "正文")}<div class="article">'
            "<h1>《清河县工业企业技术改造专项资金管理办法》政策解读</h1>"
            '<div class="info">发布日期：2024-04-15</div><div class="zoom">'
            f'<p>原文链接：<a href="{POLICY_LATE}">清河县工业企业技术改造专项资金管理办法</a></p>'
            "<p>一、制定背景。为规范专项资金管理，县政府制定了本办法。</p></div></div>",
            head='<meta name="ArticleTitle" content="《清河县工业企业技术改造专项资金管理办法》政策解读">'
            '<meta name="PubDate" content="2024-04-15 09:00">',
        ),
    )

    # 部门动态: `05-20` under a 2024 heading, article URLs without dates, pages col1007_N.html.
    dept = list(DEPT_NEWS.items())

    def dept_page(rows: list, pager: str) -> str:
        lis = "".join(
            f'<li><a href="{p.rsplit("/", 1)[1]}">{t}</a><em>{d[5:]}</em></li>'
            for p, (t, d) in rows
        )
        return page(
            "部门动态",
            f'{crumb("新闻中心", "部门动态")}<div class="list_box"><h3 class="year">2024年</h3>'
            f'<ul class="list">{lis}</ul><div class="page">{pager}</div></div>',
        )

    html(
        "/col/col1007/index.html",
        dept_page(dept[:2], '<span>1</span> <a href="col1007_2.html">2</a> <a href="col1007_2.html">下页</a>'),
    )  # fmt: skip
    html(
        "/col/col1007/col1007_2.html",
        dept_page(dept[2:], '<a href="index.html">1</a> <span>2</span>'),
    )

    # 公示公告: GBK, no charset in the header nor in the page, dates 2024.05.10.
    gs = [p for p in ARTICLES if "art_1008_" in p]
    rows = "".join(
        f'<li><a href="{p}">{ARTICLES[p][1]}</a><span class="date">{ARTICLES[p][2][:10].replace("-", ".")}</span></li>'
        for p in gs
    )
    gbk = (
        "<html><head><title>公示公告_清河县人民政府</title></head><body>"
        f'{MENU}{crumb("信息公开", "公示公告")}<div class="list"><ul>{rows}</ul></div>{FOOT}</body></html>'
    )
    routes["/col/col1008/index.html"] = Reply(gbk.encode("gbk"), content_type="text/html")

    # 政府信息公开平台: a document list and two documents with xxgk_table metadata.
    docs = [
        (POLICY_ON_TIME, "清河县2024年春季农业生产补贴实施方案", "清政办发〔2024〕3号",
         "11330100002489123X/2024-00012", "2024年02月01日", "2024-02-05"),
        (POLICY_LATE, "清河县工业企业技术改造专项资金管理办法", "清政发〔2024〕1号",
         "11330100002489123X/2024-00031", "2024年01月02日", "2024-03-20"),
    ]  # fmt: skip
    doc_rows = "".join(
        f'<tr><td class="bt"><a href="{p}" title="{t}">{t}</a></td><td>{n}</td>'
        f'<td class="date">{pub}</td></tr>'
        for p, t, n, _, _, pub in docs
    )
    html(
        "/xxgk/col/col2001/index.html",
        page(
            "政策文件",
            f'{crumb("政府信息公开", "政策文件")}<div class="xxgk_list"><table>'
            f"<tr><th>标题</th><th>文号</th><th>发布日期</th></tr>{doc_rows}</table></div>",
        ),
    )
    for p, t, n, index_no, written, pub in docs:
        table = (
            '<table class="xxgk_table">'
            f"<tr><th>信息索引号：</th><td>{index_no}</td><th>信息分类：</th><td>政策文件</td></tr>"
            f"<tr><th>发布机构：</th><td>清河县人民政府办公室</td><th>成文日期：</th><td>{written}</td></tr>"
            f'<tr><th>名　　称：</th><td colspan="3">{t}</td></tr>'
            f'<tr><td class="label">文　　号：</td><td>{n}</td>'
            f'<td class="label">发布日期：</td><td>{pub}</td></tr>'
            '<tr><td class="label">有 效 性：</td><td colspan="3">有效</td></tr></table>'
        )
        html(
            p,
            page(
                t,
                f'{crumb("政府信息公开", "政策文件", "正文")}{table}<div class="article"><h1>{t}</h1>'
                f'<div class="zoom"><p>各乡镇人民政府，县政府各部门：现将《{t}》印发给你们，请认真贯彻执行。</p>'
                "</div></div>",
            ),
        )

    # 专项资金: a Hanweb column whose datastore holds no record (an empty column).
    html(
        "/col/col1009/index.html",
        page(
            "专项资金",
            f'{crumb("信息公开", "专项资金")}<div class="bt-box"><div id="1009">'
            '<script type="text/xml"><datastore><recordset></recordset></datastore></script>'
            '<script language="javascript" src="/module/web/jpage/jpage.js"></script></div></div>',
        ),
    )

    # 乡镇动态: a Hanweb jpage column, 3 pinned rows inline, the rest from dataproxy.jsp.
    html(
        "/col/col1010/index.html",
        hanweb_column("乡镇动态", 1010, [p for p, _, _ in JPAGE_INLINE])
        .replace("</datastore>", "<totalrecord>15</totalrecord></datastore>")
        .replace(
            "</body>",
            "<script>$('#1010').jpage({dataStore: dataStore, perPage: 15, groupSize: 3, "
            f"proxyUrl: '{DATAPROXY}', barPosition: 'bottom'}});</script></body>",
        ),
    )
    routes[DATAPROXY + "?*"] = dataproxy

    # 便民服务: the template's <ul> is filled by $.ajax from /api/list.json in the browser.
    html(
        AJAX_COLUMN,
        page(
            "便民服务",
            f'{crumb("信息公开", "便民服务")}<div class="bt-box"><div class="bt-title">便民服务</div>'
            '<ul id="newsList" class="list"></ul><div id="pager"></div></div>'
            '<script src="/js/jquery.min.js"></script><script>'
            '$(function(){$.ajax({url: "/api/list.json", data: {columnId: 1011, page: 1},'
            ' dataType: "json", success: function(d){$.each(d.rows, function(i, r){'
            '$("#newsList").append("<li><a href=\'" + r.url + "\'>" + r.title + "</a><span>"'
            ' + r.date + "</span></li>");});}});});</script>',
        ),
    )
    routes["/js/jquery.min.js"] = Reply(b"/* jquery */", content_type="application/javascript")
    html(
        AJAX_ARTICLE,
        article(AJAX_ARTICLE, "便民服务", "社保卡办理指南", "2024-05-29 10:00"),
    )
    routes["/api/list.json"] = Reply(
        '{"rows": [{"url": "/art/2024/5/29/art_1011_1.html", "title": "社保卡办理指南",'
        ' "date": "2024-05-29"}]}',
        content_type="application/json",
    )

    # 部门文件: an 信息公开 list whose rows open by script (no anchors), UCAP-style labels.
    html(
        "/xxgk/col/col2002/index.html",
        page(
            "部门文件",
            f'{crumb("政府信息公开", "部门文件")}<table class="xxgk_list">'
            f'<tr onclick="window.open(\'{DEPT_DOC}\')" style="cursor:pointer">'
            "<td>清河县财政局关于下达2024年农业保险保费补贴资金的通知</td>"
            "<td>清财农〔2024〕8号</td><td>2024-05-13</td></tr></table>",
        ),
    )
    html(
        DEPT_DOC,
        page(
            "清河县财政局关于下达2024年农业保险保费补贴资金的通知",
            f'{crumb("政府信息公开", "部门文件", "正文")}<table class="xxgk_table">'
            '<tr><td class="label">索 引 号</td><td>11330122002489456Y/2024-00108</td>'
            '<td class="label">主题分类</td><td>财政</td></tr>'
            '<tr><td class="label">发布机构</td><td>清河县财政局</td>'
            '<td class="label">生成日期</td><td>2024-04-30</td></tr>'
            '<tr><td class="label">文件编号</td><td>清财农〔2024〕8号</td>'
            '<td class="label">公开日期</td><td>2024年05月13日</td></tr></table>'
            '<div class="article"><h1>清河县财政局关于下达2024年农业保险保费补贴资金的通知</h1>'
            "<p>各乡镇人民政府：现将2024年农业保险保费补贴资金下达给你们，请按规定使用。</p></div>",
        ),
    )

    # Resources of the template (the base href points under /cdn/hanweb/).
    png = Reply(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    for path in ("/images/logo.png", "/images/banner.jpg", "/images/404.png",
                 "/cdn/hanweb/images/share.png", "/module/web/jpage/jpage.js"):  # fmt: skip
        routes[path] = png
    routes["/module/web/jpage/jpage.js"] = Reply(
        b"/* jpage */", content_type="application/javascript"
    )
    return routes


# What an audit as of AS_OF must report: (check, path of the page or target, detail).
PLANTED = [
    ("stale_column", "/col/col1002/index.html", "通知公告"),
    ("stale_column", "/col/col1003/index.html", "工作动态"),
    ("empty_column", "/col/col1005/index.html", "规划计划"),
    ("empty_column", "/col/col1009/index.html", "专项资金"),
    ("broken_link", BROKEN_ONCLICK, 404),
    ("broken_link", SOFT_404, "soft_404"),
    ("broken_link", MISSING_PDF, 404),
    ("broken_link", DEAD_FOOTER, 404),
    ("overdue_publication", POLICY_LATE, "成文"),
    ("overdue_publication", READING_LATE, "解读"),
]
# What it must not report: fresh columns in unusual markup, the documents and readings on time.
TRAPS = [
    ("stale_column", "/col/col1001/index.html"),
    ("stale_column", "/col/col1004/index.html"),
    ("stale_column", "/col/col1006/list.html"),
    ("stale_column", "/col/col1007/index.html"),
    ("stale_column", "/col/col1008/index.html"),
    ("stale_column", "/xxgk/col/col2001/index.html"),
    ("stale_column", "/"),
    ("undated_item", None),
    ("date_mismatch", None),
    ("overdue_publication", POLICY_ON_TIME),
    ("overdue_publication", DEPT_DOC),
    ("stale_column", "/xxgk/col/col2002/index.html"),
    ("overdue_publication", READING_ON_TIME),
    ("empty_column", "/col/col1006/index.html"),
    ("stale_column", "/col/col1010/index.html"),  # fresh once the dataproxy rows are read
    ("empty_column", "/col/col1010/index.html"),
    # read from the JSON API its script names (crawler/adapters.py): fresh, neither empty nor 无法判定
    ("empty_column", AJAX_COLUMN),
    ("undecidable_column", AJAX_COLUMN),
    ("stale_column", AJAX_COLUMN),
]
