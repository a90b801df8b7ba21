"""`govaudit report`, `audits` and `review import` through `govaudit.cli.main`: outputs, exit codes."""

import json
from datetime import date, datetime

from openpyxl import load_workbook
from reports_store import SITE, broken, make_audit, new_store, word

from govaudit.checks.judge import judge
from govaudit.cli import main


def store_with_two_audits(tmp_path):
    store = new_store(tmp_path)
    a, b = broken(f"{SITE}/a.pdf"), word("杜家豪")
    first = make_audit(store, [a, b], as_of=date(2024, 3, 1))
    second = make_audit(
        store,
        [b],
        as_of=date(2024, 4, 1),
        report={"default_department": "办公室", "deadline_days": {"critical": 2}},
    )
    store.close()
    return tmp_path / "audits.db", first, second, (a, b)


def test_report_regenerates_every_output_of_the_latest_audit(tmp_path, capsys):
    db, _, second, (a, b) = store_with_two_audits(tmp_path)
    out = tmp_path / "out"
    assert main(["report", "--db", str(db), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "findings.json",
        "report.html",
        "warnings.json",
        "整改清单.xlsx",
        "整改通知书.docx",
    ]
    assert [f["id"] for f in json.loads((out / "findings.json").read_text("utf-8"))] == [b.id]
    ws = load_workbook(out / "整改清单.xlsx")["问题清单"]
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[header.index("责任科室")] == "办公室"  # the stored audit's [report] settings
    assert row[header.index("整改时限")] == datetime(2024, 4, 3)  # critical: 2 working days
    assert row[header.index("状态")] == "持续存在（自2024-03-01）"
    shown = capsys.readouterr().out
    assert "检查指标单项否决项：否决" in shown and "整改清单.xlsx" in shown


def test_report_of_an_older_audit(tmp_path):
    db, first, _, (a, b) = store_with_two_audits(tmp_path)
    out = tmp_path / "old"
    assert main(["report", "--db", str(db), "--audit", str(first), "--out", str(out)]) == 0
    ids = {f["id"] for f in json.loads((out / "findings.json").read_text("utf-8"))}
    assert ids == {a.id, b.id}


def test_audits_lists_the_store(tmp_path, capsys):
    db, *_ = store_with_two_audits(tmp_path)
    assert main(["audits", "--db", str(db)]) == 0
    shown = capsys.readouterr().out
    assert "示例局" in shown and "2024-03-01" in shown and "2024-04-01" in shown
    assert "已完成" in shown and "finished" not in shown


def test_review_import_round_trip(tmp_path, capsys):
    db, _, second, (a, b) = store_with_two_audits(tmp_path)
    out = tmp_path / "out"
    assert main(["report", "--db", str(db), "--out", str(out)]) == 0
    xlsx = out / "整改清单.xlsx"
    wb = load_workbook(xlsx)
    wb["问题清单"]["L2"] = "误报"
    wb.save(xlsx)
    assert main(["review", "import", str(xlsx), "--db", str(db)]) == 0
    assert "记录整改情况 1 条" in capsys.readouterr().out
    assert main(["report", "--db", str(db), "--out", str(out)]) == 0
    assert load_workbook(xlsx)["已标记误报"]["R2"].value == b.id


def test_user_errors_are_one_line_and_exit_2(tmp_path, capsys):
    db, *_ = store_with_two_audits(tmp_path)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    cases = [
        (["report", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path)], "文件不存在"),
        (["report", "--db", str(db), "--audit", "99", "--out", str(tmp_path)], "--audit 99"),
        (["report", "--db", str(db)], "--out"),
        (["audits"], "--db"),
        (["review"], "review import"),
        (["review", "import", str(bad), "--db", str(db)], "不是 xlsx 工作簿"),
    ]
    for argv, fragment in cases:
        capsys.readouterr()
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert err.startswith("govaudit: ") and fragment in err and "\n" not in err, err
    assert not (tmp_path / "none.db").exists()  # a wrong --db never creates a store


def test_every_command_has_help(capsys):
    for argv in (["report"], ["audits"], ["review"], ["review", "import"]):
        try:
            main([*argv, "--help"])
        except SystemExit as e:
            assert e.code == 0
        assert "用法：govaudit" in capsys.readouterr().out


