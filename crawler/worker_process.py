"""A worker process for the machine's other core: `python -m crawler.worker_process`, and its clients.

The worker reads requests from stdin and writes answers to stdout, each a length-prefixed pickle
(8 bytes, little-endian, then the data): a request is (module, function, args), the answer the
function's return value. It runs requests one after another, so answers come back in the order
of the requests. Only this module's clients write to it, over the pipes they created, so the
pickles never come from the network.

A plain subprocess rather than multiprocessing: spawn and forkserver re-import the caller's main
script in the worker (a script without a `__main__` guard would start a second crawl there),
forking the crawl's multi-threaded process is unsafe, and a pool cannot kill a stuck worker before
Python 3.14. Clients:

- `AsyncWorker`, driven from the event loop: every request is written at once and each answer
  resolves the oldest waiting call, so many calls may be in flight and no thread of ours waits
  on a pipe (a thread would fight the event loop for the GIL on every answer);
- `Worker`, for ordinary code: requests are written and answers read by two threads of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
from collections import deque
from concurrent.futures import Future, InvalidStateError
from pathlib import Path
from typing import Any, BinaryIO

HEADER = struct.Struct("<Q")


def read_message(stream: BinaryIO) -> object:
    """One message (None is one too); EOFError at the end of the stream."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        raise EOFError("end of stream")
    (size,) = HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("end of stream within a message")
    return pickle.loads(data)


def encode(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def write_message(stream: BinaryIO, message: object) -> None:
    stream.write(encode(message))
    stream.flush()


def start_worker() -> subprocess.Popen:
    """A worker process with its stdin and stdout piped to us; its stderr is discarded."""
    root = str(Path(__file__).resolve().parents[1])  # the checkout holding `crawler`
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "govaudit.crawler.worker_process"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def _kill(process: subprocess.Popen) -> None:
    process.kill()
    process.wait()
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            pipe.close()


class Worker:
    """The worker process used from ordinary code: `submit` returns a `Future` at once. A thread
    writes the requests, so a busy worker never blocks the caller, and another reads the
    answers; both wait in system calls, without the GIL."""

    def __init__(self) -> None:
        self.process = start_worker()
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._waiting: deque[Future] = deque()  # in the order of the requests
        self._lock = threading.Lock()
        self._gone: EOFError | None = None
        self._threads = [
            threading.Thread(target=self._write, name="worker-writer", daemon=True),
            threading.Thread(target=self._read, name="worker-reader", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, module: str, function: str, *args: Any) -> Future:
        """A future of the answer; it fails with EOFError when the worker is gone."""
        future: Future = Future()
        data = encode((module, function, args))
        with self._lock:
            if self._gone is not None:
                future.set_exception(self._gone)
                return future
            self._waiting.append(future)
            self._outbox.put(data)
        return future

    def call(self, module: str, function: str, *args: Any) -> Any:
        return self.submit(module, function, *args).result()

    def _write(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        while (data := self._outbox.get()) is not None:
            try:
                stdin.write(data)
                stdin.flush()
            except (OSError, ValueError):  # the worker is gone, or its pipe closed by `kill`
                self._fail(EOFError(f"worker exited ({self.process.poll()})"))
                return

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            try:
                answer = read_message(stdout)
            except Exception:  # EOF, a broken pipe, an answer that does not unpickle
                self._fail(EOFError(f"worker exited ({self.process.poll()})"))
                return
            with self._lock:
                future = self._waiting.popleft()
            with contextlib.suppress(InvalidStateError):  # cancelled by its caller: dropped
                future.set_result(answer)

    def _fail(self, error: EOFError) -> None:
        with self._lock:
            self._gone = self._gone or error
            waiting, self._waiting = list(self._waiting), deque()
        for future in waiting:
            future.set_exception(error)

    def kill(self) -> None:
        """Stop the process now; calls still waiting fail with EOFError."""
        self.process.kill()
        self.process.wait()
        self._outbox.put(None)
        for thread in self._threads:
            thread.join(5)  # the reader sees the end of the pipe, the writer the None
        self._fail(EOFError("worker stopped"))
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


class AsyncWorker:
    """The worker process driven from the running event loop: `await start()`, then
    `await submit(...)` from any number of tasks. A call cancelled (a timeout) still has its
    answer read and dropped, so the answers after it go to their own calls."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self._transport: asyncio.WriteTransport | None = None
        self._receiving: asyncio.ReadTransport | None = None
        self._waiting: deque[asyncio.Future] = deque()  # futures, in the order of their requests
        self._reader: asyncio.Task | None = None

    @property
    def in_flight(self) -> int:
        return len(self._waiting)

    async def start(self) -> None:
        """Start the process and connect its pipes; RuntimeError when it cannot start."""
        loop = asyncio.get_running_loop()
        try:
            self.process = start_worker()
            stream = asyncio.StreamReader(limit=2**31)
            self._receiving, _ = await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(stream), self.process.stdout
            )
            self._transport, _ = await loop.connect_write_pipe(asyncio.Protocol, self.process.stdin)
        except BaseException as exc:
            self.kill()
            raise RuntimeError(f"worker did not start: {exc}") from exc
        self._reader = loop.create_task(self._read(stream))

    def submit(self, module: str, function: str, *args: Any) -> asyncio.Future:
        """A future of the function's answer (the request is written now, so `in_flight` counts
        it at once); EOFError when the worker is gone (killed, or never started)."""
        if self._transport is None or self._transport.is_closing():
            raise EOFError("worker not running")
        future = asyncio.get_running_loop().create_future()
        self._waiting.append(future)
        self._transport.write(encode((module, function, args)))
        return future

    async def _read(self, stream: asyncio.StreamReader) -> None:
        try:
            while True:
                (size,) = HEADER.unpack(await stream.readexactly(HEADER.size))
                answer = pickle.loads(await stream.readexactly(size))
                future = self._waiting.popleft()
                if not future.done():
                    future.set_result(answer)
        except Exception as exc:  # EOF, or anything unexpected: no call may wait on a dead reader
            self._fail(EOFError(f"worker exited: {exc}"))

    def _fail(self, error: BaseException) -> None:
        while self._waiting:
            future = self._waiting.popleft()
            if not future.done():
                future.set_exception(error)

    def kill(self) -> None:
        """Stop the process; calls still waiting fail with EOFError."""
        self._fail(EOFError("worker stopped"))
        if self._reader is not None:
            self._reader.cancel()
        for transport in (self._transport, self._receiving):
            if transport is not None:  # before the pipes close: their numbers will be reused
                with contextlib.suppress(RuntimeError):  # the loop is closed: nothing to leave
                    transport.close()
        if self.process is not None:
            _kill(self.process)
        self.process = self._transport = self._receiving = self._reader = None


def main() -> None:
    logging.disable(logging.CRITICAL)  # readers warn per broken object; the parent keeps stderr
    # Ctrl-C reaches the whole process group: the parent decides when its worker stops (it may
    # still need what the worker was sent, e.g. pages to write).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # CPython's collector pace, not the audit process's slower one (govaudit/core/memory.py):
    # collected less often, the helper and the attachment reader each kept ~15 MB more.
    while True:
        try:
            module, function, args = read_message(sys.stdin.buffer)
        except EOFError:
            return
        write_message(sys.stdout.buffer, getattr(importlib.import_module(module), function)(*args))


if __name__ == "__main__":
    main()
