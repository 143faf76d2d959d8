"""Where sessions live: on the server, so the cookie carries nothing but an opaque session id.

A session holds the user as the service last described them, when that was,
and the service's own session values (its tokens), which must never reach
the browser. Signing out deletes the record: a copy of the cookie kept from
before finds nothing and is anonymous. Only a sign-in creates a record; every
later write changes it only while it is still there, so a request that was
under way on one instance while the session signed out on another cannot
bring it back when it ends.

Two stores, with one interface (:class:`SessionStore`):

- :class:`SQLiteStore`, the default: a SQLite file that every worker process
  on the machine shares, and that outlives a restart (a signed-out cookie
  stays refused, signed-in users stay signed in).
- :class:`RedisStore` when ``{{ cookiecutter.config_prefix }}_REDIS_URL`` is set: shared by every instance of the
  app, so a sign-out on one is seen by all of them at once.

A store that fails (Redis down, a disk full) fails the request closed, as a
service that is down: :class:`~.errors.ServiceUnavailable`, a 503.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from anyio import to_thread

from .errors import ServiceUnavailable

if TYPE_CHECKING:
    from redis.asyncio import Redis

#: Seconds a process waits for another one that is writing the SQLite file.
_BUSY_TIMEOUT = 10.0


class SessionStore(Protocol):
    """The server-side records of the sessions, by session id."""

    async def load(self, session_id: str) -> dict[str, Any] | None:
        """The record of ``session_id``; None when there is none (never was, signed out, or expired)."""

    async def create(self, session_id: str, record: dict[str, Any], lifetime: float) -> None:
        """Store the record of a new session, for ``lifetime`` seconds from now."""

    async def update(self, session_id: str, record: dict[str, Any], lifetime: float) -> bool:
        """Replace the record of ``session_id`` while it is still there; False when it is not (signed out meanwhile)."""

    async def rename(self, session_id: str, new_id: str) -> bool:
        """Give the session a new id, at once; False when it is not there any more."""

    async def delete(self, session_id: str) -> None:
        """Forget ``session_id``: it signs nobody in any more."""

    async def aclose(self) -> None:
        """Release the store's connections."""


