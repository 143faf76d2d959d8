"""The service client and the refreshes in flight, made once per process from the settings."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.cache import cache as default_cache

from . import defaults
from .client import AcmeClient
from .conf import get_settings
from .single_flight import SingleFlight

#: Seconds the new tokens of a refresh are handed to requests that still carry the old ones
#: (a page and its API calls, sent before the first answer came back).
REFRESH_KEPT = 30.0


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


def reload(*, setting: str, **kwargs: Any) -> None:
    """Forget the client and the refreshes when ``settings.ACME`` changes (the ``setting_changed`` signal)."""
    if setting == defaults.SETTING:
        get_client.cache_clear()
        get_refreshes.cache_clear()
