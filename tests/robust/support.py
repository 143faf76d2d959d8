"""Helpers the robustness tests share: counts, snapshots, target readiness, a venv, served apps.

Nothing here asserts; the tests do.  Counts go to :data:`TALLY`, which the
conftest prints at the end of the run ("examples tried", "kills", "requests").
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
import venv
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.kit.package import KitPackage, load_package, service_env
from generator.kit.processes import Process, install_app, serve_app, start_fake, with_uv
from generator.render import STAGING_PREFIX

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
#: The real-world-shaped specs shipped with authgen, and the ones the tests keep.
SEED_SPECS = (
    *sorted((ROOT / "examples").glob("*/identity.toml")),
    *sorted((ROOT / "tests" / "specs").glob("*.toml")),
)
ACME = ROOT / "examples" / "acme" / "identity.toml"
HOSTILE = HERE / "specs" / "hostile.toml"

#: What the run tried, by name ("spec examples: library", "kills", "requests: flask"); printed at the end.
TALLY: Counter[str] = Counter()
_TALLY_LOCK = threading.Lock()


def count(name: str, n: int = 1) -> None:
    """Add ``n`` to the count ``name`` (thread-safe)."""
    with _TALLY_LOCK:
        TALLY[name] += n


def snapshot(root: Path) -> dict[str, str]:
    """Every file below ``root`` by POSIX path, with the sha256 of its bytes."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def staging_leftovers(parent: Path) -> list[str]:
    """Staging folders ``generate`` left beside its output folders in ``parent``."""
    return sorted(p.name for p in parent.glob(STAGING_PREFIX + "*"))


# -- a virtualenv for generated Python packages --------------------------------------------------------


def make_venv(path: Path) -> str:
    """Create a virtualenv that sees this interpreter's packages; return its python.

    Seeing them (``system_site_packages``) makes installing a generated
    package quick where Flask & co. are installed, and still correct where
    they are not: pip then fetches them.
    """
    venv.EnvBuilder(system_site_packages=True, with_pip=True, clear=True).create(path)
    return str(path / "bin" / "python")


def pip_install(python: str, *args: str, cwd: Path | None = None) -> None:
    """``python -m pip install -q ARGS``, by uv where it is on PATH (the kit's :func:`with_uv`).

    uv installs the same packages in a fraction of pip's time, which is most
    of what these tests wait for; nox's sessions put it on PATH when it is
    installed (see noxfile.py).

    :raises AssertionError: with the installer's last output when it fails.
    """
    done = subprocess.run(
        with_uv([python, "-m", "pip", "install", "-q", *args]),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, f"pip install {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"


# -- an example app served against its fake ---------------------------------------------------------


@dataclass(frozen=True)
class Served:
    """An example app and its fake, both running: their URLs and the package."""

    package: KitPackage
    app_url: str
    fake_url: str
    #: the example app's process: its output tails, for failure messages
    app: Process


def install(package_dir: Path, python: str) -> None:
    """Make a generated package's example app ready to serve: the target's kit_install commands."""
    package = load_package(package_dir)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    install_app(package, python, {**env, **package.target.example_env(package.spec.service.slug)})


@contextmanager
def served(package_dir: Path, python: str, extra_env: Mapping[str, str] | None = None) -> Iterator[Served]:
    """Serve an installed package's example app (see :func:`install`) against its own fake.

    The processes are the conformance kit's: each in a session of its own,
    stopped with everything it started.
    """
    package = load_package(package_dir)
    fake, fake_url = start_fake(package, python)
    app = None
    try:
        env = {
            **os.environ,
            **package.target.example_env(package.spec.service.slug),
            **service_env(package, fake_url),
            **(extra_env or {}),
        }
        env.pop("PYTHONPATH", None)
        app, app_url = serve_app(package, python, env)
        yield Served(package, app_url, fake_url, app)
    finally:
        if app is not None:
            app.stop()
        fake.stop()


def node_available() -> bool:
    return shutil.which("node") is not None and shutil.which("npm") is not None


def slug_env(package_dir: Path, name: str) -> str:
    """The environment variable every target reads a built-in setting from: ``ACME_SESSION_TTL`` ..."""
    return f"{load_package(package_dir).spec.service.slug.upper()}_{name}"