class SQLiteStore:
    """Sessions in a SQLite file, shared by the worker processes of one machine.

    Each write runs in a worker thread, so a process that waits for another
    one writing the file never blocks the event loop.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def open(self) -> None:
        """Create the file and its table now, so that a folder that cannot be written fails at start-up.

        :raises OSError: when its folder cannot be created.
        :raises sqlite3.Error: when the file cannot be created or read.
        """
        with self._database():
            pass

    async def load(self, session_id: str) -> dict[str, Any] | None:
        # Read in the event loop, unlike the writes: with write-ahead logging a read never waits for a
        # writer, and it takes less time than handing it to a thread would (every signed-in request reads).
        with _sqlite_errors():
            return self._load(session_id)

    async def create(self, session_id: str, record: dict[str, Any], lifetime: float) -> None:
        with _sqlite_errors():
            await to_thread.run_sync(self._create, session_id, json.dumps(record), lifetime)

    async def update(self, session_id: str, record: dict[str, Any], lifetime: float) -> bool:
        with _sqlite_errors():
            return await to_thread.run_sync(self._update, session_id, json.dumps(record), lifetime)

    async def rename(self, session_id: str, new_id: str) -> bool:
        with _sqlite_errors():
            return await to_thread.run_sync(self._rename, session_id, new_id)

    async def delete(self, session_id: str) -> None:
        with _sqlite_errors():
            await to_thread.run_sync(self._delete, session_id)

    async def aclose(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _load(self, session_id: str) -> dict[str, Any] | None:
        with self._database() as db:
            row = db.execute(
                "SELECT record FROM sessions WHERE session_id = ? AND until > ?", (session_id, time.time())
            ).fetchone()
        if row is None:
            return None
        record: dict[str, Any] = json.loads(row[0])
        return record

    def _create(self, session_id: str, record: str, lifetime: float) -> None:
        now = time.time()
        with self._database() as db:
            with db:  # one transaction
                db.execute("DELETE FROM sessions WHERE until <= ?", (now,))
                db.execute(
                    "INSERT INTO sessions (session_id, record, until) VALUES (?, ?, ?)",
                    (session_id, record, now + lifetime),
                )

    def _update(self, session_id: str, record: str, lifetime: float) -> bool:
        now = time.time()
        with self._database() as db:
            with db:
                changed = db.execute(
                    "UPDATE sessions SET record = ?, until = ? WHERE session_id = ? AND until > ?",
                    (record, now + lifetime, session_id, now),
                ).rowcount
        return changed > 0

    def _rename(self, session_id: str, new_id: str) -> bool:
        with self._database() as db:
            with db:
                changed = db.execute(
                    "UPDATE sessions SET session_id = ? WHERE session_id = ? AND until > ?",
                    (new_id, session_id, time.time()),
                ).rowcount
        return changed > 0

    def _delete(self, session_id: str) -> None:
        with self._database() as db:
            with db:
                db.execute("DELETE FROM sessions WHERE session_id = ?", (session_id,))

    @contextmanager
    def _database(self) -> Iterator[sqlite3.Connection]:
        """This process's connection, for one thread at a time.

        A connection is not carried over a fork (a server that loads the app
        before forking its workers): each process opens its own.
        """
        with self._lock:
            if self._connection is None or self._pid != os.getpid():
                self._connection = self._connect()
                self._pid = os.getpid()
            yield self._connection

    def _connect(self) -> sqlite3.Connection:
        folder = os.path.dirname(self.path)
        if folder:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        # Created readable by its user alone: it holds the service's tokens (SQLite gives its -wal and -shm
        # files the same rights). A file that exists keeps the rights it has.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        db = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT, check_same_thread=False)
        # Write-ahead logging: reading processes never wait for the one that writes a session.
        db.execute("PRAGMA journal_mode=WAL")
        with db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS sessions (session_id TEXT PRIMARY KEY, record TEXT NOT NULL, until REAL NOT NULL)"
            )
            db.execute("CREATE INDEX IF NOT EXISTS sessions_until ON sessions (until)")
        return db


class RedisStore:
    """Sessions in Redis, shared by every instance of the app; Redis expires them by itself.

    Each command has ``timeout`` seconds, as one deadline: redis-py's own socket timeout would
    wrap every read and write in ``asyncio.wait_for``, which costs more than the command itself.
    """

    def __init__(self, url: str, prefix: str, timeout: float) -> None:
        self.url = url
        self.prefix = prefix
        self.timeout = timeout
        self._redis: Redis | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def load(self, session_id: str) -> dict[str, Any] | None:
        with _redis_errors():
            async with asyncio.timeout(self.timeout):
                value = await self.redis().get(self.prefix + session_id)
        if value is None:
            return None
        record: dict[str, Any] = json.loads(value)
        return record

    async def create(self, session_id: str, record: dict[str, Any], lifetime: float) -> None:
        with _redis_errors():
            async with asyncio.timeout(self.timeout):
                await self.redis().set(self.prefix + session_id, json.dumps(record), px=_milliseconds(lifetime), nx=True)

    async def update(self, session_id: str, record: dict[str, Any], lifetime: float) -> bool:
        # XX: only while the key is there, so a session deleted meanwhile (signed out elsewhere) stays deleted.
        with _redis_errors():
            async with asyncio.timeout(self.timeout):
                done = await self.redis().set(
                    self.prefix + session_id, json.dumps(record), px=_milliseconds(lifetime), xx=True
                )
        return bool(done)

    async def rename(self, session_id: str, new_id: str) -> bool:
        from redis.exceptions import ResponseError

        # RENAMENX fails on a missing key: a session signed out meanwhile does not come back under the new id.
        try:
            with _redis_errors(ResponseError):
                async with asyncio.timeout(self.timeout):
                    return bool(await self.redis().renamenx(self.prefix + session_id, self.prefix + new_id))
        except ResponseError:  # "no such key"
            return False

    async def delete(self, session_id: str) -> None:
        with _redis_errors():
            async with asyncio.timeout(self.timeout):
                await self.redis().delete(self.prefix + session_id)

    async def aclose(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    def redis(self) -> Redis:
        """The client of this event loop: a connection belongs to the loop it was opened in."""
        loop = asyncio.get_running_loop()
        if self._redis is None or self._loop is not loop:
            from redis.asyncio import Redis

            # No socket timeout of redis-py's: the commands have one deadline each (see the class).
            self._redis = Redis.from_url(
                self.url, decode_responses=True, socket_timeout=None, socket_connect_timeout=self.timeout
            )
            self._loop = loop
        return self._redis
{%- if cookiecutter.has_refresh %}


class RedisLocks:
    """The app's Redis as the store where instances share refreshes (the API of :class:`.single_flight.SharedStore`)."""

    def __init__(self, store: RedisStore) -> None:
        self.store = store

    async def add(self, key: str, value: str, timeout: float) -> bool:
        with _redis_errors():
            async with asyncio.timeout(self.store.timeout):
                return bool(await self.store.redis().set(key, value, nx=True, px=_milliseconds(timeout)))

    async def get(self, key: str) -> str | None:
        with _redis_errors():
            async with asyncio.timeout(self.store.timeout):
                value = await self.store.redis().get(key)
        return None if value is None else str(value)

    async def set(self, key: str, value: str, timeout: float) -> None:
        with _redis_errors():
            async with asyncio.timeout(self.store.timeout):
                await self.store.redis().set(key, value, px=_milliseconds(timeout))

    async def delete_if(self, key: str, value: str) -> None:
        if await self.get(key) == value:
            with _redis_errors():
                async with asyncio.timeout(self.store.timeout):
                    await self.store.redis().delete(key)
{%- endif %}


@contextmanager
def _sqlite_errors() -> Iterator[None]:
    """Turn a failure of the SQLite file into the 503 of a store that is down."""
    try:
        yield
    except (OSError, sqlite3.Error) as err:
        raise ServiceUnavailable(f"the session store failed: {err}") from err


@contextmanager
def _redis_errors(*passed: type[Exception]) -> Iterator[None]:
    """Turn a failure of Redis into the 503 of a store that is down; ``passed`` errors go through as they are."""
    from redis.exceptions import RedisError

    try:
        yield
    except passed:
        raise
    except (RedisError, OSError, TimeoutError) as err:
        raise ServiceUnavailable(f"the session store failed: {type(err).__name__}: {err}") from err


def _milliseconds(seconds: float) -> int:
    """``seconds`` as the whole milliseconds of Redis's ``PX``, at least 1."""
    return max(1, round(seconds * 1000))
