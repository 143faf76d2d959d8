"""The Flask extension: one object that wires {{ cookiecutter.service_name | pydoc }} into an app."""

from __future__ import annotations

import os
{%- if not cookiecutter.is_oidc %}
import sqlite3
{%- endif %}
{%- if cookiecutter.has_refresh or cookiecutter.is_oidc %}
from typing import TYPE_CHECKING
{%- endif %}

{% if cookiecutter.is_oidc -%}
from authlib.integrations.flask_client import OAuth, FlaskOAuth2App
{% endif -%}
from flask import Flask
from flask_login import LoginManager
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from . import config
{%- if not cookiecutter.is_oidc %}
from .client import {{ cookiecutter.class_name }}Client
{%- endif %}
from .guards import unauthorized
from .session import load_user
from .settings import ConfigurationError, Settings, load_settings
{%- if not cookiecutter.is_oidc %}
from .signed_out import SignedOutSessions
{%- endif %}
{%- if cookiecutter.has_refresh or cookiecutter.is_oidc %}
from .single_flight import SingleFlight
{%- endif %}
from .state import State, get_state
{%- if not cookiecutter.is_oidc %}
from .throttle import LoginThrottle
{%- endif %}
from .views import blueprint
{%- if cookiecutter.has_refresh or cookiecutter.is_oidc %}

if TYPE_CHECKING:
    from redis import Redis
{%- endif %}


class {{ cookiecutter.class_name }}:
    """Sign users in to a Flask app with {{ cookiecutter.service_name | pydoc }}.

    ::

        app = Flask(__name__)
        app.config.from_prefixed_env()
        {{ cookiecutter.class_name }}(app)

    or, with an application factory, ``{{ cookiecutter.slug }} = {{ cookiecutter.class_name }}()`` at module level and
    ``{{ cookiecutter.slug }}.init_app(app)`` in the factory.

    ``init_app`` reads and checks the settings (a missing one raises
{%- if cookiecutter.is_oidc %}
    :class:`ConfigurationError` at start-up), registers {{ cookiecutter.service_name | pydoc }} as an OpenID
    provider with Authlib (its discovery document is read at the first sign-in),
    keeps sessions server-side with Flask-Session (in Redis when
    ``{{ cookiecutter.config_prefix }}_REDIS_URL`` is set, else in files in the instance folder: the
    provider's tokens are too large for a cookie), sets up Flask-Login so
{%- else %}
    :class:`ConfigurationError` at start-up), keeps sessions server-side in
    Redis with Flask-Session when ``{{ cookiecutter.config_prefix }}_REDIS_URL`` is set, or else opens the
    record of signed-out sessions (a SQLite file in the instance folder), sets up Flask-Login so
{%- endif %}
    that ``current_user`` is the service's user (unless the app has a login manager already), and
    registers the routes under ``{{ cookiecutter.config_prefix }}_ROUTE_PREFIX``. Their posts need a CSRF token; the app's
    own routes are left as they are, unless ``{{ cookiecutter.config_prefix }}_CSRF_APP_WIDE`` asks for Flask-WTF's
    ``CSRFProtect`` on the whole app. No error handler is installed beyond the blueprint's.
    """

    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Set the integration up on ``app``.

        :raises ConfigurationError: naming every missing or invalid setting.
        """
        settings = load_settings(app.config)
{%- if cookiecutter.is_oidc %}
        provider = _register_provider(app, settings)
        if settings.redis_url:
            _sessions_in_redis(app, settings.redis_url)
        else:
            _sessions_in_files(app, settings)
        refreshes = SingleFlight(
            shared=_RedisStore.from_url(settings.redis_url) if settings.redis_url else None,
            prefix=f"{config.REDIS_KEY_PREFIX}refresh:",
            keep=config.REFRESH_KEEP,
            # A refresh waits at most the timeout to connect and the timeout for the answer: wait a little longer.
            wait=settings.timeout * 2 + 1,
        )
        app.extensions[config.EXTENSION_KEY] = State(settings, provider, refreshes)
{%- else %}
        client = {{ cookiecutter.class_name }}Client(
{%- for s in cookiecutter.settings %}
            {{ s.attr }}=settings.{{ s.attr }},
{%- endfor %}
            timeout=settings.timeout,
        )
        throttle = LoginThrottle(
            per_account=settings.login_limit_per_account,
            per_client=settings.login_limit_per_client,
            window=settings.login_limit_window,
            redis_url=settings.redis_url,
        )
        if settings.redis_url:
            _sessions_in_redis(app, settings.redis_url)
            signed_out = None
        else:
            signed_out = _signed_out_sessions(app, settings)
{%- if cookiecutter.has_refresh %}
        refreshes = SingleFlight(
            shared=_RedisStore.from_url(settings.redis_url) if settings.redis_url else None,
            prefix=f"{config.REDIS_KEY_PREFIX}refresh:",
            keep=config.REFRESH_KEEP,
            # A refresh waits at most the timeout to connect and the timeout for the answer: wait a little longer.
            wait=settings.timeout * 2 + 1,
        )
        app.extensions[config.EXTENSION_KEY] = State(settings, client, signed_out, throttle, refreshes)
{%- else %}
        app.extensions[config.EXTENSION_KEY] = State(settings, client, signed_out, throttle)
{%- endif %}
{%- endif %}
        _secure_session_cookie(app)
        _set_up_login(app)
        if "csrf" not in app.extensions:
            if settings.csrf_app_wide:
                CSRFProtect(app)
            else:
                _csrf_settings(app)
        app.register_blueprint(blueprint, url_prefix=settings.route_prefix)

    @property
    def settings(self) -> Settings:
        """The current app's settings."""
        return get_state().settings

    @property
{%- if cookiecutter.is_oidc %}
    def provider(self) -> FlaskOAuth2App:
        """The current app's Authlib client of {{ cookiecutter.service_name | pydoc }}, for calls of your own (``provider.get(url, token=...)``)."""
        return get_state().provider
{%- else %}
    def client(self) -> {{ cookiecutter.class_name }}Client:
        """The current app's client of {{ cookiecutter.service_name | pydoc }}, for calls of your own."""
        return get_state().client
{%- endif %}


