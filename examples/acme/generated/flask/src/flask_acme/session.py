"""Signing in and out, and the signed-in user cached in the Flask session.

Flask-Login keeps the user's id in the session; this module keeps the rest:
the user as the service last described them, when that was, and the
service's own session values (its tokens). The tokens are encrypted with a
key derived from ``SECRET_KEY``: Flask's session cookie is signed, not
encrypted, and the browser must not be able to read them.

Within ``ACME_SESSION_TTL`` seconds a request is served from the cache
without calling the service. After it, the user is fetched once more: a
user the service has disabled or deleted is signed out, and a service that
does not answer fails the request (503) rather than trusting a stale user.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import time
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, g, session
from flask_login import current_user, login_user, logout_user

from . import config
from .errors import AccountDisabled, AcmeError, ServiceUnavailable
from .state import get_state
from .user import AcmeUser

logger = logging.getLogger(__name__)

#: The name in ``flask.g`` that marks a request whose refresh failed.
_REFRESH_FAILED = "_acme_refresh_failed"


def log_in(username: str, password: str) -> AcmeUser:
    """Sign a user in at the service and start a new session for them.

    The session is started only once the service has accepted the password
    and described an active user; until then nothing in it changes.

    :raises AcmeError: when the service refuses the user or cannot be reached.
    """
    client = get_state().client
    tokens = client.login(username, password)
    user = AcmeUser.from_record(client.get_user(tokens))
    if not user.is_active:
        raise AccountDisabled("the service describes the account as not active")
    _new_session()
    login_user(user, remember=False)
    session[config.SESSION_KEY] = {"id": secrets.token_urlsafe(16), "service": _seal(tokens)}
    _cache(user)
    logger.info("User %s signed in", user.get_id())
    return user


def log_out() -> None:
    """End the session: the user, the cached record and the service's tokens.

    The session's id is recorded as signed out, so a copy of the cookie kept
    from before cannot sign in again (with sessions in Redis, clearing the
    session deletes it there, which does the same). The session is cleared before
    Flask-Login signs out, so signing out never waits for a refresh from the
    service and works while the service is down.
    """
    cached = session.get(config.SESSION_KEY) or {}
    signed_out = get_state().signed_out
    if signed_out is not None and "id" in cached:
        signed_out.add(cached["id"], current_app.permanent_session_lifetime.total_seconds())
    session.clear()
    logout_user()


def service_session() -> dict[str, str] | None:
    """The signed-in user's session at the service (its tokens), decrypted; None for anonymous users.

    For calls of your own to the service on the user's behalf, e.g.
    ``acme.client.get_user(service_session())``. Keep the values on the server.
    """
    if not current_user.is_authenticated:
        return None
    return _unseal(session[config.SESSION_KEY]["service"])


def load_user(user_id: str) -> AcmeUser | None:
    """Flask-Login's user loader: the cached user, fetched again once the cache is older than the TTL.

    Within the TTL this costs a few microseconds, rebuilding the user
    included, next to the ~100 µs Flask spends decoding the session cookie
    on every route: so the user is rebuilt from the session each time rather
    than kept in a per-process cache that several workers would not share.

    :raises AcmeError: when the service cannot be asked at refresh, so the
        request fails closed instead of running with a user the service may have disabled.
    """
    cached = session.get(config.SESSION_KEY)
    if not cached or g.get(_REFRESH_FAILED):
        return None
    try:
        session_id = str(cached["id"])
        user = AcmeUser.from_dict(cached["user"])
        fetched_at = float(cached["fetched_at"])
        sealed = str(cached["service"])
    except (KeyError, TypeError, ValueError):
        # A cache written by an older version of this package: sign in again.
        _forget("the cached user is unreadable")
        return None
    state = get_state()
    if state.signed_out is not None and session_id in state.signed_out:
        _forget("the session was signed out before")
        return None
    if user.get_id() != user_id:
        return None
    if time.time() - fetched_at < state.settings.session_ttl:
        return user
    return _refresh(sealed)


def _refresh(sealed: str) -> AcmeUser | None:
    """Fetch the user from the service again; sign them out if it no longer lets them in.

    Any answer that refuses the user (the token has ended, the user is gone or
    disabled) signs them out; only a service that cannot be reached, or
    answers garbage, fails the request instead.
    """
    try:
        tokens = _unseal(sealed)
    except InvalidToken:
        _forget("the service session was sealed with another SECRET_KEY")
        return None
    try:
        user = AcmeUser.from_record(get_state().client.get_user(tokens))
    except ServiceUnavailable:
        # Fail this request; while it is answered (an error page asks for current_user too), the user is anonymous.
        g.setdefault(_REFRESH_FAILED, True)
        raise
    except AcmeError as err:
        _forget(f"the service no longer describes the user ({err.code})")
        return None
    if not user.is_active:
        _forget("the service has disabled the account")
        return None
    _cache(user)
    return user


def _cache(user: AcmeUser) -> None:
    """Keep the user as the service just described them, with the time of asking."""
    cached = session[config.SESSION_KEY]
    session[config.SESSION_KEY] = {**cached, "user": user.to_cache(), "fetched_at": time.time()}


def _forget(reason: str) -> None:
    """Sign the user out from inside the user loader (``logout_user`` would call the loader again)."""
    logger.info("Signed out: %s", reason)
    session.clear()


def _new_session() -> None:
    """Drop everything the session held before login, and its id where the session store has one."""
    session.clear()
    regenerate = getattr(current_app.session_interface, "regenerate", None)  # Flask-Session
    if regenerate is not None:
        regenerate(session)


def _seal(tokens: Mapping[str, str]) -> str:
    """Encrypt the service's session values for the cookie."""
    return _cipher().encrypt(json.dumps(dict(tokens)).encode()).decode("ascii")


def _unseal(sealed: str) -> dict[str, Any]:
    """Decrypt what :func:`_seal` made.

    :raises InvalidToken: when it was not made with this app's secret keys.
    """
    return json.loads(_cipher().decrypt(sealed.encode("ascii")))


def _cipher() -> MultiFernet:
    """Encrypt with ``SECRET_KEY``; also decrypt with ``SECRET_KEY_FALLBACKS`` while keys are rotated."""
    keys = [current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or ())]
    return MultiFernet([_fernet(key) for key in keys])


@lru_cache(maxsize=8)
def _fernet(secret: str | bytes) -> Fernet:
    """A Fernet key derived from a secret key with HKDF, so the secret key itself is never the cipher key."""
    material = secret.encode() if isinstance(secret, str) else secret
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=config.TOKEN_KEY_INFO).derive(material)
    return Fernet(base64.urlsafe_b64encode(key))
