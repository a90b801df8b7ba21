"""Each source of the built-in typo lists, held to both sides (issue 21): a planted wrong form is
reported with the source's suggestion and severity, and a legitimate use of the same characters
in official text is kept (a name, a term of its own, two words side by side)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

import lxml.html
import openpyxl
import pytest
from contract import valid_findings
from site_server import Reply, SiteServer

from govaudit.checks import words
from govaudit.core.model import Finding, PageRecord


@pytest.fixture(scope="module")
def check():
    matcher = words.matcher_for((), True, ())
    historical = re.compile(words.DEFAULTS["historical_context"])
    warning = words.warning_pattern(words.DEFAULTS)

    def findings(text: str) -> list[Finding]:
        page = PageRecord(
            url="http://www.example.gov.cn/a.html", text=text, published=date(2025, 3, 1)
        )
        return list(words.page_findings(page, page.url, matcher, historical, warning))

    return findings


# source key, planted sentence, wrong form, suggestion, severity, sentence that must stay clean
CASES = [
    ("YWJZ", "新建项目年内全部峻工投用。", "峻工", "竣工", "major", "面对严峻工作形势，压实责任。"),
    ("GOVAUDIT", "持续改善农村人居坏境。", "坏境", "环境", "major", "严厉打击破坏境内生态的行为。"),
    (
        "YXC1",
        "群众按纳不住喜悦的心情。",
        "按纳",
        "按捺",
        "minor",
        "筚路蓝缕（又作荜路蓝缕），以启山林。",
    ),
    ("YXC1", "采购办公傢具一批。", "傢具", "家具", "minor", "千伏输电线路建成投运。"),
    ("YXC2", "学校座落在山脚下。", "座落", "坐落", "minor", "系列讲座落幕。"),
    ("XDHY", "截止2024年底，全市完成改造。", "截止", "截至", "major", "报名截止日期为3月1日。"),
    ("TGHZB", "保护歴史文化街区。", "歴", "历", "minor", "毕昇发明活字印刷，哪吒闹海。"),
]


@pytest.mark.parametrize(
    ("key", "planted", "term", "suggestion", "severity", "kept"),
    CASES,
    ids=[f"{c[0]}-{c[2]}" for c in CASES],
)
def test_every_source_finds_its_typo_and_keeps_the_right_use(
    check, key, planted, term, suggestion, severity, kept
):
    (found,) = check(planted)
    assert (found.details["term"], found.details["suggestion"]) == (term, suggestion)
    assert found.severity == severity
    assert found.details["note"].startswith(key)
    assert check(kept) == []


def test_variant_characters_are_found_in_running_text_and_beside_digits(check):
    """One-character entries are found by their own scan (not the automaton): in a sentence, at
    the edges of a line, next to digits and outside the basic CJK block."""
    text = "歴年数据\n2024年煑饭\n𠪱史"
    assert sorted(f.details["term"] for f in check(text)) == ["歴", "煑", "𠪱"]


@pytest.mark.parametrize(
    "text",
    [
        "破除清规戒律，轻装上阵。",  # 规戒 (listed) inside an idiom: 清规|戒律
        "指导学生写好记叙文。",  # 叙文 (listed): 记叙|文
        "战乱使百姓永无宁日。",  # 无宁
        "南斯拉夫前领导人普拉夫希奇。",  # 希奇 inside a transliterated name
        "1000千伏输电线路。",  # 伏输 across 千伏|输电
        "三星堆、濛溪河等遗址入选。",  # a site's name in a 繁体字: the table's 繁体字 are not listed
        "毕昇、陶喆、王淼、哪吒、大阪。",  # 异体字 the table makes 规范字 for names and places
        "不得复制、摹仿、翻译他人注册的商标。",  # 商标法's wording: 摹仿 left out
        "将建设工程支解以后以分包的名义转包。",  # 民法典 art. 791: 支解 left out
        "原由市发展改革委承担的职责划入市数据局。",  # 原|由: 原由 left out
        "定船、定线、定货的船舶可以定期报告。",  # 定|货: 定货 left out
    ],
)
def test_correct_text_around_listed_and_left_out_forms_stays_clean(check, text):
    """Correct text around listed forms (split by the tokenizer) and around the forms each
    file's header leaves out because of such text."""
    assert check(text) == []


def test_a_served_page_audited_shows_variant_forms_as_hints_in_every_output(tmp_path):
    """The real CLI over a page on 127.0.0.1: the 异形词 and 异体字 it holds (one outside the
    basic CJK block) are 提示 in findings.json, the xlsx and the html; its names stay clean."""
    body = (
        "<p>保护歴史文化街区，群众按纳不住喜悦。𠪱代碑刻。</p>"
        "<p>毕昇发明活字印刷；筚路蓝缕，以启山林；1000千伏输电线路建成。</p>"
    )
    html = (
        "<html><head><meta charset='utf-8'><title>工作动态</title></head><body>"
        f"<h1>文化遗产保护工作动态</h1><div>发布日期：2026-11-20</div>{body}</body></html>"
    )
    out = tmp_path / "out"
    with SiteServer({"/": Reply(html)}) as site:
        command = [
            sys.executable,
            "-m",
            "govaudit.cli",
            "audit",
            f"{site.url}/",
            "--out",
            str(out),
            "--db",
            str(tmp_path / "a.db"),
            "--as-of",
            "2026-12-01",
            "--quiet",
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    typos = {
        f["term"]: f for f in valid_findings(out / "findings.json") if f["check"] == "wrong_word"
    }
    assert {t: (f["suggestion"], f["severity"]) for t, f in typos.items()} == {
        "歴": ("历", "minor"),
        "按纳": ("按捺", "minor"),
        "𠪱": ("历", "minor"),
    }
    sheet = openpyxl.load_workbook(out / "整改清单.xlsx")["问题清单"]
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert all(f"“{t}”应为“{f['suggestion']}”" in cells for t, f in typos.items())
    # each row names its source as staff read it (wordlists/sources.tsv), not a key
    assert "依据：国务院《通用规范汉字表》（国发〔2013〕23号" in cells
    assert "依据：教育部、国家语言文字工作委员会《第一批异形词整理表》" in cells
    report = lxml.html.fromstring((out / "report.html").read_text(encoding="utf-8"))
    marked = {
        m.text_content()
        for f in typos.values()
        for m in report.get_element_by_id(f"f-{f['id']}").iter("mark")
    }
    assert marked == set(typos)
