"""整改清单.xlsx opened with openpyxl: structure, links, safety of untrusted cells, masking."""

import tempfile
import warnings
import zipfile
from dataclasses import replace
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from reports_store import HOSTILE_TITLES, RAW_ID, SITE, broken, make_audit, new_store, stale, word

from govaudit.checks.judge import judge
from govaudit.core.model import Finding
from govaudit.reports import build_listing, report_settings, write_reports
from govaudit.reports.xlsx import LIST_COLUMNS, safe_cell, write_xlsx

HEADERS = [name for name, _ in LIST_COLUMNS]


@pytest.fixture
def workbook(tmp_path):
    store = new_store(tmp_path)
    findings = [broken(f"{SITE}/x{i}.pdf", title=t) for i, t in enumerate(HOSTILE_TITLES)]
    findings += [
        word("杜家豪", context=f"联系人身份证 {RAW_ID} 杜家豪"),
        stale("工作动态", 40),
        Finding(
            id="mystery-1",
            check="mystery_check",
            severity="minor",
            page_url=f"{SITE}/m.html",
            title="未知检查",
            details={"foo": "=1+1", "items": [1, 2]},
        ),
    ]
    settings = report_settings(
        {
            "default_department": "信息中心",
            "departments": [
                {"prefix": f"{SITE}/zwgk/", "department": "办公室"},
                {"column": "工作动态", "department": "宣传科"},
            ],
        }
    )
    audit = make_audit(store, findings, as_of=date(2024, 3, 1))
    paths, _ = write_reports(store, audit, tmp_path / "out", settings, judge)
    xlsx = next(p for p in paths if p.suffix == ".xlsx")
    assert xlsx.name == "整改清单.xlsx"
    return load_workbook(xlsx)


def rows_by_id(ws):
    header = [c.value for c in ws[1]]
    out = {}
    for row in ws.iter_rows(min_row=2):
        values = dict(zip(header, row, strict=True))
        if values["问题编号"].value:
            out[values["问题编号"].value] = values
    return out


def column_width(ws, letter):
    """The width of a column, also when the file gives neighbours of one width as one range (as
    Excel and XlsxWriter do; openpyxl then files the range under its first letter only)."""
    index = column_index_from_string(letter)
    (width,) = [d.width for d in ws.column_dimensions.values() if d.min <= index <= d.max]
    return width


