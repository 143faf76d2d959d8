"""Signing in and out, and the signed-in user cached in the server-side session.

The session cookie (Starlette's ``SessionMiddleware``, signed with
``ACME_SECRET_KEY``) carries the session's id and its CSRF token, nothing else.
The session itself lives in the store (:mod:`.store`): the user as the
service last described them, when that was, and the service's own session
values (its tokens), which never reach the browser.

Within ``ACME_SESSION_TTL`` seconds a request is served from the store
without calling the service. After it, the user is fetched once more: a
user the service has disabled or deleted is signed out, and a service that
does not answer fails the request (503) rather than trusting a stale user.

The service's access token lives shorter than its session: when it has
expired (the deadline the service gave at sign-in has passed, or the service
answers that the token is no longer good), the service session is refreshed
once, its new values replace the old ones, and the user is fetched again.
Only one request of a session refreshes at a time (:mod:`.single_flight`):
the service may accept each refresh token once. A refresh the service
refuses signs the user out.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request

from . import config
from .errors import AccountDisabled, AcmeError, Expired, InvalidCredentials, ServiceUnavailable
from .single_flight import FlightTimeout
from .state import get_state
from .user import AcmeUser

logger = logging.getLogger(__name__)

#: The attribute of ``request.state`` that keeps the user once loaded, for the rest of the request.
_USER = "_acme_user"

#: The users last rebuilt from session records, by session id and the time of their fetch (see :func:`_user_of`).
_BUILT: dict[tuple[str, float], AcmeUser] = {}

#: What ``get_user`` raises when the access token has ended: refresh, then ask once more.
_TOKEN_ENDED = (Expired, InvalidCredentials)


class SessionEnded(Exception):
    """The session ended while a request of it was under way: the user must sign in again."""


class RefreshFailed(SessionEnded):
    """The service session could not be refreshed: the user must sign in again."""


async def log_in(request: Request, username: str, password: str) -> AcmeUser:
    """Sign a user in at the service and start a new session for them.

    The session is started only once the service has accepted the password
    and described an active user; until then nothing in it changes. It gets
    a new id and a new CSRF token: nothing from before the sign-in carries over.

    :raises AcmeError: when the service refuses the user or cannot be reached.
    """
    state = get_state(request)
    tokens = await state.client.login(username, password)
    user = AcmeUser.from_record(await state.client.get_user(tokens))
    if not user.active:
        raise AccountDisabled("the service describes the account as not active")
    previous = session_id(request)
    if previous is not None:
        await state.store.delete(previous)
    request.session.clear()
    new_id = secrets.token_urlsafe(32)
    await state.store.create(new_id, _record(user, tokens), config.SESSION_LIFETIME)
    request.session[config.SESSION_KEY] = {"id": new_id, "csrf": secrets.token_urlsafe(32)}
    setattr(request.state, _USER, user)
    logger.info("User %s signed in", user.id)
    return user


async def log_out(request: Request) -> None:
    """End the session: the user, the cached record and the service's tokens.

    The record is deleted from the store, so a copy of the cookie kept from
    before finds nothing and signs nobody in: on every instance that shares
    the store, and after a restart too.

    :raises AcmeError: ``ServiceUnavailable`` when the store is down; the browser's session is cleared all the same.

    The service's session ends first: the user is signed out at the service
    too. When that fails, the failure is logged and the local sign-out
    happens all the same.
    """
    state = get_state(request)
    current = session_id(request)
    # The browser's copy goes first: even with the store down (a 503), this browser is signed out.
    request.session.clear()
    setattr(request.state, _USER, None)
    if current is not None:
        record = await state.store.load(current)
        if record is not None and isinstance(record.get("service"), dict):
            await _end_service_session(request, current, record["service"])
        await state.store.delete(current)


async def set_new_password(request: Request, current_password: str, new_password: str) -> None:
    """Change the signed-in user's password at the service; the user stays signed in, in a session with a new id.

    The new id makes copies of the session cookie taken before the change
    useless: whoever knew the old password and copied the cookie is out.

    :raises AcmeError: when the service refuses the change (``InvalidCredentials``: the current password is wrong).
    :raises RefreshFailed: when the access token has expired and cannot be refreshed: the user must sign in again.
    :raises SessionEnded: when the session was signed out meanwhile.
    """
    state = get_state(request)
    current = session_id(request)
    record = await state.store.load(current) if current is not None else None
    if current is None or record is None:
        raise SessionEnded("the session was signed out meanwhile")
    values = {"current_password": current_password, "new_password": new_password}
    tokens: dict[str, Any] = record["service"]
    try:
        await state.client.change_password(tokens, values)
    except Expired:
        tokens = await _renew(request, current, tokens)
        await state.client.change_password(tokens, values)
    # A new id for the same session (its new tokens, if any, are in it already): the old id signs nobody in any more.
    new_id = secrets.token_urlsafe(32)
    if not await state.store.rename(current, new_id):
        raise SessionEnded("the session was signed out meanwhile")
    request.session[config.SESSION_KEY] = {**request.session[config.SESSION_KEY], "id": new_id}
    logger.info("User %s changed their password", record.get("user", {}).get("id"))


async def service_session(request: Request) -> dict[str, Any] | None:
    """The signed-in user's session at the service (its tokens); None for anonymous users.

    For calls of your own to the service on the user's behalf, e.g.
    ``await acme.client.get_user(tokens)``. Keep the values on the server.
    """
    current = session_id(request)
    if current is None or await load_user(request) is None:
        return None
    record = await get_state(request).store.load(current)
    return None if record is None else dict(record["service"])


def session_id(request: Request) -> str | None:
    """The id of the request's session, as its cookie carries it; None before sign-in."""
    values = request.session.get(config.SESSION_KEY)
    value = values.get("id") if isinstance(values, dict) else None
    return value if isinstance(value, str) else None


