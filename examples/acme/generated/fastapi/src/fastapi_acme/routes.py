"""The routes (:func:`make_router`): login, logout, me, csrf, register, forgot password, reset password, verify email, change password.

Each route answers browsers with pages and API clients with JSON, as
``Accept`` asks (see :func:`.responses.negotiate`). Posts come as forms with
a ``csrf_token`` field, or as JSON with ``Content-Type: application/json``
and an ``X-CSRFToken`` header; ``GET /csrf`` hands API clients a token.

The routes answer their own errors (:class:`IntegrationRoute`): a wrong
method, a type the client does not accept, a post without its token, and a
failure of the route itself all get the contract's JSON error body without an
exception handler on the whole app, whose own error pages stay as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match
from starlette.types import Scope

from . import config
from .errors import AccountDisabled, AcmeError, InvalidCredentials, Unverified, UserNotFound
from .forms import (
    CHANGE_PASSWORD,
    FORGOT_PASSWORD,
    LOGIN,
    REGISTER,
    RESET_PASSWORD,
    VERIFY_EMAIL,
    BadPost,
    Form,
    csrf_token,
    filled,
    openapi,
    read_post,
)
from .guards import current_path, optional_user, unauthorized
from .responses import (
    CSRF_RETRY,
    CSRF_TITLE,
    ERROR_TITLE,
    HTML,
    JSON,
    MESSAGES,
    NotAcceptable,
    Refused,
    json_error,
    links,
    negotiate,
    not_acceptable,
    render_page,
    service_error,
    wants_json,
)
from .session import SessionEnded, log_in, log_out, set_new_password
from .state import get_state

logger = logging.getLogger(__name__)

#: A route's function: it takes the request and gives the answer.
Endpoint = Callable[[Request], Awaitable[Response]]

#: Every method a route may be asked for: the ones it does not take get a 405 with the contract's body.
ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

#: What a throttled sign-in is told, whether or not the account exists.
TOO_MANY_ATTEMPTS = MESSAGES["too_many_attempts"]

#: What a link without its token is told.
INCOMPLETE_LINK = "This link is incomplete. Use the link in the email, or ask for a new one."

#: The error codes that say the link's token cannot be used: the page offers no form, only a way to a new link.
LINK_ERRORS = frozenset({"invalid_token", "expired_token"})

#: What a password change with a wrong current password is told.
WRONG_CURRENT_PASSWORD = "Your current password is not correct."

#: What the login page says after a registration.
REGISTERED = "Your account is ready. Sign in to continue."


class IntegrationRoute(APIRoute):
    """A route of the integration, which answers its own errors in the contract's shape.

    FastAPI's way for a router's routes to handle their errors without an
    exception handler on the app: the app's own handlers and error pages stay
    as they are.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handle(request)
            except Refused as refusal:
                return refusal.response
            except NotAcceptable:
                return not_acceptable()
            except BadPost as error:
                return bad_post(request, error)
            except AcmeError as error:
                # The service, or the session store, failed where the route does not answer it itself: 503 or 502.
                logger.warning("%s %s failed: %s", request.method, request.url.path, error)
                return service_error(request, error)
            except Exception:
                # Logged with its traceback for the app's operators; the answer names nothing of it.
                logger.exception("%s %s failed", request.method, request.url.path)
                if wants_json(request):
                    return json_error("failed", MESSAGES["internal_error"], 500)
                return render_page(request, "error.html", 500, title=ERROR_TITLE, message=MESSAGES["internal_error"])

        return answer


