"""Dependencies for routes: who may see them, and what everyone else gets.

::

    @app.get("/")
    async def home(user: Annotated[{{ cookiecutter.class_name }}User, Depends(current_user)]) -> dict[str, str]: ...

    @app.get("/admin", dependencies=[Depends(require_roles({{ cookiecutter.guard_role | py }}))])
    async def admin() -> dict[str, str]: ...

Browsers are sent to the login page (anonymous) or shown a 403 page
(lacking a role). API clients, which ask for JSON, get 401 or 403 with a
JSON error body and are never redirected to a login page they cannot use.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .errors import {{ cookiecutter.class_name }}Error
from .responses import FORBIDDEN_TITLE, MESSAGES, Refused, json_error, links, render_page, service_error, wants_json
from .session import load_user
from .user import {{ cookiecutter.class_name }}User

logger = logging.getLogger(__name__)


async def optional_user(request: Request) -> {{ cookiecutter.class_name }}User | None:
    """The signed-in user, or None for anonymous requests.

    A service that cannot be asked when the cached user has expired fails the
    request (503; 502 for an answer it cannot read) rather than trusting a user it may have disabled.
    """
    try:
        return await load_user(request)
    except {{ cookiecutter.class_name }}Error as err:
        logger.warning("Loading the signed-in user failed: %s", err)
        raise Refused(service_error(request, err)) from None


async def current_user(request: Request) -> {{ cookiecutter.class_name }}User:
    """The signed-in user; anyone else is refused: 401 for API clients, a redirect to the login page for browsers."""
    # Called, not declared with Depends: each level of dependencies costs FastAPI a resolution per request.
    user = await optional_user(request)
    if user is None:
        raise Refused(unauthorized(request))
    return user


#: The signed-in user as a route's parameter, for short: ``async def home(user: CurrentUser)``.
CurrentUser = Annotated[{{ cookiecutter.class_name }}User, Depends(current_user)]

#: The signed-in user or None, as a route's parameter: ``async def page(user: OptionalUser)``.
OptionalUser = Annotated[{{ cookiecutter.class_name }}User | None, Depends(optional_user)]


def require_roles(*roles: str) -> Callable[..., Awaitable[{{ cookiecutter.class_name }}User]]:
    """A dependency that lets in only signed-in users who have every one of ``roles``::

        @app.get("/admin", dependencies=[Depends(require_roles({{ cookiecutter.guard_role | py }}))])

    It gives the user, so a route can also take it as a parameter:
    ``user: Annotated[{{ cookiecutter.class_name }}User, Depends(require_roles({{ cookiecutter.guard_role | py }}))]``.
    """
    if not roles:
        raise TypeError("require_roles() needs at least one role")

    async def guard(request: Request) -> {{ cookiecutter.class_name }}User:
        user = await current_user(request)
        if not user.has_roles(*roles):
            raise Refused(forbidden(request))
        return user

    return guard


def unauthorized(request: Request) -> Response:
    """Answer a request that needs a signed-in user: 401 JSON, or a redirect to the login page."""
    if wants_json(request):
        return json_error("unauthorized", MESSAGES["unauthorized"], 401)
    return RedirectResponse(f"{links(request)['login']}?{urlencode({'next': current_path(request)})}", 303)


def forbidden(request: Request) -> Response:
    """Answer a signed-in user who lacks a role: 403 JSON, or the 403 page."""
    if wants_json(request):
        return json_error("forbidden", MESSAGES["forbidden"], 403)
    return render_page(request, "forbidden.html", 403, title=FORBIDDEN_TITLE, message=MESSAGES["forbidden"])


def current_path(request: Request) -> str:
    """This request's path and query, to come back to after login (never a full URL)."""
    url = request.url
    return f"{url.path}?{url.query}" if url.query else url.path
