"""HTML of the sample site: the page shell (header, nav, footer) and the markups real CMSs use.

Several list and metadata layouts on purpose (TRS, Hanweb and hand-made styles), so that the crawler
is tested against the variety of real sites rather than one template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from govaudit.sample_site.corpus import BUREAU

# Placeholder the server replaces with a port it found free and left closed (a refused connection).
CLOSED_PORT = "@@CLOSED_PORT@@"

NAV = (
    ("首页", "/"),
    ("政府信息公开", "/xxgk/index.html"),
    ("工作动态", "/gzdt/index.html"),
    ("通知公告", "/tzgg/index.html"),
    ("政策文件", "/zcwj/index.html"),
    ("政策解读", "/zcjd/index.html"),
    ("办事服务", "/go/bsfw"),  # a redirect chain ending in 200 (a trap)
    ("互动交流", "/hdjl/index.html"),
)

# The shared footer: its 网站地图 link is broken on every page (one finding, every page a source).
BROKEN_FOOTER_LINK = "/wzdt.html"


@dataclass(frozen=True)
class Row:
    """One entry of a list page as the markup shows it."""

    title: str
    href: str
    shown_date: str | None  # the date text as the list shows it, None for an undated row
    pinned: bool = False


def shell(
    title: str,
    crumbs: list[tuple[str, str]],
    body: str,
    *,
    charset: str | None = "utf-8",
    pubdate: str | None = None,
    year: int,
) -> str:
    """A whole page. `charset` None writes no declaration (undeclared GBK pages exist)."""
    meta = ""
    if charset == "utf-8":
        meta = '<meta charset="utf-8">'
    elif charset:
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    if pubdate:
        meta += f'\n<meta name="PubDate" content="{pubdate}">'
    crumb_html = " &gt; ".join(f'<a href="{h}">{escape(n)}</a>' for n, h in crumbs)
    nav = "".join(f'<li><a href="{h}">{n}</a></li>' for n, h in NAV)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{meta}
<title>{escape(title)}_{BUREAU}</title>
<meta name="SiteName" content="{BUREAU}">
<link rel="stylesheet" href="/css/style.css">
<script src="/js/common.js"></script>
</head>
<body>
<a name="top"></a>
<header class="top">
<div class="logo"><img src="/images/logo.png" alt="{BUREAU}"><span>{BUREAU}</span></div>
<nav class="mainnav"><ul>{nav}</ul></nav>
</header>
<div class="position">当前位置：{crumb_html}</div>
<div class="main">
{body}
</div>
{footer(year)}
</body>
</html>
"""


def footer(year: int) -> str:
    return f"""<footer class="foot">
<p><a href="/lxwm.html">联系我们</a> | <a href="{BROKEN_FOOTER_LINK}">网站地图</a> |
<a href="mailto:rsjbgs@linjiang.example.cn">意见建议</a> | <a href="tel:12333">12333</a> |
<a href="javascript:void(0)" onclick="addFavorite()">收藏本站</a> | <a href="#top">返回顶部</a></p>
<p>主办单位：{BUREAU}　地址：临江市江滨大道188号　邮编：317000</p>
<p>人社服务热线：12333　办公室电话：0571-87061234　传真：0571-87061235</p>
<p>版权所有 {year} {BUREAU}　浙ICP备10012345号-1　浙公网安备 33100202000123号　网站标识码：3310000012</p>
</footer>"""


def article_body(
    title: str,
    info: str,
    paragraphs: list[str],
    extra: str = "",
) -> str:
    paras = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<div class="article">
<h1>{escape(title)}</h1>
<div class="info">{info}</div>
<div class="content" id="zoom">
{paras}
{extra}
</div>
<div class="tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div>"""


def meta_table(fields: list[tuple[str, str]], layout: str) -> str:
    """The 信息公开 metadata block in one of three real-world layouts."""
    if layout == "table":  # TRS: two label/value pairs a row
        cells = [f"<td class='t'>{k}：</td><td>{escape(v)}</td>" for k, v in fields]
        rows = ["<tr>" + "".join(cells[i : i + 2]) + "</tr>" for i in range(0, len(cells), 2)]
        return '<table class="xxgk_meta" border="1">' + "".join(rows) + "</table>"
    if layout == "ul":  # Hanweb: a list of bold labels
        items = "".join(f"<li><b>{k}：</b>{escape(v)}</li>" for k, v in fields)
        return f'<div class="xxgk_top"><ul>{items}</ul></div>'
    items = "".join(f"<dt>{k}</dt><dd>{escape(v)}</dd>" for k, v in fields)  # dl layout
    return f'<dl class="doc-meta">{items}</dl>'


