"""The page: (url, body, headers) → `PageRecord`, from the concerns of the sibling modules."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from govaudit.core.model import DATED_BY_URL, LOADED_BY_SCRIPT, ListItem, PageRecord
from govaudit.crawler import adapters
from govaudit.crawler.extract.boilerplate import Boilerplate
from govaudit.crawler.extract.breadcrumb import breadcrumb_names
from govaudit.crawler.extract.datastore import (
    DATASTORE_RECORD,
    expand_datastores,
    is_datastore_answer,
    proxy_pages,
    rows_holder,
)
from govaudit.crawler.extract.encoding import decode_html
from govaudit.crawler.extract.links import anchor_names, page_links
from govaudit.crawler.extract.list_signals import (
    EMPTY_LIST_MAX_TEXT,
    empty_list_container,
    list_loaded_by_script,
    looks_like_list,
)
from govaudit.crawler.extract.lists import list_items
from govaudit.crawler.extract.metadata import document_metadata, number_under_title, page_title
from govaudit.crawler.extract.pagination import pagination_urls
from govaudit.crawler.extract.published import published_date, title_heading
from govaudit.crawler.extract.text import Texts, visible_text
from govaudit.crawler.extract.urls import Resolver, safe_page_url

# libxml2 stops reading at 256 open elements by default, silently: a list of 300 items that
# each leave a <font> unclosed (old CMS templates) lost its last rows and links. huge_tree lifts
# the bound to 2048 (pages are already bounded in bytes by DOWNLOAD_MAXSIZE).
_HTML_PARSER = lxml.html.HTMLParser(huge_tree=True)
# lxml.html picks each element's class (FormElement, InputElement ...) in a Python callback run
# every time an element is touched, a tenth of the parse; nothing here uses those classes, so every
# element is a plain HtmlElement, chosen in C.
_HTML_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)


# libxml2 stops reading at the first </html> and drops the rest of the page, where a browser reads
# on into the body (HTML5, "after after body"). Pages built from included fragments carry one
# early: 中国政府网's header include ends in </html>, and its articles lost their text, breadcrumb
# and links. The end tag means nothing else; the parser closes the document at its end.
_HTML_END_TAG = re.compile(r"</html\s*>", re.I)


def parse_tree(text: str) -> etree._Element | None:
    if not text or text.isspace():  # as `not text.strip()`, without copying the page
        return None
    try:
        text = _HTML_END_TAG.sub("", text.replace("\x00", ""))
        root = lxml.html.document_fromstring(text, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError, TypeError):
        return None
    return root


# Hanweb (大汉) list pages ship their rows as `<record><![CDATA[<li>…</li>]]></record>` inside a
# `<script type="text/xml"><datastore><recordset>`; jpage.js renders them in the browser.


def _parse_datastore(
    url: str, body: bytes, content_type: str | None, header_charset: str | None, today: date | None
) -> PageRecord:
    """The answer's records as the list page a visitor sees them on: items, links and text."""
    text, encoding = decode_html(body, header_charset)
    rows = "".join(a or b for a, b in DATASTORE_RECORD.findall(text)).strip()
    holder = rows_holder(rows) if rows else None
    html = lxml.html.tostring(holder, encoding="unicode") if holder is not None else ""
    root = parse_tree(f"<html><head></head><body>{html}</body></html>")
    if root is None:
        return PageRecord(url=url, content_type=content_type, charset=encoding, size=len(body))
    record = _build(url, body, content_type, encoding, root, today)
    return replace(record, kind="list", published=None, meta={})


def _base_url(root: etree._Element, url: str) -> str:
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            try:
                return urljoin(url, href)
            except ValueError:
                return url
    return url


