"""Failed sign-ins counted per account and per client address, in Django's cache, to slow down password guessing.

Off unless ``LOGIN_LIMIT_PER_ACCOUNT`` or ``LOGIN_LIMIT_PER_CLIENT`` is set.
A failure is a sign-in the service refused (wrong password, disabled
account); once a username, or a client address, has ``LIMIT`` of them within
``LOGIN_LIMIT_WINDOW`` seconds of its first, every sign-in for it is refused
without asking the service until that window ends, whether the account
exists or not. A successful sign-in clears its username's count.

The counts are kept in the ``default`` cache: per process with Django's
local-memory cache, shared by every process with Redis, Memcached or the
database cache. A cache that is down lets sign-ins through (and says so in
the log) rather than lock everyone out.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from django.core.cache import caches
from django.http import HttpRequest

from . import defaults
from .conf import get_settings

logger = logging.getLogger(__name__)

#: The cache the counts are kept in.
CACHE_ALIAS = "default"


def retry_after(request: HttpRequest, username: str) -> int | None:
    """Seconds until ``username`` may try to sign in again from this client; None when it may now."""
    settings = get_settings()
    waits = []
    for key, limit in _counters(request, username):
        try:
            counted = caches[CACHE_ALIAS].get_many([key, key + ":until"])
        except Exception:
            logger.warning("The sign-in throttle cannot read the cache; letting the sign-in through", exc_info=True)
            return None
        if counted.get(key, 0) >= limit:
            until = counted.get(key + ":until", time.time() + settings.login_limit_window)
            waits.append(max(1, math.ceil(until - time.time())))
    return max(waits, default=None)


def failed(request: HttpRequest, username: str) -> None:
    """Count a sign-in the service refused, against the username and the client address."""
    window = get_settings().login_limit_window
    cache = caches[CACHE_ALIAS]
    for key, _ in _counters(request, username):
        try:
            if cache.add(key, 1, window):  # the first failure starts the window
                cache.set(key + ":until", time.time() + window, window)
            else:
                cache.incr(key)
        except ValueError:  # the window ended between add() and incr(): this failure starts the next one
            cache.add(key, 1, window)
            cache.set(key + ":until", time.time() + window, window)
        except Exception:
            logger.warning("The sign-in throttle cannot write the cache; the failure is not counted", exc_info=True)


def succeeded(username: str) -> None:
    """Forget the failures of a username that has just signed in (those of its client address stay)."""
    key = _key("account", username)
    try:
        caches[CACHE_ALIAS].delete_many([key, key + ":until"])
    except Exception:
        logger.warning("The sign-in throttle cannot write the cache", exc_info=True)


def _counters(request: HttpRequest, username: str) -> list[tuple[str, int]]:
    """The cache key and limit of each count that is switched on."""
    settings = get_settings()
    counters = []
    if settings.login_limit_per_account:
        counters.append((_key("account", username), settings.login_limit_per_account))
    if settings.login_limit_per_client:
        counters.append((_key("client", request.META.get("REMOTE_ADDR") or ""), settings.login_limit_per_client))
    return counters


def _key(kind: str, value: str) -> str:
    """The cache key of one count: usernames as submitted, trimmed and case-folded, and hashed (any length, any text)."""
    digest = hashlib.sha256(value.strip().casefold().encode()).hexdigest()
    return f"{defaults.URL_NAMESPACE}:login-failures:{kind}:{digest}"
