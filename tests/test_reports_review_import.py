"""The review round trip: staff fill the real xlsx, `import_reviews` reads it back, all or nothing."""

from datetime import date

import pytest
from openpyxl import load_workbook
from reports_store import SITE, broken, make_audit, new_store, word

from govaudit.checks.judge import judge
from govaudit.reports import report_settings, write_reports
from govaudit.reports.history import audit_history
from govaudit.reports.review_import import ReviewImportError, import_reviews
from govaudit.reports.xlsx import LIST_COLUMNS

SETTINGS = report_settings({})


@pytest.fixture
def audited(tmp_path):
    store = new_store(tmp_path)
    findings = [word("杜家豪"), broken(f"{SITE}/a.pdf"), broken(f"{SITE}/b.pdf")]
    audit = make_audit(store, findings, as_of=date(2024, 3, 1))
    paths, _ = write_reports(store, audit, tmp_path / "out", SETTINGS, judge)
    return store, audit, findings, paths[0]


def fill(path, decisions, sheet="问题清单"):
    """Write staff decisions {finding_id: (status, note)} into the workbook, like Excel would."""
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    id_col, status_col, note_col = (header.index(h) for h in ("问题编号", "整改状态", "整改说明"))
    for row in ws.iter_rows(min_row=2):
        fid = row[id_col].value
        if fid in decisions:
            row[status_col].value, row[note_col].value = decisions[fid]
    wb.save(path)
    return wb


def test_import_then_next_audit_suppresses_and_reopens(audited, tmp_path):
    store, audit, (fp, fixed, other), xlsx = audited
    fill(xlsx, {fp.id: ("误报", "人名无误"), fixed.id: ("已整改", "已删除该链接")})
    result = import_reviews(store, xlsx)
    assert (result.audit_id, result.written, result.unchanged) == (audit, 2, 0)
    reviews = store.latest_reviews()
    assert reviews[fp.id]["status"] == "误报" and reviews[fixed.id]["note"] == "已删除该链接"
    assert import_reviews(store, xlsx).written == 0  # the same file again changes nothing

    nxt = make_audit(store, [fp, fixed, other], as_of=date(2024, 4, 1))
    history = audit_history(store, nxt, store.findings(nxt))
    assert {k: s.state for k, s in history.states.items()} == {
        fp.id: "suppressed",
        fixed.id: "reopened",
        other.id: "open",
    }


