"""What the tests share: the service, the app under test, the test users, and HTTP helpers.

The service is the bundled fake (``tests/fake/``, standard library only),
started in this process on a free port and reached over real HTTP. Set
``{{ cookiecutter.config_prefix }}_TEST_BASE_URL`` (and ``{{ cookiecutter.config_prefix }}_TEST_<SETTING>`` for the other settings) to
test against a real deployment instead: the tests that need to steer the
service are then skipped, and the users to sign in as come from
``{{ cookiecutter.config_prefix }}_TEST_USERS`` (see :func:`real_users`).

The app runs in this process too, driven through ``httpx.ASGITransport``:
each test has one event loop, and each :func:`browser` is a client with a
cookie jar of its own, as one browser or API client is.
"""

from __future__ import annotations

import base64
import json
import os
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs

import httpx
import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from itsdangerous import TimestampSigner
from starlette.exceptions import HTTPException as StarletteHTTPException

from {{ cookiecutter.package }} import {{ cookiecutter.class_name }}, {{ cookiecutter.class_name }}Settings, {{ cookiecutter.class_name }}User, current_user, require_roles
from {{ cookiecutter.package }}.config import SESSION_COOKIE

#: What the bundled fake serves: the spec and the settings it expects.
FAKE_DATA = Path(__file__).parent / "fake" / "spec.json"

#: The environment variable that points the tests at a real service.
REAL_SERVICE_ENV = "{{ cookiecutter.config_prefix }}_TEST_BASE_URL"

#: The settings of the app under test, besides the base URL: the values the fake expects, by field name.
SETTINGS: dict[str, Any] = {
{%- for s in cookiecutter.settings if s.name != "base_url" %}
    {{ s.attr | py }}: os.environ.get({{ (cookiecutter.config_prefix ~ "_TEST_" ~ s.name | upper) | py }}, {{ s.test_value }}),
{%- endfor %}
}

#: The secret the test apps sign their session cookies with.
SECRET_KEY = "test-secret-key"

#: The role that guards ``/admin``: the admin has it, the plain user does not.
GUARD_ROLE = {{ cookiecutter.guard_role | py }}

#: The environment variable with the users of a real deployment: JSON, or the path of a JSON file.
TEST_USERS_ENV = "{{ cookiecutter.config_prefix }}_TEST_USERS"

#: True against the bundled fake, whose users the tests know down to their ids and exact roles.
FAKE = not os.environ.get(REAL_SERVICE_ENV)

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

#: The host the test browsers ask for.
HOST = "app.example"

#: The address the test browsers come from, unless a test says otherwise.
ADDRESS = "127.0.0.1"


