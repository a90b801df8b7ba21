"""Word 97-2003 .doc/.wps: the piece table of the `WordDocument` stream ([MS-DOC] §2.4.1) with its
subdocuments (headers, notes, comments, text boxes), and Word 6/95 files saved in full.
"""

from __future__ import annotations

import io
import re
import struct

from govaudit.crawler.attachments.text import (
    CONTROL_CHARS,
    AttachmentText,
    Limits,
    TextBuilder,
    Unreadable,
)


def read_word97(body: bytes, fmt: str, limits: Limits) -> AttachmentText:
    """Text of a Word 97–2003 binary (.doc, and .wps saved by WPS in that format).

    [MS-DOC] §2.4.1 "Retrieving Text": the FIB gives the Clx in the table stream; its piece table
    maps character positions to runs of cp1252 bytes (fCompressed) or UTF-16LE in WordDocument.
    """
    import olefile

    with olefile.OleFileIO(io.BytesIO(body)) as ole:
        word = ole.openstream("WordDocument").read()
        if len(word) < 0x22 or struct.unpack_from("<H", word, 0)[0] != 0xA5EC:
            raise Unreadable("corrupt", "Word 文件结构损坏（WordDocument 流中没有 FIB）")
        (n_fib,) = struct.unpack_from("<H", word, 2)
        (flags,) = struct.unpack_from("<H", word, 0x0A)
        if flags & 0x0100:  # fEncrypted
            raise Unreadable("encrypted", "Word 文件设有打开密码")
        if n_fib < 0x00C1:  # Word 6/95: no piece table in the 97 layout
            return _read_word6(word, n_fib, flags, fmt, limits)
        table_name = "1Table" if flags & 0x0200 else "0Table"  # fWhichTblStm
        if not ole.exists(table_name):
            raise Unreadable("corrupt", f"Word 文件结构损坏（缺少 {table_name} 流）")
        table = ole.openstream(table_name).read()
    fc_clx, lcb_clx, ccps = _fib_clx(word)
    pieces = _piece_table(table[fc_clx : fc_clx + lcb_clx])
    # The subdocuments follow the main text in CP order ([MS-DOC] §2.4.1): footnotes, headers
    # and footers, comments, endnotes, text boxes and the headers' text boxes. A fast save
    # (fComplex) changes only where the pieces' bytes lie, which the piece table says.
    wanted = sum(n for _, n in ccps)
    chars = _piece_text(word, pieces, min(wanted, limits.max_chars))
    out = TextBuilder(limits)
    start = 0
    for name, count in ccps:
        part = chars[start : start + count]
        start += count
        if name is None:
            continue
        for number, paragraph in enumerate(_word_paragraphs(part), 1):
            out.add(paragraph, f"{name}第{number}段" if name else f"第{number}段")
    if wanted > limits.max_chars:
        out.truncated = "chars"
    return out.result(fmt)


