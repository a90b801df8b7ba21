"""Distributed audits through RQ on a real redis-server (127.0.0.1, a free port, no persistence).

Four small sites served on 127.0.0.1 are audited once the embedded way (`govaudit audit
--config sites.toml --jobs 2`, the baseline) and then by two `govaudit worker`s from one queue:
each site exactly once, the same findings. Then a worker is SIGKILLed mid-audit (with its work
horse; the audit child dies with them) and the other worker resumes and completes the audit; a
duplicate enqueue is refused; a held site lease makes a worker wait; Redis going away makes a
worker exit with one line. `.ci/run` installs Debian's redis-server so CI runs all of this.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from site_server import Reply, SiteServer
from start_imports import imported_at_start

AS_OF = "2024-06-01"
KEYS = ("portal", "rsj", "fgw", "jyj")
LEASE = "2"  # seconds: a dead worker's job is retried within this (default 30)

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="redis-server is not installed here (.ci/run installs Debian's redis-server package)",
)
redis = pytest.importorskip("redis", reason="the [distributed] extra (rq, redis) is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A throwaway redis-server on 127.0.0.1: `.url`, `.client()`, `.stop()`."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", ""]
            + ["--appendonly", "no", "--dir", str(tmp)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"redis://127.0.0.1:{self.port}/0"
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client().ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def client(self):
        return redis.Redis.from_url(self.url)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def queue(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.stop()


def page(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


def small_site(name: str, articles: int) -> dict[str, Reply]:
    """A home page listing `articles` dated news pages; a dead link and a typo to find."""
    items = "".join(
        f'<li><a href="/news/t202405{10 + i % 18:02d}_{i}.html">动态{i}</a>'
        f"<span>2024-05-{10 + i % 18:02d}</span></li>"
        for i in range(articles)
    )
    routes = {"/": Reply(page(name, f'<ul class="list">{items}</ul><a href="/gone.html">旧</a>'))}
    for i in range(articles):
        text = "面对困难，我们不能一愁莫展。" if i == 1 else f"{name}召开第{i}次会议。"
        routes[f"/news/t202405{10 + i % 18:02d}_{i}.html"] = Reply(
            page(f"动态{i}", f"<p>发布日期：2024-05-{10 + i % 18:02d}</p><p>{text}</p>")
        )
    return routes


def govaudit(*args: str) -> list[str]:
    return [sys.executable, "-m", "govaudit.cli", *args]


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(govaudit(*args), capture_output=True, text=True, timeout=timeout)


def start_worker(url: str, results: Path, log: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        govaudit("worker", "--queue", url, "--out", str(results), "--lease", LEASE, *extra),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def findings(folder: Path) -> set[tuple[str, str, str, str]]:
    data = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    return {(f["id"], f["check"], f["severity"], f["page_url"]) for f in data}


def audits(db: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, status FROM audits ORDER BY id").fetchall()


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Four sites on 127.0.0.1, their profile, and the embedded multi-site audit of them."""
    tmp = tmp_path_factory.mktemp("distributed")
    routes = {key: small_site(key, 12 if key != "jyj" else 40) for key in KEYS}
    servers = [SiteServer(routes[key]) for key in KEYS]
    for server in servers:
        server.__enter__()
    text = "[defaults.crawl]\nconcurrency = 2\ndownload_delay = 0\ntimeout = 2\nretries = 0\n"
    for key, server in zip(KEYS, servers, strict=True):
        text += f'\n[sites.{key}.site]\nname = "{key}局"\nstart_urls = ["{server.url}/"]\n'
    profile = tmp / "sites.toml"
    profile.write_text(text, encoding="utf-8")
    base = tmp / "base"
    done = run(
        "audit", "--config", str(profile), "--out", str(base), "--jobs", "2", "--as-of", AS_OF
    )
    assert done.returncode == 0, done.stderr
    yield {
        "profile": profile,
        "base": base,
        "routes": routes,
        "servers": dict(zip(KEYS, servers, strict=True)),
    }
    for server in servers:
        server.__exit__(None)


