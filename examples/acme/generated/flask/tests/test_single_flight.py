"""One refresh per session at a time (S18): the single flight on its own, in threads, with and without a shared store."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from flask_acme.single_flight import FlightTimeout, SingleFlight


class MemoryStore:
    """A store shared by several :class:`SingleFlight` as by instances of an app (Django's cache API)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, tuple[float, str]] = {}

    def add(self, key: str, value: str, timeout: float) -> bool:
        with self._lock:
            if self._live(key) is not None:
                return False
            self._values[key] = (time.monotonic() + timeout, value)
            return True

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._live(key)

    def set(self, key: str, value: str, timeout: float) -> None:
        with self._lock:
            self._values[key] = (time.monotonic() + timeout, value)

    def delete(self, key: str) -> None:
        with self._lock:
            self._values.pop(key, None)

    def _live(self, key: str) -> str | None:
        until, value = self._values.get(key, (0.0, ""))
        return value if until > time.monotonic() else None


class Work:
    """A slow refresh that counts its runs."""

    def __init__(self, *, seconds: float = 0.2, error: Exception | None = None) -> None:
        self.seconds = seconds
        self.error = error
        self.runs = 0
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            self.runs += 1
            run = self.runs
        time.sleep(self.seconds)
        if self.error is not None:
            raise self.error
        return f"result {run}"


def at_once(count: int, call: Callable[[int], str]) -> list[str | BaseException]:
    """Call ``call(i)`` from ``count`` threads at once; each thread's result or exception."""
    start = threading.Barrier(count)

    def one(i: int) -> str | BaseException:
        start.wait()
        try:
            return call(i)
        except Exception as err:
            return err

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def test_s18_concurrent_callers_of_one_key_share_one_run() -> None:
    flight, work = SingleFlight(), Work()
    assert at_once(10, lambda _: flight.run("session-a", work)) == ["result 1"] * 10
    assert work.runs == 1


def test_s18_a_caller_soon_after_gets_the_kept_result_and_later_ones_run_again() -> None:
    flight, work = SingleFlight(keep=0.3), Work(seconds=0)
    assert flight.run("session-a", work) == "result 1"
    assert flight.run("session-a", work) == "result 1"
    time.sleep(0.4)
    assert flight.run("session-a", work) == "result 2"


def test_s18_other_keys_do_not_wait() -> None:
    flight, work = SingleFlight(), Work(seconds=0)
    assert flight.run("session-a", work) == "result 1"
    assert flight.run("session-b", work) == "result 2"


def test_s18_waiting_callers_get_the_failure_and_the_next_caller_tries_again() -> None:
    flight, work = SingleFlight(), Work(error=ValueError("refused"))
    results = at_once(5, lambda _: flight.run("session-a", work))
    assert all(isinstance(result, ValueError) for result in results) and work.runs == 1
    work.error = None
    assert flight.run("session-a", work) == "result 2"


def test_s18_a_caller_does_not_wait_forever() -> None:
    flight, work = SingleFlight(wait=0.1), Work(seconds=0.5)
    results = at_once(2, lambda _: flight.run("session-a", work))
    assert sorted(type(result).__name__ for result in results) == ["FlightTimeout", "str"]


def test_s18_instances_sharing_a_store_run_the_work_once() -> None:
    store, work = MemoryStore(), Work()
    instances = [SingleFlight(shared=store, prefix="app:") for _ in range(3)]
    results = at_once(9, lambda i: instances[i % 3].run("session-a", work))
    assert results == ["result 1"] * 9
    assert work.runs == 1
    assert store.get("app:lock:session-a") is None, "the lock is released"
    assert store.get("app:result:session-a") == "result 1"


def test_s18_an_instance_that_died_holding_the_lock_is_waited_for_only_so_long() -> None:
    store = MemoryStore()
    store.add("app:lock:session-a", "someone else", 60)
    with pytest.raises(FlightTimeout):
        SingleFlight(shared=store, prefix="app:", wait=0.2).run("session-a", Work(seconds=0))
