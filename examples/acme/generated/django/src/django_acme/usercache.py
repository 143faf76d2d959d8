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
the database) that is seen everywhere at once; with the local-memory cache,
Django's default, each process has its own, and another process may serve
the old user until its entry expires: ``USER_CACHE_TIMEOUT`` seconds at most.
``USER_CACHE_TIMEOUT = 0`` turns the cache off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, transaction

from .conf import get_settings

if TYPE_CHECKING:
    # django-stubs' type of the project's user model (AUTH_USER_MODEL), whichever it is.
    from django.contrib.auth.models import _User as ProjectUser

logger = logging.getLogger(__name__)

#: The cache the users are kept in.
CACHE_ALIAS = "default"


def cached_user(user_pk: Any, load: Callable[[], ProjectUser | None]) -> ProjectUser | None:
    """The user ``user_pk`` from the cache, else from ``load()``, which is cached when it finds an active user.

    Every call returns a user of its own: the cache hands out a copy (all
    of Django's cache backends pickle), so what one request changes on its
    ``request.user`` is never seen by another.
    """
    settings = get_settings()
    timeout = min(settings.user_cache_timeout, settings.session_ttl)
    if timeout <= 0:
        return load()
    key = cache_key(user_pk)
    cache = caches[CACHE_ALIAS]
    try:
        user: ProjectUser | None = cache.get(key)
    except Exception:  # a cache that is down slows requests down, it does not fail them
        logger.warning("The user cache cannot be read; loading the user from the database", exc_info=True)
        return load()
    if user is not None:
        return user
    user = load()
    if user is not None:
        try:
            cache.set(key, user, timeout)
        except Exception:
            logger.warning("The user cache cannot be written", exc_info=True)
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


def cache_key(user_pk: Any) -> str:
    return f"acme:user:{get_user_model()._meta.label_lower}:{user_pk}"


def _delete(key: str) -> None:
    try:
        caches[CACHE_ALIAS].delete(key)
    except Exception:
        logger.warning("The user cache cannot be written; %s stays until it expires", key, exc_info=True)
