"""What the tests share: the service, the test users, and user agents of the example project.

The service is the bundled fake (``tests/fake/``, standard library only),
started in this process on a free port and reached over real HTTP. Set
``ACME_TEST_BASE_URL`` (and ``ACME_TEST_<KEY>`` for the other settings) to test
against a real deployment instead: the tests that need to steer the
service are then skipped, and the users to sign in as come from
``ACME_TEST_USERS`` (see :func:`real_users`).
"""

from __future__ import annotations

import json
import os
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client
from django.urls import reverse

#: What the bundled fake serves: the spec and the settings it expects.
FAKE_DATA = Path(__file__).parent / "fake" / "spec.json"

#: The environment variable that points the tests at a real service.
REAL_SERVICE_ENV = "ACME_TEST_BASE_URL"

#: ``settings.ACME`` of the tests, besides the base URL: the values the fake expects.
SETTINGS = {
    "API_KEY": os.environ.get("ACME_TEST_API_KEY", "test-api-key"),
    "APPLICATION_ID": os.environ.get("ACME_TEST_APPLICATION_ID", "test-application-id"),
}

#: The role that guards the example's ``/admin``: the admin has it, the plain user does not.
GUARD_ROLE = "admins"

#: The environment variable with the users of a real deployment: JSON, or the path of a JSON file.
TEST_USERS_ENV = "ACME_TEST_USERS"

#: True against the bundled fake, whose users the tests know down to their ids and exact roles.
FAKE = not os.environ.get(REAL_SERVICE_ENV)

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

#: Every field of the service's user record, and its type.
FIELDS = {
    "id": "string",
    "email": "email",
    "given_name": "string",
    "family_name": "string",
    "groups": "list<string>",
    "status": "enum",
    "created": "datetime",
}

#: Seconds the app waits for the service: short against the fake, whose delay faults are longer;
#: the spec's own against a real one, which may well take a second under load.
TIMEOUT = 1.0 if FAKE else 5.0

#: The ``Accept`` header of a browser, and the type of JSON.
BROWSER_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
JSON = "application/json"


