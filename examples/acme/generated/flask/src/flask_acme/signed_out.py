"""Sessions that were signed out, kept in a SQLite file that every process of the app reads.

Flask's default session lives in its cookie: clearing it at sign-out cannot
stop whoever kept a copy of the cookie. So each session gets an id at
sign-in, and sign-out records that id until the cookie's signature expires
anyway (``PERMANENT_SESSION_LIFETIME``). A record in memory would be lost at
a restart and unseen by the app's other worker processes; a SQLite file in
the app's instance folder is neither, needs no server, and leaves the app's
session interface as it is. Apps on several machines need a shared store
instead: server-side sessions (Flask-Session), where sign-out deletes the
session itself.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: Seconds a process waits for another one that is writing the file.
_BUSY_TIMEOUT = 10.0


class SignedOutSessions:
    """The ids of signed-out sessions, each until its cookie would have expired anyway."""

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

    def add(self, session_id: str, seconds: float) -> None:
        """Record ``session_id`` as signed out for ``seconds``, and forget the records that have expired."""
        now = time.time()
        with self._database() as db:
            with db:  # one transaction
                db.execute("DELETE FROM signed_out WHERE until <= ?", (now,))
                db.execute(
                    "INSERT OR REPLACE INTO signed_out (session_id, until) VALUES (?, ?)", (session_id, now + seconds)
                )

    def __contains__(self, session_id: object) -> bool:
        with self._database() as db:
            found = db.execute(
                "SELECT 1 FROM signed_out WHERE session_id = ? AND until > ?", (session_id, time.time())
            ).fetchone()
        return found is not None

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
            os.makedirs(folder, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT, check_same_thread=False)
        # Write-ahead logging: reading processes never wait for the one that records a sign-out.
        db.execute("PRAGMA journal_mode=WAL")
        with db:
            db.execute("CREATE TABLE IF NOT EXISTS signed_out (session_id TEXT PRIMARY KEY, until REAL NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS signed_out_until ON signed_out (until)")
        return db
