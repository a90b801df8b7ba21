"""The daily audit's rolling schedule (crawler/rolling.py): what is asked today, what is carried."""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from datetime import date, timedelta
from pathlib import Path

from site_server import Reply, SiteServer

from govaudit.core.model import ListItem, PageRecord
from govaudit.crawler.rolling import RollingSchedule, newest_item_dates

TODAY = date(2024, 3, 15)
BASE = "http://rsj.example.gov.cn"


def schedule(records: list[PageRecord], verified_days_ago: int = 1, every: int = 7, newest=None):
    previous = {r.url: r for r in records}
    verified = {r.url: TODAY - timedelta(days=verified_days_ago) for r in records}
    return RollingSchedule(previous, verified, every, TODAY, newest)


def articles(count: int, prefix: str = "art") -> list[PageRecord]:
    return [
        PageRecord(url=f"{BASE}/{prefix}/{i}.html", kind="article", status=200)
        for i in range(count)
    ]


def item(url: str, days_ago: int | None, position: int = 0) -> ListItem:
    day = None if days_ago is None else TODAY - timedelta(days=days_ago)
    return ListItem(url, "通知", day, position)


def test_home_first_list_pages_new_and_failed_targets_are_asked_every_day():
    home = PageRecord(url=f"{BASE}/", kind="home", status=200)
    column = PageRecord(url=f"{BASE}/gzdt/", kind="list", status=200)
    broken = PageRecord(url=f"{BASE}/a.pdf", kind="resource", status=404)
    refused = PageRecord(url="http://other.gov.cn/", error="refused")
    plan = schedule([home, column, broken, refused])
    assert plan.due_reason(home.url) == "home"
    assert plan.due_reason(column.url) == "list"  # no dated item known: always
    assert plan.due_reason(broken.url) == plan.due_reason(refused.url) == "failed"
    assert plan.due_reason(f"{BASE}/new.html") == "new"


def test_deeper_pagination_with_old_items_only_takes_its_turn():
    pages = [f"{BASE}/gzdt/index.html"] + [f"{BASE}/gzdt/index_{k}.html" for k in range(1, 40)]
    records = [
        PageRecord(
            url=u,
            kind="list",
            status=200,
            depth=1 if k == 0 else 2,  # the column's entry linked from the nav, its pager below
            pagination=tuple(p for p in pages if p != u),
        )
        for k, u in enumerate(pages)
    ]
    # Page k lists items 20k..20k+19 days old: the first page shows this week's news.
    listed = [(u, item(f"{u}#{i}", 20 * k + i)) for k, u in enumerate(pages) for i in range(20)]
    newest = newest_item_dates(listed)
    assert newest[pages[1]] == TODAY - timedelta(days=20)
    plan = schedule(records, verified_days_ago=3, newest=newest)
    assert plan.due_reason(pages[0]) == "list"
    deeper = [plan.due_reason(u) for u in pages[1:]]
    assert "list" not in deeper and 0 < deeper.count(None) < len(deeper)
    # A quiet column (nothing for a year): its first page is still asked every day.
    quiet = {u: d - timedelta(days=365) for u, d in newest.items()}
    plan = schedule(records, newest=quiet)
    assert plan.due_reason(pages[0]) == "list"
    assert "list" not in {plan.due_reason(u) for u in pages[1:]}
    # A page that shows this week's items is a first page, whatever its number.
    busy = dict(newest, **{pages[1]: TODAY - timedelta(days=3)})
    assert schedule(records, newest=busy).due_reason(pages[1]) == "list"
    # A list sorted oldest first: its entry and its newest (last) page are both asked.
    ascending = {u: TODAY - timedelta(days=900 - 20 * k) for k, u in enumerate(pages)}
    plan = schedule(records, verified_days_ago=3, newest=ascending)
    asked = [u for u in pages if plan.due_reason(u) == "list"]
    assert asked == [pages[0], pages[-1]]


