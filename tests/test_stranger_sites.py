"""Audits of three sites in CMS styles govaudit's authors did not write it for (tests/stranger_sites.py).

Each site is served on 127.0.0.1 and audited with the real CLI; the findings and the summary are
held to the site's planted truth: every planted problem found, no false 空白栏目 / 栏目不更新 /
date mismatch, 无法判定 where the audit could not see, and never a 合格 the audit did not earn.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import stranger_sites
from contract import valid_findings
from site_server import SiteServer

from govaudit.core.columns import detect_columns
from govaudit.core.store import Store

REPO = Path(__file__).resolve().parents[1]

PROFILE = """
[site]
name = "{name}（测试站点）"
start_urls = ["{url}/"]

[crawl]
concurrency = 8
download_delay = 0
timeout = 3
retries = 0
max_pages = 400

[checks.overdue_publication]
annual_report = false
"""


def run_audit(site: stranger_sites.Site, tmp: Path) -> tuple[str, list[dict], Path]:
    with SiteServer(site.routes) as server:
        profile = tmp / "site.toml"
        profile.write_text(PROFILE.format(name=site.name, url=server.url), encoding="utf-8")
        out = tmp / "out"
        cmd = [sys.executable, "-m", "govaudit.cli", "audit", server.url + "/", "--out", str(out)]
        cmd += ["--as-of", stranger_sites.AS_OF.isoformat(), "--config", str(profile), "--quiet"]
        cmd += ["--no-screenshots"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=REPO)
        assert done.returncode in (0, 1), done.stderr[-2000:]
        return server.url, valid_findings(out / "findings.json"), out


@pytest.fixture(
    scope="module", params=["trs_site", "frames_site", "frames_site_stale_home", "xxgk_site"]
)
def audited(request, tmp_path_factory):
    site = getattr(stranger_sites, request.param)()
    base, findings, out = run_audit(site, tmp_path_factory.mktemp(request.param))
    return site, base, findings, out


def where(finding: dict, base: str) -> str:
    url = finding.get("target_url") or finding["page_url"]
    return url.removeprefix(base) or "/"


def test_every_planted_problem_is_found(audited):
    site, base, findings, _ = audited
    missed = []
    for check, path, detail in site.planted:
        mine = [f for f in findings if f["check"] == check and where(f, base) == path]
        if not mine:
            missed.append((check, path))
        elif check in ("stale_column", "empty_column", "undecidable_column"):
            assert mine[0]["column"] == detail, mine[0]
        elif check == "broken_link":
            assert mine[0]["status"] == detail, mine[0]
        elif check == "date_mismatch":
            assert detail in mine[0]["title"], mine[0]
    assert not missed, f"missed {missed}; found {[(f['check'], where(f, base)) for f in findings]}"


def test_nothing_beyond_the_planted(audited):
    site, base, findings, _ = audited
    expected = {(check, path) for check, path, _ in site.planted}
    extra = [(f["check"], where(f, base), f["title"]) for f in findings]
    assert not [e for e in extra if e[:2] not in expected]
    trapped = [
        e for e in extra for check, path in site.clean if e[0] == check and path in (None, e[1])
    ]
    assert not trapped


def test_every_column_is_seen_with_its_newest_date(audited):
    site, base, _, out = audited
    store = Store(out / "govaudit.db")
    try:
        view = store.view(store.audits()[-1]["id"])
        seen = {c.url.removeprefix(base): c for c in detect_columns(view)}
    finally:
        store.close()
    for path, (name, newest) in site.columns.items():
        column = seen.get(path) or seen.get(path + "index.shtml")
        assert column is not None, (path, sorted(seen))
        assert column.name == name
        dates = [i.date for i in column.items if i.date]
        assert max(dates, default=None) == newest, (path, name)


def test_documents_keep_their_number_and_stated_dates(audited):
    """文号 and 成文/发布日期 from th/td tables and <dl> blocks; a 2007 date in the body text
    (…通过的有关规定) is no publication date; a site that publishes none shows no 文号 anywhere."""
    site, base, _, out = audited
    store = Store(out / "govaudit.db")
    try:
        view = store.view(store.audits()[-1]["id"])
        numbered = {p.url.removeprefix(base) for p in view.pages() if p.meta.get("文号")}
        assert numbered == set(site.documents)
        for path, (number, written, published) in site.documents.items():
            page = view.page(base + path)
            assert page is not None, path
            assert page.meta.get("文号") == number, (path, page.meta)
            assert page.meta.get("成文日期") == written.isoformat(), (path, page.meta)
            assert page.published == published, path
    finally:
        store.close()


def test_summary_says_what_the_audit_saw(audited):
    site, _, _, out = audited
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["complete"], summary["incomplete"]) == (True, [])
    assert summary["veto"] == site.veto
    home = next(i for i in summary["scorecard"] if i["name"] == "首页信息不更新")
    assert (home["measured"], home["verdict"]) == site.homepage
