"""Guards for views: who may see them, and what everyone else gets.

Browsers are sent to the login page (anonymous) or shown a 403 page
(lacking a role). API clients, which ask for JSON, get 401 or 403 with a
JSON error body and are never redirected to a login page they cannot use.
Flask-Login's own ``login_required`` answers the same way, through
:func:`unauthorized`, which the extension installs as its unauthorized handler.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login.config import EXEMPT_METHODS

from .responses import MESSAGES, json_error, render_page, wants_json

View = TypeVar("View", bound=Callable[..., Any])


def roles_required(*roles: str) -> Callable[[View], View]:
    """Let in only signed-in users who have every one of ``roles``::

        @app.get("/admin")
        @roles_required({{ cookiecutter.guard_role | py }})
        def admin():
            ...

    Like ``login_required``, it lets ``OPTIONS`` requests through and is
    switched off by ``LOGIN_DISABLED``.
    """
    if not roles:
        raise TypeError("roles_required() needs at least one role")

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if request.method not in EXEMPT_METHODS and not current_app.config.get("LOGIN_DISABLED"):
                if not current_user.is_authenticated:
                    return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
                if not current_user.has_roles(*roles):
                    return forbidden()
            return current_app.ensure_sync(view)(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorator


def unauthorized() -> ResponseReturnValue:
    """Answer a request that needs a signed-in user: 401 JSON, or a redirect to the login page."""
    if wants_json():
        return json_error("unauthorized", MESSAGES["unauthorized"], 401)
    return redirect(url_for("{{ cookiecutter.slug }}.login", next=current_path()))


def forbidden() -> ResponseReturnValue:
    """Answer a signed-in user who lacks a role: 403 JSON, or the 403 page."""
    if wants_json():
        return json_error("forbidden", MESSAGES["forbidden"], 403)
    return render_page("forbidden.html", 403, message=MESSAGES["forbidden"])


def current_path() -> str:
    """This request's path and query, to come back to after login (never a full URL)."""
    path = request.script_root + request.path
    query = request.query_string.decode("latin-1")
    return f"{path}?{query}" if query else path
