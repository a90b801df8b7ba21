"""The 整改通知书 opened with python-docx: who sends it, the date, the verdict as far as the
audit saw, the problems by department and column with their deadlines and links, the reply
table, one notice per mapped department with its rows only, the 公文 look (fonts and their
fallbacks, A4 margins, page numbers), and hostile page text kept as inert text."""

from __future__ import annotations

from datetime import date

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from reports_store import HOSTILE_TITLES, RAW_ID, SITE, broken, make_audit, new_store, stale, word

from govaudit.checks.judge import judge
from govaudit.reports import build_listing, report_settings, write_reports

REPORT = {
    "bureau": "示例市政务公开办公室",
    "default_department": "办公室",
    "departments": [{"column": "工作动态", "department": "宣传科"}],
}


def written(tmp_path, findings, report=REPORT, status="finished", counters=None):
    store = new_store(tmp_path)
    make_audit(store, [broken(f"{SITE}/fixed.html")], as_of=date(2024, 2, 1), report=report)
    audit = make_audit(store, findings, report=report, status=status)
    if counters:
        store.finish_audit(audit, status, counters)
    paths, _ = write_reports(store, audit, tmp_path / "out", report_settings(report), judge)
    store.close()
    return {p.name: p for p in paths}


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def cells(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def links(document) -> list[str]:
    return [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]


def problems():
    return [
        broken(f"{SITE}/gone.pdf", "critical"),
        stale("工作动态", 30),
        word("杜家豪", context=f"联系电话 {RAW_ID}"),
    ]


def test_the_notice_names_the_bureau_the_date_the_verdict_and_every_problem(tmp_path):
    paths = written(tmp_path, problems())
    assert {"整改通知书.docx", "整改通知书-办公室.docx", "整改通知书-宣传科.docx"} <= set(paths)
    document = Document(paths["整改通知书.docx"])
    lines = texts(document)
    assert lines[0] == "关于示例局网站问题整改的通知"
    assert lines[1] == "各相关科室（单位）："
    opening = lines[2]
    assert "示例市政务公开办公室于2024年3月1日对示例局" in opening
    assert "总体结论为“否决”，本次监测覆盖整个网站" in opening
    assert (
        "待整改问题共 3 条（新发现 3 条、持续存在 0 条、重新出现 0 条），其中严重问题 2 条"
        in opening
    )
    assert "上次监测以来已整改 1 条" in opening
    assert "（一）办公室" in lines and "（二）宣传科" in lines
    assert "栏目：工作动态（2 条）" in lines
    assert lines[-2:] == ["示例市政务公开办公室", "2024年3月1日"]
    problem_tables = document.tables[:-1]
    rows = [row for t in problem_tables for row in cells(t)[1:]]
    assert cells(problem_tables[0])[0] == [
        "序号",
        "问题类型",
        "严重程度",
        "问题描述",
        "页面地址",
        "整改时限",
    ]
    assert len(rows) == 3
    broken_row = next(r for r in rows if r[1] == "链接不可用")
    assert broken_row[2] == "严重" and broken_row[4] == f"{SITE}/"  # where it is seen
    assert broken_row[3] == f"链接不可用：{SITE}/gone.pdf"
    assert broken_row[5] == "2024-03-06"  # 3 working days after Friday 1 March
    assert f"{SITE}/" in links(document) and f"{SITE}/zwgk/a.html" in links(document)
    reply = cells(document.tables[-1])
    assert reply[0] == ["序号", "问题", "整改情况", "完成时间", "责任人"]
    assert len(reply) == 4 and all(row[2:] == ["", "", ""] for row in reply[1:])


def test_each_department_gets_its_own_rows_only(tmp_path):
    paths = written(tmp_path, problems())
    press = Document(paths["整改通知书-宣传科.docx"])
    lines = texts(press)
    assert lines[1] == "宣传科："
    assert "涉及本科室的待整改问题共 2 条" in lines[2]
    rows = [row for t in press.tables[:-1] for row in cells(t)[1:]]
    assert sorted(r[1] for r in rows) == ["栏目未按时更新", "错别字/不规范表述"]
    assert f"{SITE}/" not in links(press)  # the 办公室's broken link
    assert len(cells(press.tables[-1])) == 3


def test_an_incomplete_audit_says_so_and_never_passes(tmp_path):
    counters = {"pages": 40, "skipped_by_reason": {"max_pages": 9}, "start_urls_ok": 1}
    store_report = {**REPORT}
    paths = written(tmp_path, [], report=store_report, counters=counters)
    opening = texts(Document(paths["整改通知书.docx"]))[2]
    assert "总体结论为“无法判定”" in opening and "合格" not in opening
    assert "本次监测未覆盖整个网站（达到页面上限" in opening
    assert "本次监测未发现需要整改的问题。" in texts(Document(paths["整改通知书.docx"]))


def test_hostile_text_stays_text_and_personal_numbers_are_masked(tmp_path):
    hostile = [
        broken(f"{SITE}/{i}.html", title=f"{t}\x07\x1b 身份证 {RAW_ID}")
        for i, t in enumerate(HOSTILE_TITLES)
    ]
    paths = written(tmp_path, hostile)
    document = Document(paths["整改通知书.docx"])
    descriptions = [row[3] for t in document.tables[:-1] for row in cells(t)[1:]]
    assert any("<script>alert(1)</script>" in d for d in descriptions)  # text, not markup
    assert all("\x07" not in d and "\x1b" not in d for d in descriptions)
    body = "\n".join(descriptions + texts(document))
    assert RAW_ID not in body and "1101**********4514" in body
    assert all(link.startswith("http") for link in links(document))


def test_it_looks_like_an_official_notice(tmp_path):
    document = Document(written(tmp_path, problems())["整改通知书.docx"])
    section = document.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.left_margin)
    assert [round(s.mm) for s in sizes] == [210, 297, 37, 28]  # A4, GB/T 9704 margins
    title = document.paragraphs[0].runs[0]
    assert title.font.bold and title.font.size == Pt(22)
    assert title.element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    cell_style = document.tables[0].rows[1].cells[3].paragraphs[0].style
    assert cell_style.name == "公文表格" and cell_style.font.size == Pt(10.5)  # 五号
    assert cell_style.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert document.tables[0].rows[0].cells[0].paragraphs[0].style.font.bold  # 表头
    # Rows after a table's first are copies of it (reports/official_docx.py add_row): each
    # cell still in 五号, with its own text.
    data_rows = [row for t in document.tables for row in t.rows[1:]]
    assert len(data_rows) > len(document.tables)
    assert {c.paragraphs[0].style.name for row in data_rows for c in row.cells} == {"公文表格"}
    assert [row.cells[0].text for row in document.tables[-1].rows[1:]] == [
        str(i) for i in range(1, len(document.tables[-1].rows))
    ]
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and footer.count("—") == 2
    font_table = next(
        p for p in document.part.package.iter_parts() if p.partname.endswith("fontTable.xml")
    ).blob.decode()
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in font_table
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table


