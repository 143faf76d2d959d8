"""One refresh of a service session at a time: requests that come meanwhile wait and use its result.

A refresh token is often good for one use only: the service rotates it at
each refresh and refuses the old one. When several requests of the same
user find the access token expired at once (a page and its API calls, a
user with two tabs), each refreshing with the same old refresh token would
sign the user out. So the first request refreshes, the others wait for it
and take its result; and that result is kept for a short while, for a
request that still carries the old session (its cookie was sent before the
first answer came back).

In one process, a lock per key does this. Apps that run on several
instances pass a :class:`SharedStore` (the app's Redis, or Django's cache):
an instance then also takes a short lock there (``SET NX PX``), so the
others wait for it too, and finds the result there.

Keys are computed by the caller from the session being refreshed (a hash,
never a token); results are whatever the caller stores in its session
(sealed, never a token in the clear).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import Protocol


class SharedStore(Protocol):
    """Where the instances of an app share locks and results: the API of Django's cache."""

    def add(self, key: str, value: str, timeout: float) -> bool:
        """Store ``value`` unless ``key`` is there already; True when stored."""

    def get(self, key: str) -> str | None:
        """The value stored at ``key``; None when there is none."""

    def set(self, key: str, value: str, timeout: float) -> None:
        """Store ``value`` at ``key`` for ``timeout`` seconds."""

    def delete(self, key: str) -> object:
        """Remove ``key`` (what it returns is not used: Django's cache answers whether the key was there)."""


class FlightTimeout(RuntimeError):
    """The refresh in flight took longer than the wait allowed (another instance may have died holding it)."""


class _Flight:
    """A refresh in flight in this process: the callers waiting for it, and what it came to."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: str | None = None
        self.error: BaseException | None = None


class SingleFlight:
    """Runs a piece of work once per key at a time, and hands its result to every caller of that key.

    :param shared: the store other instances of the app see; None when this process is alone.
    :param prefix: the prefix of the keys in ``shared``.
    :param keep: seconds a result is handed to later callers of the same key.
    :param wait: seconds a caller waits for the work of another one before giving up.
    """

    def __init__(
        self, *, shared: SharedStore | None = None, prefix: str = "", keep: float = 30.0, wait: float = 10.0
    ) -> None:
        self.shared = shared
        self.prefix = prefix
        self.keep = keep
        self.wait = wait
        self._lock = threading.Lock()
        self._flights: dict[str, _Flight] = {}
        self._results: dict[str, tuple[float, str]] = {}

    def run(self, key: str, work: Callable[[], str]) -> str:
        """The result of ``work`` for ``key``: run now, or by a caller that came first.

        Callers that waited get the same result, or the same exception, as the
        caller that ran the work.

        :raises FlightTimeout: when the work of another caller outlasts ``wait``.
        """
        with self._lock:
            now = time.monotonic()
            self._results = {k: kept for k, kept in self._results.items() if kept[0] > now}
            if key in self._results:
                return self._results[key][1]
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
        if not leader:
            if not flight.done.wait(self.wait):
                raise FlightTimeout(f"waited {self.wait:g} s for a refresh in flight")
            if flight.error is not None:
                raise flight.error
            assert flight.result is not None
            return flight.result
        try:
            flight.result = self._run_shared(key, work) if self.shared is not None else work()
        except BaseException as err:
            flight.error = err
            raise
        finally:
            with self._lock:
                del self._flights[key]
                if flight.result is not None:
                    self._results[key] = (time.monotonic() + self.keep, flight.result)
            flight.done.set()
        return flight.result

    def _run_shared(self, key: str, work: Callable[[], str]) -> str:
        """Run ``work`` under the shared lock of ``key``, unless another instance has its result already."""
        assert self.shared is not None
        lock, done = f"{self.prefix}lock:{key}", f"{self.prefix}result:{key}"
        owner = secrets.token_hex(8)
        deadline = time.monotonic() + self.wait
        while not self.shared.add(lock, owner, self.wait):
            result = self.shared.get(done)
            if result is not None:
                return result
            if time.monotonic() > deadline:
                raise FlightTimeout(f"waited {self.wait:g} s for a refresh on another instance")
            time.sleep(0.05)
        try:
            result = self.shared.get(done)
            if result is None:
                result = work()
                self.shared.set(done, result, self.keep)
            return result
        finally:
            # The lock expires by itself after ``wait`` seconds; delete it only while it is still ours.
            if self.shared.get(lock) == owner:
                self.shared.delete(lock)
