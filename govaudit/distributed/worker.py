"""`govaudit worker`: an RQ worker that audits one site per job and notices dead workers fast.

RQ's default `Worker` forks a work horse per job; the horse runs `jobs.audit_site`. On top of
RQ this worker adds three things:
- *abandoned jobs, found in seconds*: every job keeps a job lease (`govaudit:alive:<id>`)
  renewed by its horse. RQ itself only notices a dead worker when the execution's heartbeat
  score expires (at least 60 s after the last heartbeat, then at the next registry cleanup,
  every 10 minutes by default); here a started job whose lease expired is handed to RQ's own
  `StartedJobRegistry.cleanup()` at once, which retries it (`Retry`) or fails it when no retry
  is left (read in rq 3.0's registry.py: cleanup calls `job.retry` while `retries_left`);
- *burst that waits for the others*: `--burst` quits when nothing is queued *and* no audit is
  running anywhere, so a job abandoned by a dying worker is still picked up;
- *a Redis outage stops the worker*: one line, exit status 4, instead of RQ's reconnect loop;
  an audit in progress stops once its lease can no longer be renewed (resumable).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from pathlib import Path

import redis
from rq import Queue, Worker
from rq.exceptions import DequeueTimeout, StopRequested
from rq.worker import WorkerStatus

from govaudit.distributed import jobs
from govaudit.distributed.lease import ALIVE_KEY, Lease

_LOST = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class QueueLost(Exception):
    """Redis could not be reached: the worker stopped."""


class AuditWorker(Worker):
    """RQ's forking worker with fast abandoned-job retries, patient burst and a clean stop."""

    def __init__(self, *args, lease: float, poll: float, patient_burst: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lease, self.poll, self.patient_burst = lease, poll, patient_burst
        self.lost_queue: Exception | None = None

    # -- Redis outage: every call the work loop makes outside a job ends the loop cleanly.
    def _lost(self, error: Exception) -> StopRequested:
        self.lost_queue = self.lost_queue or error
        return StopRequested()

    def check_for_suspension(self, burst: bool) -> None:
        try:
            super().check_for_suspension(burst)
        except _LOST as e:
            raise self._lost(e) from None

    def run_maintenance_tasks(self) -> None:
        try:
            super().run_maintenance_tasks()
        except _LOST as e:
            raise self._lost(e) from None

    def heartbeat(self, timeout=None, pipeline=None) -> None:
        try:
            super().heartbeat(timeout, pipeline)
        except _LOST as e:
            raise self._lost(e) from None

    def teardown(self) -> None:
        try:
            super().teardown()
        except _LOST as e:
            self._lost(e)

    def subscribe(self) -> None:
        """No pub/sub thread: it retries a lost Redis forever, noisily; SIGTERM stops a worker."""

    def unsubscribe(self) -> None:
        pass

    def execute_job(self, job, queue) -> None:
        # The job lease exists before the job enters the started registry: a started job
        # without one is dead, never merely young.
        Lease(self.connection, ALIVE_KEY.format(job.id), self.name, self.lease).take()
        try:
            super().execute_job(job, queue)
        except _LOST as e:
            # The horse stops its audit itself once its lease cannot be renewed; wait for it.
            if self._horse_pid:
                try:
                    os.waitpid(self._horse_pid, 0)
                except ChildProcessError:
                    pass
            raise self._lost(e) from None

    def dequeue_job_and_maintain_ttl(self, timeout, max_idle_time=None):
        """Poll every `poll` seconds, retrying abandoned jobs in between; None ends the loop."""
        while not self._stop_requested:
            try:
                self.set_state(WorkerStatus.IDLE)
                self.heartbeat()
                reap_abandoned(self.connection, self.queues, self.log)
                result = self.queue_class.dequeue_any(
                    self._ordered_queues,
                    max(int(self.poll), 1),
                    connection=self.connection,
                    job_class=self.job_class,
                    serializer=self.serializer,
                    death_penalty_class=self.death_penalty_class,
                )
            except DequeueTimeout:
                result = None
            except _LOST as e:
                raise self._lost(e) from None
            if result is not None:
                job, queue = result
                self.log.info("工作机 %s：%s", self.name, job.description)
                return result
            try:
                if self.patient_burst and nothing_left(self.connection, self.queues):
                    self.log.info("工作机 %s：没有排队或运行中的任务，退出", self.name)
                    return None
            except _LOST as e:
                raise self._lost(e) from None
        return None


def started_jobs(connection, queue) -> list[tuple[bytes, str]]:
    """(registry entry, job id) of every govaudit job in the queue's started registry."""
    entries = connection.zrange(queue.started_job_registry.key, 0, -1)
    pairs = [(e, e.decode().split(":", 1)[0]) for e in entries]
    return [(e, jid) for e, jid in pairs if jid.startswith(jobs.JOB_PREFIX)]


def reap_abandoned(connection, queues, log: logging.Logger) -> list[str]:
    """Hand every started job whose lease expired to RQ's cleanup (retry or fail); their ids.

    Only one worker reaps at a time (a short lock): two cleanups of one entry would retry the
    job twice."""
    dead = []
    for queue in queues:
        for entry, jid in started_jobs(connection, queue):
            if not connection.exists(ALIVE_KEY.format(jid)):
                dead.append((queue, entry, jid))
    if not dead:
        return []
    lock = Lease(connection, "govaudit:reaper", uuid.uuid4().hex, 10)
    if not lock.acquire():
        return []
    try:
        for queue in {q for q, _, _ in dead}:
            registry = queue.started_job_registry
            for q, entry, jid in dead:
                if q is queue:  # score 0: expired for RQ, and only these (cleanup(1) below)
                    connection.zadd(registry.key, {entry: 0}, xx=True)
                    log.warning("任务 %s 已被放弃（租约过期）：重试", jid)
            registry.cleanup(timestamp=1)
    finally:
        lock.release()
    return [jid for _, _, jid in dead]


def nothing_left(connection, queues) -> bool:
    return all(
        queue.count == 0
        and not started_jobs(connection, queue)
        and queue.scheduled_job_registry.count == 0
        for queue in queues
    )


def run_worker(
    queue_url: str,
    results: Path,
    db: Path | None,
    burst: bool = False,
    lease: float = 30.0,
    name: str | None = None,
    verbose: bool = False,
) -> int:
    """Work until stopped (SIGTERM/SIGINT: after the current audit), or, with `burst`, until
    nothing is queued or running. 0, or 4 with one line when Redis cannot be reached."""
    connection = connect(queue_url)
    jobs.SETTINGS = jobs.WorkerSettings(queue_url, results.resolve(), db and db.resolve(), lease)
    worker = AuditWorker(
        [Queue(jobs.QUEUE_NAME, connection=connection)],
        connection=connection,
        name=name or f"govaudit-{socket.gethostname()}-{os.getpid()}",
        lease=lease,
        poll=1.0,
        patient_burst=burst,
        worker_ttl=45,  # keeps RQ's socket timeout at 40 s (its dequeue timeout + 10)
        job_monitoring_interval=max(int(lease / 3), 1),
    )
    try:
        worker.work(burst=False, logging_level="INFO" if verbose else "WARNING")
    except _LOST as e:
        worker.lost_queue = worker.lost_queue or e
    if worker.lost_queue is not None:
        raise QueueLost(f"与队列 {queue_url} 的连接断开（{_reason(worker.lost_queue)}）")
    return 0


def connect(queue_url: str):
    """A Redis client for `redis://HOST:PORT/DB` (also rediss:// and unix://)."""
    if not queue_url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"--queue 应为 redis://HOST:PORT/DB，而不是 {queue_url!r}")
    return redis.Redis.from_url(queue_url, socket_connect_timeout=5, socket_timeout=40)


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text.rstrip(".")
