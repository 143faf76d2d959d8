"""Fault behaviour: every fault the fake can inject, on every operation, fails closed and cleanly.

The example app of the Acme spec (Flask, and Express where its target is
available; a target other than Flask whose own tests fail is skipped, with
what it would fail) runs against its fake, as the conformance kit serves it,
with a one-second service timeout and no session cache, so every request of
a signed-in user refreshes the user with get_user.  For each operation
(login, get_user at sign-in, get_user at a refresh, register, forgot
password), as an API client and, where a page answers, as a browser, the fake
is made to fail: 500/502/503, an answer slower than the timeout, a dropped
connection, a 200 whose body is not JSON (or is JSON of the wrong shape or
empty), and a body that lacks a value the spec points at.  The app must
answer 503, or a clear JSON error (``{"error": {"code", "message"}}``) or an
error page; never a 500, never a stack trace, and never a signed-in session.

The conformance kit checks a few of these at login; this is the whole matrix.
Last, what users type: hostile usernames and passwords, JSON of the wrong
shape and bodies that are not JSON objects are refused with 400 or 401,
never a 500, and the password is never echoed back.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from generator.kit.client import AppClient, FakeControl, FixtureUser
from generator.render import generate
from generator.targets import TARGETS

from . import support

#: The targets whose example apps run here: Flask, the reference, and Express when it is ready.
TARGET_NAMES = ["flask", "express"]
#: Seconds the app waits for the service; the slow fault waits longer.
TIMEOUT = 1.0
#: Faults for every operation, by id.
FAULTS: dict[str, dict[str, Any]] = {
    "status-500": {"status": 500},
    "status-502": {"status": 502},
    "status-503": {"status": 503},
    "slow": {"delay": TIMEOUT + 1.0},
    "dropped": {"drop": True},
    "not-json": {"body": "not json"},
    "html": {"body": "<html><body>Gateway says hi</body></html>"},
    "json-null": {"body": "null"},
    "json-array": {"body": "[1, 2]"},
    "json-string": {"body": '"text"'},
    "empty": {"body": ""},
}
#: Values the spec points at, left out of otherwise normal answers, by operation.
OMITTED = {
    "login": ["/user/id", "/token", "/user"],
    "get_user": ["/id", "/email", "/status", "/groups", ""],
}
#: Statuses a failing service may surface as, with the error code each carries.
CLEAN_ERRORS = {503: "service_unavailable", 502: "failed"}


@dataclass(frozen=True)
class Scene:
    target: str
    app_url: str
    fake: FakeControl
    app: support.Process
    user: FixtureUser


@pytest.fixture(scope="module", params=TARGET_NAMES)
def target(request: pytest.FixtureRequest) -> str:
    """The target whose example app is under test: Flask, and Express where it is available."""
    name = request.param
    if not TARGETS[name].available:
        pytest.skip(f"{name}: no template in this version of authgen")
    if name == "express" and not support.node_available():
        pytest.skip("express: node and npm are not installed")
    return name


@pytest.fixture(scope="module")
def app_package(target: str, acme_app: Path, robust_tmp: Path, python_venv: str) -> Path:
    """The target's package of the Acme spec, installed and ready to serve."""
    if target == "flask":
        return acme_app
    out = robust_tmp / f"{target}-faults"
    generate(support.ACME, out, [target])
    support.install(out / target, python_venv)
    return out / target


@pytest.fixture(scope="module")
def scene(target: str, app_package: Path, python_venv: str) -> Iterator[Scene]:
    env = {
        support.slug_env(app_package, "TIMEOUT"): str(TIMEOUT),
        support.slug_env(app_package, "SESSION_TTL"): "0",
    }
    with support.served(app_package, python_venv, env) as served:
        fake = FakeControl(served.fake_url)
        user = next(u for u in fake.users() if u.key == "user")
        yield Scene(target, served.app_url, fake, served.app, user)


