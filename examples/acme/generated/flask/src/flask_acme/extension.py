"""The Flask extension: one object that wires Acme Identity into an app."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import MethodNotAllowed

from . import config
from .client import AcmeClient
from .errors import AcmeError
from .guards import unauthorized
from .session import load_user
from .settings import Settings, load_settings
from .state import State, get_state
from .views import blueprint, http_error, service_error


class Acme:
    """Sign users in to a Flask app with Acme Identity.

    ::

        app = Flask(__name__)
        app.config.from_prefixed_env()
        Acme(app)

    or, with an application factory, ``acme = Acme()`` at module level and
    ``acme.init_app(app)`` in the factory.

    ``init_app`` reads and checks the settings (a missing one raises
    :class:`ConfigurationError` at start-up), sets up Flask-Login so that
    ``current_user`` is the service's user, and Flask-WTF's ``CSRFProtect``
    (each only when the app does not have it already), and registers the
    routes under ``ACME_ROUTE_PREFIX``.
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
        app.extensions[config.EXTENSION_KEY] = State(settings, client)
        _secure_session_cookie(app)
        _set_up_login(app)
        if "csrf" not in app.extensions:
            CSRFProtect(app)
        app.register_blueprint(blueprint, url_prefix=settings.route_prefix)
        app.register_error_handler(AcmeError, service_error)
        if not app.error_handler_spec[None].get(405):
            # 405 is raised before a blueprint is chosen: only an app handler gives API clients JSON.
            app.register_error_handler(MethodNotAllowed, http_error)

    @property
    def settings(self) -> Settings:
        """The current app's settings."""
        return get_state().settings

    @property
    def client(self) -> AcmeClient:
        """The current app's client of Acme Identity, for calls of your own."""
        return get_state().client


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
