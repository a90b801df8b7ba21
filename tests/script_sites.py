"""A test site whose lists are built by script, one way a column (for crawler/adapters.py and
crawler/render.py): 临江市数据局 (fictitious).

- 数据动态 `/hanweb/`: a Hanweb datastore block with 5 rows inline and jpage.js's `<nextgroup>`;
  `dataproxy.jsp` answers the other 7 rows in pages of 5 (`startrecord`/`endrecord`), the newest
  row in its last page only;
- 政策文件 `/json/`: an empty `<ul>` that `fetch("/api/zcwj.json?page=1")` fills; the API's answer
  names `totalPage: 2`, and page 2 holds the newest item (the JSON adapter reads both, no browser);
- 工作动态 `/dyn/`: an empty `<ul>` filled from a URL the script builds (`["/api", name].join("/")`):
  no adapter can name it, only the browser reads it;
- 通知公告 `/frame/`: a `<frameset>` whose main frame holds the list;
- 互动服务 `/spa/`: a Vue-style shell (`<div id="app"></div>`) whose bundle never renders: 无法判定.

Every column is fresh as of `AS_OF`: the only finding an audit may make is the SPA's
`undecidable_column` (and, without a browser, 工作动态's too).
"""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from site_server import Reply

AS_OF = date(2024, 6, 1)
SITE = "临江市数据局"
DATAPROXY = "/module/web/jpage/dataproxy.jsp"

MENU = (
    '<div class="nav"><a href="/">首页</a> <a href="/hanweb/index.html">数据动态</a> '
    '<a href="/json/index.html">政策文件</a> <a href="/dyn/index.html">工作动态</a> '
    '<a href="/frame/index.html">通知公告</a> <a href="/spa/index.html">互动服务</a></div>'
)

# column → [(article path, title, date)], newest first
HANWEB = [(f"/art/2024/5/{d}/art_11_{d}.html", f"数据动态第{d}期", f"2024-05-{d:02d}") for d in
          (28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 30)]  # fmt: skip
HANWEB_INLINE = 5
JSON_PAGES = [
    [
        (f"/art/2024/4/{d}/art_12_{d}.html", f"政策文件第{d}号", f"2024-04-{d:02d}")
        for d in (20, 10)
    ],
    [("/art/2024/5/27/art_12_27.html", "政策文件第27号", "2024-05-27")],
]
DYN = [
    (f"/art/2024/5/{d}/art_13_{d}.html", f"工作动态{d}日", f"2024-05-{d:02d}") for d in (29, 21, 9)
]
FRAME = [
    (f"/art/2024/5/{d}/art_14_{d}.html", f"通知公告{d}日", f"2024-05-{d:02d}") for d in (25, 5)
]
NEWEST = {
    "数据动态": date(2024, 5, 30),  # in dataproxy.jsp's second page only
    "政策文件": date(2024, 5, 27),  # in the API's page 2 only
    "工作动态": date(2024, 5, 29),
    "通知公告": date(2024, 5, 25),
}
SPA = "/spa/index.html"
DYN_COLUMN = "/dyn/index.html"


def page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_{SITE}</title></head>'
        f'<body><div class="header">{SITE}</div>{MENU}'
        f'<div class="wz">当前位置：<a href="/">首页</a> &gt; {title}</div>{body}'
        '<div class="footer">版权所有 临江市数据局</div></body></html>'
    )


def article(title: str, when: str) -> str:
    return page(
        title,
        f'<div class="article"><h1>{title}</h1><div class="info">发布时间：{when}</div>'
        f"<p>{title}。按照工作部署，各项任务有序推进。</p></div>",
    )


def record(path: str, title: str, when: str) -> str:
    return f'<record><![CDATA[<li><a href="{path}">{title}</a><span>{when}</span></li>]]></record>'


def hanweb_column() -> str:
    records = "".join(record(*row) for row in HANWEB[:HANWEB_INLINE])
    return page(
        "数据动态",
        '<div id="1111"><script type="text/xml"><datastore>'
        f'<nextgroup><![CDATA[<a href="{DATAPROXY}?page=1&webid=1&path=/&columnid=1111"></a>]]>'
        f"</nextgroup><recordset>{records}</recordset></datastore></script>"
        '<script src="/module/web/jpage/jpage.js"></script>'
        f"<script>var totalRecord = {len(HANWEB)}; var perPage = {HANWEB_INLINE};</script></div>",
    )


