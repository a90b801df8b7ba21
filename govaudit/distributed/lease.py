"""Leases in Redis: a key held by one process, kept alive by a heartbeat, lost when it stops.

Two leases guard a distributed audit:
- the *site lease* (`govaudit:site:<key>`): whoever holds it is the only process auditing that
  site, anywhere (`SET NX PX`, renewed while the audit runs, released at its end);
- the *job lease* (`govaudit:alive:<job id>`): the job is alive; a job in RQ's started registry
  whose lease has expired was abandoned by a dead worker and is retried (see `worker.py`).

The rule that makes a lease safe: a holder that could not renew it before it expired must stop
working, since by then another worker may hold it. `Heartbeat.lost` tells the job when.
"""

from __future__ import annotations

import threading
import time

# Renew only if we still hold it; release only our own (compare-and-set in one script).
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

SITE_KEY = "govaudit:site:{}"
ALIVE_KEY = "govaudit:alive:{}"
DONE_KEY = "govaudit:done:{}"


class Lease:
    """One key, one token: `acquire` (only if free), `renew` and `release` (only if ours)."""

    def __init__(self, connection, key: str, token: str, seconds: float) -> None:
        self.connection, self.key, self.token = connection, key, token
        self.ms = max(int(seconds * 1000), 1)

    def acquire(self) -> bool:
        return bool(self.connection.set(self.key, self.token, nx=True, px=self.ms))

    def take(self) -> None:
        """Set the key whoever held it: for the job lease, which only its own job writes."""
        self.connection.set(self.key, self.token, px=self.ms)

    def renew(self) -> bool:
        return bool(self.connection.eval(_RENEW, 1, self.key, self.token, self.ms))

    def release(self) -> None:
        self.connection.eval(_RELEASE, 1, self.key, self.token)

    def holder(self) -> str | None:
        value = self.connection.get(self.key)
        return value.decode() if isinstance(value, bytes) else value


class Heartbeat(threading.Thread):
    """Renews leases every third of their duration; sets `lost` when one could not be renewed
    before it expired (Redis unreachable, or someone else holds it now)."""

    def __init__(self, leases: list[Lease], seconds: float) -> None:
        super().__init__(name="govaudit-lease", daemon=True)
        self.leases, self.seconds = leases, seconds
        self.lost = threading.Event()
        self.unreachable = False  # why it was lost: Redis down (True) or taken over (False)
        self._stop = threading.Event()

    def run(self) -> None:
        renewed = time.monotonic()
        while not self._stop.wait(self.seconds / 3):
            try:
                held = all(lease.renew() for lease in self.leases)
            except Exception:  # redis-py raises ConnectionError, TimeoutError, ...
                self.unreachable, held = True, None
            if held:
                renewed, self.unreachable = time.monotonic(), False
                continue
            if held is False or time.monotonic() - renewed >= self.seconds:
                self.lost.set()
                return

    def stop(self) -> None:
        self._stop.set()