class IntegrationRouter(APIRouter):
    """The integration's routes, all under one prefix.

    A request outside the prefix is none of them: the router says so at once rather
    than trying each route, so the app's own routes cost no more for the integration's.
    (FastAPI keeps an included router as one entry of the app's routes and asks it
    here; versions that copy the routes into the app's never call this: it is only quicker.)
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = scope.get("path", "")
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        if not path.startswith(self.prefix + "/"):
            return Match.NONE, {}
        return super().matches(scope)


def make_router(prefix: str) -> APIRouter:
    """The integration's routes under ``prefix``: each path with the methods it takes, and a 405 for the others."""
    router = IntegrationRouter(prefix=prefix, route_class=IntegrationRoute, tags=["Acme Identity"])

    def page(path: str, endpoint: Endpoint) -> None:
        router.add_api_route(path, endpoint, methods=["GET", "HEAD"], include_in_schema=False)

    def api(path: str, endpoint: Endpoint, **documented: Any) -> None:
        # HEAD apart, outside the API docs: one operation per route and method there.
        router.add_api_route(path, endpoint, methods=["GET"], **documented)
        router.add_api_route(path, endpoint, methods=["HEAD"], include_in_schema=False)

    def post(path: str, endpoint: Endpoint, **documented: Any) -> None:
        router.add_api_route(path, endpoint, methods=["POST"], **documented)

    def others(path: str, *allowed: str) -> None:
        taken = {*allowed, *(["HEAD"] if "GET" in allowed else [])}
        router.add_api_route(
            path,
            method_not_allowed(", ".join(sorted({*taken, "OPTIONS"}))),
            methods=[method for method in ALL_METHODS if method not in taken],
            include_in_schema=False,
        )

    page("/login", login_page)
    post("/login", login, openapi_extra=openapi(LOGIN, "next"))
    others("/login", "GET", "POST")
    post("/logout", logout, openapi_extra=openapi(()))
    others("/logout", "POST")
    api("/me", me)
    others("/me", "GET")
    api("/csrf", csrf)
    others("/csrf", "GET")
    page("/register", register_page)
    post("/register", register, status_code=201, openapi_extra=openapi(REGISTER))
    others("/register", "GET", "POST")
    page("/forgot", forgot_password_page)
    post("/forgot", forgot_password, status_code=202, openapi_extra=openapi(FORGOT_PASSWORD))
    others("/forgot", "GET", "POST")
    page("/reset", reset_password_page)
    post("/reset", reset_password, openapi_extra=openapi(RESET_PASSWORD, "token"))
    others("/reset", "GET", "POST")
    page("/verify", verify_email_page)
    post("/verify", verify_email, openapi_extra=openapi(VERIFY_EMAIL, "token"))
    others("/verify", "GET", "POST")
    page("/password", change_password_page)
    post("/password", change_password, openapi_extra=openapi(CHANGE_PASSWORD))
    others("/password", "GET", "POST")
    return router


def method_not_allowed(allow: str) -> Endpoint:
    """The answer to a method a path does not take: 405 with the methods it takes in ``Allow``; ``OPTIONS`` lists them."""

    async def answer(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=200, headers={"Allow": allow})
        if wants_json(request):
            return json_error("method_not_allowed", MESSAGES["method_not_allowed"], 405, {"Allow": allow})
        return render_page(
            request,
            "error.html",
            405,
            title=ERROR_TITLE,
            message=MESSAGES["method_not_allowed"],
            headers={"Allow": allow},
        )

    return answer


async def login_page(request: Request) -> Response:
    """The login page."""
    negotiate(request, HTML)
    form = filled(LOGIN, {}, next=request.query_params.get("next", ""))
    return form_page(request, "login.html", form, notice=_notice(request))


async def login(request: Request) -> Response:
    """Sign a user in: a form post (303 to ``next``) or a JSON post (the user and a new CSRF token)."""
    answer = negotiate(request, HTML, JSON)
    values = await read_post(request)
    form = filled(LOGIN, values, next=values.get("next") or request.query_params.get("next", ""))
    if not form.validate():
        return invalid(request, form, answer, "login.html")
    username, address = form.text("username"), request.client.host if request.client else ""
    throttle = get_state(request).throttle
    try:
        # Counts that cannot be read (their Redis is down) fail the sign-in closed, like the service.
        retry_after = await throttle.retry_after(username, address)
        if retry_after is not None:
            logger.info("Login refused: too_many_attempts")
            return throttled(request, retry_after, form, answer)
        try:
            user = await log_in(request, username, form.text("password"))
        except (InvalidCredentials, AccountDisabled, Unverified):
            # Only the service's refusals count: an outage says nothing about who is guessing.
            await throttle.failed(username, address)
            raise
    except AcmeError as err:
        # The message names the request or field that failed; it never holds a password or a token.
        logger.info("Login refused: %s: %s", err.code, err)
        return refused(request, err, form, answer, "login.html")
    await throttle.succeeded(username)
    if answer == JSON:
        return JSONResponse({"user": user.to_dict(), "csrf_token": csrf_token(request)})
    home = request.scope.get("root_path", "") + "/"
    return RedirectResponse(safe_next(form.hidden["next"]) or home, 303)


async def logout(request: Request) -> Response:
    """End the session. POST only, with a CSRF token, so no link or image can sign anyone out."""
    answer = negotiate(request, HTML, JSON)
    await read_post(request, body=False)
    await log_out(request)
    if answer == JSON:
        return Response(status_code=204)
    return RedirectResponse(links(request)["login"], 303)


async def me(request: Request) -> Response:
    """The signed-in user as JSON: the canonical attributes and every field of the service's record."""
    negotiate(request, JSON)
    user = await optional_user(request)
    if user is None:
        return json_error("unauthorized", MESSAGES["unauthorized"], 401)
    return JSONResponse(user.to_dict())