class Service:
    """The identity service the tests talk to, and the fake's control endpoints when it is the fake."""

    def __init__(self, url: str, *, steerable: bool) -> None:
        self.url = url
        self.steerable = steerable
        # One client for the whole run: its connection is kept, and its TLS set-up is made once.
        self._http = httpx.Client(base_url=f"{url}/__fake__/", timeout=5)

    def close(self) -> None:
        self._http.close()

    def calls(self) -> dict[str, Any]:
        """How often each operation was called, the recent requests, the password resets asked for."""
        calls: dict[str, Any] = self._control("GET", "calls").json()
        return calls

    def fault(self, **fault: Any) -> None:
        """Make the service fail, e.g. ``fault(operation="login", status=503)``; see ``fake/control.py``."""
        self._control("POST", "faults", json=fault)

    def disable(self, key: str) -> None:
        self._control("POST", f"users/{key}/disable")

    def delete(self, key: str) -> None:
        self._control("DELETE", f"users/{key}")

    def users(self) -> dict[str, Any]:
        users: dict[str, Any] = self._control("GET", "users").json()
        return users

    def reset(self) -> None:
        self._control("POST", "reset")
{%- if cookiecutter.has_refresh %}

    def expire_tokens(self, key: str) -> None:
        """End the user's current access tokens now, before the deadline the service gave."""
        self._control("POST", f"users/{key}/expire")
{%- endif %}
{%- if cookiecutter.has_logout %}

    def sessions(self) -> dict[str, int]:
        """The live service sessions of each user, by key."""
        sessions: dict[str, int] = self._control("GET", "sessions").json()
        return sessions
{%- endif %}
{%- if cookiecutter.email_links %}

    def mailed_token(self, key: str, kind: str) -> str:
        """The token of the newest mail of ``kind`` (``reset`` or ``verify``) sent to the user ``key``."""
        mails = [mail for mail in self._control("GET", "outbox").json() if (mail["user"], mail["kind"]) == (key, kind)]
        assert mails, f"no {kind} mail was sent to {key}"
        return str(mails[-1]["token"])

    def expire_link(self, token: str) -> None:
        """Make a reset or verification token expired."""
        self._control("POST", f"tokens/{token}/expire")
{%- endif %}

    def _control(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if not self.steerable:
            pytest.skip("needs the bundled fake service")
        response = self._http.request(method, path, **kwargs)
        response.raise_for_status()
        return response


class Clock:
    """Stands in for ``time`` in the session and client modules, so that a test can let the cached user and the tokens grow old.

    Only the wall clock moves; the rest of the ``time`` module (``monotonic``, ``sleep``) is the real one.
    """

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    def advance(self, seconds: float) -> None:
        self.now += seconds


#: Runs a case on the README's new app and on an existing app (routes, error handlers of its own): for the cases
#: where what an app already has could get in the way (sign-in, guards, negotiation, CSRF, sign-out).
BOTH_APPS = pytest.mark.parametrize("app", ["new-app", "existing-app"], indirect=True)

#: What the existing app's own error pages say: the integration must leave them in place.
OWN_NOT_FOUND = "Not here (the app's own 404 page)"
OWN_METHOD_NOT_ALLOWED = "Not like this (the app's own 405 page)"


def settings(service: Service, **overrides: Any) -> {{ cookiecutter.class_name }}Settings:
    """The settings of a test app: the service's, a short timeout, and ``overrides`` by field name."""
    values = {"base_url": service.url, "secret_key": SECRET_KEY, "timeout": TIMEOUT, "session_ttl": SESSION_TTL}
    return {{ cookiecutter.class_name }}Settings(**{**values, **SETTINGS, **overrides})


def make_app(service: Service, *, existing: bool = False, **overrides: Any) -> FastAPI:
    """The app of the README: a page for signed-in users and one for the guard role.

    ``existing``: the integration is added to an app that already has routes
    and error pages of its own: a form post without a CSRF token, its own
    404 and 405 pages. They must work as before.
    """
    app = FastAPI()
    if existing:
        add_own_routes(app)
    {{ cookiecutter.class_name }}(app, settings=settings(service, **overrides))

    @app.get("/")
    async def home(request: Request, user: Annotated[{{ cookiecutter.class_name }}User, Depends(current_user)]) -> Response:
        message = f"Hello {user.first_name or user.username}"
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"message": message})
        return HTMLResponse(f"<p>{message}</p>")

    @app.get("/admin", dependencies=[Depends(require_roles(GUARD_ROLE))])
    async def admin() -> PlainTextResponse:
        return PlainTextResponse("secret")

    return app


def add_own_routes(app: FastAPI) -> None:
    """What an app had before the integration: a form that posts without a CSRF token, its own error pages."""

    @app.post("/notes", status_code=201)
    async def notes(request: Request) -> dict[str, str]:
        form = parse_qs((await request.body()).decode())
        return {"saved": form.get("text", [""])[0]}

    @app.exception_handler(StarletteHTTPException)
    async def own_error_pages(request: Request, error: StarletteHTTPException) -> PlainTextResponse:
        if error.status_code == 404:
            return PlainTextResponse(OWN_NOT_FOUND, 404)
        if error.status_code == 405:
            return PlainTextResponse(OWN_METHOD_NOT_ALLOWED, 405)
        return PlainTextResponse(str(error.detail), error.status_code)


#: The apps the test's clients talked to: shut down after the test (``conftest.py``), as their server would.
SERVED: list[FastAPI] = []


def browser(
    app: FastAPI, *, cookie: str | None = None, address: str = ADDRESS, https: bool = False
) -> httpx.AsyncClient:
    """A client of ``app`` with a cookie jar of its own (holding the session cookie ``cookie``), from ``address``."""
    if app not in SERVED:
        SERVED.append(app)
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    client = httpx.AsyncClient(transport=transport, base_url=f"{'https' if https else 'http'}://{HOST}")
    if cookie:
        # For the app's host, as the app sets it: the next Set-Cookie replaces it rather than adding another.
        client.cookies.set(SESSION_COOKIE, cookie, domain=HOST)
    return client


