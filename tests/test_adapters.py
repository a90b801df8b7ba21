"""CMS adapters (crawler/adapters.py) on hand-written markup: what each recognises, and what not."""

from __future__ import annotations

import json
from datetime import date

import pytest

from govaudit.core.config import AuditConfig, ConfigError, load_config
from govaudit.core.model import LOADED_BY_SCRIPT, RENDERED, ListItem, PageRecord
from govaudit.crawler import adapters
from govaudit.crawler.extract import parse_page
from govaudit.crawler.render import Browser, merged, unrendered

BASE = "http://zwgk.example.gov.cn"
CONFIG, AS_OF = "临江市", date(2024, 6, 1)
LIST = '<div class="wz">当前位置：首页 &gt; 政策文件</div><ul id="list" class="list"></ul>'


def html(body: str, head: str = "") -> bytes:
    return f"<html><head><title>政策文件</title>{head}</head><body>{body}</body></html>".encode()


@pytest.mark.parametrize(
    "script, endpoint",
    [
        ('$.ajax({type: "get", url: "/api/list.json", data: {p: 1}})', "/api/list.json"),
        (
            "jQuery.ajax({\n dataType: 'json',\n url: 'data/list?channel=12'\n})",
            "/xxgk/data/list?channel=12",
        ),
        ('$.getJSON("/ucap/content/list.do?page=1")', "/ucap/content/list.do?page=1"),
        ("fetch('/api/v1/articles?columnId=3').then(r => r.json())", "/api/v1/articles?columnId=3"),
        ('axios.get("/api/news")', "/api/news"),
    ],
)
def test_json_endpoints_named_in_the_script(script, endpoint):
    page = parse_page(BASE + "/xxgk/index.html", html(f"{LIST}<script>{script}</script>"))
    assert page.meta[LOADED_BY_SCRIPT] == "1"
    assert adapters.adapters_of(page.meta) == ["json_endpoint"]
    assert page.pagination == (BASE + endpoint,)
    assert page.kind == "list"


@pytest.mark.parametrize(
    "script",
    [
        'var u = "/api/" + col; $.ajax({url: u})',  # built at run time: only a browser knows it
        '$.getScript("/js/list.js")',  # a script, not data
        'fetch("/api/" + "list.json")',
        '$.ajax({url: "/module/web/jpage/dataproxy.jsp"})',  # Hanweb's: its own adapter
        # POST APIs answer a GET with 405: left to the browser, never a broken link
        '$.ajax({type: "POST", url: "/api/list.do", dataType: "json"})',
        '$.ajax({url: "/api/list.do", method: "post", data: {columnId: 3}})',
        'fetch("/api/search", {method: "POST", body: form})',
        '$.post("/ucap/list.do", {page: 1})',
    ],
)
def test_urls_no_adapter_can_name(script):
    page = parse_page(BASE + "/xxgk/index.html", html(f"{LIST}<script>{script}</script>"))
    assert "json_endpoint" not in adapters.adapters_of(page.meta)
    assert page.pagination == ()


def test_an_endpoint_on_a_page_whose_list_is_there_is_not_followed():
    body = '<ul class="list"><li><a href="/a/1.html">通知</a><span>2024-05-01</span></li></ul>'
    page = parse_page(BASE + "/x/index.html", html(body + '<script>$.get("/api/hits")</script>'))
    assert page.pagination == () and LOADED_BY_SCRIPT not in page.meta


