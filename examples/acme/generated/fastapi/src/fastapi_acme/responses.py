"""How the integration answers: HTML or JSON as ``Accept`` asks, JSON errors, branded pages."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import config
from .errors import AcmeError
from .state import get_state

HTML = "text/html"
JSON = "application/json"

#: The message of each error the integration itself answers, by code.
MESSAGES = {
    "unauthorized": "Sign in to continue.",
    "forbidden": "You do not have access to this page.",
    "csrf_failed": "This form has expired. Open it again and resend it.",
    "not_acceptable": "This route cannot answer in a format the client accepts.",
    "method_not_allowed": "This route does not answer this HTTP method.",
    "unsupported_media_type": "Send application/json or an HTML form (application/x-www-form-urlencoded).",
    "invalid_input": "Some of the details are missing or not valid.",
    "too_many_attempts": "Too many failed sign-in attempts. Try again later.",
    "body_not_json": "The body is not a valid JSON object.",
    "body_too_large": "The body is too large.",
    "body_not_utf8": "Send the body in UTF-8.",
    # a failure of the integration itself (code ``failed``), not of the service
    "internal_error": "Something went wrong on our side. Please try again later.",
}

#: Page titles and link labels.
ERROR_TITLE = "Something went wrong"
FORBIDDEN_TITLE = "Access denied"
CSRF_TITLE = "Form expired"
CSRF_RETRY = "Open the form again"


class Refused(Exception):
    """Stops a request with a ready answer: the guards' 401, 403 and redirects, the routes' 4xx.

    :class:`~.extension.Acme` installs the handler that sends it
    (:func:`refused`); it handles this class only, so the app's own error handlers stay as they are.
    """

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class NotAcceptable(Exception):
    """The client accepts none of the types the route can answer with (406)."""


async def refused(request: Request, error: Exception) -> Response:
    """The exception handler of :class:`Refused`: its answer."""
    assert isinstance(error, Refused)
    return error.response


def negotiate(request: Request, *offers: str) -> str:
    """Pick the type to answer with from ``offers``, the route's preference first.

    ``Accept`` decides: the highest quality wins, and between equal qualities a
    type the header names beats one it reaches only through a wildcard (RFC 9110).
    A request without one accepts anything and gets the first offer, except that
    a JSON request gets JSON when the route offers it.

    :raises NotAcceptable: when the client accepts none of ``offers`` (406).
    """
    if _media_type(request.headers.get("content-type", "")) == JSON and JSON in offers:
        offers = (JSON, *(offer for offer in offers if offer != JSON))
    ranges = _accepted(request.headers.get("accept", ""))
    if not ranges:
        return offers[0]
    best: tuple[float, int, int] | None = None
    choice = None
    for index, offer in enumerate(offers):
        quality, specificity = _quality(offer, ranges)
        rank = (quality, specificity, -index)
        if quality > 0 and (best is None or rank > best):
            best, choice = rank, offer
    if choice is None:
        raise NotAcceptable(request.headers.get("accept", ""))
    return choice


def wants_json(request: Request) -> bool:
    """Whether to answer JSON rather than HTML, for answers that must not fail with a 406."""
    try:
        return negotiate(request, HTML, JSON) == JSON
    except NotAcceptable:
        return False


def json_error(code: str, message: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    """The error body of every JSON answer: ``{"error": {"code": ..., "message": ...}}``."""
    return JSONResponse({"error": {"code": code, "message": message}}, status, headers)


def not_acceptable() -> JSONResponse:
    """406: the route cannot answer in any type the client accepts."""
    return json_error("not_acceptable", MESSAGES["not_acceptable"], 406)


def service_error(request: Request, error: AcmeError) -> Response:
    """The answer to a request the service failed: the error's status (503 when it is down), as JSON or a page."""
    if wants_json(request):
        return json_error(error.code, error.public_message, error.status)
    return render_page(request, "error.html", error.status, title=ERROR_TITLE, message=error.public_message)


def render_page(
    request: Request, name: str, status: int = 200, *, headers: dict[str, str] | None = None, **context: Any
) -> Response:
    """Render one of the pages in ``templates/acme/`` with the branding and links they share.

    An app overrides a page with a template of the same name (``acme/login.html``) in
    the folder it passes as ``templates_dir``.
    """
    state = get_state(request)
    folder = config.TEMPLATE_FOLDER
    return state.templates.TemplateResponse(
        request,
        f"{folder}/{name}",
        {
            "layout": f"{folder}/base.html",
            "form_fields": f"{folder}/_fields.html",
            "brand": state.settings.branding,
            "links": links(request),
            "home": request.scope.get("root_path", "") + "/",
            **context,
        },
        status_code=status,
        headers=headers,
    )


def links(request: Request) -> dict[str, str]:
    """The integration's pages, for the links between them and to them."""
    base = request.scope.get("root_path", "") + get_state(request).settings.route_prefix
    return {
        "login": f"{base}/login",
        "logout": f"{base}/logout",
        "register": f"{base}/register",
        "forgot": f"{base}/forgot",
        "password": f"{base}/password",
    }


def _media_type(header: str) -> str:
    """The media type of a ``Content-Type`` header, without its parameters, in lower case."""
    return header.split(";", 1)[0].strip().lower()


def _accepted(header: str) -> list[tuple[str, str, float]]:
    """The media ranges of an ``Accept`` header: ``(type, subtype, quality)``; unreadable ones are skipped."""
    ranges = []
    for part in header.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        kind, _, subtype = media.lower().partition("/")
        if not kind or not subtype:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((kind, subtype, quality))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, str, float]]) -> tuple[float, int]:
    """The quality the client gives ``offer``, from the most specific range that matches it, and that specificity.

    Specificity: 2 for the type itself, 1 for ``type/*``, 0 for ``*/*``; -1 when no range matches.
    """
    kind, _, subtype = offer.partition("/")
    found: tuple[float, int] = (0.0, -1)
    for range_kind, range_subtype, quality in ranges:
        if (range_kind, range_subtype) == (kind, subtype):
            specificity = 2
        elif range_kind == kind and range_subtype == "*":
            specificity = 1
        elif (range_kind, range_subtype) == ("*", "*"):
            specificity = 0
        else:
            continue
        if specificity > found[1]:
            found = (quality, specificity)
    return found