async def csrf(request: Request) -> Response:
    """A CSRF token for API clients, and where to send it: the header of JSON posts, the field of forms."""
    negotiate(request, JSON)
    return JSONResponse({"csrf_token": csrf_token(request), "header": config.CSRF_HEADER, "field": config.CSRF_FIELD})


async def register_page(request: Request) -> Response:
    """The page that creates an account."""
    negotiate(request, HTML)
    return form_page(request, "register.html", filled(REGISTER, {}))


async def register(request: Request) -> Response:
    """Create an account at the service; the user signs in afterwards."""
    answer = negotiate(request, HTML, JSON)
    form = filled(REGISTER, await read_post(request))
    if not form.validate():
        return invalid(request, form, answer, "register.html")
    try:
        await get_state(request).client.register(
            email=form.text("email"),
            password=form.text("password"),
            first_name=form.text("first_name"),
            last_name=form.text("last_name"),
        )
    except AcmeError as err:
        logger.info("Registration refused: %s", err.code)
        return refused(request, err, form, answer, "register.html")
    if answer == JSON:
        return JSONResponse({"status": "registered"}, 201)
    _set_notice(request, REGISTERED)
    return RedirectResponse(links(request)["login"], 303)


async def forgot_password_page(request: Request) -> Response:
    """The page that asks for a password reset message."""
    negotiate(request, HTML)
    return form_page(request, "forgot.html", filled(FORGOT_PASSWORD, {}))


async def forgot_password(request: Request) -> Response:
    """Start a password reset. The answer is the same whether or not the account exists."""
    answer = negotiate(request, HTML, JSON)
    form = filled(FORGOT_PASSWORD, await read_post(request))
    if not form.validate():
        return invalid(request, form, answer, "forgot.html")
    try:
        await get_state(request).client.forgot_password(email=form.text("email"))
    except UserNotFound:
        pass  # answered like a known account, so the page does not tell who has one
    except AcmeError as err:
        logger.info("Password reset refused: %s", err.code)
        return refused(request, err, form, answer, "forgot.html")
    if answer == JSON:
        return JSONResponse({"status": "sent"}, 202)
    return render_page(request, "forgot.html", form=None, sent=True)


async def reset_password_page(request: Request) -> Response:
    """The page of the link in the reset message: the new password, twice."""
    negotiate(request, HTML)
    token = request.query_params.get(config.RESET_TOKEN_QUERY)
    if not token:
        return bad_link(request, "invalid_token", INCOMPLETE_LINK, HTML, "reset.html")
    return form_page(request, "reset.html", filled(RESET_PASSWORD, {}, token=token))


async def reset_password(request: Request) -> Response:
    """Choose a new password, from the link in the reset message. Signs nobody in."""
    answer = negotiate(request, HTML, JSON)
    values = await read_post(request)
    token = values.get("token", "")
    if not token:
        return bad_link(request, "invalid_token", INCOMPLETE_LINK, answer, "reset.html")
    form = filled(RESET_PASSWORD, values, token=token)
    if not form.validate():
        return invalid(request, form, answer, "reset.html")
    try:
        await get_state(request).client.reset_password({"token": token, "password": form.text("password")})
    except AcmeError as err:
        logger.info("Password reset refused: %s", err.code)
        if err.code in LINK_ERRORS:
            return bad_link(request, err.code, err.public_message, answer, "reset.html")
        return refused(request, err, form, answer, "reset.html")
    if answer == JSON:
        return JSONResponse({"status": "reset"})
    return render_page(request, "reset.html", form=None, done=True)


async def verify_email_page(request: Request) -> Response:
    """The page of the link in the verification message: one button that posts the token.

    Mail scanners open the links of the messages they check, so only the
    button's post uses the token.
    """
    negotiate(request, HTML)
    token = request.query_params.get(config.VERIFY_TOKEN_QUERY)
    if not token:
        return bad_link(request, "invalid_token", INCOMPLETE_LINK, HTML, "verify.html")
    return form_page(request, "verify.html", filled(VERIFY_EMAIL, {}, token=token))


async def verify_email(request: Request) -> Response:
    """Verify an email address, from the link in the verification message."""
    answer = negotiate(request, HTML, JSON)
    values = await read_post(request)
    token = values.get("token", "")
    if not token:
        return bad_link(request, "invalid_token", INCOMPLETE_LINK, answer, "verify.html")
    try:
        await get_state(request).client.verify_email({"token": token})
    except AcmeError as err:
        logger.info("Email verification refused: %s", err.code)
        if err.code in LINK_ERRORS:
            return bad_link(request, err.code, err.public_message, answer, "verify.html")
        return refused(request, err, filled(VERIFY_EMAIL, {}, token=token), answer, "verify.html")
    if answer == JSON:
        return JSONResponse({"status": "verified"})
    return render_page(request, "verify.html", form=None, done=True)


