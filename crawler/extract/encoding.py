"""Decoding a page's bytes: the least-damaged of the header's, the meta tag's, gb18030 and utf-8.

Source: ../shared/research/scrapy.md §3.
"""

from __future__ import annotations

import codecs
import re

# WHATWG maps these labels to gb18030, the superset: a page labelled gb2312 that holds GBK-only
# characters (镕 = E9 46) must not break (research §3).
_GB_ALIASES = {
    "gb2312",
    "gbk",
    "cp936",
    "gb_2312-80",
    "gb_2312",
    "x-gbk",
    "zh_cn",
    "euc-cn",
    "csgb2312",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:\-]+)", re.I | re.S)
_LOOSE_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([a-z0-9_.:\-]+)", re.I)
# Latin-1 letters (silent GBK-as-Latin mojibake), and scripts a Chinese government page
# practically never holds, but which GBK bytes read as UTF-8 (combining marks, Hebrew, Arabic ...)
# or UTF-8 bytes read as gb18030 (private use area) produce: one class, counted in one scan.
_SUSPECT = re.compile("[\u00c0-\u00ff\u0080-\u009f\u0250-\u036f\u0500-\u07ff\ue000-\uf8ff]")


def _normalise_encoding(label: str | None) -> str | None:
    """Python codec name for a declared label, gb* → gb18030; None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_ALIASES:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in ("gbk", "gb2312") else name


def _meta_charset(body: bytes) -> str | None:
    """The charset a `<meta>` declares in the first 4 KiB (lenient: also malformed tags)."""
    head = body[:4096]
    found = _META_CHARSET.search(head) or _LOOSE_CHARSET.search(head)
    return found.group(1).decode("ascii", "replace") if found else None


def _damage(text: str) -> int:
    # research §3: 10 × U+FFFD (undecodable bytes) + Latin-1 range chars (silent GBK-as-Latin mojibake)
    # plus one per implausible character, which breaks ties on short pages
    return 10 * text.count("\ufffd") + len(_SUSPECT.findall(text))


def decode_html(body: bytes, header_charset: str | None) -> tuple[str, str]:
    """Decode a page by the least-damaged of BOM, header, meta, utf-8 and gb18030.

    Neither the header nor the meta wins by itself: servers send wrong HTTP charsets and templates
    keep a stale `charset=gb2312` after a move to UTF-8 (research §3). Ties go to the BOM, then the
    header, then the meta; a body that is strictly valid UTF-8 with multibyte sequences beats a
    declared GB charset on a tie, because GBK-encoded Chinese practically never forms valid UTF-8,
    while UTF-8 bytes often decode as (wrong) gb18030 without a single replacement character.
    """
    candidates: list[str] = []
    for bom, name in _BOMS:
        if body.startswith(bom):
            candidates.append(name)
            body = body[len(bom) :]
            break
    for label in (header_charset, _meta_charset(body)):
        name = _normalise_encoding(label)
        if name:
            candidates.append(name)
    candidates += ["utf-8", "gb18030"]
    best: tuple[int, int, str, str] | None = None
    seen: set[str] = set()
    utf8_text = _multibyte_utf8(body)
    strict_utf8 = utf8_text is not None
    for rank, name in enumerate(candidates):
        if name in seen:
            continue
        seen.add(name)
        try:
            text = utf8_text if name == "utf-8" and utf8_text else body.decode(name, "replace")
        except (LookupError, ValueError):
            continue
        bonus = 0 if (name == "utf-8" and strict_utf8) else 1
        key = (_damage(text), bonus if strict_utf8 else rank, name, text)
        if best is None or key[:2] < best[:2]:
            best = key
        if key[0] == 0 and (bonus == 0 or not strict_utf8):
            break  # no later candidate can beat an undamaged text of the lowest rank or bonus
    if best is None:  # only reachable if every codec failed; utf-8 with replace cannot
        return body.decode("utf-8", errors="replace"), "utf-8"
    return best[3], best[2]


def _multibyte_utf8(body: bytes) -> str | None:
    """The body decoded, when it is strictly valid UTF-8 with multibyte sequences; else None."""
    if body.isascii():
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None
