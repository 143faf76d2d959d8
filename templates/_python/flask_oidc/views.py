"""The blueprint: login (a redirect to {{ cookiecutter.service_name | pydoc }}), its callback, logout, me.

Signing in is OpenID Connect's authorization-code flow with PKCE: ``login``
sends the browser to the provider with a state, a nonce and a code
challenge (Authlib keeps them in the session), the provider sends it back to
``callback`` with a code, and Authlib trades the code for tokens and
validates the ID token. Each route answers browsers with pages and API
clients with JSON, as ``Accept`` asks (see :func:`.responses.negotiate`). The
sign-out post comes as a form with a ``csrf_token`` field, or as JSON with an
``X-CSRFToken`` header; ``GET /csrf`` hands API clients a token.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from flask import Blueprint, current_app, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from joserfc.errors import JoseError
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotAcceptable,
    UnsupportedMediaType,
)

from . import config
from .errors import {{ [cookiecutter.class_name ~ "Error", "ServiceUnavailable"] | sort | join(", ") }}
from .guards import current_path
from .oidc import id_token_claims
from .responses import HTML, JSON, MESSAGES, json_error, negotiate, render_page, service_error, wants_json
from .session import log_in, log_out
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

#: Where API clients send the CSRF token, and where forms carry it.
CSRF_HEADER = "X-CSRFToken"
CSRF_FIELD = "csrf_token"

#: The JSON error codes of HTTP errors that do not come from the provider.
_HTTP_ERROR_CODES = {
    400: "invalid_input",
    405: "method_not_allowed",
    406: "not_acceptable",
    415: "unsupported_media_type",
    500: "failed",
}

#: The session key of the page to land on after the callback (a path on this site).
NEXT_KEY = f"{config.SESSION_KEY}_next"

#: What a sign-in that did not complete is told: a callback without this browser's state, a code the
#: provider refuses (used already, or the PKCE verifier does not match), an ID token that is not valid.
SIGN_IN_FAILED = {{ cookiecutter.messages.error.sign_in_failed | py }}

#: What a user is told when the provider answers the sign-in with ``access_denied``.
ACCESS_DENIED = {{ cookiecutter.messages.error.access_denied | py }}



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


@route("/login", ["GET"])
def login() -> ResponseReturnValue:
    """Send the browser to {{ cookiecutter.service_name | pydoc }}'s sign-in page.

    ``next``, when it is a path on this site, is where the callback lands.
    The redirect carries the state, the nonce and the PKCE code challenge
    (S256) that Authlib keeps in the session for the callback.
    """
    negotiate(HTML)
    session[NEXT_KEY] = safe_next(request.args.get("next"))
    provider = get_state().provider
    try:
        answer: ResponseReturnValue = provider.authorize_redirect(
            url_for(".callback", _external=True), **config.AUTHORIZE_PARAMS
        )
    except (ValueError, KeyError, RuntimeError) as err:
        # The discovery document is not JSON or lacks the authorization endpoint: not what the issuer should
        # name. (Before RequestException: requests' JSONDecodeError is both.)
        raise {{ cookiecutter.class_name }}Error(f"discovery: {type(err).__name__}") from None
    except requests.RequestException as err:
        # The discovery document could not be read: the provider is down.
        raise ServiceUnavailable(f"discovery: {type(err).__name__}") from None
    return answer


@route("/callback", ["GET"])
def callback() -> ResponseReturnValue:
    """Where the provider sends the browser back: trade the code for tokens and start the session.

    Authlib checks the state against this browser's session, sends the code
    with the PKCE verifier, and validates the ID token (signature from the
    provider's keys, issuer, audience, expiry, nonce). Anything that fails
    starts no session; the log names what failed, never a code or a token.
    """
    answer = negotiate(HTML, JSON)
    target = safe_next(session.pop(NEXT_KEY, None))
    provider = get_state().provider
    try:
        token = provider.authorize_access_token(claims_options=id_token_claims(provider), leeway=config.ID_TOKEN_LEEWAY)
        user = log_in(token)
    except OAuthError as err:
        # access_denied from the provider, a state this browser did not start, a code the provider refuses.
        logger.info("Sign-in refused: %s", err.error)
        if err.error == "access_denied":
            return _sign_in_failed(answer, "access_denied", ACCESS_DENIED, target)
        return _sign_in_failed(answer, "sign_in_failed", SIGN_IN_FAILED, target)
    except JoseError as err:
        # The error names the claim that failed (iss, aud, exp, nonce) or the signature, nothing of the token.
        logger.warning("Sign-in refused: the ID token is not valid: %s", type(err).__name__)
        return _sign_in_failed(answer, "sign_in_failed", SIGN_IN_FAILED, target)
    except (ValueError, KeyError) as err:
        # The token endpoint or the JWKS answered something that is not JSON, or the discovery document has no
        # issuer. (Before RequestException: requests' JSONDecodeError is both.)
        logger.warning("Identity provider request failed: %s", type(err).__name__)
        return service_error({{ cookiecutter.class_name }}Error(type(err).__name__))
    except requests.RequestException as err:
        logger.warning("Identity provider request failed: %s", type(err).__name__)
        return service_error(ServiceUnavailable(type(err).__name__))
    except {{ cookiecutter.class_name }}Error as err:
        logger.info("Sign-in refused: %s: %s", err.code, err)
        return service_error(err)
    if answer == JSON:
        return {"user": user.to_dict(), "csrf_token": generate_csrf()}
    return redirect(target or request.script_root + "/", 303)


@route("/logout", ["POST"])
def logout() -> ResponseReturnValue:
    """End the session here, then at {{ cookiecutter.service_name | pydoc }} (RP-initiated logout).

    POST only, with a CSRF token, so no link or image can sign anyone out.
    A browser is sent to the provider's end-session endpoint with the ID
    token as ``id_token_hint``, and comes back to the app's root. For API
    clients the end-session request is made from here, and they get 204. When
    the provider cannot be reached, the session here has ended all the same.
    """
    answer = negotiate(HTML, JSON)
    id_token = log_out()
    home = request.url_root
    if id_token is None:
        # Nobody was signed in here (or the session predates its tokens): no provider session to name.
        return ("", 204) if answer == JSON else redirect(home, 303)
    provider = get_state().provider
    try:
        if answer == JSON:
            # No browser to send: end the provider's session from here, by the ID token it names.
            end_session = provider.create_logout_url(id_token_hint=id_token)
            provider.get(end_session["url"], withhold_token=True, allow_redirects=False)
            return "", 204
        end_session = provider.create_logout_url(post_logout_redirect_uri=home, id_token_hint=id_token)
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as err:
        # Signed out here all the same; the provider's session ends when it does.
        logger.warning("Logout at the provider skipped: %s", type(err).__name__)
        return ("", 204) if answer == JSON else redirect(home, 303)
    return redirect(end_session["url"], 303)


@route("/me", ["GET"])
def me() -> ResponseReturnValue:
    """The signed-in user as JSON: the canonical attributes and every field read from the claims."""
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


@blueprint.errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> ResponseReturnValue:
    """A post without a valid CSRF token: 403, as JSON or as a page that links back."""
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
        response = json_error(code, message, error.code or 400)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response
    return error.get_response()


@blueprint.errorhandler({{ cookiecutter.class_name }}Error)
def unexpected_service_error(error: {{ cookiecutter.class_name }}Error) -> ResponseReturnValue:
    """A failure of the provider that a route did not answer itself."""
    logger.warning("Identity provider request failed: %s", error)
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


def _sign_in_failed(answer: str, code: str, message: str, target: str | None) -> ResponseReturnValue:
    """A callback that starts no session: 400, as JSON or as a page that starts a new sign-in (keeping ``next``)."""
    if answer == JSON:
        return json_error(code, message, 400)
    return render_page("signin.html", 400, error=message, next=target)
