"""The provider's tokens, kept in the Django session, and the user asked for again after the TTL; the tokens renewed as they expire.

The sign-in is OpenID Connect's authorization-code flow with PKCE, run by
Authlib (:mod:`.views`): its callback hands the token response, the ID token
already validated, to :func:`sign_in`. The Django session lives on the server
(database, cache or files; the system checks refuse the signed-cookie
engine), so the tokens never reach the browser.

Within ``SESSION_TTL`` seconds of the last answer from the provider, a
request is served from the local user without calling the provider. After
it, userinfo is asked once more: a user the provider has disabled is signed
out, and a provider that does not answer fails the request (503) rather than
trusting a stale user. An access token past its expiry (or one userinfo
refuses) is renewed with the refresh token first. One request per session
renews it: the others of the same session wait for it and take its tokens
(:func:`renew`), in this process and in every other that shares Django's
cache; the provider accepts each refresh token once. A refresh the provider
refuses, or cannot answer, signs the user out.
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
from .errors import {{ ["AccountDisabled", cookiecutter.class_name ~ "Error", "InvalidCredentials", "ServiceUnavailable"] | sort | join(", ") }}
from .oidc import RefreshFailed, kept, refreshed, userinfo
from .records import read_record
from .single_flight import FlightTimeout
from .state import get_provider, get_refreshes
from .sync import deactivate, sync_user

logger = logging.getLogger(__name__)

#: The attribute, on the user the backend returns, that hands the tokens on to ``login()``.
SERVICE_SESSION_ATTR = "_{{ cookiecutter.slug }}_service_session"

#: Seconds before its deadline that an access token counts as expired: a request sent with it must still arrive in time.
REFRESH_MARGIN = 10.0


class SignedOut(Exception):
    """The session was cleared: the provider would not renew its tokens."""


def sign_in(request: HttpRequest, token: Mapping[str, Any]) -> AbstractBaseUser:
    """Sign in the user of the callback's token response (the ID token already validated by Authlib).

    The user is read from the ID token's claims, overlaid by userinfo's, with
    the same reader the password integration uses for the service's user
    record; Django's ``login()`` then gives the session a new key.

    :raises {{ cookiecutter.class_name }}Error: when the provider refuses the user (``AccountDisabled``) or cannot be reached.
    """
    id_claims = token.get("userinfo")
    if not isinstance(id_claims, Mapping):
        raise {{ cookiecutter.class_name }}Error("the token response has no ID token")
    service_session = {**kept(token), "claims": dict(id_claims)}
    claims = {**id_claims, **userinfo(get_provider(), str(token["access_token"]))}
    user = auth.authenticate(request, oidc_claims=claims)
    if user is None:
        raise AccountDisabled("the provider describes the account as not active")
    hand_over(user, service_session)
    auth.login(request, user)
    return user


def hand_over(user: AbstractBaseUser, service_session: Mapping[str, Any]) -> None:
    """Attach the tokens to the user about to be signed in, for :func:`keep_service_session`."""
    setattr(user, SERVICE_SESSION_ATTR, dict(service_session))


def keep_service_session(sender: type, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any) -> None:
    """Store the tokens in the new Django session (the ``user_logged_in`` signal).

    ``login()`` has already given the session a new key when this runs, so
    nothing from before the sign-in carries the tokens.
    """
    service_session = user.__dict__.pop(SERVICE_SESSION_ATTR, None)
    if service_session is None or request is None:
        return
    request.session[defaults.SESSION_KEY] = {"service": service_session, "fetched_at": time.time()}


def service_session_of(request: HttpRequest) -> dict[str, Any] | None:
    """The tokens the Django session holds (``access_token``, ``refresh_token``, ``id_token``, ``expires_at``, ``claims``).

    None for a session the provider did not make. For calls of your own to
    APIs that take the provider's access token: keep them on the server.
    """
    cached = request.session.get(defaults.SESSION_KEY)
    service_session = cached.get("service") if isinstance(cached, dict) else None
    return dict(service_session) if isinstance(service_session, dict) else None


def refresh_if_due(request: HttpRequest) -> None:
    """Ask the provider about the signed-in user again once the TTL has passed.

    A session without tokens (one made by ``force_login`` in tests, or by
    another backend) is left alone. A provider that refuses the user signs
    them out; a user it has disabled is also marked inactive, which ends
    their other sessions too.

    :raises ServiceUnavailable: when the provider cannot be asked: the request
        fails closed instead of running with a user the provider may have disabled.
    """
    cached = request.session.get(defaults.SESSION_KEY)
    if not cached:
        return
    try:
        fetched_at = float(cached["fetched_at"])
        service_session = dict(cached["service"])
        id_claims = dict(service_session["claims"])
    except (KeyError, TypeError, ValueError):
        _sign_out(request, "the cached session is unreadable")
        return
    if time.time() - fetched_at < get_settings().session_ttl:
        return
    user_pk = request.session.get(auth.SESSION_KEY)
    try:
        service_session, claims = _fetch_claims(request, service_session)
    except SignedOut:
        return
    except ServiceUnavailable:
        raise
    except {{ cookiecutter.class_name }}Error as err:  # an answer that is not a user's claims
        _sign_out(request, f"the provider did not describe the user ({err.code})")
        return
    values = read_record({**id_claims, **claims})
    user = sync_user(values)
    if user._meta.pk.value_to_string(user) != user_pk:
        _sign_out(request, "the tokens belong to another user")
        return
    if not values["active"]:
        deactivate(user_pk)
        _sign_out(request, "the provider has disabled the account")
        return
    _keep(request, service_session)


def _fetch_claims(request: HttpRequest, service_session: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Userinfo's claims, and the tokens that fetched them: renewed first when the access token has expired,
    or when userinfo refuses it (then userinfo is asked once more).

    :raises SignedOut: when the tokens had to be renewed and the provider would not.
    """
    if has_expired(service_session):
        service_session = renew(request, service_session)
    try:
        return service_session, userinfo(get_provider(), str(service_session["access_token"]))
    except InvalidCredentials:
        pass  # the token ended before its deadline (revoked, or the provider restarted): renew, then ask once more
    service_session = renew(request, service_session)
    return service_session, userinfo(get_provider(), str(service_session["access_token"]))


