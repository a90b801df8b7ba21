"""Two workbooks compared as staff and openpyxl see them, to prove a change of the xlsx writer.

    python -m benchmarks.compare_xlsx before/整改清单.xlsx after/整改清单.xlsx

Cell by cell: values, types, number formats, fonts, fills, borders, alignment, hyperlinks; per
sheet: merged cells, row heights, column widths, filters, validations, frozen panes and print
settings. What a writer may spell differently without changing what Excel shows is normalised
(see the comments). Prints the first differences of each kind and a count; exit status 1 when
there are any. openpyxl looks each hyperlink up in a list: 40,000 rows of links take minutes.
"""

from __future__ import annotations

import sys
from collections import Counter

from openpyxl import load_workbook


def rgb(color):
    if color is None:
        return None
    if color.type == "rgb":
        return color.rgb[-6:]
    return (color.type, color.value)


def font(f):
    # A font without size, name or colour (openpyxl's Font(bold=True)) is drawn in the
    # workbook's default: Calibri 11 in the theme's text colour, which XlsxWriter writes out.
    color = rgb(f.color) or ("theme", 1)
    return (bool(f.b), bool(f.i), f.sz or 11, color, f.u, f.name or "Calibri", bool(f.strike))


def fill(f):
    return (f.patternType, rgb(f.fgColor) if f.patternType else None)


def border(b):
    return tuple(
        (s.style, rgb(s.color) if s.style else None) for s in (b.left, b.right, b.top, b.bottom)
    )


def align(a):
    return (bool(a.wrap_text), a.vertical, a.horizontal, bool(a.shrink_to_fit))


def link(c):
    h = c.hyperlink
    if h is None:
        return None
    return (h.target or "") + ("#" + h.location if h.location else "")


def widths(ws):
    out = {}
    for d in ws.column_dimensions.values():
        if d.customWidth or d.width != 13:
            for i in range(d.min or 0, (d.max or 0) + 1):
                out[i] = d.width
    return out


def sheet_facts(ws):
    ps = ws.page_setup
    pr = ws.sheet_properties.pageSetUpPr
    return {
        "freeze": ws.freeze_panes,
        "dims": (ws.max_row, ws.max_column),
        "print_titles": ws.print_title_rows,
        "filter": ws.auto_filter.ref,
        "validations": [
            (
                str(d.sqref),
                d.type,
                d.formula1,
                d.allow_blank,
                d.showErrorMessage,
                d.errorTitle,
                d.error,
            )
            for d in ws.data_validations.dataValidation
        ],
        "page": (
            ps.orientation,
            ps.paperSize,
            ps.fitToHeight,
            ps.fitToWidth or 1,
            bool(pr and pr.fitToPage),
        ),
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "widths": widths(ws),
        # Excel keeps a row's height in whole pixels (0.75 pt at 96 dpi); XlsxWriter rounds to them
        "heights": {
            r: round(d.height / 0.75) for r, d in ws.row_dimensions.items() if d.height is not None
        },
    }


_CELL_FACTS = ("value", "type", "number format", "font", "fill", "border", "alignment", "link")


def cell_facts(c) -> tuple:
    return (
        c.value,
        # An empty cell's type says nothing (openpyxl wrote "" as an empty inline string)
        c.data_type if c.value is not None else None,
        c.number_format,
        font(c.font),
        fill(c.fill),
        border(c.border),
        align(c.alignment),
        link(c),
    )


def main(before: str, after: str) -> int:
    a, b = load_workbook(before), load_workbook(after)
    if a.sheetnames != b.sheetnames:
        print("sheets", a.sheetnames, b.sheetnames)
        return 1
    diffs: Counter[str] = Counter()
    if a.active.title != b.active.title:
        print("active sheet", a.active.title, b.active.title)
        diffs["active sheet"] += 1
    cells = links = 0
    for name in a.sheetnames:
        x, y = a[name], b[name]
        fx, fy = sheet_facts(x), sheet_facts(y)
        for key in fx:
            if fx[key] != fy[key]:
                diffs[f"{name}: {key}"] += 1
                print(name, key, "\n  before", str(fx[key])[:300], "\n  after ", str(fy[key])[:300])
        # Sheets of other sizes differ in "dims" above; their common cells are still compared.
        for rx, ry in zip(x.iter_rows(), y.iter_rows(), strict=False):
            for cx, cy in zip(rx, ry, strict=False):
                cells += 1
                links += cx.hyperlink is not None
                facts = zip(_CELL_FACTS, cell_facts(cx), cell_facts(cy), strict=True)
                for what, p, q in facts:
                    if p != q:
                        key = f"{name}: {what}"
                        diffs[key] += 1
                        if diffs[key] <= 3:
                            print(name, cx.coordinate, what, repr(p)[:200], "->", repr(q)[:200])
    print(f"{cells} cells, {links} links before; differences: {dict(diffs) or 'none'}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
