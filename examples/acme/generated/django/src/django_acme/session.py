"""The service's own session (its tokens), kept in the Django session, and the refresh after the TTL.

The Django session lives on the server (database, cache or files; the
system checks refuse the signed-cookie engine), so the tokens never reach
the browser. Within ``SESSION_TTL`` seconds of the last answer from the
service, a request is served from the local user without calling the
service. After it, the user is fetched once more: a user the service has
disabled or deleted is signed out, and a service that does not answer fails
the request (503) rather than trusting a stale user.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from django.contrib import auth
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from . import defaults
from .conf import get_settings
from .errors import AccountDisabled, AcmeError, ServiceUnavailable, UserNotFound
from .records import read_record
from .state import get_client
from .sync import deactivate, sync_user

logger = logging.getLogger(__name__)

#: The attribute, on the user the backend returns, that hands the service session on to ``login()``.
SERVICE_SESSION_ATTR = "_acme_service_session"


def hand_over(user: AbstractBaseUser, service_session: Mapping[str, str]) -> None:
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
        record = get_client().get_user(service_session)
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
    request.session[defaults.SESSION_KEY] = {"service": service_session, "fetched_at": time.time()}


def _sign_out(request: HttpRequest, reason: str) -> None:
    """End the session from inside the user's loading (``logout()`` would load the user again)."""
    logger.info("Signed out: %s", reason)
    request.session.flush()
