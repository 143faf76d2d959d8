"""Guards on the example app's protected routes: S1 (anonymous) and S5 (roles).

Browsers are sent to the login page; API clients get 401/403 with the JSON
error body, never a redirect.
"""

from __future__ import annotations

import pytest

from generator.kit.checks import assert_html, assert_json, assert_json_error, assert_redirect, assert_status, site_of
from generator.kit.client import AppClient, FixtureUser

#: The example app's protected routes: sign-in required, and sign-in plus the admin role.
PROTECTED = ("/", "/admin")
#: The ``Accept`` headers common HTTP clients send: each is an API client on every route, guards
#: included, because a type the header names beats one it reaches only through ``*/*``.
API_ACCEPTS = {
    "axios": "application/json, text/plain, */*",
    "jquery-getjson": "application/json, text/javascript, */*; q=0.01",
    "fetch-json": "application/json",
}


@pytest.mark.parametrize("path", PROTECTED)
def test_s01_anonymous_html_redirects_to_login(browser: AppClient, path: str) -> None:
    site, target, query = assert_redirect(browser.get(path))
    assert site == site_of(browser.base_url), "the login page is on the same site"
    assert target == browser.route("login")
    assert query.get("next") == [path], "the login page is told where to come back to"


def test_s01_anonymous_without_accept_redirects_to_login(browser: AppClient) -> None:
    """No ``Accept`` counts as ``*/*``: a browser."""
    _, target, query = assert_redirect(browser.get("/", headers={"Accept": None}))
    assert target == browser.route("login")
    assert query.get("next") == ["/"]


@pytest.mark.parametrize("path", PROTECTED)
def test_s01_anonymous_json_gets_401(api: AppClient, path: str) -> None:
    assert_json_error(api.get(path), 401, "unauthorized")


@pytest.mark.parametrize("path", PROTECTED)
@pytest.mark.parametrize("accept", API_ACCEPTS.values(), ids=API_ACCEPTS.keys())
def test_s01_anonymous_http_client_gets_401_json(api: AppClient, path: str, accept: str) -> None:
    """axios, jQuery and fetch are API clients: 401 JSON, never the login page or a redirect to it."""
    assert_json_error(api.get(path, headers={"Accept": accept}), 401, "unauthorized")


def test_s01_anonymous_accept_anything_is_a_browser(browser: AppClient) -> None:
    """Plain ``fetch`` and most tools send ``*/*``, which counts as a browser: the login page."""
    _, target, query = assert_redirect(browser.get("/admin", headers={"Accept": "*/*"}))
    assert target == browser.route("login")
    assert query.get("next") == ["/admin"]


def test_s01_anonymous_me_gets_401(api: AppClient) -> None:
    assert_json_error(api.me(), 401, "unauthorized")


def test_s05_user_without_role_gets_403_json(signed_in: AppClient) -> None:
    assert_json_error(signed_in.get("/admin"), 403, "forbidden")


@pytest.mark.parametrize("accept", API_ACCEPTS.values(), ids=API_ACCEPTS.keys())
def test_s05_http_client_without_role_gets_403_json(signed_in: AppClient, accept: str) -> None:
    assert_json_error(signed_in.get("/admin", headers={"Accept": accept}), 403, "forbidden")


def test_s05_user_without_role_gets_403_page(signed_in_browser: AppClient) -> None:
    assert_html(signed_in_browser.get("/admin"), 403)


def test_s05_admin_gets_200(api: AppClient, admin_user: FixtureUser) -> None:
    api.sign_in(admin_user)
    assert_status(api.get("/admin"), 200)


def test_s05_admin_gets_page(browser: AppClient, admin_user: FixtureUser) -> None:
    browser.sign_in(admin_user)
    assert_html(browser.get("/admin"), 200)


def test_signed_in_home_greets_json(signed_in: AppClient) -> None:
    body = assert_json(signed_in.get("/"), 200)
    assert isinstance(body.get("message"), str) and body["message"], 'GET / answers {"message": "..."}'


def test_signed_in_home_greets_html(signed_in_browser: AppClient) -> None:
    assert_html(signed_in_browser.get("/"), 200)
