"""The sample bureau site (临江市人力资源和社会保障局), built in memory from a date and a seed.

Every date is placed relative to `as_of`, so the planted problems stay current whatever day the
demo uses; the answer key (`Site.planted`, `Site.traps`) is written by the same code that plants
them, so it cannot drift from the pages. The columns are built in sibling modules: `news_columns`,
`policy_columns`, `service_columns`, `xxgk_columns`.
"""

from __future__ import annotations

from datetime import date

from govaudit.sample_site import markup as mk
from govaudit.sample_site.corpus import BUREAU
from govaudit.sample_site.news_columns import gzdt, tzgg, xqdt
from govaudit.sample_site.policy_columns import gfxwj, zcjd, zcwj
from govaudit.sample_site.service_columns import czyjs, empty_columns, ghjh, gsgg, hdjl, rsxx
from govaudit.sample_site.site import DEMO_AS_OF, GIF, HTML, Item, Site, SiteBuilder, png_image
from govaudit.sample_site.xxgk_columns import service_pages, xxgk_platform


def build_site(as_of: date = DEMO_AS_OF, seed: int = 7) -> Site:
    """All resources of the sample site, with its answer key. Deterministic for (as_of, seed)."""
    b = SiteBuilder(as_of, seed)
    _static(b)
    blocks: dict[str, list[Item]] = {}
    blocks["工作动态"] = gzdt(b)
    blocks["县区动态"] = xqdt(b)
    blocks["通知公告"] = tzgg(b)
    policies = zcwj(b)
    blocks["政策文件"] = policies
    normative = gfxwj(b)
    blocks["政策解读"] = zcjd(b, policies, normative)
    rsxx(b)
    ghjh(b)
    czyjs(b)
    blocks["互动交流"] = hdjl(b)
    blocks["公示公告"] = gsgg(b)
    empty_columns(b)
    blocks["法定主动公开内容"] = xxgk_platform(b)
    service_pages(b)
    _homepage(b, blocks)
    return b.site


# -- static resources and odd paths ----------------------------------------------------------------


def _static(b: SiteBuilder) -> None:
    b.put("/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain; charset=utf-8")
    b.put("/css/style.css", mk.CSS.encode("utf-8"), "text/css; charset=utf-8")
    b.put("/js/common.js", mk.JS.encode("utf-8"), "application/javascript; charset=utf-8")
    b.put("/images/logo.png", png_image(), "image/png")
    b.put("/images/banner.gif", GIF, "image/gif")
    b.put("/favicon.ico", png_image(), "image/png")
    b.plant(
        "broken_link",
        "the shared footer's 网站地图 link is 404 on every page: one finding, all sources",
        target=mk.BROKEN_FOOTER_LINK,
    )
    contact = mk.article_body(
        "联系我们",
        "",
        [
            f"单位名称：{BUREAU}",
            "办公地址：临江市江滨大道188号市行政中心5号楼",
            "人社服务热线：12333（工作日 8:30—17:00）",
            "办公室电话：0571-87061234　传真：0571-87061235",
        ],
    )
    b.page("/lxwm.html", "联系我们", [("联系我们", "/lxwm.html")], contact)
    b.trap(
        "privacy_leak", "the 12333 hotline and office fixed lines", page="/lxwm.html", kind="mobile"
    )


def _homepage(b: SiteBuilder, blocks: dict[str, list[Item]]) -> None:
    parts = ['<div class="banner"><img src="/images/banner.gif" alt="临江人社"></div>']
    for name, items in blocks.items():
        code = items[0].path.rsplit("/", 2)[0].lstrip("/")  # /<code>/<yyyymm>/t….html
        newest = sorted(
            (i for i in items if i.shown and not i.pinned), key=lambda i: i.shown, reverse=True
        )[:6]
        rows = [mk.Row(i.title, i.path, i.shown.isoformat()) for i in newest if i.shown]
        parts.append(
            f'<div class="block"><h3><a href="/{code}/index.html">{name}</a>'
            f'<a class="more" href="/{code}/index.html">更多&gt;&gt;</a></h3>'
            f"{mk.list_rows(rows, 'span')}</div>"
        )
    parts.append(
        '<div class="zt"><h3>专题专栏</h3>'
        '<a href="/wjyzt/index.html">稳就业专题</a> <a href="/ztzl/2019zt/index.html">2019年人社服务专题</a>'
        ' <a href="/zpxx/index.html">招聘信息</a> <a href="/rsxx/index.html">人事信息</a>'
        ' <a href="/ghjh/index.html">规划计划</a> <a href="/czyjs/index.html">财政预决算</a>'
        ' <a href="/gfxwj/index.html">规范性文件</a> <a href="/bsfw/index.html">办事服务</a>'
        ' <a href="javascript:void(0)" onclick="window.open(\'/hdjl/index.html\')">我要留言</a></div>'
        '<div class="hotline">人社服务热线：<b>12333</b></div>'
    )
    b.plant(
        "broken_link",
        "a homepage link to a removed 专题 (homepage: critical)",
        target="/ztzl/2019zt/index.html",
    )
    b.trap(
        "broken_link",
        "mailto:, tel:, javascript: and #top links are not targets",
        target="mailto:rsjbgs@linjiang.example.cn",
    )
    html = mk.shell("首页", [], "\n".join(parts), year=b.as_of.year)
    html = html.replace('<div class="position">当前位置：</div>\n', "")
    b.put("/", html.encode("utf-8"), HTML)
    b.plant(
        "broken_link",
        "internal 404 linked from several pages: one finding, all sources",
        target="/xxgk/jgzn/index.html",
    )
