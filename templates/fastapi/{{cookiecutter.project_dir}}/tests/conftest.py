"""Fixtures: the identity service for the whole run, and a fresh app, client and clock per test.

The tests are async (``pytestmark = pytest.mark.anyio``: anyio's own pytest
plugin, on asyncio): the app and the clients of a test share that test's
event loop, as the requests of one uvicorn worker do.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from fake.server import load_data, start
from {{ cookiecutter.package }} import client as service_client
from {{ cookiecutter.package }} import session as user_session
from support import FAKE, FAKE_DATA, REAL_SERVICE_ENV, SERVED, Clock, Service, browser, make_app


@pytest.fixture(scope="session")
def service() -> Iterator[Service]:
    """The bundled fake on a free port, or the real service the environment names."""
    if os.environ.get(REAL_SERVICE_ENV):
        yield Service(os.environ[REAL_SERVICE_ENV], steerable=False)
        return
    fake = start(load_data(FAKE_DATA))
    service = Service(fake.url, steerable=True)
    try:
        yield service
    finally:
        service.close()
        fake.stop()


@pytest.fixture(autouse=True)
def fresh_service(service: Service) -> None:
    """Each test starts with the fixture users as they were, no faults and no calls counted."""
    if service.steerable:
        service.reset()


@pytest.fixture(scope="session")
def no_certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty folder of CA certificates."""
    return tmp_path_factory.mktemp("no-certificates")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, no_certificates: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's apps keep sessions in a file of their own; no sign-in limit or Redis comes from the shell."""
    monkeypatch.setenv("{{ cookiecutter.config_prefix }}_SESSION_DB", str(tmp_path / "sessions.sqlite3"))
    if FAKE:
        # The fake speaks plain HTTP: an empty folder of CA certificates (httpx reads SSL_CERT_FILE, then
        # SSL_CERT_DIR) spares each app's client loading a bundle of them, a tenth of the suite's time.
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        monkeypatch.setenv("SSL_CERT_DIR", str(no_certificates))
    monkeypatch.delenv("{{ cookiecutter.config_prefix }}_REDIS_URL", raising=False)
    for name in ("PER_ACCOUNT", "PER_CLIENT", "WINDOW"):
        monkeypatch.delenv(f"{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_{name}", raising=False)


@pytest.fixture(autouse=True)
async def shut_down_apps(anyio_backend: str) -> AsyncIterator[None]:
    """Shut down the apps the test talked to, in its event loop: httpx's ASGITransport runs no lifespan, and
    without one the integration's connections to the service would be left open."""
    yield
    while SERVED:
        app = SERVED.pop()
        async with app.router.lifespan_context(app):
            pass


@pytest.fixture
def app(service: Service, request: pytest.FixtureRequest) -> FastAPI:
    """The app of the README; with :data:`support.BOTH_APPS`, also an app with routes and error pages of its own."""
    return make_app(service, existing=getattr(request, "param", "new-app") == "existing-app")


@pytest.fixture
def client(app: FastAPI) -> httpx.AsyncClient:
    return browser(app)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The clock of the session (the cached user's age) and of the client (the tokens' deadlines), to move forward."""
    clock = Clock(time.time())
    monkeypatch.setattr(user_session, "time", clock)
    if hasattr(service_client, "time"):  # only a client that computes deadlines (``expires_in``) reads the clock
        monkeypatch.setattr(service_client, "time", clock)
    return clock
