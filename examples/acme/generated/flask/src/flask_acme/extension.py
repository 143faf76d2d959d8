"""The Flask extension: one object that wires Acme Identity into an app."""

from __future__ import annotations

import os
import sqlite3
from typing import TYPE_CHECKING

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from . import config
from .client import AcmeClient
from .guards import unauthorized
from .session import load_user
from .settings import ConfigurationError, Settings, load_settings
from .signed_out import SignedOutSessions
from .single_flight import SingleFlight
from .state import State, get_state
from .throttle import LoginThrottle
from .views import blueprint

if TYPE_CHECKING:
    from redis import Redis


class Acme:
    """Sign users in to a Flask app with Acme Identity.

    ::

        app = Flask(__name__)
        app.config.from_prefixed_env()
        Acme(app)

    or, with an application factory, ``acme = Acme()`` at module level and
    ``acme.init_app(app)`` in the factory.

    ``init_app`` reads and checks the settings (a missing one raises
    :class:`ConfigurationError` at start-up), keeps sessions server-side in
    Redis with Flask-Session when ``ACME_REDIS_URL`` is set, or else opens the
    record of signed-out sessions (a SQLite file in the instance folder), sets up Flask-Login so
    that ``current_user`` is the service's user (unless the app has a login manager already), and
    registers the routes under ``ACME_ROUTE_PREFIX``. Their posts need a CSRF token; the app's
    own routes are left as they are, unless ``ACME_CSRF_APP_WIDE`` asks for Flask-WTF's
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
        client = AcmeClient(
            base_url=settings.base_url,
            api_key=settings.api_key,
            application_id=settings.application_id,
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
        refreshes = SingleFlight(
            shared=_RedisStore.from_url(settings.redis_url) if settings.redis_url else None,
            prefix=f"{config.REDIS_KEY_PREFIX}refresh:",
            keep=config.REFRESH_KEEP,
            # A refresh waits at most the timeout to connect and the timeout for the answer: wait a little longer.
            wait=settings.timeout * 2 + 1,
        )
        app.extensions[config.EXTENSION_KEY] = State(settings, client, signed_out, throttle, refreshes)
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
    def client(self) -> AcmeClient:
        """The current app's client of Acme Identity, for calls of your own."""
        return get_state().client


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
            f"ACME_REDIS_URL is set but {err.name} is not installed: pip install 'Flask-Acme[redis]'"
        ) from err
    if isinstance(app.session_interface, SecureCookieSessionInterface):
        app.config.setdefault("SESSION_REDIS", Redis.from_url(redis_url))
        app.config.setdefault("SESSION_KEY_PREFIX", f"{config.REDIS_KEY_PREFIX}session:")
        app.session_interface = RedisSessions.for_app(app)


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


def _signed_out_sessions(app: Flask, settings: Settings) -> SignedOutSessions:
    """The record of signed-out sessions, in the instance folder unless ``ACME_SIGNED_OUT_DB`` names a file.

    :raises ConfigurationError: when the file cannot be created, at start-up rather than at the first sign-out.
    """
    path = settings.signed_out_db or os.path.join(app.instance_path, config.SIGNED_OUT_DB)
    signed_out = SignedOutSessions(path)
    try:
        signed_out.open()
    except (OSError, sqlite3.Error) as err:
        raise ConfigurationError(
            f"cannot keep signed-out sessions in {path} ({err}): set ACME_SIGNED_OUT_DB to a file the app can write"
        ) from err
    return signed_out


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