async def load_user(request: Request) -> AcmeUser | None:
    """The signed-in user: cached in the session, fetched again once the cache is older than the TTL.

    Loaded once per request; None for anonymous users, and for users the
    service no longer lets in (who are signed out here and now).

    :raises AcmeError: when the service cannot be asked at refresh (``ServiceUnavailable``,
        or ``failed`` for an answer it cannot read), so the request fails closed instead of running
        with a user the service may have disabled.
    """
    if hasattr(request.state, _USER):
        user: AcmeUser | None = getattr(request.state, _USER)
        return user
    user = await _load(request)
    setattr(request.state, _USER, user)
    return user


async def _load(request: Request) -> AcmeUser | None:
    current = session_id(request)
    if current is None:
        return None
    state = get_state(request)
    record = await state.store.load(current)
    if record is None:
        _forget(request, "the session was signed out or has expired")
        return None
    try:
        fetched_at = float(record["fetched_at"])
        user = _user_of(current, fetched_at, record["user"])
    except (KeyError, TypeError, ValueError):
        # A record written by an older version of this package: sign in again.
        await state.store.delete(current)
        _forget(request, "the cached user is unreadable")
        return None
    if time.time() - fetched_at < state.settings.session_ttl:
        return user
    return await _fetch_again(request, current, record)


async def _fetch_again(request: Request, current: str, record: dict[str, Any]) -> AcmeUser | None:
    """Fetch the user from the service again; sign them out if it no longer lets them in.

    Any answer that refuses the user signs them out: the user is gone or
    disabled, or the token has ended and cannot be refreshed. Only a
    service that cannot be reached, or answers garbage, fails the request instead.
    """
    state = get_state(request)
    tokens = record["service"]
    try:
        fetched, tokens = await _get_user(request, current, tokens)
        user = AcmeUser.from_record(fetched)
    except RefreshFailed as err:
        await _sign_out(request, current, f"the service session could not be refreshed ({err})")
        return None
    except AcmeError as err:
        if not isinstance(err, ServiceUnavailable) and err.code != "failed":
            await _sign_out(request, current, f"the service no longer describes the user ({err.code})")
            return None
        raise  # the service is down or answered garbage: the request fails closed (logged by the caller)
    if not user.active:
        await _sign_out(request, current, "the service has disabled the account")
        return None
    # Only while the session is still there: signed out on another instance meanwhile, it stays signed out.
    await state.store.update(current, _record(user, tokens), config.SESSION_LIFETIME)
    return user


