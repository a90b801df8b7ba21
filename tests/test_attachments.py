"""govaudit.crawler.attachments: real files of each kind → text, locations (sheet!cell, page) and reasons.

docx, xlsx and pdf are written here with the same libraries (the pdf by hand: a standard font for
ASCII and a CID font with a ToUnicode map for Chinese, as Word/WPS exports embed them). The .doc and
.xls fixtures were converted once by LibreOffice (tests/fixtures/attachments/make_fixtures.py):
no maintained Python library writes the 97 binaries. Other Word 97, Word 6/95 and WPS compound
files are built here by tests/ole_files.py, RTF by hand as WPS and Word write it.
"""

from __future__ import annotations

import io
import random
import shutil
import struct
import zipfile
from datetime import date
from pathlib import Path

import docx
import olefile
import openpyxl
import pytest
from ole_files import Piece, compound_file, word97
from pypdf import PdfReader, PdfWriter

from govaudit.crawler.attachment_reader import (
    download_name,
    is_readable_attachment,
    is_readable_download,
)
from govaudit.crawler.attachments import (
    REASONS,
    AttachmentText,
    Limits,
    extract_attachment,
    location_at,
    sniff_format,
)
from govaudit.sample_site.documents import pdf_file

FIXTURES = Path(__file__).parent / "fixtures" / "attachments"
ID_NUMBER = "11010519491231002X"  # made up; valid GB 11643 check character
MOBILE = "13912345678"


def where(result: AttachmentText, needle: str) -> str | None:
    """The location label of the first occurrence of `needle`, as a check would name it."""
    offset = result.text.index(needle)
    return location_at(result.locations, offset)


# ---------------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------------


