"""Sessions for authgen itself: `nox` runs them all side by side (`integrations`), `nox -s NAME` one.

Each target has one session, named after it (`nox -s flask`): it
generates the package once, builds it once, and runs on that build the
package's own tests, the conformance kit, the pages in Chromium and, where the
example app can share a Redis, the scale test. The same steps exist alone
(`smoke-<t>`, `kit-<t>`, `browser-<t>`, `scale-<t>`) for a quicker loop on one
of them; they are not part of a plain `nox`, which would build every package
four times. All are parametrised from the one target registry
(generator/targets/): a target whose template or toolchain is missing is
skipped with the reason, never reported as passing.
"""

from __future__ import annotations

import collections
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

import nox

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT))
from generator.kit.scale import SCALE_TARGETS  # noqa: E402  (stdlib only, like the registry)
from generator.targets import TARGETS, Target  # noqa: E402  (stdlib only: safe before install)

nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
# uv makes a session's virtualenv and installs into it in seconds where pip takes most of a
# minute, in each of a dozen sessions; without uv on PATH nox falls back to virtualenv + pip.
nox.options.default_venv_backend = "uv|virtualenv"
# Seed pip into uv's virtualenvs too: the generated packages' own commands and the kit's
# install step are the ones their READMEs give users, and those say `pip install`.
os.environ.setdefault("UV_VENV_SEED", "1")

#: Committed output folders that `authgen check` must find current.
SAMPLES = ["examples/acme/generated"]
#: Pinned like the generator's own dependency, so formatting is stable.
RUFF = "ruff==0.17.6"
#: What the Python packages are built and checked with, pinned like ruff. setuptools is the generated
#: pyproject's build backend: `build --no-isolation` uses this one and fails if it does not satisfy
#: the package's [build-system] requires (a fresh isolated build env would cost ~15 s per package).
PYTHON_PACKAGING = ("build==1.6.1", "twine==7.0.0", "setuptools==80.9.0")


def _generate(session: nox.Session, target: str) -> Path:
    """Generate the bundled spec's package for ``target`` into a fresh temporary folder."""
    if not (ROOT / "templates" / target / "cookiecutter.json").is_file():
        session.skip(f"{target}: no template in this version of authgen yet")
    out = Path(tempfile.mkdtemp(prefix=f"authgen-{target}-")) / "out"
    session.run("authgen", "generate", "-q", "-o", str(out), "-t", target)
    return out


# -- the generator ----------------------------------------------------------


@nox.session(default=False)
def tests(session: nox.Session) -> None:
    """Run the generator's unit tests."""
    session.install("-e", ".[test]")
    session.run("pytest", *(session.posargs or ["tests/", "--ignore=tests/robust", "-n", "auto"]))


@nox.session(default=False)
def robust(session: nox.Session) -> None:
    """Fuzz specs, hostile strings, kill-safety, concurrent load and fault injection."""
    session.install("-e", ".[test]")
    session.run("pytest", *(session.posargs or ["tests/robust", "-n", "auto"]))


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


@nox.session(default=False)
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


@nox.session(default=False)
def check(session: nox.Session) -> None:
    """Fail when a committed sample is not what the generator produces now."""
    session.install("-e", ".")
    for out in SAMPLES:
        session.run("authgen", "check", out)


# -- generated packages -----------------------------------------------------


def _smoke(session: nox.Session, target: Target) -> None:
    """Generate a target's package and run its own tests in its own toolchain.

    Without the toolchain, a target with a static check (parsing, structure)
    runs that (tier 1), then the session is reported as skipped, with the
    reason, because its build and tests (tier 2) did not run: nox's summary
    never calls tests that did not run a success.  A failing static check
    fails the session.
    """
    session.install("-e", ".")
    package = _generate(session, target.name) / target.name
    if not target.missing_toolchains():
        _own_tests(session, target, package)
        return
    _tier_one(session, target, package)


