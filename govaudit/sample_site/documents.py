"""Real attachment files for the sample site, byte-for-byte deterministic.

docx and xlsx are written with python-docx and openpyxl (the libraries the crawler reads them
with), then re-zipped with a fixed timestamp and fixed document dates, because both libraries
stamp the time of saving. The pdf is written by hand (a CID font with a ToUnicode map, as Word
and WPS exports embed Chinese text), and so is the password-protected one: pypdf's writer would
salt it with random bytes. Legacy .doc/.xls are "saved as web page" HTML files, as many CMSs
serve them: no library writes the 97 binaries.
"""

from __future__ import annotations

import io
import re
import zipfile
from html import escape

FIXED_ZIP_TIME = (2024, 1, 2, 9, 0, 0)
FIXED_DATE = "2024-01-02T09:00:00Z"
_CORE_DATE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every member's time and the document's own dates fixed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATE.sub(rb"\g<1>" + FIXED_DATE.encode() + rb"\g<2>", body)
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, body)
    return out.getvalue()


def docx_file(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip(out.getvalue())


def xlsx_file(sheets: dict[str, list[list[object]]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    first = True
    for name, rows in sheets.items():
        sheet = book.active if first else book.create_sheet(name)
        sheet.title = name
        first = False
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return _fixed_zip(out.getvalue())


def corrupt_docx(body: bytes) -> bytes:
    """A docx cut off in transfer (an interrupted upload to the CMS): the zip is unreadable."""
    return body[: len(body) // 3]


def pdf_file(pages: list[list[str]], encrypted: bool = False) -> bytes:
    """A minimal real PDF, one line of text per item: an all-ASCII line in Helvetica, any other
    in an Identity-H CID font whose ToUnicode CMap maps the glyphs back to the characters.
    `encrypted` adds a standard security handler (RC4, 128 bit) whose user password is not
    empty: no reader opens it."""
    chars = sorted({ch for page in pages for line in page if not line.isascii() for ch in line})
    cid = {ch: i + 1 for i, ch in enumerate(chars)}
    bfchar = "\n".join(f"<{cid[ch]:04X}> <{ord(ch):04X}>" for ch in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n{bfchar}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    objs = {
        3: "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        "/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        4: "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo "
        "<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 6 0 R "
        "/DW 1000 >>",
        5: f"<< /Length {len(cmap.encode())} >>\nstream\n{cmap}\nendstream",
        6: "<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] "
        "/ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>",
        7: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    kids = []
    n = 8
    for page in pages:
        ops = ["BT"]
        for line, text in enumerate(page):
            y = 780 - 20 * line
            if text.isascii():
                escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                ops.append(f"/F2 12 Tf 1 0 0 1 50 {y} Tm ({escaped}) Tj")
            else:
                glyphs = "".join(f"{cid[ch]:04X}" for ch in text)
                ops.append(f"/F1 12 Tf 1 0 0 1 50 {y} Tm <{glyphs}> Tj")
        ops.append("ET")
        content = "\n".join(ops)
        objs[n] = f"<< /Length {len(content.encode())} >>\nstream\n{content}\nendstream"
        objs[n + 1] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {n} 0 R "
            "/Resources << /Font << /F1 3 0 R /F2 7 0 R >> >> >>"
        )
        kids.append(f"{n + 1} 0 R")
        n += 2
    objs[1] = "<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    if encrypted:
        objs[n] = (
            "<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 "
            f"/O <{'5a' * 32}> /U <{'c3' * 32}> >>"
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for i in sorted(objs):
        offsets[i] = len(out)
        out += f"{i} 0 obj\n{objs[i]}\nendobj\n".encode()
    size = max(objs) + 1
    trailer = f"/Size {size} /Root 1 0 R"
    if encrypted:
        trailer += f" /Encrypt {n} 0 R /ID [<{'0f' * 16}> <{'0f' * 16}>]"
    xref = len(out)
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offsets[i]:010d} 00000 n \n" for i in range(1, size)).encode()
    out += f"trailer\n<< {trailer} >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def office_html(title: str, rows: list[list[str]], app: str = "Excel") -> bytes:
    """A spreadsheet or document "saved as web page" by Office, served as .xls/.doc (GBK)."""
    ns = "excel" if app == "Excel" else "word"
    cells = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    html = (
        f'<html xmlns:o="urn:schemas-microsoft-com:office:office" '
        f'xmlns:x="urn:schemas-microsoft-com:office:{ns}">'
        f'<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f'<meta name="ProgId" content="{app}.Sheet"><meta name="Generator" '
        f'content="Microsoft {app} 15"><title>{escape(title)}</title></head>'
        f"<body><p>{escape(title)}</p><table>{cells}</table></body></html>"
    )
    return html.encode("gb18030")