def test_sheets_and_list_columns(workbook):
    assert workbook.sheetnames == ["汇总", "问题清单", "已整改", "已标记误报", "引用页面", "预警"]
    ws = workbook["问题清单"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == f"A1:R{ws.max_row}"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape"
    # One page wide (fitToWidth's default, 1, is left out of the file), as many pages high as need be
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert column_width(ws, "Q") < 8  # 导出版本 and 问题编号: narrow, for the round trip
    assert column_width(ws, "R") < 8
    assert column_width(ws, "G") > 30  # 问题详情: wide and wrapped
    assert ws["G2"].alignment.wrap_text
    assert ws.max_row == 1 + len(HOSTILE_TITLES) + 3
    assert [c.value for c in ws["A"][1:4]] == [1, 2, 3]


def test_status_column_offers_the_three_review_choices(workbook):
    ws = workbook["问题清单"]
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"已整改,误报,暂不整改"'
    assert "L2" in str(validation.sqref)


def test_page_url_is_a_clickable_link(workbook):
    ws = workbook["问题清单"]
    cell = ws["F2"]
    assert cell.value.startswith(SITE)
    assert cell.hyperlink is not None and cell.hyperlink.target == cell.value


def test_hostile_titles_stay_plain_strings(workbook):
    ws = workbook["问题清单"]
    descriptions = {c.value for c in ws["D"][1:]}
    for cell in ws["D"][1:]:
        assert cell.data_type == "s", cell.value
        assert not str(cell.value).startswith(("=", "+", "-", "@", "\t", "\r"))
    assert '\'=HYPERLINK("http://evil","x")' in descriptions
    assert "'+cmd" in descriptions and "'@SUM(1)" in descriptions and "'-2+3" in descriptions
    assert "<script>alert(1)</script>" in descriptions  # harmless in a cell: text, not markup
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"


def test_safe_cell_rules():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("\r=1") == "'\r=1"
    assert safe_cell("普通文字=1") == "普通文字=1"
    assert safe_cell("bad\x00\x07chars") == "badchars"
    assert safe_cell(3) == 3


def test_personal_numbers_are_masked_everywhere(workbook):
    for sheet in workbook:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert RAW_ID not in str(value)
    details = [c.value for c in workbook["问题清单"]["G"][1:]]
    assert any("1101" in d and "4514" in d and "*" in d for d in details)


def test_details_department_deadline_and_status(workbook):
    rows = rows_by_id(workbook["问题清单"])
    link = next(r for fid, r in rows.items() if fid.startswith("broken_link"))
    assert link["问题类型"].value == "链接不可用"
    assert "HTTP 404" in link["问题详情"].value and "引用页面：2 个" in link["问题详情"].value
    assert link["责任科室"].value == "信息中心"  # default: page_url is the homepage
    assert link["状态"].value == "新发现" and link["首次发现"].value == datetime(2024, 3, 1)
    assert link["首次发现"].number_format == "yyyy-mm-dd"  # a real Excel date, shown as one
    assert link["整改时限"].value == datetime(
        2024, 3, 8
    )  # major: 5 working days after Friday 1 March
    words = rows["wrong_word-杜家豪"]
    assert words["责任科室"].value == "宣传科"  # the column rule beats the /zwgk/ prefix
    assert words["严重程度"].value == "严重" and words["整改时限"].value == datetime(2024, 3, 6)
    assert "问题用语：杜家豪 → 建议：杜家毫" in words["问题详情"].value
    mystery = rows["mystery-1"]
    assert mystery["问题类型"].value == "mystery_check"
    assert "foo：=1+1" in mystery["问题详情"].value and mystery["问题详情"].data_type == "s"
    assert mystery["整改时限"].value == datetime(2024, 3, 15)  # minor: 10 working days


def test_summary_sheet(workbook):
    ws = workbook["汇总"]
    facts = {r[0]: r[1] for r in ws.iter_rows(min_col=1, max_col=2, values_only=True) if r[0]}
    assert facts["站点"] == "示例局"
    assert facts["审计编号"] == 1 and facts["审计日期"] == datetime(2024, 3, 1)
    assert facts["抓取页面"] == 12 and facts["待整改问题"] == len(HOSTILE_TITLES) + 3
    assert facts["新发现"] == len(HOSTILE_TITLES) + 3 and facts["上次审计"] == "无（首次审计）"
    text = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert "严重表述错误（严重错别字、敏感表述）" in text and "否决" in text
    assert any(t.startswith("检查指标单项否决项自查：否决") for t in text)
    assert "链接不可用" in text and "未检查" in text


def test_an_audit_without_findings_still_gives_both_reports(tmp_path):
    store = new_store(tmp_path)
    audit = make_audit(store, [], status="failed")
    paths, data = write_reports(store, audit, tmp_path / "out", report_settings({}), judge)
    wb = load_workbook(paths[0])
    assert wb.active.title == "汇总" and wb["问题清单"].max_row == 1
    # a failed audit (nothing reached) found nothing, and passes nothing (issue 17)
    assert data.verdict == "无法判定" and "没有待整改问题" in paths[1].read_text("utf-8")
    assert wb.active["A2"].value == "审计不完整，总体结论：无法判定"


def test_rows_are_as_high_as_their_longest_wrapped_cell():
    """Printed lists need explicit heights: unfitted wrapped rows print one line high."""
    from govaudit.reports.xlsx import _row_height

    one_line = _row_height(["链接不可用", "404"], [11, 10])
    detail = "链接地址：http://127.0.0.1/a.html\n访问结果：HTTP 404\n引用页面：3 个"
    three_lines = _row_height(["链接不可用", detail], [11, 42])
    wrapped = _row_height(["很长的问题描述" * 10, ""], [30, 10])  # 140 width units in 29
    assert one_line < three_lines < wrapped


def test_every_referring_page_of_a_broken_link_is_listed_and_clickable(tmp_path):
    """Only the first referring page and "引用页面：3 个" were shown; the rest was in JSON only."""
    store = new_store(tmp_path)
    many = broken(f"{SITE}/gone.pdf")
    pages = [f"{SITE}/zwgk/{i}.html" for i in range(30)]
    many = Finding(**{**many.__dict__, "details": {**many.details, "source_pages": pages}})
    few = broken(f"{SITE}/old.doc")
    audit = make_audit(store, [many, few])
    paths, _ = write_reports(store, audit, tmp_path / "out", report_settings({}), judge)
    wb = load_workbook(paths[0])
    rows = rows_by_id(wb["问题清单"])
    detail = rows[many.id]["问题详情"]
    assert detail.hyperlink.target == f"{SITE}/gone.pdf"  # the broken URL, one click away
    assert "引用页面：30 个" in detail.value and pages[19] in detail.value
    assert pages[20] not in detail.value and "全部见「引用页面」工作表" in detail.value
    assert all(p in rows[few.id]["问题详情"].value for p in few.details["source_pages"])
    ws = wb["引用页面"]
    assert [c.value for c in ws[1]] == ["序号", "问题类型", "问题地址", "引用页面", "问题编号"]
    listed = [r for r in ws.iter_rows(min_row=2) if r[4].value == many.id]
    assert [r[3].value for r in listed] == pages  # every one, in order
    assert all(r[3].hyperlink.target == r[3].value for r in listed)
    assert listed[0][2].hyperlink.target == f"{SITE}/gone.pdf"
    assert ws.max_row == 1 + 30 + 2


def test_a_sheet_links_no_more_addresses_than_excel_keeps(tmp_path, capfd):
    """Excel keeps 65,530 hyperlinks in a worksheet, and XlsxWriter drops more with a warning on
    stderr: the later addresses stay in their cells as text, and nothing reaches the terminal."""
    store = new_store(tmp_path)
    pages = [f"{SITE}/zwgk/{i}.html" for i in range(33_000)]  # 66,000 links in 引用页面
    many = broken(f"{SITE}/gone.pdf")
    many = Finding(**{**many.__dict__, "details": {**many.details, "source_pages": pages}})
    audit = make_audit(store, [many])
    data = build_listing(store, audit, report_settings({}), judge)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would fail here, not scroll past the user
        path = write_xlsx(data, tmp_path)
    assert capfd.readouterr().err == ""
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        links = sorted(archive.read(n).decode().count("<hyperlink ") for n in sheets)
    assert links == [0, 0, 0, 0, 2, 65_530]  # 问题清单: the page and the broken link
    ws = load_workbook(path, read_only=True)["引用页面"]
    listed = [row[3] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert listed == pages  # every address, the unlinked ones as text


@pytest.mark.parametrize("max_rows, shown", [(12, 10), (31, 30)])
def test_referring_pages_past_the_last_row_are_counted_not_dropped(
    tmp_path, monkeypatch, max_rows, shown
):
    """XlsxWriter silently drops rows past a sheet's 1,048,576th; 引用页面 can get there (every
    referring page a row): its last row then says how many more findings.json holds. The limit
    is lowered here, the sheet's logic is the same."""
    monkeypatch.setattr("govaudit.reports.xlsx_sheet.MAX_ROWS", max_rows)
    store = new_store(tmp_path)
    pages = [f"{SITE}/zwgk/{i}.html" for i in range(30)]
    many = broken(f"{SITE}/gone.pdf")
    many = Finding(**{**many.__dict__, "details": {**many.details, "source_pages": pages}})
    audit = make_audit(store, [many])
    path = write_xlsx(build_listing(store, audit, report_settings({}), judge), tmp_path)
    rows = list(load_workbook(path, read_only=True)["引用页面"].iter_rows(values_only=True))
    assert len(rows) == max_rows
    assert [r[3] for r in rows[1 : shown + 1]] == pages[:shown]
    notes = [r[2] for r in rows if r[2] and "超出" in r[2]]
    assert notes == (
        [f"……另有 {30 - shown} 个引用页面超出 Excel 的行数上限，全部见 findings.json"]
        if shown < 30
        else []
    )


def test_a_failed_write_leaves_the_last_list_whole(tmp_path, monkeypatch):
    """The workbook is moved into place complete: a write that fails half way (here a value no
    cell can hold, as a bug would pass) leaves the previous 整改清单.xlsx, no part file, and
    none of the rows' temporary files."""
    store = new_store(tmp_path)
    audit = make_audit(store, [broken(f"{SITE}/a.pdf")])
    data = build_listing(store, audit, report_settings({}), judge)
    out, temp = tmp_path / "out", tmp_path / "temp"
    out.mkdir()
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # what TMPDIR sets, for this test only
    path = write_xlsx(data, out)
    written = path.read_bytes()
    bad = replace(data, open_rows=[replace(data.open_rows[0], times_seen=object())])
    with pytest.raises(TypeError):
        write_xlsx(bad, out)
    assert [p.name for p in out.iterdir()] == ["整改清单.xlsx"] and path.read_bytes() == written
    assert not list(temp.iterdir())


def test_the_rows_temporary_files_stay_beside_the_list_not_in_tmpdir(tmp_path, monkeypatch):
    """TMPDIR is often RAM (tmpfs): the constant-memory rows go to a hidden folder beside the
    list, removed once it is written. With a TMPDIR that does not exist the list is written."""
    store = new_store(tmp_path)
    audit = make_audit(store, [broken(f"{SITE}/a.pdf"), word("杜家豪")])
    data = build_listing(store, audit, report_settings({}), judge)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-dir"))
    path = write_xlsx(data, out)
    assert [p.name for p in out.iterdir()] == ["整改清单.xlsx"]
    assert load_workbook(path, read_only=True).sheetnames
