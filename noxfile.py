"""Sessions for authgen itself: `nox` runs them all, `nox -s NAME` one.

The smoke and kit sessions are parametrised from the one target registry
(generator/targets.py): a target whose template or toolchain is missing is
skipped with the reason, never reported as passing.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nox

nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent
#: Committed output folders that `authgen check` must find current.
SAMPLES = ["examples/acme/generated"]
#: Pinned like the generator's own dependency, so formatting is stable.
RUFF = "ruff==0.17.6"


def _targets() -> list[str]:
    """Target names from the registry, read without installing authgen."""
    import ast

    tree = ast.parse((ROOT / "generator" / "targets.py").read_text())
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Target" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant):
                names.append(first.value)
    return names


def _generate(session: nox.Session, target: str) -> Path:
    """Generate the bundled spec's package for ``target`` into a fresh temporary folder."""
    if not (ROOT / "templates" / target / "cookiecutter.json").is_file():
        session.skip(f"{target}: no template in this version of authgen yet")
    out = Path(tempfile.mkdtemp(prefix=f"authgen-{target}-")) / "out"
    session.run("authgen", "generate", "-q", "-o", str(out), "-t", target)
    return out


# -- the generator ----------------------------------------------------------


@nox.session
def tests(session: nox.Session) -> None:
    """Run the generator's unit tests."""
    session.install("-e", ".[test]")
    session.run("pytest", *(session.posargs or ["tests/"]))


@nox.session
def lint(session: nox.Session) -> None:
    """Lint authgen's code and the Python it generates."""
    session.install("-e", ".", RUFF)
    session.run("ruff", "check", "generator", "tests", "noxfile.py")
    session.run("ruff", "format", "--check", "generator", "tests", "noxfile.py")
    out = Path(tempfile.mkdtemp(prefix="authgen-lint-")) / "out"
    session.run("authgen", "generate", "-q", "-o", str(out))
    for package in sorted(p for p in out.iterdir() if (p / "pyproject.toml").is_file()):
        session.chdir(package)
        session.run("ruff", "check", ".")
        session.run("ruff", "format", "--check", ".")
        session.chdir(ROOT)


@nox.session
def check(session: nox.Session) -> None:
    """Fail when a committed sample is not what the generator produces now."""
    session.install("-e", ".")
    for out in SAMPLES:
        session.run("authgen", "check", out)


# -- generated packages -----------------------------------------------------


def _smoke(session: nox.Session, target: str) -> None:
    """Generate a target's package and run its own smoke tests (S1-S17)."""
    session.install("-e", ".")
    package = _generate(session, target) / target
    session.chdir(package)
    if target in ("flask", "django"):
        session.install("-e", ".[test]")
        session.run("pytest", "-q", *session.posargs)
        return
    session.skip(f"{target}: no smoke runner for this toolchain yet")


def _kit(session: nox.Session, target: str) -> None:
    """Run the conformance kit against a target's generated example app."""
    session.install("-e", ".[test]")
    out = _generate(session, target)
    session.run("authgen", "kit", str(out / target))
    shutil.rmtree(out.parent, ignore_errors=True)


def _register(target: str) -> None:
    """Define ``smoke-<target>`` and ``kit-<target>``, one pair per registered target."""

    @nox.session(name=f"smoke-{target}")
    def smoke(session: nox.Session) -> None:
        _smoke(session, target)

    @nox.session(name=f"kit-{target}")
    def kit(session: nox.Session) -> None:
        _kit(session, target)

    smoke.__doc__ = f"Generate the {target} package and run its smoke tests (S1-S17)."
    kit.__doc__ = f"Run the conformance kit against the generated {target} example app."


for _target in _targets():
    _register(_target)
