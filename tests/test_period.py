"""The period report (`govaudit report --period`): the periods it reads, the figures it sums from
a real store of several audits, the .docx and .xlsx opened back, and the roll-up of two sites."""

from __future__ import annotations

from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from reports_store import HOSTILE_TITLES, SITE, broken, empty, make_audit, new_store, stale, word

from govaudit.checks.judge import judge
from govaudit.cli import main
from govaudit.core.config import ConfigError
from govaudit.reports.period import Tally, parse_period, period_summary

A = broken(f"{SITE}/a.html")
B = stale("工作动态", 30)
C = empty("专题")
D = word("杜家豪")
E = broken(f"{SITE}/e.html")
REPORT = {
    "bureau": "示例市政务公开办公室",
    "departments": [{"column": "工作动态", "department": "宣传科"}],
}


def store_of_a_quarter(tmp_path):
    store = new_store(tmp_path)
    make_audit(store, [A, E], as_of=date(2026, 9, 20), report=REPORT)  # before the quarter
    make_audit(store, [A, B], as_of=date(2026, 10, 9), report=REPORT)  # E fixed
    make_audit(store, [B, C], as_of=date(2026, 11, 6), report=REPORT)  # A fixed
    make_audit(store, [C, D], as_of=date(2026, 12, 4), report=REPORT)  # B fixed
    make_audit(store, [A], as_of=date(2027, 1, 8), report=REPORT)  # after it
    hostile = stale(HOSTILE_TITLES[1], 30)  # a column named like a formula
    make_audit(store, [hostile], as_of=date(2026, 11, 2), site="另一局")
    return store


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "2026年第四季度"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024年2月"),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "2026年"),
    ],
)
def test_periods(text, start, end, label):
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "26-Q1", "Q4", "2026-4"])
def test_bad_periods_are_one_line(text):
    with pytest.raises(ConfigError, match="--period"):
        parse_period(text)


def test_a_quarter_sums_its_audits(tmp_path):
    store = store_of_a_quarter(tmp_path)
    summary = period_summary(store, "示例局", parse_period("2026-Q4"), judge)
    store.close()
    assert [a.as_of for a in summary.audits] == ["2026-10-09", "2026-11-06", "2026-12-04"]
    assert [a.verdict for a in summary.audits] == [
        "无法判定",
        "无法判定",
        "否决",
    ]  # no homepage to date; D is a 严重表述错误
    # found A B C D; new B C D (A was seen in September); fixed E A B; open C D
    assert summary.total == Tally(found=4, new=3, fixed=3, open=2)
    columns = dict(summary.by_column)
    assert columns["工作动态"] == Tally(found=2, new=2, fixed=1, open=1)
    assert columns["专题"] == Tally(found=1, new=1, fixed=0, open=1)
    assert columns["（未归属栏目）"] == Tally(found=1, new=0, fixed=2, open=0)
    departments = dict(summary.by_department)
    assert departments["宣传科"] == Tally(found=2, new=2, fixed=1, open=1)


def test_the_command_writes_docx_xlsx_and_the_rollup(tmp_path, capsys):
    store_of_a_quarter(tmp_path).close()
    out = tmp_path / "out"
    argv = ["report", "--db", str(tmp_path / "audits.db"), "--out", str(out)]
    assert main([*argv, "--period", "2026-Q4"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "监测报告-另一局-2026-Q4.docx",
        "监测报告-另一局-2026-Q4.xlsx",
        "监测报告-示例局-2026-Q4.docx",
        "监测报告-示例局-2026-Q4.xlsx",
        "监测汇总-2026-Q4.docx",
    ]
    document = Document(out / "监测报告-示例局-2026-Q4.docx")
    lines = [p.text for p in document.paragraphs]
    assert lines[0] == "示例局网站监测情况报告（2026年第四季度）"
    assert "共完成审计 3 次，总体结论依次为：无法判定→无法判定→否决" in lines[1]
    assert "共发现问题 4 条（其中本期新发现 3 条），已整改 3 条，期末仍待整改 2 条" in lines[1]
    trend = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert trend[1][:3] == ["#2", "2026-10-09", "无法判定"] and len(trend) == 4
    assert lines[-1] == "示例市政务公开办公室"
    wb = load_workbook(out / "监测报告-示例局-2026-Q4.xlsx")
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(values_only=True)}
    assert (summary["审计次数"], summary["发现问题"], summary["已整改"], summary["仍待整改"]) == (
        3,
        4,
        3,
        2,
    )
    columns = {r[0]: r[1:] for r in wb["按栏目"].iter_rows(min_row=2, values_only=True)}
    assert columns["工作动态"] == (2, 2, 1, 1)
    rollup = Document(out / "监测汇总-2026-Q4.docx")
    rows = [[c.text for c in row.cells] for row in rollup.tables[0].rows]
    assert rows[0] == [
        "站点",
        "审计次数",
        "最近结论",
        "发现问题",
        "其中新发现",
        "已整改",
        "仍待整改",
    ]
    assert rows[1] == ["示例局", "3", "否决", "4", "3", "3", "2"]
    assert rows[2][:3] == ["另一局", "1", "无法判定"]
    assert "最近一次审计结论为否决的：示例局" in rollup.paragraphs[1].text
    assert "示例局（2026年第四季度）：审计 3 次" in capsys.readouterr().out
    other = load_workbook(out / "监测报告-另一局-2026-Q4.xlsx")["按栏目"]
    cell = other.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value == "'" + HOSTILE_TITLES[1]  # text, not a formula


