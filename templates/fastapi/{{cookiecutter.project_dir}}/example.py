"""The example app of the README: ``uvicorn example:app``.

Set the secret key and the {{ cookiecutter.service_name | pydoc }} settings in the environment first::

    export {{ cookiecutter.config_prefix }}_SECRET_KEY=change-me{% for s in cookiecutter.settings if s.required %} {{ s.env }}=...{% endfor %}
    uvicorn example:app

then open http://127.0.0.1:8000/ and sign in.
"""

from html import escape
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from {{ cookiecutter.package }} import (
    {{ cookiecutter.class_name }},
    {{ cookiecutter.class_name }}User,
    NotAcceptable,
    csrf_token,
    current_user,
    negotiate,
    require_roles,
)

app = FastAPI()
# Reads {{ cookiecutter.config_prefix }}_* from the environment and serves /auth/login, /auth/logout, /auth/me{% if cookiecutter.has_register %}, /auth/register{% endif %}{% if cookiecutter.has_forgot_password %}, /auth/forgot{% endif %}{% if cookiecutter.has_reset_password %}, /auth/reset{% endif %}{% if cookiecutter.has_verify_email %}, /auth/verify{% endif %}{% if cookiecutter.has_change_password %}, /auth/password{% endif %}
{{ cookiecutter.slug }} = {{ cookiecutter.class_name }}(app)


@app.get("/")
async def home(request: Request, user: Annotated[{{ cookiecutter.class_name }}User, Depends(current_user)]) -> Response:
    """Greet the signed-in user, with a button to sign out."""
    return reply(request, f"Hello {user.first_name or user.username}")


@app.get("/admin", dependencies=[Depends(require_roles({{ cookiecutter.guard_role | py }}))])
async def admin(request: Request) -> Response:
    """Only for users with the role."""
    return reply(request, "secret")


def reply(request: Request, message: str) -> Response:
    """``message`` as JSON for API clients, as a small page for browsers, 406 for clients that take neither."""
    try:
        answer = negotiate(request, "text/html", "application/json")  # by Accept, as the integration's routes
    except NotAcceptable:
        return JSONResponse({"error": {"code": "not_acceptable", "message": {{ cookiecutter.messages.error.not_acceptable | py }}}}, 406)
    if answer == "application/json":
        return JSONResponse({"message": message})
    prefix = {{ cookiecutter.slug }}.settings.route_prefix
    return HTMLResponse(
        f"<!doctype html><title>Example</title><p>{escape(message)}</p>"
{%- if cookiecutter.has_change_password %}
        f'<p><a href="{prefix}/password">Change your password</a></p>'
{%- endif %}
        f'<form method="post" action="{prefix}/logout">'
        f'<input type="hidden" name="csrf_token" value="{csrf_token(request)}"><button>Sign out</button></form>'
    )
