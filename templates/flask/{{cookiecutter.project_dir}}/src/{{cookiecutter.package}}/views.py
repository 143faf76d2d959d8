"""The blueprint: login, logout, me{% if cookiecutter.has_register %}, register{% endif %}{% if cookiecutter.has_forgot_password %}, forgot password{% endif %}.

Each route answers browsers with pages and API clients with JSON, as
``Accept`` asks (see :func:`.responses.negotiate`). Posts come as forms with
a ``csrf_token`` field, or as JSON with ``Content-Type: application/json``
and an ``X-CSRFToken`` header; ``GET /csrf`` hands API clients a token.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, {% if cookiecutter.has_register %}flash, {% endif %}redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, generate_csrf
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, NotAcceptable, UnsupportedMediaType

from . import config
from .errors import {{ cookiecutter.view_error_imports | join(", ") }}
from .forms import {% if cookiecutter.has_forgot_password %}ForgotPasswordForm, {% endif %}FormT, LoginForm, {% if cookiecutter.has_register %}RegisterForm, {% endif %}from_json
from .responses import HTML, JSON, json_error, negotiate, render_page, wants_json
from .session import log_in, log_out
from .state import get_state

logger = logging.getLogger(__name__)

blueprint = Blueprint(config.BLUEPRINT, __name__, template_folder="templates")

#: Content types of the form posts browsers send.
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})

#: Where API clients send the CSRF token, and where forms carry it.
CSRF_HEADER = "X-CSRFToken"
CSRF_FIELD = "csrf_token"

#: The JSON error codes of HTTP errors that do not come from the service.
_HTTP_ERROR_CODES = {
    400: "invalid_input",
    405: "method_not_allowed",
    406: "not_acceptable",
    415: "unsupported_media_type",
    500: "failed",
}

#: What a throttled sign-in is told, whether or not the account exists.
TOO_MANY_ATTEMPTS = "Too many failed sign-in attempts. Try again later."


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Sign a user in: the login page, a form post or a JSON post."""
    if request.method == "GET":
        negotiate(HTML)
        return render_page("login.html", form=LoginForm(next=request.args.get("next")))
    answer = negotiate(HTML, JSON)
    form = _posted(LoginForm)
    if not form.validate():
        return _invalid(form, answer, "login.html")
    username, address = form.username.data, request.remote_addr or ""
    throttle = get_state().throttle
    retry_after = throttle.retry_after(username, address)
    if retry_after is not None:
        logger.info("Login refused: too_many_attempts")
        return _throttled(retry_after, form, answer)
    try:
        user = log_in(username, form.password.data)
    except {{ cookiecutter.class_name }}Error as err:
        # The message names the request or field that failed; it never holds a password or a token.
        logger.info("Login refused: %s: %s", err.code, err)
        # Only the service's refusals count: an outage says nothing about who is guessing.
        if isinstance(err, InvalidCredentials | AccountDisabled):
            throttle.failed(username, address)
        return _refused(err, form, answer, "login.html")
    throttle.succeeded(username)
    if answer == JSON:
        return {"user": user.to_dict(), "csrf_token": generate_csrf()}
    return redirect(safe_next(form.next.data or request.args.get("next")) or request.script_root + "/", 303)


@blueprint.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session. POST only, with a CSRF token, so no link or image can sign anyone out."""
    answer = negotiate(HTML, JSON)
    log_out()
    if answer == JSON:
        return "", 204
    return redirect(url_for(".login"), 303)


@blueprint.get("/me")
def me() -> ResponseReturnValue:
    """The signed-in user as JSON: the canonical attributes and every field of the service's record."""
    negotiate(JSON)
    if not current_user.is_authenticated:
        return json_error("unauthorized", "Sign in to continue.", 401)
    return current_user.to_dict()


@blueprint.get("/csrf")
def csrf() -> ResponseReturnValue:
    """A CSRF token for API clients, and where to send it: the header of JSON posts, the field of forms."""
    negotiate(JSON)
    return {"csrf_token": generate_csrf(), "header": CSRF_HEADER, "field": CSRF_FIELD}
{% if cookiecutter.has_register %}

@blueprint.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    """Create an account at the service; the user signs in afterwards."""
    if request.method == "GET":
        negotiate(HTML)
        return render_page("register.html", form=RegisterForm())
    answer = negotiate(HTML, JSON)
    form = _posted(RegisterForm)
    if not form.validate():
        return _invalid(form, answer, "register.html")
    try:
        get_state().client.register(
            {% for input in cookiecutter.register_inputs %}{{ input.name }}=form.{{ input.name }}.data{% if not loop.last %}, {% endif %}{% endfor %}
        )
    except {{ cookiecutter.class_name }}Error as err:
        logger.info("Registration refused: %s", err.code)
        return _refused(err, form, answer, "register.html")
    if answer == JSON:
        return {"status": "registered"}, 201
    flash("Your account is ready. Sign in to continue.", "success")
    return redirect(url_for(".login"), 303)
{% endif %}
{%- if cookiecutter.has_forgot_password %}