def test_a_list_of_news_only_is_followed_into_its_pagination():
    first = PageRecord(url=f"{BASE}/gzdt/index.html", kind="list", status=200, depth=1)
    deeper = PageRecord(
        url=f"{BASE}/gzdt/index_1.html", kind="list", status=200, depth=2, pagination=(first.url,)
    )
    old = articles(3)
    newest = {deeper.url: TODAY - timedelta(days=30), first.url: TODAY - timedelta(days=1)}
    plan = schedule([first, deeper, *old], newest=newest)
    carried = plan.due_reason(deeper.url)
    assert carried != "list"
    # A mix of news and items verified since their date: the news ends on this page.
    plan.note_list(
        [item(f"{BASE}/art/new.html", 0), item(old[0].url, 30)], str, pagination=[deeper.url]
    )
    assert plan.due_reason(deeper.url) == carried
    # Only news (a column that published a page's worth since yesterday): follow it.
    plan.note_list([item(f"{BASE}/art/new.html", 0), item(old[1].url, 1)], str, [deeper.url])
    assert plan.due_reason(deeper.url) == "list_news"


def test_an_item_is_fresh_when_its_list_date_is_on_or_after_its_last_verification():
    edited, same_day, checked, undated = articles(4)
    plan = RollingSchedule(
        {r.url: r for r in (edited, same_day, checked, undated)},
        {
            edited.url: TODAY - timedelta(days=10),
            same_day.url: TODAY - timedelta(days=2),
            checked.url: TODAY - timedelta(days=1),
            undated.url: TODAY - timedelta(days=1),
        },
        7,
        TODAY,
    )
    plan.note_list(
        [
            item(edited.url, 3),  # changed three days ago, last verified ten days ago
            item(same_day.url, 2),  # verified on the day it was dated: an edit after that audit
            item(checked.url, 2),  # dated two days ago, verified since: not asked again
            item(undated.url, None),
        ],
        str,
    )
    assert plan.due_reason(edited.url) == plan.due_reason(same_day.url) == "fresh"
    assert plan.due_reason(checked.url) != "fresh"
    assert plan.due_reason(undated.url) != "fresh"


def test_a_record_verified_the_day_before_its_turn_is_caught_up_within_the_cycle():
    pages = articles(700)
    # Day 0: a full audit verified everything. Day 1: nothing takes its turn.
    full = TODAY
    verified = {p.url: full for p in pages}
    previous = {p.url: p for p in pages}
    day_one = RollingSchedule(previous, verified, 7, full + timedelta(days=1))
    assert {day_one.due_reason(p.url) for p in pages} == {None}
    # The seventh whose turn it was is verified on one of days 2..6, each day about a fifth.
    skipped = [p.url for p in pages if (full.toordinal() + 1 - _slot(p.url)) % 7 == 0]
    catch_up_days = {}
    for day in range(2, 8):
        plan = RollingSchedule(previous, verified, 7, full + timedelta(days=day))
        for url in skipped:
            if plan.due_reason(url) == "catch_up":
                catch_up_days.setdefault(url, day)
    assert set(catch_up_days) == set(skipped)
    assert set(catch_up_days.values()) == {2, 3, 4, 5, 6}
    # One day: everything, every audit.
    daily = RollingSchedule(previous, verified, 1, full + timedelta(days=1))
    assert all(daily.due_reason(p.url) for p in pages)


def _slot(url: str) -> int:
    return zlib.crc32(url.encode("utf-8")) % 7


def simulate(days: int, audit_days: set[int], count: int = 2800, news_per_day: int = 6):
    """A full audit on day 0, then a rolling audit on each of `audit_days`: new articles listed
    every day. Returns the share of the old records asked on each audit day, each audit's
    oldest carried verification (days), and what each audit asked."""
    start = TODAY
    records = {p.url: p for p in articles(count)}
    verified = {url: start for url in records}
    shares, oldest, asked_on = {}, {}, {}
    for day in range(1, days + 1):
        published = [f"{BASE}/new/{day}-{i}.html" for i in range(news_per_day)]
        if day not in audit_days:
            continue
        today = start + timedelta(days=day)
        plan = RollingSchedule(dict(records), dict(verified), 7, today)
        newest_first = [item(u, 0) for u in published] + [
            ListItem(u, "旧", start, 9) for u in list(records)[:10]
        ]
        plan.note_list(newest_first, str)
        asked = {url for url in records if plan.due_reason(url)}
        for url in published:
            assert plan.due_reason(url) == "new"
            records[url] = PageRecord(url=url, kind="article", status=200)
            asked.add(url)
        for url in asked:
            verified[url] = today
        old = [url for url in records if url.startswith(f"{BASE}/art/")]
        shares[day] = sum(1 for url in old if url in asked) / len(old)
        oldest[day] = max((today - verified[url]).days for url in records)
        asked_on[day] = asked
    return shares, oldest, asked_on


