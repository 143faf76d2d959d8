"""Fixtures of the conformance kit: where the app and the fake are, the spec, the users, the clients.

``authgen kit OUT/<target>`` starts the fake and the example app and passes
their URLs here.  The tests also run against servers started by hand::

    pytest generator/kit --app-url=http://127.0.0.1:5000 --fake-url=http://127.0.0.1:8900 \\
        --spec=integrations/flask/tests/fake/spec.json

Against an app pointed at a real identity service, ``--test-users=FILE``
replaces ``--fake-url`` (``authgen kit OUT/<target> --service-env ENV
--test-users FILE``): the users come from that file, roles are checked as
"has at least", and every test that steers the fake or counts its calls is
skipped, "needs the bundled fake service".

Write ``--spec=PATH`` with ``=``: pytest reads the command line before it
knows this option, and takes a separate path for a folder whose conftest.py
it loads (the package's own tests).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.register_assert_rewrite("generator.kit.checks")

from generator.errors import SpecError  # noqa: E402
from generator.kit.client import AppClient, ClientFactory, FakeControl, FixtureUser  # noqa: E402
from generator.kit.errors import KitError  # noqa: E402
from generator.kit.service import NEEDS_FAKE, read_test_users  # noqa: E402
from generator.model import Operation, Spec  # noqa: E402
from generator.spec import build_spec  # noqa: E402

#: The route prefix when none is given: the contract's default.
DEFAULT_PREFIX = "/auth"
#: The role /admin requires when the spec names no admin role.
DEFAULT_ADMIN_ROLE = "admins"


@dataclass(frozen=True)
class KitOptions:
    """Where the kit's tests find the app and the fake (or the real service's test users), and what the app was told."""

    app_url: str
    #: None when the app talks to a real service
    fake_url: str | None
    spec: Spec
    prefix: str
    #: seconds the app caches the user in its session, when the kit knows it
    session_ttl: float | None
    #: the app's per-account sign-in throttle (failures, window in seconds), when the kit knows it
    login_limit: tuple[int, float] | None = None
    #: the real service's test users (a file's path, or the JSON), when there is no fake
    test_users: str | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("authgen kit", "the conformance kit (each option also reads AUTHGEN_KIT_<NAME>)")
    group.addoption(
        "--app-url", default=os.environ.get("AUTHGEN_KIT_APP_URL"), help="URL of the example app under test"
    )
    group.addoption(
        "--fake-url",
        default=os.environ.get("AUTHGEN_KIT_FAKE_URL"),
        help="URL of the fake identity service the app talks to",
    )
    group.addoption(
        "--test-users",
        default=os.environ.get("AUTHGEN_KIT_TEST_USERS"),
        help="instead of --fake-url, for an app that talks to a real service: its test users "
        "(a JSON file's path, or the JSON: admin, user, disabled; the format of the packages' <PREFIX>_TEST_USERS)",
    )
    group.addoption(
        "--spec",
        default=os.environ.get("AUTHGEN_KIT_SPEC"),
        help="the package's fake/spec.json; write --spec=PATH (e.g. --spec=integrations/flask/tests/fake/spec.json)",
    )
    group.addoption(
        "--prefix",
        default=os.environ.get("AUTHGEN_KIT_PREFIX", DEFAULT_PREFIX),
        help=f"the app's route prefix (default {DEFAULT_PREFIX})",
    )
    group.addoption(
        "--session-ttl",
        type=float,
        default=os.environ.get("AUTHGEN_KIT_SESSION_TTL"),
        help="seconds the app caches the user in the session (S12 checks the refresh only when given)",
    )
    group.addoption(
        "--login-limit",
        type=int,
        default=os.environ.get("AUTHGEN_KIT_LOGIN_LIMIT"),
        help="failed sign-ins per username the app allows (its {SLUG}_LOGIN_LIMIT_PER_ACCOUNT); "
        "the throttle test runs only when given, with --login-window",
    )
    group.addoption(
        "--login-window",
        type=float,
        default=os.environ.get("AUTHGEN_KIT_LOGIN_WINDOW"),
        help="seconds the app counts failed sign-ins for (its {SLUG}_LOGIN_LIMIT_WINDOW)",
    )


#: Why a check of the password sign-in is skipped for an app that signs users in through an OpenID provider.
NO_PASSWORD_FORM = "the app signs users in through an OpenID provider ([service.oidc]): it has no password form"

#: Where pytest_configure keeps the options, once checked.
_OPTIONS = pytest.StashKey[KitOptions]()


def pytest_configure(config: pytest.Config) -> None:
    """Check the kit's options once, before any test: a usage error, not ninety failing tests."""
    config.addinivalue_line("markers", "password_form: checks the app's own password sign-in (not with [service.oidc])")
    if not (config.option.help or config.option.collectonly):
        config.stash[_OPTIONS] = read_options(config)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the checks of the password form, saying why, when the app signs users in through a provider."""
    options = config.stash.get(_OPTIONS, None)
    if options is None or options.spec.oidc is None:
        return
    for item in items:
        if item.get_closest_marker("password_form"):
            item.add_marker(pytest.mark.skip(reason=NO_PASSWORD_FORM))


def read_options(config: pytest.Config) -> KitOptions:
    """The kit's options, with the spec read from ``--spec``.

    :raises pytest.UsageError: when an option is missing or the spec cannot be read.
    """
    option = config.getoption
    users = option("test_users")
    if users and option("fake_url"):
        raise pytest.UsageError("give --fake-url (the bundled fake) or --test-users (a real service), not both")
    missing = [name for name in ("app_url", "spec") if not option(name)]
    if not users and not option("fake_url"):
        missing.append("fake_url")
    if missing:
        flags = ", ".join("--" + name.replace("_", "-") for name in missing)
        raise pytest.UsageError(f"the conformance kit needs {flags} (or run it with `authgen kit OUT/<target>`)")
    if users:
        try:
            read_test_users(users)
        except KitError as err:
            raise pytest.UsageError(f"--test-users: {err}") from err
    path = option("spec")
    try:
        spec = build_spec(json.loads(Path(path).read_text(encoding="utf-8"))["spec"], path)
    except (OSError, ValueError, KeyError, TypeError, SpecError) as err:
        raise pytest.UsageError(f"--spec {path}: not a package's spec.json ({err})") from err
    ttl = option("session_ttl")
    limit, window = option("login_limit"), option("login_window")
    if (limit is None) != (window is None):
        raise pytest.UsageError("give --login-limit and --login-window together (or neither)")
    return KitOptions(
        app_url=option("app_url").rstrip("/"),
        fake_url=None if users else option("fake_url").rstrip("/"),
        spec=spec,
        prefix="/" + option("prefix").strip("/"),
        session_ttl=float(ttl) if ttl is not None else None,
        login_limit=(int(limit), float(window)) if limit is not None else None,
        test_users=users or None,
    )


@pytest.fixture(scope="session")
def kit(pytestconfig: pytest.Config) -> KitOptions:
    """Where the app and the fake are, and what the app was told."""
    return pytestconfig.stash[_OPTIONS]


@pytest.fixture(scope="session")
def spec(kit: KitOptions) -> Spec:
    return kit.spec


@pytest.fixture(scope="session")
def fetches_user(spec: Spec) -> str:
    """The fake's name for the call that reads the user: ``get_user``, or the provider's ``userinfo``."""
    return "get_user" if spec.oidc is None else "userinfo"


@pytest.fixture(scope="session")
def signs_in(spec: Spec) -> str:
    """The fake's name for the call that signs a user in: ``login``, or the provider's ``token``."""
    return "login" if spec.oidc is None else "token"


@pytest.fixture(scope="session")
def session_ttl(kit: KitOptions) -> float:
    """Seconds the app caches the user; skips the test when the kit was not told (``--session-ttl``)."""
    if kit.session_ttl is None:
        pytest.skip("the app's session TTL is unknown (run with --session-ttl, as `authgen kit` does)")
    return kit.session_ttl


@pytest.fixture(scope="session")
def login_limit(kit: KitOptions) -> tuple[int, float]:
    """The app's per-account throttle, (failures, window); skips the test when the kit was not told."""
    if kit.login_limit is None:
        pytest.skip(
            "the app's sign-in throttle is unknown (run with --login-limit and --login-window, as `authgen kit` does)"
        )
    return kit.login_limit


