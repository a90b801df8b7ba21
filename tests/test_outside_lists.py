"""Outside problem lists and a 发文登记, imported and tracked across real audits of a local site.

A site on 127.0.0.1 with a link to a page answering 404 (fixed before the second audit), a typo,
a stale column and a published 规范性文件. The 市公开办's list (an xlsx written with openpyxl,
its own headers under a title row, mapped in the profile) and a 发文登记 sheet in the same
workbook go in with the real CLI; each audit's 整改清单.xlsx, report.html, summary.json,
warnings.json, findings.json and 整改通知书 are opened.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import docx
import lxml.html
import openpyxl
import pytest
from contract import valid_findings
from reports_store import RAW_ID
from site_server import Reply, SiteServer

from govaudit.checks.outside_matching import judge_rows, kind_overrides, kinds_of
from govaudit.core.config import ConfigError
from govaudit.core.model import Finding
from govaudit.core.outside_records import OutsideRow, url_key
from govaudit.core.store import Store

DAY1, DAY2 = date(2026, 12, 2), date(2026, 12, 3)
TYPO = "面对困难，我们不能一愁莫展。"  # 一愁莫展 → 一筹莫展 (wordlists/typo.tsv)
HOSTILE = f'=HYPERLINK("http://evil","x")<script>alert(1)</script>身份证{RAW_ID}'


def page(title: str, body: str) -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1>{body}</body></html>"
    )


def listing(name: str, items: list[tuple[str, str, str]]) -> str:
    lis = "".join(f"<li><a href='{u}'>{t}</a><span>{d}</span></li>" for u, t, d in items)
    return page(name, f"<div class='crumb'>首页 &gt; {name}</div><ul class='list'>{lis}</ul>")


def document(title: str, number: str, written: str, published: str) -> str:
    table = (
        f"<table class='xxgk'><tr><td>文号：</td><td>{number}</td><td>成文日期：</td><td>{written}</td></tr>"
        f"<tr><td>发布日期：</td><td>{published}</td></tr></table>"
    )
    return page(title, f"{table}<p>{title}的正文。</p>")


def routes() -> dict[str, Reply]:
    news = [(f"/gzdt/{i}.html", f"工作动态第{i}条", f"2026-11-{28 - i:02d}") for i in range(4)]
    notices = [(f"/tzgg/{i}.html", f"通知公告第{i}条", f"2025-0{i + 1}-10") for i in range(4)]
    docs = [("/zcwj/1.html", "示范区政务公开办法", "2026-11-20")]
    site = {
        "/": Reply(
            page(
                "示范区政府",
                "<ul><li><a href='/gzdt/index.html'>工作动态</a></li>"
                "<li><a href='/tzgg/index.html'>通知公告</a></li>"
                "<li><a href='/zcwj/index.html'>政策文件</a></li>"
                "<li><a href='/gone.html'>办事指南</a></li></ul>",
            )
        ),
        "/gzdt/index.html": Reply(listing("工作动态", news)),
        "/tzgg/index.html": Reply(listing("通知公告", notices)),
        "/zcwj/index.html": Reply(listing("政策文件", docs)),
        "/zcwj/1.html": Reply(
            document("示范区政务公开办法", "示范规〔2026〕1号", "2026-11-18", "2026-11-20")
        ),
        "/gone.html": Reply(page("页面不存在", "<p>404</p>"), status=404),
    }
    for url, title, day in news + notices:
        site[url] = Reply(page(title, f"<div>发布日期：{day}</div><p>{title}的正文内容。</p>"))
    site["/gzdt/0.html"] = Reply(
        page("工作动态第0条", f"<div>发布日期：2026-11-28</div><p>{TYPO}</p>")
    )
    return site


def profile(path: Path, url: str, extra: str = "") -> Path:
    path.write_text(
        f"""[site]
name = "示范区政府网站"
start_urls = ["{url}/"]

