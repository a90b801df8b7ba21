"""How much of the site the audit saw, and the one verdict that may be drawn from it.

An audit stopped at `crawl.max_pages` or `crawl.max_depth`, cut short by a time limit, kept out
of pages by a WAF's bot check, or answered by no start page, did not see the whole site: its
findings are true of what it saw, but "no veto item failed" is not "合格". The inspection
(《政府网站与政务新媒体检查指标》国办秘函〔2019〕19号) judges the whole site, so:

- `complete` is true only when a start page answered (with a page, not an HTTP error) and the
  crawl reached every URL in scope: no page skipped for `max_pages`, `max_depth` or `bot_check`,
  and the crawl finished by itself (`finish_reason` "finished");
- `incomplete` says why not, in the words staff read (达到页面上限 40 页，其余页面未检查);
- the verdict (`final_verdict`) is 无法判定 when nothing could be judged (the site unreachable,
  the start page an error), 否决 when a veto item failed in what was seen (a part that fails
  fails the whole), and never 合格 or 预警 while the audit is incomplete: those become 无法判定.

The scorecard's items follow the same rule (`limited_items`): a count measured on part of the
site is a lower bound, so an item below its threshold says 无法判定 rather than 合格; the
homepage item is measured on the start page alone and keeps its verdict.

Reads only the audit's counters, its settings and its start pages' records (the store).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from govaudit.checks.scorecard import overall
from govaudit.core.model import SCRIPT_CHALLENGE, PageRecord
from govaudit.core.verdicts import (
    PASS,
    UNCHECKED,
    UNDECIDABLE,
    VETO,
    WARN,
    Completeness,
    ScoreItem,
)
from govaudit.core.vocabulary import ERROR_NAMES

# The skipped reasons that leave URLs of the site's scope unseen (the others are the profile's
# own scope, `excluded`/`not_included`, or URL traps that have no end to reach).
_UNSEEN = ("max_pages", "max_depth", "bot_check")
# Finish reasons of a crawl that stopped before its frontier was empty (Scrapy's CloseSpider
# extension names its own when [crawl.scrapy] sets CLOSESPIDER_*).
_STOPPED = {
    "closespider_timeout": "达到抓取时间上限，其余页面未检查",
    "timeout": "达到抓取时间上限，其余页面未检查",
    "closespider_pagecount": "达到抓取数量上限（CLOSESPIDER_PAGECOUNT），其余页面未检查",
    "closespider_itemcount": "达到抓取数量上限（CLOSESPIDER_ITEMCOUNT），其余页面未检查",
    "closespider_errorcount": "抓取错误过多，抓取提前停止，其余页面未检查",
}


def completeness(
    counters: Mapping[str, Any],
    settings: Mapping[str, Any],
    start_pages: Sequence[PageRecord] = (),
    audit_status: str = "finished",
) -> Completeness:
    """The completeness of an audit from its crawl counters, its settings (`max_pages`,
    `max_depth`) and the records of its start URLs (those recorded)."""
    unreachable = _unreachable(counters, start_pages, audit_status)
    if unreachable:
        return Completeness(False, False, (unreachable,))
    reasons = []
    skipped = counters.get("skipped_by_reason") or {}
    if skipped.get("max_pages"):
        reasons.append(
            f"达到页面上限 {settings.get('max_pages', '?')} 页，"
            f"其余页面未检查（{skipped['max_pages']} 个页面未抓取）"
        )
    if skipped.get("max_depth"):
        reasons.append(
            f"达到链接层级上限 {settings.get('max_depth', '?')} 层，"
            f"更深的 {skipped['max_depth']} 个页面未检查"
        )
    if skipped.get("bot_check"):
        reasons.append(f"{skipped['bot_check']} 个页面被网站防火墙的人机验证拦截，未检查")
    finish = counters.get("finish_reason")
    if finish in _STOPPED:
        reasons.append(_STOPPED[finish])
    elif finish not in (None, "finished"):
        reasons.append(f"抓取未正常结束（{finish}），其余页面未检查")
    if audit_status in ("running", "interrupted"):
        reasons.append("审计被中断，仅含中断前已抓取的页面")
    return Completeness(not reasons, True, tuple(reasons))


def _unreachable(
    counters: Mapping[str, Any], start_pages: Sequence[PageRecord], audit_status: str
) -> str | None:
    """Why nothing of the site could be judged, or None."""
    home = next(iter(start_pages), None)
    answered = [p for p in start_pages if p.error is None]
    ok = [p for p in answered if (p.status or 200) < 400 and SCRIPT_CHALLENGE not in p.meta]
    # A store without the start_urls_ok counter (written before it existed) is taken as reached.
    reached = counters.get("start_urls_ok", 1) > 0 and audit_status != "failed"
    if reached and (ok or not start_pages):
        return None
    if home is not None and SCRIPT_CHALLENGE in home.meta:
        return f"首页被网站防火墙的人机验证（{home.meta[SCRIPT_CHALLENGE]}）拦截，未能检查网站内容"
    if home is not None and home.error == "skipped" and home.error_detail == "robots":
        return "网站 robots.txt 禁止抓取首页，未能检查网站内容"
    if home is not None and home.error:
        why = ERROR_NAMES.get(home.error, home.error)
        return f"网站无法访问（首页{why}），未能检查网站内容"
    if answered:
        return f"首页返回 HTTP {answered[0].status}，未能检查网站内容"
    return "网站无法访问，未能检查网站内容"


def final_verdict(items: Sequence[ScoreItem], seen: Completeness) -> str:
    """合格 / 预警 / 否决 of a complete audit; 否决 or 无法判定 of an incomplete one."""
    if not seen.judged:
        return UNDECIDABLE
    verdict = overall(list(items))
    if verdict == VETO or seen.complete:
        return verdict
    return UNDECIDABLE


def limited_items(items: Sequence[ScoreItem], seen: Completeness) -> list[ScoreItem]:
    """The scorecard as far as the audit saw: a pass measured on part of the site (or on none
    of it) is no pass."""
    if seen.complete:
        return list(items)
    why = "；".join(seen.reasons)
    out = []
    for item in items:
        homepage_seen = item.key == "homepage" and seen.judged
        if item.verdict in (VETO, UNCHECKED) or homepage_seen:
            out.append(item)
        elif item.verdict in (PASS, WARN):
            note = "；".join(
                p for p in (item.note, f"审计不完整，实测值仅为已检查部分：{why}") if p
            )
            out.append(replace(item, verdict=UNDECIDABLE, note=note))
        else:
            out.append(item)
    return out
