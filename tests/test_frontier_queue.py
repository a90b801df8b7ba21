"""The scheduler's compact memory queue: a request comes out as it went in, in FIFO order.

The crawls of tests/test_crawl.py run through it (crawl_settings names it); these tests prove
the round trip field by field, which a crawl would only show as a wrong record somewhere."""

from __future__ import annotations

import pickle
import threading

from scrapy import Request, Spider
from scrapy.http import FormRequest

from govaudit.core.config import load_config
from govaudit.crawler.frontier_queue import CompactFifoQueue, pack
from govaudit.crawler.settings import crawl_settings


class _Spider(Spider):
    name = "queue-test"

    def parse_page(self, response):
        return None

    def on_error(self, failure):
        return None


def test_a_request_comes_back_with_every_field_and_its_callbacks():
    spider = _Spider()
    sent = Request(
        "http://127.0.0.1:8000/新闻/index.html?id=1#top",
        method="HEAD",
        callback=spider.parse_page,
        errback=spider.on_error,
        headers={"Referer": "http://127.0.0.1:8000/"},
        body=b"q=1",
        cookies={"waf": "ok"},
        meta={"target": "http://127.0.0.1:8000/a", "depth": 3, "redirect_urls": ["http://x/"]},
        encoding="gb18030",
        priority=-3,
        dont_filter=True,
        flags=["retried"],
        cb_kwargs={"column": "ghjh"},
    )
    queue = CompactFifoQueue.from_crawler(None)
    queue.push(sent)
    assert len(queue) == 1
    assert queue.peek().url == sent.url
    got = queue.pop()
    assert got is not sent and len(queue) == 0 and queue.pop() is None
    for name in ("url", "method", "body", "cookies", "meta", "encoding", "priority", "flags"):
        assert getattr(got, name) == getattr(sent, name), name
    assert got.dont_filter and got.cb_kwargs == {"column": "ghjh"}
    assert got.headers.get("Referer") == b"http://127.0.0.1:8000/"
    assert got.callback == spider.parse_page and got.errback == spider.on_error


def test_requests_leave_in_the_order_they_came():
    queue = CompactFifoQueue()
    urls = [f"http://127.0.0.1:8000/p{i}.html" for i in range(50)]
    for url in urls:
        queue.push(Request(url, meta={"target": url}))
    assert [queue.pop().meta["target"] for _ in urls] == urls


def test_what_cannot_be_pickled_is_queued_as_it_is():
    lock = threading.Lock()  # like a browser page object in meta: no pickle
    live = Request("http://127.0.0.1:8000/render.html", meta={"page": lock})
    form = FormRequest("http://127.0.0.1:8000/search", formdata={"q": "政务"})
    queue = CompactFifoQueue()
    queue.push(live)
    queue.push(form)
    assert queue.pop() is live
    assert queue.pop() is form
    assert pack(live) is live


def test_a_queued_request_is_smaller_than_the_request():
    url = "http://127.0.0.1:8000/col/ghjh/202005/t20200522_116536.html"
    request = Request(url, meta={"target": url, "role": "page", "depth": 3}, priority=-3)
    request.headers["Referer"] = "http://127.0.0.1:8000/col/ghjh/index.html"
    callback, errback, fields = pack(request)
    assert callback is None and errback is None
    assert len(fields) < 400
    assert pickle.loads(fields)[0] == url


def test_every_audit_crawl_uses_it(tmp_path):
    profile = tmp_path / "profile.toml"
    profile.write_text('[site]\nname = "测试"\n', encoding="utf-8")
    config = load_config(profile, start_url="http://127.0.0.1:8000/")
    assert crawl_settings(config)["SCHEDULER_MEMORY_QUEUE"] is CompactFifoQueue
