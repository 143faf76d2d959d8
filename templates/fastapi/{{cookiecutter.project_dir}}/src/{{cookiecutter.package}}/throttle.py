"""Throttling failed sign-ins, per account and per client address, with the ``limits`` library.

Off unless ``{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_ACCOUNT`` or ``{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_PER_CLIENT`` is set.
Only sign-ins the service refused count (a service that is down counts for
nothing), a success clears the count of its username, and a throttled
attempt never reaches the service. SlowAPI, built on the same library,
counts every request to a route; this counts failures only, on the login
route alone.

The counts are kept in a moving window: a limit of 8 in 300 seconds refuses
every attempt once 8 have failed within the last 300 seconds. With
``{{ cookiecutter.config_prefix }}_REDIS_URL`` set they live in that Redis, shared by every instance of the
app, through the sessions' connections (closed with them when the app shuts
down); without it in the memory of the process (the library's default
store), so each worker process counts the attempts it serves.
"""

from __future__ import annotations

import logging
import math
import time

from collections.abc import Iterator
from contextlib import contextmanager

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from . import config
from .errors import ServiceUnavailable
from .store import RedisStore

logger = logging.getLogger(__name__)


class LoginThrottle:
    """Counts failed sign-ins by username and by client address, and says when to refuse one."""

    def __init__(self, *, per_account: int, per_client: int, window: int, redis: RedisStore | None = None) -> None:
        self._account = RateLimitItemPerSecond(per_account, window) if per_account else None
        self._client = RateLimitItemPerSecond(per_client, window) if per_client else None
        self._redis = redis
        self._limiter: MovingWindowRateLimiter | None = None

    async def retry_after(self, username: str, client: str) -> int | None:
        """Whole seconds until ``username`` may try again from ``client``; None when it may now."""
        with _storage_errors():
            waits = [
                await self._seconds_left(limit, *key)
                for limit, key in self._counters(username, client)
                if not await self._limits().test(limit, *key)
            ]
        return max(waits, default=None)

    async def failed(self, username: str, client: str) -> None:
        """Count a sign-in the service refused."""
        with _storage_errors():
            for limit, key in self._counters(username, client):
                await self._limits().hit(limit, *key)

    async def succeeded(self, username: str) -> None:
        """Clear the count of ``username`` (not of the address: one success does not vouch for a client).

        The user is signed in by then: a count that cannot be cleared is logged, and only makes the
        limit stricter for that username until its window ends.
        """
        if self._account is not None:
            try:
                await self._limits().clear(self._account, *_account_key(username))
            except StorageError as err:
                logger.warning("The failed sign-ins of a username could not be cleared: %s", err)

    def _limits(self) -> MovingWindowRateLimiter:
        """The limiter, made at first use: its Redis connections belong to the event loop that serves the app."""
        if self._limiter is None:
            storage: Storage = (
                RedisStorage(
                    _async_url(self._redis.url),
                    implementation="redispy",
                    key_prefix=f"{config.REDIS_KEY_PREFIX}limits",
                    wrap_exceptions=True,
                    # The sessions' pool: closed with the sessions (limits documents the option; its type hint omits it).
                    connection_pool=self._redis.redis().connection_pool,  # type: ignore[arg-type]
                )
                if self._redis is not None
                else MemoryStorage()
            )
            self._limiter = MovingWindowRateLimiter(storage)
        return self._limiter

    def _counters(self, username: str, client: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        """The limits that are on, each with the key it counts under."""
        counters: list[tuple[RateLimitItem, tuple[str, ...]]] = []
        if self._account is not None:
            counters.append((self._account, _account_key(username)))
        if self._client is not None:
            counters.append((self._client, ("client", client)))
        return counters

    async def _seconds_left(self, limit: RateLimitItem, *key: str) -> int:
        stats = await self._limits().get_window_stats(limit, *key)
        return max(1, math.ceil(stats.reset_time - time.time()))


@contextmanager
def _storage_errors() -> Iterator[None]:
    """A store of counts that is down (Redis) fails the sign-in closed: 503, never a sign-in it did not count."""
    try:
        yield
    except StorageError as err:
        raise ServiceUnavailable(f"the sign-in counts cannot be read: {err}") from err


def _account_key(username: str) -> tuple[str, ...]:
    """The key of a username as typed: trimmed and case-folded, whether or not the account exists."""
    return ("account", username.strip().casefold())


def _async_url(url: str) -> str:
    """``redis://...`` as the ``limits`` library names its asynchronous Redis store: ``async+redis://...``."""
    return url if url.startswith("async+") else f"async+{url}"