def test_over_eight_weeks_no_record_ages_past_the_period_and_no_day_asks_over_6_35ths():
    shares, oldest, _ = simulate(56, set(range(1, 57)))
    assert max(oldest.values()) <= 6  # nothing carried that was verified 7 or more days ago
    assert shares[1] < 0.01  # the day after the full audit: news only
    assert all(shares[d] < 6 / 35 * 1.12 for d in shares)  # first week: 1/7 + 1/35 a day
    steady = [shares[d] for d in range(8, 57)]
    assert all(1 / 7 * 0.85 < s < 1 / 7 * 1.15 for s in steady)  # then a seventh
    # From the second week on, each old record exactly once a week: no request wasted.
    _, _, asked_on = simulate(49, set(range(1, 50)))
    for i in range(2800):
        url = f"{BASE}/art/{i}.html"
        assert sum(url in asked_on[day] for day in range(8, 50)) == 6, url


def test_a_weekend_without_audits_is_caught_up_on_monday():
    weekdays = {d for d in range(1, 43) if d % 7 not in (5, 6)}
    shares, oldest, _ = simulate(42, weekdays)
    # The weekend's turns are due by age on Monday: no audit carries a record verified 7 or
    # more days before, and Monday asks the three days' share, no more.
    assert max(oldest.values()) <= 6
    mondays = [d for d in shares if d % 7 == 0 and d >= 7]
    assert all(shares[d] < 3 / 7 * 1.15 for d in mondays)
    assert all(shares[d] < 6 / 35 * 1.12 for d in shares if d not in mondays)


# -- a real daily audit: a column that published more than a page overnight ------------------

PER_PAGE = 10


def _column_page(k: int, items: list[tuple[str, date]], pages: int) -> str:
    lis = "".join(
        f'<li><a href="{path}">通知{path[-8:-5]}</a><span class="date">{day}</span></li>'
        for path, day in items
    )
    names = ["index.html"] + [f"index_{n}.html" for n in range(1, pages)]
    pager = '<a href="index.html">首页</a>'
    if k + 1 < pages:
        pager += f' <a href="{names[k + 1]}">下一页</a>'
    pager += f' <a href="{names[-1]}">尾页</a>'
    return (
        f"<html><head><title>工作动态</title></head><body><ul class='list'>{lis}</ul>"
        f'<div class="page">{pager}</div></body></html>'
    )


def _column_site(items: list[tuple[str, date]], links: dict[str, str]) -> dict[str, Reply]:
    """A homepage, one column of `items` (newest first, PER_PAGE a page), and its articles;
    `links`: article path -> a target it links."""
    pages = [items[i : i + PER_PAGE] for i in range(0, len(items), PER_PAGE)]
    routes = {
        "/": Reply('<html><body><a href="/gzdt/index.html">工作动态</a></body></html>'),
    }
    for k, chunk in enumerate(pages):
        name = "index.html" if k == 0 else f"index_{k}.html"
        routes[f"/gzdt/{name}"] = Reply(_column_page(k, chunk, len(pages)))
    for path, day in items:
        extra = f'<a href="{links[path]}">相关</a>' if path in links else ""
        routes[path] = Reply(
            f"<html><head><title>通知</title></head><body><h1>通知</h1>"
            f"<p>发布时间：{day}</p><p>正文。{extra}</p></body></html>"
        )
    return routes