def _sessions_in_redis(app: Flask, redis_url: str) -> None:
    """Keep the sessions in Redis with Flask-Session, so every instance of the app shares them.

    The cookie then holds only the session's id: the user cached in the
    session is shared too, and logout deletes the session for every instance
    at once, for good (:mod:`.redis_sessions`: a request that ran meanwhile
    does not write it back). An app that configured Flask-Session itself
    keeps its set-up.

    :raises ConfigurationError: when the ``redis`` extra is not installed.
    """
    try:
        from redis import Redis

        from .redis_sessions import RedisSessions
    except ImportError as err:
        raise ConfigurationError(
            f"{{ cookiecutter.config_prefix }}_REDIS_URL is set but {err.name} is not installed: pip install '{{ cookiecutter.distribution }}[redis]'"
        ) from err
    if isinstance(app.session_interface, SecureCookieSessionInterface):
        app.config.setdefault("SESSION_REDIS", Redis.from_url(redis_url))
        app.config.setdefault("SESSION_KEY_PREFIX", f"{config.REDIS_KEY_PREFIX}session:")
        app.session_interface = RedisSessions.for_app(app)


{% if cookiecutter.is_oidc -%}
def _register_provider(app: Flask, settings: Settings) -> FlaskOAuth2App:
    """Register {{ cookiecutter.service_name | pydoc }} with Authlib's Flask client: the code flow with PKCE (S256).

    Authlib reads the discovery document at the first sign-in and keeps it;
    it keeps state, nonce and the PKCE verifier in the session between the
    redirect and the callback, and validates the ID token (signature from the
    provider's JWKS, issuer, audience, expiry, nonce) in ``authorize_access_token``.
    """
    oauth: OAuth = app.extensions.get("authlib.integrations.flask_client") or OAuth(app)
    provider: FlaskOAuth2App = oauth.register(
        config.PROVIDER_NAME,
        client_id=settings.client_id,
{%- if cookiecutter.oidc.client_secret_env %}
        client_secret=settings.client_secret,
{%- endif %}
        server_metadata_url=settings.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": config.SCOPE,
            "code_challenge_method": "S256",
{%- if not cookiecutter.oidc.client_secret_env %}
            # A public client: no secret, PKCE proves the callback comes from the browser that started the sign-in.
            "token_endpoint_auth_method": "none",
{%- endif %}
            "default_timeout": settings.timeout,
        },
        overwrite=True,
    )
    return provider