@pytest.fixture
def fresh(scene: Scene) -> Iterator[Scene]:
    """The fake as at start before and after each case; afterwards, no traceback in the app's log.

    The log is read for Flask, whose server logs every request (so the case's
    start can be found in it) and every unhandled exception with its traceback.
    """
    scene.fake.reset()
    marker = f"/__robust_case_{uuid.uuid4().hex}"
    requests.get(scene.app_url + marker, timeout=10)  # the app logs it: where this case starts
    yield scene
    scene.fake.reset()
    if scene.target != "flask":
        return
    # Where the case ends: once this line is read from the app's stderr, so is everything the case logged
    # (a thread reads it, and on a busy machine it may be a moment behind the requests).
    end = f"/__robust_case_end_{uuid.uuid4().hex}"
    requests.get(scene.app_url + end, timeout=10)
    assert scene.app.stderr.wait_for(re.compile(re.escape(end)), timeout=30), "the app's request log stopped"
    lines = scene.app.stderr.last(500)
    since = next((i for i in range(len(lines) - 1, -1, -1) if marker in lines[i]), None)
    assert since is not None, "the app's request log does not show where the case started"
    logged = "\n".join(lines[since:])
    assert "Traceback" not in logged, f"the app logged a traceback:\n{logged[-3000:]}"
    assert '" 500 ' not in logged, f"the app answered 500:\n{logged[-3000:]}"


def api(scene: Scene) -> AppClient:
    return AppClient(scene.app_url, "/auth", browser=False)


def browser(scene: Scene) -> AppClient:
    return AppClient(scene.app_url, "/auth", browser=True)


def assert_fails_cleanly(response: requests.Response, *, browser: bool = False) -> None:
    """503 (or 502 ``failed``), as a JSON error or an error page; never a 500 or a stack trace."""
    support.count("faults: answers checked")
    text = response.text
    where = f"{response.request.method} {response.request.path_url} -> {response.status_code}: {text[:300]!r}"
    assert "Traceback" not in text and 'File "' not in text, f"a stack trace reached the client: {where}"
    assert response.status_code in CLEAN_ERRORS, f"expected 503 (or 502): {where}"
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    if browser:
        assert media == "text/html", f"a browser gets an error page: {where}"
        return
    assert media == "application/json", f"an API client gets JSON: {where}"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, where
    assert body["error"]["code"] == CLEAN_ERRORS[response.status_code] and body["error"]["message"], where


def inject(scene: Scene, operation: str, fault: dict[str, Any]) -> None:
    scene.fake.fault(operation, **fault)
    support.count("faults: injected")


# -- login and get_user at sign-in -------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
@pytest.mark.parametrize("operation", ["login", "get_user"])
@pytest.mark.parametrize("kind", ["json", "form"])
def test_sign_in_fails_closed(fresh: Scene, operation: str, fault: dict[str, Any], kind: str) -> None:
    client = api(fresh) if kind == "json" else browser(fresh)
    inject(fresh, operation, fault)
    answer = client.login(fresh.user.username, fresh.user.password)
    assert_fails_cleanly(answer, browser=kind == "form")
    fresh.fake.reset()
    assert not client.signed_in(), "a failed sign-in left a signed-in session"


@pytest.mark.slow
@pytest.mark.parametrize(
    "operation,pointer", [(op, p) for op, pointers in OMITTED.items() for p in pointers], ids=lambda v: v or "root"
)
def test_sign_in_without_a_pointed_at_value_fails_closed(fresh: Scene, operation: str, pointer: str) -> None:
    client = api(fresh)
    inject(fresh, operation, {"omit": pointer})
    assert_fails_cleanly(client.login(fresh.user.username, fresh.user.password))
    fresh.fake.reset()
    assert not client.signed_in(), "a failed sign-in left a signed-in session"


# -- get_user when a signed-in user is refreshed -----------------------------------------------------

_REFRESH_FAULTS = {**FAULTS, **{f"omit-{p or 'root'}": {"omit": p} for p in OMITTED["get_user"]}}


@pytest.mark.slow
@pytest.mark.parametrize("fault", _REFRESH_FAULTS.values(), ids=_REFRESH_FAULTS.keys())
def test_refresh_fails_closed(fresh: Scene, fault: dict[str, Any]) -> None:
    """A signed-in user's next request, while get_user fails: 503 for me and for pages, not the user."""
    client = api(fresh)
    client.sign_in(fresh.user)
    page = browser(fresh).with_cookies(client.cookies())
    inject(fresh, "get_user", fault)
    assert_fails_cleanly(client.me())
    assert_fails_cleanly(client.get("/", headers={"Accept": "application/json"}))
    assert_fails_cleanly(page.get("/"), browser=True)
    logout = client.logout()
    assert logout.status_code == 204, f"signing out works while the service fails: {logout.status_code}"
    fresh.fake.reset()
    assert not client.signed_in(), "signed out, and stays signed out once the service is back"


# -- register and forgot password ------------------------------------------------------------------------


