"""History on every finding and 预警, across real audits of a local site on three days.

A site on 127.0.0.1: a news column whose newest item turns 14 days old within the warning
window, a notice column long stale, and a link to a page that answers 404 (then, on the third
day, 200). Each audit is the real CLI in a subprocess (Scrapy's reactor does not restart); the
findings.json, warnings.json, summary.json, 整改清单.xlsx and report.html it writes are opened.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import zlib
from datetime import date
from pathlib import Path

import lxml.html
import openpyxl
import pytest
from contract import valid_findings
from reports_store import RAW_ID
from site_server import Reply, SiteServer

DAY1, DAY2, DAY3 = date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4)
TYPO = "面对困难，我们不能一愁莫展。"  # 一愁莫展 → 一筹莫展 (wordlists/typo.tsv)
IDENTITY = f"联系人身份证号 {RAW_ID}"


def page(title: str, body: str) -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1>{body}</body></html>"
    )


def listing(name: str, items: list[tuple[str, str, str]]) -> str:
    lis = "".join(f"<li><a href='{u}'>{t}</a><span>{d}</span></li>" for u, t, d in items)
    return page(name, f"<div class='crumb'>首页 &gt; {name}</div><ul class='list'>{lis}</ul>")


def article(title: str, day: str) -> str:
    return page(title, f"<div>发布日期：{day}</div><p>{title}的正文内容。</p>")


def routes() -> dict[str, Reply]:
    news = [(f"/gzdt/{i}.html", f"工作动态第{i}条", f"2026-11-{20 - i:02d}") for i in range(6)]
    notices = [(f"/tzgg/{i}.html", f"通知公告第{i}条", f"2025-0{i + 1}-10") for i in range(6)]
    site = {
        "/": Reply(
            page(
                "示范区政府",
                "<ul><li><a href='/gzdt/index.html'>工作动态</a></li>"
                "<li><a href='/tzgg/index.html'>通知公告</a></li>"
                "<li><a href='/gone.html'>办事指南</a></li></ul>",
            )
        ),
        "/gzdt/index.html": Reply(listing("工作动态", news)),
        "/tzgg/index.html": Reply(listing("通知公告", notices)),
        "/gone.html": Reply(page("页面不存在", "<p>404</p>"), status=404),
    }
    for url, title, day in news + notices:
        site[url] = Reply(article(title, day))
    # Hostile markup beside a typo, and a personal number: evidence stays data, masked.
    site["/gzdt/0.html"] = Reply(
        article("工作动态第0条", "2026-11-20").replace(
            "</body>", f"<p>{TYPO}</p><script>alert('x')</script><p>{IDENTITY}</p></body>"
        )
    )
    return site


def audit(site: SiteServer, out: Path, db: Path, day: date, *extra: str) -> dict:
    command = [
        sys.executable,
        "-m",
        "govaudit.cli",
        "audit",
        f"{site.url}/",
        "--out",
        str(out),
        "--db",
        str(db),
        "--as-of",
        day.isoformat(),
        "--quiet",
        *extra,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return {f["check"] + ":" + f["page_url"]: f for f in valid_findings(out / "findings.json")}


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def sheet_rows(path: Path, sheet: str) -> list[dict]:
    ws = openpyxl.load_workbook(path)[sheet]
    header, *body = [list(r) for r in ws.iter_rows(values_only=True)]
    return [dict(zip(header, r, strict=True)) for r in body]


@pytest.fixture(scope="module")
def three_days(tmp_path_factory):
    """The site audited on DAY1, DAY2 (all verified) and DAY3 (the 404 fixed)."""
    tmp = tmp_path_factory.mktemp("follow_up")
    db = tmp / "govaudit.db"
    with SiteServer(routes()) as site:
        runs = [audit(site, tmp / "day1", db, DAY1, "--full")]
        runs.append(audit(site, tmp / "day2", db, DAY2, "--full"))
        site.routes["/gone.html"] = Reply(page("办事指南", "<p>已恢复</p>"))
        runs.append(audit(site, tmp / "day3", db, DAY3, "--full"))
        return site.url, tmp, runs, db


def broken(findings: dict) -> dict:
    [found] = [f for f in findings.values() if f["check"] == "broken_link"]
    return found


def test_a_broken_link_is_suspected_first_and_confirmed_the_next_day(three_days):
    url, tmp, (day1, day2, _), _ = three_days
    first, second = broken(day1), broken(day2)
    assert first["target_url"] == f"{url}/gone.html"
    assert (first["confirmation"], first["times_seen"]) == ("疑似", 1)
    assert first["first_seen"] == first["last_seen"] == DAY1.isoformat()
    assert (second["confirmation"], second["times_seen"]) == ("确认", 2)
    assert (second["first_seen"], second["last_seen"]) == (DAY1.isoformat(), DAY2.isoformat())
    assert second["id"] == first["id"]


def test_content_findings_are_confirmed_at_once(three_days):
    _, _, (day1, _, _), _ = three_days
    stale = [f for f in day1.values() if f["check"] == "stale_column"]
    assert [f["column"] for f in stale] == ["通知公告"]
    assert stale[0]["confirmation"] == "确认" and stale[0]["times_seen"] == 1


def test_suspected_findings_are_counted_apart(three_days):
    _, tmp, _, _ = three_days
    first = read_json(tmp / "day1" / "summary.json")
    second = read_json(tmp / "day2" / "summary.json")
    assert (first["suspected"], second["suspected"]) == (1, 0)
    html = (tmp / "day1" / "report.html").read_text(encoding="utf-8")
    doc = lxml.html.fromstring(html)
    assert (
        "疑似问题 1 条（疑似，待下次审计确认），未计入否决项"
        in doc.get_element_by_id("suspected").text_content()
    )
    assert doc.get_element_by_id("scorecard").get_element_by_id("suspected") is not None


def test_history_is_in_the_xlsx_and_the_html(three_days):
    url, tmp, (_, day2, _), _ = three_days
    rows = sheet_rows(tmp / "day2" / "整改清单.xlsx", "问题清单")
    [row] = [r for r in rows if r["问题类型"] == "链接不可用"]
    assert row["首次发现"].date() == DAY1 and row["最近发现"].date() == DAY2
    assert (row["连续发现次数"], row["确认"]) == (2, "确认")
    doc = lxml.html.fromstring((tmp / "day2" / "report.html").read_text(encoding="utf-8"))
    tr = doc.get_element_by_id(f"f-{broken(day2)['id']}")
    cells = {td.get("data-label"): td.text_content().strip() for td in tr.iter("td")}
    assert cells["首次发现"] == DAY1.isoformat() and cells["最近发现"] == DAY2.isoformat()
    assert (cells["连续发现"], cells["确认"]) == ("2 次", "确认")


def test_a_fixed_link_leaves_and_its_history_ends(three_days):
    _, tmp, (_, _, day3), _ = three_days
    assert not [f for f in day3.values() if f["check"] == "broken_link"]
    fixed = sheet_rows(tmp / "day3" / "整改清单.xlsx", "已整改")
    assert [r["问题类型"] for r in fixed] == ["链接不可用"]
    assert fixed[0]["最近发现"].date() == DAY2 and fixed[0]["连续发现次数"] == 2


def test_a_column_due_within_three_days_is_a_warning(three_days):
    url, tmp, (day1, _, _), _ = three_days
    # 工作动态's newest item is of 2026-11-20: 14 days allowed, stale on 2026-12-05.
    warnings = read_json(tmp / "day1" / "warnings.json")
    due = [w for w in warnings if w["kind"] == "column_due"]
    assert [(w["column"], w["due"], w["days_left"]) for w in due] == [("工作动态", "2026-12-05", 3)]
    stale = [f for f in day1.values() if f["check"] == "stale_column"]
    assert "工作动态" not in [f["column"] for f in stale]  # a warning, not a problem
    assert read_json(tmp / "day1" / "summary.json")["warnings"] == len(warnings)
    later = read_json(tmp / "day3" / "warnings.json")
    assert [(w["column"], w["days_left"]) for w in later if w["kind"] == "column_due"] == [
        ("工作动态", 1)
    ]
    sheet = sheet_rows(tmp / "day1" / "整改清单.xlsx", "预警")
    assert [(r["所在栏目"], r["剩余天数"]) for r in sheet] == [("工作动态", 3)]
    assert sheet[0]["到期日"].date() == date(2026, 12, 5)
    doc = lxml.html.fromstring((tmp / "day1" / "report.html").read_text(encoding="utf-8"))
    section = doc.get_element_by_id("warnings")
    assert "预警（1 条" in section.text_content() and "工作动态" in section.text_content()
    assert f"{url}/gzdt/index.html" in [a.get("href") for a in section.iter("a")]


def evidence(db: Path, finding_id: str, out: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "govaudit.cli", "evidence", finding_id, "--db", str(db)]
    return subprocess.run([*command, "--out", str(out)], capture_output=True, text=True, timeout=60)


def test_each_page_version_is_stored_once_masked(three_days):
    _, _, _, db = three_days
    with sqlite3.connect(db) as conn:
        copies = conn.execute("SELECT digest, body FROM page_copies").fetchall()
        per_audit = conn.execute("SELECT audit, COUNT(copy) FROM pages GROUP BY audit").fetchall()
    pages = per_audit[0][1]
    assert [n for _, n in per_audit] == [pages] * 3
    assert len(copies) == pages + 1  # three audits; only /gone.html changed (on DAY3)
    texts = [zlib.decompress(body).decode("utf-8") for _, body in copies]
    assert all(
        hashlib.sha256(t.encode()).hexdigest() == d for t, (d, _) in zip(texts, copies, strict=True)
    )
    [with_number] = [t for t in texts if "联系人身份证号" in t]
    assert RAW_ID not in with_number and RAW_ID[:4] in with_number
    assert RAW_ID.encode() not in db.read_bytes()


def test_evidence_marks_the_broken_link_on_its_page(three_days, tmp_path):
    url, _, (_, day2, _), db = three_days
    found = broken(day2)
    done = evidence(db, found["id"], tmp_path / "e.html")
    assert done.returncode == 0, done.stderr
    assert "审计 #2" in done.stdout and "已标出问题所在位置" in done.stdout
    doc = lxml.html.fromstring((tmp_path / "e.html").read_text(encoding="utf-8"))
    marks = [m.text_content() for m in doc.iter("mark")]
    assert marks and set(marks) <= {f"{url}/gone.html", "/gone.html", "gone.html"}
    assert "<a href=" in doc.get_element_by_id("hit-1").getparent().text_content()
    policy = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    # Nothing runs or loads, but the page's screenshot written beside it (tests/test_screenshots.py)
    shot = "; img-src 'self' file:" if doc.xpath("//img") else ""
    assert policy == ["default-src 'none'; style-src 'unsafe-inline'" + shot]


def test_evidence_of_a_hostile_page_stays_text(three_days, tmp_path):
    _, tmp, (day1, _, _), db = three_days
    [typo] = [f for f in day1.values() if f["check"] == "wrong_word"]
    assert evidence(db, typo["id"], tmp_path / "w.html").returncode == 0
    html = (tmp_path / "w.html").read_text(encoding="utf-8")
    doc = lxml.html.fromstring(html)
    assert not list(doc.iter("script"))  # the page's script is shown, never run
    assert "<script>alert('x')</script>" in doc.text_content()
    assert [m.text_content() for m in doc.iter("mark")] == [typo["term"]]
    assert RAW_ID not in html
    # report.html shows the same place: the term marked in its sentence.
    report = lxml.html.fromstring((tmp / "day1" / "report.html").read_text(encoding="utf-8"))
    row = report.get_element_by_id(f"f-{typo['id']}")
    [where] = row.find_class("where")
    assert [m.text_content() for m in where.iter("mark")] == [typo["term"]]
    assert "不能" in where.text_content()


def test_evidence_of_an_unknown_finding_is_one_line(three_days, tmp_path):
    _, _, _, db = three_days
    done = evidence(db, "broken_link-0000000000000000", tmp_path / "none.html")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"govaudit: 问题编号 broken_link-0000000000000000：{db} 中没有这个问题"
    ]
    assert not (tmp_path / "none.html").exists()
