{% if cookiecutter.is_oidc %}{% include "django_oidc/backends.py" %}{% else %}"""The authentication backend: passwords are checked by {{ cookiecutter.service_name | pydoc }}, never by Django.

Add it to ``AUTHENTICATION_BACKENDS``; Django's ``authenticate()`` and
``login()``, the login view, and the admin's login page then all sign users in
at the service.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from .errors import AccountDisabled, InvalidCredentials
from .records import read_record
from .session import hand_over
from .state import get_client
from .sync import sync_user
from .usercache import cached_user

if TYPE_CHECKING:
    # django-stubs' type of the project's user model (AUTH_USER_MODEL), whichever it is.
    from django.contrib.auth.models import _User as ProjectUser

logger = logging.getLogger(__name__)


class {{ cookiecutter.class_name }}Backend(BaseBackend):
    """Signs users in at {{ cookiecutter.service_name | pydoc }} and keeps a local Django user for each.

    ``authenticate()`` returns None for a wrong username or password, so
    that other backends may still try; it raises :class:`AccountDisabled`
    for an account the service has disabled, and :class:`ServiceUnavailable`
    when the service cannot be asked, so that nobody is signed in on a guess.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> ProjectUser | None:
        if username is None or password is None:
            return None
        client = get_client()
        try:
            service_session = client.login(username, password)
        except InvalidCredentials:
            return None
        values = read_record(client.get_user(service_session))
        user = sync_user(values)
        if not values["active"]:
            raise AccountDisabled("the service describes the account as not active")
        hand_over(user, service_session)
        logger.info("User %s authenticated at the service", user.pk)
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
{% endif %}