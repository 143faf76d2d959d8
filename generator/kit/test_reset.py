"""Completing a password reset from the emailed token: S20.

The kit asks for a reset through the app (``{prefix}/forgot``), reads the
token from the fake's outbox, and completes the reset at ``{prefix}/reset``
as the link in the email would.  Skipped unless the spec has both
forgot_password and reset_password.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from generator.fake.service import POLICY_MESSAGE
from generator.kit.checks import assert_html, assert_json, assert_json_error
from generator.kit.client import AppClient, ClientFactory, FakeControl, FixtureUser
from generator.kit.lifecycle import passes_message_on, token_query
from generator.kit.test_forgot import request_for
from generator.model import Operation, Spec

#: A new password the fake's policy accepts.
NEW_PASSWORD = "kit-new-pass-7"
#: What the contract answers when the page or the POST has no token.
INCOMPLETE_LINK = "This link is incomplete. Use the link in the email, or ask for a new one."
#: The browser page after a reset.
RESET_DONE = "Your password has been changed. You can sign in now."


@pytest.fixture
def reset_token(
    new_client: ClientFactory,
    fake: FakeControl,
    forgot_password: Operation,
    reset_password: Operation,
    plain_user: FixtureUser,
) -> str:
    """A reset token mailed to the plain user, asked for through the app's forgot-password route."""
    assert_json(new_client().submit("forgot", request_for(forgot_password, plain_user)), 202)
    return fake.mailed_token(plain_user.key, "reset")


def reset_fields(token: str, password: str = NEW_PASSWORD, confirm: str | None = None) -> dict[str, str]:
    return {"token": token, "password": password, "password_confirm": password if confirm is None else confirm}


def reset_page(client: AppClient, spec: Spec, token: str | None) -> str:
    """The path of the reset page as the email links it (the token in the spec's ``token_query``)."""
    query = "?" + urlencode({token_query(spec, "reset_password"): token}) if token is not None else ""
    return client.route("reset") + query


def test_s20_reset_json_sets_the_new_password_and_signs_nobody_in(
    api: AppClient, new_client: ClientFactory, plain_user: FixtureUser, reset_token: str
) -> None:
    assert assert_json(api.submit("reset", reset_fields(reset_token)), 200) == {"status": "reset"}
    assert not api.signed_in(), "a reset must not sign anyone in"
    assert_json(new_client().login(plain_user.username, NEW_PASSWORD), 200)
    assert_json_error(new_client().login(plain_user.username, plain_user.password), 401, "invalid_credentials")


def test_s20_reset_page_from_the_email_link_completes_the_reset(
    browser: AppClient,
    new_client: ClientFactory,
    fake: FakeControl,
    spec: Spec,
    plain_user: FixtureUser,
    reset_token: str,
) -> None:
    page = assert_html(browser.get(reset_page(browser, spec, reset_token)), 200)
    assert reset_token in page, "the page carries the token from the link (a hidden field)"
    assert fake.count("reset_password") == 0, "showing the page must not use the token"
    done = assert_html(browser.submit("reset", reset_fields(reset_token)), 200)
    assert RESET_DONE in done
    assert_json(new_client().login(plain_user.username, NEW_PASSWORD), 200)


def test_s20_reused_token_is_invalid_token(api: AppClient, reset_token: str) -> None:
    assert_json(api.submit("reset", reset_fields(reset_token)), 200)
    assert_json_error(api.submit("reset", reset_fields(reset_token, "kit-other-pass-8")), 400, "invalid_token")


def test_s20_made_up_token_is_invalid_token(api: AppClient, reset_password: Operation) -> None:
    assert_json_error(api.submit("reset", reset_fields("kit-made-up-token")), 400, "invalid_token")


def test_s20_expired_token_is_expired_token(
    api: AppClient, new_client: ClientFactory, fake: FakeControl, plain_user: FixtureUser, reset_token: str
) -> None:
    fake.expire_mailed_token(reset_token)
    assert_json_error(api.submit("reset", reset_fields(reset_token)), 400, "expired_token")
    assert_json_error(new_client().login(plain_user.username, NEW_PASSWORD), 401, "invalid_credentials")


def test_s20_missing_token_is_invalid_token(
    api: AppClient, browser: AppClient, spec: Spec, fake: FakeControl, reset_password: Operation
) -> None:
    fields = {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    assert assert_json_error(api.submit("reset", fields), 400, "invalid_token") == INCOMPLETE_LINK
    assert_html(browser.get(reset_page(browser, spec, None)), 400)
    assert fake.count("reset_password") == 0


def test_s20_passwords_that_differ_are_invalid_input_without_asking_the_service(
    api: AppClient, fake: FakeControl, reset_token: str
) -> None:
    fields = reset_fields(reset_token, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert_json_error(api.submit("reset", fields), 400, "invalid_input")
    assert fake.count("reset_password") == 0


def test_s20_short_password_is_422_with_the_services_message(
    api: AppClient, browser: AppClient, spec: Spec, reset_token: str
) -> None:
    message = assert_json_error(api.submit("reset", reset_fields(reset_token, "short")), 422, "password_policy")
    if passes_message_on(spec, "reset_password"):
        assert message == POLICY_MESSAGE, "the service's own message is shown"
        page = assert_html(browser.submit("reset", reset_fields(reset_token, "short")), 422)
        assert POLICY_MESSAGE in page
    assert_json(api.submit("reset", reset_fields(reset_token)), 200)  # the token was not used up
