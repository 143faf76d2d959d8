"""The integration: one object that wires Acme Identity into a FastAPI app."""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import jinja2
from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.templating import Jinja2Templates

from . import config
from .client import AcmeClient
from .responses import Refused, refused
from .routes import make_router
from .settings import AcmeSettings, ConfigurationError, load_settings
from .single_flight import SingleFlight
from .state import STATE_KEY, State
from .store import RedisLocks, RedisStore, SessionStore, SQLiteStore
from .throttle import LoginThrottle


class Acme:
    """Sign users in to a FastAPI app with Acme Identity.

    ::

        app = FastAPI()
        acme = Acme(app)

    reads and checks the settings (``ACME_*`` environment variables, unless
    ``settings`` is given; a missing one raises :class:`ConfigurationError` at
    start-up), keeps sessions server-side (a SQLite file, or Redis when
    ``ACME_REDIS_URL`` is set) behind Starlette's ``SessionMiddleware`` (unless
    the app has one already, whose session it then shares), and adds the
    routes under ``ACME_ROUTE_PREFIX``. Their posts need a CSRF token; the app's
    own routes are left as they are, and the only exception handler added is
    the one of the guards' refusals (:class:`~.responses.Refused`).

    :param app: the app to sign users in to, before it starts.
    :param settings: the settings, when the app makes them itself; by default read from the environment.
    :param templates_dir: a folder of the app's templates: ``<folder>/acme/login.html``
        replaces the package's login page, and so on for every page.
    :raises ConfigurationError: naming every missing or invalid setting.
    """

    def __init__(
        self,
        app: FastAPI,
        *,
        settings: AcmeSettings | None = None,
        templates_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        settings = settings or load_settings()
        client = AcmeClient(
            base_url=settings.base_url,
            api_key=settings.api_key,
            application_id=settings.application_id,
            timeout=settings.timeout,
        )
        redis = _redis_store(settings) if settings.redis_url else None
        store: SessionStore = redis if redis is not None else _sqlite_store(settings)
        self.state = State(
            settings=settings,
            client=client,
            store=store,
            throttle=LoginThrottle(
                per_account=settings.login_limit_per_account,
                per_client=settings.login_limit_per_client,
                window=settings.login_limit_window,
                redis=redis,
            ),
            templates=_templates(templates_dir),
            refreshes=SingleFlight(
                shared=RedisLocks(redis) if redis is not None else None,
                prefix=f"{config.REDIS_KEY_PREFIX}refresh:",
                keep=config.REFRESH_KEEP,
                # A refresh waits at most the timeout to connect and the timeout for the answer: wait a little longer.
                wait=settings.timeout * 2 + 1,
            ),
        )
        setattr(app.state, STATE_KEY, self.state)
        # One session per request: an app with its own SessionMiddleware shares it (Starlette types `cls` as a factory).
        if not any(cast(Any, middleware.cls) is SessionMiddleware for middleware in app.user_middleware):
            app.add_middleware(
                SessionMiddleware,
                secret_key=settings.secret_key,
                session_cookie=config.SESSION_COOKIE,
                max_age=config.SESSION_LIFETIME,
                same_site="lax",
                https_only=settings.cookie_secure,
            )
        app.add_exception_handler(Refused, refused)
        app.include_router(make_router(settings.route_prefix))
        _close_on_shutdown(app, self)

    @property
    def settings(self) -> AcmeSettings:
        """The settings the integration runs with."""
        return self.state.settings

    @property
    def client(self) -> AcmeClient:
        """The client of Acme Identity, for calls of your own."""
        return self.state.client

    async def aclose(self) -> None:
        """Close the connections to the service and to the session store (done when the app shuts down)."""
        await self.state.client.aclose()
        await self.state.store.aclose()


def _sqlite_store(settings: AcmeSettings) -> SessionStore:
    """The sessions in a SQLite file: ``ACME_SESSION_DB``, or one in a private folder of the temporary folder.

    The file holds the service's tokens: it is created readable by its user alone (0600).

    :raises ConfigurationError: when the file cannot be created, at start-up rather than at the first sign-in,
        or when the default folder exists but is not this user's alone.
    """
    path = settings.session_db or os.path.join(_private_folder(), config.SESSION_DB)
    store = SQLiteStore(path)
    try:
        store.open()
    except (OSError, sqlite3.Error) as err:
        raise ConfigurationError(
            f"cannot keep sessions in {path} ({err}): set {config.ENV_PREFIX}SESSION_DB to a file the app can write"
        ) from err
    return store


def _private_folder() -> str:
    """The default folder of the sessions' file: in the temporary folder, this user's own, closed to others (0700).

    The temporary folder is shared by every user of the machine: the folder is made
    with the rights of its user alone, or, when it exists, must be theirs and closed
    to others (a folder someone else made first could hand them the tokens).

    :raises ConfigurationError: when it exists and is not a folder of this user's alone.
    """
    uid = os.getuid() if hasattr(os, "getuid") else None
    path = os.path.join(tempfile.gettempdir(), config.SESSION_FOLDER + ("" if uid is None else f"-{uid}"))
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError as err:
        raise ConfigurationError(
            f"cannot make the folder of the sessions {path} ({err}): set {config.ENV_PREFIX}SESSION_DB to a file the app can write"
        ) from err
    found = os.lstat(path)
    if not stat.S_ISDIR(found.st_mode) or (uid is not None and found.st_uid != uid) or found.st_mode & 0o077:
        raise ConfigurationError(
            f"{path} is not a folder of this user's alone (it must be theirs, mode 0700): remove it, "
            f"or set {config.ENV_PREFIX}SESSION_DB to a file in a private folder"
        )
    return path


def _redis_store(settings: AcmeSettings) -> RedisStore:
    """The sessions in Redis, shared by every instance of the app.

    :raises ConfigurationError: when the ``redis`` extra is not installed.
    """
    try:
        import redis.asyncio  # noqa: F401
    except ImportError as err:
        raise ConfigurationError(
            f"{config.ENV_PREFIX}REDIS_URL is set but redis is not installed: pip install 'fastapi-acme[redis]'"
        ) from err
    assert settings.redis_url is not None
    return RedisStore(settings.redis_url, prefix=f"{config.REDIS_KEY_PREFIX}session:", timeout=settings.timeout)


def _templates(folder: str | os.PathLike[str] | None) -> Jinja2Templates:
    """The pages: the app's templates of the same name first, when it has a folder of them, then the package's."""
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader(__package__ or __name__, "templates")]
    if folder is not None:
        loaders.insert(0, jinja2.FileSystemLoader(folder))
    return Jinja2Templates(env=jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True))


def _close_on_shutdown(app: FastAPI, integration: Acme) -> None:
    """Close the integration's connections when the app shuts down, after the app's own lifespan."""
    lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def closing(app: Any) -> AsyncIterator[Any]:
        async with lifespan(app) as state:
            try:
                yield state
            finally:
                await integration.aclose()

    app.router.lifespan_context = closing