def _own_tests(session: nox.Session, target: Target, package: Path, *extras: str) -> None:
    """Build ``package`` and run its own tests (S1-S17) in its toolchain.

    A Python package is built as for PyPI first; its tests then run from its unpacked sdist
    against its wheel, installed as users install it, which the example app serves from afterwards.

    :param extras: more extras to install a Python package with, beside ``test``.
    """
    with session.chdir(package):
        if target.language == "python":
            wheel, unpacked = _python_dists(session, package)
            # The wheel as users get it, in place of what an earlier run installed under the same version.
            session.install("--force-reinstall", "--no-deps", str(wheel))
            session.install(f"{wheel}[{','.join(('test', *extras))}]")
            with session.chdir(unpacked):
                session.run("pytest", "-q", *session.posargs)
            return
        for command in target.test_commands:
            session.run(*shlex.split(command.format(python="python")), external=True)


def _python_dists(session: nox.Session, package: Path) -> tuple[Path, Path]:
    """Build a Python package's sdist and wheel as for PyPI, check them, and unpack the sdist.

    The sdist is the whole project (the package's MANIFEST.in): it must hold every
    file of the generated folder, and the package's own tests then run from the
    unpacked sdist, which shows it complete. `twine check --strict` checks the
    metadata and that PyPI can render the README.

    :returns: the wheel, and the folder the sdist unpacked to (both beside the
        generated output, so they go with it).
    """
    files = {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()}
    dist = Path(tempfile.mkdtemp(prefix="dist-", dir=package.parent.parent))
    session.install(*PYTHON_PACKAGING)
    session.run("python", "-m", "build", "--quiet", "--no-isolation", "--outdir", str(dist), str(package))
    session.run("twine", "check", "--strict", *sorted(str(p) for p in dist.iterdir()))
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(dist, filter="data")
    unpacked = dist / sdist.name.removesuffix(".tar.gz")
    shipped = {p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file()}
    # Files for version control and left by earlier runs are not part of the project.
    leftovers = (".gitignore", "__pycache__/", ".egg-info/")
    missing = sorted(f for f in files - shipped if not any(mark in f for mark in leftovers))
    if missing:
        session.error(f"the sdist {sdist.name} lacks {len(missing)} file(s) of the package: {', '.join(missing)}")
    (wheel,) = dist.glob("*.whl")
    return wheel, unpacked


def _tier_one(session: nox.Session, target: Target, package: Path) -> None:
    """Without the target's toolchain: its static check when it has one, then a skip saying what did not run."""
    session.chdir(package)
    reason = f"{', '.join(target.missing_toolchains())} not on PATH"
    if not target.static_check:
        session.skip(f"{target.name}: {reason}; its build and tests were NOT run")
    session.install("-e", f"{ROOT}[test]")
    session.run(*shlex.split(target.static_check.format(python="python")))
    checked = "tier 1 (static check) passed"
    if target.supports_oidc:
        oidc = _generate_oidc(session, target)
        with session.chdir(oidc):
            session.run(*shlex.split(target.static_check.format(python="python")))
        shutil.rmtree(oidc.parent.parent, ignore_errors=True)
        checked += " on the password and the OpenID Connect example"
    session.skip(f"{target.name}: tier 2 (build and tests) NOT run, {reason}; {checked}")


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

    @nox.session(name=f"smoke-{target.name}", default=False)
    def smoke(session: nox.Session) -> None:
        _smoke(session, target)

    @nox.session(name=f"kit-{target.name}", default=False)
    def kit(session: nox.Session) -> None:
        _kit(session, target)

    smoke.__doc__ = f"Generate the {target.framework} package and run its own tests (S1-S17)."
    kit.__doc__ = f"Run the conformance kit against the generated {target.framework} example app."


for _target in TARGETS.values():
    _register(_target)


# -- a real identity server (issue 16) ----------------------------------------

