"""Signing in: JSON and form flows; S2 (safe ``next``), S6 (wrong password), S9 (unsafe ``next``), S13 (disabled)."""

from __future__ import annotations

import pytest
import requests

from generator.kit.checks import assert_html, assert_json, assert_json_error, assert_redirect, site_of
from generator.kit.client import UNKNOWN_ACCOUNT, AppClient, ClientFactory, FakeControl, FixtureUser

pytestmark = pytest.mark.password_form

#: ``next`` values that lead off the site; the login form must send the browser to ``/`` instead.
UNSAFE_NEXT = (
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
)


def test_login_page_is_html(browser: AppClient) -> None:
    assert_html(browser.get(browser.route("login")), 200)


def test_login_json_returns_user_and_new_csrf_token(api: AppClient, plain_user: FixtureUser) -> None:
    body = assert_json(api.sign_in(plain_user), 200)
    assert set(body) == {"user", "csrf_token"}
    assert isinstance(body["csrf_token"], str) and body["csrf_token"]
    assert body["user"] == assert_json(api.me(), 200), "login answers the same user as me"


def test_login_json_csrf_token_works_for_the_new_session(api: AppClient, plain_user: FixtureUser) -> None:
    token = assert_json(api.sign_in(plain_user), 200)["csrf_token"]
    assert api.logout(csrf=token).status_code == 204


def test_s02_form_login_follows_safe_next(browser: AppClient, plain_user: FixtureUser) -> None:
    site, path, query = assert_redirect(browser.sign_in(plain_user, next="/admin?tab=kit"), 303)
    assert (site, path, query) == (site_of(browser.base_url), "/admin", {"tab": ["kit"]})
    assert browser.signed_in()


def test_s02_form_login_without_next_goes_home(browser: AppClient, plain_user: FixtureUser) -> None:
    site, path, _ = assert_redirect(browser.sign_in(plain_user), 303)
    assert (site, path) == (site_of(browser.base_url), "/")


@pytest.mark.parametrize("next_url", UNSAFE_NEXT)
def test_s09_unsafe_next_is_not_followed(browser: AppClient, plain_user: FixtureUser, next_url: str) -> None:
    site, path, _ = assert_redirect(browser.sign_in(plain_user, next=next_url), 303)
    assert (site, path) == (site_of(browser.base_url), "/"), f"next={next_url!r} must lead to / on the same site"


def test_s09_overlong_next_is_dropped(browser: AppClient, plain_user: FixtureUser) -> None:
    """A 10 KB ``next`` (over the contract's 2,048 characters) leads to ``/``, never to an error."""
    site, path, _ = assert_redirect(browser.sign_in(plain_user, next="/" + "a" * 10_240), 303)
    assert site == site_of(browser.base_url)
    assert path == "/", f"a next of 10,241 characters was followed (to {path[:40]}...), not dropped"
    assert browser.signed_in()


def test_s06_wrong_password_is_401_with_generic_message(
    api: AppClient, new_client: ClientFactory, plain_user: FixtureUser
) -> None:
    wrong = assert_json_error(
        api.login(plain_user.username, plain_user.password + "-wrong"), 401, "invalid_credentials"
    )
    unknown = assert_json_error(new_client().login(UNKNOWN_ACCOUNT, plain_user.password), 401, "invalid_credentials")
    assert wrong == unknown, "a wrong password and an unknown user read the same"
    assert not api.signed_in()


def test_s06_wrong_password_form_rerenders_login_page(browser: AppClient, plain_user: FixtureUser) -> None:
    assert_html(browser.login(plain_user.username, plain_user.password + "-wrong"), 401)
    assert not browser.signed_in()


def assert_refused_as_disabled(response: requests.Response, client: AppClient) -> None:
    """S13: 403 ``account_disabled`` (or a plain 401 ``invalid_credentials``), and no session."""
    if response.status_code == 401:
        assert_json_error(response, 401, "invalid_credentials")
    else:
        assert_json_error(response, 403, "account_disabled")
    assert not client.signed_in()


def test_s13_disabled_user_cannot_log_in(api: AppClient, disabled_user: FixtureUser) -> None:
    assert_refused_as_disabled(api.login(disabled_user.username, disabled_user.password), api)


def test_s13_user_disabled_at_the_service_cannot_log_in(
    api: AppClient, fake: FakeControl, plain_user: FixtureUser
) -> None:
    fake.disable(plain_user.key)
    assert_refused_as_disabled(api.login(plain_user.username, plain_user.password), api)


def test_s13_disabled_user_form_gets_page(browser: AppClient, disabled_user: FixtureUser) -> None:
    assert_html(browser.login(disabled_user.username, disabled_user.password), 401, 403)
    assert not browser.signed_in()