def _piece_text(word: bytes, pieces: list[tuple[int, int, int, bool]], budget: int) -> str:
    """The first `budget` characters the piece table maps, in CP order."""
    chunks: list[str] = []
    total = 0
    for cp_start, cp_end, fc, compressed in pieces:
        if total >= budget:
            break
        n = min(cp_end - cp_start, budget - total)
        if compressed:
            chunks.append(word[fc // 2 : fc // 2 + n].decode("cp1252", "replace"))
        else:
            chunks.append(word[fc : fc + 2 * n].decode("utf-16-le", "replace"))
        total += n
    return "".join(chunks)


# The code page of a Word 6/95 file's 8-bit text, by the FIB's language id (lid).
_WORD6_CODEPAGES = {0x0804: "gb18030", 0x1004: "gb18030", 0x0404: "cp950", 0x0C04: "cp950"}
_WORD6_CODEPAGES |= {0x0411: "cp932", 0x0412: "cp949"}


def _read_word6(word: bytes, n_fib: int, flags: int, fmt: str, limits: Limits) -> AttachmentText:
    """Text of a Word 6.0/95 binary saved in full (not fast-saved): its text is one run of
    8-bit characters, GBK in a Chinese file, from fcMin to fcMac (the Word 6 FIB)."""
    if not 0x0065 <= n_fib <= 0x0069:
        raise Unreadable("unsupported", f"未知版本的 Word 二进制文件（nFib {n_fib:#x}）")
    if flags & 0x0004:  # fComplex: a fast save left a piece table of the Word 6 layout
        raise Unreadable("unsupported", f"快速保存的 Word 6/95 旧格式（nFib {n_fib:#x}）")
    (lid,) = struct.unpack_from("<H", word, 0x06)
    fc_min, fc_mac = struct.unpack_from("<II", word, 0x18)
    if not 0x20 <= fc_min <= fc_mac <= len(word):
        raise Unreadable("corrupt", f"Word 文件结构损坏（正文范围 {fc_min}..{fc_mac} 超出文件）")
    raw = word[fc_min : min(fc_mac, fc_min + limits.max_chars * 2)]
    text = raw.decode(_WORD6_CODEPAGES.get(lid, "cp1252"), "replace")
    out = TextBuilder(limits)
    for number, paragraph in enumerate(_word_paragraphs(text), 1):
        out.add(paragraph, f"第{number}段")
    return out.result(fmt)


# FibRgLw97 ([MS-DOC] §2.5.5): the character counts of the main text and of each subdocument,
# by index, with the name a finding's location gives it ("" for the main text).
# ccpMcr (6) must be 0; it is counted all the same, so that a file breaking the rule keeps the
# later subdocuments in place, and its text is not read.
_SUBDOCUMENTS = ((3, ""), (4, "脚注"), (5, "页眉页脚"), (6, None), (7, "批注"), (8, "尾注"))
_SUBDOCUMENTS += ((9, "文本框"), (10, "页眉文本框"))


def _fib_clx(word: bytes) -> tuple[int, int, list[tuple[str | None, int]]]:
    """(fcClx, lcbClx, [(subdocument, ccp) ...]) from the variable-length FIB ([MS-DOC] §2.5.1)."""
    pos = 0x20
    (csw,) = struct.unpack_from("<H", word, pos)
    pos += 2 + csw * 2
    (cslw,) = struct.unpack_from("<H", word, pos)
    rg_lw = pos + 2
    ccps = [
        (name, max(struct.unpack_from("<i", word, rg_lw + 4 * i)[0], 0))
        for i, name in _SUBDOCUMENTS
        if i < cslw
    ]
    pos = rg_lw + cslw * 4
    (cb_rg,) = struct.unpack_from("<H", word, pos)
    if cb_rg < 34:
        raise Unreadable("corrupt", "Word 文件结构损坏（FIB 过短，没有 piece table）")
    fc_clx, lcb_clx = struct.unpack_from("<II", word, pos + 2 + 33 * 8)  # fcClx is pair 33
    return fc_clx, lcb_clx, ccps


def _piece_table(clx: bytes) -> list[tuple[int, int, int, bool]]:
    """(cp_start, cp_end, fc, fCompressed) for each piece of a Clx."""
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: skip property modifiers
        (cb,) = struct.unpack_from("<h", clx, pos + 1)
        pos += 3 + cb
    if pos >= len(clx) or clx[pos] != 0x02:
        raise Unreadable("corrupt", "Word 文件结构损坏（Clx 中没有 piece table）")
    (lcb,) = struct.unpack_from("<I", clx, pos + 1)
    plc = clx[pos + 5 : pos + 5 + lcb]
    n = (len(plc) - 4) // 12
    if n <= 0:
        raise Unreadable("corrupt", "Word 文件结构损坏（piece table 为空）")
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    pieces = []
    for i in range(n):
        (fc_raw,) = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)
        compressed = bool(fc_raw & 0x40000000)
        pieces.append((cps[i], cps[i + 1], fc_raw & 0x3FFFFFFF, compressed))
    return pieces


_FIELD_CODE = re.compile("\x13[^\x13\x14\x15]*\x14")  # field instruction up to its separator
_FIELD_BARE = re.compile("\x13[^\x13\x14\x15]*\x15")  # a field with no shown result


def _word_paragraphs(raw: str) -> list[str]:
    """Word's control characters → plain text, one item per non-empty paragraph."""
    text = raw
    for _ in range(3):  # nested fields
        text = _FIELD_CODE.sub("", _FIELD_BARE.sub("", text))
    # A table cell ends with 0x07 and a row with one more 0x07 (its end-of-row mark).
    text = text.replace("\x15", "").replace("\x07\x07", "\n").replace("\x07", "\t")
    text = text.replace("\x0b", "\n").replace("\x0c", "\n")
    text = CONTROL_CHARS.sub("", text)
    return [p.strip() for p in re.split(r"[\r\n]", text) if p.strip()]
