"""Hostile and unlucky requests: server errors, deep JSON, the headers of common HTTP clients, long ``next``."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

import example.urls
from support import BROWSER_ACCEPT, JSON, USERS, Agent, route

pytestmark = pytest.mark.django_db

#: The ``Accept`` headers API clients send by default: axios, and jQuery's ``getJSON``.
CLIENT_ACCEPTS = {
    "axios": "application/json, text/plain, */*",
    "jquery": "application/json, text/javascript, */*; q=0.01",
}
#: What a server error must never show.
TRACES = (b"Traceback", b".py", b"RuntimeError")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in /srv/project/views.py")


#: The example project's URLconf, with a view of its own that fails (``settings.ROOT_URLCONF = __name__``).
urlpatterns = [*example.urls.urlpatterns, path("broken", broken)]
handler500 = example.urls.handler500


def failing_client(accept: str) -> Client:
    """A client that gets the answer of a view that raised, as a browser would, instead of the exception."""
    return Client(raise_request_exception=False, headers={"Accept": accept})


def assert_json_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith(JSON)
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and set(body["error"]) == {"code", "message"}


# -- server errors ------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_server_error_in_a_route_is_the_json_error_for_api_clients(
    settings: Any, monkeypatch: pytest.MonkeyPatch, debug: bool
) -> None:
    settings.DEBUG = debug
    monkeypatch.setattr("django_acme.backends.sync_user", broken)
    client = failing_client(JSON)
    csrf = client.get(route("csrf")).json()
    user = USERS["user"]
    credentials = {"username": user["username"], "password": user["password"]}
    response = client.post(route("login"), credentials, content_type=JSON, headers={csrf["header"]: csrf["csrf_token"]})
    assert_json_error(response, 500, "failed")
    assert not any(trace in response.content for trace in TRACES)


def test_the_projects_handler500_answers_api_clients_in_json(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__
    response = failing_client(CLIENT_ACCEPTS["axios"]).get("/broken")
    assert_json_error(response, 500, "failed")
    assert not any(trace in response.content for trace in TRACES)


def test_the_projects_handler500_gives_browsers_the_500_page(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__
    response = failing_client(BROWSER_ACCEPT).get("/broken")
    assert response.status_code == 500 and response["Content-Type"].startswith("text/html")
    assert not any(trace in response.content for trace in TRACES)


# -- bodies -------------------------------------------------------------------


@pytest.mark.parametrize("opener", ["[", '{"a": '])
def test_json_nested_too_deep_to_parse_is_400(api: Agent, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    body = opener * 10_000 + "1" + closer * 10_000
    csrf = api.csrf()
    response = api.client.post(route("login"), body, content_type=JSON, headers={csrf["header"]: csrf["csrf_token"]})
    assert_json_error(response, 400, "invalid_input")


# -- the headers of common HTTP clients ---------------------------------------


@pytest.mark.parametrize("client", CLIENT_ACCEPTS)
@pytest.mark.parametrize("path", ["/", "/admin"])
def test_common_clients_are_api_clients_on_guarded_routes(client: str, path: str) -> None:
    anonymous = Client(headers={"Accept": CLIENT_ACCEPTS[client]})
    assert_json_error(anonymous.get(path), 401, "unauthorized")


@pytest.mark.parametrize("client", CLIENT_ACCEPTS)
def test_common_clients_lacking_the_role_get_403_json(api: Agent, client: str) -> None:
    api.sign_in("user")
    assert_json_error(api.get("/admin", headers={"Accept": CLIENT_ACCEPTS[client]}), 403, "forbidden")
    assert api.get("/", headers={"Accept": CLIENT_ACCEPTS[client]}).json()["message"].startswith("Hello")


@pytest.mark.parametrize("path", ["/", "/admin"])
def test_an_accept_the_page_cannot_answer_is_406(api: Agent, path: str) -> None:
    api.sign_in("admin")
    response = api.get(path, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert not any(trace in response.content for trace in TRACES)


# -- next and CSRF ------------------------------------------------------------


def test_an_overlong_next_is_dropped(browser: Agent) -> None:
    next_url = "/" + "a" * 10_000
    assert browser.client.get(route("login"), {"next": next_url}).status_code == 200
    response = browser.sign_in("user", next=next_url)
    assert response["Location"] == "/"


def test_a_next_of_the_longest_length_is_followed(browser: Agent) -> None:
    next_url = "/" + "a" * 2047
    assert browser.sign_in("user", next=next_url)["Location"] == next_url


@pytest.mark.parametrize("as_browser", [False, True], ids=["json", "form"])
def test_a_csrf_token_only_in_the_query_string_is_refused(as_browser: bool) -> None:
    agent = Agent(browser=as_browser)
    csrf = agent.csrf()
    user = USERS["user"]
    url = f"{route('login')}?{csrf['field']}={csrf['csrf_token']}"
    credentials = {"username": user["username"], "password": user["password"]}
    if as_browser:
        response = agent.client.post(url, credentials)
        assert response.status_code == 403 and response["Content-Type"].startswith("text/html")
    else:
        assert_json_error(agent.client.post(url, credentials, content_type=JSON), 403, "csrf_failed")
    assert not agent.signed_in()


# -- trailing slashes ---------------------------------------------------------


def test_routes_answer_with_a_trailing_slash_too(api: Agent, browser: Agent) -> None:
    assert route("login") == "/auth/login", "reverse() gives the form without a slash"
    assert browser.get("/auth/login/").status_code == 200
    csrf = api.client.get("/auth/csrf/").json()
    user = USERS["user"]
    credentials = {"username": user["username"], "password": user["password"]}
    signed_in = api.client.post(
        "/auth/login/", credentials, content_type=JSON, headers={csrf["header"]: csrf["csrf_token"]}
    )
    assert signed_in.status_code == 200, "a POST is answered, not redirected"
    assert api.client.get("/auth/me/").json()["username"] == user["expected"]["username"]
