"""Attachments end to end: a real crawl of a 127.0.0.1 site whose attachments are real files.

One crawl (module fixture, the CLI in a subprocess) proves that attachment text reaches the checks:
a leaked ID number in an xls cell (sheet and cell), a typo in a docx (paragraph), a sensitive word
in a pdf (page), each with the page linking to it; corrupt and encrypted files reported with
their reason; an oversize file recorded with its size as skipped, not as a broken link. The
reader's timeout and crash handling are tested on the worker directly.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from site_server import Reply, SiteServer
from test_attachments import (
    FIXTURES,
    ID_NUMBER,
    encrypt_pdf,
    make_docx,
    make_pdf,
    make_rtf,
    make_xlsx,
)

from govaudit.core.store import Store
from govaudit.crawler.attachment_reader import AttachmentReader

REPO = Path(__file__).resolve().parents[1]
CHECK_FINDINGS = REPO.parent / "shared" / "tools" / "check_findings.py"
AS_OF = "2024-06-01"
BOUND = 60_000  # max_resource_bytes of the test profile
PROFILE = f"""
[site]
name = "测试市民政局"
[crawl]
concurrency = 4
download_delay = 0.0
timeout = 5.0
retries = 0
max_resource_bytes = {BOUND}
"""
SPAM_PDF = make_pdf(
    [
        [("ascii", "Notice 2024")],
        [("cjk", "本网站友情链接：点击进入在线赌场注册即送彩金"), ("ascii", "page two")],
    ]
)
PDF = "application/pdf"


def _html(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


def site_routes() -> dict[str, Reply]:
    links = """
        <a href="/files/mingdan.xls">2024年第一批低保对象公示名单.xls</a>
        <a href="/files/tongzhi.docx">关于做好低保工作的通知</a>
        <a href="/files/guize.pdf">实施细则</a>
        <a href="/files/huizong.xlsx">汇总表</a>
        <a href="/files/broken.doc">申请表</a>
        <a href="/files/locked.pdf">内部资料</a>
        <a href="/files/big.pdf">全文汇编</a>
        <a href="/files/empty.doc">空附件</a>
        <a href="/files/gongshi.doc">公示（WPS另存的.doc）</a>
        <a href="/files/shuoming.rtf">填表说明</a>
        <a href="http://files.example.invalid/outside.pdf">外部文件</a>
    """
    return {
        "/": Reply(
            _html("测试市民政局", '<a href="/gs/1.html">公示</a><a href="/gs/2.html">名单</a>')
        ),
        "/gs/1.html": Reply(_html("2024年第一批低保对象公示", f"发布日期：2024-03-01{links}")),
        "/gs/2.html": Reply(
            _html(
                "低保名单下载",
                '发布日期：2024-03-02<a href="/files/mingdan.xls">公示名单</a>',
            )
        ),
        "/files/mingdan.xls": Reply(
            (FIXTURES / "legacy.xls").read_bytes(), content_type="application/octet-stream"
        ),
        "/files/tongzhi.docx": Reply(
            make_docx(),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "/files/guize.pdf": Reply(SPAM_PDF, content_type=PDF),
        "/files/huizong.xlsx": Reply(make_xlsx(), content_type="application/vnd.ms-excel"),
        "/files/broken.doc": Reply(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, content_type="application/msword"
        ),
        "/files/locked.pdf": Reply(encrypt_pdf(SPAM_PDF, "secret"), content_type=PDF),
        "/files/big.pdf": Reply(SPAM_PDF + b"%" * BOUND, content_type=PDF),
        "/files/empty.doc": Reply(b"", content_type="application/msword"),
        "/files/gongshi.doc": Reply(make_rtf("wps"), content_type="application/msword"),
        "/files/shuoming.rtf": Reply(make_rtf("word"), content_type="application/octet-stream"),
    }


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("attachments")
    (tmp / "site.toml").write_text(PROFILE, encoding="utf-8")
    with SiteServer(site_routes()) as site:
        cmd = [sys.executable, "-m", "govaudit.cli", "audit", site.url + "/", "--out"]
        cmd += [str(tmp / "out"), "--config", str(tmp / "site.toml"), "--as-of", AS_OF]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=REPO)
        assert done.returncode == 0, done.stderr[-2000:]
        store = Store(tmp / "out" / "govaudit.db")
        (row,) = store.audits()
        findings = json.loads((tmp / "out" / "findings.json").read_text(encoding="utf-8"))
        yield {
            "url": site.url,
            "site": site,
            "out": tmp / "out",
            "stdout": done.stdout,
            "counters": row["counters"],
            "view": store.view(row["id"]),
            "findings": findings,
        }
        store.close()


def about(audit, path: str, check: str) -> list[dict]:
    url = audit["url"] + path
    return [f for f in audit["findings"] if f["check"] == check and f.get("attachment_url") == url]


def test_findings_file_is_valid_and_holds_no_raw_number(audit):
    raw = (audit["out"] / "findings.json").read_text(encoding="utf-8")
    assert ID_NUMBER not in raw and "13912345678" not in raw
    if CHECK_FINDINGS.exists():
        done = subprocess.run(
            [sys.executable, str(CHECK_FINDINGS), str(audit["out"] / "findings.json")],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout


def test_id_number_in_an_xls_cell_names_sheet_cell_and_both_linking_pages(audit):
    leaks = {f["kind"]: f for f in about(audit, "/files/mingdan.xls", "privacy_leak")}
    assert set(leaks) == {"id_card", "mobile"}  # one finding per kind, though linked twice
    leak = leaks["id_card"]
    assert leak["severity"] == "critical" and leaks["mobile"]["locations"] == ["公示名单!D2"]
    assert leak["locations"] == ["公示名单!C2"] and leak["masked"].startswith("1101")
    sources = {audit["url"] + "/gs/1.html", audit["url"] + "/gs/2.html"}
    assert set(leak["source_pages"]) == sources and leak["page_url"] in sources
    assert leak["attachment_name"] in ("2024年第一批低保对象公示名单.xls", "公示名单")
    assert leak["title"].startswith(f"附件《{leak['attachment_name']}》（链接自 ")
    assert "公民身份号码" in leak["title"]
    # the pages themselves leak nothing
    assert not [
        f for f in audit["findings"] if f["check"] == "privacy_leak" and "attachment_url" not in f
    ]


def test_typo_in_a_docx_paragraph(audit):
    typos = [
        f for f in about(audit, "/files/tongzhi.docx", "wrong_word") if f["term"] == "贯切落实"
    ]
    (typo,) = typos
    assert typo["location"] == "第2段" and typo["suggestion"] == "贯彻落实"
    assert typo["page_url"] == audit["url"] + "/gs/1.html"
    assert typo["attachment_name"] == "关于做好低保工作的通知"
    assert typo["title"] == (
        "附件《关于做好低保工作的通知》（链接自 2024年第一批低保对象公示）错别字：“贯切落实”应为“贯彻落实”"
    )
    leaks = about(audit, "/files/tongzhi.docx", "privacy_leak")
    assert [f["locations"] for f in leaks] == [["表1第2行第2列"]]


def test_sensitive_word_in_a_pdf_page(audit):
    (hit,) = about(audit, "/files/guize.pdf", "sensitive_word")
    assert hit["term"] == "在线赌场" and hit["location"] == "第2页"
    assert hit["source_pages"] == [audit["url"] + "/gs/1.html"]


def test_rtf_saved_as_doc_and_rtf_files_are_read(audit):
    (typo,) = [
        f for f in about(audit, "/files/gongshi.doc", "wrong_word") if f["term"] == "贯切落实"
    ]
    assert typo["location"] == "第2段" and typo["suggestion"] == "贯彻落实"
    assert [f["kind"] for f in about(audit, "/files/gongshi.doc", "privacy_leak")] == ["id_card"]
    assert not about(audit, "/files/gongshi.doc", "unreadable_attachment")
    record = audit["view"].page(audit["url"] + "/files/shuoming.rtf")
    assert record.meta["format"] == "rtf" and "中国政府网" in record.text
    (typo,) = [
        f for f in about(audit, "/files/shuoming.rtf", "wrong_word") if f["term"] == "贯切落实"
    ]
    assert typo["location"] == "第4段"


def test_xlsx_hidden_sheet_is_read(audit):
    (typo,) = [
        f for f in about(audit, "/files/huizong.xlsx", "wrong_word") if f["term"] == "贯切落实"
    ]
    assert typo["location"] == "底稿!C7"


def test_corrupt_and_encrypted_files_are_reported_with_their_reason(audit):
    (corrupt,) = about(audit, "/files/broken.doc", "unreadable_attachment")
    assert corrupt["reason"] == "corrupt" and corrupt["severity"] == "minor"
    assert corrupt["source_pages"] == [audit["url"] + "/gs/1.html"] and corrupt["detail"]
    (locked,) = about(audit, "/files/locked.pdf", "unreadable_attachment")
    assert locked["reason"] == "encrypted" and "无法读取（文件已加密）" in locked["title"]
    # an unreadable file is not searched, so it has no word findings even if it holds spam
    assert not about(audit, "/files/locked.pdf", "sensitive_word")


def test_oversize_file_is_recorded_with_its_size_not_as_broken(audit):
    big = audit["view"].page(audit["url"] + "/files/big.pdf")
    assert big.status == 200 and big.error is None and big.method == "GET"
    assert big.size == len(SPAM_PDF) + BOUND and big.text == ""
    assert big.meta["unreadable"] == "too_large" and str(BOUND) in big.meta["unreadable_detail"]
    broken = {f["target_url"] for f in audit["findings"] if f["check"] == "broken_link"}
    assert audit["url"] + "/files/big.pdf" not in broken
    (skipped,) = about(audit, "/files/big.pdf", "unreadable_attachment")
    assert skipped["reason"] == "too_large" and skipped["size"] == len(SPAM_PDF) + BOUND
    # the empty attachment is a broken link (empty file), not an unreadable one
    assert audit["url"] + "/files/empty.doc" in broken
    assert not about(audit, "/files/empty.doc", "unreadable_attachment")


def test_attachments_are_fetched_once_with_get_and_external_ones_with_head(audit):
    site = audit["site"]
    assert site.count("GET", "/files/mingdan.xls") == 1
    assert site.count("HEAD", "/files/mingdan.xls") == 0
    outside = audit["view"].page("http://files.example.invalid/outside.pdf")
    assert outside.method == "HEAD" and outside.error == "dns" and "format" not in outside.meta
    record = audit["view"].page(audit["url"] + "/files/mingdan.xls")
    assert record.kind == "resource" and record.meta["format"] == "xls"
    assert "公示名单!C2" in record.meta["locations"]


def test_counters_show_attachments_read_unreadable_and_extraction_time(audit):
    c = audit["counters"]
    assert c["attachments_read"] == 6  # xls, docx, pdf, xlsx, two RTF
    assert c["attachments_unreadable"] == 3
    assert c["attachments_unreadable_by_reason"] == {"corrupt": 1, "encrypted": 1, "too_large": 1}
    assert 0 < c["extract_seconds"] < 30


# -- the worker process, directly -----------------------------------------------------------------
SLOW_READER = """
import os, time
from govaudit.crawler.attachments import AttachmentText

