"""Signing in with {{ cookiecutter.service_name | pydoc }} (OpenID Connect), and the signed-in user cached in the session.

The sign-in is the authorization-code flow with PKCE, run by Authlib:
:mod:`.views` redirects to the provider, and its callback hands the token
response (the ID token already validated by Authlib) to :func:`log_in`.

Flask-Login keeps the user's id in the session; this module keeps the rest:
the user as the claims last described them, when that was, the ID token's
claims, and the provider's tokens. The session lives on the server (the
tokens do not fit in a cookie); the tokens are encrypted all the same, with a
key derived from ``SECRET_KEY``, so a copy of the session store holds no token.

Within ``{{ cookiecutter.config_prefix }}_SESSION_TTL`` seconds a request is served from the cache
without calling the provider. After it, userinfo is asked once more with the
access token: a user the provider has disabled is signed out, and a provider
that does not answer fails the request (503) rather than trusting a stale user.
The access token lives shorter than the session: once it has expired (or
userinfo refuses it), it is refreshed with the refresh token, one request of
a session at a time (:mod:`.single_flight`): the provider accepts each refresh
token once. A refresh the provider refuses signs the user out.
"""

from __future__ import annotations

import base64
import hashlib
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
from flask import abort, current_app, g, session
from flask_login import current_user, login_user, logout_user

from . import config
from .errors import {{ ["AccountDisabled", cookiecutter.class_name ~ "Error", "InvalidCredentials", "ServiceUnavailable"] | sort | join(", ") }}
from .oidc import RefreshFailed, kept, refreshed, userinfo
from .responses import service_error
from .single_flight import FlightTimeout
from .state import get_state
from .user import {{ cookiecutter.class_name }}User

logger = logging.getLogger(__name__)

#: The name in ``flask.g`` that marks a request whose user could not be fetched again.
_FETCH_FAILED = "_{{ cookiecutter.slug }}_fetch_failed"


def log_in(token: Mapping[str, Any]) -> {{ cookiecutter.class_name }}User:
    """Start a new session from the token response of the callback.

    The user is read from the ID token's claims (validated by Authlib:
    signature, issuer, audience, expiry, nonce), overlaid by userinfo's. The
    session starts only once both describe an active user; until then
    nothing in it changes.

    :raises {{ cookiecutter.class_name }}Error: when the provider refuses the user or cannot be reached.
    """
    id_claims = token.get("userinfo")
    if not isinstance(id_claims, Mapping):
        raise {{ cookiecutter.class_name }}Error("the token response has no ID token")
    claims = {**id_claims, **userinfo(get_state().provider, str(token["access_token"]))}
    user = _user(claims)
    if not user.is_active:
        raise AccountDisabled("the provider describes the account as not active")
    session.clear()
    login_user(user, remember=False)
    session[config.SESSION_KEY] = {
        "id": secrets.token_urlsafe(16),
        "service": _seal(kept(token)),
        "claims": dict(id_claims),
    }
    _cache(user)
    _new_id()
    logger.info("User %s signed in", user.get_id())
    return user


def log_out() -> str | None:
    """End the session here: the user, the cached claims and the tokens.

    Clearing the session deletes it from the server-side store, so a copy of
    the cookie kept from before signs no one in. Nothing is asked of the
    provider, so signing out works while it is down.

    :returns: the ID token, for the provider's end-session request (``id_token_hint``); None when there is none.
    """
    cached = session.get(config.SESSION_KEY) or {}
    id_token = None
    if "service" in cached:
        try:
            id_token = _unseal(str(cached["service"])).get("id_token")
        except InvalidToken:
            logger.warning("The session's tokens were sealed with another SECRET_KEY: signing out without an ID token")
    session.clear()
    logout_user()
    return str(id_token) if id_token else None


def service_session() -> dict[str, Any] | None:
    """The signed-in user's tokens (``access_token``, ``refresh_token``, ``id_token``, ``expires_at``); None for anonymous users.

    For calls of your own to APIs that take the provider's access token.
    Keep them on the server.
    """
    if not current_user.is_authenticated:
        return None
    return _unseal(session[config.SESSION_KEY]["service"])


def load_user(user_id: str) -> {{ cookiecutter.class_name }}User | None:
    """Flask-Login's user loader: the cached user, fetched again once the cache is older than the TTL.

    :raises {{ cookiecutter.class_name }}Error: when the provider cannot be asked after the TTL, so the
        request fails closed instead of running with a user the provider may have disabled.
    """
    cached = session.get(config.SESSION_KEY)
    if not cached or g.get(_FETCH_FAILED):
        return None
    try:
        user = {{ cookiecutter.class_name }}User.from_dict(cached["user"])
        fetched_at = float(cached["fetched_at"])
        sealed = str(cached["service"])
        id_claims = dict(cached["claims"])
    except (KeyError, TypeError, ValueError):
        # A session written by an older version of this package: sign in again.
        _forget("the cached user is unreadable")
        return None
    if user.get_id() != user_id:
        return None
    if time.time() - fetched_at < get_state().settings.session_ttl:
        return user
    return _fetch_again(sealed, id_claims)


