"""Fixtures of the browser tests: one Chromium for the run, a fresh context (cookies, viewport) per test.

The conformance kit's fixtures (``kit``, ``spec``, ``fake``, the fixture users)
come in as a plugin; this file adds the browser, axe-core, the branded copy of
the app and where screenshots go.  By hand, with the app and the fake already
running (a second copy of the app with the brand settings changed)::

    pytest -p generator.kit.conftest generator/browser --app-url=... --fake-url=... \\
        --spec=integrations/flask/tests/fake/spec.json --branded-app-url=... --axe=node_modules/axe-core/axe.min.js
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

#: The widths the pages are looked at: a phone and a desktop.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("authgen browser", "the browser tests (each option also reads AUTHGEN_BROWSER_<NAME>)")
    group.addoption(
        "--branded-app-url",
        default=os.environ.get("AUTHGEN_BROWSER_BRANDED_APP_URL"),
        help="URL of a second copy of the example app, started with other brand settings (run.BRAND)",
    )
    group.addoption(
        "--chromium",
        default=os.environ.get("AUTHGEN_BROWSER_CHROMIUM") or shutil.which("chromium"),
        help="the Chromium binary to drive (default: `chromium` on PATH, Debian's package)",
    )
    group.addoption(
        "--axe",
        default=os.environ.get("AUTHGEN_BROWSER_AXE"),
        help="axe-core's axe.min.js (npm install axe-core)",
    )
    group.addoption(
        "--shots",
        default=os.environ.get("AUTHGEN_BROWSER_SHOTS"),
        help="a folder to keep the screenshots in (default: pytest's temporary folder)",
    )
    group.addoption(
        "--readme-screenshot",
        default=os.environ.get("AUTHGEN_BROWSER_README_SCREENSHOT"),
        help="write the login page's picture for the package README to this PNG",
    )


def _required(config: pytest.Config, name: str) -> str:
    value = config.getoption(name)
    if not value:
        raise pytest.UsageError(
            f"the browser tests need --{name.replace('_', '-')} (or run python -m generator.browser)"
        )
    return value


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright, pytestconfig: pytest.Config) -> Iterator[Browser]:
    """The one browser of the run: the system's Chromium, headless (Playwright downloads none)."""
    browser = playwright.chromium.launch(executable_path=_required(pytestconfig, "chromium"), headless=True)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def axe_script(pytestconfig: pytest.Config) -> str:
    path = Path(_required(pytestconfig, "axe"))
    if not path.is_file():
        raise pytest.UsageError(f"--axe {path}: no such file (npm install axe-core)")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def branded_app_url(pytestconfig: pytest.Config) -> str:
    return _required(pytestconfig, "branded_app_url").rstrip("/")


@pytest.fixture(scope="session")
def shots(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go; the run prints the folder, so a person can look at them."""
    folder = Path(pytestconfig.getoption("shots") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _context(chromium: Browser, **options: object) -> Iterator[BrowserContext]:
    context = chromium.new_context(viewport=DESKTOP, color_scheme="light", reduced_motion="reduce", **options)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile: no cookies, a desktop window, JavaScript on."""
    yield from _context(chromium)


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def no_js_page(chromium: Browser) -> Iterator[Page]:
    """A page in a fresh profile with JavaScript turned off."""
    for context in _context(chromium, java_script_enabled=False):
        yield context.new_page()