#: The spec the real-server session tests.
KEYCLOAK_SPEC = ROOT / "examples" / "keycloak" / "identity.toml"
#: The OpenID Connect spec, and the targets whose code flow goes through Keycloak's own login page.
KEYCLOAK_OIDC_SPEC = ROOT / "examples" / "keycloak-oidc" / "identity.toml"
#: What each target does while Keycloak starts (install, build its example app for the kit), then
#: its tests against Keycloak. Django migrates without its checks: they want the service settings,
#: which come with Keycloak. Spring runs the smoke tests only: the starter's own tests never call
#: the service.
REAL_TARGETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "flask": (("pip install -q -e .[test]",), ("pytest -q -p no:cacheprovider",)),
    "django": (
        ("pip install -q -e .[test]", "python example/manage.py migrate --noinput --skip-checks -v 0"),
        ("pytest -q -p no:cacheprovider",),
    ),
    "express": (("npm ci --no-audit --no-fund --silent",), ("npm test",)),
    "spring": (
        ("mvn -q -B -DskipTests package",),
        ("mvn -q -B test -Dtest=*SmokeTests -Dsurefire.failIfNoSpecifiedTests=false",),
    ),
    "fastapi": (("pip install -q -e .[test]",), ("pytest -q -p no:cacheprovider",)),
}


#: The targets whose code flow goes through Keycloak's own login page: those with OIDC in their template.
OIDC_REAL_TARGETS = tuple(name for name in REAL_TARGETS if TARGETS[name].supports_oidc)


def _prepare_oidc_apps(session: nox.Session, out: Path, names: tuple[str, ...]) -> str:
    """Build the OIDC example apps in ``out`` as the kit would; the Python that serves them.

    The OIDC packages have the same names as the password ones, so the Python
    ones get a virtualenv of their own (which also holds authgen, for
    tests/real/oidc_flow.py). The apps' settings are placeholders here: the
    builds read them (Django's migrate) but never call the provider.
    """
    from generator.kit.processes import command_line, with_uv  # stdlib only
    from generator.spec import load_spec  # stdlib only

    python = str(out / ".venv" / "bin" / "python")
    session.run("python", "-m", "venv", str(out / ".venv"))
    session.run(*with_uv([python, "-m", "pip", "install", "-q", f"-e{ROOT}[kit]"]), external=True)
    spec = load_spec(KEYCLOAK_OIDC_SPEC)
    oidc = spec.oidc
    placeholders = {setting.env: "prepare" for setting in oidc.settings}
    placeholders[oidc.issuer.env] = "http://127.0.0.1:9/realms/prepare"
    for name in names:
        target = TARGETS[name]
        with session.chdir(out / name):
            for command in target.kit_install:
                session.run(
                    *with_uv(command_line(command, python=python, port="0")),
                    external=True,
                    env={**target.example_env(spec.service.slug), **placeholders},
                )
    return python


