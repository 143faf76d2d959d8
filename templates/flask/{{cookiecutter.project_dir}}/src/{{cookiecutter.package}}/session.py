{% if cookiecutter.is_oidc %}{% include "flask_oidc/session.py" %}{% else %}"""Signing in and out, and the signed-in user cached in the Flask session.

Flask-Login keeps the user's id in the session; this module keeps the rest:
the user as the service last described them, when that was, and the
service's own session values (its tokens). The tokens are encrypted with a
key derived from ``SECRET_KEY``: Flask's session cookie is signed, not
encrypted, and the browser must not be able to read them.

Within ``{{ cookiecutter.config_prefix }}_SESSION_TTL`` seconds a request is served from the cache
without calling the service. After it, the user is fetched once more: a
user the service has disabled or deleted is signed out, and a service that
does not answer fails the request (503) rather than trusting a stale user.
{%- if cookiecutter.has_refresh %}

The service's access token lives shorter than its session: when it has
expired (the deadline the service gave at sign-in has passed, or the service
answers that the token is no longer good), the service session is refreshed
once, its new values replace the old ones, and the user is fetched again.
Only one request of a session refreshes at a time (:mod:`.single_flight`):
the service may accept each refresh token once. A refresh the service
refuses signs the user out.
{%- endif %}
"""

from __future__ import annotations

import base64
{% if cookiecutter.has_refresh %}import hashlib
{% endif %}import json
import logging
import secrets
import time
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import abort, current_app, g, session
from flask_login import current_user, login_user, logout_user

from . import config
from .errors import {{ ["AccountDisabled", cookiecutter.class_name ~ "Error", "ServiceUnavailable"] | sort | join(", ") }}
{%- if cookiecutter.has_refresh %}
from .errors import Expired, InvalidCredentials
from .single_flight import FlightTimeout
{%- endif %}
from .responses import service_error
from .state import get_state
from .user import {{ cookiecutter.class_name }}User

logger = logging.getLogger(__name__)

#: The name in ``flask.g`` that marks a request whose user could not be fetched again.
_FETCH_FAILED = "_{{ cookiecutter.slug }}_fetch_failed"
{%- if cookiecutter.has_refresh %}

#: What ``get_user`` raises when the access token has ended: refresh, then ask once more.
_TOKEN_ENDED = (Expired, InvalidCredentials)


class RefreshFailed(Exception):
    """The service session could not be refreshed: the user must sign in again."""
{%- endif %}


