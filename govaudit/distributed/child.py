"""`python -m govaudit.distributed.child PPID ARGS...`: `govaudit ARGS` that dies with its job.

The audit of a queued job runs in its own interpreter (its crash or memory stays with it).
If the job's process is killed (SIGKILL, OOM, a machine losing power takes all), an orphaned
audit would go on writing the site's store while the retried job resumes it elsewhere. So the
child asks Linux to SIGKILL it when its parent dies (prctl PR_SET_PDEATHSIG), checks that the
parent did not die before that, and only then becomes `govaudit`. A SIGKILLed audit is
resumable: the store's rows are committed page by page (README, "Interrupted audits").
"""

from __future__ import annotations

import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def main() -> None:
    parent, args = int(sys.argv[1]), sys.argv[2:]
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the job died before prctl took effect
            os._exit(137)
    os.execv(sys.executable, [sys.executable, "-m", "govaudit.cli", *args])


if __name__ == "__main__":
    main()
