"""The breadcrumb (首页 > 信息公开 > ...), from its container or a lead word."""

from __future__ import annotations

import copy
import functools
import re

from lxml import etree

from govaudit.crawler.extract.text import collapse, iter_elements, text_content

# ----- breadcrumb -----

_CRUMB_CLASS = re.compile(
    r"crumb|bread|position|location|dqwz|weizhi|path|mianbao|currentpos|curpos", re.I
)
# 当前位置, 您的位置, 您当前的位置, 您所在的位置, 您现在的位置是 …; a bare 位置 only with its colon.
_CRUMB_LEAD = re.compile(
    r"^\s*(?:(?:[您你](?:当前|现在|目前)?(?:所在)?的?|当前(?:所在)?|现在|所在|目前)位置是?\s*[:：]?"
    r"|位置\s*[:：])\s*"
)
# A path that names no holder nor lead still starts at 首页 and goes on (首页 > 新闻 > 陕西要闻).
_HOME_THEN = re.compile(r"^首页\s*(?:>>|>|»|→|＞|›|〉)")
# TRS WCM writes its column path (the TRS_CurrChnl tag) as links of this class, whatever holds them.
_TRS_CRUMB_LINK = "CurrChnlCls"
_CRUMB_SPLIT = re.compile(r"\s*(?:>>|>|»|→|/|＞|›|〉|>)\s*")


@functools.lru_cache(maxsize=4096)
def _crumb_names(names: str) -> bool:
    """Whether a class/id attribute pair names a breadcrumb; memoised like `_bp_names`."""
    return any(_CRUMB_CLASS.search(t) for t in names.lower().split())


_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _hidden(el: etree._Element) -> bool:
    """A block no reader sees: Hanweb's `<div id="hiddenLocation" style="display:none">` holds
    the column names and URLs for its scripts (col1_name, col1_url …), no breadcrumb."""
    return el.get("hidden") is not None or bool(_HIDDEN.search(el.get("style") or ""))


def _reads_as_path(el: etree._Element) -> bool:
    """A block named like a breadcrumb that reads as one: 首页, a lead word, a separator. Not
    a menu entry that shares the word (国家金融监督管理总局's `span.weizhi-text-top`)."""
    text = collapse(text_content(el))
    return "首页" in text or bool(_CRUMB_LEAD.match(text) or _CRUMB_SPLIT.search(text))


