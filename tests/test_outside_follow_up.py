"""Outside lists followed up across real audits: the staff dispute a row, the alerts tell of it.

The site of test_outside_lists.py on 127.0.0.1 (a link answering 404, a typo, a stale 通知公告
column). The first audit runs, the 市公开办's list goes in with `govaudit import-list`, the staff
mark the typo 误报 in the audit's own 整改清单.xlsx (edited with openpyxl) and send it back with
`govaudit review import`; the second audit's xlsx, html, summary.json, 整改通知书 and its alerts
(a real 企业微信 robot receiver per audience, a real SMTP receiver) are read.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import lxml.html
import openpyxl
import pytest
from alert_receivers import MailReceiver, RobotReceiver
from site_server import SiteServer
from test_outside_lists import DAY1, DAY2, audit, cli, profile, read_json, routes, sheet_rows

DISPUTED = "本单位认定误报（待上级确认）"


def problem_list(path: Path, url: str) -> Path:
    """Four rows: overdue, due in a day (the typo, to be disputed), far off, no date."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问题清单"
    ws.append(["市公开办 2026年第4期"])
    ws.append(["序号", "问题页面", "问题类型", "问题描述", "发现日期", "整改时限"])
    rows = [
        (f"{url}/gone.html", "死链", "办事指南打不开", date(2026, 11, 30)),
        (f"{url}/gzdt/0.html", "错别字", "“一愁莫展”应为“一筹莫展”", date(2026, 12, 4)),
        (f"{url}/tzgg/index.html", "栏目长期未更新", "通知公告栏目长期未更新", "2026-12-31"),
        (f"{url}/never.html", "死链", "页面不存在", "尽快"),  # a deadline with no date
    ]
    for i, (page_url, kind, text, deadline) in enumerate(rows, 1):
        ws.append([i, page_url, kind, text, date(2026, 11, 25), deadline])
    wb.save(path)
    return path


def mark_false_positive(xlsx: Path, finding_id: str) -> None:
    """What the staff do: pick 误报 in the 整改状态 cell of the finding's row, save."""
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["问题清单"]
    header = [c.value for c in ws[1]]
    for cells in ws.iter_rows(min_row=2):
        if cells[header.index("问题编号")].value == finding_id:
            cells[header.index("整改状态")].value = "误报"
            cells[header.index("整改说明")].value = "原文引用他人原话，非错别字"
    wb.save(xlsx)


@pytest.fixture(scope="module")
def disputed(tmp_path_factory):
    """Audit, import the list, mark the typo 误报 and import the review, audit again."""
    tmp = tmp_path_factory.mktemp("follow_up")
    db = tmp / "govaudit.db"
    with SiteServer(routes()) as site, RobotReceiver() as office, RobotReceiver() as whole:
        with MailReceiver() as smtp:
            extra = (
                f'[report]\ndepartments = [{{prefix = "{site.url}/tzgg/", department = "办公室"}}]\n'
                f'[alerts]\nwecom_webhook = "{whole.webhook()}"\n'
                f'[alerts.email]\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\n'
                'from = "audit@example.gov.cn"\nto = ["office@example.gov.cn"]\n'
                f'[alerts.departments."办公室"]\nwecom_webhook = "{office.webhook()}"\n'
            )
            config = profile(tmp / "site.toml", site.url, extra)
            day1 = audit(config, tmp / "day1", db, DAY1)
            xlsx = problem_list(tmp / "市公开办问题清单.xlsx", site.url)
            imported = cli(
                "import-list", str(xlsx), "--profile", str(config), "--db", str(db),
                "--source", "市公开办",
            )  # fmt: skip
            assert imported.returncode == 0, imported.stderr
            [typo] = [f for f in day1.values() if f["check"] == "wrong_word"]
            mark_false_positive(tmp / "day1" / "整改清单.xlsx", typo["id"])
            reviewed = cli("review", "import", str(tmp / "day1" / "整改清单.xlsx"), "--db", str(db))
            assert reviewed.returncode == 0, reviewed.stderr
            for received in (whole.requests, office.requests, smtp.messages):
                received.clear()  # the first audit's alerts, sent before the import
            audit(config, tmp / "day2", db, DAY2)
            robots = (whole.requests[:], office.requests[:])
            mails = smtp.messages[:]
    return site.url, tmp, typo["id"], imported.stdout, robots, mails


def test_a_row_whose_finding_staff_marked_false_positive_is_disputed_not_open(disputed):
    _, tmp, typo_id, imported, _, _ = disputed
    assert "对照审计 #1：仍存在 3 条，未核实 1 条" in imported  # before the review
    rows = sheet_rows(tmp / "day2" / "整改清单.xlsx", "外部清单")
    assert [r["本次状态"] for r in rows] == ["仍存在", DISPUTED, "仍存在", "未核实"]
    assert rows[1]["对应问题编号"] == typo_id  # still named: the staff can see what matched
    summary = read_json(tmp / "day2" / "summary.json")
    assert summary["outside"] == {
        "仍存在": 2, "本单位认定误报": 1, "未核实": 1, "无法匹配": 0, "已整改": 0,
    }  # fmt: skip
    doc = lxml.html.fromstring((tmp / "day2" / "report.html").read_text(encoding="utf-8"))
    body = doc.get_element_by_id("outside-list").find("tbody")
    cells = [tr.findall("td")[7].text_content() for tr in body.findall("tr")]
    assert cells == ["仍存在", DISPUTED, "仍存在", "未核实"]
    notice = docx.Document(str(tmp / "day2" / "整改通知书.docx"))
    [table] = [t for t in notice.tables if t.rows[0].cells[1].text == "来源"]
    assert [row.cells[6].text for row in table.rows[1:]] == [
        "仍存在", "本单位认定误报", "仍存在", "未核实",
    ]  # fmt: skip


def test_the_alerts_count_each_list_and_name_its_rows_due_most_urgent_first(disputed):
    url, _, _, _, (whole, office), mails = disputed
    [request] = whole
    content = request["json"]["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096
    assert "**外部清单 1 份**" in content
    assert "市公开办《市公开办问题清单.xlsx》 4 条：仍存在 2，本单位认定误报 1，未核实 1" in content
    lines = content.split("\n\n")
    start = lines.index("整改时限已过或将到（2 条）：")
    assert lines[start + 1].startswith(
        "1. 死链：办事指南打不开（仍存在；已超期 3 天，整改时限 2026-11-30） [查看页面]("
    )
    assert lines[start + 2].startswith(
        "2. 错别字：“一愁莫展”应为“一筹莫展”"
        "（本单位认定误报，待上级确认；1 天后到期，整改时限 2026-12-04）"
    )
    assert f"[查看页面]({url}/gzdt/0.html)" in lines[start + 2]
    assert "2026-12-31" not in content and "尽快" not in content  # far off, or no date
    # The 办公室 hears of its own row only: the stale 通知公告 column, not yet due.
    [share] = office
    text = share["json"]["markdown"]["content"]
    assert "（办公室）" in text and "市公开办《市公开办问题清单.xlsx》 1 条：仍存在 1" in text
    assert "整改时限已过或将到" not in text and "办事指南" not in text
    [(_, _, mail)] = mails
    body = mail.get_content()
    assert "外部清单 市公开办《市公开办问题清单.xlsx》 4 条：" in body
    overdue = "1. 死链：办事指南打不开（仍存在；已超期 3 天，整改时限 2026-11-30）"
    assert f"{overdue}\n   {url}/gone.html" in body
