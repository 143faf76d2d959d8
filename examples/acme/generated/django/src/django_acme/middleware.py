"""The middleware: the signed-in user refreshed after the TTL, 401 for API clients, 503 when the service fails.

Add it to ``MIDDLEWARE`` after ``AuthenticationMiddleware``::

    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_acme.middleware.AcmeMiddleware",
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.functional import SimpleLazyObject

from .errors import AcmeError
from .responses import MESSAGES, error_response, json_error, wants_json
from .session import refresh_if_due

if TYPE_CHECKING:
    # django-stubs' type of the project's user model (AUTH_USER_MODEL), whichever it is.
    from django.contrib.auth.models import _User as ProjectUser

logger = logging.getLogger(__name__)

#: The attribute of a request that keeps its user once loaded, for ``request.user`` and ``request.auser()`` alike.
_USER_ATTR = "_acme_user"
#: The statuses of a redirect to the login page that an API client gets as a 401 instead.
_LOGIN_REDIRECTS = (302, 303)


class AcmeMiddleware:
    """Makes ``request.user`` the service's current view of the user, and answers API clients in JSON.

    - ``request.user`` is loaded lazily, as Django does; a request that looks
      at it after the TTL asks the service once, and signs out a user the
      service has disabled or deleted.
    - A redirect to ``LOGIN_URL`` (``login_required`` and friends) becomes a
      ``401`` JSON error for API clients, which are never sent to a login page.
    - An error of the service raised in a view becomes its status and error
      body: ``503 service_unavailable`` when the service is down.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not hasattr(request, "user"):
            raise ImproperlyConfigured(
                "AcmeMiddleware needs django.contrib.auth.middleware.AuthenticationMiddleware before it in MIDDLEWARE."
            )
        request.user = cast("ProjectUser | AnonymousUser", SimpleLazyObject(partial(current_user, request)))
        request.auser = partial(acurrent_user, request)
        response = self.get_response(request)
        if response.status_code in _LOGIN_REDIRECTS and _is_login_url(response.get("Location", "")):
            if wants_json(request):
                return json_error("unauthorized", MESSAGES["unauthorized"], 401)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, AcmeError):
            return None
        logger.warning("%s: %s", type(exception).__name__, exception)
        return error_response(request, exception.code, exception.status, exception.public_message)


def current_user(request: HttpRequest) -> ProjectUser | AnonymousUser:
    """The signed-in user, after a refresh at the service when the TTL has passed.

    :raises ServiceUnavailable: when the refresh is due and the service does not answer.
    """
    user: ProjectUser | AnonymousUser | None = getattr(request, _USER_ATTR, None)
    if user is None:
        refresh_if_due(request)
        user = auth.get_user(request)
        setattr(request, _USER_ATTR, user)
    return user


async def acurrent_user(request: HttpRequest) -> ProjectUser | AnonymousUser:
    """:func:`current_user` for async views (``await request.auser()``)."""
    return await sync_to_async(current_user)(request)


def _is_login_url(location: str) -> bool:
    """Whether a redirect goes to the project's login page (``settings.LOGIN_URL``)."""
    return bool(location) and urlsplit(location).path == urlsplit(resolve_url(settings.LOGIN_URL)).path