def parse_page(
    url: str,
    body: bytes,
    content_type: str | None = None,
    header_charset: str | None = None,
    today: date | None = None,
) -> PageRecord:
    """Everything the crawler records about an HTML page; `url` is the final URL after redirects.

    Never raises: a page that cannot be parsed gives a record with its url, charset and size.
    `today` (the audit's date) places a list date written without its year (`05-28`) in the
    last twelve months, when neither a year heading nor the item's URL says the year.
    """
    body = body or b""
    if is_datastore_answer(body, content_type):
        try:
            record = _parse_datastore(url, body, content_type, header_charset, today)
            return replace(record, meta=adapters.named(record.meta, adapters.HANWEB_DATAPROXY))
        except Exception:  # noqa: BLE001 - last guard: a page must never stop the crawl
            return PageRecord(url=url, content_type=content_type, size=len(body))
    if adapters.is_json_answer(body, content_type):
        resolve = Resolver(url, safe_page_url(url, "utf-8"), "utf-8")
        try:
            record = adapters.parse_json_list(url, body, content_type, resolve.url)
        except Exception:  # noqa: BLE001 - last guard: a page must never stop the crawl
            record = None
        return record or PageRecord(url=url, content_type=content_type, size=len(body))
    text, encoding = decode_html(body, header_charset)
    root = parse_tree(text)
    if root is None:
        return PageRecord(url=url, content_type=content_type, charset=encoding, size=len(body))
    try:
        return _build(url, body, content_type, encoding, root, today)
    except Exception:  # noqa: BLE001 - last guard: a page must never stop the crawl
        return PageRecord(url=url, content_type=content_type, charset=encoding, size=len(body))


def _build(
    url: str,
    body: bytes,
    content_type: str | None,
    encoding: str,
    root: etree._Element,
    today: date | None = None,
) -> PageRecord:
    has_datastore = any("<datastore" in (x.text or "").lower() for x in root.iter("script"))
    groups = expand_datastores(root)
    bp = Boilerplate()
    base = _base_url(root, url)
    page_url = safe_page_url(url, encoding)
    resolve = Resolver(base, page_url, encoding)
    texts = Texts()
    body_el = root.find("body")
    # first: its walk tells `bp` which elements are boilerplate, for the links and list rows
    visible = visible_text(body_el if body_el is not None else root, bp)
    local: list[str] = []
    links = page_links(root, resolve, bp, texts, local)
    meta = document_metadata(root, visible)
    if "文号" not in meta and (number := number_under_title(visible, title_heading(root))):
        meta["文号"] = number
    published, published_from = published_date(root, meta, visible, url)
    items = list_items(root, resolve, bp, texts, today)
    pagination = pagination_urls(root, resolve, bp, texts)
    for proxy in proxy_pages(root, groups, resolve):
        if proxy not in pagination:
            pagination.append(proxy)
    listish = looks_like_list(root, bp, visible)
    meta, extra = _adapted(root, resolve, meta, items, has_datastore, bp, listish)
    pagination += [u for u in extra if u not in pagination]
    if (
        not items
        and not has_datastore
        and LOADED_BY_SCRIPT not in meta
        and not extra
        and len(visible) <= EMPTY_LIST_MAX_TEXT
    ):
        # A list that a script fills is not empty, only unseen: it never counts here.
        listish["empty"] = empty_list_container(root, bp)
    kind, evidence = _kind(meta, items, pagination, listish, published, published_from, root)
    if adapters.adapters_of(meta):
        evidence = (*evidence, f"CMS 适配器 {'、'.join(adapters.adapters_of(meta))}")
    if kind == "other" and meta.get(LOADED_BY_SCRIPT):
        kind = "list"  # an SPA shell: its list is there for a browser only
        evidence = (*evidence, "列表由脚本生成")
    title = page_title(root, kind, bp)
    return PageRecord(
        url=url,
        content_type=content_type,
        charset=encoding,
        size=len(body),
        kind=kind,
        title=title,
        text=visible,
        published=published,
        published_from=published_from,
        kind_evidence=evidence,
        meta=meta,
        breadcrumb=breadcrumb_names(root),
        pagination=tuple(pagination),
        links=tuple(links),
        list_items=tuple(items),
        anchors=anchor_names(root),
        local_fragments=tuple(dict.fromkeys(local)),
    )