async def change_password_page(request: Request) -> Response:
    """The page where a signed-in user changes their password."""
    if await optional_user(request) is None:
        return unauthorized(request)
    negotiate(request, HTML)
    return form_page(request, "password.html", filled(CHANGE_PASSWORD, {}))


async def change_password(request: Request) -> Response:
    """Change the signed-in user's password. The user stays signed in, in a session with a new id."""
    if await optional_user(request) is None:
        return unauthorized(request)
    answer = negotiate(request, HTML, JSON)
    form = filled(CHANGE_PASSWORD, await read_post(request))
    if not form.validate():
        return invalid(request, form, answer, "password.html")
    try:
        await set_new_password(request, form.text("current_password"), form.text("new_password"))
    except SessionEnded:
        await log_out(request)
        return unauthorized(request)
    except InvalidCredentials:
        # Signed in, so the service refused the current password, not the session.
        logger.info("Password change refused: invalid_credentials")
        return error(request, answer, "password.html", "invalid_credentials", WRONG_CURRENT_PASSWORD, 400, form=form)
    except AcmeError as err:
        logger.info("Password change refused: %s", err.code)
        return refused(request, err, form, answer, "password.html")
    if answer == JSON:
        return JSONResponse({"status": "changed"})
    return render_page(request, "password.html", form=None, done=True)


def bad_post(request: Request, error: BadPost) -> Response:
    """A post the route cannot read: 403 without its CSRF token, 415 or 400 for its body.

    Browsers whose form expired get a page that links back to the form, which
    comes with a fresh token (the sign-out form lives on the app's own pages:
    its link goes home). The session is left alone.
    """
    if wants_json(request):
        return json_error(error.code, error.message, error.status)
    if error.code != "csrf_failed":
        return render_page(request, "error.html", error.status, title=ERROR_TITLE, message=error.message)
    again = (
        request.scope.get("root_path", "") + "/"
        if request.url.path == links(request)["logout"]
        else current_path(request)
    )
    return render_page(
        request, "error.html", 403, title=CSRF_TITLE, message=error.message, again=again, again_label=CSRF_RETRY
    )


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


def form_page(request: Request, page: str, form: Form, status: int = 200, **context: Any) -> Response:
    """A page with ``form``, which carries the session's CSRF token."""
    form.hidden[config.CSRF_FIELD] = csrf_token(request)
    return render_page(request, page, status, form=form, **context)


def invalid(request: Request, form: Form, answer: str, page: str) -> Response:
    """A form that did not validate: 400 with the field errors."""
    if answer == JSON:
        return json_error("invalid_input", form.problems(), 400)
    return form_page(request, page, form, 400)


def throttled(request: Request, retry_after: int, form: Form, answer: str) -> Response:
    """A sign-in refused without asking the service: 429, with the seconds to wait in ``Retry-After``."""
    headers = {"Retry-After": str(retry_after)}
    if answer == JSON:
        return json_error("too_many_attempts", TOO_MANY_ATTEMPTS, 429, headers)
    response = form_page(request, "login.html", form, 429, error=TOO_MANY_ATTEMPTS)
    response.headers.update(headers)
    return response


def refused(request: Request, err: AcmeError, form: Form, answer: str, page: str) -> Response:
    """The service refused a post: the error's status, with a message that gives nothing away."""
    return error(request, answer, page, err.code, err.public_message, err.status, form=form)


def bad_link(request: Request, code: str, message: str, answer: str, page: str) -> Response:
    """A link whose token is missing, unknown, used or expired: 400, and a page without the form."""
    return error(request, answer, page, code, message, 400, form=None)


def error(
    request: Request, answer: str, page: str, code: str, message: str, status: int, *, form: Form | None
) -> Response:
    """An error as JSON, or as the page again with the message above its form."""
    if answer == JSON:
        return json_error(code, message, status)
    if form is None:
        return render_page(request, page, status, form=None, error=message)
    return form_page(request, page, form, status, error=message)


def _set_notice(request: Request, message: str) -> None:
    """Keep ``message`` in the session for the next page (the login page after a registration)."""
    values = request.session.get(config.SESSION_KEY)
    request.session[config.SESSION_KEY] = {**(values if isinstance(values, dict) else {}), "notice": message}


def _notice(request: Request) -> str | None:
    """The message kept for this page, once: it is gone from the session afterwards."""
    values = request.session.get(config.SESSION_KEY)
    if not isinstance(values, dict) or "notice" not in values:
        return None
    notice = values.pop("notice")
    request.session[config.SESSION_KEY] = values
    return str(notice)
