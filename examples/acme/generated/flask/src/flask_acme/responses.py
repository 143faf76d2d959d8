"""How the integration answers: HTML or JSON as ``Accept`` asks, JSON errors, branded pages."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, make_response, render_template, request, url_for
from werkzeug.exceptions import NotAcceptable

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
    # a failure of the integration itself (code ``failed``), not of the service
    "internal_error": "Something went wrong on our side. Please try again later.",
}


def negotiate(*offers: str) -> str:
    """Pick the type to answer with from ``offers``, the route's preference first.

    ``Accept`` decides. A request without one accepts anything and gets the
    first offer, except that a JSON request gets JSON when the route offers it.

    :raises NotAcceptable: when the client accepts none of ``offers`` (406).
    """
    if request.is_json and JSON in offers:
        offers = (JSON, *(offer for offer in offers if offer != JSON))
    accept = request.accept_mimetypes
    if not accept:
        return offers[0]
    best = accept.best_match(offers)
    if best is None:
        raise NotAcceptable()
    return best


def wants_json() -> bool:
    """Whether to answer JSON rather than HTML, for answers that must not fail with a 406."""
    try:
        return negotiate(HTML, JSON) == JSON
    except NotAcceptable:
        return False


def json_error(code: str, message: str, status: int) -> Response:
    """The error body of every JSON answer: ``{"error": {"code": ..., "message": ...}}``."""
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


def service_error(error: AcmeError) -> Response:
    """The answer to a request the service failed: the error's status (503 when it is down), as JSON or a page."""
    if wants_json():
        return json_error(error.code, error.public_message, error.status)
    return make_response(
        render_page("error.html", error.status, title="Something went wrong", message=error.public_message)
    )


def render_page(name: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """Render one of the pages in ``templates/acme/`` with the branding and links they share.

    An app overrides a page the Flask way, with a template of the same name
    (``acme/login.html``) in its own ``templates`` folder.
    """
    folder = config.TEMPLATE_FOLDER
    page = render_template(
        f"{folder}/{name}",
        layout=f"{folder}/base.html",
        form_fields=f"{folder}/_fields.html",
        brand=get_state().settings.branding,
        links=_links(),
        **context,
    )
    return page, status


def _links() -> dict[str, str]:
    """The integration's pages, for the links between them."""
    return {
        "login": url_for("acme.login"),
        "register": url_for("acme.register"),
        "forgot": url_for("acme.forgot_password"),
    }
