"""Downloader middleware: recognise a WAF's bot check answering instead of the site.

瑞数 (HTTP 412 with `$_ts`), 加速乐 (`__jsl_clearance`), 安全狗, 知道创宇, Cloudflare (`cf-mitigated:
challenge`) and plain cookie-setting script pages answer a crawler with a challenge a browser
would solve. What they answer is not the site: a start URL answered so means nothing was audited
(the CLI says what to do), a page or target answered so mid-crawl was not checked, and is no
broken link. The markers are data (`crawler.extract.script_challenge`); this middleware looks
at the start URLs and at every answer >= 400 or 202, before meta refresh or a HEAD fallback
act on them, and names the challenge in `request.meta["bot_check"]` for the spider.

Stats: `govaudit/bot_check`, `govaudit/bot_check/<name>`.
"""

from __future__ import annotations

from typing import Any

from scrapy.http import Request, Response

from govaudit.crawler.extract import script_challenge

CLOUDFLARE = "Cloudflare 人机验证"


class BotCheckMiddleware:
    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> BotCheckMiddleware:
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        challenged = request.meta.get("home") or response.status >= 400 or response.status == 202
        if not challenged:
            return response
        name = challenge_name(response)
        if name:
            request.meta["bot_check"] = name
            self.stats.inc_value("govaudit/bot_check")
            self.stats.inc_value(f"govaudit/bot_check/{name}")
        return response


def challenge_name(response: Response) -> str | None:
    """The bot check this response is, named, or None for an answer of the site."""
    if (response.headers.get(b"cf-mitigated") or b"").lower() == b"challenge":
        return CLOUDFLARE
    return script_challenge(response.body)
