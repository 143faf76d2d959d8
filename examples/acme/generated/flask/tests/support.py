"""What the tests share: the service, the app under test, the test users, and HTTP helpers.

The service is the bundled fake (``tests/fake/``, standard library only),
started in this process on a free port and reached over real HTTP. Set
``ACME_TEST_BASE_URL`` (and ``ACME_TEST_<SETTING>`` for the other settings) to
test against a real deployment instead: the tests that need to steer the
service are then skipped, and the users to sign in as come from
``ACME_TEST_USERS`` (see :func:`real_users`).
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask, request
from flask.testing import FlaskClient
from flask_login import current_user, login_required
from werkzeug.test import TestResponse

from flask_acme import Acme, roles_required

#: What the bundled fake serves: the spec and the settings it expects.
FAKE_DATA = Path(__file__).parent / "fake" / "spec.json"

#: The environment variable that points the tests at a real service.
REAL_SERVICE_ENV = "ACME_TEST_BASE_URL"

#: The settings of the app under test, besides the base URL: the values the fake expects.
SETTINGS = {
    "ACME_API_KEY": os.environ.get("ACME_TEST_API_KEY", "test-api-key"),
    "ACME_APPLICATION_ID": os.environ.get("ACME_TEST_APPLICATION_ID", "test-application-id"),
}

#: The role that guards ``/admin``: the admin has it, the plain user does not.
GUARD_ROLE = "admins"

#: The environment variable with the users of a real deployment: JSON, or the path of a JSON file.
TEST_USERS_ENV = "ACME_TEST_USERS"

#: True against the bundled fake, whose users the tests know down to their ids and exact roles.
FAKE = not os.environ.get(REAL_SERVICE_ENV)

#: Unique to this run: what the tests register never collides with an earlier run's accounts.
RUN = uuid.uuid4().hex[:8]

#: The fake's users by key: credentials, their record, and the user a correct integration builds from it.
FAKE_USERS: dict[str, dict[str, Any]] = {
    "admin": {
        "key": "admin",
        "username": "admin@example.com",
        "password": "admin-pass-1",
        "record": {
            "id": "usr-0001",
            "email": "admin@example.com",
            "profile": {"firstName": "Ada", "lastName": "Lovelace"},
            "groups": [{"name": "admins"}, {"name": "staff"}],
            "status": "ACTIVE",
            "created": "2024-03-01T09:30:00Z",
        },
        "expected": {
            "id": "usr-0001",
            "username": "admin@example.com",
            "email": "admin@example.com",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "roles": ["admins", "staff"],
            "active": True,
            "is_staff": True,
            "is_admin": True,
        },
        "fields": {
            "id": "usr-0001",
            "email": "admin@example.com",
            "given_name": "Ada",
            "family_name": "Lovelace",
            "groups": ["admins", "staff"],
            "status": "ACTIVE",
            "created": "2024-03-01T09:30:00Z",
        },
    },
    "user": {
        "key": "user",
        "username": "user@example.com",
        "password": "user pass+2&:%",
        "record": {
            "id": "usr-0002",
            "email": "user@example.com",
            "profile": {"firstName": "Alan", "lastName": "Jørgensen"},
            "groups": [{"name": "users"}],
            "status": "ACTIVE",
            "created": "2024-03-02T09:30:00Z",
        },
        "expected": {
            "id": "usr-0002",
            "username": "user@example.com",
            "email": "user@example.com",
            "first_name": "Alan",
            "last_name": "Jørgensen",
            "roles": ["users"],
            "active": True,
            "is_staff": False,
            "is_admin": False,
        },
        "fields": {
            "id": "usr-0002",
            "email": "user@example.com",
            "given_name": "Alan",
            "family_name": "Jørgensen",
            "groups": ["users"],
            "status": "ACTIVE",
            "created": "2024-03-02T09:30:00Z",
        },
    },
    "disabled": {
        "key": "disabled",
        "username": "disabled@example.com",
        "password": "disabled-pass-3",
        "record": {
            "id": "usr-0003",
            "email": "disabled@example.com",
            "profile": {"firstName": "Dana", "lastName": "Scully"},
            "groups": [{"name": "users"}],
            "status": "LOCKED",
            "created": "2024-03-03T09:30:00Z",
        },
        "expected": {
            "id": "usr-0003",
            "username": "disabled@example.com",
            "email": "disabled@example.com",
            "first_name": "Dana",
            "last_name": "Scully",
            "roles": ["users"],
            "active": False,
            "is_staff": False,
            "is_admin": False,
        },
        "fields": {
            "id": "usr-0003",
            "email": "disabled@example.com",
            "given_name": "Dana",
            "family_name": "Scully",
            "groups": ["users"],
            "status": "LOCKED",
            "created": "2024-03-03T09:30:00Z",
        },
    },
    "staff": {
        "key": "staff",
        "username": "staff@example.com",
        "password": "staff-pass-4",
        "record": {
            "id": "usr-0004",
            "email": "staff@example.com",
            "profile": {"firstName": "Grace", "lastName": "Hopper"},
            "groups": [{"name": "staff"}, {"name": "users"}],
            "status": "ACTIVE",
            "created": "2024-03-04T09:30:00Z",
        },
        "expected": {
            "id": "usr-0004",
            "username": "staff@example.com",
            "email": "staff@example.com",
            "first_name": "Grace",
            "last_name": "Hopper",
            "roles": ["staff", "users"],
            "active": True,
            "is_staff": True,
            "is_admin": False,
        },
        "fields": {
            "id": "usr-0004",
            "email": "staff@example.com",
            "given_name": "Grace",
            "family_name": "Hopper",
            "groups": ["staff", "users"],
            "status": "ACTIVE",
            "created": "2024-03-04T09:30:00Z",
        },
    },
    "unverified": {
        "key": "unverified",
        "username": "unverified@example.com",
        "password": "unverified-pass-5",
        "record": {
            "id": "usr-0005",
            "email": "unverified@example.com",
            "profile": {"firstName": "Rosalind", "lastName": "Franklin"},
            "groups": [{"name": "users"}],
            "status": "ACTIVE",
            "created": "2024-03-05T09:30:00Z",
        },
        "expected": {
            "id": "usr-0005",
            "username": "unverified@example.com",
            "email": "unverified@example.com",
            "first_name": "Rosalind",
            "last_name": "Franklin",
            "roles": ["users"],
            "active": True,
            "is_staff": False,
            "is_admin": False,
        },
        "fields": {
            "id": "usr-0005",
            "email": "unverified@example.com",
            "given_name": "Rosalind",
            "family_name": "Franklin",
            "groups": ["users"],
            "status": "ACTIVE",
            "created": "2024-03-05T09:30:00Z",
        },
    },
}


def real_users(config: str) -> dict[str, dict[str, Any]]:
    """The users of a real deployment, from ``ACME_TEST_USERS``: JSON, or the path of a JSON file.

    Keys say what each user is for: ``admin`` has the role that guards
    ``/admin`` (``GUARD_ROLE``), ``user`` lacks it, ``disabled`` is a disabled account, ``staff`` is optional; ``unverified``, optional, is an account whose email address is not verified yet.
    Each gives ``username`` and ``password``; ``roles``, the roles the user must
    have at least (the service may add its own); and optionally ``id``, ``email``,
    ``first_name`` or ``last_name`` to check exactly. For example::

        {"admin": {"username": "ada", "password": "...", "roles": ["admins"]},
         "user": {"username": "alan", "password": "...", "roles": []},
         "disabled": {"username": "dana", "password": "..."}}
    """
    if not config:
        raise RuntimeError(f"{REAL_SERVICE_ENV} names a real service: set {TEST_USERS_ENV} to its test users")
    text = config if config.lstrip().startswith("{") else Path(config).read_text(encoding="utf-8")
    users = {}
    for key, given in json.loads(text).items():
        expected = {name: given[name] for name in ("id", "email", "first_name", "last_name") if name in given}
        expected.update(username=given["username"], roles=list(given.get("roles", [])))
        # The record's own fields are the service's business: only their types are checked.
        users[key] = {"key": key, "username": given["username"], "password": given["password"]}
        users[key].update(expected=expected, fields={})
    missing = {"admin", "user", "disabled"} - users.keys()
    if missing:
        raise RuntimeError(f"{TEST_USERS_ENV} has no {', '.join(sorted(missing))} user")
    return users


#: The users the tests sign in as, by key.
USERS = FAKE_USERS if FAKE else real_users(os.environ.get(TEST_USERS_ENV, ""))

#: Every field of the service's user record: its type, and whether it may be missing.
FIELDS = {
    "id": ("string", False),
    "email": ("email", False),
    "given_name": ("string", True),
    "family_name": ("string", True),
    "groups": ("list<string>", False),
    "status": ("enum", False),
    "created": ("datetime", True),
}

#: Seconds the app waits for the service: short against the fake, whose delay faults are longer;
#: the spec's own against a real one, which may well take a second under load.
TIMEOUT = 1.0 if FAKE else 5.0

#: Seconds the app trusts its cached user.
SESSION_TTL = 60.0

#: Where the routes are.
PREFIX = "/auth"

#: Request headers of an API client and of a browser.
JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


class Service:
    """The identity service the tests talk to, and the fake's control endpoints when it is the fake."""

    def __init__(self, url: str, *, steerable: bool) -> None:
        self.url = url
        self.steerable = steerable

    def calls(self) -> dict[str, Any]:
        """How often each operation was called, the recent requests, the password resets asked for."""
        return self._control("GET", "calls").json()

    def fault(self, **fault: Any) -> None:
        """Make the service fail, e.g. ``fault(operation="login", status=503)``; see ``fake/control.py``."""
        self._control("POST", "faults", json=fault)

    def disable(self, key: str) -> None:
        self._control("POST", f"users/{key}/disable")

    def delete(self, key: str) -> None:
        self._control("DELETE", f"users/{key}")

    def users(self) -> dict[str, Any]:
        return self._control("GET", "users").json()

    def reset(self) -> None:
        self._control("POST", "reset")

    def token_lifetime(self, seconds: float) -> None:
        """Hand out access tokens that expire after ``seconds`` from now on (``reset`` restores the default)."""
        self._control("POST", "tokens", json={"ttl": seconds})

    def expire_tokens(self, key: str) -> None:
        """End the user's current access tokens now, before the deadline the service gave."""
        self._control("POST", f"users/{key}/expire")

    def sessions(self) -> dict[str, int]:
        """The live service sessions of each user, by key."""
        return self._control("GET", "sessions").json()

    def mailed_token(self, key: str, kind: str) -> str:
        """The token of the newest mail of ``kind`` (``reset`` or ``verify``) sent to the user ``key``."""
        mails = [mail for mail in self._control("GET", "outbox").json() if (mail["user"], mail["kind"]) == (key, kind)]
        assert mails, f"no {kind} mail was sent to {key}"
        return mails[-1]["token"]

    def expire_link(self, token: str) -> None:
        """Make a reset or verification token expired."""
        self._control("POST", f"tokens/{token}/expire")

    def _control(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        if not self.steerable:
            pytest.skip("needs the bundled fake service")
        response = requests.request(method, f"{self.url}/__fake__/{path}", timeout=5, **kwargs)
        response.raise_for_status()
        return response


class Clock:
    """Stands in for ``time`` in the session module, so that a test can let the cached user grow old."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


#: What the existing app's own error pages say: the integration must leave them in place.
OWN_NOT_FOUND = "Not here (the app's own 404 page)"
OWN_METHOD_NOT_ALLOWED = "Not like this (the app's own 405 page)"


def make_app(service: Service, *, instance_path: Path | None = None, existing: bool = False, **config: Any) -> Flask:
    """The app of the README: a page for signed-in users and one for the guard role.

    ``existing``: the integration is added to an app that already has routes
    and error pages of its own: a form post without a CSRF token, its own
    404 and 405 pages. They must work as before.
    """
    app = Flask(__name__, instance_path=str(instance_path) if instance_path else None)
    app.config.update(
        SECRET_KEY="test-secret-key",
        ACME_BASE_URL=service.url,
        ACME_TIMEOUT=TIMEOUT,
        ACME_SESSION_TTL=SESSION_TTL,
        **SETTINGS,
    )
    app.config.update(config)
    if existing:
        add_own_routes(app)
    Acme(app)

    @app.get("/")
    @login_required
    def home() -> Any:
        message = f"Hello {current_user.first_name or current_user.username}"
        return {"message": message} if request.accept_mimetypes.best == "application/json" else message

    @app.get("/admin")
    @roles_required(GUARD_ROLE)
    def admin() -> str:
        return "secret"

    return app


def add_own_routes(app: Flask) -> None:
    """What an app had before the integration: a form that posts without a CSRF token, its own error pages."""

    @app.post("/notes")
    def notes() -> Any:
        return {"saved": request.form.get("text", "")}, 201

    @app.errorhandler(404)
    def not_found(error: Exception) -> Any:
        return OWN_NOT_FOUND, 404

    @app.errorhandler(405)
    def method_not_allowed(error: Exception) -> Any:
        return OWN_METHOD_NOT_ALLOWED, 405


def assert_user(seen: dict[str, Any], user: dict[str, Any]) -> None:
    """Assert that ``seen`` (``me``, or ``current_user``'s attributes) is ``user`` as the integration maps it.

    Against the fake every value is known. Against a real service, only what
    :func:`real_users` was told, and ``roles`` are the ones the user has at least.
    """
    for name, want in user["expected"].items():
        value = list(seen[name]) if isinstance(seen[name], tuple) else seen[name]
        if name == "roles" and not FAKE:
            assert set(want) <= set(value), f"roles: {value} lacks some of {want}"
        else:
            assert value == want, f"{name}: {value!r} != {want!r}"


def csrf_token(client: FlaskClient) -> str:
    """A CSRF token for the client's session, as API clients get one."""
    return client.get(f"{PREFIX}/csrf").get_json()["csrf_token"]


def form_token(page: TestResponse) -> str:
    """The CSRF token of the form on a page, as browsers get one."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert match, "the page has no CSRF field"
    return match.group(1)


def login_json(client: FlaskClient, username: str, password: str) -> TestResponse:
    """Sign in as an API client does."""
    headers = {**JSON, "X-CSRFToken": csrf_token(client)}
    return client.post(f"{PREFIX}/login", json={"username": username, "password": password}, headers=headers)


def login_form(client: FlaskClient, username: str, password: str, *, next: str | None = None) -> TestResponse:
    """Sign in as a browser does: load the login page, then post its form."""
    page = client.get(f"{PREFIX}/login", query_string={"next": next} if next else None, headers=HTML)
    data = {"username": username, "password": password, "csrf_token": form_token(page)}
    if next is not None:
        data["next"] = next
    return client.post(f"{PREFIX}/login", data=data, headers=HTML)


def sign_in(client: FlaskClient, key: str = "user") -> dict[str, Any]:
    """Sign in as one of the fake's users, which must succeed; return that user."""
    user = USERS[key]
    response = login_json(client, user["username"], user["password"])
    assert response.status_code == 200, response.text
    return user


def signed_in(client: FlaskClient) -> bool:
    return client.get(f"{PREFIX}/me").status_code == 200


def session_cookie(app: Flask, client: FlaskClient) -> str | None:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie else None


def session_contents(app: Flask, client: FlaskClient) -> dict[str, Any]:
    """What the session cookie holds: signed, but readable by anyone who has it."""
    value = session_cookie(app, client)
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return serializer.loads(value) if value else {}


def error_of(response: TestResponse) -> dict[str, str]:
    """The ``error`` object of a JSON error body."""
    assert response.is_json, f"not JSON: {response.status} {response.text[:200]!r}"
    return response.get_json()["error"]
