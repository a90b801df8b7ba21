"""The look of an official notice (公文) in python-docx: page, fonts, links, page numbers.

After GB/T 9704-2012 《党政机关公文格式》: A4, margins 37/35/28/26 mm, the title in 二号
方正小标宋简体, the text in 三号 仿宋_GB2312 at a fixed 28-point line, headings in 黑体 and
楷体_GB2312, page numbers "— 1 —" in the footer. The 方正 and GB2312 fonts are not on every
computer: the document's font table names a fallback for each (`w:altName`: 宋体, 仿宋, 黑体,
楷体), which Word takes when the font is missing; LibreOffice falls back to the CJK fonts it
has (Noto CJK on Debian).

Text from crawled pages goes in as text (python-docx escapes it); `xml_safe` drops the control
characters XML cannot hold, which a hostile page could otherwise use to break the file.
"""

from __future__ import annotations

import re
from copy import deepcopy
from weakref import WeakKeyDictionary

from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT = (
    "方正小标宋简体",
    "仿宋_GB2312",
    "黑体",
    "楷体_GB2312",
)
# What Word shows when a font is not installed: the system fonts every Chinese Windows has.
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING_FONT: "SimHei", SUBHEADING_FONT: "楷体"}
TITLE_SIZE, BODY_SIZE, TABLE_SIZE = Pt(22), Pt(16), Pt(10.5)  # 二号, 三号, 五号
TABLE_STYLE, TABLE_HEADER_STYLE = "公文表格", "公文表头"
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: object) -> str:
    return _XML_UNSAFE.sub("", "" if text is None else str(text))


def set_page(document: DocumentObject) -> None:
    """A4 with the 公文 margins, the body style, the fonts' fallbacks and page numbers."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        _page_number(section.footer.paragraphs[0])
    normal = document.styles["Normal"]
    set_font(normal, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    for name, bold in ((TABLE_STYLE, False), (TABLE_HEADER_STYLE, True)):
        # Table text by style, not run by run: 2,000 rows of run fonts take seconds.
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        set_font(style, BODY_FONT, TABLE_SIZE, bold=bold)
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        style.paragraph_format.first_line_indent = Pt(0)
    _font_fallbacks(document)


def set_font(target, east_asia: str, size: Pt | None = None, bold: bool | None = None) -> None:
    """The font of a style or run, Chinese text included (python-docx sets only the Latin one)."""
    font = target.font
    font.name = "Times New Roman"
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    properties = target.element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)


def title(document: DocumentObject, text: str) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing = Pt(36)
    paragraph.paragraph_format.space_after = Pt(16)
    set_font(paragraph.add_run(xml_safe(text)), TITLE_FONT, TITLE_SIZE, bold=True)
    return paragraph


def heading(document: DocumentObject, text: str, level: int = 1) -> Paragraph:
    """一、… in 黑体, （一）… in 楷体: the 公文's first two heading levels."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(32)
    font = HEADING_FONT if level == 1 else SUBHEADING_FONT
    set_font(paragraph.add_run(xml_safe(text)), font, BODY_SIZE, bold=level > 1)
    return paragraph


def body(document: DocumentObject, text: str, indent: bool = True) -> Paragraph:
    paragraph = document.add_paragraph(xml_safe(text))
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    return paragraph


def table(document: DocumentObject, headers: list[str], widths_mm: list[float]) -> Table:
    """A bordered table in 五号 with a bold header row that repeats on every page."""
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    for column, cell, text, width in zip(
        grid.columns, grid.rows[0].cells, headers, widths_mm, strict=True
    ):
        column.width = cell.width = Mm(width)
        _cell_text(cell.paragraphs[0], text, TABLE_HEADER_STYLE)
    header = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    return grid


def add_row(grid: Table, values: list[str]) -> list[_Cell]:
    """A row of `values` in 五号, one run a cell. The table's first row is built by python-docx
    and kept empty as the template of the next ones: built cell by cell, a row took ~2.3 ms
    (1,246 rows, 2.9 s of a 20,000-page audit's critical path), a copy ~0.2 ms."""
    template = _row_templates.get(grid._tbl)
    if template is None:
        tr = grid.add_row()._tr
        for tc in tr.tc_lst:
            tc.p_lst[0].style = TABLE_STYLE
        _row_templates[grid._tbl] = deepcopy(tr)
    else:
        tr = deepcopy(template)
        grid._tbl.append(tr)
    for tc, text in zip(tr.tc_lst, values, strict=True):
        run = tc.p_lst[0].add_r()
        if text:
            run.text = xml_safe(text)
    # The row's own cells: `_Row.cells` walks the whole table each time.
    return [_Cell(tc, grid) for tc in tr.tc_lst]


# An empty row of each table `add_row` wrote, by the table's element (dropped with it).
_row_templates: WeakKeyDictionary = WeakKeyDictionary()


def _cell_text(paragraph: Paragraph, text: str, style: str) -> None:
    # By style id (the name: no spaces in it): `paragraph.style = name` searches every style.
    paragraph._p.style = style
    paragraph.add_run(xml_safe(text))


def hyperlink(paragraph: Paragraph, url: str, text: str | None = None) -> None:
    """A clickable link (http/https only; anything else stays plain text)."""
    url = xml_safe(url)
    if not url.startswith(("http://", "https://")):
        paragraph.add_run(xml_safe(text or url))
        return
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = paragraph.add_run(xml_safe(text or url))
    run.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    run.font.underline = True
    link.append(run._r)
    paragraph._p.append(link)


def _page_number(paragraph: Paragraph) -> None:
    """ "— N —" centred: the PAGE field, which Word and LibreOffice fill in."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(paragraph.add_run("— "), "宋体", Pt(14))
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    number.append(text)
    field.append(number)
    paragraph._p.append(field)
    set_font(paragraph.add_run(" —"), "宋体", Pt(14))


def _font_fallbacks(document: DocumentObject) -> None:
    """Name each 公文 font in the font table with its `w:altName` fallback."""
    part = next(
        (p for p in document.part.package.iter_parts() if p.partname.endswith("fontTable.xml")),
        None,
    )
    if part is None:
        return
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in FALLBACKS.items()
    )
    blob = part.blob.decode("utf-8")
    part._blob = blob.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")