def _adapted(
    root: etree._Element,
    resolve: Resolver,
    meta: dict[str, str],
    items: list[ListItem],
    has_datastore: bool,
    bp: Boilerplate,
    listish: dict[str, bool],
) -> tuple[dict[str, str], list[str]]:
    """The CMS adapters that read this page (crawler/adapters.py), named in its meta, and the
    further pages they read its list from (a JSON API, a frameset's frames)."""
    names = [adapters.HANWEB_DATASTORE] if has_datastore else []
    if listish["script"] and any(
        "createpagehtml" in (s.text or "").lower() for s in root.iter("script")
    ):
        names.append(adapters.TRS_PAGER)
    extra = adapters.frame_pages(root, resolve.url) if not items else []
    if extra:
        names.append(adapters.FRAMESET)
    elif not items and not has_datastore:
        spa = adapters.is_spa_shell(root)
        # An empty list and a script that fills it, both: a visit counter's $.ajax on a truly
        # empty column excuses nothing.
        if spa or list_loaded_by_script(root, bp):
            meta = {**meta, LOADED_BY_SCRIPT: "1"}
            names += [adapters.SPA_SHELL] if spa else []
            extra = adapters.json_endpoints(root, resolve.url)
            names += [adapters.JSON_ENDPOINT] if extra else []
    return adapters.named(meta, *names), extra


def _kind(
    meta: dict[str, str],
    items: list[ListItem],
    pagination: list[str],
    listish: dict[str, Any],
    published: date | None,
    published_from: str | None,
    root: etree._Element,
) -> tuple[str, tuple[str, ...]]:
    """The page's kind and the evidence it was judged on (kept with the page, so that a wrong
    column can be explained). A list is a page whose main content is a repeated block of dated
    items; a pager script, a 暂无信息 box, a ColumnName meta tag or links whose only dates are
    in their URLs (sidebars, footers, 相关链接 of an article) never make one by themselves when
    the page states its own publication date."""
    doc_labels = sum(1 for k in ("索引号", "成文日期", "文号", "发布机构") if meta.get(k))
    by_url = sum(1 for item in items if item.date_from == DATED_BY_URL)
    # Items whose date the list itself shows: the evidence of a column. Undated links (a
    # sidebar's 微信 links) and links dated only by their URL are no such evidence.
    shown = sum(1 for item in items if item.date is not None and item.date_from != DATED_BY_URL)
    stated = published is not None and published_from in ("label", "meta", "heading")
    article_meta = _has_article_meta(root)
    evidence = [
        text
        for on, text in (
            (doc_labels, f"文件元数据 {doc_labels} 项"),
            (
                items,
                f"列表条目 {len(items)} 条"
                + (f"（{by_url} 条日期仅见于链接地址）" if by_url else ""),
            ),
            (pagination, f"分页链接 {len(pagination)} 个"),
            (listish["script"], "分页脚本"),
            (listish["placeholder"], "“暂无信息”类提示"),
            (listish["empty"], f"空列表容器（{listish['empty']}）"),
            (stated, f"页面注明发布日期（{published_from}）"),
            (published is not None and not stated, "发布日期仅见于地址"),
            (article_meta, "文章元标签"),
            (_has_column_meta(root), "栏目元标签（不作依据）"),
        )
        if on
    ]
    if doc_labels >= 2:
        return "document", tuple(evidence)
    # CMS article templates carry ArticleTitle/PubDate metas; their "related news" sidebars are
    # dated lists too, and must not turn the article into a list page.
    if stated and article_meta:
        return "article", tuple(evidence)
    if shown >= 3 or (len(items) >= 3 and not stated):
        return "list", tuple(evidence)
    # A pager script or an empty-list box on a page stating its date: an article with a
    # multi-page body (TRS createPageHTML) or an empty 相关信息 box, not an empty column.
    if (listish["script"] or listish["placeholder"]) and (shown or not stated):
        return "list", tuple(evidence)
    if published is not None:
        return "article", tuple(evidence)
    # An empty list container (`<ul class="list"></ul>`, a table of headers and no rows) on a
    # page with no date and little text: the template of a column with nothing in it.
    if items or pagination or listish["script"] or listish["placeholder"] or listish["empty"]:
        return "list", tuple(evidence)
    # The absence is the evidence: an intro page (机构职能, 场馆介绍) is judged by what it lacks.
    return "other", tuple(evidence) or ("无列表条目、未注明发布日期",)


def _has_column_meta(root: etree._Element) -> bool:
    return any((m.get("name") or "").lower() == "columnname" for m in root.iter("meta"))


def _has_article_meta(root: etree._Element) -> bool:
    names = {(m.get("name") or "").lower() for m in root.iter("meta")}
    return bool(names & {"articletitle", "pubdate"})