[outside_lists."市公开办"]
sheet = "问题清单"
header_row = 2
url = "问题页面"
kind = "问题类型"
description = "问题描述"
found = "发现日期"
deadline = "整改时限"
{extra}""",
        encoding="utf-8",
    )
    return path


def problem_list(path: Path, url: str, bad_date: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问题清单"
    ws.append(["示范区政府网站链接问题清单（市公开办 2026年第4期）"])  # a title, no header
    ws.append(["序号", "问题页面", "问题类型", "问题描述", "发现日期", "整改时限"])
    rows = [
        (f"HTTP://127.0.0.1:{url.rsplit(':', 1)[1]}/gone.html#top", "死链", "办事指南打不开"),
        (f"{url}/gzdt/0.html/", "错别字", "“一愁莫展”应为“一筹莫展”"),
        (f"{url}/tzgg/1.html", "错别字", "“按排”应为“安排”"),
        (f"{url}/never.html", "死链", "页面不存在"),
        ("", "其他", HOSTILE),
        (f"{url}/tzgg/index.html", "栏目长期未更新", "通知公告栏目长期未更新"),
    ]
    for i, (page_url, kind, text) in enumerate(rows, 1):
        ws.append([i, page_url, kind, text, date(2026, 11, 25), date(2026, 12, 20)])
        ws.cell(row=ws.max_row, column=4).data_type = "s"  # typed text, as Excel keeps '=...
    reg = wb.create_sheet("发文登记")
    reg.append(["文件标题", "文号", "成文日期", "印发日期", "是否规范性文件"])
    reg.append(["示范区政务公开办法", "示范规〔2026〕1号", "2026-11-18", "2026-11-18", "是"])
    reg.append(["关于印发示范区年度计划的通知", "示范发〔2026〕7号", date(2026, 10, 9), None, "否"])
    reg.append(
        ["示范区规范性文件管理规定", "示范规〔2026〕9号", None, "十一月" if bad_date else "2026年11月27日", "是"]
    )  # fmt: skip
    reg.append(["工作动态第1条", "", "2026-11-01", "", "否"])  # published as a list item
    wb.save(path)
    return path


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "govaudit.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


def audit(config: Path, out: Path, db: Path, day: date) -> dict:
    done = cli(
        "audit", "--config", str(config), "--out", str(out), "--db", str(db),
        "--as-of", day.isoformat(), "--quiet", "--full",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return {f["id"]: f for f in valid_findings(out / "findings.json")}


def import_list(xlsx: Path, config: Path, db: Path) -> subprocess.CompletedProcess[str]:
    return cli(
        "import-list", str(xlsx), "--profile", str(config), "--db", str(db), "--source", "市公开办"
    )


def sheet_rows(path: Path, sheet: str) -> list[dict]:
    ws = openpyxl.load_workbook(path)[sheet]
    header, *body = [list(r) for r in ws.iter_rows(values_only=True)]
    return [dict(zip(header, r, strict=True)) for r in body]


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def stored(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture(scope="module")
def two_audits(tmp_path_factory):
    """Audit on DAY1, import the list, audit again on DAY2 after /gone.html is fixed."""
    tmp = tmp_path_factory.mktemp("outside")
    db = tmp / "govaudit.db"
    with SiteServer(routes()) as site:
        offices = (
            f'[report]\ndepartments = [{{prefix = "{site.url}/tzgg/", department = "办公室"}}]\n'
        )
        config = profile(tmp / "site.toml", site.url, offices)
        day1 = audit(config, tmp / "day1", db, DAY1)
        xlsx = problem_list(tmp / "市公开办问题清单.xlsx", site.url)
        imported = import_list(xlsx, config, db)
        again = import_list(xlsx, config, db)
        # The import judged the rows against DAY1's audit: its report shows them once regenerated.
        regenerated = cli("report", "--db", str(db), "--out", str(tmp / "day1"))
        assert regenerated.returncode == 0, regenerated.stderr
        assert "外部清单 6 条：仍存在 3 条，未核实 1 条，无法匹配 2 条" in regenerated.stdout
        site.routes["/gone.html"] = Reply(page("办事指南", "<p>已恢复</p>"))
        day2 = audit(config, tmp / "day2", db, DAY2)
        return site.url, tmp, db, (day1, day2), (imported, again)


def statuses(out: Path) -> list[tuple[str, str]]:
    return [(r["问题类型"], r["本次状态"]) for r in sheet_rows(out / "整改清单.xlsx", "外部清单")]


def test_the_import_stores_every_row_once_and_judges_them_at_once(two_audits):
    _, _, db, _, (imported, again) = two_audits
    assert imported.returncode == 0, imported.stderr
    lines = imported.stdout.strip().splitlines()
    assert lines[0] == (
        "示范区政府网站：从「市公开办」导入问题 6 条（新增 6 条），发文登记 4 件（新增 4 件）"
    )
    assert lines[1] == "  对照审计 #1：仍存在 3 条，未核实 1 条，无法匹配 2 条"
    assert again.returncode == 0 and "导入问题 6 条（新增 0 条）" in again.stdout
    assert "发文登记 4 件（新增 0 件）" in again.stdout
    assert (stored(db, "outside_rows"), stored(db, "register_documents")) == (6, 4)


def test_rows_match_by_url_and_kind_and_close_when_verified_gone(two_audits):
    _, tmp, _, _, _ = two_audits
    assert statuses(tmp / "day1") == [
        ("死链", "仍存在"),
        ("错别字", "仍存在"),
        ("错别字", "无法匹配（需人工核实）"),
        ("死链", "未核实"),
        ("其他", "无法匹配（需人工核实）"),
        ("栏目长期未更新", "仍存在"),
    ]
    assert statuses(tmp / "day2")[0] == ("死链", "已整改")
    assert statuses(tmp / "day2")[1:] == statuses(tmp / "day1")[1:]


def test_the_matching_finding_is_named_and_the_deadline_kept(two_audits):
    url, tmp, _, (day1, _), _ = two_audits
    rows = sheet_rows(tmp / "day1" / "整改清单.xlsx", "外部清单")
    broken = next(f for f in day1.values() if f["check"] == "broken_link")
    assert broken["target_url"] == f"{url}/gone.html"
    assert rows[0]["对应问题编号"] == broken["id"]
    assert rows[0]["整改时限"].date() == date(2026, 12, 20)
    assert rows[0]["发现日期"].date() == date(2026, 11, 25)
    assert rows[0]["来源"] == "市公开办"
    assert rows[0]["清单位置"] == "市公开办问题清单.xlsx 问题清单 第 3 行"


def test_untrusted_cells_stay_data_in_every_output(two_audits, tmp_path):
    _, tmp, db, _, _ = two_audits
    rows = sheet_rows(tmp / "day2" / "整改清单.xlsx", "外部清单")
    hostile = rows[4]["问题描述"]
    assert hostile.startswith("'=HYPERLINK(") and RAW_ID not in hostile
    assert RAW_ID[:4] in hostile
    doc = lxml.html.fromstring((tmp / "day2" / "report.html").read_text(encoding="utf-8"))
    section = doc.get_element_by_id("outside")
    assert not list(section.iter("script"))
    assert "<script>alert(1)</script>" in section.text_content()
    assert RAW_ID not in (tmp / "day2" / "report.html").read_text(encoding="utf-8")
    assert RAW_ID.encode() not in db.read_bytes()


def test_summary_html_and_notice_show_the_outside_rows(two_audits):
    url, tmp, _, _, _ = two_audits
    summary = read_json(tmp / "day2" / "summary.json")
    assert summary["outside"] == {
        "仍存在": 2, "本单位认定误报": 0, "未核实": 1, "无法匹配": 2, "已整改": 1,
    }  # fmt: skip
    doc = lxml.html.fromstring((tmp / "day2" / "report.html").read_text(encoding="utf-8"))
    section = doc.get_element_by_id("outside")
    assert "外部清单（6 条：仍存在 2 条，未核实 1 条，无法匹配 2 条，已整改 1 条）" in (
        section.text_content()
    )
    assert f"{url}/never.html" in [a.get("href") for a in section.iter("a")]
    notice = docx.Document(str(tmp / "day2" / "整改通知书.docx"))
    texts = [p.text for p in notice.paragraphs]
    assert "二、上级通报及外部清单问题" in texts
    [table] = [t for t in notice.tables if t.rows[0].cells[1].text == "来源"]
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [(r[1], r[2], r[6]) for r in body] == [
        ("市公开办", "错别字", "仍存在"),
        ("市公开办", "错别字", "无法匹配"),
        ("市公开办", "死链", "未核实"),
        ("市公开办", "其他", "无法匹配"),
        ("市公开办", "栏目长期未更新", "仍存在"),
    ]  # the fixed 死链 is left out
    # The department's notice: the rows of its pages (通知公告 is the 办公室's).
    office = docx.Document(str(tmp / "day2" / "整改通知书-办公室.docx"))
    [table] = [t for t in office.tables if t.rows[0].cells[1].text == "来源"]
    assert [row.cells[2].text for row in table.rows[1:]] == ["错别字", "栏目长期未更新"]


def test_a_register_document_not_published_is_overdue_or_warned(two_audits):
    url, tmp, _, (day1, day2), _ = two_audits
    assert not [f for f in day1.values() if f.get("rule_key") == "register_unpublished"]
    # Imported after the first audit: the next audit judges the register.
    [overdue] = [f for f in day2.values() if f.get("rule_key") == "register_unpublished"]
    assert overdue["check"] == "overdue_publication"
    assert overdue["document_number"] == "示范发〔2026〕7号"
    assert overdue["published"] is None and overdue["issued"] == "2026-10-09"
    assert overdue["register"]["source"] == "市公开办"
    assert overdue["register"]["place"] == "发文登记 第 3 行"
    assert overdue["page_url"] == f"{url}/"
    assert "2026-10-09成文，应于2026-11-05前公开，本次审计未在网站上找到" in overdue["title"]
    [listed] = [
        r
        for r in sheet_rows(tmp / "day2" / "整改清单.xlsx", "问题清单")
        if r["问题编号"] == overdue["id"]
    ]
    assert "发布日期：网站上未找到" in listed["问题详情"]
    assert "依据发文登记：市公开办 市公开办问题清单.xlsx 发文登记 第 3 行" in listed["问题详情"]
    # The others are found on the site: by 文号 (a document page), by title (a list item).
    # 印发 2026-11-27 + 7 days; 2026-12-02 is a Wednesday: Thursday and Friday are left. The
    # first audit's report, regenerated after the import, warns too.
    for day, left in (("day1", 2), ("day2", 1)):
        warnings = read_json(tmp / day / "warnings.json")
        [due] = [w for w in warnings if w["kind"] == "register_due"]
        assert (due["due"], due["kind_name"]) == ("2026-12-04", "文件即将超期公开")
        assert "示范规〔2026〕9号）2026-11-27印发" in due["title"]
        assert f"还有 {left} 个工作日" in due["title"]


def test_a_bad_file_or_a_missing_column_imports_nothing(two_audits, tmp_path):
    url, tmp, db, _, _ = two_audits
    before = (stored(db, "outside_rows"), stored(db, "register_documents"))
    not_xlsx = tmp_path / "清单.xlsx"
    not_xlsx.write_text("这不是工作簿", encoding="utf-8")
    wrong_column = profile(tmp_path / "wrong.toml", url).read_text(encoding="utf-8")
    (tmp_path / "wrong.toml").write_text(
        wrong_column.replace('url = "问题页面"', 'url = "问题网址"'), encoding="utf-8"
    )
    fresh = problem_list(tmp_path / "新清单.xlsx", url + "/new", bad_date=True)
    good = profile(tmp_path / "good.toml", url)
    headless = openpyxl.Workbook()
    headless.active.append(["一", "二"])
    headless.save(tmp_path / "无表头.xlsx")
    cases = [
        (import_list(not_xlsx, good, db), "清单.xlsx：不是 xlsx 工作簿"),
        (
            cli(
                "import-list",
                str(tmp_path / "无表头.xlsx"),
                "--profile",
                str(good),
                "--db",
                str(db),
            ),
            "无表头.xlsx：没有找到问题清单（表头含 问题页面/网址/链接）或发文登记",
        ),
        (import_list(fresh, tmp_path / "wrong.toml", db), "没有「问题网址」列"),
        (import_list(fresh, good, db), "发文登记 第 4 行：印发日期「十一月」不是日期"),
    ]
    for done, message in cases:
        assert done.returncode == 2 and "Traceback" not in done.stderr
        [line] = done.stderr.strip().splitlines()
        assert line.startswith("govaudit: ") and message in line, line
    assert (stored(db, "outside_rows"), stored(db, "register_documents")) == before


def test_common_headers_are_recognised_without_a_mapping(two_audits, tmp_path):
    url, _, db, _, _ = two_audits
    config = tmp_path / "plain.toml"
    config.write_text(f'[site]\nname = "示范区政府网站"\nstart_urls = ["{url}/"]\n', "utf-8")
    outputs = []
    for deadline in ("2026-12-31", "2027年1月15日"):  # resent with the 整改时限 extended
        wb = openpyxl.Workbook()
        wb.active.append(["服务商网站链接检查结果"])  # a title row above the header
        wb.active.append(["序号", "链接", "类别", "详情", "整改期限"])
        wb.active.append([1, f"{url}/gone.html", "链接错误", "服务商发现", deadline])
        wb.save(tmp_path / "服务商.xlsx")
        args = ("--profile", str(config), "--db", str(db))
        done = cli("import-list", str(tmp_path / "服务商.xlsx"), *args)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert "从「服务商」导入问题 1 条（新增 1 条）" in outputs[0]
    assert "对照审计 #2" in outputs[0]  # the list is judged against the latest audit
    assert "导入问题 1 条（新增 0 条，更新整改时限 1 条）" in outputs[1]
    with sqlite3.connect(db) as conn:
        deadlines = conn.execute("SELECT deadline FROM outside_rows WHERE source = '服务商'")
        assert deadlines.fetchall() == [("2027-01-15",)]


# -- the judgement itself, on records a real audit would store -----------------------------------


def row(url: str, kind: str, row_id: int = 1) -> OutsideRow:
    return OutsideRow(row_id, "省办", "2026-12-01", "x.xlsx", "第 2 行", url, kind, "", "", "")


def test_urls_compare_as_the_same_page():
    assert url_key("HTTP://Example.GOV.cn:80/a/b/#x") == url_key("https://example.gov.cn/a/b")
    assert url_key("example.gov.cn/a?x=1") == "example.gov.cn/a?x=1"
    assert url_key("http://example.gov.cn:8080/") != url_key("http://example.gov.cn/")
    assert url_key("见附件") == url_key("") == ""  # no page: never verified, never matched


def test_kinds_read_through_synonyms_and_the_profile():
    assert kinds_of("错链（断链）", {}) == ("broken_link",)
    assert kinds_of("隐私泄露", {}) == ("privacy_leak",)
    assert kinds_of("空白栏目", {}) == ("empty_column",)
    assert kinds_of("其他", {}) == ()
    overrides = kind_overrides({"kinds": {"内容问题": ["wrong_word", "sensitive_word"]}})
    assert kinds_of("内容问题", overrides) == ("wrong_word", "sensitive_word")
    with pytest.raises(ConfigError, match="没有问题种类 broken_links"):
        kind_overrides({"kinds": {"死链": "broken_links"}})


def test_a_page_carried_over_is_not_verified_so_not_fixed():
    finding = Finding("broken_link-1", "broken_link", "major", "http://s.gov.cn/", "链接不可用", {})
    rows = [row("http://s.gov.cn/", "死链")]
    assert judge_rows(rows, [finding], set(), set(), {})[0].status == "仍存在"
    # The finding is gone, but the page was carried from an earlier audit: not verified today.
    assert judge_rows(rows, [], set(), {1}, {})[0].status == "未核实"
    assert judge_rows(rows, [], {url_key("http://s.gov.cn/")}, {1}, {})[0].status == "已整改"
    # Verified, gone, but never matched before: the tool cannot say it was fixed.
    assert judge_rows(rows, [], {url_key("http://s.gov.cn/")}, set(), {})[0].status == "无法匹配"
    # The staff marked the matching finding 误报: disputed, still naming it; another finding of
    # the row's page and kind that nobody disputed keeps the row open.
    [disputed] = judge_rows(rows, [finding], set(), {1}, {}, frozenset({finding.id}))
    assert (disputed.status, disputed.finding_id) == ("本单位认定误报", "broken_link-1")
    other = Finding("broken_link-2", "broken_link", "major", "http://s.gov.cn/", "链接不可用", {})
    [still] = judge_rows(rows, [finding, other], set(), set(), {}, frozenset({finding.id}))
    assert (still.status, still.finding_id) == ("仍存在", "broken_link-2")
    # A list without a 问题类型 column is read by its 问题描述.
    described = [
        OutsideRow(
            2,
            "服务商",
            "2026-12-01",
            "y.xlsx",
            "第 2 行",
            "http://s.gov.cn/",
            "",
            "首页死链",
            "",
            "",
        )
    ]
    assert judge_rows(described, [finding], set(), set(), {})[0].finding_id == "broken_link-1"


def test_a_multi_site_profile_names_the_site_of_the_list(tmp_path):
    db = tmp_path / "sites.db"
    Store(db).close()
    config = tmp_path / "sites.toml"
    config.write_text(
        """[defaults.outside_lists."省办"]
