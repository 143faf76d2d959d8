"""The session cookie: S2 (HttpOnly, SameSite), S10 (a new session at sign-in), S17 (no readable service token).

No cookie name is assumed: the session cookie is whatever the app sets when
a user signs in.
"""

from __future__ import annotations

import pytest

from generator.kit.checks import readable_forms
from generator.kit.client import AppClient, FakeControl, FixtureUser, set_cookies


def test_s02_login_sets_httponly_samesite_session_cookie(either_client: AppClient, plain_user: FixtureUser) -> None:
    cookies = set_cookies(either_client.sign_in(plain_user))
    assert cookies, "signing in sets a session cookie"
    for cookie in cookies:
        assert cookie.http_only, f"cookie {cookie.name!r} set at sign-in is not HttpOnly"
        assert cookie.same_site in ("lax", "strict"), f"cookie {cookie.name!r} set at sign-in lacks SameSite=Lax/Strict"


def test_s10_session_cookie_changes_at_login(browser: AppClient, plain_user: FixtureUser) -> None:
    browser.csrf()  # the anonymous session a browser holds on the login page
    before = browser.cookies()
    for cookie in set_cookies(browser.sign_in(plain_user)):
        assert before.get(cookie.name) != cookie.value, f"cookie {cookie.name!r} kept its value across sign-in"


def test_s10_session_from_before_login_stays_anonymous(browser: AppClient, plain_user: FixtureUser) -> None:
    """Session fixation: whoever holds the pre-login cookies must not be signed in by the victim's login."""
    browser.get(browser.route("login"))
    browser.csrf()
    attacker = browser.with_cookies(browser.cookies())
    browser.sign_in(plain_user)
    assert browser.signed_in()
    assert not attacker.signed_in(), "the cookies from before sign-in now carry the signed-in session"


def test_s17_no_service_token_readable_in_cookies(
    either_client: AppClient, fake: FakeControl, plain_user: FixtureUser
) -> None:
    response = either_client.sign_in(plain_user)
    either_client.me()  # whatever the app stores once the user is loaded
    issued = fake.issued()
    if issued is None:
        pytest.skip("the fake does not list the values it issued (no 'issued' in /__fake__/calls)")
    assert issued, "the fake issued nothing at sign-in"
    cookie_values = [c.value for c in set_cookies(response)] + list(either_client.cookies().values())
    readable = [form for value in cookie_values for form in readable_forms(value)]
    for value in issued:
        assert not any(value in form for form in readable), "a service token is readable in a cookie"
        assert value not in response.text, "a service token is in the sign-in answer"
