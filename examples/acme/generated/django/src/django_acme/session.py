"""The service's own session (its tokens), kept in the Django session, and the refresh after the TTL; the tokens renewed as they expire; the sign-out at the service.

The Django session lives on the server (database, cache or files; the
system checks refuse the signed-cookie engine), so the tokens never reach
the browser. Within ``SESSION_TTL`` seconds of the last answer from the
service, a request is served from the local user without calling the
service. After it, the user is fetched once more: a user the service has
disabled or deleted is signed out, and a service that does not answer fails
the request (503) rather than trusting a stale user.

Before that fetch, tokens past their expiry are renewed at the service
(``refresh``), and so are tokens the service says have ended; the
user is then fetched once more. One request per session renews them: the
others of the same session wait for it and take its tokens (:func:`renew`),
in this process and in every other that shares Django's cache.
A refresh the service refuses, or cannot answer, signs the user out.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Mapping
from functools import partial
from typing import Any

from django.contrib import auth
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from . import defaults
from .conf import get_settings
from .errors import AccountDisabled, AcmeError, Expired, InvalidCredentials, ServiceUnavailable, UserNotFound
from .records import read_record
from .single_flight import FlightTimeout
from .state import get_client, get_refreshes
from .sync import deactivate, sync_user

logger = logging.getLogger(__name__)

#: The attribute, on the user the backend returns, that hands the service session on to ``login()``.
SERVICE_SESSION_ATTR = "_acme_service_session"


class SignedOut(Exception):
    """The session was cleared: the service would not renew its tokens."""


def hand_over(user: AbstractBaseUser, service_session: Mapping[str, Any]) -> None:
    """Attach the service session to a user the backend authenticated, for :func:`keep_service_session`."""
    setattr(user, SERVICE_SESSION_ATTR, dict(service_session))


def keep_service_session(sender: type, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any) -> None:
    """Store the service session in the new Django session (the ``user_logged_in`` signal).

    ``login()`` has already given the session a new key when this runs, so
    nothing from before the sign-in carries the tokens.
    """
    service_session = user.__dict__.pop(SERVICE_SESSION_ATTR, None)
    if service_session is None or request is None:
        return
    request.session[defaults.SESSION_KEY] = {"service": service_session, "fetched_at": time.time()}


def end_service_session(
    sender: type, request: HttpRequest | None, user: AbstractBaseUser | None, **kwargs: Any
) -> None:
    """Sign out at the service too (the ``user_logged_out`` signal), before Django clears the session.

    ``logout()`` sends the signal wherever it is called: the integration's
    logout route, Django's admin, the project's own views. A service that
    refuses or does not answer is logged, and the user is signed out here all
    the same: a local sign-out never waits for the service.
    """
    service_session = None if request is None else service_session_of(request)
    if service_session is None:
        return
    client = get_client()
    try:
        try:
            client.logout(service_session)
        except InvalidCredentials:  # the tokens it sends have ended: renew them, once
            client.logout(client.refresh(service_session))
    except AcmeError as err:
        logger.warning("Sign-out at the service failed (logout: %s); signed out here all the same", err.code)


def service_session_of(request: HttpRequest) -> dict[str, Any] | None:
    """The service session the Django session holds; None for one the service did not make."""
    cached = request.session.get(defaults.SESSION_KEY)
    service_session = cached.get("service") if isinstance(cached, dict) else None
    return dict(service_session) if isinstance(service_session, dict) else None


def change_password(request: HttpRequest, service_session: dict[str, Any], values: Mapping[str, str]) -> None:
    """Change the signed-in user's password at the service with the session's tokens, renewed when they have ended.

    :param service_session: the session's service session (:func:`service_session_of`).
    :param values: ``current_password`` and ``new_password``.
    :raises AcmeError: what the service answered (``InvalidCredentials``: the current password is wrong).
    :raises SignedOut: when the tokens had to be renewed and the service would not.
    """
    client = get_client()
    if has_expired(service_session):
        service_session = renew(request, service_session)
    try:
        client.change_password(service_session, values)
    except Expired:
        client.change_password(renew(request, service_session), values)


def refresh_if_due(request: HttpRequest) -> None:
    """Ask the service about the signed-in user again once the TTL has passed.

    A session without a service session (one made by ``force_login`` in
    tests, or by another backend) is left alone. A refusal of the service
    signs the user out; a user it no longer knows or has disabled is also
    marked inactive, which ends their other sessions too.

    :raises ServiceUnavailable: when the service cannot be asked: the request
        fails closed instead of running with a user the service may have disabled.
    """
    cached = request.session.get(defaults.SESSION_KEY)
    if not cached:
        return
    try:
        fetched_at = float(cached["fetched_at"])
        service_session = dict(cached["service"])
    except (KeyError, TypeError, ValueError):
        _sign_out(request, "the cached service session is unreadable")
        return
    if time.time() - fetched_at < get_settings().session_ttl:
        return
    user_pk = request.session.get(auth.SESSION_KEY)
    try:
        service_session, record = _fetch_user(request, service_session)
    except SignedOut:
        return
    except (UserNotFound, AccountDisabled) as err:
        deactivate(user_pk)
        _sign_out(request, f"the service refused the user ({err.code})")
        return
    except ServiceUnavailable:
        raise
    except AcmeError as err:  # the session has ended, or an answer that is not the user's
        _sign_out(request, f"the service did not describe the user ({err.code})")
        return
    values = read_record(record)
    user = sync_user(values)
    if user._meta.pk.value_to_string(user) != user_pk:
        _sign_out(request, "the service session belongs to another user")
        return
    if not values["active"]:
        _sign_out(request, "the service has disabled the account")
        return
    _keep(request, service_session)


def _fetch_user(request: HttpRequest, service_session: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The user record, and the service session that fetched it: renewed first when its tokens have expired,
    or when the service says they have ended (then the user is asked for once more).

    :raises SignedOut: when the tokens had to be renewed and the service would not.
    """
    client = get_client()
    if has_expired(service_session):
        service_session = renew(request, service_session)
    try:
        return service_session, client.get_user(service_session)
    except InvalidCredentials:
        service_session = renew(request, service_session)
        return service_session, client.get_user(service_session)


