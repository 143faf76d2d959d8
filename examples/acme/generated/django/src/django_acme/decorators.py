"""``roles_required``: a view only for signed-in users with every one of some roles.

Django's own ``login_required`` works as it is; the middleware turns its
redirect into a ``401`` for API clients.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from .responses import MESSAGES, error_response, json_error, wants_json

View = Callable[..., Any]


def roles_required(*roles: str) -> Callable[[View], View]:
    """Let a view run only for a signed-in user with every one of ``roles``.

    Anonymous browsers are sent to ``LOGIN_URL``, anonymous API clients get
    ``401``; a signed-in user without the roles gets ``403`` (a page, or the
    JSON error). Roles are the user's groups, which mirror the service's roles::

        @roles_required("admins")
        def admin(request): ...
    """

    def decorator(view: View) -> View:
        if iscoroutinefunction(view):

            async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
                refused = await sync_to_async(refusal)(request, roles)
                return refused if refused is not None else await view(request, *args, **kwargs)

            return markcoroutinefunction(wraps(view)(async_wrapper))

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            refused = refusal(request, roles)
            return refused if refused is not None else view(request, *args, **kwargs)

        return wrapper

    return decorator


def refusal(request: HttpRequest, roles: Iterable[str]) -> HttpResponse | None:
    """The answer for a request that may not see a view requiring ``roles``; None when it may."""
    user = request.user
    if not user.is_authenticated:
        if wants_json(request):
            return json_error("unauthorized", MESSAGES["unauthorized"], 401)
        return redirect_to_login(request.get_full_path())
    if not has_roles(user, roles):
        return error_response(request, "forbidden", 403)
    return None


def has_roles(user: Any, roles: Iterable[str]) -> bool:
    """Whether a signed-in user has every one of ``roles``: groups, or the service's roles without groups."""
    if not user.is_active:
        return False
    held = getattr(user, "_acme_roles", None)
    if held is None:
        groups = getattr(user, "groups", None)
        if groups is not None:
            held = frozenset(groups.values_list("name", flat=True))
        else:  # a custom user model without PermissionsMixin
            profile = getattr(user, "acme_profile", None)
            held = frozenset(profile.roles if profile is not None else ())
        user._acme_roles = held  # once per request: the user is loaded per request
    return set(roles).issubset(held)
