"""The authentication backend: users sign in at {{ cookiecutter.service_name | pydoc }} (OpenID Connect), never with a password here.

Add it to ``AUTHENTICATION_BACKENDS``. The integration's callback calls
``authenticate(request, oidc_claims=...)`` with the claims of a validated ID
token, overlaid by userinfo's; every other call (a username and password,
the admin's login form) gets None, so other backends may still try.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from .records import read_record
from .sync import sync_user
from .usercache import cached_user

if TYPE_CHECKING:
    # django-stubs' type of the project's user model (AUTH_USER_MODEL), whichever it is.
    from django.contrib.auth.models import _User as ProjectUser

logger = logging.getLogger(__name__)


class {{ cookiecutter.class_name }}Backend(BaseBackend):
    """Keeps a local Django user for each user {{ cookiecutter.service_name | pydoc }} signs in.

    ``authenticate()`` returns None for a user the claims describe as not
    active (the local user is updated all the same), and raises
    :class:`.errors.ServiceUnavailable` when the claims lack a field the
    spec reads, so that nobody is signed in on a guess.
    """

    def authenticate(
        self, request: HttpRequest | None, oidc_claims: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> ProjectUser | None:
        if oidc_claims is None:
            return None
        values = read_record(dict(oidc_claims))
        user = sync_user(values)
        if not values["active"]:
            return None
        logger.info("User %s signed in at the provider", user.pk)
        return user

    def get_user(self, user_id: Any) -> ProjectUser | None:
        """The local user of a session, with its profile; None once the user is inactive.

        Django asks for it on every request that looks at ``request.user``;
        it comes from the cache for ``USER_CACHE_TIMEOUT`` seconds (see :mod:`.usercache`).
        """
        return cached_user(user_id, partial(_load_user, user_id))


def _load_user(user_id: Any) -> ProjectUser | None:
    model = get_user_model()
    try:
        user = model._default_manager.select_related("{{ cookiecutter.slug }}_profile").get(pk=user_id)
    except model.DoesNotExist:
        return None
    return user if user.is_active else None