def has_expired(service_session: Mapping[str, Any]) -> bool:
    """Whether the tokens are past the deadline the service gave them (``expires_at``, with a margin taken off at sign-in)."""
    try:
        return time.time() >= float(service_session["expires_at"])
    except (KeyError, TypeError, ValueError):
        return False


def renew(request: HttpRequest, stale: dict[str, Any]) -> dict[str, Any]:
    """New tokens for the ``stale`` ones of this session, stored in it: from the service, or from another request.

    Concurrent requests of one session would all find the tokens expired; the
    service rotates the refresh token at each refresh, so only the first
    refresh would succeed and the others would sign the user out. So one
    request per service session asks the service, and the others (in this
    process, or in others sharing Django's cache) wait for it and take its
    tokens (:func:`.state.get_refreshes`).

    :raises SignedOut: when the service refuses or cannot be asked; the session is cleared.
    """
    key = hashlib.sha256(json.dumps(stale, sort_keys=True).encode()).hexdigest()  # never a token in a cache key
    try:
        service_session: dict[str, Any] = json.loads(get_refreshes().run(key, partial(_refresh, stale)))
    except AcmeError as err:
        _sign_out(request, f"the service did not renew the tokens (refresh: {err.code})")
        raise SignedOut() from None
    except FlightTimeout:
        _sign_out(request, "the tokens were not renewed in time (refresh: waited for another request)")
        raise SignedOut() from None
    cached = request.session.get(defaults.SESSION_KEY) or {}
    request.session[defaults.SESSION_KEY] = {**cached, "service": service_session}
    return service_session


def _refresh(stale: dict[str, Any]) -> str:
    """Ask the service for new tokens: the whole new service session, as JSON."""
    return json.dumps(get_client().refresh(stale))


def _keep(request: HttpRequest, service_session: dict[str, Any]) -> None:
    """Keep the service session just used, and when the user was fetched; unless the session ended meanwhile.

    The service was asked while this request ran: another tab, or another instance, may have signed
    out since. Saving the session then would make Django answer a bare 400 (``SessionInterrupted``);
    the request goes on anonymous instead, and the sign-out stands.
    """
    key = request.session.session_key
    if key is None or not request.session.exists(key):
        _sign_out(request, "the session was signed out while the service was asked")
        return
    request.session[defaults.SESSION_KEY] = {"service": service_session, "fetched_at": time.time()}


def _sign_out(request: HttpRequest, reason: str) -> None:
    """End the session from inside the user's loading (``logout()`` would load the user again)."""
    logger.info("Signed out: %s", reason)
    request.session.flush()
