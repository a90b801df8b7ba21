"""report.html: one self-contained page (inline CSS and JS, no external asset) for the office.

Autoescaping is on for every value, so a hostile page title stays text. A Content-Security-Policy
allows only the one inline script whose hash is computed here, so even markup that slipped
through could not run; links are emitted for http(s) URLs only. Opening the file with
`#severity=critical&check=broken_link` preselects the filters.

Render check (manual, not part of `make test`; Debian: `apt-get install chromium fonts-wqy-microhei`,
without a CJK font the page shows boxes):

    chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --window-size=1400,2600 --screenshot=shot.png file://$PWD/govaudit-demo/report.html
    chromium --headless --no-sandbox --disable-gpu --dump-dom \
        "file://$PWD/govaudit-demo/report.html#severity=critical"   # <body data-filters="ready">

The second proves the filter script ran under the page's CSP (it marks <body> and hides rows).
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from govaudit.core.model import SEVERITIES
from reports.labels import SEVERITY_NAMES
from reports.listing import ReportData

HTML_NAME = "report.html"
_TEMPLATES = Path(__file__).parent / "templates"
_TOP_COLUMNS = 15  # the column chart shows the columns with most findings


def render_html(data: ReportData) -> str:
    env = Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    script = (_TEMPLATES / "filter.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    columns = data.by_column[:_TOP_COLUMNS]
    checks = sorted({(r.check, r.check_name) for r in data.open_rows}, key=lambda c: c[1])
    return env.get_template("report.html.j2").render(
        d=data,
        counts=data.history.counts(),
        severities=SEVERITIES,
        severity_names=SEVERITY_NAMES,
        check_options=checks,
        columns=columns,
        max_check=max((t for _, _, t in data.by_check), default=1),
        max_column=max((n for _, n in columns), default=1),
        warn_percent=round(100 * data.warn_ratio),
        script=script,
        script_hash=f"sha256-{digest}",
    )


def write_html(data: ReportData, out_dir: Path) -> Path:
    path = out_dir / HTML_NAME
    path.write_text(render_html(data), encoding="utf-8")
    return path