def answer(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def test_json_list_answer_is_a_list_page_with_items_links_and_next_pages():
    body = answer(
        {
            "code": 0,
            "result": {
                "pageCount": 3,
                "records": [
                    {
                        "DOC_TITLE": "关于&lt;印发&gt;的通知",
                        "DOC_URL": "/art/1.html",
                        "PUB_DATE": "2024-05-01 09:00",
                    },
                    {
                        "docTitle": "<b>公告</b>",
                        "docUrl": "art/2.html",
                        "publishTime": 1714521600000,
                    },
                    {"title": "无链接的行"},
                ],
                "menu": [{"name": "首页", "url": "/"}],
            },
        }
    )
    page = parse_page(BASE + "/api/list?pageNo=1&size=2", body, "application/json")
    assert page.kind == "list" and adapters.adapters_of(page.meta) == ["json_list"]
    assert page.list_items == (
        ListItem(BASE + "/art/1.html", "关于<印发>的通知", date(2024, 5, 1), 0),
        ListItem(BASE + "/api/art/2.html", "公告", date(2024, 5, 1), 1),
    )
    assert [link.target for link in page.links] == [BASE + "/art/1.html", BASE + "/api/art/2.html"]
    assert page.pagination == (
        BASE + "/api/list?pageNo=2&size=2",
        BASE + "/api/list?pageNo=3&size=2",
    )


def test_json_pages_are_named_only_from_page_one_and_bounded():
    data = {"totalPage": 10_000, "data": [{"title": "a", "url": "/a.html", "date": "2024-01-02"}]}
    first = parse_page(BASE + "/api/l.json?page=1", answer(data), "application/json")
    assert len(first.pagination) == adapters.MAX_JSON_PAGES - 1
    assert (
        parse_page(BASE + "/api/l.json?page=2", answer(data), "application/json").pagination == ()
    )


@pytest.mark.parametrize(
    "body, ctype",
    [
        (b'{"status": "ok", "count": 3}', "application/json"),  # no list in it
        (b"not json at all", "application/json"),
        (b"[1, 2, 3]", "text/plain"),
    ],
)
def test_json_without_a_list_is_no_list_page(body, ctype):
    page = parse_page(BASE + "/api/x", body, ctype)
    assert page.kind != "list" and page.list_items == ()


def test_is_json_answer():
    assert adapters.is_json_answer(b' {"a": 1}', "application/json")
    assert adapters.is_json_answer(b"\xef\xbb\xbf[{}]", "text/html")  # a misconfigured server
    assert not adapters.is_json_answer(b"<html>", "application/json")
    assert not adapters.is_json_answer(b'{"a": 1}', "application/pdf")


def test_frameset_frames_are_the_pages_content():
    body = (
        b'<html><head><title>T</title></head><frameset rows="80,*"><frame src="top.html">'
        b'<frame src="/xxgk/list.html" name="main"></frameset></html>'
    )
    page = parse_page(BASE + "/tzgg/index.html", body)
    assert adapters.adapters_of(page.meta) == ["frameset"]
    assert page.pagination == (BASE + "/tzgg/top.html", BASE + "/xxgk/list.html")


def test_a_body_that_is_one_iframe_is_framed_content_a_page_with_text_is_not():
    framed = html('<iframe src="/list/1.html" width="100%"></iframe>')
    assert parse_page(BASE + "/a/index.html", framed).pagination == (BASE + "/list/1.html",)
    aside = html('<p>本栏目介绍政府信息公开工作。</p><iframe src="/map.html"></iframe>')
    assert "frameset" not in adapters.adapters_of(parse_page(BASE + "/b/", aside).meta)


@pytest.mark.parametrize(
    "body",
    [
        '<div id="app"></div><script src="/static/js/app.8c1f.js"></script>',
        '<app-root></app-root><script src="main.js"></script>',
        '<div ng-app="portal"><div ng-view></div></div><script src="angular.js"></script>',
    ],
)
def test_spa_shells(body):
    page = parse_page(BASE + "/spa/", html(body))
    assert adapters.adapters_of(page.meta) == ["spa_shell"]
    assert page.meta[LOADED_BY_SCRIPT] == "1" and page.kind == "list"


@pytest.mark.parametrize(
    "body",
    [
        '<div id="app"><p>政府信息公开指南</p></div><script src="/js/app.js"></script>',  # mounted
        '<div id="app"></div>',  # no script that could mount anything
    ],
)
def test_not_spa_shells(body):
    page = parse_page(BASE + "/spa/", html(body))
    assert "spa_shell" not in adapters.adapters_of(page.meta)


# -- the browser's policy (crawler/render.py) ------------------------------------------------


def shell(url: str = BASE + "/col/", **meta: str) -> PageRecord:
    return PageRecord(url=url, kind="list", meta={LOADED_BY_SCRIPT: "1", **meta})


def test_which_pages_want_the_browser():
    browser = Browser.from_config(AuditConfig(CONFIG, (BASE,), (), AS_OF, render=("/special/",)))
    assert browser.wants(shell(), BASE + "/col/")
    assert browser.wants(shell(cms_adapter="spa_shell,json_endpoint"), BASE + "/col/")
    # an adapter reads it: no browser
    assert not browser.wants(shell(cms_adapter="json_endpoint"), BASE + "/col/")
    # a page with its list in the HTML, unless the profile names it
    plain = PageRecord(url=BASE + "/a/", kind="list")
    assert not browser.wants(plain, BASE + "/a/")
    assert browser.wants(plain, BASE + "/special/index.html")
    # once rendered, never again
    assert not browser.wants(shell(**{RENDERED: "rendered"}), BASE + "/special/")


def test_the_page_budget_and_a_missing_browser():
    config = AuditConfig(
        CONFIG, (BASE,), (), AS_OF, render_max_pages=2, render_browser="/no/such/chrome"
    )
    browser = Browser.from_config(config)
    assert browser.problem == "浏览器 /no/such/chrome 不存在或不可执行"
    assert browser.admit() == "unavailable"
    browser.problem = None
    assert [browser.admit(), browser.admit(), browser.admit()] == [None, None, "over_budget"]


def test_rendered_and_unrendered_records():
    html_record = PageRecord(
        url=BASE + "/c/", kind="list", title="工作动态", meta={LOADED_BY_SCRIPT: "1"}
    )
    item = ListItem(BASE + "/a/1.html", "一", date(2024, 5, 1), 0)
    read = merged(html_record, PageRecord(url=BASE + "/c/", kind="list", list_items=(item,)))
    assert LOADED_BY_SCRIPT not in read.meta and read.meta[RENDERED] == "rendered"
    assert read.title == "工作动态" and read.list_items == (item,)
    empty = merged(html_record, PageRecord(url=BASE + "/c/", kind="list"))
    assert empty.meta[LOADED_BY_SCRIPT] == "1" and empty.meta[RENDERED] == "still_empty"
    # a page the profile named, whose HTML list the browser failed on: its items still count
    listed = PageRecord(url=BASE + "/c/", kind="list", list_items=(item,))
    assert LOADED_BY_SCRIPT not in unrendered(listed, "failed").meta
    assert unrendered(html_record, "failed").meta == {LOADED_BY_SCRIPT: "1", RENDERED: "failed"}


@pytest.mark.parametrize(
    "text, message",
    [
        ('render = ["("]', "crawl.render"),
        ("render_concurrency = 0", "crawl.render_concurrency 应为正整数"),
        ("render_max_pages = -1", "crawl.render_max_pages 应为正整数"),
        ("render_timeout = 0", "crawl.render_timeout 应为正数（秒）"),
        ("render = [1]", "crawl.render 应为字符串列表"),
    ],
)
def test_render_settings_are_checked(tmp_path, text, message):
    profile = tmp_path / "site.toml"
    profile.write_text(f'[site]\nstart_urls = ["{BASE}/"]\n[crawl]\n{text}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        load_config(profile)


def test_render_settings_from_the_profile(tmp_path):
    profile = tmp_path / "site.toml"
    profile.write_text(
        f'[site]\nstart_urls = ["{BASE}/"]\n[crawl]\nrender = ["/col/", "list\\\\.jsp"]\n'
        'render_browser = "off"\nrender_concurrency = 1\nrender_timeout = 10\n',
        encoding="utf-8",
    )
    config = load_config(profile)
    assert config.render == ("/col/", "list\\.jsp") and config.render_browser == "off"
    assert (config.render_concurrency, config.render_timeout, config.render_max_pages) == (
        1,
        10,
        200,
    )
    assert Browser.from_config(config).problem == '已关闭（crawl.render_browser = "off"）'
