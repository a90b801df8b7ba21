"""Suspected typos no list holds (issue 21): real government text through the real detector, and
one audit of a local site whose planted unlisted typo reaches findings.json, report.html and the
xlsx as 疑似错别字."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from site_server import Reply, SiteServer

from govaudit.checks import suspected_typo as suspected_typos
from govaudit.core.model import PageRecord
from govaudit.core.store import Store

REPO = Path(__file__).resolve().parents[1]
GOV_TEXT = REPO / "benchmarks" / "gov_text"
CHECKER = Path("/work/shared/tools/check_findings.py")
SITE = "http://www.example.gov.cn"
AS_OF = date(2026, 3, 1)


@pytest.fixture(scope="module")
def detector():
    return suspected_typos.detector_for((), True, ())


@pytest.fixture(scope="module")
def report_text() -> str:
    return (GOV_TEXT / "浙江省.txt").read_text(encoding="utf-8")


def guesses(detector, text: str) -> list[tuple[str, str]]:
    return [(g.term, g.suggestion) for g in detector.find(text)]


def test_real_government_reports_give_no_guess(detector):
    for path in sorted(GOV_TEXT.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert guesses(detector, text) == [], path.name


def test_a_misspelt_set_phrase_planted_in_a_real_report_is_found(detector, report_text):
    at = report_text.index("因地制宜")
    planted = report_text[:at] + "因地置宜" + report_text[at + 4 :]
    found = [g for g in detector.find(planted) if g.start == at]
    assert [(g.term, g.suggestion, g.reason) for g in found] == [("因地置宜", "因地制宜", "同音字")]


def test_a_pair_alone_is_not_guessed_at(detector):
    # 稳居 is one sound and stroke from 隐居, yet right: a pair alone is never guessed at.
    assert guesses(detector, "规模稳居全国第4位。") == []


@pytest.mark.parametrize(
    "text",
    [
        "学习《再接再励的精神》一文。",  # a quoted title
        "“再接再励”四个字写在墙上。",  # a quotation
        "会议由张卫冬同志主持。",  # a name
    ],
)
def test_titles_quotes_and_names_are_left_alone(detector, text):
    assert guesses(detector, text) == []


def test_a_listed_typo_is_left_to_the_words_check(detector):
    assert "一愁莫展" in detector.known  # typo.tsv has it: wrong_word, not 疑似
    assert guesses(detector, "面对困难一愁莫展。") == []
    assert guesses(detector, "这一成就令人震憾。") == []  # 震憾 is listed too


def test_findings_are_minor_with_suggestion_reason_and_context(tmp_path):
    store = Store(tmp_path / "audit.db")
    audit_id = store.start_audit("example", f"{SITE}/", AS_OF, {})
    text = "全市上下要坚持因地置宜，分类施策。下一步将因地置宜推进。"
    store.add_pages(
        audit_id, [PageRecord(url=f"{SITE}/a.html", status=200, kind="article", text=text)]
    )
    rules = dict(suspected_typos.DEFAULTS)
    (finding,) = suspected_typos.run(store.view(audit_id), rules, AS_OF)
    assert finding.check == "suspected_typo" and finding.severity == "minor"
    assert finding.details["term"] == "因地置宜" and finding.details["suggestion"] == "因地制宜"
    assert finding.details["count"] == 2 and "坚持因地置宜" in finding.details["context"]
    assert finding.title.startswith("疑似错别字：")
    off = list(suspected_typos.run(store.view(audit_id), {**rules, "enabled": False}, AS_OF))
    allowed = list(
        suspected_typos.run(store.view(audit_id), {**rules, "whitelist_terms": ["因地置宜"]}, AS_OF)
    )
    assert off == [] and allowed == []
    store.close()


PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="content"><h1>{title}</h1><p>发布时间：2026-02-10</p><p>{body}</p></div></body></html>"""


def test_an_audit_reports_an_unlisted_typo_in_every_output(tmp_path):
    home = PAGE.format(title="某某县人民政府", body='<a href="/news/1.html">县政府召开全体会议</a>')
    article = PAGE.format(
        title="县政府召开全体会议",
        body="会议要求，各乡镇要坚持因地置宜，分类推进农村人居环境整治，确保取得实效。",
    )
    routes = {"/": Reply(home), "/news/1.html": Reply(article)}
    with SiteServer(routes) as site:
        out = tmp_path / "out"
        cmd = [sys.executable, "-m", "govaudit.cli", "audit", site.url + "/", "--out", str(out)]
        cmd += ["--as-of", AS_OF.isoformat(), "--quiet"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, cwd=REPO)
        assert done.returncode == 0, done.stderr[-2000:]
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    (typo,) = [f for f in findings if f["check"] == "suspected_typo"]
    assert typo["term"] == "因地置宜" and typo["suggestion"] == "因地制宜"
    assert typo["severity"] == "minor" and typo["page_url"].endswith("/news/1.html")
    if CHECKER.is_file():
        spec = importlib.util.spec_from_file_location("check_findings", CHECKER)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert module.problems(findings) == []
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "疑似错别字" in html and "因地置宜" in html
    (xlsx,) = out.glob("*.xlsx")
    cells = [
        str(c.value) for ws in load_workbook(xlsx) for row in ws.iter_rows() for c in row if c.value
    ]
    assert any("因地置宜" in c for c in cells) and any("疑似错别字" in c for c in cells)


def test_a_bad_page_pattern_stops_the_audit_before_the_crawl():
    from govaudit.core.config import ConfigError

    with pytest.raises(ConfigError, match="whitelist_pages"):
        suspected_typos.validate_rules({**suspected_typos.DEFAULTS, "whitelist_pages": ["("]})


def test_the_cached_misspellings_are_the_ones_made_afresh(tmp_path, monkeypatch):
    """The cache file (one per dictionary and rules) gives back exactly what building them does,
    and a damaged one is rebuilt, not trusted."""
    from govaudit.checks import typo_detector
    from govaudit.checks.wordmatch import _base_dictionary

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    freq, total = _base_dictionary()
    made = typo_detector.cached_misspellings(freq, total, typo_detector.RATIO)
    (cache,) = (tmp_path / "govaudit").glob("typo-variants-*.marshal")
    assert typo_detector.cached_misspellings(freq, total, typo_detector.RATIO) == made
    patterns, words, codes = made
    variants = dict(zip(patterns.split("\n"), codes, strict=True))
    code = variants["震憾"]
    assert (words[code >> 1], typo_detector.REASONS[code & 1]) == ("震撼", "同音字")
    cache.write_bytes(cache.read_bytes()[:1000])
    assert typo_detector.cached_misspellings(freq, total, typo_detector.RATIO) == made
