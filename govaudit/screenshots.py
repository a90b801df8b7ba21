"""Which pages of an audit get a screenshot as evidence, and into the store with them.

After the checks: each page that carries a 严重 or 重要 finding, the pages with the gravest and
most findings first, at most `crawl.screenshot_max_pages`; in each, the findings' places outlined
(the quoted term or masked number, the link a broken link is), each page given to the browser
as the audit stored it. A page an earlier audit shot exactly so (the same stored copy, the same
places: `shot_key`) keeps that shot: a daily audit re-shoots only what changed (~0.3 s and the
site's style sheets and images a page). The shots themselves are the crawler's (crawler/screenshots.py: the
network is the crawler's alone). Every wanted page gets a
row in the store, with a PNG or with the reason there is none (no browser, `--no-screenshots`,
over the budget, a time-out), so that each report can say 无截图 and why.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from govaudit.core.config import AuditConfig
from govaudit.core.model import RENDERED, Finding, Screenshot
from govaudit.core.store import Store

if TYPE_CHECKING:  # imported when a shot is taken: asyncio and playwright are not cheap
    from govaudit.crawler.screenshots import ShotRequest

SHOT_SEVERITIES = ("critical", "major")
_TEXT_KEYS = ("term", "masked")  # what a text hit quotes, masked as the page will be
_LINK_KEYS = ("target_url", "attachment_url", "item_url", "newest_item_url")

logger = logging.getLogger("govaudit.screenshots")


def shot_requests(
    findings: Sequence[Finding],
    rendered: Collection[str] = (),
    copy_of: Callable[[str], str | None] = lambda url: None,
) -> list[ShotRequest]:
    """One ShotRequest per page with a 严重 or 重要 finding, gravest and fullest pages first;
    `rendered`: the pages the crawl had the browser render (their lists wait for the network);
    `copy_of`: a page's stored copy, shot instead of fetching the page again."""
    from govaudit.crawler.screenshots import ShotRequest

    pages: dict[str, list[Finding]] = {}
    for f in findings:
        if f.severity in SHOT_SEVERITIES and f.page_url.startswith(("http://", "https://")):
            pages.setdefault(f.page_url, []).append(f)
    rank = {s: i for i, s in enumerate(SHOT_SEVERITIES)}

    def order(item: tuple[str, list[Finding]]) -> tuple[int, int, str]:
        url, found = item
        return (min(rank[f.severity] for f in found), -len(found), url)

    requests = []
    for url, found in sorted(pages.items(), key=order):
        texts = [str(f.details[k]) for f in found for k in _TEXT_KEYS if f.details.get(k)]
        links = [str(f.details[k]) for f in found for k in _LINK_KEYS if f.details.get(k)]
        unique = (tuple(dict.fromkeys(texts)), tuple(dict.fromkeys(links)))
        requests.append(ShotRequest(url, *unique, settle=url in rendered, html=copy_of(url)))
    return requests


def camera_problem(config: AuditConfig) -> str | None:
    """Why this audit takes no screenshots (None: it can)."""
    from govaudit.crawler.render import find_browser

    if not config.screenshots:
        return "本次审计未截图（--no-screenshots 或 crawl.screenshots = false）"
    if config.render_browser == "off":
        return '浏览器已关闭（crawl.render_browser = "off"）'
    if importlib.util.find_spec("playwright") is None:
        return "未安装 playwright（pip install 'govaudit[browser]'）"
    if find_browser(config.render_browser) is None:
        if config.render_browser == "auto":
            return "未找到 chromium（Debian/Ubuntu：apt-get install chromium）"
        return f"浏览器 {config.render_browser} 不存在或不可执行"
    return None


def take_evidence_screenshots(
    store: Store,
    audit_id: int,
    findings: Sequence[Finding],
    config: AuditConfig,
    say: Callable[[str], None],
) -> dict[str, int]:
    """Shoot the audit's wanted pages into the store; the counters of what came of it."""
    problem = camera_problem(config)
    view = store.view(audit_id, snapshot=True)  # the checks' view: read already
    rendered = {p.url for p in view.pages(with_text=False) if p.meta.get(RENDERED)}
    # The pages as the audit fetched them: the shot shows what the findings were read from, and
    # the site is not asked for them a second time (only for their style sheets and images).
    copy_of = partial(store.page_copy, audit_id) if problem is None else (lambda url: None)
    wanted = shot_requests(findings, rendered, copy_of)
    if not wanted:
        return {}

    def log(line: str) -> None:
        logger.warning(line)
        say(line)

    if problem is not None:
        if config.screenshots:  # the user asked for nothing: no warning then
            log(f"截图：{problem}；问题页面记为无截图，审计继续")
        shots, reused = [Screenshot(r.url, problem=problem) for r in wanted], 0
    else:
        shots, reused = _shoot(store, wanted, config, log)
    store.save_screenshots(audit_id, shots)
    taken = sum(1 for s in shots if s.png)
    counters = {"screenshots": taken, "screenshots_missing": len(shots) - taken}
    return counters | ({"screenshots_reused": reused} if reused else {})


def _shoot(
    store: Store, wanted: Sequence[ShotRequest], config: AuditConfig, log: Callable[[str], None]
) -> tuple[list[Screenshot], int]:
    """The shots of `wanted`, in order, up to the page budget: an earlier audit's where it shot
    exactly that, the browser's for the rest; and how many were an earlier audit's."""
    from govaudit.crawler.render import find_browser
    from govaudit.crawler.screenshots import Camera, shot_key, take_screenshots

    budget = config.screenshot_max_pages
    camera = Camera(
        executable=find_browser(config.render_browser) or "",
        timeout=config.render_timeout,
        max_height=config.screenshot_max_height,
        user_agent=config.user_agent,
    )
    keys = [shot_key(r, camera) for r in wanted[:budget]]
    earlier = store.earlier_screenshots(keys)
    fresh = [r for r, key in zip(wanted, keys, strict=False) if key not in earlier]
    taken = iter(take_screenshots(fresh, camera, log) if fresh else [])
    shots = []
    for request, key in zip(wanted, keys, strict=False):
        if key in earlier:
            shots.append(replace(earlier[key], url=request.url))
        else:
            shot = next(taken)
            shots.append(replace(shot, key=key) if shot.png else shot)
    over = f"超过截图页数上限（crawl.screenshot_max_pages = {budget}）"
    shots += [Screenshot(r.url, problem=over) for r in wanted[budget:]]
    return shots, len(keys) - len(fresh)
