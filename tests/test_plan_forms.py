"""The forms' fields: one definition for every target's pages."""

from __future__ import annotations

import dataclasses

from generator.plan.forms import FormInput, _input, form_inputs, label, login_inputs
from generator.spec import load_spec

from .conftest import ACME


def test_login_asks_for_an_email_when_users_sign_in_with_one() -> None:
    spec = load_spec(ACME)
    assert spec.field(spec.mapping.username).type == "email"
    assert login_inputs(spec) == (
        FormInput("username", "Email", "email", "username"),
        FormInput("password", "Password", "password", "current-password"),
    )


def test_login_asks_for_a_username_otherwise() -> None:
    spec = load_spec(ACME)
    user = tuple(dataclasses.replace(f, type="string") if f.name == spec.mapping.username else f for f in spec.user)
    first = login_inputs(dataclasses.replace(spec, user=user))[0]
    assert (first.label, first.html_type, first.autocomplete) == ("Username", "text", "username")


def test_register_fields_follow_the_inputs_its_steps_read() -> None:
    spec = load_spec(ACME)
    fields = form_inputs(spec, "register")
    assert [f.name for f in fields] == list(spec.operations["register"].inputs)
    by_name = {f.name: f for f in fields}
    assert by_name["password"] == FormInput("password", "Password", "password", "new-password")
    assert by_name["email"].html_type == "email"


def test_forgot_password_asks_for_the_current_password_kind_and_knows_common_names() -> None:
    spec = load_spec(ACME)
    assert all(f.autocomplete != "new-password" for f in form_inputs(spec, "forgot_password"))
    assert _input("old_password", new=False).autocomplete == "current-password"
    assert _input("first_name", new=True) == FormInput("first_name", "First name", "text", "given-name")
    assert _input("nickname", new=True).autocomplete == "off"


def test_an_operation_the_spec_lacks_has_no_form() -> None:
    spec = load_spec(ACME)
    without = dataclasses.replace(spec, operations={k: v for k, v in spec.operations.items() if k != "register"})
    assert form_inputs(without, "register") == ()


def test_label_capitalises_the_first_word_only() -> None:
    assert label("first_name") == "First name"
    assert label("_email_") == "Email"


# -- how the generated tests fill the forms -----------------------------------------------------

from generator import expr  # noqa: E402
from generator.fake.fixtures import fixture_users  # noqa: E402
from generator.model import Operation, Step  # noqa: E402
from generator.plan.forms import forgot_values, register_kinds, register_username  # noqa: E402


def _register(spec, *inputs: str):  # type: ignore[no-untyped-def]
    """``spec`` whose register operation sends exactly ``inputs``."""
    body = expr.parse_value({name: "${input." + name + "}" for name in inputs}, body=True)
    register = Operation("register", (Step("POST", expr.parse_template("/users"), json=body),))
    return dataclasses.replace(spec, operations={**spec.operations, "register": register})


def test_register_inputs_are_filled_by_name_password_first() -> None:
    spec = load_spec(ACME)  # users sign in with their e-mail address
    kinds = register_kinds(_register(spec, "email_password", "work_email", "nickname"))
    assert kinds == (("email_password", "password"), ("work_email", "email"), ("nickname", "text"))
    assert register_username(_register(spec, "nickname", "work_email")) == "work_email"


def test_register_username_is_the_username_input_else_unknown_without_email_sign_in() -> None:
    spec = load_spec(ACME)
    assert register_username(_register(spec, "username", "email")) == "username"
    user = tuple(dataclasses.replace(f, type="string") if f.name == spec.mapping.username else f for f in spec.user)
    by_name = dataclasses.replace(spec, user=user)
    assert register_username(_register(by_name, "email", "password")) is None
    assert dict(register_kinds(_register(by_name, "username")))["username"] == "text"
    no_register = {k: v for k, v in spec.operations.items() if k != "register"}
    assert register_kinds(dataclasses.replace(spec, operations=no_register)) == ()


def test_forgot_names_the_plain_fixture_user_by_email_or_username() -> None:
    spec = load_spec(ACME)
    users = fixture_users(spec.data)
    plain = next(u for u in users if u["key"] == "user")
    values = forgot_values(spec, users)
    assert values and all(v in (plain["username"], plain["expected"]["email"]) for v in values.values())