async def _get_user(request: Request, current: str, tokens: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The user record and the service session it was read with, refreshed first when its access token has expired.

    :raises RefreshFailed: when the token has ended and the service refuses to refresh it.
    """
    client = get_state(request).client
    if _expired(tokens):
        tokens = await _renew(request, current, tokens)
        return await client.get_user(tokens), tokens
    try:
        return await client.get_user(tokens), tokens
    except _TOKEN_ENDED:
        pass  # the token ended before its deadline, or the service gave none: refresh, then ask once more
    tokens = await _renew(request, current, tokens)
    return await client.get_user(tokens), tokens


def _expired(tokens: Mapping[str, Any]) -> bool:
    """Whether the deadline of the access token, when the service gave one, has passed."""
    expires_at = tokens.get("expires_at")
    return expires_at is not None and time.time() >= float(expires_at)


async def _renew(request: Request, current: str, tokens: dict[str, Any]) -> dict[str, Any]:
    """Refresh the service session of ``current``; keep the new values in the store and return them.

    Requests of the same session that need a refresh meanwhile wait for this
    one and take its result, rather than refreshing again with a refresh
    token the service may already have replaced.

    :raises RefreshFailed: when the service refuses the refresh, fails, or the refresh in flight takes too long.
    """
    state = get_state(request)

    async def refresh() -> str:
        # The client answers the whole new service session: it replaces the old one.
        return json.dumps(await state.client.refresh(tokens))

    # The key is a hash of the values being refreshed: the same for every request that carries them, and
    # another one at the next refresh (a kept result must never stand for the tokens that replaced it).
    key = hashlib.sha256(json.dumps(tokens, sort_keys=True).encode()).hexdigest()
    try:
        renewed: dict[str, Any] = json.loads(await state.refreshes.run(key, refresh))
    except (AcmeError, FlightTimeout) as err:
        reason = getattr(err, "code", "timeout")
        logger.warning("Refresh failed: %s", reason)
        raise RefreshFailed(reason) from None
    # Kept at once: a request that fails after this must not refresh again with the old refresh token.
    record = await state.store.load(current)
    if record is not None:
        await state.store.update(current, {**record, "service": renewed}, config.SESSION_LIFETIME)
    return renewed


async def _end_service_session(request: Request, current: str, tokens: dict[str, Any]) -> None:
    """End the session at the service; a failure is logged (never a token) and otherwise ignored."""
    client = get_state(request).client
    try:
        try:
            await client.logout(tokens)
        except _TOKEN_ENDED:
            # The access token has ended since the last request: refresh it, so the service session really ends.
            await client.logout(await _renew(request, current, tokens))
    except RefreshFailed:
        pass  # logged by _renew
    except AcmeError as err:
        logger.warning("Logout at the service failed: %s", err.code)


def _user_of(current: str, fetched_at: float, cached: dict[str, Any]) -> AcmeUser:
    """The user of a session's record, rebuilt once per fetch from the service rather than at every request.

    Rebuilding (typed values, dates) costs more than reading the record, which every signed-in
    request does to see a sign-out at once. The user is immutable, and a new fetch gives a new key.
    """
    key = (current, fetched_at)
    user = _BUILT.get(key)
    if user is None:
        user = _BUILT[key] = AcmeUser.from_dict(cached)
        if len(_BUILT) > config.BUILT_USERS:
            del _BUILT[next(iter(_BUILT))]  # the oldest
    return user


def _record(user: AcmeUser, tokens: dict[str, Any]) -> dict[str, Any]:
    """What the store keeps of a session: the user as the service just described them, when, and its tokens."""
    return {"user": user.to_cache(), "fetched_at": time.time(), "service": tokens}


async def _sign_out(request: Request, current: str, reason: str) -> None:
    """Sign the user out while loading them: the record goes, and the cookie's session with it."""
    await get_state(request).store.delete(current)
    _forget(request, reason)


def _forget(request: Request, reason: str) -> None:
    """Drop the session's id from the cookie: the request goes on anonymous.

    Only the integration's values go (a new CSRF token comes with the next form): the rest of the
    session is the app's, when it shares its own ``SessionMiddleware``.
    """
    logger.info("Signed out: %s", reason)
    request.session.pop(config.SESSION_KEY, None)