@nox.session(name="real-keycloak", default=False)
def real_keycloak(session: nox.Session) -> None:
    """Run the generated packages' own tests and the conformance kit against a real Keycloak 26.5.6.

    The spec is examples/keycloak. Needs java (17) and mvn: Maven fetches the server once into
    ~/.cache/authgen/keycloak. Keycloak starts once, on a free loopback port, for all targets;
    its process group is stopped however the session ends. The realm is tests/real/realm.json,
    the test users tests/real/test-users.json. The kits (`authgen kit --service-env
    --test-users`) run in the background while the packages' tests run.
    """
    from tests.real import keycloak, kits  # stdlib only

    missing = [tool for tool in ("java", "mvn") if not shutil.which(tool)]
    if missing:
        session.skip(f"{' and '.join(missing)} not on PATH: Keycloak was NOT started and nothing was tested")
    targets = [TARGETS[name] for name in REAL_TARGETS]
    unable = [f"{t.name} ({', '.join(t.missing_toolchains())})" for t in targets if t.missing_toolchains()]
    if unable:
        session.error(f"toolchains missing for {'; '.join(unable)}")
    try:
        home = keycloak.fetch(log=session.log)
    except keycloak.KeycloakError as error:
        session.error(str(error))
    session.install("-e", ".[kit]")
    out = Path(tempfile.mkdtemp(prefix="authgen-real-")) / "out"
    session.run("authgen", "generate", "-q", "-o", str(out), str(KEYCLOAK_SPEC), *(f"-t{n}" for n in REAL_TARGETS))
    oidc_out = out.parent / "oidc"
    session.run(
        "authgen",
        "generate",
        "-q",
        "-o",
        str(oidc_out),
        str(KEYCLOAK_OIDC_SPEC),
        *(f"-t{n}" for n in OIDC_REAL_TARGETS),
    )
    began = time.monotonic()

    def run_in(name: str, command: str, **kwargs: object) -> None:
        with session.chdir(out / name):
            session.run(*shlex.split(command), external=True, **kwargs)

    with keycloak.running(home, log=session.log) as server:
        # Keycloak takes most of a minute to start: install and compile the packages meanwhile.
        for name, (prepare, _) in REAL_TARGETS.items():
            for command in prepare:
                run_in(name, command)
        oidc_python = _prepare_oidc_apps(session, oidc_out, OIDC_REAL_TARGETS)
        try:
            server.wait_ready()
            session.log(f"Keycloak answers ({time.monotonic() - began:.0f} s after it was started)")
            realm = keycloak.provision(server.url)
        except keycloak.KeycloakError as error:
            session.error(str(error))
        env = keycloak.settings(realm)
        session.log(f"realm {realm.name!r} on {realm.url}; test users from {env['KEYCLOAK_TEST_USERS']}")
        # One sign-in per operation first: a spec wrong about Keycloak fails here, naming the operation.
        session.run("python", str(ROOT / "tests" / "real" / "preflight.py"), env=env)
        service_env = out.parent / "keycloak.env"
        service_env.write_text("".join(f"{k}={v}\n" for k, v in keycloak.app_settings(realm).items()), "utf-8")
        python = str(Path(session.bin) / "python")
        # 60 s of page views across six token lifetimes, as a user of its own: beside the targets' tests.
        staying = subprocess.Popen(
            [python, str(ROOT / "tests" / "real" / "stay_signed_in.py"), str(out / "flask")],
            env={**os.environ, **env},
        )
        # The code flow through Keycloak's own login page, then 30 s across token lifetimes, then sign-out.
        flows = [
            subprocess.Popen(
                [oidc_python, str(ROOT / "tests" / "real" / "oidc_flow.py"), str(oidc_out / name)],
                env={**os.environ, **env},
            )
            for name in OIDC_REAL_TARGETS
        ]
        # The kits against each example app, in the background: they mostly wait on HTTP.
        background = kits.in_background(
            str(Path(session.bin) / "authgen"), python, out, list(REAL_TARGETS), service_env, keycloak.TEST_USERS_FILE
        )
        with background as kit_runs:
            try:
                for name, (_, tests) in REAL_TARGETS.items():
                    session.log(f"{name}: the package's own tests against Keycloak ({time.monotonic() - began:.0f} s)")
                    for command in tests:
                        run_in(name, command, env=env)
                if staying.wait(timeout=300) != 0:
                    session.error("tests/real/stay_signed_in.py failed (its lines are above)")
                if any(flow.wait(timeout=300) != 0 for flow in flows):
                    session.error("tests/real/oidc_flow.py failed (its lines are above)")
            finally:
                for process in (staying, *flows):
                    if process.poll() is None:
                        process.kill()
            for report in sorted(out.glob("spring/*/target/surefire-reports/*Tests.txt")):  # -q hides the counts
                session.log(f"spring: {report.read_text(encoding='utf-8').splitlines()[3]}")
            session.log(f"the packages' tests passed; waiting for the kits ({time.monotonic() - began:.0f} s)")
            failed = []
            for run in kit_runs.wait(timeout=kits.KIT_TIMEOUT * len(REAL_TARGETS)):
                session.log(f"kit {run.target} ({run.seconds:.0f} s): {run.summary()}")
                if run.code != 0:
                    failed.append(run.target)
                    session.log(f"kit {run.target} exited with {run.code}; its last lines:\n{run.tail()}")
            if failed:
                session.error(f"the conformance kit failed against Keycloak for {', '.join(failed)}")
        session.log(f"all targets passed against Keycloak, tests and kits ({time.monotonic() - began:.0f} s)")
    shutil.rmtree(out.parent, ignore_errors=True)


# -- the pages in a browser ---------------------------------------------------

#: Drives the system's Chromium (Debian's `chromium`); Playwright's own browser download is never used.
PLAYWRIGHT = "playwright>=1.49,<2"
#: Injected into each page to check its accessibility.
AXE_CORE = "axe-core@4.14.1"
#: Where each package README's picture of its login page lives, inside the target's template.
README_SCREENSHOT = "docs/login.png"


