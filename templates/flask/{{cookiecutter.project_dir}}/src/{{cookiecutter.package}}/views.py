"""The blueprint: login, logout, me{% if cookiecutter.has_register %}, register{% endif %}{% if cookiecutter.has_forgot_password %}, forgot password{% endif %}{% if cookiecutter.has_reset_password %}, reset password{% endif %}{% if cookiecutter.has_verify_email %}, verify email{% endif %}{% if cookiecutter.has_change_password %}, change password{% endif %}.

Each route answers browsers with pages and API clients with JSON, as
``Accept`` asks (see :func:`.responses.negotiate`). Posts come as forms with
a ``csrf_token`` field, or as JSON with ``Content-Type: application/json``
and an ``X-CSRFToken`` header; ``GET /csrf`` hands API clients a token.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, current_app, {% if cookiecutter.has_register %}flash, {% endif %}g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user{% if cookiecutter.has_change_password %}, login_required{% endif %}
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotAcceptable,
    UnsupportedMediaType,
)

from . import config
from .errors import {{ cookiecutter.view_error_imports | join(", ") }}
{%- if cookiecutter.has_verify_email %}
from .errors import Unverified
{%- endif %}
from .forms import (
{%- if cookiecutter.has_change_password %}
    ChangePasswordForm,
{%- endif %}
{%- if cookiecutter.has_forgot_password %}
    ForgotPasswordForm,
{%- endif %}
    FormT,
    LoginForm,
{%- if cookiecutter.has_register %}
    RegisterForm,
{%- endif %}
{%- if cookiecutter.has_reset_password %}
    ResetPasswordForm,
{%- endif %}
{%- if cookiecutter.has_verify_email %}
    VerifyEmailForm,
{%- endif %}
    from_json,
    text,
)
from .guards import current_path{% if cookiecutter.has_change_password %}, unauthorized{% endif %}
from .responses import HTML, JSON, MESSAGES, json_error, negotiate, render_page, service_error, wants_json
from .session import {% if cookiecutter.change_refreshes %}RefreshFailed, {% endif %}log_in, log_out{% if cookiecutter.has_change_password %}, set_new_password{% endif %}
from .state import get_state
from .user import {{ cookiecutter.class_name }}User

logger = logging.getLogger(__name__)

blueprint = Blueprint(config.BLUEPRINT, __name__, template_folder="templates")

View = TypeVar("View", bound=Callable[..., ResponseReturnValue])

#: The methods every route of the blueprint matches at routing. A method the route does not take
#: then reaches the blueprint, whose 405 answers API clients in JSON: a 405 raised by routing
#: would reach only an app-wide error handler, and the extension installs none.
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

#: The methods each of the blueprint's endpoints takes.
_ALLOWED: dict[str, frozenset[str]] = {}

#: Checks the CSRF token of the blueprint's posts, without protecting the whole app (see :func:`check_csrf`).
_csrf = CSRFProtect()

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
TOO_MANY_ATTEMPTS = MESSAGES["too_many_attempts"]
{%- if cookiecutter.email_links %}

#: What a link without its token is told.
INCOMPLETE_LINK = {{ cookiecutter.messages.incomplete_link | py }}

#: The error codes that say the link's token cannot be used: the page offers no form, only a way to a new link.
LINK_ERRORS = frozenset({"invalid_token", "expired_token"})
{%- endif %}
{%- if cookiecutter.has_change_password %}

#: What a password change with a wrong current password is told.
WRONG_CURRENT_PASSWORD = {{ cookiecutter.messages.wrong_current_password | py }}
{%- endif %}


def route(rule: str, methods: list[str]) -> Callable[[View], View]:
    """Add a view to the blueprint that takes ``methods``; the others get the blueprint's 405."""

    def add(view: View) -> View:
        allowed = {*methods, "OPTIONS", *(["HEAD"] if "GET" in methods else [])}
        _ALLOWED[f"{config.BLUEPRINT}.{view.__name__}"] = frozenset(allowed)
        blueprint.add_url_rule(rule, view_func=view, methods=ANY_METHOD)
        return view

    return add


@blueprint.before_request
def check_method() -> ResponseReturnValue | None:
    """Refuse a method the route does not take (405), before anything else; answer ``OPTIONS`` as Flask does."""
    allowed = _ALLOWED.get(request.endpoint or "")
    if allowed is None or (request.method in allowed and request.method != "OPTIONS"):
        return None
    if request.method == "OPTIONS":
        return "", 200, {"Allow": ", ".join(sorted(allowed))}
    raise MethodNotAllowed(valid_methods=sorted(allowed))


@blueprint.before_request
def check_csrf() -> None:
    """Refuse a post to the integration's routes without a valid CSRF token (403).

    Only the integration's routes: protecting the app's own routes is the
    app's choice (its own ``CSRFProtect(app)``, or ``{{ cookiecutter.config_prefix }}_CSRF_APP_WIDE``). A
    request the app's ``CSRFProtect`` has checked already is not checked again.
    """
    if current_app.config.get("WTF_CSRF_ENABLED", True) and not g.get("csrf_valid"):
        _csrf.protect()


