"""Shared fixtures for authgen's own tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
ACME = ROOT / "examples" / "acme" / "identity.toml"


@pytest.fixture
def runner() -> CliRunner:
    """A click runner that keeps stderr apart from stdout."""
    return CliRunner()


@pytest.fixture(scope="session")
def acme_spec() -> Path:
    return ACME