def _browser_ready(session: nox.Session, target: Target) -> Path:
    """Skip (saying why) unless the target, Chromium and npm are here; install Playwright and axe-core.

    :return: the path of axe-core's axe.min.js.
    """
    missing = target.missing_toolchains() + [tool for tool in ("chromium", "npm") if not shutil.which(tool)]
    if missing:
        session.skip(f"{target.name}: {', '.join(missing)} not on PATH; the browser tests did NOT run")
    session.install("-e", ".[kit]", PLAYWRIGHT)
    return _axe_core(session)


def _axe_core(session: nox.Session) -> Path:
    """axe-core's axe.min.js, installed once into nox's cache folder."""
    axe = Path(session.cache_dir) / "axe"
    if not (axe / "node_modules/axe-core/axe.min.js").is_file():
        session.run("npm", "install", "--prefix", str(axe), "--no-audit", "--no-fund", AXE_CORE, external=True)
    return axe / "node_modules/axe-core/axe.min.js"


def _browser(session: nox.Session, target: Target, *pytest_args: str) -> None:
    axe = _browser_ready(session, target)
    out = _generate(session, target.name)
    session.run("python", "-m", "generator.browser", str(out / target.name), f"--axe={axe}", *pytest_args)
    shutil.rmtree(out.parent, ignore_errors=True)


@nox.session(default=False)
def screenshots(session: nox.Session) -> None:
    """Refresh each package README's picture of its login page (templates/<target>/.../docs/login.png).

    `nox -s screenshots -- flask express` refreshes only those; a target that cannot run here keeps its picture.
    """
    for target in TARGETS.values():
        if not target.available or (session.posargs and target.name not in session.posargs):
            continue
        if target.missing_toolchains():
            session.warn(f"{target.name}: {', '.join(target.missing_toolchains())} not on PATH; picture NOT refreshed")
            continue
        picture = target.template_dir / "{{cookiecutter.project_dir}}" / README_SCREENSHOT
        picture.parent.mkdir(parents=True, exist_ok=True)
        _browser(session, target, f"--readme-screenshot={picture}", "-k", "readme_screenshot")


def _register_browser(target: Target) -> None:
    """Define ``browser-<target>``: the example app's pages in Chromium."""

    @nox.session(name=f"browser-{target.name}", default=False)
    def browser(session: nox.Session) -> None:
        _browser(session, target, *session.posargs)

    browser.__doc__ = f"Open the {target.framework} example app's pages in Chromium (keyboard, axe-core, brand)."


for _target in TARGETS.values():
    _register_browser(_target)


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
    @nox.session(name=f"scale-{target.name}", default=False)
    def scale(session: nox.Session) -> None:
        _scale(session, target)

    scale.__doc__ = (
        f"Two {target.framework} example apps on one Redis: shared sessions and user cache, 10,000 requests."
    )


for _name in SCALE_TARGETS:
    _register_scale(TARGETS[_name])


# -- everything about one target, on one build (the default run) --------------


def _everything(session: nox.Session, target: Target) -> None:
    """Generate the package once, build it once, and run every suite on that build.

    Its own tests build it (pip, npm ci, mvn verify); the kit installs the example
    app once more the way a user would only where those tests did not already
    (Django migrates the example's database there); the browser and the scale
    test then serve that same build. Chromium and, for a target that
    can share a Redis, redis-server must be here: a plain `nox` never reports a
    suite that did not run as passed (`.ci/run` installs both).
    """
    if not target.available:
        session.skip(f"{target.name}: no template in this version of authgen yet")
    scales = target.name in SCALE_TARGETS
    session.install("-e", ".[kit,test]", PLAYWRIGHT)
    out = _generate(session, target.name)
    package = out / target.name
    if target.missing_toolchains():
        _tier_one(session, target, package)
    needed = ["chromium", "npm"] + (["redis-server"] if scales else [])
    missing = [tool for tool in needed if not shutil.which(tool)]
    if missing:
        session.error(
            f"{target.name}: {', '.join(missing)} not on PATH, so the browser or scale test cannot run "
            f"(apt-get install {' '.join(m for m in missing if m != 'npm')}; or run smoke-{target.name} "
            f"and kit-{target.name} alone)"
        )
    axe = _axe_core(session)
    _own_tests(session, target, package, *(["redis"] if scales and target.language == "python" else []))
    session.chdir(ROOT)
    # Where the package's own tests leave the example app ready to serve, the kit need not build it again.
    session.run("authgen", "kit", str(package), *(["--no-install"] if target.tests_build_example else []))
    session.run("python", "-m", "generator.browser", str(package), f"--axe={axe}", "--no-install")
    if scales:
        session.run("python", "-m", "generator.kit.scale", str(package), "--no-install")
    shutil.rmtree(out.parent, ignore_errors=True)
    if target.supports_oidc:
        _oidc(session, target)