def _path_text(holder: etree._Element) -> str:
    """The holder's text without the blocks inside it that are no part of the path (中国政府网's
    div.BreadcrumbNav also holds the 字号 | 打印 | 分享 toolbar)."""
    parts = [holder.text or ""]
    for child in holder:
        toolbar = child.tag in ("div", "form") and not _reads_as_path(child)
        if isinstance(child.tag, str) and not toolbar:
            parts.append(text_content(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _trs_path_holder(root: etree._Element) -> etree._Element | None:
    """The block TRS's column path links stand in (div.navInfo: 首页 / 要闻), if shown."""
    for a in root.iter("a"):
        if _TRS_CRUMB_LINK in (a.get("class") or ""):
            holder = a.getparent()
            if holder is not None and not _hidden(holder) and _reads_as_path(holder):
                return holder
    return None


def _home_path_holder(root: etree._Element) -> etree._Element | None:
    """The shortest shown block that reads 首页 > … with links after the first (陕西's
    div.szf-local, 工信部's span, 安徽's aria-label="栏目路径"): a path, however it is named."""
    for a in root.iter("a"):
        if collapse(text_content(a)) != "首页":
            continue
        el = a.getparent()
        while el is not None and el.tag not in ("body", "html"):
            text = collapse(text_content(el))
            if len(text) > 200:
                break
            if _HOME_THEN.match(text) and sum(1 for _ in el.iter("a")) >= 2:
                if not _hidden(el):
                    return el
                break
            el = el.getparent()
    return None


def _named_holder(root: etree._Element) -> etree._Element | None:
    """A shown block named like a breadcrumb (div.crumb, #dqwz, .position) that reads as one."""
    for el in iter_elements(root):
        classes, ident = el.get("class"), el.get("id")
        if not (classes or ident) or el.tag in ("html", "body", "script", "style"):
            continue
        if (
            _crumb_names(f"{classes or ''} {ident or ''}")
            and len(collapse(text_content(el))) < 300
            and not _hidden(el)
            and _reads_as_path(el)
        ):
            return el
    return None


def _lead_holder(root: etree._Element) -> etree._Element | None:
    """The block a lead word (当前位置：) opens."""
    for node in root.xpath("//text()[contains(., '位置')]"):
        parent = node.getparent()
        if parent is None:
            continue
        shown = collapse(text_content(parent))
        if _CRUMB_LEAD.match(shown):
            # The lead in an element of its own (<font>当前位置：</font><a>首页</a> >…): the path
            # is its parent's.
            alone = not _CRUMB_LEAD.sub("", shown) and parent.getparent() is not None
            return parent.getparent() if alone else parent
        if _CRUMB_LEAD.match(collapse(node)):
            return parent.getparent() if parent.getparent() is not None else parent
    return None


# A template that writes a placeholder path (网站首页 > 详情页) and, elsewhere, the column's path,
# which a script copies in: `$('.position').html($('.rels').html())` (EasySite, 北京's district
# portals). A reader sees the copied path.
_COPY_HTML = re.compile(
    r"""\$\(\s*(['"])([.#][\w-]+)\1\s*\)\s*\.html\(\s*"""
    r"""\$\(\s*(['"])([.#][\w-]+)\3\s*\)\s*\.html\(\s*\)\s*\)"""
)


def _selected(selector: str, el: etree._Element) -> bool:
    """Whether a `.class` or `#id` selector picks the element."""
    name = selector[1:]
    if selector[0] == "#":
        return el.get("id") == name
    return name in (el.get("class") or "").split()


def _copied_path(root: etree._Element, holder: etree._Element) -> etree._Element | None:
    """The block a page script copies into the holder (or a block around it), if it reads as
    a path."""
    around = [holder, *list(holder.iterancestors())[:3]]
    for script in root.iter("script"):
        for call in _COPY_HTML.finditer(script.text or ""):
            target, source = call.group(2), call.group(4)
            if not any(_selected(target, el) for el in around):
                continue
            for el in iter_elements(root):
                if el is not holder and _selected(source, el) and _reads_as_path(el):
                    return el
    return None


def _without_trailing_heading(names: list[str], holder: etree._Element) -> list[str]:
    """The last crumb as its link reads, when the holder goes on after that link, with no
    separator, into a heading drawn beside the path (深圳's `<a>工作动态</a> <b>工作动态</b>`):
    a crumb is one name."""
    anchors = list(holder.iter("a"))
    if not names or not anchors or (anchors[-1].tail or "").strip():
        return names
    last = collapse(text_content(anchors[-1]))
    if last and names[-1] != last and names[-1].startswith(last + " "):
        return [*names[:-1], last]
    return names


_BACK_WORDS = re.compile(r"^(?:返回|返回上一?页|返回列表)$")


def _without_back_button(holder: etree._Element) -> etree._Element:
    """The holder without its 返回 links (黑龙江省档案馆's `javascript:history.back` beside the
    path): the browser's back, no column. A copy: the page's tree is left as parsed."""
    if not any(_back_link(a) for a in holder.iter("a")):
        return holder
    holder = copy.deepcopy(holder)
    for a in [a for a in holder.iter("a") if _back_link(a)]:
        a.drop_tree()  # its tail (a separator, a space) stays
    return holder


def _back_link(a: etree._Element) -> bool:
    href = (a.get("href") or "").replace(" ", "").lower()
    return href.startswith("javascript:history") or bool(
        _BACK_WORDS.match(collapse(text_content(a)))
    )


def breadcrumb_names(root: etree._Element) -> tuple[str, ...]:
    """Column path of the page, outermost first (当前位置：首页 > 政务公开 > 通知公告)."""
    for find in (_named_holder, _trs_path_holder, _lead_holder, _home_path_holder):
        holder = find(root)  # not `or`: an element without children is false
        if holder is not None:
            break
    else:
        return ()
    copied = _copied_path(root, holder)
    holder = copied if copied is not None else holder
    if holder.tag == "li" and holder.getparent() is not None:
        holder = holder.getparent()  # <ul><li>当前位置：首页</li><li>政务信息</li>…</ul>
    holder = _without_back_button(holder)
    text = _CRUMB_LEAD.sub("", collapse(_path_text(holder)))
    names = [n for n in (collapse(x) for x in _CRUMB_SPLIT.split(text)) if n]
    if len(names) <= 1:
        # Separators drawn as images, spaces or by the style sheet between <li> (Bootstrap's
        # ol.breadcrumb): take the items, else the anchors.
        items = [collapse(text_content(li)) for li in holder.iter("li")]
        anchors = [collapse(text_content(a)) for a in holder.iter("a")]
        parts = [n for n in (items if len(items) >= 2 else anchors) if n]
        if len(parts) > len(names):
            names = [_CRUMB_LEAD.sub("", n) for n in parts]
    return tuple(_without_trailing_heading(names, holder))