@route("/login", ["GET", "POST"])
def login() -> ResponseReturnValue:
    """Sign a user in: the login page, a form post or a JSON post."""
    if request.method == "GET":
        negotiate(HTML)
        return render_page("login.html", form=LoginForm(next=request.args.get("next")))
    answer = negotiate(HTML, JSON)
    form = _posted(LoginForm)
    if not form.validate():
        return _invalid(form, answer, "login.html")
    username, address = text(form.username), request.remote_addr or ""
    throttle = get_state().throttle
    retry_after = throttle.retry_after(username, address)
    if retry_after is not None:
        logger.info("Login refused: too_many_attempts")
        return _throttled(retry_after, form, answer)
    try:
        user = log_in(username, text(form.password))
    except {{ cookiecutter.class_name }}Error as err:
        # The message names the request or field that failed; it never holds a password or a token.
        logger.info("Login refused: %s: %s", err.code, err)
        # Only the service's refusals count: an outage says nothing about who is guessing.
        if isinstance(err, InvalidCredentials | AccountDisabled{% if cookiecutter.has_verify_email %} | Unverified{% endif %}):
            throttle.failed(username, address)
        return _refused(err, form, answer, "login.html")
    throttle.succeeded(username)
    if answer == JSON:
        return {"user": user.to_dict(), "csrf_token": generate_csrf()}
    return redirect(safe_next(form.next.data or request.args.get("next")) or request.script_root + "/", 303)


@route("/logout", ["POST"])
def logout() -> ResponseReturnValue:
    """End the session. POST only, with a CSRF token, so no link or image can sign anyone out."""
    answer = negotiate(HTML, JSON)
    log_out()
    if answer == JSON:
        return "", 204
    return redirect(url_for(".login"), 303)


@route("/me", ["GET"])
def me() -> ResponseReturnValue:
    """The signed-in user as JSON: the canonical attributes and every field of the service's record."""
    negotiate(JSON)
    if not current_user.is_authenticated:
        return json_error("unauthorized", MESSAGES["unauthorized"], 401)
    user: {{ cookiecutter.class_name }}User = current_user
    return user.to_dict()


@route("/csrf", ["GET"])
def csrf() -> ResponseReturnValue:
    """A CSRF token for API clients, and where to send it: the header of JSON posts, the field of forms."""
    negotiate(JSON)
    return {"csrf_token": generate_csrf(), "header": CSRF_HEADER, "field": CSRF_FIELD}
{% if cookiecutter.has_register %}

@route("/register", ["GET", "POST"])
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
            {% for input in cookiecutter.register_inputs %}{{ input.name }}=text(form.{{ input.name }}){% if not loop.last %}, {% endif %}{% endfor %}
        )
    except {{ cookiecutter.class_name }}Error as err:
        logger.info("Registration refused: %s", err.code)
        return _refused(err, form, answer, "register.html")
    if answer == JSON:
        return {"status": "registered"}, 201
    flash({{ cookiecutter.messages.registered | py }}, "success")
    return redirect(url_for(".login"), 303)
{% endif %}
{%- if cookiecutter.has_forgot_password %}

@route("/forgot", ["GET", "POST"])
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
            {% for input in cookiecutter.forgot_inputs %}{{ input.name }}=text(form.{{ input.name }}){% if not loop.last %}, {% endif %}{% endfor %}
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
{%- if cookiecutter.has_reset_password %}

@route("/reset", ["GET", "POST"])
def reset_password() -> ResponseReturnValue:
    """Choose a new password, from the link in the reset message. Signs nobody in."""
    if request.method == "GET":
        negotiate(HTML)
        token = request.args.get(config.RESET_TOKEN_QUERY)
        if not token:
            return _bad_link("invalid_token", INCOMPLETE_LINK, HTML, "reset.html")
        return render_page("reset.html", form=ResetPasswordForm(token=token))
    answer = negotiate(HTML, JSON)
    form = _posted(ResetPasswordForm)
    if not form.token.data:
        return _bad_link("invalid_token", INCOMPLETE_LINK, answer, "reset.html")
    if not form.validate():
        return _invalid(form, answer, "reset.html")
    try:
        get_state().client.reset_password({"token": text(form.token), "password": text(form.password)})
    except {{ cookiecutter.class_name }}Error as err:
        logger.info("Password reset refused: %s", err.code)
        if err.code in LINK_ERRORS:
            return _bad_link(err.code, err.public_message, answer, "reset.html")
        return _refused(err, form, answer, "reset.html")
    if answer == JSON:
        return {"status": "reset"}
    return render_page("reset.html", form=None, done=True)
{% endif %}
{%- if cookiecutter.has_verify_email %}

