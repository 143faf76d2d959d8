"""The service client, made once per process from the settings."""

from __future__ import annotations

from functools import cache
from typing import Any

from . import defaults
from .client import AcmeClient
from .conf import get_settings


@cache
def get_client() -> AcmeClient:
    """The client of Acme Identity, shared by every request (again after ``override_settings``).

    :raises ImproperlyConfigured: when a setting is missing or invalid.
    """
    settings = get_settings()
    return AcmeClient(
        base_url=settings.base_url,
        api_key=settings.api_key,
        application_id=settings.application_id,
        timeout=settings.timeout,
    )


def reload(*, setting: str, **kwargs: Any) -> None:
    """Forget the client when ``settings.ACME`` changes (the ``setting_changed`` signal)."""
    if setting == defaults.SETTING:
        get_client.cache_clear()
