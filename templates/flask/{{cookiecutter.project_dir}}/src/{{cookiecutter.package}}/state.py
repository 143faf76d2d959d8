"""What the extension keeps per application, in ``app.extensions``."""

from __future__ import annotations

from dataclasses import dataclass

{% if cookiecutter.is_oidc -%}
from authlib.integrations.flask_client import FlaskOAuth2App
{% endif -%}
from flask import Flask, current_app

from . import config
{%- if cookiecutter.is_oidc %}
from .settings import Settings
from .single_flight import SingleFlight


@dataclass(frozen=True)
class State:
    """The settings, the OpenID provider's client and the refreshes in flight of one application."""

    settings: Settings
    #: Authlib's client of the provider: discovery, the code flow, token and userinfo requests.
    provider: FlaskOAuth2App
    #: One refresh of a session's tokens at a time, shared with the other instances through Redis when it is set.
    refreshes: SingleFlight
{%- else %}
from .client import {{ cookiecutter.class_name }}Client
from .settings import Settings
from .signed_out import SignedOutSessions
{%- if cookiecutter.has_refresh %}
from .single_flight import SingleFlight
{%- endif %}
from .throttle import LoginThrottle


@dataclass(frozen=True)
class State:
    """The settings, the service client, the signed-out sessions and the sign-in throttle of one application."""

    settings: Settings
    client: {{ cookiecutter.class_name }}Client
    #: None when the sessions are kept server-side (in Redis), where logout deletes the session itself.
    signed_out: SignedOutSessions | None
    throttle: LoginThrottle
{%- if cookiecutter.has_refresh %}
    #: One refresh of a service session at a time, shared with the other instances through Redis when it is set.
    refreshes: SingleFlight
{%- endif %}
{%- endif %}


def get_state(app: Flask | None = None) -> State:
    """The state of ``app`` (default: the current app).

    :raises RuntimeError: when the extension was not initialised on the app.
    """
    app = app or current_app
    try:
        state: State = app.extensions[config.EXTENSION_KEY]
    except KeyError:
        raise RuntimeError("{{ cookiecutter.class_name }} is not initialised on this app: call {{ cookiecutter.class_name }}(app) or init_app(app).") from None
    return state
