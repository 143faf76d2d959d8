"""The kit's browser for OpenID providers' login pages, against a small app and provider served here."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from generator.kit.provider import Browser, ProviderFlowError, login_form, sign_in_through_provider

#: What the provider's form posted, for the tests to look at.
POSTED: list[dict[str, list[str]]] = []

PAGE = """<!doctype html><html><body>
<form id="kc-form-login" action="/login-actions/authenticate?session_code=abc&amp;tab=1" method="post">
  <input tabindex="1" id="username" name="username" type="text" value="">
  <input id="password" name="password" type="password">
  <input type="hidden" id="id-hidden-input" name="credentialId" value="c-1">
  <input type="checkbox" name="rememberMe">
  <input name="login" type="submit" value="Sign In">
</form></body></html>"""


class Handler(BaseHTTPRequestHandler):
    """The app (/app/...) and the provider (/authorize, /login-actions/...) on one server."""

    def log_message(self, *args: object) -> None:
        pass

    def _redirect(self, location: str, cookie: str | None = None) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        if cookie:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()

    def _page(self, body: str, status: int = 200, cookie: str | None = None) -> None:
        data = body.encode()
        self.send_response(status)
        if cookie:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/app/login":
            self._redirect("/authorize?state=s1")
        elif path == "/app/silent":
            self._redirect("/app/callback?code=k")
        elif path == "/authorize":
            self._page(PAGE, cookie="login_restart=r1; Path=/; Secure; SameSite=None")
        elif path == "/app/callback":
            self._redirect("/app/home", cookie="app_session=signed-in; Path=/; HttpOnly")
        elif path == "/app/home":
            self._page("home" if "app_session=signed-in" in self.headers.get("Cookie", "") else "anonymous")
        elif path == "/app/loop":
            self._redirect("/app/loop")
        else:
            self._page("not found", 404)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
        POSTED.append(form | {"_query": [urlsplit(self.path).query]})
        if "login_restart=r1" not in self.headers.get("Cookie", ""):
            # Keycloak's answer when its Secure login cookie does not come back
            self._page("Restart login cookie not found.", 400)
        elif form.get("password") == ["right"]:
            self._redirect("/app/callback?code=c1&state=s1")
        else:
            self._page(PAGE.replace("<form", "<p>Invalid username or password.</p><form"))


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_round_trip_posts_the_form_with_its_hidden_fields_and_lands_on_the_app(base_url: str) -> None:
    POSTED.clear()
    http = Browser()
    trip = sign_in_through_provider(http, f"{base_url}/app/login", "ada", "right")
    assert trip.last.url == f"{base_url}/app/home"
    assert trip.last.text == "home"
    assert POSTED == [
        {"username": ["ada"], "password": ["right"], "credentialId": ["c-1"], "_query": ["session_code=abc&tab=1"]}
    ]
    assert [urlsplit(u).path for u in trip.urls()] == [
        "/app/login",
        "/authorize",
        "/login-actions/authenticate",
        "/app/callback",
        "/app/home",
    ]


def test_a_refused_password_ends_on_the_providers_form_again(base_url: str) -> None:
    trip = sign_in_through_provider(Browser(), f"{base_url}/app/login", "ada", "wrong")
    assert "Invalid username or password." in trip.last.text
    assert login_form(trip.last) is not None


def test_a_provider_that_remembers_the_browser_needs_no_form(base_url: str) -> None:
    trip = sign_in_through_provider(Browser(), f"{base_url}/app/silent", "ada", "right")
    assert trip.last.text == "home"


def test_endless_redirects_are_an_error_not_a_hang(base_url: str) -> None:
    with pytest.raises(ProviderFlowError, match="redirects"):
        sign_in_through_provider(Browser(), f"{base_url}/app/loop", "ada", "right")


def test_a_page_without_a_login_form_is_an_error(base_url: str) -> None:
    with pytest.raises(ProviderFlowError, match="no login form"):
        sign_in_through_provider(Browser(), f"{base_url}/nowhere", "ada", "right")


def test_secure_cookies_go_back_to_a_loopback_provider_over_http_as_in_a_browser(base_url: str) -> None:
    plain = sign_in_through_provider(requests.Session(), f"{base_url}/app/login", "ada", "right")
    assert plain.last.status_code == 400  # what Python's cookie jar alone does
    trip = sign_in_through_provider(Browser(), f"{base_url}/app/login", "ada", "right")
    assert trip.last.text == "home"
