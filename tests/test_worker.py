"""The worker process's clients: answers reach their own calls, in flight, dropped, or failed."""

from __future__ import annotations

import asyncio

import pytest

from govaudit.crawler.worker_process import AsyncWorker, Worker


def test_many_calls_in_flight_each_get_their_own_answer():
    async def run() -> tuple[list, int]:
        worker = AsyncWorker()
        await worker.start()
        try:
            answers = [worker.submit("math", "sqrt", n * n) for n in range(50)]
            in_flight = worker.in_flight
            return await asyncio.gather(*answers), in_flight
        finally:
            worker.kill()

    answers, in_flight = asyncio.run(run())
    assert answers == [float(n) for n in range(50)]
    assert in_flight == 50  # counted when written, before any answer


def test_a_call_given_up_on_does_not_take_the_next_answer():
    async def run() -> float:
        worker = AsyncWorker()
        await worker.start()
        try:
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(worker.submit("time", "sleep", 0.5), 0.1)
            return await worker.submit("math", "sqrt", 9)  # answered after the sleep's None
        finally:
            worker.kill()

    assert asyncio.run(run()) == 3.0


def test_a_killed_worker_fails_its_calls_and_a_new_one_answers():
    async def run() -> float:
        first = AsyncWorker()
        await first.start()
        waiting = first.submit("time", "sleep", 5)
        first.kill()
        with pytest.raises(EOFError):
            await waiting
        with pytest.raises(EOFError):
            first.submit("math", "sqrt", 4)
        second = AsyncWorker()  # its pipes may get the numbers the first one's had
        await second.start()
        try:
            return await asyncio.wait_for(second.submit("math", "sqrt", 16), 10)
        finally:
            second.kill()

    assert asyncio.run(run()) == 4.0


def test_a_worker_that_exits_fails_the_calls_waiting_on_it():
    async def run() -> None:
        worker = AsyncWorker()
        await worker.start()
        try:
            with pytest.raises(EOFError):
                await asyncio.wait_for(worker.submit("os", "_exit", 3), 10)
        finally:
            worker.kill()

    asyncio.run(run())


def test_worker_answers_submits_in_order_and_fails_them_when_it_exits():
    worker = Worker()
    try:
        answers = [worker.submit("math", "sqrt", n * n) for n in range(20)]
        assert [a.result(10) for a in answers] == [float(n) for n in range(20)]
        assert worker.call("time", "sleep", 0) is None  # an answer, not the end of the pipe
        slow = worker.submit("time", "sleep", 0.3)
        assert not slow.done()  # submit does not wait for the worker
        exits = worker.submit("os", "_exit", 3)
        after = worker.submit("math", "sqrt", 4)
        assert slow.result(10) is None
        for future in (exits, after):
            with pytest.raises(EOFError):
                future.result(10)
        with pytest.raises(EOFError):
            worker.call("math", "sqrt", 4)  # and so does every later call
    finally:
        worker.kill()


def test_a_killed_worker_fails_what_waits_on_it():
    worker = Worker()
    waiting = worker.submit("time", "sleep", 30)
    worker.kill()
    with pytest.raises(EOFError):
        waiting.result(10)


def test_a_call_cancelled_by_its_caller_does_not_stop_the_answers_after_it():
    worker = Worker()
    try:
        dropped = worker.submit("time", "sleep", 0.3)
        assert dropped.cancel()  # the caller gave up on it before the worker answered
        assert worker.submit("math", "sqrt", 9).result(10) == 3.0
    finally:
        worker.kill()
