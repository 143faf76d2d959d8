"""The signed-in user, kept in Django's cache for a few seconds so that a request needs no query for it.

Django loads ``request.user`` from the database on every request. For
``USER_CACHE_TIMEOUT`` seconds (never longer than ``SESSION_TTL``) the
backend takes it from the ``default`` cache instead. The session is still
read on every request, so signing out, here or in any other process, ends
access at once; only what the user row says (``is_active``, the names, the
profile) may be that many seconds old.

A user's entry is deleted whenever the project saves or deletes the user or
their profile (the admin, a sign-in, a refresh at the service) and when the
service refuses them. With a cache every process shares (Redis, Memcached,
the database) that is seen everywhere within :data:`LOCAL_TIMEOUT` (one
second); with the local-memory cache, Django's default, each process has its
own, and another process may serve the old user until its entry expires:
``USER_CACHE_TIMEOUT`` seconds at most. ``USER_CACHE_TIMEOUT = 0`` turns the
cache off.

Why the extra second: a signed-in request already reads its session from the
cache; reading the user from there too doubled what the cache costs such a
request (two round trips to Redis, the protected page 1.4 times as slow as
an unprotected one). So each process also keeps the users it took from the
cache for :data:`LOCAL_TIMEOUT`, and the requests of that second (a page and
its API calls, a busy user) read Redis once, for their session. Neither the
session nor the user's key can be read with the other in one round trip: the
user's key is only known once the session is read.
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, transaction

from . import defaults
from .conf import get_settings

if TYPE_CHECKING:
    # django-stubs' type of the project's user model (AUTH_USER_MODEL), whichever it is.
    from django.contrib.auth.models import _User as ProjectUser

logger = logging.getLogger(__name__)

#: The cache the users are kept in.
CACHE_ALIAS = "default"
#: Seconds a process keeps a user it took from that cache, before reading the cache again.
LOCAL_TIMEOUT = 1.0
#: Users a process keeps at most; past that, the expired ones are dropped, and all of them if none has expired.
LOCAL_SIZE = 1000


class LocalUsers:
    """The users this process took from the cache a moment ago, pickled as the cache keeps them.

    Each :meth:`get` unpickles a user of its own, as a cache backend does, so
    a request never sees what another changed on its ``request.user``.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, bytes]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> ProjectUser | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= time.monotonic():
            return None
        user: ProjectUser = pickle.loads(entry[1])
        return user

    def put(self, key: str, user: ProjectUser, timeout: float) -> None:
        data = pickle.dumps(user, pickle.HIGHEST_PROTOCOL)
        now = time.monotonic()
        with self._lock:
            if len(self._entries) >= LOCAL_SIZE:
                self._entries = {k: e for k, e in self._entries.items() if e[0] > now}
                if len(self._entries) >= LOCAL_SIZE:
                    self._entries.clear()
            self._entries[key] = (now + timeout, data)

    def discard(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


#: This process's users of the last :data:`LOCAL_TIMEOUT` seconds.
local_users = LocalUsers()


def cached_user(user_pk: Any, load: Callable[[], ProjectUser | None]) -> ProjectUser | None:
    """The user ``user_pk`` from this process or the cache, else from ``load()``, which is cached when it finds an active user.

    Every call returns a user of its own: both hand out a copy (all of
    Django's cache backends pickle, and so does :class:`LocalUsers`), so what
    one request changes on its ``request.user`` is never seen by another.
    """
    settings = get_settings()
    timeout = min(settings.user_cache_timeout, settings.session_ttl)
    if timeout <= 0:
        return load()
    key = cache_key(user_pk)
    user = local_users.get(key)
    if user is not None:
        return user
    cache = caches[CACHE_ALIAS]
    try:
        user = cache.get(key)
    except Exception:  # a cache that is down slows requests down, it does not fail them
        logger.warning("The user cache cannot be read; loading the user from the database", exc_info=True)
        return load()
    if user is None:
        user = load()
        if user is None:
            return None
        try:
            cache.set(key, user, timeout)
        except Exception:
            logger.warning("The user cache cannot be written", exc_info=True)
    local_users.put(key, user, min(LOCAL_TIMEOUT, timeout))
    return user


def forget_user(user_pk: Any, using: str = DEFAULT_DB_ALIAS) -> None:
    """Delete the cached user ``user_pk``, now and again when the current transaction commits.

    The second time is for a request that read the old row before the
    commit and cached it meanwhile.
    """
    if user_pk is None:
        return
    key = cache_key(user_pk)
    _delete(key)
    transaction.on_commit(lambda: _delete(key), using=using)


def forget_saved(sender: type, instance: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """Forget the user of a saved or deleted user or profile (``post_save`` and ``post_delete``).

    A profile's primary key is its user's, so both forget the same entry.
    """
    forget_user(instance.pk, using)


def reload(*, setting: str, **kwargs: Any) -> None:
    """Forget this process's users when ``CACHES`` or the integration's settings change (the ``setting_changed`` signal)."""
    if setting in ("CACHES", defaults.SETTING):
        local_users.clear()


def cache_key(user_pk: Any) -> str:
    return f"acme:user:{get_user_model()._meta.label_lower}:{user_pk}"


def _delete(key: str) -> None:
    local_users.discard(key)
    try:
        caches[CACHE_ALIAS].delete(key)
    except Exception:
        logger.warning("The user cache cannot be written; %s stays until it expires", key, exc_info=True)
