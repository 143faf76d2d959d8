"""How the integration answers: HTML or JSON as ``Accept`` asks, JSON errors, branded pages."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, make_response, render_template, request, url_for
from werkzeug.exceptions import NotAcceptable

from . import config
from .errors import {{ cookiecutter.class_name }}Error
{%- if cookiecutter.is_oidc and (cookiecutter.oidc.register_url or cookiecutter.oidc.reset_url) %}
from .settings import provider_link
{%- endif %}
from .state import get_state

HTML = "text/html"
JSON = "application/json"

#: The message of each error the integration itself answers, by code.
MESSAGES = {
    "unauthorized": {{ cookiecutter.messages.error.unauthorized | py }},
    "forbidden": {{ cookiecutter.messages.error.forbidden | py }},
    "csrf_failed": {{ cookiecutter.messages.error.csrf_failed | py }},
    "not_acceptable": {{ cookiecutter.messages.error.not_acceptable | py }},
    "method_not_allowed": {{ cookiecutter.messages.error.method_not_allowed | py }},
    "unsupported_media_type": {{ cookiecutter.messages.error.unsupported_media_type | py }},
    "invalid_input": {{ cookiecutter.messages.error.invalid_input | py }},
    "too_many_attempts": {{ cookiecutter.messages.error.too_many_attempts | py }},
    # a failure of the integration itself (code ``failed``), not of the service
    "internal_error": {{ cookiecutter.messages.internal_error | py }},
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


def service_error(error: {{ cookiecutter.class_name }}Error) -> Response:
    """The answer to a request the service failed: the error's status (503 when it is down), as JSON or a page."""
    if wants_json():
        return json_error(error.code, error.public_message, error.status)
    return make_response(
        render_page("error.html", error.status, title={{ cookiecutter.messages.error_title | py }}, message=error.public_message)
    )


def render_page(name: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """Render one of the pages in ``templates/{{ cookiecutter.slug }}/`` with the branding and links they share.

    An app overrides a page the Flask way, with a template of the same name
    (``{{ cookiecutter.slug }}/login.html``) in its own ``templates`` folder.
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
        "login": url_for("{{ cookiecutter.slug }}.login"),
{%- if cookiecutter.has_register %}
        "register": url_for("{{ cookiecutter.slug }}.register"),
{%- endif %}
{%- if cookiecutter.has_forgot_password %}
        "forgot": url_for("{{ cookiecutter.slug }}.forgot_password"),
{%- endif %}
{%- if cookiecutter.is_oidc and cookiecutter.oidc.register_url %}
        # The provider's own pages: accounts are created and passwords reset there.
        "register": provider_link(config.REGISTER_URL, get_state().settings),
{%- endif %}
{%- if cookiecutter.is_oidc and cookiecutter.oidc.reset_url %}
        "forgot": provider_link(config.RESET_URL, get_state().settings),
{%- endif %}
    }
