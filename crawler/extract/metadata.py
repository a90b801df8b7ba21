"""A page's title and its document metadata (索引号, 发文字号, 成文日期 ...) in all table layouts."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from lxml import etree

from govaudit.crawler.extract.boilerplate import Boilerplate
from govaudit.crawler.extract.dates import CJK, any_date
from govaudit.crawler.extract.text import collapse, iter_elements, shown_text, text_content

# ----- title -----


def page_title(root: etree._Element, kind: str, bp: Boilerplate) -> str:
    head_title = ""
    for t in root.iter("title"):
        head_title = collapse(text_content(t))
        break
    if kind in ("document", "article"):
        for m in root.iter("meta"):
            if (m.get("name") or "").lower() == "articletitle" and collapse(m.get("content")):
                return collapse(m.get("content"))
        for h in root.iter("h1"):
            heading = collapse(text_content(h))
            if heading and not bp.contains(h):
                return heading
    return head_title


# ----- document metadata -----

# Label variants of the 政府信息公开 metadata table (TRS/Hanweb/Ucap 索引号 blocks) → one key.
META_LABELS = {
    "索引号": "索引号",
    "信息索引号": "索引号",
    "信息索引": "索引号",  # 教育部
    "索取号": "索引号",
    "发布机构": "发布机构",
    "发文机关": "发布机构",
    "发布单位": "发布机构",
    "发文单位": "发布机构",
    "发布机关": "发布机构",
    "成文日期": "成文日期",
    "成文时间": "成文日期",
    "生成日期": "成文日期",  # 浙江 政府信息公开 platforms
    "形成日期": "成文日期",
    "发文日期": "印发日期",
    "公布日期": "发布日期",
    "文件编号": "文号",
    "发文机构": "发布机构",
    "发布部门": "发布机构",
    "印发日期": "印发日期",
    "发布日期": "发布日期",
    "发布时间": "发布日期",
    "公开日期": "发布日期",
    "公开时间": "发布日期",
    "文号": "文号",
    "发文字号": "文号",
    # 行政处罚信息公开表 (国家金融监督管理总局 and its offices): the decision's number and date.
    "行政处罚决定书文号": "文号",
    "处罚决定书文号": "文号",
    "作出处罚决定的日期": "成文日期",
    "主题分类": "主题分类",
    "主题词": "主题词",
    "有效性": "有效性",
    "时效性": "有效性",
    "是否有效": "有效性",
    "是否规范性文件": "是否规范性文件",
    "规范性文件": "是否规范性文件",
    "登记号": "登记号",
    "规范性文件登记号": "登记号",
    # 互动交流 message pages (政务咨询: 局长信箱, 咨询投诉 ...): when asked, when answered, status.
    "留言时间": "留言时间",
    "留言日期": "留言时间",
    "提问时间": "留言时间",
    "提问日期": "留言时间",
    "来信时间": "留言时间",
    "来信日期": "留言时间",
    "咨询时间": "留言时间",
    "咨询日期": "留言时间",
    "写信时间": "留言时间",
    "答复时间": "答复时间",
    "答复日期": "答复时间",
    "回复时间": "答复时间",
    "回复日期": "答复时间",
    "办理时间": "答复时间",
    "办结时间": "答复时间",
    "办结日期": "答复时间",
    "处理时间": "答复时间",
    "办理状态": "办理状态",
    "处理状态": "办理状态",
    "回复状态": "办理状态",
    "答复状态": "办理状态",
}
_DATE_KEYS = {"成文日期", "印发日期", "发布日期", "留言时间", "答复时间"}
_LABEL_STRIP = re.compile(r"[\s:：\u00a0\u3000【】\[\]]+")
_LABEL_ALT = "|".join(
    r"\s*".join(map(re.escape, label)) for label in sorted(META_LABELS, key=len, reverse=True)
)
_LABEL_RUN = re.compile(rf"(?P<label>{_LABEL_ALT})\s*[:：]")
# Where a value written in a run of text ends: the next `标签：` (来源：, 作者：, 点击数：).
_NEXT_LABEL = re.compile(r"\s+[\u4e00-\u9fff][\u4e00-\u9fff\s]{0,7}[:：]|\s{2,}|\u3000")
# What a CMS writes in a field the document does not have (文号：无, 文号：暂无, 文号：/): the page
# states that there is none, which is no value (a 文号 "无" would be a document number).
_NONE_STATED = re.compile(r"(?:暂?无|空|没有|无文号|不适用|[/\\\-—–－一]+)")


def _clean_value(key: str, raw: str) -> str | None:
    value = collapse(raw)
    if key in _DATE_KEYS:
        found = any_date(value[:40])
        return found.isoformat() if found else None
    cut = _NEXT_LABEL.search(value)
    if cut:
        value = value[: cut.start()]
    value = value.strip(" :：")
    if _NONE_STATED.fullmatch(value):
        return None
    if key == "是否规范性文件" and value:
        if value.startswith(("否", "非", "不是")) or value.lower() in ("n", "no"):
            return "否"
        if value.startswith("是") or value.lower() in ("y", "yes"):
            return "是"
    return value or None


def _label_key(text: str) -> str | None:
    """The normalised metadata key a label text names, if it is one."""
    if len(text) > 30:
        return META_LABELS.get(_LABEL_STRIP.sub("", text))
    return _short_label_key(text)


@functools.lru_cache(maxsize=4096)
def _short_label_key(text: str) -> str | None:
    # memoised across pages (a pure function): every short text of a page is asked, and menus
    # repeat on every page
    return META_LABELS.get(_LABEL_STRIP.sub("", text))


def document_metadata(root: etree._Element, visible: str) -> dict[str, str]:
    """Document metadata with normalised keys, from cells, dt/dd, label spans and text runs."""
    values: dict[str, list[str]] = {}

    def add(key: str, raw: str) -> None:
        value = _clean_value(key, raw)
        if value:
            values.setdefault(key, []).append(value)

    header_rows: set[etree._Element] = set()
    for key, value in _labels_above(root, header_rows):
        add(key, value)
    for el in iter_elements(root):
        children = len(el)
        if children > 2 or el.tag in ("html", "body", "script", "style"):
            continue
        if header_rows and el.getparent() in header_rows:
            continue  # a label heading a column: its neighbour is the next label
        # A label is short; the source's indentation around it is no part of it (30 characters
        # of text, counted once collapsed when the raw text is longer).
        text = el.text or ""
        if len(text) > 30 and len(text := collapse(text)) > 30:
            continue  # its text content is longer still
        if children:
            text = text_content(el)
            if len(text) > 30 and len(text := collapse(text)) > 30:
                continue
        if text.isascii():
            continue  # every label is Chinese (and many short texts are not: dates, numbers)
        key = _short_label_key(text)  # the text is at most 30 characters long here
        if not key and children and el.text and (own := _short_label_key(el.text)):
            # `<li>索&ensp;引&ensp;号：<font>PZ00108-…</font></li>`: the label is the element's
            # own text, the value its child's (福建 TRS 信息公开 pages); lines apart in the source.
            add(own, text_content(el)[len(el.text) :])
            continue
        if not key:
            continue
        # `<td>label</td><td>value</td>`, `<dt>/<dd>`, `<span>label：</span>value`
        tail = collapse(el.tail)
        nxt = el.getnext()
        if tail:
            add(key, tail)
        elif nxt is not None:
            value = shown_text(nxt)  # a script that writes the value is no value
            # An empty cell's neighbour is the next field (`文件编号:` | `发布机构: 省教育厅`),
            # not its value.
            if not _label_key(value) and not _LABEL_RUN.match(collapse(value)):
                add(key, value)
    for line in visible.split("\n"):
        if ":" not in line and "：" not in line:
            continue  # every label run ends with a colon
        runs = list(_LABEL_RUN.finditer(line))
        for i, run in enumerate(runs):
            if run.start() and CJK.match(line[run.start() - 1]):
                continue  # 文号 inside 发文字号-like words: labels start a word
            end = runs[i + 1].start() if i + 1 < len(runs) else len(line)
            key = _label_key(run.group("label"))
            if key:
                add(key, line[run.end() : end])
    meta: dict[str, str] = {}
    for key, found in values.items():
        # The same label with many values is a list of documents, not one document's table.
        if len(set(found)) <= 2:
            meta[key] = found[0]
    if "印发日期" in meta and "成文日期" not in meta:
        meta["成文日期"] = meta["印发日期"]
    return meta


# A 公文's 发文字号 on a line of its own just under its title (GB/T 9704: the number under the
# 发文机关标志), with no label: 川卫函〔2025〕46号. Only there: lists show many such numbers.
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔［\[]\d{4}[〕］\]]\d{1,5}号")
_LINES_UNDER_TITLE = 8


def number_under_title(visible: str, heading: str) -> str | None:
    """The 文号 a letter or notice writes alone on a line within a few lines of its title."""
    heading = heading.replace(" ", "")
    lines = visible.split("\n")
    for i in range(len(lines)) if heading else ():
        for span in (1, 2, 3):  # a title broken by <br> runs over several lines
            if "".join(lines[i : i + span]).replace(" ", "") == heading:
                below = lines[i + span : i + span + _LINES_UNDER_TITLE]
                return next((x.strip() for x in below if _DOC_NUMBER.fullmatch(x.strip())), None)
    return None


def _labels_above(
    root: etree._Element, header_rows: set[etree._Element] | None = None
) -> Iterator[tuple[str, str]]:
    """(key, value) of tables whose labels head the columns: a row of short label cells
    (索取号 | 发布时间 | 文件编号 | 备注), the values in the cells of the next row below them.
    `header_rows` receives those rows: their cells' neighbours are labels, not values."""
    for tr in root.iter("tr"):
        cells = [c for c in tr if c.tag in ("th", "td")]
        if len(cells) < 2:
            continue
        texts = [collapse(text_content(c)) for c in cells]
        keys = [_label_key(t) for t in texts]
        labels = sum(1 for k in keys if k)
        # No cell a value (a short text without digits, but for a label: 行政处罚决定书文号),
        # none written `label：` (that is the label-left layout: 有效性： | 有效 | 是否规范性文件： | 是).
        if not labels or any(
            (not key and (len(t) > 8 or _DIGIT.search(t))) or t.endswith((":", "："))
            for t, key in zip(texts, keys, strict=True)
        ):
            continue
        below = _next_row(tr)
        values = [c for c in below if c.tag in ("th", "td")] if below is not None else []
        # Most cells labels; or one label among the column heads of a wider table (序号 | 当事人名称
        # | 行政处罚决定书文号 | …) whose next row holds values only (label-left layouts alternate
        # labels and values, row after row).
        if labels * 2 <= len(cells) and (
            len(cells) < 3
            or len(values) != len(cells)
            or any(_label_key(collapse(text_content(c))) for c in values)
        ):
            continue
        if header_rows is not None:
            header_rows.add(tr)
        if len(values) != len(cells) or _more_data_rows(below) or _links_a_title(below):
            continue  # a list of documents under a header row, not one document's table
        for key, cell in zip(keys, values, strict=True):
            value = shown_text(cell)
            if key and not _label_key(collapse(value)):
                yield key, value


