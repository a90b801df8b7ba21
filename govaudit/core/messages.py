"""The messages (留言) of the site's 政务咨询类 interaction columns, as one audit recorded them.

A message is a page whose metadata carries the day it was asked (`留言时间`, the crawler's key for
留言/提问/来信/咨询时间) and that sits in an interaction column: its own breadcrumb names one
(互动交流 > 局长信箱), else the column that lists it does. The indicators count only 政务咨询类
columns, so 在线访谈, 调查征集, 信访 and 纪检举报 are left out (国办秘函〔2019〕19号, 互动回应差).

The check (checks/unanswered_message.py) judges each message; the report's scorecard asks the same
question for the oldest unanswered one. Both read this module, so they cannot disagree. Reads
only an `AuditView`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from govaudit.core.columns import detect_columns, site_column_of
from govaudit.core.model import PageRecord
from govaudit.core.store import AuditView
from govaudit.core.vocabulary import HOME_NAMES, PAGE_TYPE_CRUMBS

# Column-name words of 政务咨询类 interaction columns, and of the interaction columns the
# indicators leave out (在线访谈、调查征集、信访、纪检举报). An exclusion beats a keyword in the same
# name (网上信访 has 信 but is 信访; 民意征集 is 调查征集).
INTERACTION_KEYWORDS: tuple[str, ...] = (
    "互动",
    "咨询",
    "留言",
    "信箱",
    "来信",
    "问政",
    "诉求",
    "投诉",
    "建言",
    "献策",
    "民声",
    "12345",
)
INTERACTION_EXCLUDE: tuple[str, ...] = (
    "访谈",
    "调查",
    "征集",
    "信访",
    "纪检",
    "纪委",
    "监察",
    "举报",
)

ANSWERED, UNANSWERED, PENDING, INVALID = "已回复", "未回复", "处理中", "无效"
# 互动回应差 counts messages of the year before the inspection (监测时间点前 1 年内) left without a
# response for more than 3 months (国办秘函〔2019〕19号 单项否决).
WINDOW_DAYS = 365
MAX_DAYS = 90
# Status words of CMS message modules, most specific first (未办结 holds 办结). The indicators
# count 有效留言 only: spam, repeats and messages refused as out of scope are not counted.
_STATUS_WORDS = (
    (INVALID, ("无效", "不予受理", "重复留言", "已屏蔽", "不予公开")),
    (UNANSWERED, ("未回复", "未答复", "待回复", "待答复", "未处理", "待处理", "未办结", "暂未")),
    (PENDING, ("处理中", "办理中", "受理中", "已受理", "已转办", "转办中", "交办")),
    (ANSWERED, ("已回复", "已答复", "已办结", "已处理", "已反馈", "办结", "已完成")),
)
# A reply written on the page without a date (`答复内容：您好！…`, or the label on its own line
# above the reply); `答复单位：`, `答复时间：` are not replies.
_REPLY = re.compile(
    r"(?:^|[\s\u3000])(?:答复|回复|办理)(?:(?:内容|意见|结果|情况)\s*[:：]?|\s*[:：])(?P<rest>.{0,80})",
    re.S,
)
_NO_REPLY = ("暂无", "待", "未", "无", "—", "-", "尚未")
_GENERIC_CRUMBS = PAGE_TYPE_CRUMBS | HOME_NAMES
_MAX_COLUMN_NAME = 15  # a longer crumb is the page's own title, not a column


@dataclass(frozen=True)
class Message:
    url: str
    title: str
    column: str  # the interaction column it was asked in
    asked: date
    answered: date | None  # the reply's date, when the page gives one
    replied: bool  # a reply is on the page (dated or not), or the status says so
    status: str | None  # 已回复 | 未回复 | 处理中 | 无效, normalised; None when the page shows none

    def age(self, as_of: date) -> int:
        return (as_of - self.asked).days

    def counted(self, as_of: date, window_days: int = WINDOW_DAYS) -> bool:
        """A valid message asked within the window before `as_of` (0: no window). A question
        dated after `as_of` is a typo, not a message of the period."""
        age = self.age(as_of)
        return self.status != INVALID and age >= 0 and (window_days <= 0 or age <= window_days)

    def unanswered(self) -> bool:
        return not self.replied


def interaction_kind(
    name: str,
    keywords: Sequence[str] = INTERACTION_KEYWORDS,
    exclude: Sequence[str] = INTERACTION_EXCLUDE,
) -> bool | None:
    """True: a 政务咨询类 column name; False: an excluded one (信访 ...); None: neither."""
    if any(word and word in name for word in exclude):
        return False
    if any(word and word in name for word in keywords):
        return True
    return None


def normalise_status(raw: str | None) -> str | None:
    """已回复 / 未回复 / 处理中 from a CMS's status words; None when it says none of these."""
    for status, words in _STATUS_WORDS:
        if raw and any(w in raw for w in words):
            return status
    return None