def dataproxy(path: str) -> Reply:
    query = dict(parse_qsl(urlsplit(path).query))
    start = int(query.get("startrecord", "1"))
    end = int(query.get("endrecord", str(start + HANWEB_INLINE - 1)))
    rows = "".join(record(*row) for row in HANWEB[start - 1 : end])
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<datastore>'
        f"<totalrecord>{len(HANWEB)}</totalrecord><recordset>{rows}</recordset></datastore>"
    )
    return Reply(body, content_type="text/xml;charset=UTF-8")


# The list script of both JSON-fed columns: `api` is a literal for 政策文件, built for 工作动态.
FILL = (
    "fetch(api).then(function (r) { return r.json(); }).then(function (d) {"
    " var ul = document.getElementById('list');"
    " (d.data.list || []).forEach(function (it) {"
    "  var li = document.createElement('li');"
    "  li.innerHTML = '<a href=\"' + it.url + '\">' + it.title + '</a><span>' + it.pubDate + '</span>';"
    "  ul.appendChild(li); }); });"
)


def json_column() -> str:
    return page(
        "政策文件",
        '<div class="list-box"><ul id="list" class="list"></ul></div><script>'
        'fetch("/api/zcwj.json?page=1").then(function (r) { return r.json(); })'
        ".then(function (d) { /* rendered by the template's own code */ });</script>",
    )


def dyn_column() -> str:
    return page(
        "工作动态",
        '<div class="list-box"><ul id="list" class="list"></ul></div>'
        f'<script>var api = ["/api", "gz" + "dt.json"].join("/"); {FILL}</script>',
    )


def api(rows: list[tuple[str, str, str]], pages: int = 1) -> Reply:
    data = {
        "code": 200,
        "data": {
            "totalPage": pages,
            "list": [{"title": t, "url": u, "pubDate": f"{d} 09:00:00"} for u, t, d in rows],
        },
    }
    return Reply(json.dumps(data, ensure_ascii=False), content_type="application/json")


def zcwj(path: str) -> Reply:
    number = int(dict(parse_qsl(urlsplit(path).query)).get("page", "1"))
    rows = JSON_PAGES[number - 1] if 1 <= number <= len(JSON_PAGES) else []
    return api(rows, len(JSON_PAGES))


def frameset() -> str:
    return (
        f'<html><head><meta charset="utf-8"><title>通知公告_{SITE}</title></head>'
        '<frameset rows="90,*"><frame src="/frame/top.html" name="top">'
        '<frame src="/frame/list.html" name="main"></frameset></html>'
    )


def frame_list() -> str:
    rows = "".join(f'<li><a href="{u}">{t}</a><span>{d}</span></li>' for u, t, d in FRAME)
    return (
        f'<html><head><meta charset="utf-8"><title>通知公告</title></head><body>'
        f'<ul class="list">{rows}</ul></body></html>'
    )


def spa_shell() -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>互动服务_{SITE}</title>'
        '</head><body><div id="app"></div><script src="/spa/app.js"></script></body></html>'
    )


def home() -> str:
    rows = [HANWEB[-1], JSON_PAGES[1][0], DYN[0], FRAME[0]]
    items = "".join(f'<li><a href="{u}">{t}</a><span>{d}</span></li>' for u, t, d in rows)
    return page("首页", f'<div class="news"><h3>最新信息</h3><ul class="list">{items}</ul></div>')


def build_routes() -> dict[str, Reply]:
    routes: dict[str, Reply] = {
        "/": Reply(home()),
        "/hanweb/index.html": Reply(hanweb_column()),
        f"{DATAPROXY}?*": dataproxy,
        "/module/web/jpage/jpage.js": Reply(b"/* jpage */", content_type="text/javascript"),
        "/json/index.html": Reply(json_column()),
        "/api/zcwj.json?*": zcwj,
        DYN_COLUMN: Reply(dyn_column()),
        "/api/gzdt.json": api(DYN),
        "/frame/index.html": Reply(frameset()),
        "/frame/top.html": Reply(
            f'<html><body><div class="banner">{SITE}</div><a href="/" target="_top">首页</a>'
            "</body></html>"
        ),
        "/frame/list.html": Reply(frame_list()),
        SPA: Reply(spa_shell()),
        # The bundle fails before it mounts anything (a build that lost its chunks).
        "/spa/app.js": Reply(b"throw new Error('chunk failed');", content_type="text/javascript"),
        "/robots.txt": Reply("User-agent: *\nAllow: /\n", content_type="text/plain"),
    }
    for rows in (HANWEB, *JSON_PAGES, DYN, FRAME):
        for path, title, when in rows:
            routes[path] = Reply(article(title, when))
    return routes