#: The fixtures of optional operations, by operation: a test that needs one the spec lacks says so first.
OPERATION_FIXTURES = {
    "register": "register",
    "forgot_password": "forgot_password",
    "refresh": "refresh",
    "service_logout": "logout",
    "reset_password": "reset_password",
    "change_password": "change_password",
    "verify_email": "verify_email",
}


@pytest.fixture(scope="session")
def fake_control(kit: KitOptions) -> FakeControl | None:
    """The fake's controls, or None when the app talks to a real service."""
    return FakeControl(kit.fake_url) if kit.fake_url is not None else None


@pytest.fixture
def fake(fake_control: FakeControl | None, spec: Spec, request: pytest.FixtureRequest) -> FakeControl:
    """The fake's controls; every test that asks for them is skipped against a real service."""
    if fake_control is None:
        for fixture, operation in OPERATION_FIXTURES.items():
            if fixture in request.fixturenames:
                _operation(spec, operation)  # the spec's own reason to skip, when it has one, comes first
        pytest.skip(NEEDS_FAKE)
    return fake_control


@pytest.fixture(autouse=True)
def _clean_fake(fake_control: FakeControl | None) -> Iterator[None]:
    """Each test starts and ends with the fake's users, counts and faults as they were at start."""
    if fake_control is None:  # a real service: nothing to reset, and nothing a test changed there
        yield
        return
    fake = fake_control
    fake.reset()
    yield
    fake.reset()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Against a real service, say how many checks ran there and how many were skipped for want of the fake."""
    options = config.stash.get(_OPTIONS, None)
    if options is None or options.fake_url is not None:
        return
    stats = terminalreporter.stats
    ran = sum(len(stats.get(outcome, [])) for outcome in ("passed", "failed", "error"))
    skipped = stats.get("skipped", [])
    for_fake = sum(1 for report in skipped if NEEDS_FAKE in str(report.longrepr))
    terminalreporter.write_line(
        f"against the real service: {ran} checks ran ({len(stats.get('failed', []))} failed), "
        f"{len(skipped)} skipped ({for_fake} because they need the bundled fake service, "
        f"{len(skipped) - for_fake} for other reasons)"
    )


# -- the fixture users ---------------------------------------------------------


@pytest.fixture(scope="session")
def admin_role(spec: Spec) -> str:
    """The role /admin requires: the spec's first admin role."""
    return spec.mapping.admin_roles[0] if spec.mapping.admin_roles else DEFAULT_ADMIN_ROLE