def make_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("关于2024年度城乡居民最低生活保障对象的公示")
    document.add_paragraph("请各单位认真贯切落实。")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([("姓名", "身份证号", "金额"), ("李四", ID_NUMBER, "500")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("特此公示。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["序号", "姓名", "身份证号", "手机", "日期"])
    sheet.append([1, "王五", ID_NUMBER, int(MOBILE), date(2024, 3, 1)])
    sheet["D3"] = 2.5
    hidden = book.create_sheet("底稿")
    hidden.sheet_state = "hidden"
    hidden["C7"] = "贯切落实"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_pdf(pages: list[list[tuple[str, str]]]) -> bytes:
    """A minimal real PDF of lines (font, text): the sample site's writer sets `ascii` lines in
    Helvetica and `cjk` ones in a CID font with a ToUnicode map."""
    assert all((font == "ascii") == text.isascii() for page in pages for font, text in page)
    return pdf_file([[text for _, text in page] for page in pages])


def gbk_escapes(text: str) -> str:
    """RTF's \\'hh escapes of the GBK bytes of `text`, as WPS and Chinese Word write them."""
    return "".join(f"\\'{b:02x}" for b in text.encode("gbk"))


def make_rtf(style: str = "wps") -> bytes:
    """An RTF document as WPS (`wps`: \\'hh GBK pairs in a charset-134 font) or Word (`word`:
    \\uN characters with a \\'hh fallback, a field, a table, metadata) saves it."""
    head = (
        "{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 "
        + gbk_escapes("宋体")
        + ";}{\\f1\\froman\\fcharset0 Times New Roman;}}{\\colortbl;\\red0\\green0\\blue0;}"
        + "{\\*\\generator WPS Office}{\\info{\\title "
        + gbk_escapes("不是正文")
        + "}}\n"
    )
    if style == "wps":
        body = (
            "\\pard\\f0 "
            + gbk_escapes("关于2024年度城乡居民最低生活保障对象的公示")
            + "\\par\n\\f0 "
            + gbk_escapes("请各单位认真贯切落实。")
            + "\\par\n"
            + gbk_escapes("身份证号：")
            + "\\f1 "
            + ID_NUMBER
            + "\\par}"
        )
    else:
        body = (
            "\\pard\\plain\\f1\\uc1\\u20851\\'3f\\u20110\\'3f 2024 "
            + "\\u24180\\'3f\\u24230\\'3f\\par\n"
            + '{\\field{\\*\\fldinst HYPERLINK "http://www.gov.cn/"}{\\fldrslt '
            + gbk_escapes("中国政府网")
            + "}}\\par\n"
            + "\\trowd\\intbl "
            + gbk_escapes("姓名")
            + "\\cell "
            + gbk_escapes("李四")
            + "\\cell\\row\n"
            + "{\\pict\\pngblip 89504e470d0a1a0a}"
            + "{\\*\\datastore 0105000002000000}"
            + "\\uc2\\u36143\\'b9\\'e1\\u20999\\'c7\\'d0"
            + gbk_escapes("落实")
            + "\\par}"
        )
    return (head + body).encode("ascii")


TWO_PAGES = [
    [("ascii", f"ID {ID_NUMBER} mobile {MOBILE}")],
    [("cjk", "关于做好法轮功防范工作的通知"), ("ascii", "page two")],
]


def encrypt_pdf(body: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(body)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Formats that are read
# ---------------------------------------------------------------------------------------------


def test_docx_paragraphs_and_table_cells_with_locations() -> None:
    result = extract_attachment("http://gov.cn/P020240301.docx", make_docx(), None)
    assert result.reason is None and result.format == "docx"
    assert "请各单位认真贯切落实。" in result.text
    assert where(result, "贯切") == "第2段"
    assert where(result, ID_NUMBER) == "表1第2行第2列"
    assert where(result, "特此公示") == "第3段"
    assert f"李四\t{ID_NUMBER}\t500" in result.text  # a table row stays one line


def test_xlsx_cells_are_named_by_sheet_and_coordinate() -> None:
    result = extract_attachment("http://gov.cn/名单.xlsx", make_xlsx(), "application/octet-stream")
    assert result.reason is None and result.format == "xlsx"
    assert where(result, ID_NUMBER) == "名单!C2"
    assert where(result, MOBILE) == "名单!D2"  # a number cell reads as a person sees it
    assert where(result, "2024-03-01") == "名单!E2"
    assert where(result, "2.5") == "名单!D3"
    assert where(result, "贯切落实") == "底稿!C7"
    assert ("底稿（隐藏工作表）" in dict(result.locations).values()) is True


def test_xls_fixture_read_with_xlrd() -> None:
    body = (FIXTURES / "legacy.xls").read_bytes()
    result = extract_attachment("http://gov.cn/a/名单.xls", body, "application/vnd.ms-excel")
    assert result.reason is None and result.format == "xls"
    assert where(result, ID_NUMBER) == "公示名单!C2"
    assert where(result, MOBILE) == "公示名单!D2"
    assert where(result, "2024-03-01") == "公示名单!E2"
    assert where(result, "贯切落实") == "底稿!B2"
    assert "底稿（隐藏工作表）" in dict(result.locations).values()


def test_wps_spreadsheet_et_in_excel97_format_reads_like_xls() -> None:
    body = (FIXTURES / "legacy.xls").read_bytes()
    result = extract_attachment("http://gov.cn/a/名单.et", body, None)
    assert result.format == "et" and result.reason is None
    assert where(result, ID_NUMBER) == "公示名单!C2"


def test_doc_fixture_read_from_the_word97_piece_table() -> None:
    body = (FIXTURES / "legacy.doc").read_bytes()
    result = extract_attachment("http://gov.cn/a/通知.doc", body, "application/msword")
    assert result.reason is None and result.format == "doc"
    assert result.text.splitlines()[0] == "关于2024年度城乡居民最低生活保障对象的公示"
    assert where(result, "贯切落实") == "第2段"
    assert f"李四\t{ID_NUMBER}\t500" in result.text.splitlines()
    assert "联系电话：0551-1234567。" in result.text


def test_wps_writer_file_in_word97_format_reads_like_doc() -> None:
    body = (FIXTURES / "legacy.doc").read_bytes()
    result = extract_attachment("http://gov.cn/a/通知.wps", body, None)
    assert result.format == "wps" and result.reason is None
    assert "贯切落实" in result.text


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("http://gov.cn/a/公示.doc", "application/msword"),  # WPS's "save as .doc" is RTF
        ("http://gov.cn/a/公示.wps", None),
        ("http://gov.cn/a/公示.rtf", "application/rtf"),
        ("http://gov.cn/download.jsp?id=7", "application/octet-stream"),
    ],
)
def test_rtf_is_read_under_any_name(url: str, content_type: str | None) -> None:
    result = extract_attachment(url, make_rtf("wps"), content_type)
    assert (result.format, result.reason) == ("rtf", None)
    assert result.text.split("\n") == [
        "关于2024年度城乡居民最低生活保障对象的公示",
        "请各单位认真贯切落实。",
        f"身份证号：{ID_NUMBER}",
    ]
    assert where(result, "贯切落实") == "第2段" and where(result, ID_NUMBER) == "第3段"
    assert "宋体" not in result.text and "不是正文" not in result.text  # font table, metadata


def test_rtf_as_word_saves_it_unicode_fields_tables_and_skipped_groups() -> None:
    result = extract_attachment("http://gov.cn/a.doc", make_rtf("word"), None)
    assert (result.format, result.reason) == ("rtf", None)
    assert result.text.split("\n") == ["关于 2024 年度", "中国政府网", "姓名\t李四", "贯切落实"]
    assert "?" not in result.text and "HYPERLINK" not in result.text  # fallbacks, field code
    assert "0105" not in result.text and "8950" not in result.text  # datastore, picture data


def test_rtf_with_a_byte_order_mark_and_big5_font() -> None:
    big5 = "".join(f"\\'{b:02x}" for b in "繁體公告".encode("big5"))
    body = "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f3\\fcharset136 MingLiU;}}\\f3 " + big5 + "}"
    result = extract_attachment("http://gov.cn/a.wps", b"\xef\xbb\xbf" + body.encode(), None)
    assert (result.format, result.text) == ("rtf", "繁體公告")


def test_rtf_of_pictures_only_is_scanned_and_binary_data_is_skipped() -> None:
    scanned = rb"{\rtf1\ansi{\pict\jpegblip ffd8ffe0}\par{\pict\jpegblip ffd8ffe1}}"
    result = extract_attachment("http://gov.cn/a.doc", scanned, None)
    assert (result.format, result.reason) == ("rtf", "scanned")
    assert "只有 2 张图片" in result.detail
    binary = rb"{\rtf1\ansi before {\object\objdata\bin6 {}\x00\xff}after\par}"
    assert extract_attachment("http://gov.cn/b.rtf", binary, None).text == "before after"


def test_rtf_is_fetched_and_read_by_the_crawler() -> None:
    assert is_readable_attachment("http://gov.cn/a/说明.rtf")
    assert is_readable_download("application/rtf", None)
    assert is_readable_download(None, "说明.RTF")


# Word 97 files from tests/ole_files.py: what a converter never writes but real files hold.
FAST_SAVED = [
    Piece("关于做好"),
    Piece("2024 “Notice” ", compressed=True),  # cp1252 bytes, 0x93/0x94 quotes
    Piece("年工作的通知\r请各单位认真贯切落实。\r"),
    Piece('\x13 HYPERLINK "http://www.gov.cn/" \x14中国政府网\x15\r姓名\x07李四\x07\x07'),
]


@pytest.mark.parametrize("name", ["通知.doc", "通知.wps", "download.jsp?id=3"])
def test_word97_pieces_out_of_order_compressed_and_unicode(name: str) -> None:
    body = word97(FAST_SAVED, order=[2, 0, 3, 1])  # stored as a fast save appends them
    result = extract_attachment(f"http://gov.cn/{name}", body, "application/octet-stream")
    assert result.reason is None
    assert result.format == ("wps" if name.endswith(".wps") else "doc")
    assert result.text.split("\n") == [
        "关于做好2024 “Notice” 年工作的通知",
        "请各单位认真贯切落实。",
        "中国政府网",  # the field's result, not its HYPERLINK code
        "姓名\t李四",
    ]
    assert where(result, "贯切落实") == "第2段"


def test_word97_with_its_table_stream_named_0table() -> None:
    body = word97([Piece("请认真贯切落实。\r")], table_stream="0Table", prc=False)
    result = extract_attachment("http://gov.cn/a.wps", body, None)
    assert (result.format, result.reason, result.text) == ("wps", None, "请认真贯切落实。")


@pytest.mark.parametrize(
    ("body", "reason", "detail"),
    [
        (word97([Piece("内部资料\r")], encrypted=True), "encrypted", "设有打开密码"),
        (word97([Piece("内部资料\r")], n_fib=0x0065), "unsupported", "快速保存的 Word 6/95 旧格式"),
        (compound_file({"WordDocument": bytes(64)}), "corrupt", "没有 FIB"),
        (compound_file({"Contents": b"x" * 10}), "unsupported", "没有 Word 或 Excel 内容"),
    ],
)
def test_word97_files_that_cannot_be_read_say_why(body: bytes, reason: str, detail: str) -> None:
    result = extract_attachment("http://gov.cn/a.doc", body, "application/msword")
    assert result.reason == reason and detail in (result.detail or ""), result


def test_word97_without_its_table_stream_is_corrupt() -> None:
    body = word97([Piece("甲\r")], table_stream="1Table")
    with olefile.OleFileIO(io.BytesIO(body)) as ole:
        word = ole.openstream("WordDocument").read()
    result = extract_attachment("http://gov.cn/a.doc", compound_file({"WordDocument": word}), None)
    assert (result.reason, result.detail) == ("corrupt", "Word 文件结构损坏（缺少 1Table 流）")


def test_wps_spreadsheet_with_its_own_extra_stream_reads_like_xls() -> None:
    """An .et holds the Excel 97 `Workbook` stream and streams of WPS's own beside it."""
    with olefile.OleFileIO(FIXTURES / "legacy.xls") as ole:
        workbook = ole.openstream("Workbook").read()
    body = compound_file({"Workbook": workbook, "ETExtData": b"\x01" * 64})
    result = extract_attachment("http://gov.cn/a/名单.et", body, None)
    assert (result.format, result.reason) == ("et", None)
    assert where(result, ID_NUMBER) == "公示名单!C2"
    assert extract_attachment("http://gov.cn/a/名单.xls", body, None).format == "xls"


def test_pdf_ascii_and_cjk_text_per_page() -> None:
    result = extract_attachment("http://gov.cn/a/P020240301.pdf", make_pdf(TWO_PAGES), None)
    assert result.reason is None and result.format == "pdf"
    assert where(result, ID_NUMBER) == "第1页"
    assert where(result, MOBILE) == "第1页"
    assert "关于做好法轮功防范工作的通知" in result.text  # ToUnicode → real characters
    assert where(result, "法轮功") == "第2页"


def test_pdf_line_wraps_inside_a_chinese_paragraph_are_joined() -> None:
    """A term that the layout broke over two lines is still one word for the checks."""
    page = [("cjk", "请各单位认真贯"), ("cjk", "切落实。"), ("cjk", "特此通知")]
    result = extract_attachment("http://gov.cn/a.pdf", make_pdf([page]), None)
    assert result.text == "请各单位认真贯切落实。\n特此通知"


def test_format_is_sniffed_from_bytes_before_name_and_type() -> None:
    pdf = b"\r\n" + make_pdf(TWO_PAGES)  # junk before %PDF still opens in readers
    # A download script with no extension, served as octet-stream.
    assert sniff_format(pdf, "http://gov.cn/download.jsp?id=7", "application/octet-stream") == "pdf"
    result = extract_attachment("http://gov.cn/download.jsp?id=7", pdf, "application/octet-stream")
    assert result.format == "pdf" and ID_NUMBER in result.text
    # An xlsx published under a .xls name is still read as what it is.
    assert extract_attachment("http://gov.cn/a.xls", make_xlsx(), None).format == "xlsx"
    assert sniff_format(make_docx(), "http://gov.cn/a.doc") == "docx"


def test_office_html_saved_as_doc_is_read() -> None:
    body = (
        '<html xmlns:w="urn:schemas-microsoft-com:office:word"><head>'
        '<meta http-equiv=Content-Type content="text/html; charset=gb2312"></head>'
        "<body><p>请认真贯切落实</p><style>p{}</style></body></html>"
    ).encode("gb18030")
    result = extract_attachment("http://gov.cn/a.doc", body, "application/msword")
    assert result.format == "html" and result.reason is None
    assert result.text == "请认真贯切落实"


def test_owner_password_only_pdf_is_read() -> None:
    """Bureaus lock printing/copying with an owner password; the empty user password opens it."""
    body = encrypt_pdf(make_pdf(TWO_PAGES), user_password="")
    result = extract_attachment("http://gov.cn/a.pdf", body, None)
    assert result.reason is None
    assert "法轮功" in result.text


# ---------------------------------------------------------------------------------------------
# Reasons: encrypted, corrupt, scanned, unsupported, too_large — never an exception
# ---------------------------------------------------------------------------------------------


def test_pdf_with_a_user_password_is_encrypted() -> None:
    body = encrypt_pdf(make_pdf(TWO_PAGES), user_password="secret")
    result = extract_attachment("http://gov.cn/a.pdf", body, None)
    assert (result.reason, result.format, result.text) == ("encrypted", "pdf", "")


def test_password_protected_xlsx_is_encrypted() -> None:
    msoffcrypto = pytest.importorskip("msoffcrypto.format.ooxml")
    out = io.BytesIO()
    msoffcrypto.OOXMLFile(io.BytesIO(make_xlsx())).encrypt("secret", out)
    result = extract_attachment("http://gov.cn/名单.xlsx", out.getvalue(), None)
    assert result.reason == "encrypted"
    assert result.text == ""


def _patched_doc(tmp_path: Path, offset: int, value: int) -> bytes:
    """The .doc fixture with one 16-bit FIB field of its WordDocument stream overwritten."""
    path = tmp_path / "patched.doc"
    shutil.copy(FIXTURES / "legacy.doc", path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream = bytearray(ole.openstream("WordDocument").read())
        stream[offset : offset + 2] = value.to_bytes(2, "little")
        ole.write_stream("WordDocument", bytes(stream))
    return path.read_bytes()


def test_password_protected_doc_is_encrypted(tmp_path: Path) -> None:
    body = (FIXTURES / "legacy.doc").read_bytes()
    with olefile.OleFileIO(io.BytesIO(body)) as ole:
        flags = int.from_bytes(ole.openstream("WordDocument").read()[0x0A:0x0C], "little")
    result = extract_attachment(
        "http://gov.cn/a.doc", _patched_doc(tmp_path, 0x0A, flags | 0x0100), None
    )
    assert result.reason == "encrypted"


def word6(text: str, flags: int = 0, lid: int = 0x0804, fc_mac_extra: int = 0) -> bytes:
    """A Word 6/95 binary: its FIB and one run of GBK text from fcMin to fcMac."""
    raw = text.encode("gbk")
    word = bytearray(0x300) + raw
    struct.pack_into("<HHHHHH", word, 0, 0xA5EC, 0x0065, 0, lid, 0, flags)
    struct.pack_into("<II", word, 0x18, 0x300, 0x300 + len(raw) + fc_mac_extra)
    return compound_file({"WordDocument": bytes(word)})


def test_word95_binary_saved_in_full_is_read_in_its_code_page() -> None:
    body = word6("关于做好2024年工作的通知\r请各单位认真贯切落实。\r")
    result = extract_attachment("http://gov.cn/a.doc", body, None)
    assert (result.format, result.reason) == ("doc", None)
    assert result.text == "关于做好2024年工作的通知\n请各单位认真贯切落实。"
    assert where(result, "贯切落实") == "第2段"


def test_word95_binaries_that_cannot_be_read_say_why(tmp_path: Path) -> None:
    fast_saved = extract_attachment("http://gov.cn/a.doc", word6("甲\r", flags=0x0004), None)
    assert fast_saved.reason == "unsupported" and "快速保存的 Word 6/95" in fast_saved.detail
    cut = extract_attachment("http://gov.cn/a.doc", word6("甲\r", fc_mac_extra=10**6), None)
    assert cut.reason == "corrupt" and "超出文件" in cut.detail
    patched = extract_attachment("http://gov.cn/a.doc", _patched_doc(tmp_path, 0x02, 0x0030), None)
    assert patched.reason == "unsupported" and "未知版本" in patched.detail


def test_pdf_without_text_layer_is_scanned() -> None:
    result = extract_attachment("http://gov.cn/扫描件.pdf", make_pdf([[], []]), None)
    assert result.reason == "scanned"
    assert "2 页没有文字层" in (result.detail or "")


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("http://gov.cn/a.xls", b"\x00\x01garbage" * 50),
        ("http://gov.cn/a.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"),
        ("http://gov.cn/a.docx", make_docx()[:3000]),  # cut short mid-download
        ("http://gov.cn/a.xlsx", make_xlsx()[:-200]),
        ("http://gov.cn/a.doc", (FIXTURES / "legacy.doc").read_bytes()[:1536]),
        ("http://gov.cn/a.xls", (FIXTURES / "legacy.xls").read_bytes()[:2048]),
        ("http://gov.cn/a.pdf", b""),
    ],
)
def test_corrupt_files_give_a_reason(url: str, body: bytes) -> None:
    result = extract_attachment(url, body, None)
    assert result.reason == "corrupt", result
    assert result.detail


def test_error_page_served_for_an_attachment_is_corrupt() -> None:
    body = "<!DOCTYPE html><html><body>404 页面不存在</body></html>".encode()
    result = extract_attachment("http://gov.cn/a.pdf", body, "text/html")
    assert (result.reason, result.format) == ("corrupt", "html-page")


@pytest.mark.parametrize(
    ("url", "body", "fmt"),
    [
        ("http://gov.cn/a.wps", b"\xffWPS old kingsoft" * 10, "wps"),  # pre-2005 Kingsoft format
        ("http://gov.cn/a.rar", b"Rar!\x1a\x07\x00" + b"\x00" * 40, "rar"),
    ],
)
def test_formats_without_a_reader_are_unsupported(url: str, body: bytes, fmt: str) -> None:
    result = extract_attachment(url, body, None)
    assert (result.reason, result.format) == ("unsupported", fmt)


def test_zip_archive_is_unsupported() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("名单.xls", b"x")
    result = extract_attachment("http://gov.cn/附件.zip", out.getvalue(), None)
    assert (result.reason, result.format) == ("unsupported", "zip")


# ---------------------------------------------------------------------------------------------
# Bounds
# ---------------------------------------------------------------------------------------------


def test_zip_that_unpacks_too_far_is_too_large() -> None:
    result = extract_attachment(
        "http://gov.cn/a.docx", make_docx(), None, Limits(max_unzipped=1000)
    )
    assert result.reason == "too_large"


def test_page_and_char_bounds_truncate_the_text() -> None:
    pdf = make_pdf(TWO_PAGES)
    by_pages = extract_attachment("http://gov.cn/a.pdf", pdf, None, Limits(max_pages=1))
    assert by_pages.truncated == "pages" and "法轮功" not in by_pages.text
    assert ID_NUMBER in by_pages.text
    by_chars = extract_attachment("http://gov.cn/a.xlsx", make_xlsx(), None, Limits(max_chars=20))
    assert by_chars.truncated == "chars" and len(by_chars.text) == 20


def test_row_bound_truncates_a_spreadsheet() -> None:
    result = extract_attachment("http://gov.cn/a.xlsx", make_xlsx(), None, Limits(max_rows=1))
    assert result.truncated == "rows"
    assert ID_NUMBER not in result.text


def test_damaged_bytes_never_raise() -> None:
    """Flipped bytes anywhere in each kind of file: a text or a reason, never an exception."""
    rng = random.Random(10)
    samples = [
        ("a.pdf", make_pdf(TWO_PAGES)),
        ("a.docx", make_docx()),
        ("a.xlsx", make_xlsx()),
        ("a.doc", (FIXTURES / "legacy.doc").read_bytes()),
        ("a.xls", (FIXTURES / "legacy.xls").read_bytes()),
        ("a.doc", make_rtf("wps")),
        ("a.rtf", make_rtf("word")),
        ("a.wps", word97(FAST_SAVED, order=[2, 0, 3, 1])),
        ("b.doc", word6("关于做好2024年工作的通知\r")),
    ]
    for name, body in samples:
        for _ in range(15):
            damaged = bytearray(body)
            for _ in range(8):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            result = extract_attachment(f"http://gov.cn/{name}", bytes(damaged), None)
            assert result.reason in (None, *REASONS)
            assert result.reason is not None or isinstance(result.text, str)


def test_location_at() -> None:
    locations = ((0, "Sheet1"), (7, "Sheet1!A1"), (12, "Sheet1!B1"))
    assert location_at(locations, 0) == "Sheet1"
    assert location_at(locations, 11) == "Sheet1!A1"
    assert location_at(locations, 500) == "Sheet1!B1"
    assert location_at((), 3) is None


@pytest.mark.parametrize(
    "disposition, name",
    [
        ('attachment; filename="report.pdf"', "report.pdf"),
        ("attachment; filename*=UTF-8''%E9%80%9A%E7%9F%A5.pdf", "通知.pdf"),
        ("attachment; filename=%E9%80%9A%E7%9F%A5.xlsx", "通知.xlsx"),
        # Raw GBK bytes (as the Latin-1 text of the header), short enough to be valid UTF-8 too.
        ('attachment; filename="' + "通知.doc".encode("gbk").decode("latin-1") + '"', "通知.doc"),
        (
            'attachment; filename="' + "年度报告.wps".encode().decode("latin-1") + '"',
            "年度报告.wps",
        ),
        (
            'attachment; filename="..\\..\\etc\\' + "名单.xls".encode().decode("latin-1") + '"',
            "名单.xls",
        ),
        ("inline", None),
        (None, None),
    ],
)
def test_download_names_of_content_disposition(disposition, name):
    assert download_name(disposition) == name


def test_a_download_is_readable_by_its_name_or_its_type():
    assert is_readable_download("application/octet-stream", "名单.xls")
    assert is_readable_download("application/pdf", None)
    assert not is_readable_download("application/zip", "材料.zip")
    assert not is_readable_download("image/png", None)
