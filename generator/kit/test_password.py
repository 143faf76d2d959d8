"""Changing the password while signed in: S21, at ``{prefix}/password``.

Skipped unless the spec has change_password.
"""

from __future__ import annotations

from generator.fake.service import POLICY_MESSAGE
from generator.kit.checks import assert_html, assert_json, assert_json_error, assert_redirect
from generator.kit.client import AppClient, ClientFactory, FakeControl, FixtureUser
from generator.kit.lifecycle import passes_message_on
from generator.model import Operation, Spec

#: A new password the fake's policy accepts.
NEW_PASSWORD = "kit-changed-pass-9"
#: The contract's answer to a wrong current password.
WRONG_CURRENT = "Your current password is not correct."
#: The browser page after a change.
CHANGED = "Your password has been changed."


def change_fields(current: str, new: str = NEW_PASSWORD, confirm: str | None = None) -> dict[str, str]:
    return {
        "current_password": current,
        "new_password": new,
        "new_password_confirm": new if confirm is None else confirm,
    }


def test_s21_anonymous_json_gets_401(api: AppClient, change_password: Operation) -> None:
    assert_json_error(api.get(api.route("password")), 401, "unauthorized")
    assert_json_error(api.submit("password", change_fields("whatever")), 401, "unauthorized")


def test_s21_anonymous_browser_is_sent_to_login(browser: AppClient, change_password: Operation) -> None:
    _, path, query = assert_redirect(browser.get(browser.route("password")))
    assert path == browser.route("login")
    assert query.get("next") == [browser.route("password")]


def test_s21_wrong_current_password_is_400_invalid_credentials(
    signed_in: AppClient, change_password: Operation
) -> None:
    answer = signed_in.submit("password", change_fields("not-the-password"))
    assert assert_json_error(answer, 400, "invalid_credentials") == WRONG_CURRENT
    assert signed_in.signed_in(), "a wrong current password must not sign the user out"


def test_s21_new_passwords_that_differ_are_invalid_input_without_asking_the_service(
    signed_in: AppClient, fake: FakeControl, plain_user: FixtureUser, change_password: Operation
) -> None:
    fields = change_fields(plain_user.password, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert_json_error(signed_in.submit("password", fields), 400, "invalid_input")
    assert fake.count("change_password") == 0


def test_s21_short_password_is_422_with_the_services_message(
    signed_in: AppClient, spec: Spec, plain_user: FixtureUser, change_password: Operation
) -> None:
    fields = change_fields(plain_user.password, "short")
    message = assert_json_error(signed_in.submit("password", fields), 422, "password_policy")
    if passes_message_on(spec, "change_password"):
        assert message == POLICY_MESSAGE, "the service's own message is shown"


def test_s21_change_json_keeps_the_user_signed_in_and_the_new_password_works(
    signed_in: AppClient, new_client: ClientFactory, plain_user: FixtureUser, change_password: Operation
) -> None:
    answer = signed_in.submit("password", change_fields(plain_user.password))
    assert assert_json(answer, 200) == {"status": "changed"}
    assert signed_in.signed_in(), "the user stays signed in"
    assert_json(new_client().login(plain_user.username, NEW_PASSWORD), 200)
    assert_json_error(new_client().login(plain_user.username, plain_user.password), 401, "invalid_credentials")


def test_s21_change_rotates_the_session(
    signed_in: AppClient, plain_user: FixtureUser, change_password: Operation
) -> None:
    saved = signed_in.cookies()
    assert_json(signed_in.submit("password", change_fields(plain_user.password)), 200)
    assert signed_in.signed_in()
    assert not signed_in.with_cookies(saved).signed_in(), "the session from before the change still signs in"


def test_s21_change_form_shows_the_page(
    signed_in_browser: AppClient, plain_user: FixtureUser, change_password: Operation
) -> None:
    assert_html(signed_in_browser.get(signed_in_browser.route("password")), 200)
    page = assert_html(signed_in_browser.submit("password", change_fields(plain_user.password)), 200)
    assert CHANGED in page
    assert signed_in_browser.signed_in()