def test_a_list_whose_stated_size_is_wrong_is_read_whole(audited, tmp_path):
    # The workbook is read in openpyxl's read-only mode, which trusts each sheet's
    # <dimension>: a writer that leaves a stale one (A1:A1 here) must not hide the rows.
    import re
    import zipfile

    store, audit, (fp, fixed, _), xlsx = audited
    fill(xlsx, {fp.id: ("误报", "人名无误"), fixed.id: ("已整改", "已删除该链接")})
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(stale, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:A1"/>', data)
            dst.writestr(item, data)
    result = import_reviews(store, stale)
    assert (result.audit_id, result.written) == (audit, 2)
    assert store.latest_reviews()[fixed.id]["note"] == "已删除该链接"


def test_regenerated_list_shows_the_imported_decisions(audited, tmp_path):
    store, audit, (fp, fixed, _), xlsx = audited
    fill(xlsx, {fixed.id: ("暂不整改", "-外链，待对方恢复")})
    import_reviews(store, xlsx)
    paths, _ = write_reports(store, audit, tmp_path / "again", SETTINGS, judge)
    ws = load_workbook(paths[0])["问题清单"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[-1] == fixed.id)
    assert row[header.index("整改状态")] == "暂不整改"
    assert row[header.index("整改说明")] == "'-外链，待对方恢复"  # staff text is neutralised too
    again = import_reviews(store, paths[0])  # the regenerated list reads back as it was
    assert (again.written, again.unchanged) == (0, 1)


def test_note_without_status_is_kept_and_lifts_a_false_positive(audited, tmp_path):
    store, audit, (fp, *_), xlsx = audited
    fill(xlsx, {fp.id: ("误报", "")})
    import_reviews(store, xlsx)
    paths, _ = write_reports(store, audit, tmp_path / "again", SETTINGS, judge)
    fill(paths[0], {fp.id: (None, "复核后确认是错别字")}, sheet="已标记误报")
    assert import_reviews(store, paths[0]).written == 1
    assert store.latest_reviews()[fp.id] == {**store.latest_reviews()[fp.id], "status": ""}
    history = audit_history(store, audit, store.findings(audit))
    assert history.states[fp.id].state == "new"


def _assert_fails(store, path, *fragments):
    before = store.latest_reviews()
    with pytest.raises(ReviewImportError) as err:
        import_reviews(store, path)
    message = str(err.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    assert store.latest_reviews() == before  # nothing written


def test_unknown_status_names_sheet_and_row(audited):
    store, _, (fp, fixed, other), xlsx = audited
    wb = fill(xlsx, {fp.id: ("误报", ""), fixed.id: ("已整改", ""), other.id: ("已修复", "")})
    row = next(r[0].row for r in wb["问题清单"].iter_rows(min_row=2) if r[-1].value == other.id)
    _assert_fails(store, xlsx, f"问题清单 第 {row} 行", "「已修复」", "已整改/误报/暂不整改")


def test_missing_column(audited):
    store, _, (fp, *_), xlsx = audited
    fill(xlsx, {fp.id: ("误报", "")})
    wb = load_workbook(xlsx)
    wb["问题清单"].delete_cols(12)  # 整改状态
    wb.save(xlsx)
    _assert_fails(store, xlsx, "工作表「问题清单」", "缺少「整改状态」列")


def test_unknown_finding_id(audited):
    store, _, (fp, fixed, _), xlsx = audited
    wb = fill(xlsx, {fp.id: ("误报", ""), fixed.id: ("已整改", "")})
    ws = wb["问题清单"]
    ws.cell(row=3, column=len(LIST_COLUMNS), value="broken_link-0000000000000000")
    ws.cell(row=3, column=12, value="已整改")
    wb.save(xlsx)
    _assert_fails(store, xlsx, "第 3 行", "broken_link-0000000000000000", "不是本次审计的问题")


def test_not_an_xlsx(audited, tmp_path):
    store, *_ = audited
    bogus = tmp_path / "整改清单.xlsx"
    bogus.write_text("序号,问题类型\n1,链接\n", encoding="utf-8")
    _assert_fails(store, bogus, "不是 xlsx 工作簿")
    _assert_fails(store, tmp_path / "missing.xlsx", "文件不存在")


def test_workbook_without_the_list_sheet(audited, tmp_path):
    store, *_ = audited
    from openpyxl import Workbook

    other = tmp_path / "other.xlsx"
    Workbook().save(other)
    _assert_fails(store, other, "问题清单", "govaudit 生成的整改清单")


def _row(path, fid, sheet="问题清单"):
    """{header: value} of the row of finding `fid`."""
    ws = load_workbook(path)[sheet]
    header = [c.value for c in ws[1]]
    values = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[-1] == fid)
    return dict(zip(header, values, strict=True))


def _copy(path, name):
    import shutil

    return shutil.copyfile(path, path.with_name(name))


def test_an_untouched_list_writes_nothing(audited):
    store, audit, (fp, *_), xlsx = audited
    assert _row(xlsx, fp.id)["导出版本"].startswith(f"{audit}/0/")
    result = import_reviews(store, xlsx)
    assert (result.written, result.unchanged, result.conflicts) == (0, 0, [])
    assert store.latest_reviews() == {}


def test_an_older_list_never_overwrites_a_newer_decision(audited):
    """The issue's case: a 误报 decided later came back as 暂不整改 when an old file was read."""
    store, _, (fp, fixed, _), xlsx = audited
    old = _copy(xlsx, "整改清单-科室甲.xlsx")
    fill(old, {fp.id: ("暂不整改", "待核实"), fixed.id: ("已整改", "")})
    assert import_reviews(store, old).written == 2
    # a day later, another copy of the same export is decided and saved
    store.db.execute("UPDATE reviews SET recorded = '2000-01-01T00:00:00+08:00'")
    store.db.conn.commit()
    fill(xlsx, {fp.id: ("误报", "人名无误")})
    assert import_reviews(store, xlsx).written == 1
    again = import_reviews(store, old)  # the old file once more: it saved before 误报 was made
    assert again.written == 0 and again.unchanged == 1  # fixed.id: as stored
    (conflict,) = again.conflicts
    assert fp.id in conflict and "保留较新的决定「误报」" in conflict and "暂不整改" in conflict
    assert "\n" not in conflict
    assert store.latest_reviews()[fp.id]["status"] == "误报"


def test_the_same_file_edited_again_after_an_import_is_newer(audited):
    store, _, (fp, *_), xlsx = audited
    fill(xlsx, {fp.id: ("暂不整改", "")})
    import_reviews(store, xlsx)
    # the import happened a minute before the staff saved the file again
    store.db.execute("UPDATE reviews SET recorded = '2000-01-01T00:00:00+08:00'")
    store.db.conn.commit()
    fill(xlsx, {fp.id: ("误报", "复核后确认")})
    result = import_reviews(store, xlsx)
    assert (result.written, result.conflicts) == (1, [])
    assert store.latest_reviews()[fp.id]["status"] == "误报"


def test_a_status_typed_into_the_tools_state_column_is_named(audited):
    """已整改 in 状态 instead of 整改状态 once gave "记录 0 条" and exit 0."""
    store, _, (fp, fixed, other), xlsx = audited
    wb = load_workbook(xlsx)
    ws = wb["问题清单"]
    header = [c.value for c in ws[1]]
    rows = {r[-1].value: r for r in ws.iter_rows(min_row=2)}
    rows[fp.id][header.index("状态")].value = "已整改"
    rows[fixed.id][header.index("整改时限")].value = "下周"
    rows[other.id][header.index("整改状态")].value = "误报"  # a good row: still not written
    wb.save(xlsx)
    with pytest.raises(ReviewImportError) as err:
        import_reviews(store, xlsx)
    problems = err.value.problems
    line = next(p for p in problems if fp.id not in p and "状态" in p and "已整改" in p)
    assert "「已整改」填在了「状态」列" in line and "「整改状态」列" in line
    assert any("整改时限「下周」不是日期" in p for p in problems)
    assert len(problems) == 2 and "2 处无法读取" in str(err.value)
    assert store.latest_reviews() == {}


def test_staff_columns_carry_over_to_the_next_audits_list(audited, tmp_path):
    store, audit, (fp, fixed, other), xlsx = audited
    wb = load_workbook(xlsx)
    ws = wb["问题清单"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[-1].value == other.id)
    row[header.index("责任科室")].value = "信息中心"
    row[header.index("整改时限")].value = date(2024, 5, 31)
    row[header.index("整改说明")].value = "已联系厂商修复"
    wb.save(xlsx)
    assert import_reviews(store, xlsx).written == 1
    stored = store.latest_reviews()[other.id]
    assert (stored["department"], stored["deadline"], stored["status"]) == (
        "信息中心",
        "2024-05-31",
        "",
    )
    nxt = make_audit(store, [fp, fixed, other], as_of=date(2024, 4, 1))
    paths, _ = write_reports(store, nxt, tmp_path / "next", SETTINGS, judge)
    shown = _row(paths[0], other.id)
    assert shown["责任科室"] == "信息中心" and shown["整改说明"] == "已联系厂商修复"
    assert shown["整改时限"].date() == date(2024, 5, 31)  # a real Excel date
    assert shown["导出版本"].startswith(f"{nxt}/{stored['revision']}/")
    untouched = _row(paths[0], fp.id)
    assert untouched["责任科室"] != "信息中心" and untouched["整改说明"] is None
    # the next list, left as it is, reads back without a write
    assert import_reviews(store, paths[0]).written == 0
