"""Registration: S14, only when the spec has ``[operations.register]``; skipped otherwise."""

from __future__ import annotations

import uuid

import pytest

from generator.kit.checks import assert_html, assert_json, assert_json_error, assert_redirect
from generator.kit.client import AppClient, ClientFactory, FixtureUser
from generator.model import Operation, Spec

#: The password every account the kit registers gets.
NEW_PASSWORD = "Kit-pass-1 +&%"


def new_account(register: Operation, spec: Spec) -> tuple[dict[str, str], str | None]:
    """Values for every register input, and the username the new account signs in with (None when unknown).

    Inputs are read by name: a fresh e-mail address for ``*email*``, the
    password for ``*password*``, plain text for the rest.
    """
    email = f"kit-{uuid.uuid4().hex[:12]}@example.com"
    username_is_email = spec.field(spec.mapping.username).type == "email"
    values = {}
    for name in register.inputs:
        if "password" in name:
            values[name] = NEW_PASSWORD
        elif "email" in name or name == "username" and username_is_email:
            values[name] = email
        elif name == "username":
            values[name] = f"kit-{uuid.uuid4().hex[:12]}"
        else:
            values[name] = "Kit"
    if "username" in values:
        return values, values["username"]
    return values, email if username_is_email and email in values.values() else None


def test_s14_register_page_is_html(browser: AppClient, register: Operation) -> None:
    assert_html(browser.get(browser.route("register")), 200)


def test_s14_register_json_answers_201(api: AppClient, register: Operation, spec: Spec) -> None:
    values, _ = new_account(register, spec)
    assert assert_json(api.submit("register", values), 201) == {"status": "registered"}


def test_s14_registered_account_can_sign_in(
    api: AppClient, register: Operation, spec: Spec, new_client: ClientFactory
) -> None:
    values, username = new_account(register, spec)
    if username is None:
        pytest.skip("cannot tell which register input is the new account's username")
    assert_json(api.submit("register", values), 201)
    assert_json(new_client().login(username, NEW_PASSWORD), 200)


def test_s14_register_form_redirects_to_login(browser: AppClient, register: Operation, spec: Spec) -> None:
    values, _ = new_account(register, spec)
    _, path, _ = assert_redirect(browser.submit("register", values), 303)
    assert path == browser.route("login")


def test_s14_register_existing_account_is_409(
    api: AppClient, register: Operation, spec: Spec, plain_user: FixtureUser
) -> None:
    values, username = new_account(register, spec)
    taken = {name: plain_user.username for name, value in values.items() if value == username}
    if not taken:
        pytest.skip("cannot tell which register input is the new account's username")
    assert_json_error(api.submit("register", {**values, **taken}), 409, "conflict")


def test_s14_register_rejected_data_is_400(api: AppClient, register: Operation, spec: Spec) -> None:
    values, _ = new_account(register, spec)
    emails = [name for name in values if "email" in name]
    if not emails:
        pytest.skip("the register operation has no e-mail input to get wrong")
    assert_json_error(api.submit("register", {**values, emails[0]: "not-an-email"}), 400, "invalid_input")
