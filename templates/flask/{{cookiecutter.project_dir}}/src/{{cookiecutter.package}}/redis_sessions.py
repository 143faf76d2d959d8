"""Flask-Session's Redis sessions, where a request never brings back a session signed out while it ran.

Flask-Session writes the session back at the end of every request
(``SESSION_REFRESH_EACH_REQUEST``) with a plain ``SET``. A request that began
before a sign-out on another instance, and ends after it, would so recreate
the session the sign-out deleted, and the copied cookie would sign its
holder in again. Here a session read from Redis is written back only while
its key is still there (``SET ... XX``); only a session created by this
request (a sign-in, a new id) creates its key.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import Flask, Request
from flask_session.defaults import Defaults
from flask_session.redis import RedisSessionInterface

logger = logging.getLogger(__name__)


class RedisSessions(RedisSessionInterface):  # type: ignore[misc]
    """Flask-Session's ``RedisSessionInterface``, with the write-back of a signed-out session left out."""

    @classmethod
    def for_app(cls, app: Flask) -> RedisSessions:
        """The interface Flask-Session would make from the app's ``SESSION_*`` settings."""
        config = app.config
        return cls(
            app,
            client=config["SESSION_REDIS"],
            key_prefix=config.get("SESSION_KEY_PREFIX", Defaults.SESSION_KEY_PREFIX),
            use_signer=config.get("SESSION_USE_SIGNER", Defaults.SESSION_USE_SIGNER),
            permanent=config.get("SESSION_PERMANENT", Defaults.SESSION_PERMANENT),
            sid_length=config.get("SESSION_ID_LENGTH", Defaults.SESSION_ID_LENGTH),
            serialization_format=config.get("SESSION_SERIALIZATION_FORMAT", Defaults.SESSION_SERIALIZATION_FORMAT),
        )

    def open_session(self, app: Flask, request: Request) -> Any:
        session = super().open_session(app, request)
        # Flask-Session stores no empty session: one that has values was read from Redis under this id.
        session.stored_sid = session.sid if session else None
        return session

    def _upsert_session(self, session_lifetime: timedelta, session: Any, store_id: str) -> None:
        if getattr(session, "stored_sid", None) != session.sid:
            super()._upsert_session(session_lifetime, session, store_id)  # new: a sign-in, or a new id
            return
        written = self.client.set(
            name=store_id,
            value=self.serializer.encode(session),
            ex=int(session_lifetime.total_seconds()),
            xx=True,
        )
        if not written:
            logger.debug("The session was signed out while this request ran: it stays signed out")