def assert_user(seen: dict[str, Any], user: dict[str, Any]) -> None:
    """Assert that ``seen`` (``me``, or the user object's attributes) is ``user`` as the integration maps it.

    Against the fake every value is known. Against a real service, only what
    :func:`real_users` was told, and ``roles`` are the ones the user has at least.
    """
    for name, want in user["expected"].items():
        value = list(seen[name]) if isinstance(seen[name], tuple) else seen[name]
        if name == "roles" and not FAKE:
            assert set(want) <= set(value), f"roles: {value} lacks some of {want}"
        else:
            assert value == want, f"{name}: {value!r} != {want!r}"


async def csrf(client: httpx.AsyncClient) -> dict[str, str]:
    """The CSRF token of the client's session and where it goes: ``{"csrf_token", "header", "field"}``."""
    response = await client.get(f"{PREFIX}/csrf", headers=JSON)
    assert response.status_code == 200, response.text
    answer: dict[str, str] = response.json()
    return answer


async def csrf_token(client: httpx.AsyncClient) -> str:
    """A CSRF token for the client's session, as API clients get one."""
    return (await csrf(client))["csrf_token"]


async def json_headers(client: httpx.AsyncClient) -> dict[str, str]:
    """The headers of an API client's post: ``Accept`` JSON and the CSRF header with a token."""
    token = await csrf(client)
    return {**JSON, token["header"]: token["csrf_token"]}


async def form_fields(client: httpx.AsyncClient) -> dict[str, str]:
    """The CSRF field of a browser's form post, with a token."""
    token = await csrf(client)
    return {token["field"]: token["csrf_token"]}


class Form(HTMLParser):
    """The hidden inputs of the first form on a page, by name."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self._forms = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._forms += 1
        elif tag == "input" and self._forms == 1 and values.get("type") == "hidden" and "name" in values:
            self.hidden[values["name"]] = values.get("value", "")


def hidden_fields(page: httpx.Response) -> dict[str, str]:
    """The hidden inputs of the form on a page (its CSRF token among them), as a browser posts them back."""
    form = Form()
    form.feed(page.text)
    assert form.hidden, "the page has no form with hidden fields"
    return form.hidden


async def login_json(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    """Sign in as an API client does."""
    body = {"username": username, "password": password}
    return await client.post(f"{PREFIX}/login", json=body, headers=await json_headers(client))


async def login_form(
    client: httpx.AsyncClient, username: str, password: str, *, next: str | None = None
) -> httpx.Response:
    """Sign in as a browser does: load the login page, then post its form."""
    page = await client.get(f"{PREFIX}/login", params={"next": next} if next else None, headers=HTML)
    assert page.status_code == 200, page.text
    data = {**hidden_fields(page), "username": username, "password": password}
    if next is not None:
        data["next"] = next
    return await client.post(f"{PREFIX}/login", data=data, headers=HTML)


async def sign_in(client: httpx.AsyncClient, key: str = "user") -> dict[str, Any]:
    """Sign in as one of the test users, which must succeed; return that user."""
    user = USERS[key]
    response = await login_json(client, user["username"], user["password"])
    assert response.status_code == 200, response.text
    return user


async def logout(client: httpx.AsyncClient) -> int:
    """Sign out as an API client does; the status."""
    return (await client.post(f"{PREFIX}/logout", headers=await json_headers(client))).status_code


async def get_without_accept(client: httpx.AsyncClient, path: str) -> httpx.Response:
    """``GET path`` with no ``Accept`` header at all (httpx sends ``*/*`` unless told otherwise)."""
    request = client.build_request("GET", path)
    del request.headers["Accept"]
    return await client.send(request)


async def signed_in(client: httpx.AsyncClient) -> bool:
    return (await client.get(f"{PREFIX}/me", headers=JSON)).status_code == 200


def session_cookie(client: httpx.AsyncClient) -> str | None:
    """The value of the client's session cookie."""
    return client.cookies.get(SESSION_COOKIE)


def cookie_contents(value: str | None) -> dict[str, Any]:
    """What a session cookie holds: signed, but readable by anyone who has it."""
    if not value:
        return {}
    payload = TimestampSigner(SECRET_KEY).unsign(value)
    contents: dict[str, Any] = json.loads(base64.b64decode(payload))
    return contents


def error_of(response: httpx.Response) -> dict[str, str]:
    """The ``error`` object of a JSON error body."""
    assert mimetype(response) == "application/json", f"not JSON: {response.status_code} {response.text[:200]!r}"
    error: dict[str, str] = response.json()["error"]
    return error


def mimetype(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def location(response: httpx.Response) -> str:
    """Where a redirect sends the client."""
    assert response.status_code in (302, 303), f"{response.status_code}: {response.text[:200]!r}"
    return response.headers["location"]
