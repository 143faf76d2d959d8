"""Fixtures: the identity service for the whole run, and a fresh app, client and clock per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fake.server import load_data, start
from {{ cookiecutter.package }} import session as user_session
from support import FAKE_DATA, REAL_SERVICE_ENV, Clock, Service, make_app


@pytest.fixture(scope="session")
def service() -> Iterator[Service]:
    """The bundled fake on a free port, or the real service the environment names."""
    if os.environ.get(REAL_SERVICE_ENV):
        yield Service(os.environ[REAL_SERVICE_ENV], steerable=False)
        return
    fake = start(load_data(FAKE_DATA))
    try:
        yield Service(fake.url, steerable=True)
    finally:
        fake.stop()


@pytest.fixture(autouse=True)
def fresh_service(service: Service) -> None:
    """Each test starts with the fixture users as they were, no faults and no calls counted."""
    if service.steerable:
        service.reset()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
{%- if cookiecutter.is_oidc %}
    """Each test's apps keep sessions in a folder of their own; no Redis comes from the shell."""
{%- else %}
    """Each test's apps keep signed-out sessions in a file of their own; no sign-in limit or Redis comes from the shell."""
{%- endif %}
{%- if cookiecutter.is_oidc %}
    monkeypatch.setenv("{{ cookiecutter.config_prefix }}_SESSION_DIR", str(tmp_path / "sessions"))
{%- else %}
    monkeypatch.setenv("{{ cookiecutter.config_prefix }}_SIGNED_OUT_DB", str(tmp_path / "signed-out.sqlite3"))
{%- endif %}
    monkeypatch.delenv("{{ cookiecutter.config_prefix }}_REDIS_URL", raising=False)
{%- if not cookiecutter.is_oidc %}
    for name in ("PER_ACCOUNT", "PER_CLIENT", "WINDOW"):
        monkeypatch.delenv(f"{{ cookiecutter.config_prefix }}_LOGIN_LIMIT_{name}", raising=False)
{%- endif %}


@pytest.fixture(params=[False, True], ids=["new-app", "existing-app"])
def app(service: Service, request: pytest.FixtureRequest) -> Flask:
    """The app of the README, and an app with routes and error pages of its own before the integration came."""
    return make_app(service, existing=request.param)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The session module's clock, to move forward past the TTL."""
    clock = Clock()
    monkeypatch.setattr(user_session, "time", clock)
    return clock
