"""Small real compound files (OLE / CFB, [MS-CFB]) and Word 97 documents ([MS-DOC]) for tests.

No maintained Python library writes the Word 97 binary, and LibreOffice is not on every machine
(tests/fixtures/attachments/make_fixtures.py made the one converted fixture). This writer makes
what the reader must handle and a converter never shows: pieces out of order (a fast-saved
file), compressed (cp1252) and UTF-16 pieces side by side, property modifiers before the piece
table, the table stream under either name, and the flags of encrypted and Word 6/95 files.
It writes version 3 files (512-byte sectors) and keeps every stream at 4096 bytes or more, so
that no mini stream is needed; olefile reads them as it reads Word's own.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

SECTOR = 512
FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
MIN_STREAM = 4096  # the mini-stream cutoff: streams this long live in ordinary sectors


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A CFB file holding `streams` (name → bytes) in its root storage."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # [MS-CFB] 2.6.4 name order
    data = [streams[n].ljust(MIN_STREAM, b"\0") for n in names]
    sectors: list[bytes] = []
    starts = []
    for body in data:
        starts.append(len(sectors))
        padded = body.ljust(-(-len(body) // SECTOR) * SECTOR, b"\0")
        sectors += [padded[i : i + SECTOR] for i in range(0, len(padded), SECTOR)]
    entries = [_dir_entry("Root Entry", 5, END_OF_CHAIN, 0, child=1 if names else NO_STREAM)]
    for i, (name, body) in enumerate(zip(names, data, strict=True)):
        right = i + 2 if i + 1 < len(names) else NO_STREAM  # a chain of right siblings
        entries.append(_dir_entry(name, 2, starts[i], len(body), right=right))
    directory = b"".join(entries).ljust(-(-len(entries) * 128 // SECTOR) * SECTOR, b"\0")
    dir_start = len(sectors)
    sectors += [directory[i : i + SECTOR] for i in range(0, len(directory), SECTOR)]
    # FAT: chains of each stream and of the directory, then the FAT's own sectors.
    fat: list[int] = []
    for i, body in enumerate(data):
        count = -(-len(body) // SECTOR)
        fat += [starts[i] + k + 1 for k in range(count - 1)] + [END_OF_CHAIN]
    count = len(directory) // SECTOR
    fat += [dir_start + k + 1 for k in range(count - 1)] + [END_OF_CHAIN]
    fat_sectors = -(-(len(fat) + 1) // (SECTOR // 4))
    while fat_sectors * (SECTOR // 4) < len(fat) + fat_sectors:
        fat_sectors += 1
    fat_start = len(fat)
    fat += [FAT_SECTOR] * fat_sectors
    fat += [FREE] * (fat_sectors * (SECTOR // 4) - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    sectors += [fat_bytes[i : i + SECTOR] for i in range(0, len(fat_bytes), SECTOR)]
    difat = [fat_start + k for k in range(fat_sectors)] + [FREE] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + b"\0" * 6
        # directory sectors (0 in version 3), FAT sectors, first directory sector, transaction,
        # mini-stream cutoff, mini FAT (none), DIFAT sectors (none: 109 FAT sectors suffice)
        + struct.pack(
            "<9I", 0, fat_sectors, dir_start, 0, MIN_STREAM, END_OF_CHAIN, 0, END_OF_CHAIN, 0
        )
        + struct.pack("<109I", *difat)
    )
    assert len(header) == SECTOR
    return header + b"".join(sectors)


def _dir_entry(
    name: str, kind: int, start: int, size: int, right: int = NO_STREAM, child: int = NO_STREAM
) -> bytes:
    raw = (name + "\0").encode("utf-16-le")
    return (
        raw.ljust(64, b"\0")
        + struct.pack("<HBB", len(raw), kind, 1)
        + struct.pack("<III", NO_STREAM, right, child)
        + b"\0" * 16  # CLSID
        + b"\0" * 4  # state bits
        + b"\0" * 16  # creation and modification times
        + struct.pack("<IQ", start, size)
    )


@dataclass(frozen=True)
class Piece:
    """A run of the document's text, stored compressed (cp1252 bytes) or as UTF-16LE."""

    text: str
    compressed: bool = False


