"""The example app of the README: ``uvicorn example:app``.

Set the secret key and the Acme Identity settings in the environment first::

    export ACME_SECRET_KEY=change-me ACME_API_KEY=... ACME_APP_ID=...
    uvicorn example:app

then open http://127.0.0.1:8000/ and sign in.
"""

from html import escape
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from fastapi_acme import (
    Acme,
    AcmeUser,
    NotAcceptable,
    csrf_token,
    current_user,
    negotiate,
    require_roles,
)

app = FastAPI()
# Reads ACME_* from the environment and serves /auth/login, /auth/logout, /auth/me, /auth/register, /auth/forgot, /auth/reset, /auth/verify, /auth/password
acme = Acme(app)


@app.get("/")
async def home(request: Request, user: Annotated[AcmeUser, Depends(current_user)]) -> Response:
    """Greet the signed-in user, with a button to sign out."""
    return reply(request, f"Hello {user.first_name or user.username}")


@app.get("/admin", dependencies=[Depends(require_roles("admins"))])
async def admin(request: Request) -> Response:
    """Only for users with the role."""
    return reply(request, "secret")


def reply(request: Request, message: str) -> Response:
    """``message`` as JSON for API clients, as a small page for browsers, 406 for clients that take neither."""
    try:
        answer = negotiate(request, "text/html", "application/json")  # by Accept, as the integration's routes
    except NotAcceptable:
        return JSONResponse(
            {
                "error": {
                    "code": "not_acceptable",
                    "message": "This route cannot answer in a format the client accepts.",
                }
            },
            406,
        )
    if answer == "application/json":
        return JSONResponse({"message": message})
    prefix = acme.settings.route_prefix
    return HTMLResponse(
        f"<!doctype html><title>Example</title><p>{escape(message)}</p>"
        f'<p><a href="{prefix}/password">Change your password</a></p>'
        f'<form method="post" action="{prefix}/logout">'
        f'<input type="hidden" name="csrf_token" value="{csrf_token(request)}"><button>Sign out</button></form>'
    )