def test_a_bad_report_section_stops_the_audit_before_any_request(tmp_path, capsys):
    profile = tmp_path / "site.toml"
    profile.write_text(
        '[site]\nstart_urls = ["http://127.0.0.1:9/"]\n[report]\ndeadline_days = {major = 0}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["audit", "--config", str(profile), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "govaudit: report.deadline_days.major 应为正整数"
    assert not out.exists()


def test_version_is_the_installed_one(capsys):
    from importlib.metadata import version

    try:
        main(["--version"])
    except SystemExit as e:
        assert e.code == 0
    assert capsys.readouterr().out == f"govaudit {version('govaudit')}\n"


def test_review_import_names_every_unreadable_row_and_exits_2(tmp_path, capsys):
    db, *_ = store_with_two_audits(tmp_path)
    out = tmp_path / "out"
    assert main(["report", "--db", str(db), "--out", str(out)]) == 0
    xlsx = out / "整改清单.xlsx"
    wb = load_workbook(xlsx)
    ws = wb["问题清单"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("状态") + 1, value="已整改")
    wb.save(xlsx)
    capsys.readouterr()
    assert main(["review", "import", str(xlsx), "--db", str(db)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert lines[0].startswith("govaudit: 整改清单.xlsx：1 处无法读取，未导入任何内容")
    assert "问题清单 第 2 行：「已整改」填在了「状态」列" in lines[1]
    assert "记录" not in captured.out and "Traceback" not in captured.err


def test_review_import_lists_conflicts_one_line_each(tmp_path, capsys):
    import shutil

    db, *_ = store_with_two_audits(tmp_path)
    out = tmp_path / "out"
    assert main(["report", "--db", str(db), "--out", str(out)]) == 0
    xlsx = out / "整改清单.xlsx"
    old = shutil.copyfile(xlsx, tmp_path / "old.xlsx")
    wb = load_workbook(old)
    wb["问题清单"]["L2"] = "暂不整改"
    wb.save(old)
    wb = load_workbook(xlsx)
    wb["问题清单"]["L2"] = "误报"
    wb.save(xlsx)
    assert main(["review", "import", str(xlsx), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["review", "import", str(old), "--db", str(db)]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert "记录整改情况 0 条" in shown[0] and "冲突 1 条（保留较新的决定）" in shown[0]
    assert shown[1].startswith("  冲突：问题清单 第 2 行") and shown[1].endswith("」")
    assert "「误报」" in shown[1] and len(shown) == 2


def _summary_facts(xlsx) -> dict:
    ws = load_workbook(xlsx)["汇总"]
    return {r[0]: r[1] for r in ws.iter_rows(min_col=1, max_col=2, values_only=True) if r[0]}


def test_the_console_counts_are_the_reports_counts_after_reviews(tmp_path, capsys):
    """The console once said 问题 45 条 where the xlsx and html said 44 after a 误报."""
    import re

    from reports_store import empty
    from rich.console import Console

    from govaudit.audit import AuditResult
    from govaudit.console import print_summary
    from govaudit.reports import build_listing, report_settings

    store = new_store(tmp_path)
    a, b, c = broken(f"{SITE}/a.pdf"), word("杜家豪"), empty("专题专栏")
    make_audit(store, [a, b], as_of=date(2024, 3, 1))
    second = make_audit(store, [b, c], as_of=date(2024, 4, 1))
    store.add_reviews(second, [(c.id, "误报", "页面脚本加载，非空白")])
    listing = build_listing(store, second, report_settings({}), judge)
    store.close()
    console = Console(file=__import__("io").StringIO(), width=200)
    result = AuditResult(second, [b, c], {"pages": 3}, [], True, tuple(listing.score), listing)
    print_summary(result, console)
    shown = console.file.getvalue()
    assert "待整改问题 1 条：新发现 0，持续存在 1，重新出现 0；已整改 1，已标记误报 1" in shown
    assert "与上次审计（#1，2024-03-01）比较" in shown
    table = shown.split("检查指标单项否决项")[0]
    assert "空白栏目" not in table  # the 误报 is in no count of the table either
    assert "空白栏目（有栏目无内容）                                 │ 0 个" in shown
    assert "严重（单项否决）" not in shown and "属单项否决类的问题条数" in shown

    db, out = tmp_path / "audits.db", tmp_path / "out"
    capsys.readouterr()
    assert main(["report", "--db", str(db), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    facts = _summary_facts(out / "整改清单.xlsx")
    html = (out / "report.html").read_text(encoding="utf-8")
    total = int(re.search(r"待整改问题 (\d+) 条", printed).group(1))
    assert total == facts["待整改问题"] == 1
    assert "待整改 1 条" in html
    for label, key in (
        ("新发现", "新发现"),
        ("持续存在", "持续存在"),
        ("已标记误报", "已标记误报"),
    ):
        assert f"{label} {facts[key]}" in printed
