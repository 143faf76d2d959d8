"""Fixtures: the identity service for the whole run, its settings and user agents per test.

The app under test is the example project (``example/``), driven by Django's
test client with CSRF checks on; the service is reached over real HTTP.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from fake.server import load_data, start
from support import FAKE_DATA, REAL_SERVICE_ENV, SETTINGS, TIMEOUT, Agent, Service


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


@pytest.fixture(scope="session", autouse=True)
def session_files(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The example keeps sessions in files: the tests' go to a folder of the run, not the temporary folder."""
    from django.conf import settings

    settings.SESSION_FILE_PATH = str(tmp_path_factory.mktemp("sessions"))


@pytest.fixture(autouse=True)
def service_settings(settings: Any, service: Service) -> Iterator[dict[str, Any]]:
    """Point the integration at the service; each test starts with the fake's users as they were, no faults."""
    settings.{{ cookiecutter.config_prefix }} = {"{% if cookiecutter.is_oidc %}ISSUER{% else %}BASE_URL{% endif %}": service.url, **SETTINGS, "TIMEOUT": TIMEOUT}
    if service.steerable:
        service.reset()
    yield settings.{{ cookiecutter.config_prefix }}
    if service.steerable:
        service.reset()


@pytest.fixture
def api() -> Agent:
    """An API client: ``Accept: application/json``, JSON posts with the CSRF header."""
    return Agent(browser=False)


@pytest.fixture
def browser() -> Agent:
    """A browser: ``Accept: text/html``, form posts with the CSRF field."""
    return Agent(browser=True)