def test_a_period_without_audits_or_with_audit_is_one_line(tmp_path, capsys):
    store_of_a_quarter(tmp_path).close()
    argv = ["report", "--db", str(tmp_path / "audits.db"), "--out", str(tmp_path / "o")]
    assert main([*argv, "--period", "2025-Q1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "2025年第一季度（2025-Q1）没有完成的审计" in err[0]
    assert main([*argv, "--period", "2026-Q4", "--audit", "2"]) == 2
    assert capsys.readouterr().err.strip() == "govaudit: --period 与 --audit 不能同时使用"


def profile_of(tmp_path, names: dict[str, str]):
    """A multi-site profile whose sites' display names are `names` (key -> name)."""
    path = tmp_path / "区县.toml"
    path.write_text(
        "".join(
            f'[sites.{key}.site]\nname = "{name}"\nstart_urls = ["http://127.0.0.1:9/{key}/"]\n'
            for key, name in names.items()
        ),
        encoding="utf-8",
    )
    return path


def test_a_profile_chooses_the_sites_of_the_rollup(tmp_path, capsys):
    store = store_of_a_quarter(tmp_path)
    make_audit(store, [E], as_of=date(2026, 12, 1), site="第三局")
    store.close()
    profile = profile_of(tmp_path, {"sjj": "示例局", "dsj": "第三局", "wsj": "未审局"})
    out = tmp_path / "out"
    argv = ["report", "--db", str(tmp_path / "audits.db"), "--out", str(out)]
    assert main([*argv, "--period", "2026-Q4", "--profile", str(profile)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "监测报告-示例局-2026-Q4.docx",
        "监测报告-示例局-2026-Q4.xlsx",
        "监测报告-第三局-2026-Q4.docx",
        "监测报告-第三局-2026-Q4.xlsx",
        "监测汇总-区县-2026-Q4.docx",  # 另一局 is in the store, not in the profile
    ]
    rollup = Document(out / "监测汇总-区县-2026-Q4.docx")
    rows = [[c.text for c in row.cells] for row in rollup.tables[0].rows]
    assert len(rollup.tables) == 1 and [r[0] for r in rows[1:]] == ["示例局", "第三局", "未审局"]
    assert rows[1] == ["示例局", "3", "否决", "4", "3", "3", "2"]
    assert rows[2] == ["第三局", "1", rows[2][2], "1", "1", "0", "1"]
    assert rows[3] == ["未审局", "0", "无法判定（本期未审计）", "—", "—", "—", "—"]
    sentence = rollup.paragraphs[1].text
    assert "共监测网站 3 个（其中 1 个本期没有完成的审计：未审局，结论无法判定）" in sentence
    printed = capsys.readouterr().out
    assert "未审局（2026年第四季度）：本期没有完成的审计" in printed and "另一局" not in printed


def test_a_profile_mistake_is_one_line(tmp_path, capsys):
    store_of_a_quarter(tmp_path).close()
    argv = ["report", "--db", str(tmp_path / "audits.db"), "--out", str(tmp_path / "o")]
    nobody = profile_of(tmp_path, {"a": "甲局", "b": "乙局"})
    assert main([*argv, "--period", "2026-Q4", "--profile", str(nobody)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"govaudit: {nobody} 中的站点：2026年第四季度（2026-Q4）没有完成的审计"
        "（数据库中有：示例局、另一局）"
    ]
    single = tmp_path / "one.toml"
    single.write_text('[site]\nstart_urls = ["http://127.0.0.1:9/"]\n', encoding="utf-8")
    assert main([*argv, "--period", "2026-Q4", "--profile", str(single)]) == 2
    assert "不是多站点配置" in capsys.readouterr().err
    assert main([*argv, "--profile", str(nobody)]) == 2
    assert "--profile 需与 --period 一起使用" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()  # nothing written on a mistake