@pytest.fixture(scope="session")
def fixture_users(kit: KitOptions, fake_control: FakeControl | None) -> list[FixtureUser]:
    """The users to sign in as: the fake's fixtures, or a real service's test users."""
    if fake_control is None:
        return read_test_users(str(kit.test_users))
    return fake_control.users()


def _usable(user: FixtureUser) -> bool:
    """Whether the user can sign in: enabled and verified at the service, and active in its record."""
    return not user.disabled and not user.unverified and bool(user.expected.get("active", True))


def _pick(users: list[FixtureUser], what: str, test: Callable[[FixtureUser], bool], key: str) -> FixtureUser:
    """The first fixture user that passes ``test``; for a real service's test users, the one under ``key``.

    A real user's roles are only those it has at least: its key says what it is for.
    """
    if users and not users[0].exact:
        for user in users:
            if user.key == key:
                return user
        pytest.skip(f"the test users have no {key!r} user ({what})")
    for user in users:
        if test(user):
            return user
    pytest.fail(f"the fake has no {what} among its fixture users: {[u.key for u in users]}", pytrace=False)


@pytest.fixture(scope="session")
def plain_user(fixture_users: list[FixtureUser], admin_role: str) -> FixtureUser:
    """An active user without the admin role."""
    return _pick(
        fixture_users,
        "active user without the admin role",
        lambda u: _usable(u) and admin_role not in u.expected["roles"],
        "user",
    )


