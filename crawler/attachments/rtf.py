"""RTF, whatever its name (WPS and Word save RTF as .doc): a small reader of its syntax (\\'hh bytes
in the font's or the document's code page, \\uN characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govaudit.crawler.attachments.text import (
    CONTROL_CHARS,
    AttachmentText,
    Limits,
    TextBuilder,
    Unreadable,
)

_RTF_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|[\r\n]+|([^\\{}\r\n]+)",
    re.S,
)
# Groups whose text is no document text (tables of fonts and styles, metadata, pictures, field
# instructions); a `{\*\name …}` group is skipped whatever its name (RTF 1.9.1, "Destinations").
_RTF_SKIP = frozenset(
    b"fonttbl colortbl stylesheet info pict object objdata fldinst listtable listoverridetable "
    b"rsidtbl generator themedata colorschememapping datastore latentstyles xmlnstbl filetbl "
    b"revtbl pgdsctbl bkmkstart bkmkend mmathPr passwordhash userprops docvar".split()
)
_RTF_BREAK = {b"par": "\n", b"line": "\n", b"sect": "\n", b"page": "\n", b"row": "\n"}
_RTF_SYMBOL = {
    b"cell": "\t",
    b"nestcell": "\t",
    b"tab": "\t",
    b"emdash": "\u2014",
    b"endash": "\u2013",
    b"lquote": "\u2018",
    b"rquote": "\u2019",
    b"ldblquote": "\u201c",
    b"rdblquote": "\u201d",
    b"bullet": "\u2022",
    b"emspace": " ",
    b"enspace": " ",
}
# \fcharsetN → the code page of that font's \'hh bytes (RTF 1.9.1, \fcharset table).
_RTF_CHARSETS = {
    128: "cp932",
    129: "cp949",
    134: "gb18030",
    136: "cp950",
    161: "cp1253",
    162: "cp1254",
    177: "cp1255",
    178: "cp1256",
    186: "cp1257",
    204: "cp1251",
    222: "cp874",
    238: "cp1250",
}


@dataclass
class _RtfGroup:
    skip: bool = False
    font: int | None = None
    uc: int = 1  # characters that stand in for each \uN (its ANSI fallback) and are skipped
    in_fonttbl: bool = False


class _RtfText:
    """The visible text of an RTF body: a small reader of the RTF 1.9.1 syntax, no layout."""

    def __init__(self, body: bytes, max_chars: int) -> None:
        self.body = body
        self.max_chars = max_chars
        self.out: list[str] = []
        self.size = 0
        self.pending = bytearray()  # \'hh bytes: a GBK character is two of them
        self.codepage = "cp1252"  # \ansicpgN
        self.fonts: dict[int, str] = {}
        self.skip_fallback = 0
        self.pictures = 0

    def text(self) -> str:
        stack = [_RtfGroup()]
        pos, n = 0, len(self.body)
        while pos < n and self.size < self.max_chars:
            m = _RTF_TOKEN.match(self.body, pos)
            if m is None:  # a lone backslash at the end
                break
            pos = m.end()
            word, arg, hexbyte, symbol, brace, plain = m.groups()
            group = stack[-1]
            if brace == b"{":
                self._flush(group)
                stack.append(_RtfGroup(group.skip, group.font, group.uc, group.in_fonttbl))
            elif brace == b"}":
                self._flush(group)
                if len(stack) > 1:
                    stack.pop()
            elif word is not None:
                pos = self._control(word, arg, stack, pos)
            elif hexbyte is not None:
                if self.skip_fallback:
                    self.skip_fallback -= 1
                elif not group.skip:
                    self.pending.append(int(hexbyte, 16))
            elif symbol is not None:
                self._symbol(symbol, stack)
            elif plain is not None:
                self._plain(plain, group)
        self._flush(stack[-1])
        return "".join(self.out)

    def _control(self, word: bytes, arg: bytes | None, stack: list[_RtfGroup], pos: int) -> int:
        group = stack[-1]
        self.skip_fallback = 0 if word != b"u" else self.skip_fallback
        if word == b"bin" and arg:  # raw binary data: jump over it
            return pos + max(int(arg), 0)
        if word in _RTF_SKIP:
            group.skip = True
            group.in_fonttbl = word == b"fonttbl"
            self.pictures += word == b"pict"
            return pos
        if group.in_fonttbl:
            self._font_table(word, arg, group)
            return pos
        if word == b"ansicpg" and arg:
            self.codepage = f"cp{int(arg)}" if arg != b"936" else "gb18030"
        elif word == b"f" and arg:
            self._flush(group)
            group.font = int(arg)
        elif word == b"uc" and arg:
            group.uc = max(int(arg), 0)
        elif word == b"u" and arg:
            if not group.skip:
                self._flush(group)
                self._emit(chr(int(arg) % 65536))
            self.skip_fallback = group.uc
        elif not group.skip and (word in _RTF_BREAK or word in _RTF_SYMBOL):
            self._flush(group)
            self._emit(_RTF_BREAK.get(word) or _RTF_SYMBOL[word])
        return pos

    def _font_table(self, word: bytes, arg: bytes | None, group: _RtfGroup) -> None:
        if word == b"f" and arg:
            group.font = int(arg)
        elif word == b"fcharset" and arg and group.font is not None:
            codepage = _RTF_CHARSETS.get(int(arg))
            if codepage:
                self.fonts[group.font] = codepage

    def _symbol(self, symbol: bytes, stack: list[_RtfGroup]) -> None:
        group = stack[-1]
        if symbol == b"*":  # an optional destination this reader does not know
            group.skip = True
        elif group.skip:
            return
        elif symbol in b"\\{}":
            self._plain(symbol, group)
        elif symbol == b"~":
            self._plain(b" ", group)
        elif symbol == b"_":
            self._plain(b"-", group)
        elif symbol in (b"\n", b"\r"):  # \<newline> is \par
            self._flush(group)
            self._emit("\n")

    def _plain(self, raw: bytes, group: _RtfGroup) -> None:
        if self.skip_fallback:
            cut = min(self.skip_fallback, len(raw))
            self.skip_fallback -= cut
            raw = raw[cut:]
        if raw and not group.skip:
            if raw.isascii():
                self._flush(group)
                self._emit(raw.decode("ascii"))
            else:  # 8-bit text written raw, as some writers do
                self.pending.extend(raw)

    def _flush(self, group: _RtfGroup) -> None:
        if not self.pending:
            return
        raw, self.pending = bytes(self.pending), bytearray()
        font = self.fonts.get(group.font) if group.font is not None else None
        # A font's charset names its code page; many writers give CJK fonts charset 0 and rely
        # on \ansicpg936, so the other code page is tried before any byte is replaced.
        for codepage in dict.fromkeys((font or self.codepage, self.codepage, "gb18030")):
            try:
                self._emit(raw.decode(codepage))
                return
            except (UnicodeDecodeError, LookupError):
                continue
        self._emit(raw.decode(font or self.codepage, "replace"))

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.size += len(text)


def read_rtf(body: bytes, fmt: str, limits: Limits) -> AttachmentText:
    """Text of an RTF file, one location per paragraph (第N段)."""
    reader = _RtfText(body[body.find(b"{\\rtf") :], limits.max_chars)  # after a BOM
    text = reader.text()
    out = TextBuilder(limits)
    for number, paragraph in enumerate(
        (p.strip() for p in CONTROL_CHARS.sub("", text).split("\n") if p.strip()), 1
    ):
        out.add(paragraph, f"第{number}段")
    result = out.result(fmt)
    if not result.text and reader.pictures:
        raise Unreadable("scanned", f"只有 {reader.pictures} 张图片，没有文字（可能是扫描图片）")
    return result
