"""The session cookie: S2 (HttpOnly, SameSite), S10 (no session fixation), S17 (no readable service token).

No cookie name is assumed: the session cookie is whatever the app sets when
a user signs in.
"""

from __future__ import annotations

import secrets

import pytest

from generator.kit.checks import readable_forms
from generator.kit.client import AppClient, ClientFactory, FakeControl, FixtureUser, set_cookies
from generator.model import Spec
from generator.plan.operations import session_secrets


def test_s02_login_sets_httponly_samesite_session_cookie(either_client: AppClient, plain_user: FixtureUser) -> None:
    cookies = set_cookies(either_client.sign_in(plain_user))
    assert cookies, "signing in sets a session cookie"
    for cookie in cookies:
        assert cookie.http_only, f"cookie {cookie.name!r} set at sign-in is not HttpOnly"
        assert cookie.same_site in ("lax", "strict"), f"cookie {cookie.name!r} set at sign-in lacks SameSite=Lax/Strict"


def session_cookie_names(new_client: ClientFactory, user: FixtureUser) -> set[str]:
    """The names of the cookies the app sets at sign-in, learned from a sign-in of its own."""
    names = {cookie.name for cookie in set_cookies(new_client().sign_in(user))}
    assert names, "signing in sets a session cookie"
    return names


def test_s10_planted_session_cookie_never_signs_in(
    either_client: AppClient, new_client: ClientFactory, plain_user: FixtureUser
) -> None:
    """Session fixation: cookies an attacker plants before the victim signs in never become a signed-in session.

    The attacker takes the app's own pre-login cookies (from the login page
    and ``/csrf``) and, for each session cookie the app sets only at sign-in,
    a value of its own choosing.  The victim signs in carrying them; a client
    holding only the planted cookies must still be anonymous.
    """
    names = session_cookie_names(new_client, plain_user)
    attacker = new_client(browser=True)
    attacker.get(attacker.route("login"))
    attacker.csrf()
    planted = attacker.cookies()
    for name in names - set(planted):
        planted[name] = "kit-planted-" + secrets.token_urlsafe(16)
    victim = either_client.with_cookies(planted)
    victim.sign_in(plain_user)
    assert victim.signed_in()
    leaked = attacker.with_cookies(planted).me().status_code
    assert leaked == 401, f"the planted cookies {sorted(planted)} answer {leaked} on me: the victim's session"


def test_s17_no_service_token_readable_in_cookies(
    either_client: AppClient, fake: FakeControl, plain_user: FixtureUser, spec: Spec
) -> None:
    if not session_secrets(spec):
        pytest.skip("every value login keeps is marked public in the spec (an id, a link): no token to look for")
    response = either_client.sign_in(plain_user)
    either_client.me()  # whatever the app stores once the user is loaded
    issued = fake.issued()
    if issued is None:
        pytest.skip("the fake does not list the values it issued (no 'issued' in /__fake__/calls)")
    assert issued, "the fake issued nothing at sign-in"
    cookie_values = [c.value for c in set_cookies(response)] + list(either_client.cookies().values())
    readable = [form for value in cookie_values for form in readable_forms(value)]
    # Booleans, not the comparisons: a failing assert must not print the token it found.
    in_cookie = any(value in form for value in issued for form in readable)
    in_answer = any(value in response.text for value in issued)
    assert not in_cookie, "a service token is readable in a cookie"
    assert not in_answer, "a service token is in the sign-in answer"
