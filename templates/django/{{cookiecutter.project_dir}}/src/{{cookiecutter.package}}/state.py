{% if cookiecutter.is_oidc %}{% include "django_oidc/state.py" %}{% else %}"""The service client{% if cookiecutter.has_refresh %} and the refreshes in flight{% endif %}, made once per process from the settings."""

from __future__ import annotations

from functools import cache
from typing import Any

{% if cookiecutter.has_refresh %}
from django.core.cache import cache as default_cache
{% endif %}
from . import defaults
from .client import {{ cookiecutter.class_name }}Client
from .conf import get_settings
{%- if cookiecutter.has_refresh %}
from .single_flight import SingleFlight

#: Seconds the new tokens of a refresh are handed to requests that still carry the old ones
#: (a page and its API calls, sent before the first answer came back).
REFRESH_KEPT = 30.0
{%- endif %}


@cache
def get_client() -> {{ cookiecutter.class_name }}Client:
    """The client of {{ cookiecutter.service_name | pydoc }}, shared by every request (again after ``override_settings``).

    :raises ImproperlyConfigured: when a setting is missing or invalid.
    """
    settings = get_settings()
    return {{ cookiecutter.class_name }}Client(
{%- for s in cookiecutter.settings %}
        {{ s.attr }}=settings.{{ s.attr }},
{%- endfor %}
        timeout=settings.timeout,
    )


{%- if cookiecutter.has_refresh %}


@cache
def get_refreshes() -> SingleFlight:
    """The refreshes of service sessions in flight: one per session at a time, the others wait for its tokens.

    Processes that share Django's ``default`` cache (Redis, Memcached, the
    database) share the refreshes too: a refresh takes a short lock there
    (``cache.add()``, Redis' ``SET NX``) and leaves its result for
    :data:`REFRESH_KEPT` seconds, so a request on another instance waits for
    it and takes the same tokens. The cache is on the server, as the session is.
    """
    # A request waits for the refresh in flight as long as the refresh may take: the service's timeout, twice, and a second.
    wait = 2 * get_settings().timeout + 1
    return SingleFlight(shared=default_cache, prefix=f"{defaults.URL_NAMESPACE}:refresh:", keep=REFRESH_KEPT, wait=wait)
{%- endif %}


def reload(*, setting: str, **kwargs: Any) -> None:
    """Forget the client{% if cookiecutter.has_refresh %} and the refreshes{% endif %} when ``settings.{{ cookiecutter.config_prefix }}`` changes (the ``setting_changed`` signal)."""
    if setting == defaults.SETTING:
        get_client.cache_clear()
{%- if cookiecutter.has_refresh %}
        get_refreshes.cache_clear()
{%- endif %}
{% endif %}