def has_expired(service_session: Mapping[str, Any]) -> bool:
    """Whether the access token's deadline, when the provider gave one, has passed (or will, within the margin)."""
    try:
        return time.time() >= float(service_session["expires_at"]) - REFRESH_MARGIN
    except (KeyError, TypeError, ValueError):
        return False


def renew(request: HttpRequest, stale: dict[str, Any]) -> dict[str, Any]:
    """New tokens for the ``stale`` ones of this session, stored in it: from the provider, or from another request.

    Concurrent requests of one session would all find the token expired; the
    provider rotates the refresh token at each refresh, so only the first
    refresh would succeed and the others would sign the user out. So one
    request per session asks the provider, and the others (in this process,
    or in others sharing Django's cache) wait for it and take its tokens.

    :raises SignedOut: when the provider refuses or cannot be asked; the session is cleared.
    """
    key = hashlib.sha256(json.dumps(stale, sort_keys=True).encode()).hexdigest()  # never a token in a cache key
    try:
        service_session: dict[str, Any] = json.loads(get_refreshes().run(key, partial(_refresh, stale)))
    except RefreshFailed as err:
        _sign_out(request, f"the provider did not renew the tokens ({err})")
        raise SignedOut() from None
    except FlightTimeout:
        _sign_out(request, "the tokens were not renewed in time (waited for another request)")
        raise SignedOut() from None
    cached = request.session.get(defaults.SESSION_KEY) or {}
    request.session[defaults.SESSION_KEY] = {**cached, "service": service_session}
    return service_session


def _refresh(stale: dict[str, Any]) -> str:
    """Ask the provider for new tokens: the whole new session values, as JSON.

    :raises RefreshFailed: when the provider refuses the refresh token or does not answer.
    """
    return json.dumps(refreshed(get_provider(), stale))


{% include "django_session_end.py" %}