"""A page's visible text, block elements on their own lines, spaces collapsed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from govaudit.crawler.extract.boilerplate import SKIP_TAGS, Boilerplate

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "main", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    "body", "center",
}  # fmt: skip
_SPACE = r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b]"
# A run of spaces, written `xx*` rather than `x+`: re looks for a pattern's first character in one
# C loop when the pattern starts with it, but tries a pattern that starts with a repeat at every
# position of the text (twice as slow over a page).
_SPACES = re.compile(f"{_SPACE}{_SPACE}*")


def text_content(el: etree._Element) -> str:
    """lxml.html's `el.text_content()`: the element's own text when it has no children (most of a
    page), else libxml2's text serialisation, the same string as the XPath `string()` it asks for
    (both join the descendant text nodes in C), at under half the cost of an XPath evaluation."""
    if not len(el):
        return el.text or ""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


def shown_text(el: etree._Element) -> str:
    """The element's text as a reader sees it: `text_content` without the code of its scripts
    and style sheets (`<td><script>var fileNum = "";…</script></td>` shows no 文号)."""
    if not len(el) or not any(True for _ in el.iter(*SKIP_TAGS)):
        return text_content(el)
    parts: list[str] = [el.text or ""]
    for child in el:
        if child.tag.__class__ is str and child.tag not in SKIP_TAGS:
            parts.append(shown_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


class Texts:
    """Collapsed text content per element, memoised: an anchor's text is read for its link,
    its list item and the pager."""

    def __init__(self) -> None:
        self._memo: dict[etree._Element, str] = {}

    def of(self, el: etree._Element) -> str:
        """The element's text content, whitespace collapsed."""
        # a lookup, not try/except KeyError: every anchor misses once, and raising costs more
        text = self._memo.get(el)
        if text is None:
            self._memo[el] = text = collapse(text_content(el))
        return text


def collapse(text: str | None) -> str:
    # str.split() splits on exactly what `\s` matches (both use Py_UNICODE_ISSPACE), faster
    return " ".join((text or "").replace("\u200b", "").split())


def visible_text(root: etree._Element, bp: Boilerplate, keep_boilerplate: bool = False) -> str:
    """Body text with block elements on their own lines, without scripts and boilerplate."""
    parts: list[str] = []
    append = parts.append
    # An element is pushed to be opened; what closes it (its line break and its tail) is pushed
    # as a string to come after its children, and only when there is one: most elements are
    # inline and untailed, and this walk runs over every element of every page.
    stack: list[etree._Element | str] = [root]
    while stack:
        el = stack.pop()
        if el.__class__ is str:
            append(el)
            continue
        tag = el.tag
        if (
            tag.__class__ is not str  # a comment or processing instruction: its tail only
            or tag in SKIP_TAGS
            or (not keep_boilerplate and bp.entered(el))
        ):
            if el.tail and el is not root:
                append(el.tail)
            continue
        tail = el.tail if el is not root else None
        if tag in _BLOCK_TAGS:
            append("\n")
            stack.append("\n" + tail if tail else "\n")
        elif tail:
            stack.append(tail)
        if el.text:
            append(el.text)
        if len(el):
            stack.extend(reversed(el))
    # _SPACES holds no newline, so collapsing the whole text is collapsing each line
    lines = _SPACES.sub(" ", "".join(parts)).split("\n")
    return "\n".join(filter(None, map(str.strip, lines)))


def iter_elements(root: etree._Element) -> Iterator[etree._Element]:
    """Elements only (no comments or processing instructions), filtered in C."""
    return root.iter(etree.Element)