def test_two_workers_audit_four_sites_once_each_with_the_embedded_findings(sites, queue, tmp_path):
    profile, results = sites["profile"], tmp_path / "results"
    enqueue = run("enqueue", "--config", str(profile), "--queue", queue.url, "--as-of", AS_OF)
    assert enqueue.returncode == 0, enqueue.stderr
    assert enqueue.stdout.count(" 已入队，任务 govaudit-") == 4
    # A second enqueue while the jobs wait is refused, site by site.
    again = run("enqueue", "--config", str(profile), "--queue", queue.url, "--as-of", AS_OF)
    assert again.returncode == 1
    assert "govaudit: [rsj] 未入队：已在队列中（任务 govaudit-rsj-2024-06-01）" in again.stderr
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    workers = [start_worker(queue.url, results, log, "--burst") for log in logs]
    assert [w.wait(timeout=60) for w in workers] == [0, 0]
    lines = [line for log in logs for line in log.read_text().splitlines()]
    started = [line.split("[")[2].split("]")[0] for line in lines if "开始审计" in line]
    assert sorted(started) == sorted(KEYS), lines  # every site once, no site twice
    assert all(any("开始审计" in line for line in log.read_text().splitlines()) for log in logs)
    for key in KEYS:
        assert audits(results / key / "govaudit.db") == [(1, "finished")]
        assert findings(results / key) == findings(sites["base"] / key)
        assert findings(results / key)  # the planted dead link and typo
    # The cross-site table, from the results directory alone.
    table = run("summary", "--results", str(results))
    assert table.returncode == 0, table.stderr
    for key in KEYS:
        assert key in table.stdout
    embedded = run("summary", "--results", str(sites["base"]))
    assert [r.split("│")[1:7] for r in table.stdout.splitlines() if "局" not in r] == [
        r.split("│")[1:7] for r in embedded.stdout.splitlines() if "局" not in r
    ]


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_killed_worker_audit_is_completed_by_the_other_and_duplicates_refused(
    sites, queue, tmp_path
):
    key, server = "jyj", sites["servers"]["jyj"]
    profile, results = sites["profile"], tmp_path / "results"
    for reply in sites["routes"][key].values():
        reply.delay = 0.3  # 41 pages at concurrency 2: ~6 s to kill it in, on a loaded machine too
    try:
        enqueue = run(
            "enqueue", "--config", str(profile), "--queue", queue.url, "--as-of", AS_OF,
            "--site", key,
        )  # fmt: skip
        assert enqueue.returncode == 0, enqueue.stderr
        hits_before = sum(server.hits.values())
        first = start_worker(queue.url, results, tmp_path / "w1.log")
        wait_for(lambda: sum(server.hits.values()) - hits_before >= 10, 30, "the crawl")
        # Running: enqueueing the site again is refused.
        again = run(
            "enqueue", "--config", str(profile), "--queue", queue.url, "--as-of", AS_OF,
            "--site", key,
        )  # fmt: skip
        assert again.returncode == 1
        assert f"[{key}] 未入队：已在运行" in again.stderr
        second = start_worker(queue.url, results, tmp_path / "w2.log", "--burst")
        time.sleep(0.5)  # the second worker is polling: the job is the first one's
        horses = children(first.pid)
        audit_children = [c for h in horses for c in children(h)]
        assert horses and audit_children
        for pid in (first.pid, *horses):
            os.kill(pid, signal.SIGKILL)
        first.wait()
        wait_for(lambda: all(gone(c) for c in audit_children), 5, "the audit child to die")
        recorded = sqlite3.connect(results / key / "govaudit.db").execute(
            "SELECT count(*) FROM pages"
        )
        assert 0 < recorded.fetchone()[0] < 41
        assert second.wait(timeout=60) == 0
    finally:
        for reply in sites["routes"][key].values():
            reply.delay = 0
    log = (tmp_path / "w2.log").read_text()
    assert "已被放弃（租约过期）：重试" in log
    assert f"[{key}] 退出码 0" in log
    assert audits(results / key / "govaudit.db") == [(1, "finished")]  # one audit, resumed
    phases = (results / key / "govaudit.log").read_text(encoding="utf-8")
    assert "继续审计 #1" in phases
    assert findings(results / key) == findings(sites["base"] / key)