def _oidc(session: nox.Session, target: Target) -> None:
    """The OpenID Connect example for a target that signs users in through a provider: its own tests and the kit.

    examples/keycloak-oidc against the fake provider (S23-S26 in the package's tests and, from outside,
    in the kit); nox -s real-keycloak takes it through Keycloak's own login page.
    """
    package = _generate_oidc(session, target)
    _own_tests(session, target, package)
    session.chdir(ROOT)
    session.run("authgen", "kit", str(package), *(["--no-install"] if target.tests_build_example else []))
    shutil.rmtree(package.parent.parent, ignore_errors=True)


def _generate_oidc(session: nox.Session, target: Target) -> Path:
    """The target's package for examples/keycloak-oidc, in a temporary folder of its own."""
    out = Path(tempfile.mkdtemp(prefix=f"authgen-{target.name}-oidc-")) / "out"
    session.run("authgen", "generate", "-q", "-o", str(out), str(KEYCLOAK_OIDC_SPEC), "-t", target.name)
    return out / target.name


def _register_everything(target: Target) -> None:
    @nox.session(name=target.name, default=False)
    def everything(session: nox.Session) -> None:
        _everything(session, target)

    suites = (
        "its own tests, the kit, the pages in Chromium"
        + (", two instances on Redis" if target.name in SCALE_TARGETS else "")
        + ("; the OpenID Connect example's tests and kit" if target.supports_oidc else "")
    )
    everything.__doc__ = f"The {target.framework} package, built once: {suites}."


for _target in TARGETS.values():
    _register_everything(_target)


# -- the integrations side by side --------------------------------------------

#: What each session took in a fresh clone's CI run on 2 cores, in seconds (four side by side): the
#: dearest start first, so that the cheap ones fill the gaps at the end. The timed output of the next
#: run says when to update them.
COST = {
    "spring": 590,
    "django": 549,
    "flask": 473,
    # About 5 minutes in the run at 2fd0a4c; started before Express, which waits more than it works.
    "fastapi": 400,
    "real-keycloak": 418,
    "express": 345,
    # The unit tests keep both cores busy while the target sessions wait on their servers.
    "tests": 329,
    "robust": 244,
    "aspnetcore": 16,
    "lint": 9,
    "check": 7,
}

#: Sessions running at once by default, per core: much of these sessions is waiting (the kit's
#: cache periods, servers starting, pages loading), so two per core keep the cores busy.
LANES_PER_CORE = 2


#: Java options for the JVMs a plain `nox` starts: the first JIT tier only. Nearly all of their work
#: is compiling and starting up, which the C2 compiler only makes dearer: a Spring package's `mvn
#: verify` took 38 CPU-seconds instead of 71 here. No collector is chosen: Keycloak's kc.sh chooses
#: its own, and a JVM given two refuses to start. `nox -s bench` does not use it, so its Spring
#: figures stay those of a production JVM.
JAVA_QUICK_START = "-XX:TieredStopAtLevel=1"

#: How nox, running one session, begins its verdict on it.
VERDICT = "nox > Session "


def queue(sessions: list[str]) -> list[str]:
    """``sessions`` in the order they start: the dearest first."""
    return sorted(sessions, key=lambda name: -COST.get(name, 100))