@pytest.fixture(scope="session")
def admin_user(fixture_users: list[FixtureUser], admin_role: str) -> FixtureUser:
    """An active user with the role /admin requires."""
    return _pick(
        fixture_users,
        f"active user with the role {admin_role!r}",
        lambda u: _usable(u) and admin_role in u.expected["roles"],
        "admin",
    )


@pytest.fixture(scope="session")
def disabled_user(fixture_users: list[FixtureUser]) -> FixtureUser:
    """A user the service refuses as disabled (the fake says which, whether or not the record can)."""
    return _pick(fixture_users, "disabled user", lambda u: u.disabled, "disabled")


@pytest.fixture(scope="session")
def unverified_user(fixture_users: list[FixtureUser], verify_email: Operation) -> FixtureUser:
    """A user the service refuses until the email address is verified (specs with verify_email)."""
    return _pick(fixture_users, "user with an unverified email address", lambda u: u.unverified, "unverified")


# -- simulated clients ---------------------------------------------------------


@pytest.fixture
def new_client(kit: KitOptions) -> ClientFactory:
    """Make a fresh user agent: ``new_client()`` speaks JSON, ``new_client(browser=True)`` HTML and forms."""

    def make(*, browser: bool = False) -> AppClient:
        return AppClient(kit.app_url, kit.prefix, browser=browser, oidc=kit.spec.oidc is not None)

    return make


@pytest.fixture
def api(new_client: ClientFactory) -> AppClient:
    """An API client: ``Accept: application/json``, JSON posts with the CSRF header."""
    return new_client()


@pytest.fixture
def browser(new_client: ClientFactory) -> AppClient:
    """A browser: ``Accept: text/html``, form posts with the CSRF field."""
    return new_client(browser=True)


@pytest.fixture(params=[False, True], ids=["json", "form"])
def either_client(request: pytest.FixtureRequest, new_client: ClientFactory) -> AppClient:
    """An API client, then a browser: for what every kind of client must see."""
    return new_client(browser=request.param)


@pytest.fixture
def signed_in(api: AppClient, plain_user: FixtureUser) -> AppClient:
    """An API client signed in as the plain user."""
    api.sign_in(plain_user)
    return api


@pytest.fixture
def signed_in_browser(browser: AppClient, plain_user: FixtureUser) -> AppClient:
    """A browser signed in as the plain user through the login form."""
    browser.sign_in(plain_user)
    return browser


# -- optional operations ---------------------------------------------------------


def _operation(spec: Spec, name: str) -> Operation:
    """The spec's operation ``name``; skips the test, saying why, when the spec has none."""
    if not spec.has(name):
        pytest.skip(f"the spec has no [operations.{name}], so the app serves no route for it")
    return spec.operations[name]


@pytest.fixture
def register(spec: Spec) -> Operation:
    """The spec's register operation (S14 and the register routes run only when it has one)."""
    return _operation(spec, "register")


@pytest.fixture
def forgot_password(spec: Spec) -> Operation:
    """The spec's forgot_password operation (S15 runs only when it has one)."""
    return _operation(spec, "forgot_password")


@pytest.fixture(scope="session")
def refresh(spec: Spec) -> Operation:
    """The spec's refresh operation (S18 runs only when it has one)."""
    return _operation(spec, "refresh")


@pytest.fixture(scope="session")
def service_logout(spec: Spec) -> Operation:
    """The spec's logout operation (S19 runs only when it has one)."""
    return _operation(spec, "logout")


@pytest.fixture(scope="session")
def reset_password(spec: Spec) -> Operation:
    """The spec's reset_password operation (S20 runs only when it has one)."""
    return _operation(spec, "reset_password")


@pytest.fixture(scope="session")
def change_password(spec: Spec) -> Operation:
    """The spec's change_password operation (S21 runs only when it has one)."""
    return _operation(spec, "change_password")


@pytest.fixture(scope="session")
def verify_email(spec: Spec) -> Operation:
    """The spec's verify_email operation (S22 runs only when it has one)."""
    return _operation(spec, "verify_email")