@blueprint.route("/forgot", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    """Start a password reset. The answer is the same whether or not the account exists."""
    if request.method == "GET":
        negotiate(HTML)
        return render_page("forgot.html", form=ForgotPasswordForm())
    answer = negotiate(HTML, JSON)
    form = _posted(ForgotPasswordForm)
    if not form.validate():
        return _invalid(form, answer, "forgot.html")
    try:
        get_state().client.forgot_password(
            {% for input in cookiecutter.forgot_inputs %}{{ input.name }}=form.{{ input.name }}.data{% if not loop.last %}, {% endif %}{% endfor %}
        )
    except UserNotFound:
        pass  # answered like a known account, so the page does not tell who has one
    except {{ cookiecutter.class_name }}Error as err:
        logger.info("Password reset refused: %s", err.code)
        return _refused(err, form, answer, "forgot.html")
    if answer == JSON:
        return {"status": "sent"}, 202
    return render_page("forgot.html", form=None, sent=True)
{% endif %}

@blueprint.errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> ResponseReturnValue:
    """A post without a valid CSRF token: 403, as JSON or as a page that says what to do."""
    if wants_json():
        return json_error("csrf_failed", error.description, 403)
    message = "The form has expired or lacks its security token. Reload the page and try again."
    return render_page("error.html", 403, title="Please try again", message=message)


@blueprint.errorhandler(BadRequest)
@blueprint.errorhandler(NotAcceptable)
@blueprint.errorhandler(UnsupportedMediaType)
@blueprint.errorhandler(InternalServerError)
def http_error(error: HTTPException) -> ResponseReturnValue:
    """A request a route cannot read or answer (400, 405, 406, 415, 500): a JSON error body for API clients.

    The blueprint's handler for 400, 406, 415 and 500 (an unexpected failure,
    which Flask has logged; the answer names nothing of it); the app's for 405
    (raised before any blueprint is chosen) unless the app has a 405 handler of its own.
    """
    if wants_json():
        return json_error(_HTTP_ERROR_CODES[error.code or 400], error.description or "", error.code or 400)
    return error.get_response()


def service_error(error: {{ cookiecutter.class_name }}Error) -> ResponseReturnValue:
    """Answer a request the service failed, e.g. a refresh while it is down.

    The app's handler for every route: the answer carries the error's status
    (503 when the service is down), never the page as a signed-in user.
    """
    logger.warning("Identity service request failed: %s", error)
    if wants_json():
        return json_error(error.code, error.public_message, error.status)
    return render_page("error.html", error.status, title="Something went wrong", message=error.public_message)


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None.

    Only a relative path is followed: nothing with a scheme or a host,
    nothing a browser would read as one (``//host``, ``/\\host``, control
    characters), and nothing longer than a ``Location`` header should carry.
    """
    if not target or len(target) > config.MAX_NEXT_LENGTH or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def _posted(form_class: type[FormT]) -> FormT:
    """The form of a post: from a JSON object, or from form data.

    :raises BadRequest: for a JSON body that is not a valid JSON object (400).
    :raises UnsupportedMediaType: for a body that is neither JSON nor a form (415).
    """
    if request.is_json:
        try:
            data = request.get_json(silent=True)
        except RecursionError:  # nested deeper than the JSON parser goes: not a form's data
            data = None
        if not isinstance(data, dict):
            raise BadRequest("The body is not a valid JSON object.")
        return from_json(form_class, data)
    if request.mimetype in FORM_TYPES:
        return form_class()
    raise UnsupportedMediaType("Post a form, or JSON with Content-Type: application/json.")


def _invalid(form: FlaskForm, answer: str, page: str) -> ResponseReturnValue:
    """A form that did not validate: 400 with the field errors."""
    if answer == JSON:
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return json_error("invalid_input", problems, 400)
    return render_page(page, 400, form=form)


def _throttled(retry_after: int, form: LoginForm, answer: str) -> ResponseReturnValue:
    """A sign-in refused without asking the service: 429, with the seconds to wait in ``Retry-After``."""
    headers = {"Retry-After": str(retry_after)}
    if answer == JSON:
        response = json_error("too_many_attempts", TOO_MANY_ATTEMPTS, 429)
        response.headers.update(headers)
        return response
    page, status = render_page("login.html", 429, form=form, error=TOO_MANY_ATTEMPTS)
    return page, status, headers


def _refused(error: {{ cookiecutter.class_name }}Error, form: FlaskForm, answer: str, page: str) -> ResponseReturnValue:
    """The service refused a post: the error's status, with a message that gives nothing away."""
    if answer == JSON:
        return json_error(error.code, error.public_message, error.status)
    return render_page(page, error.status, form=form, error=error.public_message)
