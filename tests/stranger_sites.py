"""Three served test sites in CMS styles the other test sites do not copy, each with planted truth.

Written from what real Chinese government CMSs serve, not from govaudit's parsers (issue 17: the
audit is judged on sites its authors never saw). All fictitious, audited as of `AS_OF`:

- `trs_site()`: 江澄市生态环境局 on a TRS WCM-style template: `./202503/t20250312_4412345.shtml`
  articles, `index.shtml` columns paged by `createPageHTML(3, 0, "index", "shtml")` (the pager exists
  only in script), `<meta name="ColumnName">` on every article (and the pager script on a two-page
  article), a 相关链接 box with dated URLs, 信息公开 documents with a th/td 索引号 table;
- `xxgk_site()`: 江澄市临川区 政府信息公开平台: a 主题分类 tree of undated links, index-number tables
  (索引号 | 名称 | 文号 | 发布日期), pages by `?pageIndex=N`, one list whose pager never ends (any page
  past the last answers the last rows again with a 下一页), a `<dl>` metadata block on documents;
- `frames_site()`: 江澄县水利局, an ASP site of the 2000s: GBK, `<frameset>` home, `<iframe>` blocks,
  `<font>` dates `[2025-3-12]`, `更多>>` images, `news.asp?classid=N&page=M`, a 访问统计 link whose
  `sid` changes on every answer (a session id), and a calendar of 活动安排 without end.

Each site: `routes()` for `site_server.SiteServer`, `planted` (check, path, detail) the audit must
report, `clean` (check, path) it must not, and `columns` (path → name, newest date or None).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlsplit

from site_server import Reply

AS_OF = date(2025, 3, 14)


def days_ago(n: int) -> date:
    return AS_OF - timedelta(days=n)


class Routes(dict):
    """Paths → `Reply`, plus path prefixes answered by a function (pages whose links change)."""

    def __init__(self) -> None:
        super().__init__()
        self.dynamic: dict[str, object] = {}

    def get(self, path, default=None):  # type: ignore[override]
        for prefix, build in self.dynamic.items():
            if path.startswith(prefix):
                return build(path)
        return super().get(path, default)


@dataclass
class Site:
    name: str
    routes: Routes
    planted: list[tuple[str, str, object]] = field(default_factory=list)
    clean: list[tuple[str, str | None]] = field(default_factory=list)
    columns: dict[str, tuple[str, date | None]] = field(default_factory=dict)
    # document path → (文号, 成文日期, 发布日期) as the page states them
    documents: dict[str, tuple[str, date, date]] = field(default_factory=dict)
    veto: str = "合格"  # summary.json's verdict
    homepage: tuple[str, str] = ("", "合格")  # the scorecard's 首页信息不更新: measured, verdict


PNG = Reply(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
GIF = Reply(b"GIF89a\x01\x00\x01\x00\x80\x00\x00\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0"
            b"\x01\0\x01\0\0\x02\x02D\x01\0;", content_type="image/gif")  # fmt: skip


def query(path: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(path).query))


# == TRS WCM ======================================================================================

TRS_NAME = "江澄市生态环境局"
TRS_NAV = (
    '<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/gzdt/">工作动态</a></li>'
    '<li><a href="/jcdt/">基层动态</a></li><li><a href="/tzgg/">通知公告</a></li>'
    '<li><a href="/zcjd/">政策解读</a></li><li><a href="/zfxxgk/zcwj/">政策文件</a></li>'
    '<li><a href="/hdjl/">互动交流</a></li></ul></div>'
)
TRS_FOOT = (
    '<div class="footer"><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a>'
    "<p>主办：江澄市生态环境局 地址：江澄市滨江路18号 备案号：江ICP备10012345号-1</p>"
    '<p><img src="/images/dzjg.png" alt="党政机关"></p></div>'
)


def trs_article_path(column: str, day: date, serial: int) -> str:
    return f"/{column}/{day:%Y%m}/t{day:%Y%m%d}_{4400000 + serial}.shtml"


def trs_rows(column: str, dates: list[date], start: int) -> list[tuple[str, str, date]]:
    names = {"gzdt": "工作动态", "jcdt": "基层动态", "tzgg": "通知公告", "zfxxgk/zcwj": "政策文件"}
    return [
        (trs_article_path(column, d, start + i), f"{names[column]}第{start + i}号：生态环境保护工作情况", d)
        for i, d in enumerate(dates)
    ]  # fmt: skip


def trs_page(title: str, body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="SiteName" '
        f'content="{TRS_NAME}">{head}<title>{title}-{TRS_NAME}</title>'
        '<link rel="stylesheet" href="/images/style.css"></head><body>'
        f'<div class="top"><img src="/images/logo.png" alt="{TRS_NAME}"></div>{TRS_NAV}{body}'
        f"{TRS_FOOT}</body></html>"
    )


def trs_list_page(column: str, name: str, rows: list, page_no: int, pages: int) -> str:
    """A TRS list: relative `./202503/t...shtml` links, `<span>` dates, the pager in script."""
    base = f"/{column}/"
    lis = "".join(
        f'<li><a href="./{p.removeprefix(base)}" target="_blank" title="{t}">{t}</a>'
        f"<span>{d:%Y-%m-%d}</span></li>"
        for p, t, d in rows
    )
    pager = (
        '<div class="page"><script language="JavaScript">'
        f"var currentPage = {page_no}; var countPage = {pages};"
        'createPageHTML(countPage, currentPage, "index", "shtml");</script></div>'
    )
    return trs_page(
        name,
        f'<div class="position">您当前的位置：<a href="/">首页</a> &gt; <a href="./">{name}</a></div>'
        f'<div class="list"><h2>{name}</h2><ul>{lis}</ul>{pager}</div>',
        head=f'<meta name="ColumnName" content="{name}"><meta name="ColumnType" content="list">'
        '<script src="/js/page.js"></script>',
    )


def trs_article(column: str, name: str, title: str, day: date, extra: str = "") -> str:
    """A TRS article: ArticleTitle/PubDate/ColumnName metas, a 相关链接 box of dated URLs."""
    related = "".join(
        f'<li><a href="{trs_article_path("gzdt", days_ago(n), 900 + n)}">{t}</a></li>'
        for n, t in ((400, "关于我们"), (800, "机构职能"), (1200, "领导信息"))
    )
    return trs_page(
        title,
        f'<div class="position">您当前的位置：<a href="/">首页</a> &gt; <a href="/{column}/">{name}</a>'
        f' &gt; 正文</div><div class="article"><h1>{title}</h1><div class="info">'
        f"<span>发布时间：{day:%Y-%m-%d} 10:21</span><span>来源：{TRS_NAME}</span>"
        '<span>【字体：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a>】'
        '</span></div><div class="TRS_Editor"><p>为深入贯彻落实生态环境保护工作部署，'
        f"市生态环境局近日组织开展专项检查，现将有关情况通报如下。</p>{extra}</div></div>"
        f'<div class="xglj"><h3>相关链接</h3><ul>{related}</ul></div>',
        head=f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" '
        f'content="{day:%Y-%m-%d} 10:21"><meta name="ContentSource" content="{TRS_NAME}">'
        f'<meta name="ColumnName" content="{name}">',
    )


def trs_site() -> Site:
    routes = Routes()
    # Two stale columns and one blank (a veto needs 5 of either): 合格 even were the unreadable
    # 互动交流 a third.
    site = Site(TRS_NAME, routes, homepage=("2 天", "合格"))
    html = lambda path, text: routes.__setitem__(path, Reply(text))  # noqa: E731

    # 工作动态: fresh (2 days), three pages by createPageHTML; 基层动态: 22 days (a veto);
    # 通知公告: 206 days (over 180); 政策文件: documents, 33 days.
    gzdt = trs_rows("gzdt", [days_ago(n) for n in (2, 5, 9, 13, 20, 27, 35, 41, 50)], 1)
    jcdt = trs_rows("jcdt", [days_ago(n) for n in (22, 40, 61)], 100)
    tzgg = trs_rows("tzgg", [days_ago(n) for n in (206, 250, 300)], 200)
    zcwj = trs_rows("zfxxgk/zcwj", [days_ago(n) for n in (33, 90)], 300)
    for column, name, rows, per in (
        ("gzdt", "工作动态", gzdt, 3),
        ("jcdt", "基层动态", jcdt, 10),
        ("tzgg", "通知公告", tzgg, 10),
        ("zfxxgk/zcwj", "政策文件", zcwj, 10),
    ):
        chunks = [rows[i : i + per] for i in range(0, len(rows), per)]
        for n, chunk in enumerate(chunks):
            index = "index.shtml" if n == 0 else f"index_{n}.shtml"
            html(f"/{column}/{index}", trs_list_page(column, name, chunk, n, len(chunks)))
        routes[f"/{column}/"] = routes[f"/{column}/index.shtml"]
        site.columns[f"/{column}/"] = (name, rows[0][2])
    # The list says a 通知 went out 2025-03-05; the article itself says 2025-01-15: a real mismatch.
    late = gzdt[4]
    mismatch_day = date(2025, 1, 15)
    for column, name, rows in (("gzdt", "工作动态", gzdt), ("jcdt", "基层动态", jcdt),
                               ("tzgg", "通知公告", tzgg)):  # fmt: skip
        for path, title, day in rows:
            shown = mismatch_day if path == late[0] else day
            html(path, trs_article(column, name, title, shown))
    # A two-page article carries the same pager script and ColumnName: still an article.
    two_pages = gzdt[0][0]
    html(
        two_pages,
        trs_article("gzdt", "工作动态", gzdt[0][1], gzdt[0][2],
                    '<script>createPageHTML(2, 0, "t20250312_4400001", "shtml");</script>'),
    )  # fmt: skip
    html(
        two_pages.replace(".shtml", "_1.shtml"),
        trs_article("gzdt", "工作动态", gzdt[0][1], gzdt[0][2]),
    )
    # 政策文件: documents with the metadata table; one list link dead (withdrawn, never replaced).
    for i, (path, title, day) in enumerate(zcwj):
        number = f"江环发〔2025〕{3 + i}号"
        table = (
            '<table class="xxgk_table"><tr><th>索引号：</th><td>11360100MB1234567X/2025-0000'
            + str(i + 1)
            + "</td><th>主题分类：</th><td>生态环境</td></tr><tr><th>发布机构：</th><td>"
            + TRS_NAME
            + f"</td><th>成文日期：</th><td>{day - timedelta(days=4):%Y-%m-%d}</td></tr>"
            f"<tr><th>发文字号：</th><td>{number}</td><th>发布日期：</th><td>{day:%Y-%m-%d}</td></tr>"
            "<tr><th>有效性：</th><td colspan='3'>有效</td></tr></table>"
        )
        site.documents[path] = (number, day - timedelta(days=4), day)
        html(
            path,
            trs_article("zfxxgk/zcwj", "政策文件", title, day).replace(
                '<div class="article">', table + '<div class="article">', 1
            ),
        )
    site.columns["/zfxxgk/zcwj/"] = ("政策文件", zcwj[0][2])
    dead = "/tzgg/202404/t20240401_4400299.shtml"
    routes["/tzgg/index.shtml"] = Reply(
        routes["/tzgg/index.shtml"].body.replace(  # type: ignore[union-attr]
            "</ul>", f'<li><a href=".{dead[5:]}">关于开展环境影响评价专项检查的通知</a>'
            "<span>2024-04-01</span></li></ul>"
        )
    )  # fmt: skip
    routes["/tzgg/"] = routes["/tzgg/index.shtml"]

    # 政策解读: a column with no item at all; 互动交流: rows from a URL the script builds.
    html("/zcjd/", trs_list_page("zcjd", "政策解读", [], 0, 1))
    routes["/zcjd/index.shtml"] = routes["/zcjd/"]
    html(
        "/hdjl/",
        trs_page(
            "互动交流",
            '<div class="position">您当前的位置：<a href="/">首页</a> &gt; 互动交流</div>'
            '<div class="list"><h2>互动交流</h2><ul id="letters"></ul></div>'
            '<script>var api = ["", "interact", "open", "letters"].join("/");'
            "$.getJSON(api + '?siteId=' + window.siteId, function (d) { render(d); });</script>",
            head='<meta name="ColumnName" content="互动交流">',
        ),
    )

    # Home: blocks of the newest rows, 更多 as an image, a date-less carousel, the dead footer.
    home_rows = "".join(
        f'<li><a href="{p}" title="{t}">{t}</a><span>{d:%m-%d}</span></li>' for p, t, d in gzdt[:4]
    )
    notice_rows = "".join(
        f'<li><a href="{p}">{t}</a><span>{d:%Y-%m-%d}</span></li>' for p, t, d in tzgg[:2]
    )
    html(
        "/",
        trs_page(
            "首页",
            '<div class="banner"><a href="/gzdt/"><img src="/images/banner.jpg" alt="美丽江澄"></a></div>'
            '<div class="box"><div class="hd"><h3>工作动态</h3><a class="more" href="/gzdt/">'
            f'<img src="/images/more.gif" alt="更多"></a></div><ul>{home_rows}</ul></div>'
            '<div class="box"><div class="hd"><h3>通知公告</h3><a class="more" href="/tzgg/">更多&gt;&gt;</a>'
            f"</div><ul>{notice_rows}</ul></div>"
            '<div class="box"><a href="/calendar/?month=2025-03">活动日历</a></div>',
        ),
    )
    routes["/index.shtml"] = routes["/"]

    # Traps: a calendar with a 下月 link for ever (robot trap).
    def calendar(path: str) -> Reply:
        month = query(path).get("month", "2025-03")
        y, m = map(int, month.split("-"))
        nxt = f"{y + (m == 12)}-{m % 12 + 1:02d}"
        return Reply(trs_page("活动日历", f'<div class="cal"><h2>{month}</h2>'
                              f'<a href="/calendar/?month={nxt}">下月</a></div>'))  # fmt: skip

    routes["/calendar/?*"] = calendar
    for path in ("/images/logo.png", "/images/banner.jpg", "/images/dzjg.png"):
        routes[path] = PNG
    routes["/images/more.gif"] = GIF
    routes["/images/style.css"] = Reply("body{margin:0}", content_type="text/css")
    routes["/js/page.js"] = Reply(
        "function createPageHTML(){}", content_type="application/javascript"
    )
    routes["/lxwm/"] = Reply(trs_page("联系我们", "<p>电话：0791-12345678</p>"))
    for n, title in ((400, "关于我们"), (800, "机构职能"), (1200, "领导信息")):
        html(trs_article_path("gzdt", days_ago(n), 900 + n), trs_page(title, f"<h1>{title}</h1>"))

    site.planted = [
        ("stale_column", "/jcdt/", "基层动态"),
        ("stale_column", "/tzgg/", "通知公告"),
        ("empty_column", "/zcjd/", "政策解读"),
        ("undecidable_column", "/hdjl/", "互动交流"),
        ("date_mismatch", "/gzdt/index_1.shtml", late[1]),
        ("broken_link", dead, 404),
        ("broken_link", "/wzdt/", 404),
    ]
    site.clean = [
        ("stale_column", "/gzdt/"),
        ("stale_column", "/zfxxgk/zcwj/"),
        ("stale_column", "/"),
        ("empty_column", two_pages),
        ("stale_column", two_pages),
        ("undated_item", None),
    ]
    site.columns["/zcjd/"] = ("政策解读", None)
    return site


# == an ASP frames-and-tables site, GBK ==========================================================

ASP_NAME = "江澄县水利局"
# classid → (name, ages in days of its rows, newest first); 法规文件 has none.
ASP_CLASSES = {
    1: ("工作动态", [1, 4, 8, 15, 23, 30, 44, 58, 71, 90, 120, 150, 170]),
    2: ("通知公告", [256, 300, 340]),
    3: ("水利要闻", [17, 29, 45]),
    4: ("政务公开", [60, 200]),
    5: ("法规文件", []),
}
ASP_PER_PAGE = 5
ASP_SID = itertools.count(100000)


def asp_rows() -> dict[int, list[tuple[int, str, date]]]:
    ids = itertools.count(1001)
    return {
        c: [
            (next(ids), f"{name}：全县水利工程建设进展情况（{age}）", days_ago(age)) for age in ages
        ]
        for c, (name, ages) in ASP_CLASSES.items()
    }


def asp_page(title: str, body: str) -> bytes:
    """A GB2312 page of nested tables; the 访问统计 link carries a new session id every time."""
    text = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f'<title>{title}--{ASP_NAME}</title><link href="css/style.css" rel="stylesheet"></head>'
        '<body topmargin="0" leftmargin="0"><table width="778" border="0" align="center" '
        'cellpadding="0" cellspacing="0"><tr><td><img src="images/top_banner.jpg" width="778"></td>'
        f"</tr></table>{body}"
        '<table width="778" align="center"><tr><td align="center" class="foot">'
        f'版权所有：{ASP_NAME} <a href="count.asp?sid={next(ASP_SID)}">访问统计</a><br>'
        "技术支持：江澄县信息中心</td></tr></table></body></html>"
    )
    return text.encode("gbk")


def asp_list_cells(rows: list[tuple[int, str, date]]) -> str:
    return "".join(
        f'<tr><td width="12"><img src="images/dot.gif"></td><td height="24">'
        f'<a href="shownews.asp?id={i}" target="_blank">{t}</a></td>'
        f'<td width="90" align="right"><font color="#999999">[{d.year}-{d.month}-{d.day}]</font>'
        "</td></tr>"
        for i, t, d in rows
    )


def frames_site(home_blocks: tuple[int, ...] = (1, 2)) -> Site:
    """The homepage shows the lists of `home_blocks` (classids), each in an iframe."""
    routes = Routes()
    site = Site(ASP_NAME, routes, homepage=("1 天", "合格"))
    rows = asp_rows()
    gbk = "text/html"  # the header names no charset; the page says gb2312

    def put(path: str, body: bytes) -> None:
        routes[path] = Reply(body, content_type=gbk)

    routes["/"] = Reply(
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f"<title>{ASP_NAME}</title></head>"
        '<frameset rows="0,*" frameborder="NO" border="0"><frame src="about:blank" name="hidden">'
        '<frame src="main.asp" name="mainFrame"></frameset><noframes><body>您的浏览器不支持框架'
        "</body></noframes></html>".encode("gbk"),
        content_type=gbk,
    )
    blocks = ""
    for c in home_blocks:
        name = ASP_CLASSES[c][0]
        blocks += (
            f'<table width="380"><tr><td class="title_bg"><b>{name}</b></td><td align="right">'
            f'<a href="news.asp?classid={c}"><img src="images/more.gif" border="0" alt="更多&gt;&gt;">'
            f'</a></td></tr><tr><td colspan="2"><iframe src="block.asp?classid={c}" width="380" '
            'height="160" frameborder="0" scrolling="no"></iframe></td></tr></table>'
        )
    menu = "".join(
        f'<a href="news.asp?classid={c}">{name}</a> | ' for c, (name, _) in ASP_CLASSES.items()
    )
    put("/main.asp", asp_page("首页", f'<table width="778" align="center"><tr><td class="menu">'
                                      f'<a href="main.asp">网站首页</a> | {menu}</td></tr></table>{blocks}'))  # fmt: skip

    def block(path: str) -> Reply:
        c = int(query(path).get("classid", "0"))
        return Reply(asp_page("", f'<table width="100%">{asp_list_cells(rows.get(c, [])[:5])}</table>'),
                     content_type=gbk)  # fmt: skip

    def news(path: str) -> Reply:
        q = query(path)
        c, page_no = int(q.get("classid", "0")), int(q.get("page", "1"))
        if c not in ASP_CLASSES:
            return Reply("<html><body>参数错误</body></html>", status=404)
        name, _ = ASP_CLASSES[c]
        mine = rows[c]
        pages = max(1, -(-len(mine) // ASP_PER_PAGE))
        chunk = mine[(page_no - 1) * ASP_PER_PAGE : page_no * ASP_PER_PAGE]
        cells = asp_list_cells(chunk) or '<tr><td align="center">暂无信息</td></tr>'
        pager = f"共{len(mine)}条 第{page_no}/{pages}页 "
        if page_no < pages:
            pager += f'<a href="news.asp?classid={c}&page={page_no + 1}">下一页</a> '
            pager += f'<a href="news.asp?classid={c}&page={pages}">尾页</a>'
        body = (
            '<table width="778" align="center"><tr><td width="180" valign="top" class="left">'
            f'<a href="main.asp">网站首页</a><br>{"<br>".join(menu.split(" | ")[:-1])}</td>'
            f'<td valign="top"><table width="100%"><tr><td class="weizhi">当前位置：<a href="main.asp">'
            f'首页</a> &gt;&gt; {name}</td></tr></table><table width="100%">{cells}</table>'
            f'<table width="100%"><tr><td align="center">{pager}</td></tr></table></td></tr></table>'
        )
        return Reply(asp_page(name, body), content_type=gbk)

    def shownews(path: str) -> Reply:
        wanted = int(query(path).get("id", "0"))
        for c, mine in rows.items():
            for i, t, d in mine:
                if i == wanted:
                    name = ASP_CLASSES[c][0]
                    body = (
                        '<table width="778" align="center"><tr><td class="weizhi">当前位置：'
                        f'<a href="main.asp">首页</a> &gt;&gt; <a href="news.asp?classid={c}">{name}</a>'
                        f' &gt;&gt; 正文</td></tr><tr><td align="center" class="title"><b>{t}</b></td></tr>'
                        f'<tr><td align="center"><font color="#666666">发布时间：{d.year}-{d.month}-{d.day}'
                        f' 9:30:00 &nbsp; 点击数：<script src="hits.asp?id={i}"></script></font></td></tr>'
                        '<tr><td class="content">全县水利系统认真贯彻落实上级决策部署，扎实推进各项重点工程'
                        "建设，确保工程质量和安全生产。</td></tr></table>"
                    )
                    return Reply(asp_page(t, body), content_type=gbk)
        return Reply(
            "<html><body>该信息不存在或已被删除</body></html>".encode("gbk"), content_type=gbk
        )

    # The whole site is ASP: every path answers by its query.
    routes["/block.asp?*"] = block
    routes["/news.asp?*"] = news
    routes["/shownews.asp?*"] = shownews
    routes["/count.asp?*"] = Reply(asp_page("访问统计", "<p>今日访问：128</p>"), content_type=gbk)
    routes["/hits.asp?*"] = Reply("document.write('36')", content_type="application/javascript")
    routes["/css/style.css"] = Reply("td{font-size:12px}", content_type="text/css")
    for path in ("/images/dot.gif", "/images/more.gif"):
        routes[path] = GIF
    # top_banner.jpg was deleted when the site was last redesigned: a broken image.
    for c, (name, ages) in ASP_CLASSES.items():
        site.columns[f"/news.asp?classid={c}"] = (name, days_ago(ages[0]) if ages else None)
    site.planted = [
        ("stale_column", "/news.asp?classid=2", "通知公告"),
        ("stale_column", "/news.asp?classid=3", "水利要闻"),
        ("empty_column", "/news.asp?classid=5", "法规文件"),
        ("broken_link", "/images/top_banner.jpg", 404),
    ]
    site.clean = [
        ("stale_column", "/news.asp?classid=1"),
        ("stale_column", "/news.asp?classid=4"),
        ("stale_column", "/"),
        ("stale_column", "/main.asp"),
        ("undated_item", None),
        ("date_mismatch", None),
    ]
    return site


# == 政府信息公开平台 ==============================================================================

XXGK_NAME = "江澄市临川区人民政府"
XXGK_ORG = "11360102MB0012345Q"
# channel → (name, ages in days of its documents, newest first)
XXGK_CHANNELS = {
    "zcwj": ("政策文件", [4, 18, 39, 60, 75, 96, 120, 143, 170, 201, 230, 260]),
    "czyjs": ("财政预决算", [419, 780]),
    "rsxx": ("人事信息", [132, 300]),
    "ghjh": ("规划计划", []),
}
XXGK_PER_PAGE = 5
XXGK_THEMES = ("综合政务", "国民经济管理", "财政", "城乡建设", "卫生健康", "教育", "民政")


def xxgk_docs() -> dict[str, list[tuple[str, str, str, date]]]:
    """channel → [(path, title, 文号, 发布日期)]."""
    serial = itertools.count(1)
    return {
        ch: [
            (f"/xxgk/{ch}/content_{n}.html", f"临川区人民政府关于印发{name}第{n}号的通知",
             f"临府发〔{days_ago(age).year}〕{n}号", days_ago(age))
            for age in ages
            for n in [next(serial)]
        ]
        for ch, (name, ages) in XXGK_CHANNELS.items()
    }  # fmt: skip


def xxgk_page(title: str, body: str) -> str:
    tree = "".join(
        f'<li><a href="/xxgk/theme.html?themeId={i}">{t}</a></li>'
        for i, t in enumerate(XXGK_THEMES)
    )
    channels = "".join(
        f'<li><a href="/xxgk/{ch}/index.html">{name}</a></li>'
        for ch, (name, _) in XXGK_CHANNELS.items()
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{title}_{XXGK_NAME}政府信息公开</title></head><body>"
        f'<div class="xxgk-head"><a href="/">{XXGK_NAME}</a> 政府信息公开</div>'
        '<div class="xxgk-left"><div class="tree-title">主题分类</div>'
        f'<ul class="ztree">{tree}</ul><div class="tree-title">法定主动公开内容</div>'
        f'<ul class="ztree">{channels}</ul></div><div class="xxgk-right">{body}</div>'
        '<div class="footer">主办：临川区人民政府办公室</div></body></html>'
    )


def xxgk_table(rows: list[tuple[str, str, str, date]], start: int) -> str:
    cells = "".join(
        f"<tr><td>{XXGK_ORG}/{d.year}-{start + i:05d}</td>"
        f'<td class="title"><a href="{p}" target="_blank" title="{t}">{t}</a></td>'
        f"<td>{n}</td><td>{d:%Y-%m-%d}</td></tr>"
        for i, (p, t, n, d) in enumerate(rows)
    )
    return (
        '<table class="xxgk-list"><thead><tr><th>索引号</th><th>名称</th><th>文号</th>'
        f"<th>发布日期</th></tr></thead><tbody>{cells or '<tr><td colspan=4>暂无记录</td></tr>'}"
        "</tbody></table>"
    )


def xxgk_site() -> Site:
    routes = Routes()
    site = Site(XXGK_NAME, routes, homepage=("4 天", "合格"))
    docs = xxgk_docs()

    def channel(ch: str):
        name, _ = XXGK_CHANNELS[ch]
        mine = docs[ch]
        pages = max(1, -(-len(mine) // XXGK_PER_PAGE))
        # 政策文件's pager never ends: a pageIndex past the last answers the last rows again.
        endless = ch == "zcwj"

        def answer(path: str) -> Reply:
            page_no = max(1, int(query(path).get("pageIndex", "1") or 1))
            shown = min(page_no, pages)
            chunk = mine[(shown - 1) * XXGK_PER_PAGE : shown * XXGK_PER_PAGE]
            pager = f"<span>共{len(mine)}条 {pages}页</span>"
            if page_no > 1:
                pager += f'<a href="index.html?pageIndex={page_no - 1}">上一页</a>'
            if page_no < pages or endless:
                pager += f'<a href="index.html?pageIndex={page_no + 1}">下一页</a>'
            body = (
                f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a>'
                f" &gt; {name}</div>{xxgk_table(chunk, (shown - 1) * XXGK_PER_PAGE + 1)}"
                f'<div class="pager">{pager}</div>'
            )
            return Reply(xxgk_page(name, body))

        return answer

    for ch, (name, ages) in XXGK_CHANNELS.items():
        answer = channel(ch)
        routes[f"/xxgk/{ch}/index.html"] = answer(f"/xxgk/{ch}/index.html")
        routes[f"/xxgk/{ch}/index.html?*"] = answer
        site.columns[f"/xxgk/{ch}/index.html"] = (name, days_ago(ages[0]) if ages else None)
        for path, title, number, day in docs[ch]:
            meta = (
                '<div class="xxgk-meta"><dl><dt>索引号：</dt><dd>'
                f"{XXGK_ORG}/{day.year}-00001</dd></dl><dl><dt>主题分类：</dt><dd>综合政务</dd></dl>"
                f"<dl><dt>发布机构：</dt><dd>{XXGK_NAME}办公室</dd></dl>"
                f"<dl><dt>成文日期：</dt><dd>{day - timedelta(days=3):%Y年%m月%d日}</dd></dl>"
                f"<dl><dt>发文字号：</dt><dd>{number}</dd></dl>"
                f"<dl><dt>发布日期：</dt><dd>{day:%Y年%m月%d日}</dd></dl>"
                "<dl><dt>有效性：</dt><dd>有效</dd></dl></div>"
            )
            body = (
                f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a>'
                f' &gt; <a href="/xxgk/{ch}/index.html">{name}</a></div>{meta}'
                f'<div class="doc"><h1>{title}</h1><div class="content"><p>各乡镇人民政府、街道办事处，'
                f"区政府各部门：现将{title[11:-3]}印发给你们，请认真遵照执行。</p>"
                "<p>本文件自2007年6月29日区人大常委会通过的有关规定起参照执行。</p></div></div>"
            )
            routes[path] = Reply(xxgk_page(title, body))
            site.documents[path] = (number, day - timedelta(days=3), day)

    # 主题分类 pages: the same documents by theme, queried by script from an API built at run time.
    def theme(path: str) -> Reply:
        body = (
            '<div class="crumb">当前位置：<a href="/">首页</a> &gt; 主题分类</div><ul id="themeList"></ul>'
            "<script>var q = location.search.substring(1);"
            "$.post(['', 'xxgk', 'api', 'theme'].join('/'), q, function (d) { fill(d); });</script>"
        )
        return Reply(xxgk_page("主题分类", body))

    routes["/xxgk/theme.html?*"] = theme
    newest = sorted((d for rows in docs.values() for d in rows), key=lambda r: r[3], reverse=True)
    home_rows = "".join(
        f'<li><a href="{p}">{t}</a><span class="date">{d:%Y-%m-%d}</span></li>'
        for p, t, _, d in newest[:5]
    )
    routes["/"] = Reply(
        xxgk_page(
            "首页",
            f'<div class="box"><h3>最新公开</h3><ul>{home_rows}</ul></div>'
            '<div class="box"><a href="/xxgk/ysqgk/">依申请公开</a></div>',
        )  # fmt: skip
    )
    routes["/xxgk/"] = routes["/"]
    site.planted = [
        ("stale_column", "/xxgk/czyjs/index.html", "财政预决算"),
        ("empty_column", "/xxgk/ghjh/index.html", "规划计划"),
        ("broken_link", "/xxgk/ysqgk/", 404),
    ]
    # 主题分类 lists come from an API the script builds at run time: 无法判定, each of them.
    site.planted += [
        ("undecidable_column", f"/xxgk/theme.html?themeId={i}", "主题分类")
        for i in range(len(XXGK_THEMES))
    ]
    site.clean = [
        ("stale_column", "/xxgk/zcwj/index.html"),
        ("stale_column", "/xxgk/rsxx/index.html"),
        ("stale_column", "/"),
        ("undated_item", None),
        ("date_mismatch", None),
    ]
    return site


def frames_site_stale_home() -> Site:
    """The same site whose homepage frames only 通知公告 and 水利要闻 (newest 17 days old):
    首页不更新, a single veto, seen only through the frames."""
    site = frames_site(home_blocks=(2, 3))
    site.planted.append(("stale_column", "/", "首页"))
    site.clean = [c for c in site.clean if c[1] != "/"]
    site.homepage, site.veto = ("17 天", "否决"), "否决"
    return site