_DIGIT = re.compile(r"\d")


def _next_row(tr: etree._Element) -> etree._Element | None:
    """The table row after `tr`, across a <thead>/<tbody> boundary."""
    for sibling in tr.itersiblings():
        if sibling.tag == "tr":
            return sibling
    group = tr.getparent()
    if group is None or group.tag not in ("thead", "tbody", "tfoot"):
        return None
    for sibling in group.itersiblings():
        if sibling.tag == "tr":
            return sibling
        if sibling.tag in ("tbody", "tfoot"):
            return next(sibling.iter("tr"), None)
    return None


def _more_data_rows(row: etree._Element) -> bool:
    """Whether a row of values is followed by another row that is not a row of labels. The
    rows its merged cells span (rowspan: one decision, two parties) are the same record."""
    after = _next_row(row)
    for _ in range(_spanned_rows(row)):
        after = _next_row(after) if after is not None else None
    if after is None:
        return False
    cells = [c for c in after if c.tag in ("th", "td")]
    return not all(_label_key(collapse(text_content(c))) for c in cells)


def _links_a_title(row: etree._Element) -> bool:
    """Whether a row of values links a title to its page (名称 | 索引号 | 发布日期 over a row whose
    名称 is a link): a listed document, however few the rows; a page's own table names itself."""
    for a in row.iter("a"):
        href = (a.get("href") or "").strip()
        if (
            href
            and not href.startswith(("#", "javascript:"))
            and len(CJK.findall(text_content(a))) >= 6
        ):
            return True
    return False


def _spanned_rows(row: etree._Element) -> int:
    """How many rows below `row` its merged cells reach into."""
    spans = [c.get("rowspan", "1").strip() for c in row if c.tag in ("th", "td")]
    return max((int(n) - 1 for n in spans if n.isdigit()), default=0)


def cjk_before(text: str, pos: int) -> bool:
    """Whether a word runs into `pos` (会议时间 is no 时间 label). A line break ends the word:
    a title line above does not run into the 时间： that starts the next line."""
    i = pos - 1
    while i >= 0 and text[i].isspace() and text[i] != "\n":
        i -= 1
    return i >= 0 and bool(CJK.match(text[i]))