url = "网页地址"

[sites.portal.site]
name = "门户网站"
start_urls = ["http://portal.example.gov.cn/"]

[sites.rsj.site]
start_urls = ["http://rsj.example.gov.cn/"]
""",
        encoding="utf-8",
    )
    wb = openpyxl.Workbook()
    wb.active.append(["网页地址", "问题类型"])
    wb.active.append(["http://portal.example.gov.cn/a.html", "死链"])
    wb.save(tmp_path / "省办.xlsx")
    args = ("import-list", str(tmp_path / "省办.xlsx"), "--profile", str(config), "--db", str(db))
    unnamed = cli(*args)
    assert unnamed.returncode == 2
    assert "请用 --site 指明站点（已有站点：portal, rsj）" in unnamed.stderr
    named = cli(*args, "--site", "portal")
    assert named.returncode == 0, named.stderr
    assert named.stdout.splitlines() == [
        "门户网站：从「省办」导入问题 1 条（新增 1 条）",
        "  尚无完成的审计：下次审计后给出各条的整改状态",
    ]


def test_a_bad_outside_lists_key_stops_the_audit_before_the_crawl(tmp_path):
    config = profile(tmp_path / "bad.toml", "http://127.0.0.1:9", 'link = "网址"\n')
    done = cli("audit", "--config", str(config), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("govaudit: outside_lists.市公开办.link 不是可用的设置")
    assert not (tmp_path / "out" / "govaudit.db").exists()
