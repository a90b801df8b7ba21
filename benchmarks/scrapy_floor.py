"""The least a crawl of the benchmark site costs on Scrapy: a spider that checks links, nothing else.

    python -m benchmarks.scrapy_floor URL [--concurrency 16] [--trimmed]   # broken URLs as JSON

benchmarks/crawl.py runs it as the tool `scrapy-floor`, beside govaudit and the peers. It makes
the requests govaudit makes: pages, stylesheets, scripts and attachments by GET (govaudit reads
attachments), images and external links by HEAD, then GET when HEAD fails, checked and not
followed. It runs on Scrapy 2.19's default components with govaudit's download handler and
CONCURRENT_ITEMS, but finds links with one regular expression and keeps nothing: no parser, no
store, no check, no report, no second process. Its time is the least an audit on Scrapy costs
on this machine before it does any of an audit's work. `--trimmed` (the tool
`scrapy-floor-trimmed`) also drops what an audit needs (cookies, retries, robots.txt, the depth
limit, Referer, every extension but the core stats): only redirects and decompression remain.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess

from govaudit.crawler.settings import HTTP_HANDLER

_LINK = re.compile(rb"""(?:href|src)\s*=\s*["']?([^"'\s>#]+)""", re.IGNORECASE)
_IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".svg", ".ico")


class FloorSpider(scrapy.Spider):
    name = "scrapy-floor"

    def __init__(self, url: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.url, self.host = url, urlsplit(url).netloc
        self.seen = {url}
        self.broken: set[str] = set()

    async def start(self):
        yield scrapy.Request(self.url, self.parse)

    def parse(self, response):
        asked = response.meta.get("redirect_urls", [response.url])[0]
        if response.status >= 400:
            if response.request.method == "HEAD":  # as govaudit: a server may refuse HEAD only
                yield response.request.replace(method="GET", dont_filter=True)
            else:
                self.broken.add(asked)
            return
        html = b"html" in response.headers.get("Content-Type", b"")
        if not html or urlsplit(response.url).netloc != self.host:
            return
        for raw in _LINK.findall(response.body):
            url = response.urljoin(raw.decode("utf-8", "replace"))
            if url in self.seen or not url.startswith(("http://", "https://")):
                continue
            self.seen.add(url)
            head = url.lower().endswith(_IMAGES) or urlsplit(url).netloc != self.host
            yield scrapy.Request(
                url, self.parse, method="HEAD" if head else "GET", errback=self.failed
            )

    def failed(self, failure) -> None:
        self.broken.add(failure.request.url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scrapy_floor")
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--trimmed", action="store_true", help="redirects and decompression only")
    args = parser.parse_args(argv)
    trimmed = {
        "DOWNLOADER_MIDDLEWARES_BASE": {
            "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": 590,
            "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": 600,
        },
        "SPIDER_MIDDLEWARES_BASE": {},
        "EXTENSIONS_BASE": {"scrapy.extensions.corestats.CoreStats": 0},
    }
    process = CrawlerProcess(
        {
            **(trimmed if args.trimmed else {}),
            "CONCURRENT_REQUESTS": args.concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
            "CONCURRENT_ITEMS": 8,  # govaudit's (crawler/settings.py)
            "DOWNLOAD_DELAY": 0,
            "DOWNLOAD_TIMEOUT": 20,
            "DOWNLOAD_HANDLERS": {"http": HTTP_HANDLER, "https": HTTP_HANDLER},
            "HTTPERROR_ALLOW_ALL": True,
            "ROBOTSTXT_OBEY": False,
            "REMOTE_CONTROL_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "USER_AGENT": "scrapy-floor-benchmark",
            "LOG_LEVEL": "ERROR",
        }
    )
    crawler = process.create_crawler(FloorSpider)
    process.crawl(crawler, url=args.url)
    process.start()
    spider = crawler.spider
    json.dump({"broken": sorted(spider.broken), "seen": len(spider.seen)}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
