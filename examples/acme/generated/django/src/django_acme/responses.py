"""How the integration answers: HTML or JSON as ``Accept`` asks, JSON errors, branded pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from . import defaults
from .conf import get_settings

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
    # a failure of the integration itself, not of the service (whose errors carry their own message)
    "failed": "Something went wrong on our side. Please try again later.",
    "too_many_attempts": "Too many failed sign-in attempts. Try again later.",
}

#: What a JSON body that does not parse to an object is told (code ``invalid_input``).
BODY_NOT_JSON = "The body is not a valid JSON object."

#: The title of the error page (``forbidden.html`` has its own).
ERROR_TITLE = "Something went wrong"

#: The title of the page of a form whose CSRF token failed, and its link to the form again.
CSRF_TITLE = "Form expired"
CSRF_RETRY = "Open the form again"

#: A link from the service's email without its token (code ``invalid_token``).
INCOMPLETE_LINK = "This link is incomplete. Use the link in the email, or ask for a new one."

#: A new password typed differently the second time (code ``invalid_input``); the service is not asked.
PASSWORDS_DIFFER = "The two passwords do not match."

#: The service refused the current password of a password change (code ``invalid_credentials``).
WRONG_CURRENT_PASSWORD = "Your current password is not correct."


class NotAcceptable(Exception):
    """The client accepts none of the types a route can answer with (406)."""


def negotiate(request: HttpRequest, *offers: str) -> str:
    """Pick the type to answer with from ``offers``, the route's preference first.

    ``Accept`` decides. A request without one accepts anything and gets the
    first offer, except that a JSON request gets JSON when the route offers it.

    :raises NotAcceptable: when the client accepts none of ``offers`` (406).
    """
    if request.content_type == JSON and JSON in offers:
        offers = (JSON, *(offer for offer in offers if offer != JSON))
    if not request.headers.get("Accept", "").strip():
        return offers[0]
    best = request.get_preferred_type(offers)
    if best is None:
        raise NotAcceptable()
    return best


def wants_json(request: HttpRequest) -> bool:
    """Whether the client is an API client: it prefers JSON to HTML."""
    try:
        return negotiate(request, HTML, JSON) == JSON
    except NotAcceptable:
        return False


def json_error(code: str, message: str, status: int) -> JsonResponse:
    """The error body of every JSON answer: ``{"error": {"code": ..., "message": ...}}``."""
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def error_response(request: HttpRequest, code: str, status: int, message: str | None = None) -> HttpResponse:
    """An error as the client wants it: the JSON error body, or a page (``forbidden.html`` for a 403)."""
    message = message or MESSAGES[code]
    if wants_json(request):
        return json_error(code, message, status)
    if status == 403:
        return render_page(request, "forbidden.html", {"status": status, "message": message}, status=status)
    return render_page(
        request, "error.html", {"status": status, "title": ERROR_TITLE, "message": message}, status=status
    )


def render_page(
    request: HttpRequest, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render one of the pages in ``templates/acme/`` with the branding and links they share.

    A project overrides a page the Django way, with a template of the same
    name (``acme/login.html``) in its own templates folder.
    """
    return render(request, f"{defaults.TEMPLATE_FOLDER}/{name}", {**page_context(), **(context or {})}, status=status)


def page_context() -> dict[str, Any]:
    """What every page gets: the layout to extend, the form fields partial, the branding and the links."""
    folder = defaults.TEMPLATE_FOLDER
    return {
        "layout": f"{folder}/base.html",
        "form_fields": f"{folder}/_fields.html",
        "brand": get_settings().branding,
        "links": links(),
    }


def links() -> dict[str, str]:
    """The integration's pages, for the links between them (those the project's URLconf includes)."""
    out = {}
    for name in ("login", "logout", "register", "forgot", "reset", "verify", "password"):
        try:
            out[name] = reverse(f"{defaults.URL_NAMESPACE}:{name}")
        except NoReverseMatch:
            continue
    return out