@route("/verify", ["GET", "POST"])
def verify_email() -> ResponseReturnValue:
    """Verify an email address, from the link in the verification message.

    The link opens a page with one button: mail scanners open the links of
    the messages they check, so only the button's post uses the token.
    """
    if request.method == "GET":
        negotiate(HTML)
        token = request.args.get(config.VERIFY_TOKEN_QUERY)
        if not token:
            return _bad_link("invalid_token", INCOMPLETE_LINK, HTML, "verify.html")
        return render_page("verify.html", form=VerifyEmailForm(token=token))
    answer = negotiate(HTML, JSON)
    form = _posted(VerifyEmailForm)
    if not form.token.data:
        return _bad_link("invalid_token", INCOMPLETE_LINK, answer, "verify.html")
    if not form.validate():
        return _invalid(form, answer, "verify.html")
    try:
        get_state().client.verify_email({"token": text(form.token)})
    except {{ cookiecutter.class_name }}Error as err:
        logger.info("Email verification refused: %s", err.code)
        if err.code in LINK_ERRORS:
            return _bad_link(err.code, err.public_message, answer, "verify.html")
        return _refused(err, form, answer, "verify.html")
    if answer == JSON:
        return {"status": "verified"}
    return render_page("verify.html", form=None, done=True)
{% endif %}
{%- if cookiecutter.has_change_password %}

@route("/password", ["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Change the signed-in user's password. The user stays signed in, in a session with a new id."""
    if request.method == "GET":
        negotiate(HTML)
        return render_page("password.html", form=ChangePasswordForm())
    answer = negotiate(HTML, JSON)
    form = _posted(ChangePasswordForm)
    if not form.validate():
        return _invalid(form, answer, "password.html")
    try:
        set_new_password(text(form.current_password), text(form.new_password))
{%- if cookiecutter.has_refresh %}
    except RefreshFailed:
        log_out()
        return unauthorized()
{%- endif %}
    except InvalidCredentials:
        # Signed in, so the service refused the current password, not the session.
        logger.info("Password change refused: invalid_credentials")
        return _error(answer, "password.html", "invalid_credentials", WRONG_CURRENT_PASSWORD, 400, form=form)
    except {{ cookiecutter.class_name }}Error as err:
        logger.info("Password change refused: %s", err.code)
        return _refused(err, form, answer, "password.html")
    if answer == JSON:
        return {"status": "changed"}
    return render_page("password.html", form=None, done=True)
{% endif %}

@blueprint.errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> ResponseReturnValue:
    """A post without a valid CSRF token: 403, as JSON or as a page that offers the form again.

    The session is usually fine: the form was rendered before it (another tab,
    a sign-in since) or long ago. So the page links back to the form, which
    comes with a fresh token; the sign-out form lives on the app's own pages.
    """
    if wants_json():
        return json_error("csrf_failed", MESSAGES["csrf_failed"], 403)
    again = "/" if request.path == url_for(".logout") else current_path()
    return render_page(
        "error.html", 403, title={{ cookiecutter.messages.csrf_title | py }}, message=MESSAGES["csrf_failed"], again=again, again_label={{ cookiecutter.messages.csrf_retry | py }}
    )


@blueprint.errorhandler(BadRequest)
@blueprint.errorhandler(MethodNotAllowed)
@blueprint.errorhandler(NotAcceptable)
@blueprint.errorhandler(UnsupportedMediaType)
@blueprint.errorhandler(InternalServerError)
def http_error(error: HTTPException) -> ResponseReturnValue:
    """A request a route cannot read or answer (400, 405, 406, 415, 500): a JSON error body for API clients.

    A 500 is an unexpected failure, which Flask has logged; the answer names nothing of it.
    """
    if wants_json():
        code = _HTTP_ERROR_CODES[error.code or 400]
        message = MESSAGES["internal_error" if error.code == 500 else code]
        if error.code == 400 and error.description and error.description != BadRequest.description:
            message = error.description  # the integration's own 400s say what is wrong with the body
        response = json_error(code, message, error.code or 400)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response
    return error.get_response()


@blueprint.errorhandler({{ cookiecutter.class_name }}Error)
def unexpected_service_error(error: {{ cookiecutter.class_name }}Error) -> ResponseReturnValue:
    """A failure of the service that a route did not answer itself."""
    logger.warning("Identity service request failed: %s", error)
    return service_error(error)


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
            raise BadRequest({{ cookiecutter.messages.body_not_json | py }})
        return from_json(form_class, data)
    if request.mimetype in FORM_TYPES:
        form: FormT = form_class()
        return form
    raise UnsupportedMediaType(MESSAGES["unsupported_media_type"])


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
    return _error(answer, page, error.code, error.public_message, error.status, form=form)
{%- if cookiecutter.email_links %}


def _bad_link(code: str, message: str, answer: str, page: str) -> ResponseReturnValue:
    """A link whose token is missing, unknown, used or expired: 400, and a page without the form."""
    return _error(answer, page, code, message, 400, form=None)
{%- endif %}


def _error(answer: str, page: str, code: str, message: str, status: int, *, form: FlaskForm | None) -> ResponseReturnValue:
    """An error as JSON, or as the page again with the message above its form."""
    if answer == JSON:
        return json_error(code, message, status)
    return render_page(page, status, form=form, error=message)
