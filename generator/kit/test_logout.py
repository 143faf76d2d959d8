"""Signing out: S7, a POST that ends the session for good."""

from __future__ import annotations

from generator.kit.checks import assert_json_error, assert_redirect, assert_status
from generator.kit.client import AppClient


def test_s07_logout_json_is_204_and_ends_the_session(signed_in: AppClient) -> None:
    assert_status(signed_in.logout(), 204)
    assert_json_error(signed_in.me(), 401, "unauthorized")


def test_s07_logout_form_redirects_to_login(signed_in_browser: AppClient) -> None:
    _, path, _ = assert_redirect(signed_in_browser.logout())
    assert path == signed_in_browser.route("login")
    assert not signed_in_browser.signed_in()


def test_s07_logout_by_get_is_405(signed_in: AppClient) -> None:
    assert_json_error(signed_in.get(signed_in.route("logout")), 405, "method_not_allowed")
    assert signed_in.signed_in(), "a GET must not sign out"


def test_s07_old_session_cookie_no_longer_works(signed_in: AppClient) -> None:
    """Replaying the cookies from before sign-out must not sign anyone in."""
    saved = signed_in.cookies()
    assert_status(signed_in.logout(), 204)
    assert not signed_in.with_cookies(saved).signed_in(), "the signed-out session's cookies still sign in"
