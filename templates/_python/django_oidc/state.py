"""Authlib's client of {{ cookiecutter.service_name | pydoc }} and the refreshes in flight, made once per process from the settings."""

from __future__ import annotations

{% if cookiecutter.oidc.register_url or cookiecutter.oidc.reset_url -%}
import re
{% endif -%}
from functools import cache
from typing import Any
{%- if cookiecutter.oidc.register_url or cookiecutter.oidc.reset_url %}
from urllib.parse import quote
{%- endif %}

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.core.cache import cache as default_cache

from . import defaults
from .conf import get_settings
from .single_flight import SingleFlight

#: Seconds the new tokens of a refresh are handed to requests that still carry the old ones
#: (a page and its API calls, sent before the first answer came back).
REFRESH_KEPT = 30.0

#: The scopes the sign-in asks for.
SCOPE = {{ cookiecutter.oidc.scope | py }}

#: Extra parameters of the authorization request, from the spec.
AUTHORIZE_PARAMS: dict[str, str] = {{ dict(cookiecutter.oidc.params) | py }}
{%- if cookiecutter.oidc.register_url %}

#: The provider's page that creates an account (``${service.<setting>}`` and ``${config.<setting>}`` are the settings).
REGISTER_URL = {{ cookiecutter.oidc.register_url | py }}
{%- endif %}
{%- if cookiecutter.oidc.reset_url %}

#: The provider's page that resets a forgotten password.
RESET_URL = {{ cookiecutter.oidc.reset_url | py }}
{%- endif %}
{%- if cookiecutter.oidc.register_url or cookiecutter.oidc.reset_url %}

#: A setting in a link to the provider's pages: ``${service.issuer}``, ``${config.realm}``.
_PLACEHOLDER = re.compile(r"\$\{(service|config)\.([a-z_][a-z0-9_]*)\}")


def provider_link(template: str) -> str:
    """A link to one of the provider's pages: ``template`` with its ``${service.<name>}`` and ``${config.<name>}`` filled in.

    The issuer goes in as it is (the link starts with it); every other value is
    percent-encoded, as it lands in a path segment or a query parameter.
    """
    settings = get_settings()

    def value(match: re.Match[str]) -> str:
        name = match.group(2)
        text = str(getattr(settings, name) or "")
        return text.rstrip("/") if name == "issuer" else quote(text, safe="")

    return _PLACEHOLDER.sub(value, template)
{%- endif %}


@cache
def get_provider() -> DjangoOAuth2App:
    """{{ cookiecutter.service_name | pydoc }} as an OpenID provider: Authlib's client, with the code flow and PKCE (S256).

    Authlib reads the discovery document at the first sign-in and keeps it;
    it keeps state, nonce and the PKCE verifier in the Django session between
    the redirect and the callback, and validates the ID token (signature from
    the provider's JWKS, issuer, audience, expiry, nonce) in
    ``authorize_access_token``. Made again after ``override_settings``.

    :raises ImproperlyConfigured: when a setting is missing or invalid.
    """
    settings = get_settings()
    provider: DjangoOAuth2App = OAuth().register(
        defaults.URL_NAMESPACE,
        client_id=settings.client_id,
{%- if cookiecutter.oidc.client_secret_env %}
        client_secret=settings.client_secret,
{%- endif %}
        server_metadata_url=settings.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": SCOPE,
            "code_challenge_method": "S256",
{%- if not cookiecutter.oidc.client_secret_env %}
            # A public client: no secret, PKCE proves the callback comes from the browser that started the sign-in.
            "token_endpoint_auth_method": "none",
{%- endif %}
            "default_timeout": settings.timeout,
        },
    )
    return provider


@cache
def get_refreshes() -> SingleFlight:
    """The refreshes of sessions' tokens in flight: one per session at a time, the others wait for its tokens.

    Processes that share Django's ``default`` cache (Redis, Memcached, the
    database) share the refreshes too: a refresh takes a short lock there
    (``cache.add()``, Redis' ``SET NX``) and leaves its result for
    :data:`REFRESH_KEPT` seconds, so a request on another instance waits for
    it and takes the same tokens. The cache is on the server, as the session is.
    """
    # A request waits for the refresh in flight as long as the refresh may take: the provider's timeout, twice, and a second.
    wait = 2 * get_settings().timeout + 1
    return SingleFlight(shared=default_cache, prefix=f"{defaults.URL_NAMESPACE}:refresh:", keep=REFRESH_KEPT, wait=wait)


def reload(*, setting: str, **kwargs: Any) -> None:
    """Forget the provider's client and the refreshes when ``settings.{{ cookiecutter.config_prefix }}`` changes (the ``setting_changed`` signal)."""
    if setting == defaults.SETTING:
        get_provider.cache_clear()
        get_refreshes.cache_clear()