def _sessions_in_files(app: Flask, settings: Settings) -> None:
    """Keep the sessions in files of the instance folder with Flask-Session (cachelib's ``FileSystemCache``).

    The provider's tokens (ID, access and refresh token: some 3.3 kB at
    Keycloak's sizes, 4.5 kB once encrypted) do not fit in a cookie, so the
    cookie holds only the session's id. Every process of the app on this
    machine shares the folder; apps on several machines set
    ``{{ cookiecutter.config_prefix }}_REDIS_URL``. An app that configured Flask-Session itself keeps its set-up.

    :raises ConfigurationError: when the folder cannot be created, at start-up rather than at the first sign-in.
    """
    from cachelib import FileSystemCache
    from flask_session import Session

    if not isinstance(app.session_interface, SecureCookieSessionInterface):
        return
    path = settings.session_dir or os.path.join(app.instance_path, config.SESSION_DIR)
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
    except OSError as err:
        raise ConfigurationError(
            f"cannot keep sessions in {path} ({err}): set {{ cookiecutter.config_prefix }}_SESSION_DIR to a folder the app can write"
        ) from err
    app.config.setdefault("SESSION_TYPE", "cachelib")
    app.config.setdefault("SESSION_CACHELIB", FileSystemCache(path, threshold=config.SESSION_FILES))
    Session(app)


{% endif -%}
{% if cookiecutter.has_refresh or cookiecutter.is_oidc -%}
class _RedisStore:
    """The app's Redis as the store where instances share refreshes (the API of :class:`.single_flight.SharedStore`)."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    @classmethod
    def from_url(cls, url: str) -> _RedisStore:
        from redis import Redis

        return cls(Redis.from_url(url, decode_responses=True))

    def add(self, key: str, value: str, timeout: float) -> bool:
        return bool(self.redis.set(key, value, nx=True, px=max(1, round(timeout * 1000))))

    def get(self, key: str) -> str | None:
        value = self.redis.get(key)
        return None if value is None else str(value)

    def set(self, key: str, value: str, timeout: float) -> None:
        self.redis.set(key, value, px=max(1, round(timeout * 1000)))

    def delete(self, key: str) -> None:
        self.redis.delete(key)


{% endif -%}
{% if not cookiecutter.is_oidc -%}
def _signed_out_sessions(app: Flask, settings: Settings) -> SignedOutSessions:
    """The record of signed-out sessions, in the instance folder unless ``{{ cookiecutter.config_prefix }}_SIGNED_OUT_DB`` names a file.

    :raises ConfigurationError: when the file cannot be created, at start-up rather than at the first sign-out.
    """
    path = settings.signed_out_db or os.path.join(app.instance_path, config.SIGNED_OUT_DB)
    signed_out = SignedOutSessions(path)
    try:
        signed_out.open()
    except (OSError, sqlite3.Error) as err:
        raise ConfigurationError(
            f"cannot keep signed-out sessions in {path} ({err}): set {{ cookiecutter.config_prefix }}_SIGNED_OUT_DB to a file the app can write"
        ) from err
    return signed_out


{% endif -%}
def _csrf_settings(app: Flask) -> None:
    """Flask-WTF's CSRF settings, at the defaults ``CSRFProtect`` sets, for the blueprint's own check.

    Nothing else of the app changes: its own routes stay as they were.
    """
    app.config.setdefault("WTF_CSRF_METHODS", {"POST", "PUT", "PATCH", "DELETE"})
    app.config.setdefault("WTF_CSRF_FIELD_NAME", "csrf_token")
    app.config.setdefault("WTF_CSRF_HEADERS", ["X-CSRFToken", "X-CSRF-Token"])
    app.config.setdefault("WTF_CSRF_SSL_STRICT", True)


def _secure_session_cookie(app: Flask) -> None:
    """Make the session cookie SameSite=Lax unless the app chose a policy; Flask already makes it HttpOnly."""
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"


def _set_up_login(app: Flask) -> None:
    """Load ``current_user`` from the session cache; answer API clients 401 instead of a redirect."""
    manager: LoginManager = getattr(app, "login_manager", None) or LoginManager(app)
    manager.user_loader(load_user)
    manager.login_view = f"{config.BLUEPRINT}.login"
    if manager.unauthorized_callback is None:
        manager.unauthorized_handler(unauthorized)