def test_a_held_site_lease_makes_the_worker_wait(sites, queue, tmp_path):
    client = queue.client()
    client.set("govaudit:site:rsj", "elsewhere:1:job", px=60_000)  # another worker's audit
    profile, results = sites["profile"], tmp_path / "results"
    assert (
        run(
            "enqueue",
            "--config",
            str(profile),
            "--queue",
            queue.url,
            "--as-of",
            AS_OF,
            "--site",
            "rsj",
        ).returncode
        == 0
    )
    log = tmp_path / "w.log"
    worker = start_worker(queue.url, results, log, "--burst")
    wait_for(lambda: "等待：该站点正由 elsewhere" in log.read_text(), 20, "w")
    time.sleep(1)
    assert "开始审计" not in log.read_text()
    client.delete("govaudit:site:rsj")
    assert worker.wait(timeout=30) == 0
    assert audits(results / "rsj" / "govaudit.db") == [(1, "finished")]


def test_lease_is_held_by_one_token_only(queue):
    from govaudit.distributed.lease import Lease

    client = queue.client()
    mine, theirs = (
        Lease(client, "govaudit:site:x", "a", 5),
        Lease(client, "govaudit:site:x", "b", 5),
    )
    assert mine.acquire() and not theirs.acquire()
    assert not theirs.renew() and mine.renew()
    theirs.release()  # not theirs to release
    assert mine.holder() == "a"
    mine.release()
    assert theirs.acquire() and theirs.holder() == "b"


def test_redis_going_away_stops_an_idle_worker_with_one_line(queue, tmp_path):
    worker = subprocess.Popen(
        govaudit("worker", "--queue", queue.url, "--out", str(tmp_path / "r")),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2)
    assert worker.poll() is None  # waiting for jobs
    queue.stop()
    out, err = worker.communicate(timeout=30)
    assert worker.returncode == 4
    assert err.count("\n") == 1, err  # one line, no traceback
    assert err.startswith(f"govaudit: 与队列 {queue.url} 的连接断开（")
    assert err.endswith("）；工作机已停止，已抓取的内容均已保存\n")
    again = run("worker", "--queue", queue.url, "--out", str(tmp_path / "r"))
    assert again.returncode == 4
    assert again.stderr.startswith(f"govaudit: 无法连接队列 {queue.url}（")
    assert again.stderr.count("\n") == 1


def test_single_machine_commands_do_not_import_rq_or_redis():
    assert imported_at_start("rq", "redis") == []


def test_redis_going_away_mid_audit_keeps_what_was_recorded(sites, queue, tmp_path):
    """The worker stops the audit once its lease cannot be renewed: resumable, one line."""
    key, server = "jyj", sites["servers"]["jyj"]
    results = tmp_path / "results"
    for reply in sites["routes"][key].values():
        reply.delay = 0.15
    try:
        assert run(
            "enqueue", "--config", str(sites["profile"]), "--queue", queue.url,
            "--as-of", AS_OF, "--site", key,
        ).returncode == 0  # fmt: skip
        hits_before = sum(server.hits.values())
        worker = subprocess.Popen(
            govaudit("worker", "--queue", queue.url, "--out", str(results), "--lease", LEASE),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for(lambda: sum(server.hits.values()) - hits_before >= 8, 30, "the crawl")
        queue.stop()
        out, err = worker.communicate(timeout=30)
    finally:
        for reply in sites["routes"][key].values():
            reply.delay = 0
    assert worker.returncode == 4
    assert err.count("\n") == 1 and err.startswith("govaudit: 与队列 "), err
    assert f"[{key}] 失去租约：停止审计（可继续）" in out
    assert audits(results / key / "govaudit.db") == [(1, "interrupted")]
    with sqlite3.connect(results / key / "govaudit.db") as conn:
        assert conn.execute("SELECT count(*) FROM pages").fetchone()[0] >= 5
