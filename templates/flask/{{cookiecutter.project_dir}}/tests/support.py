"""What the tests share: the service, the app under test, the test users, and HTTP helpers.

The service is the bundled fake (``tests/fake/``, standard library only),
started in this process on a free port and reached over real HTTP. Set
``{{ cookiecutter.config_prefix }}_TEST_BASE_URL`` (and ``{{ cookiecutter.config_prefix }}_TEST_<SETTING>`` for the other settings) to
test against a real deployment instead: the tests that need to steer the
service are then skipped, and the users to sign in as come from
``{{ cookiecutter.config_prefix }}_TEST_USERS`` (see :func:`real_users`).
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

from {{ cookiecutter.package }} import {{ cookiecutter.class_name }}, roles_required

#: What the bundled fake serves: the spec and the settings it expects.
FAKE_DATA = Path(__file__).parent / "fake" / "spec.json"

#: The environment variable that points the tests at a real service.
REAL_SERVICE_ENV = "{{ cookiecutter.config_prefix }}_TEST_BASE_URL"

#: The settings of the app under test, besides the base URL: the values the fake expects.
SETTINGS = {
{%- for s in cookiecutter.settings if s.name != "base_url" %}
    {{ s.config_key | py }}: os.environ.get({{ (cookiecutter.config_prefix ~ "_TEST_" ~ s.name | upper) | py }}, {{ s.test_value }}),
{%- endfor %}
}

#: The role that guards ``/admin``: the admin has it, the plain user does not.
GUARD_ROLE = {{ cookiecutter.guard_role | py }}

#: The environment variable with the users of a real deployment: JSON, or the path of a JSON file.
TEST_USERS_ENV = "{{ cookiecutter.config_prefix }}_TEST_USERS"

#: True against the bundled fake, whose users the tests know down to their ids and exact roles.
FAKE = not os.environ.get(REAL_SERVICE_ENV)

#: Unique to this run: what the tests register never collides with an earlier run's accounts.
RUN = uuid.uuid4().hex[:8]

#: The fake's users by key: credentials, their record, and the user a correct integration builds from it.
FAKE_USERS: dict[str, dict[str, Any]] = {
{%- for user in cookiecutter.fixtures %}
    {{ user.key | py }}: {{ user | py }},
{%- endfor %}
}



{% include "test_users.py" %}

#: The users the tests sign in as, by key.
USERS = FAKE_USERS if FAKE else real_users(os.environ.get(TEST_USERS_ENV, ""))

#: Every field of the service's user record: its type, and whether it may be missing.
FIELDS = {
{%- for f in cookiecutter.fields %}
    {{ f.name | py }}: ({{ f.type | py }}, {{ f.optional | py }}),
{%- endfor %}
}

#: Seconds the app waits for the service: short against the fake, whose delay faults are longer;
#: the spec's own against a real one, which may well take a second under load.
TIMEOUT = 1.0 if FAKE else {{ cookiecutter.timeout_s | float }}

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
{%- if cookiecutter.has_refresh %}

    def token_lifetime(self, seconds: float) -> None:
        """Hand out access tokens that expire after ``seconds`` from now on (``reset`` restores the default)."""
        self._control("POST", "tokens", json={"ttl": seconds})

    def expire_tokens(self, key: str) -> None:
        """End the user's current access tokens now, before the deadline the service gave."""
        self._control("POST", f"users/{key}/expire")
{%- endif %}
{%- if cookiecutter.has_logout %}

    def sessions(self) -> dict[str, int]:
        """The live service sessions of each user, by key."""
        return self._control("GET", "sessions").json()
{%- endif %}
{%- if cookiecutter.email_links %}

    def mailed_token(self, key: str, kind: str) -> str:
        """The token of the newest mail of ``kind`` (``reset`` or ``verify``) sent to the user ``key``."""
        mails = [mail for mail in self._control("GET", "outbox").json() if (mail["user"], mail["kind"]) == (key, kind)]
        assert mails, f"no {kind} mail was sent to {key}"
        return mails[-1]["token"]

    def expire_link(self, token: str) -> None:
        """Make a reset or verification token expired."""
        self._control("POST", f"tokens/{token}/expire")
{%- endif %}

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
        {{ cookiecutter.config_prefix }}_BASE_URL=service.url,
        {{ cookiecutter.config_prefix }}_TIMEOUT=TIMEOUT,
        {{ cookiecutter.config_prefix }}_SESSION_TTL=SESSION_TTL,
        **SETTINGS,
    )
    app.config.update(config)
    if existing:
        add_own_routes(app)
    {{ cookiecutter.class_name }}(app)

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