def extract(url, body, content_type, limits):
    if body == b"die":
        os._exit(3)
    time.sleep(float(body))
    return AttachmentText(text="read " + url, format="pdf")
"""


def test_reader_times_out_kills_the_worker_and_recovers(tmp_path, monkeypatch):
    (tmp_path / "slowreader.py").write_text(SLOW_READER, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    reader = AttachmentReader(timeout=1.0, extractor="slowreader:extract")

    async def scenario():
        slow, seconds = await reader.read("http://x/a.pdf", b"30", "application/pdf")
        assert slow.reason == "timeout" and slow.format == "pdf" and 1.0 <= seconds < 5
        died, _ = await reader.read("http://x/b.pdf", b"die", None)
        assert died.reason == "corrupt" and "读取进程意外退出" in died.detail
        fine, _ = await reader.read("http://x/c.pdf", b"0", None)
        assert fine.reason is None and fine.text == "read http://x/c.pdf"

    try:
        asyncio.run(scenario())
    finally:
        reader.close()


def test_a_document_behind_a_script_url_is_read_by_its_download_name(tmp_path):
    """信息公开 platforms link `downfile.jsp?id=…`: no extension, `application/octet-stream`, the
    name in Content-Disposition (raw GBK bytes, as such servers send it). It is read all the
    same, and its findings name it."""
    name = "实施细则（征求意见稿）.pdf"
    disposition = 'attachment; filename="' + name.encode("gbk").decode("latin-1") + '"'
    routes = {
        "/": Reply(_html("首页", '<a href="/gs/1.html">公示</a>')),
        "/gs/1.html": Reply(
            _html("公示", '发布日期：2024-03-01<a href="/downfile.jsp?id=7">附件下载</a>')
        ),
        "/downfile.jsp?id=7": Reply(
            SPAM_PDF,
            content_type="application/octet-stream",
            headers={"Content-Disposition": disposition},
        ),
    }
    (tmp_path / "site.toml").write_text(PROFILE, encoding="utf-8")
    with SiteServer(routes) as site:
        cmd = [sys.executable, "-m", "govaudit.cli", "audit", site.url + "/", "--quiet"]
        cmd += ["--out", str(tmp_path / "out"), "--config", str(tmp_path / "site.toml")]
        done = subprocess.run(cmd + ["--as-of", AS_OF], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    store = Store(tmp_path / "out" / "govaudit.db")
    (row,) = store.audits()
    document = store.view(row["id"]).page(site.url + "/downfile.jsp?id=7")
    assert document.kind == "resource" and document.meta["format"] == "pdf"
    assert document.title == name  # the name it downloads as (the link only says 附件下载)
    assert row["counters"]["attachments_read"] == 1
    findings = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    (hit,) = [f for f in findings if f["check"] == "sensitive_word"]
    assert hit["attachment_url"] == site.url + "/downfile.jsp?id=7" and hit["term"] == "在线赌场"
