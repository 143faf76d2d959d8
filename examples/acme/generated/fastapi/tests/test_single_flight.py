"""One refresh per session at a time (S18): the single flight on its own, with and without a store shared by instances."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable

import pytest

from fastapi_acme.single_flight import FlightTimeout, SingleFlight

pytestmark = pytest.mark.anyio


class MemoryStore:
    """A store shared by several :class:`SingleFlight` as by instances of an app (what Redis is to them)."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[float, str]] = {}

    async def add(self, key: str, value: str, timeout: float) -> bool:
        if self._live(key) is not None:
            return False
        self._values[key] = (time.monotonic() + timeout, value)
        return True

    async def get(self, key: str) -> str | None:
        return self._live(key)

    async def set(self, key: str, value: str, timeout: float) -> None:
        self._values[key] = (time.monotonic() + timeout, value)

    async def delete_if(self, key: str, value: str) -> None:
        if self._live(key) == value:
            del self._values[key]

    def _live(self, key: str) -> str | None:
        until, value = self._values.get(key, (0.0, ""))
        return value if until > time.monotonic() else None


class Work:
    """A slow refresh that counts its runs."""

    def __init__(self, *, seconds: float = 0.05, error: Exception | None = None) -> None:
        self.seconds = seconds
        self.error = error
        self.runs = 0

    async def __call__(self) -> str:
        self.runs += 1
        run = self.runs
        await asyncio.sleep(self.seconds)
        if self.error is not None:
            raise self.error
        return f"result {run}"


async def at_once(count: int, call: Callable[[int], Awaitable[str]]) -> list[str | BaseException]:
    """Call ``call(i)`` ``count`` times concurrently; each call's result or exception."""
    return await asyncio.gather(*(call(i) for i in range(count)), return_exceptions=True)


async def test_s18_concurrent_callers_of_one_key_share_one_run() -> None:
    flight, work = SingleFlight(), Work()
    assert await at_once(10, lambda _: flight.run("session-a", work)) == ["result 1"] * 10
    assert work.runs == 1


async def test_s18_a_caller_soon_after_gets_the_kept_result_and_later_ones_run_again() -> None:
    flight, work = SingleFlight(keep=0.1), Work(seconds=0)
    assert await flight.run("session-a", work) == "result 1"
    assert await flight.run("session-a", work) == "result 1"
    await asyncio.sleep(0.15)
    assert await flight.run("session-a", work) == "result 2"


async def test_s18_other_keys_do_not_wait() -> None:
    flight, work = SingleFlight(), Work(seconds=0)
    assert await flight.run("session-a", work) == "result 1"
    assert await flight.run("session-b", work) == "result 2"


async def test_s18_waiting_callers_get_the_failure_and_the_next_caller_tries_again() -> None:
    flight, work = SingleFlight(), Work(error=ValueError("refused"))
    results = await at_once(5, lambda _: flight.run("session-a", work))
    assert all(isinstance(result, ValueError) for result in results) and work.runs == 1
    work.error = None
    assert await flight.run("session-a", work) == "result 2"


async def test_s18_a_caller_does_not_wait_forever() -> None:
    flight, work = SingleFlight(wait=0.05), Work(seconds=0.3)
    results = await at_once(2, lambda _: flight.run("session-a", work))
    assert sorted(type(result).__name__ for result in results) == ["FlightTimeout", "str"]


async def test_s18_instances_sharing_a_store_run_the_work_once() -> None:
    store, work = MemoryStore(), Work()
    instances = [SingleFlight(shared=store, prefix="app:") for _ in range(3)]
    results = await at_once(9, lambda i: instances[i % 3].run("session-a", work))
    assert results == ["result 1"] * 9
    assert work.runs == 1
    assert await store.get("app:lock:session-a") is None, "the lock is released"
    assert await store.get("app:result:session-a") == "result 1"


async def test_s18_an_instance_that_died_holding_the_lock_is_waited_for_only_so_long() -> None:
    store = MemoryStore()
    await store.add("app:lock:session-a", "someone else", 60)
    with pytest.raises(FlightTimeout):
        await SingleFlight(shared=store, prefix="app:", wait=0.1).run("session-a", Work(seconds=0))


def test_s18_flights_of_one_key_in_two_event_loops_each_end_their_own() -> None:
    """Two event loops of one process (threads, each with its loop) share the flight: neither ends the other's."""
    flight = SingleFlight()
    first_started, second_started = threading.Event(), threading.Event()

    async def first_work() -> str:
        first_started.set()
        await asyncio.to_thread(second_started.wait, 5)
        return "first"

    async def second_work() -> str:
        second_started.set()
        return "second"

    results: dict[str, str | Exception] = {}

    def run(name: str, work: Callable[[], Awaitable[str]]) -> None:
        try:
            results[name] = asyncio.run(flight.run("session-a", work))
        except Exception as err:
            results[name] = err

    first = threading.Thread(target=run, args=("first", first_work))
    first.start()
    assert first_started.wait(5)
    second = threading.Thread(target=run, args=("second", second_work))
    second.start()
    for thread in (first, second):
        thread.join(10)
    assert results == {"first": "first", "second": "second"}