def _register_fields() -> dict[str, str]:
    return {
        "email": f"fault-{uuid.uuid4().hex[:10]}@example.com",
        "password": "Fault-pass-1",
        "first_name": "Fay",
        "last_name": "Ult",
    }


@pytest.mark.slow
@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
@pytest.mark.parametrize("kind", ["json", "form"])
def test_register_fails_cleanly(fresh: Scene, fault: dict[str, Any], kind: str) -> None:
    client = api(fresh) if kind == "json" else browser(fresh)
    inject(fresh, "register", fault)
    assert_fails_cleanly(client.submit("register", _register_fields()), browser=kind == "form")
    assert not client.signed_in(), "registering never signs anyone in"


@pytest.mark.slow
@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
@pytest.mark.parametrize("kind", ["json", "form"])
def test_forgot_password_fails_cleanly(fresh: Scene, fault: dict[str, Any], kind: str) -> None:
    client = api(fresh) if kind == "json" else browser(fresh)
    inject(fresh, "forgot_password", fault)
    answer = client.submit("forgot", {"email": fresh.user.expected["email"]})
    assert_fails_cleanly(answer, browser=kind == "form")
    assert not client.signed_in()


# -- what users type -----------------------------------------------------------------------------------

#: Usernames and passwords that are hard on forms, JSON, HTML and the service client.
HOSTILE_INPUT = {
    "empty": "",
    "nul": "a\x00b",
    "emoji": "😀",
    "newline": "a\r\nb",
    "rtl": "\u202eevil",
    "huge": "a" * 200_000,
    "reference": "${input.password}",
    "quotes": "' OR 1=1 -- \"",
    "html": "<script>alert(1)</script>",
}
#: Ends every password the hostile-input tests type, to see that it is never echoed.
SECRET_TAIL = "-never-echoed-7f3a"
#: JSON login bodies of the wrong shape.
ODD_JSON = {
    "numbers": {"username": 1, "password": 2},
    "nulls": {"username": None, "password": None},
    "arrays": {"username": ["a"], "password": ["b"]},
    "objects": {"username": {"a": 1}, "password": "x"},
    "booleans": {"username": True, "password": False},
    "next-array": {"username": "a", "password": "b", "next": ["/x"]},
}
#: Raw bodies sent as application/json.
RAW_JSON = {
    "array": b"[]",
    "string": b'"x"',
    "truncated": b'{"username": "a", "pass',
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "not-utf8": b"\xff\xfe{}",
    "lone-surrogate": b'{"username": "a\\ud800", "password": "x"}',
}


def assert_refused_cleanly(response: requests.Response, *, browser: bool = False) -> None:
    """400 or 401 with the contract's JSON error (or a page); never a 500, a stack trace, or raw markup."""
    support.count("hostile input: answers checked")
    text = response.text
    where = f"{response.request.method} {response.request.path_url} -> {response.status_code}: {text[:200]!r}"
    assert response.status_code in (400, 401, 413), f"expected 400 or 401: {where}"
    assert "Traceback" not in text and "<script>alert(1)</script>" not in text, where
    if not browser:
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, where


@pytest.mark.slow
@pytest.mark.parametrize("value", HOSTILE_INPUT.values(), ids=HOSTILE_INPUT.keys())
@pytest.mark.parametrize("kind", ["json", "form"])
def test_hostile_credentials_are_refused_cleanly(fresh: Scene, value: str, kind: str) -> None:
    client = api(fresh) if kind == "json" else browser(fresh)
    answer = client.login(value, value + SECRET_TAIL)
    assert_refused_cleanly(answer, browser=kind == "form")
    assert SECRET_TAIL not in answer.text, "the password is echoed back"
    assert not client.signed_in()


@pytest.mark.slow
@pytest.mark.parametrize("body", ODD_JSON.values(), ids=ODD_JSON.keys())
def test_login_json_of_the_wrong_shape_is_refused_cleanly(fresh: Scene, body: dict[str, Any]) -> None:
    client = api(fresh)
    token = client.csrf()
    assert_refused_cleanly(client.request("POST", "/auth/login", json=body, headers={token.header: token.token}))
    assert not client.signed_in()


@pytest.mark.slow
@pytest.mark.parametrize("raw", RAW_JSON.values(), ids=RAW_JSON.keys())
def test_login_body_that_is_not_a_json_object_is_refused_cleanly(fresh: Scene, raw: bytes) -> None:
    client = api(fresh)
    assert_refused_cleanly(client.post_raw("login", raw, "application/json"))
    assert not client.signed_in()
