"""Fixtures of the robustness tests, and the counts they print at the end of the run.

``pytest tests/robust`` runs everything; ``-m "not slow"`` leaves out the
tests that install a generated package into a virtualenv and serve it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from generator.render import generate

from . import support


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: installs a generated package into a virtualenv and serves it (deselect with -m 'not slow')"
    )
    # Hypothesis keeps nothing between runs here (derandomized, no database); what it
    # writes anyway (failure patches) goes to a temporary folder, not the work tree.
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "authgen-robust-hypothesis")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist, a worker hands its counts to the controller, which prints them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["tally"] = dict(support.TALLY)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """The controller adds up a finished worker's counts (a pytest-xdist hook)."""
    for name, value in getattr(node, "workeroutput", {}).get("tally", {}).items():
        support.count(name, value)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the robustness tests tried: spec examples, kills, requests, faults."""
    if not support.TALLY:
        return
    terminalreporter.section("robustness counts")
    for name, value in sorted(support.TALLY.items()):
        terminalreporter.write_line(f"{name}: {value}")
    tried = sum(v for k, v in support.TALLY.items() if k.startswith("spec examples:") and not k.endswith(", written"))
    if tried:
        terminalreporter.write_line(f"spec examples tried in all: {tried}")


@pytest.fixture(scope="session")
def robust_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("robust")


@pytest.fixture(scope="session")
def python_venv(robust_tmp: Path) -> str:
    """One virtualenv for the run, that generated Python packages are installed into."""
    return support.make_venv(robust_tmp / "venv")


@pytest.fixture(scope="session")
def acme_flask(robust_tmp: Path) -> Path:
    """The bundled Acme spec's Flask package, freshly generated."""
    out = robust_tmp / "acme-out"
    generate(support.ACME, out, ["flask"])
    return out / "flask"


@pytest.fixture(scope="session")
def acme_output(acme_flask: Path) -> Iterator[Path]:
    """The output folder the Acme Flask package is in."""
    yield acme_flask.parent


@pytest.fixture(scope="session")
def acme_app(robust_tmp: Path, python_venv: str) -> Path:
    """A Flask package of the Acme spec of its own, installed into the virtualenv, ready to serve."""
    out = robust_tmp / "acme-app"
    generate(support.ACME, out, ["flask"])
    support.install(out / "flask", python_venv)
    return out / "flask"
