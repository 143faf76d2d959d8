"""Shared fixtures for authgen's own tests."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
ACME = ROOT / "examples" / "acme" / "identity.toml"
#: The OpenID Connect specs each target's OIDC tests render: Keycloak's (a confidential client), and a
#: public client (no secret, default scopes, no first or last name, links to the provider's register and
#: reset pages).
KEYCLOAK_OIDC = ROOT / "examples" / "keycloak-oidc" / "identity.toml"
PUBLIC_OIDC = ROOT / "tests" / "specs" / "oidc.toml"


def run_package_tests(root: Path, needs: tuple[str, ...], session: str) -> None:
    """Run a generated Python package's own tests with this interpreter, without installing the package.

    Skipped, with the reason, when a module the tests need is not installed here; ``nox -s <session>``
    runs them in a virtualenv of their own.
    """
    for module in needs:
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed here; nox -s {session} runs these tests in their own venv")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root / "src")},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


@pytest.fixture
def runner() -> CliRunner:
    """A click runner that keeps stderr apart from stdout."""
    return CliRunner()


@pytest.fixture(scope="session")
def acme_spec() -> Path:
    return ACME