def test_without_a_department_map_there_is_one_notice(tmp_path):
    paths = written(tmp_path, problems(), report={"default_department": "办公室"})
    assert [n for n in paths if n.startswith("整改通知书")] == ["整改通知书.docx"]


def test_the_listing_feeds_the_notice_unchanged(tmp_path):
    """The notice's rows are the listing's: same count as the xlsx's 问题清单."""
    store = new_store(tmp_path)
    audit = make_audit(store, problems(), report=REPORT)
    data = build_listing(store, audit, report_settings(REPORT), judge)
    store.close()
    from govaudit.reports.notice import write_notice

    path = write_notice(data, report_settings(REPORT), None, tmp_path / "n.docx")
    rows = [row for t in Document(path).tables[:-1] for row in cells(t)[1:]]
    assert len(rows) == len(data.open_rows)


def test_early_warnings_are_a_section_of_their_own(tmp_path):
    from dataclasses import replace

    from govaudit.core.verdicts import EarlyWarning
    from govaudit.reports.notice import write_notices

    near = [stale(f"要闻{i}", 20) for i in range(3)]  # with 工作动态, 4 of 5: the item warns
    store = new_store(tmp_path)
    audit = make_audit(store, [*problems(), *near], report=REPORT)
    settings = report_settings(REPORT)
    data = build_listing(store, audit, settings, judge)
    store.close()
    due = EarlyWarning(
        id="column_due-x",
        kind="column_due",
        title="栏目“工作动态”将于 3 天后超期未更新",
        page_url=f"{SITE}/gzdt/",
        column="工作动态",
        days_left=3,
    )
    data = replace(data, warnings=[*data.warnings, due])
    (tmp_path / "out").mkdir()
    paths = {p.name: p for p in write_notices(data, tmp_path / "out", settings)}
    lines = texts(Document(paths["整改通知书.docx"]))
    section = lines.index("二、预警（尚未构成问题，请提前处理）")
    assert lines[section + 1].startswith(
        "接近单项否决：动态要闻类栏目 2 周、通知公告政策文件类栏目"
    )
    assert "栏目“工作动态”将于 3 天后超期未更新。" in lines
    assert "三、整改要求" in lines and "四、整改情况回执" in lines
    assert "待整改问题共 6 条" in lines[2]  # a warning is not a problem
    press = texts(Document(paths["整改通知书-宣传科.docx"]))
    assert "栏目“工作动态”将于 3 天后超期未更新。" in press  # its own column's
    assert not any(line.startswith("接近单项否决") for line in press)  # a site-wide measure
