"""The service client, made once per process from the settings."""

from __future__ import annotations

from functools import cache
from typing import Any

from . import defaults
from .client import {{ cookiecutter.class_name }}Client
from .conf import get_settings


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


def reload(*, setting: str, **kwargs: Any) -> None:
    """Forget the client when ``settings.{{ cookiecutter.config_prefix }}`` changes (the ``setting_changed`` signal)."""
    if setting == defaults.SETTING:
        get_client.cache_clear()