def log_in(username: str, password: str) -> {{ cookiecutter.class_name }}User:
    """Sign a user in at the service and start a new session for them.

    The session is started only once the service has accepted the password
    and described an active user; until then nothing in it changes.

    :raises {{ cookiecutter.class_name }}Error: when the service refuses the user or cannot be reached.
    """
    client = get_state().client
    tokens = client.login(username, password)
    user = {{ cookiecutter.class_name }}User.from_record(client.get_user(tokens))
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
{%- if cookiecutter.has_logout %}

    The service's session ends first: the user is signed out at the service
    too. When that fails, the failure is logged and the local sign-out
    happens all the same.
{%- endif %}
    """
    cached = session.get(config.SESSION_KEY) or {}
{%- if cookiecutter.has_logout %}
    if "service" in cached:
        _end_service_session(str(cached["service"]))
{%- endif %}
    signed_out = get_state().signed_out
    if signed_out is not None and "id" in cached:
        signed_out.add(cached["id"], current_app.permanent_session_lifetime.total_seconds())
    session.clear()
    logout_user()


{% if cookiecutter.has_change_password -%}
def set_new_password(current_password: str, new_password: str) -> None:
    """Change the signed-in user's password at the service; the user stays signed in, in a session with a new id.

    The new id makes copies of the session cookie taken before the change
    useless: whoever knew the old password and copied the cookie is out.

    :raises {{ cookiecutter.class_name }}Error: when the service refuses the change (``InvalidCredentials``: the current password is wrong).
{%- if cookiecutter.has_refresh %}
    :raises RefreshFailed: when the access token has expired and cannot be refreshed: the user must sign in again.
{%- endif %}
    """
    sealed = str(session[config.SESSION_KEY]["service"])
    values = {"current_password": current_password, "new_password": new_password}
    client = get_state().client
{%- if cookiecutter.has_refresh %}
    try:
        client.change_password(_unseal(sealed), values)
    except Expired:
        client.change_password(_renew(sealed), values)
{%- else %}
    client.change_password(_unseal(sealed), values)
{%- endif %}
    _rotate_session()
    logger.info("User %s changed their password", current_user.get_id())


{% endif -%}
def service_session() -> dict[str, str] | None:
    """The signed-in user's session at the service (its tokens), decrypted; None for anonymous users.

    For calls of your own to the service on the user's behalf, e.g.
    ``{{ cookiecutter.slug }}.client.get_user(service_session())``. Keep the values on the server.
    """
    if not current_user.is_authenticated:
        return None
    return _unseal(session[config.SESSION_KEY]["service"])


def load_user(user_id: str) -> {{ cookiecutter.class_name }}User | None:
    """Flask-Login's user loader: the cached user, fetched again once the cache is older than the TTL.

    Within the TTL this costs a few microseconds, rebuilding the user
    included, next to the ~100 µs Flask spends decoding the session cookie
    on every route: so the user is rebuilt from the session each time rather
    than kept in a per-process cache that several workers would not share.

    :raises {{ cookiecutter.class_name }}Error: when the service cannot be asked at refresh, so the
        request fails closed instead of running with a user the service may have disabled.
    """
    cached = session.get(config.SESSION_KEY)
    if not cached or g.get(_FETCH_FAILED):
        return None
    try:
        session_id = str(cached["id"])
        user = {{ cookiecutter.class_name }}User.from_dict(cached["user"])
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
    return _fetch_again(sealed)


def _fetch_again(sealed: str) -> {{ cookiecutter.class_name }}User | None:
    """Fetch the user from the service again; sign them out if it no longer lets them in.

    Any answer that refuses the user signs them out: the user is gone or
    disabled, or the token has ended{% if cookiecutter.has_refresh %} and cannot be refreshed{% endif %}. Only a
    service that cannot be reached, or answers garbage, fails the request instead.
    """
    try:
        tokens = _unseal(sealed)
    except InvalidToken:
        _forget("the service session was sealed with another SECRET_KEY")
        return None
    try:
{%- if cookiecutter.has_refresh %}
        user = {{ cookiecutter.class_name }}User.from_record(_get_user(sealed, tokens))
    except RefreshFailed as err:
        _forget(f"the service session could not be refreshed ({err})")
        return None
{%- else %}
        user = {{ cookiecutter.class_name }}User.from_record(get_state().client.get_user(tokens))
{%- endif %}
    except {{ cookiecutter.class_name }}Error as err:
        if not isinstance(err, ServiceUnavailable) and err.code != "failed":
            _forget(f"the service no longer describes the user ({err.code})")
            return None
        # The service is down or answered garbage: fail this request (503, 502), wherever the user was
        # asked for, without an error handler on the app. While it is answered, the user is anonymous.
        g.setdefault(_FETCH_FAILED, True)
        logger.warning("Identity service request failed: %s", err)
        abort(service_error(err))
    if not user.is_active:
        _forget("the service has disabled the account")
        return None
    _cache(user)
    return user


{%- if cookiecutter.has_refresh %}


def _get_user(sealed: str, tokens: dict[str, Any]) -> dict[str, Any]:
    """The user record, refreshing the service session first when its access token has expired.

    :raises RefreshFailed: when the token has ended and the service refuses to refresh it.
    """
    client = get_state().client
    if _expired(tokens):
        return client.get_user(_renew(sealed))
    try:
        return client.get_user(tokens)
    except _TOKEN_ENDED:
        pass  # the token ended before its deadline, or the service gave none: refresh, then ask once more
    return client.get_user(_renew(sealed))


def _expired(tokens: Mapping[str, Any]) -> bool:
    """Whether the deadline of the access token, when the service gave one, has passed."""
    expires_at = tokens.get("expires_at")
    return expires_at is not None and time.time() >= float(expires_at)


def _renew(sealed: str) -> dict[str, Any]:
    """Refresh the service session ``sealed``; keep the new values in the session and return them.

    Requests of the same session that need a refresh meanwhile wait for this
    one and take its result, rather than refreshing again with a refresh
    token the service may already have replaced.

    :raises RefreshFailed: when the service refuses the refresh, fails, or the refresh in flight takes too long.
    """
    state = get_state()

    def refresh() -> str:
        # The client answers the whole new service session: it replaces the old one.
        return _seal(state.client.refresh(_unseal(sealed)))

    # The key is a hash of the sealed values: the same for every copy of this session, and no secret.
    key = hashlib.sha256(sealed.encode("ascii")).hexdigest()
    try:
        renewed = state.refreshes.run(key, refresh)
    except ({{ cookiecutter.class_name }}Error, FlightTimeout) as err:
        reason = getattr(err, "code", "timeout")
        logger.warning("Refresh failed: %s", reason)
        raise RefreshFailed(reason) from None
    session[config.SESSION_KEY] = {**session[config.SESSION_KEY], "service": renewed}
    return _unseal(renewed)
{%- endif %}
{%- if cookiecutter.has_logout %}


def _end_service_session(sealed: str) -> None:
    """End the session at the service; a failure is logged (never a token) and otherwise ignored."""
    client = get_state().client
    try:
        tokens = _unseal(sealed)
    except InvalidToken:
        logger.warning("Logout at the service skipped: the service session was sealed with another SECRET_KEY")
        return
    try:
{%- if cookiecutter.has_refresh %}
        try:
            client.logout(tokens)
        except _TOKEN_ENDED:
            # The access token has ended since the last request: refresh it, so the service session really ends.
            client.logout(_renew(sealed))
    except RefreshFailed:
        pass  # logged by _renew
{%- else %}
        client.logout(tokens)
{%- endif %}
    except {{ cookiecutter.class_name }}Error as err:
        logger.warning("Logout at the service failed: %s", err.code)
{%- endif %}


def _cache(user: {{ cookiecutter.class_name }}User) -> None:
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


{% if cookiecutter.has_change_password -%}
def _rotate_session() -> None:
    """Give the signed-in session a new id, keeping what it holds; the old id counts as signed out."""
    cached = session[config.SESSION_KEY]
    signed_out = get_state().signed_out
    if signed_out is not None:
        signed_out.add(cached["id"], current_app.permanent_session_lifetime.total_seconds())
    regenerate = getattr(current_app.session_interface, "regenerate", None)  # Flask-Session
    if regenerate is not None:
        regenerate(session)
    session[config.SESSION_KEY] = {**cached, "id": secrets.token_urlsafe(16)}


{% endif -%}
def _seal(tokens: Mapping[str, Any]) -> str:
    """Encrypt the service's session values for the cookie."""
    return _cipher().encrypt(json.dumps(dict(tokens)).encode()).decode("ascii")


def _unseal(sealed: str) -> dict[str, Any]:
    """Decrypt what :func:`_seal` made.

    :raises InvalidToken: when it was not made with this app's secret keys.
    """
    values: dict[str, Any] = json.loads(_cipher().decrypt(sealed.encode("ascii")))
    return values


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
{% endif %}