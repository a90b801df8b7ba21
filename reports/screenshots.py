"""The screenshots an audit kept (govaudit/screenshots.py), as files beside report.html.

The store holds each PNG once (`screenshot_images`); a report links `screenshots/<sha256>.png`,
written here, so that a report directory opens on its own, and regenerating it (`govaudit
report`) or the next audit's unchanged page writes the same file again, not a second one.
"""

from __future__ import annotations

from pathlib import Path

from govaudit.core.store import Store
from govaudit.reports.listing import ReportData

SHOTS_DIR = "screenshots"


def shot_path(digest: str) -> str:
    """A screenshot's place relative to the report."""
    return f"{SHOTS_DIR}/{digest}.png"


def write_screenshots(store: Store, data: ReportData, out_dir: Path) -> list[Path]:
    """Each PNG the report shows, into OUT/screenshots/ (kept when already there)."""
    written = []
    for digest in sorted({d for d, _ in data.screenshots.values() if d}):
        path = out_dir / shot_path(digest)
        if not path.exists():
            png = store.screenshot_png(digest)
            if png is None:
                continue
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(png)
        written.append(path)
    return written
