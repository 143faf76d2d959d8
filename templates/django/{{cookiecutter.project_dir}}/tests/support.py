"""What the tests share: the service, the test users, and user agents of the example project.

The service is the bundled fake (``tests/fake/``, standard library only),
started in this process on a free port and reached over real HTTP. Set
``{{ cookiecutter.config_prefix }}_TEST_BASE_URL`` (and ``{{ cookiecutter.config_prefix }}_TEST_<KEY>`` for the other settings) to test
against a real deployment instead: the tests that need to steer the
service are then skipped, and the users to sign in as come from
``{{ cookiecutter.config_prefix }}_TEST_USERS`` (see :func:`real_users`).
"""

from __future__ import annotations

import json
import os
{%- if cookiecutter.is_oidc %}
from html.parser import HTMLParser
{%- endif %}
from importlib import import_module
from pathlib import Path
from typing import Any
{%- if cookiecutter.is_oidc %}
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit
{%- endif %}

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client
from django.urls import reverse

#: What the bundled fake serves: the spec and the settings it expects.
FAKE_DATA = Path(__file__).parent / "fake" / "spec.json"

#: The environment variable that points the tests at a real service.
REAL_SERVICE_ENV = "{{ cookiecutter.config_prefix }}_TEST_{% if cookiecutter.is_oidc %}ISSUER{% else %}BASE_URL{% endif %}"

#: ``settings.{{ cookiecutter.config_prefix }}`` of the tests, besides the {% if cookiecutter.is_oidc %}issuer{% else %}base URL{% endif %}: the values the fake expects.
SETTINGS = {
{%- for s in cookiecutter.settings if s.name != ("issuer" if cookiecutter.is_oidc else "base_url") %}
    {{ (s.name | upper) | py }}: os.environ.get({{ (cookiecutter.config_prefix ~ "_TEST_" ~ s.name | upper) | py }}, {{ s.test_value }}),
{%- endfor %}
}

#: The role that guards the example's ``/admin``: the admin has it, the plain user does not.
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

#: Every field of the service's user record, and its type.
FIELDS = {
{%- for f in cookiecutter.fields %}
    {{ f.name | py }}: {{ f.type | py }},
{%- endfor %}
}

#: Seconds the app waits for the service: short against the fake, whose delay faults are longer;
#: the spec's own against a real one, which may well take a second under load.
TIMEOUT = 1.0 if FAKE else {{ cookiecutter.timeout_s | float }}

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
{%- if cookiecutter.has_refresh %}

    def token_ttl(self, seconds: float) -> None:
        """Access tokens issued from now on live ``seconds`` (until the next reset)."""
        self._control("POST", "tokens", json={"ttl": seconds})
{%- endif %}
{%- if cookiecutter.has_refresh or cookiecutter.has_change_password %}

    def expire_tokens(self, key: str) -> None:
        """The user's current access tokens expire now."""
        self._control("POST", f"users/{key}/expire")
{%- endif %}
{%- if cookiecutter.has_logout %}

    def sessions(self, key: str) -> int:
        """The user's live sessions at the service."""
        return int(self._control("GET", "sessions").get(key, 0))
{%- endif %}
{%- if cookiecutter.email_links %}

    def mailed_token(self, key: str, kind: str) -> str:
        """The token of the newest mail of ``kind`` (``reset``, ``verify``) the service sent the user."""
        mails = [mail for mail in self._control("GET", "outbox") if mail["user"] == key and mail["kind"] == kind]
        assert mails, f"the service sent {key} no {kind} mail"
        return str(mails[-1]["token"])

    def expire_token(self, token: str) -> None:
        """A reset or verify token expires now."""
        self._control("POST", f"tokens/{token}/expire")
{%- endif %}

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
    return reverse(f"{{ cookiecutter.slug }}:{name}")


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
{%- if cookiecutter.is_oidc %}


class ProviderForm(HTMLParser):
    """The first form of the provider's sign-in page: its action and the values of its fields."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and self.action is None:
            self.action = values.get("action", "")
        elif tag == "input" and self.action is not None and "name" in values:
            self.fields.setdefault(values["name"], values.get("value", ""))


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def relative(url: str) -> str:
    """The path and query of ``url``: what the test client requests."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def start_login(agent: Agent, next: str | None = None) -> str:
    """Ask the project's login route for the provider's authorization URL (as a browser: it answers only HTML)."""
    path = route("login") + (f"?{urlencode({'next': next})}" if next else "")
    response = agent.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 302, response.content[:300]
    return str(response["Location"])


def provider_login(authorize_url: str, key: str = "user") -> str:
    """Sign in on the provider's page as a browser does; the URL it sends the browser back to."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=5)
    assert page.status_code == 200, page.text
    form = ProviderForm()
    form.feed(page.text)
    assert form.action is not None, "the provider's page has no form"
    data = {**form.fields, "username": USERS[key]["username"], "password": USERS[key]["password"]}
    answer = browser.post(urljoin(authorize_url, form.action), data=data, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return str(answer.headers["Location"])


def sign_in(agent: Agent, key: str = "user", *, next: str | None = None) -> Any:
    """The whole round trip: login, the provider's form, the callback (whose answer this is)."""
    response = agent.get(relative(provider_login(start_login(agent, next), key)))
    assert response.status_code == (303 if agent.browser else 200), response.content[:300]
    return response
{%- endif %}