def messages(
    view: AuditView,
    keywords: Sequence[str] = INTERACTION_KEYWORDS,
    exclude: Sequence[str] = INTERACTION_EXCLUDE,
) -> list[Message]:
    """Every message of the audit's interaction columns, in crawl order (computed once per view)."""
    key = ("messages", json.dumps([list(keywords), list(exclude)]))
    return list(view.memo(key, lambda: tuple(_find(view, keywords, exclude))))


def has_interaction_column(
    view: AuditView,
    keywords: Sequence[str] = INTERACTION_KEYWORDS,
    exclude: Sequence[str] = INTERACTION_EXCLUDE,
) -> bool:
    """The site has a 政务咨询类 column (a message in one, or a column named like one)."""
    if messages(view, keywords, exclude):
        return True
    return any(interaction_kind(c.name, keywords, exclude) for c in detect_columns(view))


def _find(view: AuditView, keywords: Sequence[str], exclude: Sequence[str]) -> list[Message]:
    candidates = [
        p
        for p in view.pages(internal=True, with_text=False)
        if p.meta.get("留言时间")
        and p.kind not in ("home", "resource")
        and p.status is not None
        and 200 <= p.status < 300
    ]
    if not candidates:
        return []
    urls = {p.url for p in candidates}
    # A list page showing one or two messages with their labels is not a message of its own.
    listing = {page for page, item in view.list_items(pages=list(urls)) if item.url in urls}
    candidates = [p for p in candidates if p.url not in listing]
    texts = view.texts([p.url for p in candidates])
    column_of = None
    out = []
    for page in candidates:
        column = _crumb_column(page, keywords, exclude)
        if column is None:
            if column_of is None:
                column_of = site_column_of(view)
            found = column_of(page.url)
            if found is not None and interaction_kind(found.name, keywords, exclude):
                column = found.name
        if not column:
            continue
        out.append(_message(page, column, texts.get(page.url, "")))
    return out


def _crumb_column(page: PageRecord, keywords: Sequence[str], exclude: Sequence[str]) -> str | None:
    """The interaction column the page's breadcrumb names: "" when it names an excluded one
    (信访 …), None when it names neither (the column that lists the page decides)."""
    crumbs = [
        c.strip()
        for c in page.breadcrumb
        if c.strip()
        and c.strip() not in _GENERIC_CRUMBS
        and len(c.strip()) <= _MAX_COLUMN_NAME
        and c.strip() != page.title.strip()
    ]
    # The innermost crumb that says anything decides: 互动交流 > 信访 is 信访, 互动交流 > 常见问题
    # is still 互动交流.
    for i in range(len(crumbs) - 1, -1, -1):
        kind = interaction_kind(crumbs[i], keywords, exclude)
        if kind is False:
            return ""
        if kind:
            return crumbs[-1]
    return None


def _message(page: PageRecord, column: str, text: str) -> Message:
    answered = page.meta.get("答复时间")
    status = normalise_status(page.meta.get("办理状态"))
    replied = bool(answered) or status == ANSWERED
    if status is None and not replied:
        replied = _reply_on_page(text)
    return Message(
        url=page.url,
        title=page.title,
        column=column,
        asked=date.fromisoformat(page.meta["留言时间"]),
        answered=date.fromisoformat(answered) if answered else None,
        replied=replied,
        status=status,
    )


def _reply_on_page(text: str) -> bool:
    """A written reply (答复内容：您好…) on a page that gives no reply date and no status."""
    for found in _REPLY.finditer(text):
        lines = [line.strip(" :：\u3000") for line in found["rest"].split("\n")]
        body = next((line for line in lines if line), "")
        if len(body) >= 4 and not body.startswith(_NO_REPLY):
            return True
    return False