class Service:
    """The identity service the tests talk to, and the fake's control endpoints when it is the fake."""

    def __init__(self, url: str, *, steerable: bool) -> None:
        self.url = url
        self.steerable = steerable

    def calls(self) -> dict[str, Any]:
        """Calls per operation since the last reset, and the values the fake handed out (``issued``)."""
        return self._control("GET", "calls")

    def count(self, operation: str) -> int:
        return int(self.calls().get(operation, 0))

    def issued(self) -> list[str]:
        """The tokens, ids and links the fake handed out since the last reset."""
        return [str(item["value"]) for item in self.calls()["issued"]]

    def fault(self, operation: str, **fault: Any) -> None:
        """Make ``operation`` fail: ``status=503``, ``delay=3``, ``drop=True`` or ``body="garbage"``."""
        self._control("POST", "faults", json={"operation": operation, **fault})

    def clear_faults(self) -> None:
        """Remove every fault, keeping the service's sessions."""
        self._control("DELETE", "faults")

    def disable(self, key: str) -> None:
        self._control("POST", f"users/{key}/disable")

    def delete(self, key: str) -> None:
        self._control("DELETE", f"users/{key}")

    def reset(self) -> None:
        self._control("POST", "reset")

    def token_ttl(self, seconds: float) -> None:
        """Access tokens issued from now on live ``seconds`` (until the next reset)."""
        self._control("POST", "tokens", json={"ttl": seconds})

    def expire_tokens(self, key: str) -> None:
        """The user's current access tokens expire now."""
        self._control("POST", f"users/{key}/expire")

    def sessions(self, key: str) -> int:
        """The user's live sessions at the service."""
        return int(self._control("GET", "sessions").get(key, 0))

    def mailed_token(self, key: str, kind: str) -> str:
        """The token of the newest mail of ``kind`` (``reset``, ``verify``) the service sent the user."""
        mails = [mail for mail in self._control("GET", "outbox") if mail["user"] == key and mail["kind"] == kind]
        assert mails, f"the service sent {key} no {kind} mail"
        return str(mails[-1]["token"])

    def expire_token(self, token: str) -> None:
        """A reset or verify token expires now."""
        self._control("POST", f"tokens/{token}/expire")

    def require_fake(self) -> None:
        """Skip a test that changes what the service keeps and needs the fake's reset to restore it."""
        if not self.steerable:
            pytest.skip("needs the bundled fake service")

    def _control(self, method: str, path: str, **kwargs: Any) -> Any:
        self.require_fake()
        response = requests.request(method, f"{self.url}/__fake__/{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None


class Agent:
    """One user agent of the example project: an API client (JSON) or a browser (HTML and forms).

    It asks the ``csrf`` route for the CSRF token before each post, and sends
    it in the header or the form field the route names. Redirects are not followed.
    """

    def __init__(self, *, browser: bool) -> None:
        self.browser = browser
        self.client = Client(enforce_csrf_checks=True, headers={"Accept": BROWSER_ACCEPT if browser else JSON})

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def csrf(self) -> dict[str, str]:
        response = self.client.get(route("csrf"), headers={"Accept": JSON})
        assert response.status_code == 200
        return response.json()

    def post(self, path: str, fields: dict[str, Any], *, csrf: bool | str = True) -> Any:
        """POST ``fields`` as a form (browser) or as JSON (API client), with this session's CSRF token."""
        token = self.csrf() if csrf is not False else None
        if self.browser:
            data = dict(fields)
            if token is not None:
                data[token["field"]] = token["csrf_token"] if csrf is True else csrf
            return self.client.post(path, data)
        headers = {}
        if token is not None:
            headers[token["header"]] = token["csrf_token"] if csrf is True else csrf
        return self.client.post(path, json.dumps(fields), content_type=JSON, headers=headers)

    def login(self, username: str, password: str, *, next: str | None = None, csrf: bool | str = True) -> Any:
        fields = {"username": username, "password": password}
        if next is not None:
            fields["next"] = next
        return self.post(route("login"), fields, csrf=csrf)

    def sign_in(self, key: str, *, next: str | None = None) -> Any:
        """Sign in as one of the fake's users, which must succeed."""
        user = USERS[key]
        response = self.login(user["username"], user["password"], next=next)
        assert response.status_code == (303 if self.browser else 200), response.content[:300]
        return response

    def logout(self, *, csrf: bool | str = True) -> Any:
        return self.post(route("logout"), {}, csrf=csrf)

    def me(self) -> Any:
        return self.client.get(route("me"), headers={"Accept": JSON})

    def signed_in(self) -> bool:
        return self.me().status_code == 200

    def service_id(self) -> str:
        """The signed-in user's id at the service, which keys the local user."""
        return str(self.me().json()["id"])


def assert_user(me: dict[str, Any], user: dict[str, Any]) -> None:
    """Assert that ``me`` is ``user`` as the integration maps it.

    Against the fake every value is known. Against a real service, only what
    :func:`real_users` was told, and ``roles`` are the ones the user has at least.
    """
    for name, want in user["expected"].items():
        if name == "roles" and not FAKE:
            assert set(want) <= set(me[name]), f"roles: {me[name]} lacks some of {want}"
        elif name == "roles":
            assert sorted(me[name]) == sorted(want), f"roles: {me[name]} != {want}"
        else:
            assert me[name] == want, f"{name}: {me[name]!r} != {want!r}"


def route(name: str) -> str:
    """The path of one of the integration's routes: ``route("login")`` is ``/auth/login``."""
    return reverse(f"acme:{name}")


def error_code(response: Any, status: int) -> str:
    """The ``error.code`` of a JSON error answer with ``status``."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    return body["error"]["code"]


def is_html(response: Any, status: int) -> bool:
    return response.status_code == status and response["Content-Type"].startswith("text/html")


def session_key(agent: Agent) -> str | None:
    cookie = agent.client.cookies.get("sessionid")
    return cookie.value if cookie else None


def session_store() -> SessionBase:
    """A store of the project's session engine (the example keeps sessions in files)."""
    return import_module(django_settings.SESSION_ENGINE).SessionStore()
