"""One refresh of a service session at a time: requests that come meanwhile wait and use its result.

A refresh token is often good for one use only: the service rotates it at
each refresh and refuses the old one. When several requests of the same
user find the access token expired at once (a page and its API calls, a
user with two tabs), each refreshing with the same old refresh token would
sign the user out. So the first request refreshes, the others wait for it
and take its result; and that result is kept for a short while, for a
request that still carries the session from before it.

In one process, a future per key does this. With ``ACME_REDIS_URL`` set, an
instance also takes a short lock in Redis (``SET NX PX``), so the other
instances wait for it too, and find the result there.

Keys are computed by the caller from the session being refreshed (never a
token); results are what the caller stores in its session.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Protocol


class SharedStore(Protocol):
    """Where the instances of an app share locks and results (the app's Redis)."""

    async def add(self, key: str, value: str, timeout: float) -> bool:
        """Store ``value`` unless ``key`` is there already; True when stored."""

    async def get(self, key: str) -> str | None:
        """The value stored at ``key``; None when there is none."""

    async def set(self, key: str, value: str, timeout: float) -> None:
        """Store ``value`` at ``key`` for ``timeout`` seconds."""

    async def delete_if(self, key: str, value: str) -> None:
        """Remove ``key`` while it still holds ``value``."""


class FlightTimeout(RuntimeError):
    """The refresh in flight took longer than the wait allowed (another instance may have died holding it)."""


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
        self._flights: dict[str, asyncio.Future[str]] = {}
        self._results: dict[str, tuple[float, str]] = {}

    async def run(self, key: str, work: Callable[[], Awaitable[str]]) -> str:
        """The result of ``work`` for ``key``: run now, or by a caller that came first.

        Callers that waited get the same result, or the same exception, as the
        caller that ran the work.

        :raises FlightTimeout: when the work of another caller outlasts ``wait``.
        """
        now = time.monotonic()
        self._results = {k: kept for k, kept in self._results.items() if kept[0] > now}
        if key in self._results:
            return self._results[key][1]
        flight = self._flights.get(key)
        if flight is not None and flight.get_loop() is asyncio.get_running_loop():
            try:
                return await asyncio.wait_for(asyncio.shield(flight), self.wait)
            except TimeoutError:
                raise FlightTimeout(f"waited {self.wait:g} s for a refresh in flight") from None
        flight = self._flights[key] = asyncio.get_running_loop().create_future()
        try:
            result = await (self._run_shared(key, work) if self.shared is not None else work())
        except BaseException as err:
            flight.set_exception(err)
            flight.exception()  # retrieved: no "exception never retrieved" warning when nobody waited
            raise
        else:
            flight.set_result(result)
            self._results[key] = (time.monotonic() + self.keep, result)
            return result
        finally:
            if self._flights.get(key) is flight:  # not one another event loop of the process started since
                del self._flights[key]

    async def _run_shared(self, key: str, work: Callable[[], Awaitable[str]]) -> str:
        """Run ``work`` under the shared lock of ``key``, unless another instance has its result already."""
        assert self.shared is not None
        lock, done = f"{self.prefix}lock:{key}", f"{self.prefix}result:{key}"
        owner = secrets.token_hex(8)
        deadline = time.monotonic() + self.wait
        while not await self.shared.add(lock, owner, self.wait):
            result = await self.shared.get(done)
            if result is not None:
                return result
            if time.monotonic() > deadline:
                raise FlightTimeout(f"waited {self.wait:g} s for a refresh on another instance")
            await asyncio.sleep(0.05)
        try:
            result = await self.shared.get(done)
            if result is None:
                result = await work()
                await self.shared.set(done, result, self.keep)
            return result
        finally:
            # The lock expires by itself after ``wait`` seconds; delete it only while it is still ours.
            await self.shared.delete_if(lock, owner)
