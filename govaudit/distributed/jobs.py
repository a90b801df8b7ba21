"""Queued audits: `enqueue_sites` puts one RQ job per site; `audit_site` is that job.

A job is one site's audit as of one date, id `govaudit-<key>-<date>`. It runs in the work horse
RQ forks for it, which starts `govaudit audit --config P --site KEY --resume` as a child process
(a fresh interpreter: one audit's crash or memory stays with it, and nothing of the
worker's Redis connections or signal handlers leaks into the crawl). The horse holds the site
lease while the child runs, so no two workers ever audit one site at once, and stops the child
(resumable) when it loses that lease.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from govaudit.distributed.lease import ALIVE_KEY, DONE_KEY, SITE_KEY, Heartbeat, Lease

QUEUE_NAME = "govaudit"
JOB_PREFIX = "govaudit-"
EXIT_QUEUE_LOST = 4  # Redis unreachable: the worker stopped, what was recorded is kept
_ACTIVE = ("queued", "started", "scheduled", "deferred")
_JOB_STATES = {"queued": "在队列中", "started": "在运行", "scheduled": "排定", "deferred": "推迟"}
_DONE_DAYS = 8  # how long a run stays marked done (a weekly schedule re-enqueues before)


@dataclass(frozen=True)
class WorkerSettings:
    """What the work horse needs from `govaudit worker` (inherited through fork)."""

    queue_url: str
    results: Path
    db: Path | None  # one shared store; None: each site's own RESULTS/<key>/govaudit.db
    lease: float  # seconds a lease lives without renewal


SETTINGS: WorkerSettings | None = None  # set by the worker before its first fork


class AuditFailed(Exception):
    """The site's audit exited with a failure: RQ retries the job (resuming the audit)."""


class LeaseLost(Exception):
    """Another worker may own the site now: this one stopped its audit (resumable)."""


def job_id(key: str, as_of: date) -> str:
    return f"{JOB_PREFIX}{key}-{as_of.isoformat()}"


def profile_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Enqueued:
    key: str
    job_id: str
    refused: str | None  # why not enqueued (a job for the site and date is queued or running)


def enqueue_sites(
    connection,
    profile: Path,
    keys: list[str],
    as_of: date,
    flags: list[str],
    timeout: int,
    retries: int,
) -> list[Enqueued]:
    """One job per site; a site whose job for this date is queued or running is refused.

    The check and the enqueue are one step under a short Redis lock, so two `govaudit enqueue`
    at once cannot both enqueue a site."""
    from rq import Queue, Retry
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    profile = profile.resolve()
    digest = profile_digest(profile)
    queue = Queue(QUEUE_NAME, connection=connection)
    lock = Lease(connection, "govaudit:enqueue", uuid.uuid4().hex, 30)
    deadline = time.monotonic() + 30
    while not lock.acquire():
        if time.monotonic() > deadline:
            raise TimeoutError(
                "另一个 govaudit enqueue 占用入队锁 govaudit:enqueue 已超过 30 秒：请稍后再试"
            )
        time.sleep(0.1)
    done = []
    try:
        for key in keys:
            jid = job_id(key, as_of)
            try:
                old = Job.fetch(jid, connection=connection)
                status = old.get_status()
            except NoSuchJobError:
                old = status = None
            if status is not None and str(getattr(status, "value", status)) in _ACTIVE:
                state = getattr(status, "value", status)
                state_zh = _JOB_STATES.get(state, state)
                done.append(Enqueued(key, jid, f"已{state_zh}（任务 {jid}）"))
                continue
            if old is not None:
                old.delete()  # finished or failed before: the office asks for a new audit
            queue.enqueue_call(
                audit_site,
                args=(str(profile), digest, key, as_of.isoformat(), flags, uuid.uuid4().hex),
                job_id=jid,
                timeout=timeout,
                retry=Retry(max=retries),
                result_ttl=_DONE_DAYS * 86400,
                description=f"audit {key} as of {as_of.isoformat()}",
            )
            done.append(Enqueued(key, jid, None))
    finally:
        lock.release()
    return done


def say(line: str) -> None:
    """One line on the worker's stdout (journald keeps it): which site, which step."""
    stamp = time.strftime("%H:%M:%S")
    print(f"{stamp} govaudit[{socket.gethostname()}:{os.getpid()}]: {line}", flush=True)


