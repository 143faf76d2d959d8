"""Throttling failed sign-ins (docs/http-contract.md): the per-account limit `authgen kit` configures.

The kit starts the app with ``{SLUG}_LOGIN_LIMIT_PER_ACCOUNT`` and
``{SLUG}_LOGIN_LIMIT_WINDOW`` (``--login-limit``, ``--login-window``); no
other kit test fails that often for one username within the window.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import pytest
import requests

from generator.kit.checks import assert_html, assert_json_error, describe
from generator.kit.client import AppClient, ClientFactory, FakeControl, FixtureUser

pytestmark = pytest.mark.password_form

#: The contract's answer to a throttled sign-in.
THROTTLED = {"error": {"code": "too_many_attempts", "message": "Too many failed sign-in attempts. Try again later."}}


@pytest.fixture
def known_user(
    admin_user: FixtureUser, new_client: ClientFactory, login_limit: tuple[int, float]
) -> Iterator[FixtureUser]:
    """A user no other kit test fails to sign in as, with no failures counted; clean again afterwards."""
    new_client().sign_in(admin_user)  # a success clears the username's count
    yield admin_user
    _, window = login_limit
    deadline = time.monotonic() + window + 2
    while time.monotonic() < deadline:  # let a failed test's count run out, so later tests can sign in
        if new_client().login(admin_user.username, admin_user.password).status_code == 200:
            return
        time.sleep(0.5)


def retry_after(response: requests.Response) -> int:
    value = response.headers.get("Retry-After", "")
    assert value.isdigit() and int(value) >= 1, (
        f"Retry-After must be whole seconds >= 1, not {value!r}: {describe(response)}"
    )
    return int(value)


def test_failed_sign_ins_are_throttled_per_account(
    new_client: ClientFactory, fake: FakeControl, known_user: FixtureUser, login_limit: tuple[int, float]
) -> None:
    limit, _ = login_limit
    unknown = f"kit-throttle-{secrets.token_hex(4)}@example.invalid"
    client = new_client()
    token = client.csrf().token
    for _ in range(limit):
        assert_json_error(client.login(unknown, "wrong-password", csrf=token), 401, "invalid_credentials")
        wrong = client.login(known_user.username, known_user.password + "-wrong", csrf=token)
        assert_json_error(wrong, 401, "invalid_credentials", "account_disabled")

    calls = fake.count("login")
    for_unknown = client.login(unknown, "wrong-password", csrf=token)
    for_known = client.login(known_user.username, known_user.password, csrf=token)
    assert fake.count("login") == calls, "the service was asked for a throttled sign-in"
    for response in (for_unknown, for_known):
        assert_json_error(response, 429, "too_many_attempts")
        assert response.json() == THROTTLED, describe(response)
    waits = [retry_after(for_unknown), retry_after(for_known)]
    assert for_unknown.json() == for_known.json(), "a throttled unknown account reads like a known one"
    assert not client.signed_in()

    time.sleep(max(waits))
    client.sign_in(known_user)
    assert client.signed_in(), "the correct password signs in once Retry-After has passed"


def test_throttled_form_sign_in_rerenders_the_page_with_429(
    browser: AppClient,
    new_client: ClientFactory,
    fake: FakeControl,
    known_user: FixtureUser,
    login_limit: tuple[int, float],
) -> None:
    limit, _ = login_limit
    token = browser.csrf().token
    for _ in range(limit):
        browser.login(known_user.username, known_user.password + "-wrong", csrf=token)
    calls = fake.count("login")
    page = assert_html(browser.login(known_user.username, known_user.password, csrf=token), 429)
    assert fake.count("login") == calls, "the service was asked for a throttled sign-in"
    assert THROTTLED["error"]["message"] in page, "the login page says why"
    assert not browser.signed_in()