def _cores() -> int:
    """The cores this process may run on (a container's share, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


#: How many of a failed session's last lines are printed again at the end, where a CI log that
#: keeps only its tail still shows why it failed; pytest's list of skips is left out of them.
FAILURE_TAIL = 80


def _stream(process: subprocess.Popen[str], label: str, summary: list[str], began: float) -> list[str]:
    """Print a lane's output as it comes, each line labelled with the lane and the minutes since ``began``.

    The minutes show where CI's time goes, step by step, without a profiler;
    nox's verdict on the session ("Session flask was successful in 6 minutes.",
    "... skipped: <why>", "... failed.") is kept for the summary. Returns the
    session's last lines, labelled, for repeating should it fail.
    """
    assert process.stdout is not None
    tail: collections.deque[str] = collections.deque(maxlen=FAILURE_TAIL)
    for line in process.stdout:
        minutes, seconds = divmod(int(time.monotonic() - began), 60)
        labelled = f"[{label} {minutes:02d}:{seconds:02d}] {line}"
        print(labelled, end="", flush=True)
        if "SKIPPED [" not in line:
            tail.append(labelled)
        if line.startswith(VERDICT):
            summary.append(f"[{label}] {line[len(VERDICT) :].rstrip()}")
    return list(tail)


@nox.session(venv_backend="none")
def integrations(session: nox.Session) -> None:
    """Everything a plain `nox` runs, several sessions at a time.

    That is the unit tests, lint, the samples' check, every target's session,
    the real Keycloak and the robustness tests. Each is a `nox -s ...` of its own (sessions alone keep their own
    virtualenvs and temporary folders, and every server they start listens on a
    free port). Each lane takes the next session from one queue when it is
    done with one, the dearest first, so no lane idles while another still has
    two to run. There are two lanes per core (`AUTHGEN_LANES=N` sets the
    count): the sessions wait a lot (the kit's cache periods, servers
    starting), so on two cores four at a time finish sooner than two, and
    the unit tests fill the cores the waiting sessions leave idle. `nox -s
    tests` (or any of them) still runs one alone. The lanes' output is
    labelled line by line with the minutes since this session began; the
    verdicts, skips included, are repeated at the end, and one failed session
    fails this one (the others still run to the end).
    """
    everything = ("tests", "lint", "check", *TARGETS, "real-keycloak", "robust")
    names = [name for name in everything if not session.posargs or name in session.posargs]
    waiting = queue(names)
    count = max(1, min(len(waiting), int(os.environ.get("AUTHGEN_LANES") or LANES_PER_CORE * _cores())))
    command = [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "--no-color"]
    # The JVMs of a run (Maven, the Spring tests, the example apps, Keycloak) live for seconds to minutes.
    env = {**os.environ, "JDK_JAVA_OPTIONS": os.environ.get("JDK_JAVA_OPTIONS", JAVA_QUICK_START)}
    lock = threading.Lock()
    summary: list[str] = []
    failed: dict[str, list[str]] = {}
    running: dict[str, subprocess.Popen[str]] = {}
    began = time.monotonic()

    def lane(label: str) -> None:
        while True:
            with lock:
                if not waiting:
                    return
                name = waiting.pop(0)
                process = subprocess.Popen(
                    [*command, "-s", name],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                running[label] = process
            tail = _stream(process, label, summary, began)
            if process.wait() != 0:
                with lock:
                    failed[name] = tail

    session.log(f"{count} lanes take the sessions in this order: {', '.join(waiting)}")
    lanes = [threading.Thread(target=lane, args=(f"lane {n}",), daemon=True) for n in range(1, count + 1)]
    try:
        for thread in lanes:
            thread.start()
        for thread in lanes:
            thread.join()
    finally:
        with lock:
            waiting.clear()
            for process in running.values():
                if process.poll() is None:
                    process.terminate()
    for name, tail in failed.items():
        print(f"\n-- the last {len(tail)} lines of {name}, which failed --\n{''.join(tail)}", end="", flush=True)
    for line in summary:
        session.log(line)
    if failed:
        session.error(f"{', '.join(failed)} failed (its last lines are repeated above)")
