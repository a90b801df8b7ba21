"""report.html: one self-contained page (inline CSS and JS, no external asset) for the office.

Autoescaping is on for every value, so a hostile page title stays text. A Content-Security-Policy
allows only the one inline script whose hash is computed here, so even markup that slipped
through could not run; links are emitted for http(s) URLs only. Opening the file with
`#severity=critical&check=broken_link` preselects the filters.

Columns sort by a click on their header (again: reversed); the filters (type, severity, state,
责任科室, text) apply together; a broken link's referring pages are all listed, past the first
five folded under 展开其余 N 个; every URL in a details text is a link; a page's screenshot
(reports/screenshots.py, a file beside the report) is a thumbnail linking to it, or 无截图 and
why. At phone width (under 700 px) each finding is a card with labelled cells.

tests/test_report_browser.py renders the page in Debian's chromium (playwright, at 1400 and
400 px): no console error under the CSP, sorting, filters, folding, a CJK font, no sideways
scrolling; its screenshots are kept in test-artefacts/report-browser/.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from govaudit.core.model import SEVERITIES
from govaudit.core.outside_records import status_label
from govaudit.reports.evidence import marked_text
from govaudit.reports.labels import CARRIED_LABEL, SEVERITY_NAMES, SUSPECTED_NOTE, audit_state
from govaudit.reports.listing import ReportData
from govaudit.reports.screenshots import shot_path

HTML_NAME = "report.html"
_TEMPLATES = Path(__file__).parent / "templates"
_TOP_COLUMNS = 15  # the column chart shows the columns with most findings


# A URL in a details text: up to whitespace or the punctuation that ends it in Chinese text.
_URL = re.compile(r"https?://[^\s<>\"'，。；、）」』】]+")
_PAGES_SHOWN = 5  # referring pages listed before the rest fold into "展开其余 N 个"


def linkify(text: str) -> Markup:
    """`text` escaped, with every http(s) URL in it a link (the broken target, the article)."""
    out, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0)
        out.append(escape(text[last : match.start()]))
        out.append(
            Markup('<a href="{0}" target="_blank" rel="noopener noreferrer">{0}</a>').format(url)
        )
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def highlighted(text: str, mark: str) -> Markup:
    """`text` escaped, each `mark` in it (the term, the masked number) in a <mark>."""
    return marked_text(text, mark, ids=False)


def html_chunks(data: ReportData) -> Iterator[str]:
    """report.html piece by piece (jinja2's `generate`): the page of a 20,000-page audit is
    ~9 MB, and rendering it whole held ~47 MB at once."""
    env = Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["linkify"] = linkify
    env.filters["highlighted"] = highlighted
    script = (_TEMPLATES / "filter.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    columns = data.by_column[:_TOP_COLUMNS]
    checks = sorted({(r.check, r.check_name) for r in data.open_rows}, key=lambda c: c[1])
    return env.get_template("report.html.j2").generate(
        d=data,
        counts=data.history.counts(),
        severities=SEVERITIES,
        severity_names=SEVERITY_NAMES,
        check_options=checks,
        columns=columns,
        max_check=max((t for _, _, t in data.by_check), default=1),
        max_column=max((n for _, n in columns), default=1),
        warn_percent=round(100 * data.warn_ratio),
        severity_order={s: i for i, s in enumerate(SEVERITIES)},
        departments=sorted({r.department for r in data.open_rows if r.department}),
        pages_shown=_PAGES_SHOWN,
        audit_state=audit_state,
        carried_label=CARRIED_LABEL,
        suspected_note=SUSPECTED_NOTE,
        outside_status=status_label,
        script=script,
        script_hash=f"sha256-{digest}",
        shot_path=shot_path,
    )


def write_html(data: ReportData, out_dir: Path) -> Path:
    """report.html, whole or not at all: written to a hidden part file, then moved into place."""
    path = out_dir / HTML_NAME
    part = path.with_name(f".{path.name}.part")
    try:
        with part.open("w", encoding="utf-8") as fh:
            fh.writelines(html_chunks(data))
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, path)
    return path
