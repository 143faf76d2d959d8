"""An unverified account: S22, its own message at sign-in, then verified from the emailed link.

The fake's fixture user ``unverified`` has a verification token in the
outbox from the start.  Skipped unless the spec has verify_email.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from generator.kit.checks import assert_html, assert_json, assert_json_error
from generator.kit.client import AppClient, FakeControl, FixtureUser
from generator.kit.lifecycle import token_query
from generator.model import Spec

#: The contract's answer to an unverified account's sign-in.
VERIFY_FIRST = "Verify your email address first: use the link we sent you."
#: The browser page after verification.
VERIFIED = "Your email address is verified. You can sign in now."


@pytest.fixture
def verify_token(fake: FakeControl, unverified_user: FixtureUser) -> str:
    return fake.mailed_token(unverified_user.key, "verify")


def verify_page(client: AppClient, spec: Spec, token: str) -> str:
    """The path of the verification page as the email links it."""
    return client.route("verify") + "?" + urlencode({token_query(spec, "verify_email"): token})


def test_s22_unverified_sign_in_is_403_with_its_own_message(api: AppClient, unverified_user: FixtureUser) -> None:
    message = assert_json_error(api.login(unverified_user.username, unverified_user.password), 403, "unverified")
    assert message == VERIFY_FIRST
    assert not api.signed_in()


def test_s22_unverified_form_sign_in_is_a_403_page(browser: AppClient, unverified_user: FixtureUser) -> None:
    page = assert_html(browser.login(unverified_user.username, unverified_user.password), 403)
    assert VERIFY_FIRST in page
    assert not browser.signed_in()


def test_s22_opening_the_link_verifies_nothing(
    browser: AppClient, api: AppClient, fake: FakeControl, spec: Spec, unverified_user: FixtureUser, verify_token: str
) -> None:
    """Mail scanners open links: GET shows a button, only its POST verifies."""
    page = assert_html(browser.get(verify_page(browser, spec, verify_token)), 200)
    assert verify_token in page
    assert fake.count("verify_email") == 0
    assert_json_error(api.login(unverified_user.username, unverified_user.password), 403, "unverified")


def test_s22_verify_json_then_sign_in(api: AppClient, unverified_user: FixtureUser, verify_token: str) -> None:
    assert assert_json(api.submit("verify", {"token": verify_token}), 200) == {"status": "verified"}
    assert_json(api.login(unverified_user.username, unverified_user.password), 200)


def test_s22_verify_form_shows_the_page(
    browser: AppClient, api: AppClient, unverified_user: FixtureUser, verify_token: str
) -> None:
    assert VERIFIED in assert_html(browser.submit("verify", {"token": verify_token}), 200)
    assert_json(api.login(unverified_user.username, unverified_user.password), 200)


def test_s22_used_expired_and_missing_tokens(api: AppClient, fake: FakeControl, verify_token: str) -> None:
    fake.expire_mailed_token(verify_token)
    assert_json_error(api.submit("verify", {"token": verify_token}), 400, "expired_token")
    assert_json_error(api.submit("verify", {"token": "kit-made-up-token"}), 400, "invalid_token")
    assert_json_error(api.submit("verify", {}), 400, "invalid_token")


def test_s22_a_used_token_is_invalid_token(api: AppClient, verify_token: str) -> None:
    assert_json(api.submit("verify", {"token": verify_token}), 200)
    assert_json_error(api.submit("verify", {"token": verify_token}), 400, "invalid_token")
