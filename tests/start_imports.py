"""What the command line imports before it does anything: modules a command only needs when it
runs (rq, the report writers, the browser) must not slow every start."""

from __future__ import annotations

import subprocess
import sys


def imported_at_start(*names: str) -> list[str]:
    """Which of `names` a fresh process has imported once govaudit's command line is built."""
    code = (
        "import sys, govaudit.cli, govaudit.audit, govaudit.multisite;"
        "govaudit.cli.build_parser();"
        f"print(' '.join(sorted(m for m in {names!r} if m in sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()
