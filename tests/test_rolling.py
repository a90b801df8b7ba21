"""The daily audit's rolling schedule (crawler/rolling.py): what is asked today, what is carried."""

from __future__ import annotations

from datetime import date, timedelta

from govaudit.core.model import ListItem, PageRecord
from govaudit.crawler.rolling import RollingSchedule

TODAY = date(2024, 3, 15)
BASE = "http://rsj.example.gov.cn"


def schedule(records: list[PageRecord], verified_days_ago: int = 1, every: int = 7):
    previous = {r.url: r for r in records}
    verified = {r.url: TODAY - timedelta(days=verified_days_ago) for r in records}
    return RollingSchedule(previous, verified, every, TODAY)


def test_lists_new_and_failed_targets_are_asked_every_day():
    home = PageRecord(url=f"{BASE}/", kind="home", status=200)
    column = PageRecord(url=f"{BASE}/gzdt/", kind="list", status=200)
    page_two = PageRecord(
        url=f"{BASE}/gzdt/index_1.html", status=200, pagination=(f"{BASE}/gzdt/",)
    )
    broken = PageRecord(url=f"{BASE}/a.pdf", kind="resource", status=404)
    refused = PageRecord(url="http://other.gov.cn/", error="refused")
    plan = schedule([home, column, page_two, broken, refused])
    assert plan.due_reason(home.url) == plan.due_reason(column.url) == "list"
    assert plan.due_reason(page_two.url) == "list"
    assert plan.due_reason(broken.url) == plan.due_reason(refused.url) == "failed"
    assert plan.due_reason(f"{BASE}/new.html") == "new"


def test_every_record_is_verified_within_the_period_and_a_share_each_day():
    articles = [
        PageRecord(url=f"{BASE}/art/{i}.html", kind="article", status=200) for i in range(700)
    ]
    plan = schedule(articles)
    carried = [a for a in articles if plan.due_reason(a.url) is None]
    # About a seventh is verified today (its turn in the cycle), the rest carried.
    assert 0.75 * 600 < len(carried) < 1.25 * 600
    # Over seven consecutive days every record gets its turn (even when each was verified the
    # day before, so that its age never forces it).
    turns = set()
    for day in range(7):
        yesterday = {a.url: TODAY + timedelta(days=day - 1) for a in articles}
        later = RollingSchedule(plan.previous, yesterday, 7, TODAY + timedelta(days=day))
        turns |= {a.url for a in articles if later.due_reason(a.url) == "turn"}
    assert turns == {a.url for a in articles}
    # A record not verified for the whole period is verified whatever its turn.
    stale = schedule(articles, verified_days_ago=7)
    assert all(stale.due_reason(a.url) in ("age", "turn") for a in articles)
    # One day: everything, every audit.
    daily = schedule(articles, every=1)
    assert all(daily.due_reason(a.url) for a in articles)


def test_articles_a_list_shows_as_recent_are_asked():
    recent = PageRecord(url=f"{BASE}/art/1.html", kind="article", status=200)
    old = PageRecord(url=f"{BASE}/art/2.html", kind="article", status=200)
    plan = schedule([recent, old])
    plan.note_list(
        [
            ListItem(recent.url, "新通知", TODAY - timedelta(days=2), 0),
            ListItem(old.url, "旧通知", TODAY - timedelta(days=90), 1),
            ListItem(f"{BASE}/art/3.html", "无日期", None, 2),
        ],
        canonical=lambda url: url,
    )
    assert plan.due_reason(recent.url) == "fresh"
    assert plan.due_reason(old.url) in (None, "turn")
