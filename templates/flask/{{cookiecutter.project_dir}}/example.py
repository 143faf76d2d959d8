"""The example app of the README: ``flask --app example run``.

Set the secret key and the {{ cookiecutter.service_name | pydoc }} settings in the environment first::

    export FLASK_SECRET_KEY=change-me{% for s in cookiecutter.settings if s.required %} {{ s.env }}=...{% endfor %}
    flask --app example run

then open http://localhost:5000/ and sign in.
"""

from flask import Flask, abort, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from {{ cookiecutter.package }} import {{ cookiecutter.class_name }}, roles_required

app = Flask(__name__)
app.config.from_prefixed_env()  # FLASK_SECRET_KEY -> SECRET_KEY; the package reads {{ cookiecutter.config_prefix }}_* from the environment itself
{{ cookiecutter.class_name }}(app)  # /auth/login, /auth/logout, /auth/me{% if cookiecutter.has_register %}, /auth/register{% endif %}{% if cookiecutter.has_forgot_password %}, /auth/forgot{% endif %}{% if cookiecutter.has_reset_password %}, /auth/reset{% endif %}{% if cookiecutter.has_verify_email %}, /auth/verify{% endif %}{% if cookiecutter.has_change_password %}, /auth/password{% endif %}


@app.get("/")
@login_required
def home() -> ResponseReturnValue:
    """Greet the signed-in user, with a button to sign out."""
    return reply(f"Hello {current_user.first_name or current_user.username}")


@app.get("/admin")
@roles_required({{ cookiecutter.guard_role | py }})
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
{%- if cookiecutter.has_change_password %}
        f'<p><a href="{url_for("{{ cookiecutter.slug }}.change_password")}">Change your password</a></p>'
{%- endif %}
        f'<form method="post" action="{url_for("{{ cookiecutter.slug }}.logout")}">'
        f'<input type="hidden" name="csrf_token" value="{generate_csrf()}"><button>Sign out</button></form>'
    )