FIB_SIZE = 900  # FibBase, 14 words, 22 longs, 93 (fc, lcb) pairs of nFib 0x00C1, cswNew
TEXT_AT = 0x400


def word97(
    pieces: Sequence[Piece],
    order: Sequence[int] | None = None,
    *,
    table_stream: str = "1Table",
    encrypted: bool = False,
    n_fib: int = 0x00C1,
    lid: int = 0x0804,
    prc: bool = True,
    extra_streams: dict[str, bytes] | None = None,
    subdocuments: dict[int, str] | None = None,
) -> bytes:
    """A Word 97–2003 document whose main text is the pieces, in this CP order; `order` is the
    order in which their bytes are stored in the WordDocument stream (a fast save appends).

    `subdocuments`: FibRgLw97 index (4 footnotes, 5 headers, 7 comments, 8 endnotes, 9 text
    boxes, 10 header text boxes) → its text, stored after the main text in CP order and closed
    by the one extra paragraph mark [MS-DOC] §2.4.1 asks for."""
    main = len(pieces)
    subdocuments = dict(sorted((subdocuments or {}).items()))
    pieces = [*pieces, *(Piece(text) for text in subdocuments.values())]
    if subdocuments:
        pieces.append(Piece("\r"))
    order = list(order) if order is not None else list(range(main))
    order += range(main, len(pieces))
    stored = bytearray(TEXT_AT)
    fcs: dict[int, int] = {}
    for index in order:
        piece = pieces[index]
        fcs[index] = len(stored)
        stored += piece.text.encode("cp1252" if piece.compressed else "utf-16-le")
        stored += b"\0" * (len(stored) % 2)
    cps = [0]
    for piece in pieces:
        cps.append(cps[-1] + len(piece.text))
    pcds = b""
    for index, piece in enumerate(pieces):
        fc = fcs[index] * 2 | 0x40000000 if piece.compressed else fcs[index]
        pcds += struct.pack("<HIH", 0, fc, 0)
    plc = struct.pack(f"<{len(cps)}I", *cps) + pcds
    clx = (b"\x01" + struct.pack("<h", 4) + b"\x00\x00\x00\x00" if prc else b"") + (
        b"\x02" + struct.pack("<I", len(plc)) + plc
    )
    table = bytes(64) + clx  # the Clx need not start the stream
    flags = (0x0200 if table_stream == "1Table" else 0) | (0x0100 if encrypted else 0) | 0x0004
    fib = bytearray(FIB_SIZE)
    struct.pack_into("<HHHHH", fib, 0, 0xA5EC, n_fib, 0, lid, 0)
    struct.pack_into("<H", fib, 0x0A, flags)
    struct.pack_into("<H", fib, 0x0C, 0x00BF)
    struct.pack_into("<H", fib, 0x20, 14)  # csw
    rg_lw = 0x22 + 28 + 2
    struct.pack_into("<H", fib, rg_lw - 2, 22)  # cslw
    struct.pack_into("<i", fib, rg_lw + 3 * 4, cps[main])  # ccpText
    for index, text in subdocuments.items():
        struct.pack_into("<i", fib, rg_lw + index * 4, len(text))
    blob = rg_lw + 22 * 4 + 2
    struct.pack_into("<H", fib, blob - 2, 93)  # cbRgFcLcb
    struct.pack_into("<II", fib, blob + 33 * 8, 64, len(clx))  # fcClx, lcbClx
    word = bytes(fib) + bytes(stored[FIB_SIZE:])
    streams = {"WordDocument": word, table_stream: table, **(extra_streams or {})}
    return compound_file(streams)