def _fetch_again(sealed: str, id_claims: dict[str, Any]) -> {{ cookiecutter.class_name }}User | None:
    """Ask userinfo again; sign the user out if the provider no longer lets them in.

    Any answer that refuses the user signs them out: the account is disabled,
    or the tokens have ended and cannot be refreshed. Only a provider that
    cannot be reached, or answers garbage, fails the request instead.
    """
    try:
        tokens = _unseal(sealed)
    except InvalidToken:
        _forget("the tokens were sealed with another SECRET_KEY")
        return None
    try:
        user = _user({**id_claims, **_current_userinfo(sealed, tokens)})
    except RefreshFailed as err:
        _forget(f"the tokens could not be refreshed ({err})")
        return None
    except {{ cookiecutter.class_name }}Error as err:
        if not isinstance(err, ServiceUnavailable) and err.code != "failed":
            _forget(f"the provider no longer describes the user ({err.code})")
            return None
        # The provider is down or answered garbage: fail this request (503, 502), wherever the user was
        # asked for, without an error handler on the app. While it is answered, the user is anonymous.
        g.setdefault(_FETCH_FAILED, True)
        logger.warning("Identity provider request failed: %s", err)
        abort(service_error(err))
    if not user.is_active:
        _forget("the provider has disabled the account")
        return None
    _cache(user)
    return user


def _current_userinfo(sealed: str, tokens: dict[str, Any]) -> dict[str, Any]:
    """Userinfo's claims, refreshing the tokens first when the access token has expired.

    :raises RefreshFailed: when the access token has ended and the provider refuses to refresh it.
    """
    provider = get_state().provider
    if _expired(tokens):
        return userinfo(provider, _renew(sealed)["access_token"])
    try:
        return userinfo(provider, str(tokens["access_token"]))
    except InvalidCredentials:
        pass  # the token ended before its deadline (revoked, or the provider restarted): refresh, then ask once more
    return userinfo(provider, _renew(sealed)["access_token"])


def _expired(tokens: Mapping[str, Any]) -> bool:
    """Whether the access token's deadline, when the provider gave one, has passed (or will, within the margin)."""
    expires_at = tokens.get("expires_at")
    return expires_at is not None and time.time() >= float(expires_at) - config.REFRESH_MARGIN


def _renew(sealed: str) -> dict[str, Any]:
    """Refresh the tokens ``sealed``; keep the new ones in the session and return them.

    Requests of the same session that need a refresh meanwhile wait for this
    one and take its result, rather than refreshing again with a refresh
    token the provider has already replaced.

    :raises RefreshFailed: when the provider refuses the refresh, fails, or the refresh in flight takes too long.
    """
    state = get_state()

    def refresh() -> str:
        return _seal(refreshed(state.provider, _unseal(sealed)))

    # The key is a hash of the sealed tokens: the same for every copy of this session, and no secret.
    key = hashlib.sha256(sealed.encode("ascii")).hexdigest()
    try:
        renewed = state.refreshes.run(key, refresh)
    except RefreshFailed as err:
        logger.warning("Refresh failed: %s", err)
        raise
    except FlightTimeout:
        logger.warning("Refresh failed: timeout")
        raise RefreshFailed("timeout") from None
    session[config.SESSION_KEY] = {**session[config.SESSION_KEY], "service": renewed}
    return _unseal(renewed)


def _user(claims: dict[str, Any]) -> {{ cookiecutter.class_name }}User:
    """The user the claims describe (the spec's ``[user]`` pointers read them)."""
    return {{ cookiecutter.class_name }}User.from_record(claims)


def _cache(user: {{ cookiecutter.class_name }}User) -> None:
    """Keep the user as the provider just described them, with the time of asking."""
    cached = session[config.SESSION_KEY]
    session[config.SESSION_KEY] = {**cached, "user": user.to_cache(), "fetched_at": time.time()}


def _forget(reason: str) -> None:
    """Sign the user out from inside the user loader (``logout_user`` would call the loader again)."""
    logger.info("Signed out: %s", reason)
    session.clear()


def _new_id() -> None:
    """Move the signed-in session to a new id in the server-side store, deleting the old one.

    An id planted in the browser before sign-in (the store would keep using
    it) must not become the signed-in session. Flask-Session's ``regenerate``
    moves only a session that holds something, so this comes once it does.
    """
    regenerate = getattr(current_app.session_interface, "regenerate", None)  # Flask-Session
    if regenerate is not None:
        regenerate(session)


def _seal(tokens: Mapping[str, Any]) -> str:
    """Encrypt the provider's tokens for the session store."""
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
