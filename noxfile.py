"""Sessions for authgen itself: `nox` runs them all, `nox -s NAME` one.

The smoke and kit sessions are parametrised from the one target registry
(generator/targets.py): a target whose template or toolchain is missing is
skipped with the reason, never reported as passing.
"""

from __future__ import annotations

import shlex
import shutil
import sys
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT))
from generator.kit.scale import SCALE_TARGETS  # noqa: E402  (stdlib only, like the registry)
from generator.targets import TARGETS, Target  # noqa: E402  (stdlib only: safe before install)

nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

#: Committed output folders that `authgen check` must find current.
SAMPLES = ["examples/acme/generated"]
#: Pinned like the generator's own dependency, so formatting is stable.
RUFF = "ruff==0.17.6"


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
    session.run("pytest", *(session.posargs or ["tests/", "--ignore=tests/robust"]))


@nox.session
def robust(session: nox.Session) -> None:
    """Fuzz specs, hostile strings, kill-safety, concurrent load and fault injection."""
    session.install("-e", ".[test]")
    session.run("pytest", *(session.posargs or ["tests/robust"]))


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmark generation, check and the integrations' runtime overhead; print the table.

    Writes benchmarks/results.json and benchmarks/results.md. Not part of a plain
    `nox` run (minutes of load on the machine); arguments go to benchmarks/run.py,
    e.g. `nox -s bench -- --quick` or `nox -s bench -- --runtime-targets flask,django`.
    """
    session.install("-e", ".[kit]", "gunicorn")
    if not shutil.which("wrk"):
        session.log("wrk not found: the runtime figures use the bounded Python client (apt-get install wrk)")
    session.run("python", "benchmarks/run.py", *session.posargs)


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


def _smoke(session: nox.Session, target: Target) -> None:
    """Generate a target's package and run its own tests in its own toolchain.

    Without the toolchain, a target with a static check (parsing, structure)
    runs that and says plainly that its build and tests did not run.
    """
    session.install("-e", ".")
    package = _generate(session, target.name) / target.name
    session.chdir(package)
    if target.language == "python":
        session.install("-e", ".[test]")
        session.run("pytest", "-q", *session.posargs)
        return
    missing = target.missing_toolchains()
    if not missing:
        for command in target.test_commands:
            session.run(*shlex.split(command.format(python="python")), external=True)
        return
    reason = f"{', '.join(missing)} not on PATH"
    if not target.static_check:
        session.skip(f"{target.name}: {reason}; its build and tests were NOT run")
    session.install("-e", f"{ROOT}[test]")
    session.run(*shlex.split(target.static_check.format(python="python")))
    session.warn(f"{target.name}: only the static check ran; its build and tests were NOT run ({reason})")


def _kit(session: nox.Session, target: Target) -> None:
    """Run the conformance kit against a target's generated example app."""
    missing = target.missing_toolchains()
    if missing:
        session.skip(f"{target.name}: {', '.join(missing)} not on PATH; the kit did NOT run")
    session.install("-e", ".[test]")
    out = _generate(session, target.name)
    session.run("authgen", "kit", str(out / target.name))
    shutil.rmtree(out.parent, ignore_errors=True)


def _register(target: Target) -> None:
    """Define ``smoke-<target>`` and ``kit-<target>``, one pair per registered target."""

    @nox.session(name=f"smoke-{target.name}")
    def smoke(session: nox.Session) -> None:
        _smoke(session, target)

    @nox.session(name=f"kit-{target.name}")
    def kit(session: nox.Session) -> None:
        _kit(session, target)

    smoke.__doc__ = f"Generate the {target.framework} package and run its own tests (S1-S17)."
    kit.__doc__ = f"Run the conformance kit against the generated {target.framework} example app."


for _target in TARGETS.values():
    _register(_target)


# -- several instances on one Redis ------------------------------------------


def _scale(session: nox.Session, target: Target) -> None:
    """Serve two instances of a target's example app on one Redis and run the scale test against them."""
    missing = target.missing_toolchains() + [c for c in ["redis-server"] if not shutil.which(c)]
    if missing:
        session.skip(f"{target.name}: {', '.join(missing)} not on PATH; the scale test did NOT run")
    session.install("-e", ".[kit]")
    out = _generate(session, target.name)
    session.run("python", "-m", "generator.kit.scale", str(out / target.name))
    shutil.rmtree(out.parent, ignore_errors=True)


def _register_scale(target: Target) -> None:
    @nox.session(name=f"scale-{target.name}")
    def scale(session: nox.Session) -> None:
        _scale(session, target)

    scale.__doc__ = (
        f"Two {target.framework} example apps on one Redis: shared sessions and user cache, 10,000 requests."
    )


for _name in SCALE_TARGETS:
    _register_scale(TARGETS[_name])