def _audit(site: SiteServer, tmp: Path, db: Path, day: date) -> dict:
    out = tmp / day.isoformat()
    command = [sys.executable, "-m", "govaudit.cli", "audit", site.url + "/", "--out", str(out)]
    command += ["--db", str(db), "--as-of", day.isoformat(), "--quiet"]
    subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_a_burst_of_news_is_followed_down_the_pagination_and_deeper_pages_are_carried(tmp_path):
    old = [(f"/gzdt/2023/t{100 + i}.html", TODAY - timedelta(days=20 + 3 * i)) for i in range(40)]
    routes = _column_site(old, {})
    with SiteServer(routes) as site:
        db = tmp_path / "store.db"
        _audit(site, tmp_path, db, TODAY)
        # Overnight: 14 articles (more than a page), each linking a page that does not exist;
        # the old items move two pages down (index_4, index_5 are new pages).
        news = [(f"/gzdt/2024/t{500 + i}.html", TODAY + timedelta(days=1)) for i in range(14)]
        gone = {path: f"/gzdt/gone{i}.html" for i, (path, _) in enumerate(news)}
        routes.update(_column_site(news + old, gone))
        before = dict(site.hits)
        findings = _audit(site, tmp_path, db, TODAY + timedelta(days=1))

    def asked(path: str) -> int:
        return sum(n - before.get(key, 0) for key, n in site.hits.items() if key[1] == path)

    broken = {f["target_url"] for f in findings if f["check"] == "broken_link"}
    assert {site.url + target for target in gone.values()} <= broken  # page two's news too
    # Page one showed only news, so its pager (下一页, 尾页) was followed; page two showed old
    # items too: the news ends there. Pages three and four list old items only: carried.
    assert asked("/gzdt/index.html") == asked("/gzdt/index_1.html") == 1
    assert asked("/gzdt/index_2.html") == asked("/gzdt/index_3.html") == 0
    assert all(asked(path) == 0 for path, _ in old)


def test_a_chain_of_carried_pages_is_no_deeper_than_the_site_is(tmp_path):
    """The day after a full audit the articles are carried in one go, each routing the next: a
    chain b → c1 → c2 … must not be taken for depth 2, 3, 4 … and cut by max_depth when the list
    (fetched today, its answer arriving later) links every article at depth 2, as it did on day
    one. Seen on the 20,000-page benchmark: 8 pages 'past the depth bound' on day two."""
    chain = [f"/c{i}.html" for i in range(1, 7)]
    routes = {
        "/": Reply(
            '<html><body><a href="/b.html">专题</a> <a href="/gzdt/index.html">工作动态</a></body></html>'
        ),
        "/b.html": Reply(
            f'<html><body><h1>专题</h1><p>正文。</p><a href="{chain[0]}">相关</a></body></html>'
        ),
    }
    for i, path in enumerate(chain):
        after = f'<a href="{chain[i + 1]}">下一篇</a>' if i + 1 < len(chain) else ""
        routes[path] = Reply(
            f"<html><body><h1>通知{i}</h1><p>发布时间：2024-01-0{i + 1}</p><p>正文。{after}</p></body></html>"
        )
    items = [(path, date(2024, 1, i + 1)) for i, path in enumerate(chain)]
    routes["/gzdt/index.html"] = Reply(_column_page(0, items, 1))
    profile = tmp_path / "site.toml"
    profile.write_text("[crawl]\nmax_depth = 3\n", encoding="utf-8")
    with SiteServer(routes) as site:
        db = tmp_path / "store.db"
        days = (TODAY, TODAY + timedelta(days=1))
        for day in days:
            out = tmp_path / day.isoformat()
            command = [sys.executable, "-m", "govaudit.cli", "audit", site.url + "/"]
            command += ["--out", str(out), "--db", str(db), "--as-of", day.isoformat()]
            command += ["--config", str(profile), "--quiet", "--no-screenshots"]
            done = subprocess.run(command, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr[-2000:]
        summaries = [
            json.loads((tmp_path / d.isoformat() / "summary.json").read_text("utf-8")) for d in days
        ]
    for summary in summaries:
        assert summary["complete"] is True, summary.get("incomplete")
    assert summaries[1]["carried"] >= len(chain)  # day two carried the chain, as it should