def list_rows(rows: list[Row], style: str) -> str:
    """A column's list in one of the markups seen on real sites."""
    if style == "table":
        body = "".join(
            f'<tr><td class="bt"><a href="{r.href}" target="_blank">{escape(r.title)}</a></td>'
            f'<td class="rq">{r.shown_date or ""}</td></tr>'
            for r in rows
        )
        return f'<table class="list-table" width="100%"><tbody>{body}</tbody></table>'
    if style == "bracket":
        body = "".join(
            f'<li><span class="date">{"[" + r.shown_date + "]" if r.shown_date else ""}</span>'
            f'<a href="{r.href}">{escape(r.title)}</a></li>'
            for r in rows
        )
        return f'<ul class="list bracket">{body}</ul>'
    if style == "em":
        body = "".join(
            f'<li><a href="{r.href}" title="{escape(r.title)}">{escape(r.title)}</a>'
            f"<em>{r.shown_date or ''}</em></li>"
            for r in rows
        )
        return f'<ul class="list-em">{body}</ul>'
    pin = '<span class="zd">置顶</span>'
    body = "".join(  # "span": the commonest TRS list
        f"<li>{pin if r.pinned else ''}"
        f'<a href="{r.href}" target="_blank">{escape(r.title)}</a>'
        f"{'<span>' + r.shown_date + '</span>' if r.shown_date else ''}</li>"
        for r in rows
    )
    return f'<ul class="list">{body}</ul>'


def trs_pager(total: int, current: int) -> str:
    """TRS WCM writes its pager with a script: createPageHTML(pages, current, name, ext)."""
    return (
        '<div class="page"><script language="javascript">'
        f'createPageHTML({total}, {current}, "index", "html");</script></div>'
    )


def plain_pager(total: int, current: int) -> str:
    def name(i: int) -> str:
        return "index.html" if i == 0 else f"index_{i}.html"

    parts = [f'<a href="{name(0)}">首页</a>']
    if current > 0:
        parts.append(f'<a href="{name(current - 1)}">上一页</a>')
    if current < total - 1:
        parts.append(f'<a href="{name(current + 1)}">下一页</a>')
    parts.append(f'<a href="{name(total - 1)}">尾页</a>')
    parts.append(f"<span>第{current + 1}页/共{total}页</span>")
    return '<div class="pager">' + " ".join(parts) + "</div>"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cn_date_padded(d: date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


CSS = """body{font-family:"Microsoft YaHei",SimSun,sans-serif;margin:0;color:#333}
.top{background:#b40000;color:#fff}.mainnav ul{list-style:none;display:flex;margin:0}
.mainnav li{padding:8px 16px}.mainnav a{color:#fff}.main{width:1100px;margin:0 auto}
.list li{line-height:32px;border-bottom:1px dashed #ddd}.list span{float:right;color:#999}
.zd{color:#c00;margin-right:6px}.foot{background:#f2f2f2;text-align:center;font-size:13px}
.xxgk_meta td{padding:4px 8px}.article h1{text-align:center;font-size:22px}
"""

JS = """/* TRS WCM pager */
function createPageHTML(nPageCount, nCurrIndex, sPageName, sPageExt) {
  if (nPageCount <= 1) { return; }
  var html = "";
  html += (nCurrIndex == 0) ? "<span>首页</span>" : "<a href=\\"" + sPageName + "." + sPageExt + "\\">首页</a>";
  for (var i = 0; i < nPageCount; i++) {
    var href = (i == 0) ? sPageName + "." + sPageExt : sPageName + "_" + i + "." + sPageExt;
    html += (i == nCurrIndex) ? "<span>" + (i + 1) + "</span>" : "<a href=\\"" + href + "\\">" + (i + 1) + "</a>";
  }
  document.write(html);
}
function addFavorite() { try { window.external.addFavorite(location.href, document.title); } catch (e) {} }
"""
