"""What makes a page a list page (a column): placeholders (暂无信息), list containers, pagers,
empty containers, lists filled by a script.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from govaudit.crawler.extract.boilerplate import Boilerplate, tokens
from govaudit.crawler.extract.text import collapse, iter_elements, text_content

# ----- list-page signals -----

_PLACEHOLDERS = ("暂无信息", "暂无数据", "没有记录", "暂无内容", "暂无相关信息", "暂无记录", "无记录", "没有数据", "暂无文章")  # fmt: skip
_LIST_CONTAINER = re.compile(r"list|lb|liebiao|column|lanmu|news|xxgk|zwgk|con_?ul", re.I)
_PAGE_SCRIPT = re.compile(
    r"createPageHTML\s*\(|\bcountPage\s*=|\bpageCount\s*=|\btotalPage\s*=", re.I
)


def looks_like_list(root: etree._Element, bp: Boilerplate, visible: str) -> dict[str, Any]:
    """Signals of a list page without items: a pager script, a 暂无信息 box (and, filled in by
    the caller, `empty`: an empty list container)."""
    script = any(_PAGE_SCRIPT.search(s.text or "") for s in root.iter("script"))
    placeholder = False
    if not any(p in visible for p in _PLACEHOLDERS):
        return {"script": script, "placeholder": False, "empty": None}
    for el in iter_elements(root):
        if el.tag in ("script", "style", "html", "body"):
            continue
        text = collapse(text_content(el))
        if len(text) > 30 or not any(p in text for p in _PLACEHOLDERS) or bp.contains(el):
            continue
        for anc in [el, *el.iterancestors()][:5]:
            if anc.tag in ("ul", "ol", "table", "tbody", "li", "td") or any(
                _LIST_CONTAINER.search(t) for t in tokens(anc)
            ):
                placeholder = True
                break
        if placeholder:
            break
    return {"script": script, "placeholder": placeholder, "empty": None}


# An empty column's page says little besides its name, breadcrumb and pager ("共0条"); a page with
# more text of its own and an empty box somewhere (an intro page, 机构职能) is no column.
EMPTY_LIST_MAX_TEXT = 300
_LIST_TAGS = ("ul", "ol", "dl", "tbody")


def empty_list_container(root: etree._Element, bp: Boilerplate) -> str | None:
    """The first empty list container outside the page chrome, named as `tag.class`: a list
    element, or a list-named box, holding no text and no element; a `<tbody>` without rows;
    a table of header cells only (its data rows missing). None when there is none."""
    body = root.find("body")
    for el in iter_elements(body if body is not None else root):
        if el.tag in ("script", "style", "body", "html") or bp.contains(el):
            continue
        if el.tag == "table":
            if _header_only_table(el):
                return _element_name(el)
            continue
        listy = el.tag in _LIST_TAGS or (
            el.tag in ("div", "section") and any(_LIST_CONTAINER.search(t) for t in tokens(el))
        )
        if not listy or collapse(text_content(el)):
            continue
        if not any(isinstance(c.tag, str) and c.tag not in ("script", "style") for c in el):
            return _element_name(el)
        if el.tag in _LIST_TAGS and not el.xpath(".//a|.//img"):
            return _element_name(el)  # only empty <li></li> rows
    return None


def _header_only_table(table: etree._Element) -> bool:
    """A table whose rows are all header rows (`th` cells, or in `thead`), at least one of them
    with two or more cells: a list table whose data rows are missing."""
    rows = [r for r in table.iter("tr") if next(r.iterancestors("table"), None) is table]
    if not rows:
        return False
    widest = 0
    for row in rows:
        cells = [c for c in row if c.tag in ("td", "th")]
        in_head = any(a.tag == "thead" for a in row.iterancestors())
        if not in_head and any(c.tag == "td" for c in cells):
            return False
        widest = max(widest, len(cells))
    return widest >= 2


def _element_name(el: etree._Element) -> str:
    classes = (el.get("class") or "").split()
    return f"{el.tag}.{classes[0]}" if classes else str(el.tag)


# Calls that fetch data into the page; `.load(` only with a URL (not `$(window).load(function`).
_LOADER_CALL = re.compile(
    r"\$\.(?:ajax|get|post|getJSON)\s*\(|jQuery\.(?:ajax|get|post|getJSON)\s*\("
    r"|\bfetch\s*\(|XMLHttpRequest|\baxios\b|\.load\s*\(\s*['\"]"
    r"|dataproxy|\bjpage\b|['\"][^'\"\s]*/api/[^'\"\s]*['\"]|['\"][^'\"\s]+\.json\b[^'\"\s]*['\"]",
    re.I,
)
_LOADER_SRC = re.compile(r"jpage|dataproxy", re.I)
_MOUNT_IDS = {"app", "root", "vue-app", "vueapp", "react-root"}
# A repeated template (Vue v-for, Angular ng-repeat, avalon ms-repeat/ms-for as on 福建's TRS
# pages) is a list a script writes, whatever the script's name: its loader may sit in a module
# (require(["list2.trsapi"])) where no loader call shows.
_REPEAT_ATTRS = ("v-for", "ng-repeat", "ms-repeat", "ms-for")
_TEMPLATE_ATTRS = (*_REPEAT_ATTRS, "v-if", ":key", "v-html")
_REPEATED = "|".join(f"//*[@{a}]" for a in _REPEAT_ATTRS)


def list_loaded_by_script(root: etree._Element, bp: Boilerplate) -> bool:
    """A page without list items whose list a script fetches: a loader call (`$.ajax`, `fetch(`,
    dataproxy/jpage, an `/api/` or `.json` URL) and, in the body, an empty list container, an
    empty Vue/React mount point or an unrendered template. Both must hold: a lone visit-counter
    `$.ajax` on a truly empty column does not excuse it. A repeated template (v-for, ms-repeat)
    needs only a script: it is a list no static markup holds, whoever loads it."""
    scripts = list(root.iter("script"))
    loader = any(
        _LOADER_CALL.search(s.text or "") or _LOADER_SRC.search(s.get("src") or "") for s in scripts
    )
    if not loader:
        return bool(scripts) and any(not bp.contains(el) for el in root.xpath(_REPEATED))
    body = root.find("body")
    for el in iter_elements(body if body is not None else root):
        if el.tag in ("script", "style", "body") or bp.contains(el):
            continue
        if any(el.get(a) is not None for a in _TEMPLATE_ATTRS) or "{{" in (el.text or ""):
            return True
        empty = not collapse(text_content(el)) and not any(
            isinstance(c.tag, str) and c.tag not in ("script", "style") for c in el
        )
        if not empty:
            continue
        if (el.get("id") or "").lower() in _MOUNT_IDS:
            return True
        if el.tag in ("ul", "ol", "tbody", "table", "dl") or any(
            _LIST_CONTAINER.search(t) for t in tokens(el)
        ):
            return True
    return False
