"""Run the conformance kit against one generated package's example app.

The runner is the only part that knows about processes: it starts the fake
and the example app, hands their URLs to the kit's tests as pytest options,
and stops both whatever happens.  The tests themselves only speak HTTP.

Given a real service's settings and test users instead (``service_env``,
``test_users``), it starts no fake: the app talks to that service, and the
tests that need the fake are skipped (:mod:`generator.kit.service`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import KitError
from .package import KitPackage, load_package, service_env
from .processes import Process, install_app, serve_app, start_fake
from .service import ExternalService, check_reachable, external_service

#: The kit's tests: this folder.
KIT_DIR = Path(__file__).resolve().parent
#: Seconds the example app caches the user in its session during a kit run, so S12 can see a refresh.
SESSION_TTL = 3
#: The variable, formatted with the spec's upper-case slug, that sets that TTL in every target.
SESSION_TTL_ENV = "{SLUG}_SESSION_TTL"
#: Failed sign-ins for one username the example app allows within LOGIN_WINDOW seconds during a kit run.
LOGIN_LIMIT = 8
#: Seconds the app counts failed sign-ins for: short, so the throttle test waits little.
LOGIN_WINDOW = 4
#: The variables that set them (docs/http-contract.md, "Throttling failed sign-ins").
LOGIN_LIMIT_ENV = "{SLUG}_LOGIN_LIMIT_PER_ACCOUNT"
LOGIN_WINDOW_ENV = "{SLUG}_LOGIN_LIMIT_WINDOW"
#: Left unset for the kit: every kit request comes from one address.
LOGIN_LIMIT_PER_CLIENT_ENV = "{SLUG}_LOGIN_LIMIT_PER_CLIENT"

Say = Callable[[str], None]


@dataclass(frozen=True)
class Suite:
    """A folder of tests to run against a served example app: the conformance kit, or another suite on it.

    Another suite (the browser tests) reuses the kit's fixtures through ``plugins``
    and may ask for more copies of the app, each with a few more environment
    variables (``variants``: a pytest option name, e.g. ``branded-app-url``, and
    that copy's variables); each copy's URL reaches pytest as ``--<option>=URL``.
    """

    folder: Path
    plugins: tuple[str, ...] = ()
    variants: Callable[[KitPackage], Mapping[str, Mapping[str, str]]] = field(default=lambda _pkg: {})


#: The conformance kit itself.
KIT = Suite(KIT_DIR)


def run_kit(
    package: Path,
    quiet: bool = False,
    pytest_args: list[str] | None = None,
    *,
    python: str | None = None,
    suite: Suite = KIT,
    install: bool = True,
    service_env: Path | None = None,
    test_users: Path | None = None,
) -> int:
    """Serve ``package``'s example app against its fake (or a real service) and run the kit's tests on it.

    :param package: a target's folder in an output folder, e.g. ``integrations/flask``.
    :param quiet: print no progress lines.
    :param pytest_args: extra arguments for pytest (``-x``, ``-k s01`` ...).
    :param python: the interpreter the registry's ``{python}`` stands for; the running one by default.
    :param suite: the tests to run; the conformance kit by default.
    :param install: run the target's install commands first; ``False`` serves the app as an
        earlier run left it (one build for the package's tests, the kit, the browser and scale).
    :param service_env: a file of the app's environment variables that point it at a real
        service instead of the fake (``KEYCLOAK_URL=...``); needs ``test_users``.
    :param test_users: that service's test users (the packages' ``<PREFIX>_TEST_USERS`` format).
    :return: pytest's exit code (0 when every test passed).
    :raises KitError: when the package, the fake, the service settings or the app cannot be set up.
    """
    say: Say = (lambda _msg: None) if quiet else (lambda msg: print(f"kit: {msg}", file=sys.stderr, flush=True))
    python = python or sys.executable
    pkg = load_package(package)
    missing = pkg.target.missing_toolchains()
    if missing:
        raise KitError(
            subject=pkg.target.name,
            reason=f"cannot run here: {', '.join(missing)} not on PATH",
            details=[f"install the {pkg.target.framework} toolchain to serve its example app"],
        )
    if (service_env is None) != (test_users is None):
        raise KitError(
            subject=pkg.target.name,
            reason="a real service needs both its settings (--service-env) and its test users (--test-users)",
        )
    service = external_service(pkg.spec, service_env, test_users) if service_env and test_users else None
    with _sigterm_as_interrupt(), ExitStack() as running:
        fake_url = None
        if service is None:
            say(f"{pkg.target.name}: starting the fake identity service")
            fake, fake_url = start_fake(pkg, python)
            running.callback(_stopper(fake, say))
            say(f"fake listening on {fake_url}")
        else:
            base_url = service.env[pkg.spec.service.setting("base_url").env]
            check_reachable(base_url)
            say(f"{pkg.target.name}: no fake; the app talks to the service at {base_url}")
        env = app_environment(pkg, fake_url, service)
        # The app's temporary files (Django's example keeps its sessions there) go with the run.
        env["TMPDIR"] = running.enter_context(tempfile.TemporaryDirectory(prefix="authgen-kit-app-"))
        if install:
            say(f"installing the example app in {pkg.root}")
            install_app(pkg, python, env)
        say("starting the example app")
        app, app_url = serve_app(pkg, python, env)
        running.callback(_stopper(app, say))
        extra = list(pytest_args or [])
        for option, variables in suite.variants(pkg).items():
            say(f"starting another copy of the example app for --{option}")
            other, other_url = serve_app(pkg, python, {**env, **variables})
            running.callback(_stopper(other, say))
            extra.insert(0, f"--{option}={other_url}")
        say(f"example app answering at {app_url}; running the tests in {suite.folder}")
        code = subprocess.call(pytest_command(pkg, app_url, fake_url, extra, quiet=quiet, suite=suite, service=service))
        if code != 0 and not quiet:
            _show_output(app, say)
        return code


def app_environment(pkg: KitPackage, fake_url: str | None, service: ExternalService | None = None) -> dict[str, str]:
    """The example app's environment: ours, the target's ``kit_env``, a short session TTL, the
    sign-in throttle the kit tests (per account only), the service settings (the fake's, or the
    real service's from its environment file)."""
    slug = pkg.spec.service.slug.upper()
    env = dict(os.environ)
    env.update(pkg.target.example_env(slug))
    env[SESSION_TTL_ENV.format(SLUG=slug)] = str(SESSION_TTL)
    env[LOGIN_LIMIT_ENV.format(SLUG=slug)] = str(LOGIN_LIMIT)
    env[LOGIN_WINDOW_ENV.format(SLUG=slug)] = str(LOGIN_WINDOW)
    env.pop(LOGIN_LIMIT_PER_CLIENT_ENV.format(SLUG=slug), None)
    if service is not None:
        env.update(service.env)
    elif fake_url is not None:
        env.update(service_env(pkg, fake_url))
    return env


def pytest_command(
    pkg: KitPackage,
    app_url: str,
    fake_url: str | None,
    extra: list[str],
    *,
    quiet: bool,
    suite: Suite = KIT,
    service: ExternalService | None = None,
) -> list[str]:
    """The pytest command line that runs the kit's tests against a served app.

    The kit ignores any pytest configuration and conftest.py around it
    (``-c`` an empty file, ``--confcutdir`` its own folder) and writes no cache
    into the installed package.  Options are written ``--name=value``: pytest
    reads the command line before it knows the kit's options, and would take
    a separate value that is a path (the spec inside the package's tests) for
    a folder whose conftest.py it must load.
    """
    return [
        sys.executable,
        "-m",
        "pytest",
        str(suite.folder),
        f"-c={os.devnull}",
        f"--rootdir={suite.folder}",
        f"--confcutdir={suite.folder}",
        "-p",
        "no:cacheprovider",
        *(arg for plugin in suite.plugins for arg in ("-p", plugin)),
        "-ra",
        "--tb=short",
        *(["-q"] if quiet else []),
        f"--app-url={app_url}",
        f"--test-users={service.test_users}" if service is not None else f"--fake-url={fake_url}",
        f"--spec={pkg.spec_data}",
        f"--session-ttl={SESSION_TTL}",
        f"--login-limit={LOGIN_LIMIT}",
        f"--login-window={LOGIN_WINDOW}",
        *extra,
    ]


def _stopper(process: Process, say: Say) -> Callable[[], None]:
    def stop() -> None:
        process.stop()
        say(f"stopped {process.role}")

    return stop


def _show_output(app: Process, say: Say) -> None:
    """Print the app's last lines of output: a failing test often has a traceback there."""
    lines = app.last_output()
    if lines:
        say("the example app's last lines of output:")
        for line in lines:
            print(f"  | {line}", file=sys.stderr)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while the kit runs, so a cancelled CI job still stops both processes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
