"""Worksheets written top to bottom with XlsxWriter: the one writing library of reports/.

Cell values from crawled pages are untrusted. Every string is written with `write_string`, and
the workbook's own conversions (`strings_to_formulas`, `strings_to_urls`, `strings_to_numbers`)
are off, so no text becomes a formula, a link or a number. `safe_cell` also puts an apostrophe
before a leading =, +, -, @, tab or CR (other tools that read the file, and staff who copy a
cell, would still take them for formulas) and drops the characters XML cannot carry.

Excel keeps at most 65,530 hyperlinks in a worksheet, and XlsxWriter drops any beyond that with
a warning on stderr: a `Sheet` links its first 65,530 addresses, later cells show theirs as text.

XlsxWriter writes the file only when the workbook is closed, and a workbook left unclosed keeps
its temporary files: `written_workbook` closes it in every case and moves the file into place
only when it is complete.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory

from xlsxwriter import Workbook
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

# The control characters XML 1.0 forbids (tab, LF and CR are allowed).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MAX_CELL = 32000  # Excel keeps at most 32,767 characters in a cell
_MAX_LINK = 2000  # longer hyperlink targets make Excel report the file as damaged
MAX_LINKS = 65530  # hyperlinks Excel keeps in one worksheet
MAX_ROWS = 1_048_576  # rows of a worksheet; XlsxWriter silently drops any beyond
# openpyxl wrote a column width as given; XlsxWriter's `set_column` adds Excel's 5-pixel cell
# padding. Set in pixels (7 per unit of the default font) the widths stay what they were.
_PIXELS_PER_WIDTH = 7

# A cell to write: (value, format) or (value, format, url): the url is linked while the sheet
# may take links, the cell then has the sheet's link format.
Cell = tuple[object, Format | None] | tuple[object, Format | None, str]


def safe_cell(value: object) -> object:
    """A cell value Excel shows as text and never evaluates; non-strings pass unchanged."""
    if not isinstance(value, str):
        return value
    text = _ILLEGAL_XML.sub("", value)[:_MAX_CELL]
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def restore_cell(text: str) -> str:
    """The inverse of `safe_cell` for text read back (review import): no drift on round trips."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS) else text


@contextmanager
def written_workbook(path: Path, constant_memory: bool) -> Iterator[Workbook]:
    """A workbook that appears at `path` whole or not at all (never half a list): written to a
    hidden part file beside it and moved into place when complete; on an error the part file
    and XlsxWriter's temporary files are removed. A file system error stays an OSError (the CLI
    reports it in one line). `constant_memory`: each row goes to a temporary file as soon as the
    next one begins (strings then are inline, not in a shared table); those files go to a
    hidden folder beside `path`, not to TMPDIR, which is often RAM (tmpfs on Debian 13: ~30 MB
    at 20,000 pages, outside any RSS figure)."""
    with TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.rows-") as rows:
        yield from _written_workbook(path, constant_memory, rows)


def _written_workbook(path: Path, constant_memory: bool, tmpdir: str) -> Iterator[Workbook]:
    part = path.with_name(f".{path.name}.part")
    options = {
        "constant_memory": constant_memory,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "use_zip64": True,  # as openpyxl: a workbook over 4 GB is written, not refused
        "tmpdir": tmpdir,
    }
    workbook = Workbook(str(part), options)
    try:
        yield workbook
        workbook.close()
    except BaseException as e:
        if not workbook.fileclosed:
            with suppress(Exception):  # only to release the temporary files
                workbook.close()
        part.unlink(missing_ok=True)
        if isinstance(e, FileCreateError):
            raise e.args[0] from None
        raise
    os.replace(part, path)


class Sheet:
    """One worksheet filled a row at a time, in order, as constant-memory mode requires."""

    def __init__(self, worksheet: Worksheet, link_format: Format | None = None) -> None:
        self.worksheet = worksheet
        self.row = 0  # the next row, zero-based
        self.link_format = link_format
        self.links_left = MAX_LINKS

    def widths(self, widths: Sequence[float]) -> None:
        for col, width in enumerate(widths):
            self.worksheet.set_column_pixels(col, col, round(width * _PIXELS_PER_WIDTH))

    @property
    def rows_left(self) -> int:
        return MAX_ROWS - self.row

    def skip(self) -> None:
        """An empty row."""
        self.row += 1

    def append(self, cells: Sequence[Cell], height: float | None = None) -> None:
        if height is not None:
            self.worksheet.set_row(self.row, height)
        for col, cell in enumerate(cells):
            value, fmt = safe_cell(cell[0]), cell[1]
            url = cell[2] if len(cell) == 3 else ""
            if url and self.links_left and _linkable(url):
                self.links_left -= 1
                self.worksheet.write_url(self.row, col, url, self.link_format, string=value)
            else:
                _write_value(self.worksheet, self.row, col, value, fmt)
        self.row += 1


def _linkable(url: str) -> bool:
    # XlsxWriter measures a URL in UTF-16 units, as Excel does.
    length = len(url.encode("utf-16-le")) // 2
    return (
        url.startswith(("http://", "https://"))
        and length <= _MAX_LINK
        and not _ILLEGAL_XML.search(url)  # XML cannot carry these in the address either
    )


def _write_value(ws: Worksheet, row: int, col: int, value: object, fmt: Format | None) -> None:
    if value is None or value == "":  # a styled empty cell, read back as empty (not "")
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, bool):  # before int: a bool is an int
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, date):  # fmt carries the date's number format
        ws.write_datetime(row, col, value, fmt)
    else:
        raise TypeError(f"no xlsx cell for {type(value).__name__}: {value!r}")
