"""How the integration answers: HTML or JSON as ``Accept`` asks, JSON errors, branded pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from . import defaults
from .conf import get_settings
{%- if cookiecutter.is_oidc and (cookiecutter.oidc.register_url or cookiecutter.oidc.reset_url) %}
from .state import {{ ((["REGISTER_URL"] if cookiecutter.oidc.register_url else []) + (["RESET_URL"] if cookiecutter.oidc.reset_url else []) + ["provider_link"]) | join(", ") }}
{%- endif %}

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
    # a failure of the integration itself, not of the service (whose errors carry their own message)
    "failed": {{ cookiecutter.messages.internal_error | py }},
    "too_many_attempts": {{ cookiecutter.messages.error.too_many_attempts | py }},
}

#: What a JSON body that does not parse to an object is told (code ``invalid_input``).
BODY_NOT_JSON = {{ cookiecutter.messages.body_not_json | py }}

#: The title of the error page (``forbidden.html`` has its own).
ERROR_TITLE = {{ cookiecutter.messages.error_title | py }}

#: The title of the page of a form whose CSRF token failed, and its link to the form again.
CSRF_TITLE = {{ cookiecutter.messages.csrf_title | py }}
CSRF_RETRY = {{ cookiecutter.messages.csrf_retry | py }}
{%- if cookiecutter.email_links %}

#: A link from the service's email without its token (code ``invalid_token``).
INCOMPLETE_LINK = {{ cookiecutter.messages.incomplete_link | py }}
{%- endif %}
{%- if cookiecutter.new_passwords %}

#: A new password typed differently the second time (code ``invalid_input``); the service is not asked.
PASSWORDS_DIFFER = {{ cookiecutter.messages.passwords_differ | py }}
{%- endif %}
{%- if cookiecutter.has_change_password %}

#: The service refused the current password of a password change (code ``invalid_credentials``).
WRONG_CURRENT_PASSWORD = {{ cookiecutter.messages.wrong_current_password | py }}
{%- endif %}


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
    return render_page(request, "error.html", {"status": status, "title": ERROR_TITLE, "message": message}, status=status)


def render_page(request: HttpRequest, name: str, context: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    """Render one of the pages in ``templates/{{ cookiecutter.slug }}/`` with the branding and links they share.

    A project overrides a page the Django way, with a template of the same
    name (``{{ cookiecutter.slug }}/login.html``) in its own templates folder.
    """
    return render(request, f"{defaults.TEMPLATE_FOLDER}/{name}", {**page_context(), **(context or {})}, status=status)


def page_context() -> dict[str, Any]:
    """What every page gets: the layout to extend, {% if not cookiecutter.is_oidc %}the form fields partial, {% endif %}the branding and the links."""
    folder = defaults.TEMPLATE_FOLDER
    return {
        "layout": f"{folder}/base.html",
{%- if not cookiecutter.is_oidc %}
        "form_fields": f"{folder}/_fields.html",
{%- endif %}
        "brand": get_settings().branding,
        "links": links(),
    }


def links() -> dict[str, str]:
    """The integration's pages, for the links between them (those the project's URLconf includes)."""
    out = {}
    for name in ({{ cookiecutter.django_pages | map("py") | join(", ") }}):
        try:
            out[name] = reverse(f"{defaults.URL_NAMESPACE}:{name}")
        except NoReverseMatch:
            continue
{%- if cookiecutter.is_oidc and cookiecutter.oidc.register_url %}
    # The provider's own pages: accounts are created and passwords reset there.
    out["register"] = provider_link(REGISTER_URL)
{%- endif %}
{%- if cookiecutter.is_oidc and cookiecutter.oidc.reset_url %}
    out["forgot"] = provider_link(RESET_URL)
{%- endif %}
    return out
