"""The review round trip: staff fill the real xlsx, `import_reviews` reads it back, all or nothing."""

from datetime import date

import pytest
from openpyxl import load_workbook
from reports_store import SITE, broken, make_audit, new_store, word

from reports import report_settings, write_reports
from reports.history import audit_history
from reports.review_import import ReviewImportError, import_reviews

SETTINGS = report_settings({})


@pytest.fixture
def audited(tmp_path):
    store = new_store(tmp_path)
    findings = [word("杜家豪"), broken(f"{SITE}/a.pdf"), broken(f"{SITE}/b.pdf")]
    audit = make_audit(store, findings, as_of=date(2024, 3, 1))
    paths, _ = write_reports(store, audit, tmp_path / "out", SETTINGS)
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


def test_regenerated_list_shows_the_imported_decisions(audited, tmp_path):
    store, audit, (fp, fixed, _), xlsx = audited
    fill(xlsx, {fixed.id: ("暂不整改", "-外链，待对方恢复")})
    import_reviews(store, xlsx)
    paths, _ = write_reports(store, audit, tmp_path / "again", SETTINGS)
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
    paths, _ = write_reports(store, audit, tmp_path / "again", SETTINGS)
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
    _assert_fails(
        store, xlsx, "sheet 问题清单 row", f"row {row}", "'已修复'", "已整改/误报/暂不整改"
    )


def test_missing_column(audited):
    store, _, (fp, *_), xlsx = audited
    fill(xlsx, {fp.id: ("误报", "")})
    wb = load_workbook(xlsx)
    wb["问题清单"].delete_cols(12)  # 整改状态
    wb.save(xlsx)
    _assert_fails(store, xlsx, "sheet 问题清单", "missing column 整改状态")


def test_unknown_finding_id(audited):
    store, _, (fp, fixed, _), xlsx = audited
    wb = fill(xlsx, {fp.id: ("误报", ""), fixed.id: ("已整改", "")})
    ws = wb["问题清单"]
    ws.cell(row=3, column=14, value="broken_link-0000000000000000")
    ws.cell(row=3, column=12, value="已整改")
    wb.save(xlsx)
    _assert_fails(store, xlsx, "row 3", "broken_link-0000000000000000", "not a finding of audit")


def test_not_an_xlsx(audited, tmp_path):
    store, *_ = audited
    bogus = tmp_path / "整改清单.xlsx"
    bogus.write_text("序号,问题类型\n1,链接\n", encoding="utf-8")
    _assert_fails(store, bogus, "not an xlsx workbook")
    _assert_fails(store, tmp_path / "missing.xlsx", "no such file")


def test_workbook_without_the_list_sheet(audited, tmp_path):
    store, *_ = audited
    from openpyxl import Workbook

    other = tmp_path / "other.xlsx"
    Workbook().save(other)
    _assert_fails(store, other, "问题清单", "govaudit 整改清单")
