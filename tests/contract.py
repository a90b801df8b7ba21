"""The findings.json contract (../shared/DESIGN.md), checked by the shared validator
(../shared/tools/check_findings.py) wherever this checkout has it beside it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_PLACES = (
    REPO.parent / "shared" / "tools" / "check_findings.py",
    Path("/work/shared/tools/check_findings.py"),
)
VALIDATOR = next((p for p in _PLACES if p.is_file()), None)


def valid_findings(path: Path) -> list[dict]:
    """The findings of a findings.json, once the validator has accepted the file."""
    if VALIDATOR is not None:
        checked = subprocess.run(
            [sys.executable, str(VALIDATOR), str(path)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    return json.loads(path.read_text(encoding="utf-8"))
