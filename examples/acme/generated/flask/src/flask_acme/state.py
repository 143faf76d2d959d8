"""What the extension keeps per application, in ``app.extensions``."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from flask import Flask, current_app

from . import config
from .client import AcmeClient
from .settings import Settings


class SignedOutSessions:
    """Sessions signed out in this process, so that their cookies, replayed, sign no one in.

    Flask's default session lives in its cookie: clearing it at logout cannot
    stop whoever kept a copy. Each session gets an id at login; logout records
    the id here until the cookie's signature expires anyway
    (``PERMANENT_SESSION_LIFETIME``). The record is in memory, for one
    process: with several worker processes, keep sessions server-side
    (Flask-Session), where logout deletes the session itself.
    """

    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def add(self, session_id: str, seconds: float) -> None:
        now = time.time()
        with self._lock:
            self._drop_expired(now)
            self._until[session_id] = now + seconds

    def __contains__(self, session_id: object) -> bool:
        with self._lock:
            until = self._until.get(session_id)  # type: ignore[call-overload]
        return until is not None and until > time.time()

    def _drop_expired(self, now: float) -> None:
        """Forget ids whose cookies have expired; ids are added in order of expiry."""
        while self._until:
            oldest = next(iter(self._until))
            if self._until[oldest] > now:
                return
            del self._until[oldest]


@dataclass(frozen=True)
class State:
    """The settings, the service client and the signed-out sessions of one application."""

    settings: Settings
    client: AcmeClient
    signed_out: SignedOutSessions = field(default_factory=SignedOutSessions)


def get_state(app: Flask | None = None) -> State:
    """The state of ``app`` (default: the current app).

    :raises RuntimeError: when the extension was not initialised on the app.
    """
    app = app or current_app
    try:
        return app.extensions[config.EXTENSION_KEY]
    except KeyError:
        raise RuntimeError("Acme is not initialised on this app: call Acme(app) or init_app(app).") from None