def audit_site(
    profile: str, digest: str, key: str, as_of: str, flags: list[str], run: str
) -> dict[str, Any]:
    """The job: audit one site under its lease; returns the site's summary.json."""
    from redis import Redis
    from rq import get_current_job

    settings = SETTINGS
    if settings is None:
        raise RuntimeError("audit_site runs in `govaudit worker` (no worker settings)")
    path = Path(profile)
    if not path.exists() or profile_digest(path) != digest:
        raise AuditFailed(
            f"[{key}] {socket.gethostname()} 上的 {profile} 不存在或与入队时不同："
            "每台工作机都需要在同一路径放置入队时的配置文件"
        )
    job = get_current_job()
    connection = Redis.from_url(settings.queue_url, socket_connect_timeout=5, socket_timeout=10)
    token = f"{socket.gethostname()}:{os.getpid()}:{job.id}"
    alive = Lease(connection, ALIVE_KEY.format(job.id), token, settings.lease)
    alive.take()
    beat = Heartbeat([alive], settings.lease)
    beat.start()
    site = Lease(connection, SITE_KEY.format(key), token, settings.lease)
    done_key = DONE_KEY.format(run)
    try:
        waited = False
        while not site.acquire():
            if connection.exists(done_key):
                break
            if not waited:
                say(f"[{key}] 等待：该站点正由 {site.holder()} 审计")
                waited = True
            if beat.lost.wait(1):
                raise LeaseLost(f"[{key}] 等待站点时失去了任务租约")
        else:
            beat.leases.append(site)
        if connection.exists(done_key):  # a retry after the audit had in fact finished
            say(f"[{key}] 已由 {connection.get(done_key).decode()} 审计完成：无需再做")
            return _summary(settings, key) or {"site": key}
        status = _run_audit(settings, profile, key, as_of, flags, beat)
        if status in (0, 3):  # audited, or unreachable: an outcome, not a crash
            connection.set(done_key, token, ex=_DONE_DAYS * 86400)
            return _summary(settings, key) or {"site": key, "exit_status": status}
        raise AuditFailed(f"[{key}] 审计退出码 {status}")
    finally:
        beat.stop()
        try:
            site.release()  # the job lease is left to expire: see worker.reap_abandoned
        except Exception:
            pass


def _run_audit(
    settings: WorkerSettings, profile: str, key: str, as_of: str, flags: list[str], beat
) -> int:
    db = settings.db or settings.results / key / "govaudit.db"
    (settings.results / key).mkdir(parents=True, exist_ok=True)
    from govaudit.multisite import SUMMARY_FILE

    (settings.results / key / SUMMARY_FILE).unlink(missing_ok=True)  # never a stale outcome
    args = ["audit", "--config", profile, "--site", key, "--out", str(settings.results)]
    args += ["--db", str(db), "--as-of", as_of, "--quiet", "--resume", *flags]
    command = [sys.executable, "-m", "govaudit.distributed.child", str(os.getpid()), *args]
    say(f"[{key}] 开始审计（审计日期 {as_of}）→ {settings.results / key}")
    started = time.monotonic()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, text=True)
        try:
            while True:
                try:
                    status = proc.wait(timeout=0.5)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if beat.lost.is_set():
                    say(f"[{key}] 失去租约：停止审计（可继续）")
                    status = _stop(proc)
                    _lease_lost(key, beat)
        finally:
            if proc.poll() is None:  # the job timed out (RQ raised in this thread) or failed
                _stop(proc)
        err.seek(0)
        lines = err.read().strip().splitlines()
    summary = _summary(settings, key)
    what = f"，页面 {summary['pages']}" if summary else ""
    say(f"[{key}] 退出码 {status}，用时 {time.monotonic() - started:.1f} 秒{what}")
    if status not in (0, 3) and lines:
        say(f"[{key}] {lines[-1]}")
    return status


def _stop(proc: subprocess.Popen) -> int:
    """SIGTERM: the crawl stops gracefully and the audit is marked interrupted (resumable)."""
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()  # the store stays consistent after SIGKILL too
        return proc.wait()


def _lease_lost(key: str, beat) -> None:
    if beat.unreachable:
        # Redis is gone: RQ could not record a failure either. Leave at once, quietly; the
        # worker reports the outage in one line and the audit resumes on the job's retry.
        sys.stdout.flush()
        os._exit(EXIT_QUEUE_LOST)
    raise LeaseLost(f"[{key}] 另一台工作机接手了该站点的租约：审计已停止（可继续）")


def _summary(settings: WorkerSettings, key: str) -> dict[str, Any] | None:
    from govaudit.multisite import SUMMARY_FILE

    path = settings.results / key / SUMMARY_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
