"""The example app of the README: ``flask --app example run``.

Set the secret key and the Acme Identity settings in the environment first::

    export FLASK_SECRET_KEY=change-me ACME_API_KEY=... ACME_APP_ID=...
    flask --app example run

then open http://localhost:5000/ and sign in.
"""

from flask import Flask, abort, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from flask_acme import Acme, roles_required

app = Flask(__name__)
app.config.from_prefixed_env()  # FLASK_SECRET_KEY -> SECRET_KEY; the package reads ACME_* from the environment itself
Acme(
    app
)  # /auth/login, /auth/logout, /auth/me, /auth/register, /auth/forgot, /auth/reset, /auth/verify, /auth/password


@app.get("/")
@login_required
def home() -> ResponseReturnValue:
    """Greet the signed-in user, with a button to sign out."""
    return reply(f"Hello {current_user.first_name or current_user.username}")


@app.get("/admin")
@roles_required("admins")
def admin() -> ResponseReturnValue:
    """Only for users with the role."""
    return reply("secret")


def reply(message: str) -> ResponseReturnValue:
    """``message`` as JSON for API clients, as a small page for browsers, 406 for clients that take neither."""
    accept = request.accept_mimetypes
    answer = accept.best_match(["text/html", "application/json"]) if accept else "text/html"  # no Accept: anything
    if answer is None:
        abort(406)
    if answer == "application/json":
        return {"message": message}
    return (
        f"<!doctype html><title>Example</title><p>{escape(message)}</p>"
        f'<p><a href="{url_for("acme.change_password")}">Change your password</a></p>'
        f'<form method="post" action="{url_for("acme.logout")}">'
        f'<input type="hidden" name="csrf_token" value="{generate_csrf()}"><button>Sign out</button></form>'
    )
