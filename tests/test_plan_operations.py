"""The session values an operation reads, once each, in order of first use."""

from __future__ import annotations

import dataclasses

from generator import expr
from generator.model import Auth, Operation, Step
from generator.plan.operations import session_keys
from generator.spec import load_spec

from .conftest import ACME


def test_get_user_reads_what_login_returned() -> None:
    spec = load_spec(ACME)
    assert session_keys(spec.operations["get_user"]) == ("user_id", "token")
    assert session_keys(spec.operations["login"]) == ()


def test_each_value_once_in_order_of_first_use_across_steps() -> None:
    first = Step(
        "GET",
        expr.parse_template("/a/${session.b}/${input.x}"),
        auth=Auth("bearer", (expr.parse_template("${session.a}"),)),
    )
    second = Step("GET", expr.parse_template("/c/${session.a}/${session.c}"))
    assert session_keys(Operation("get_user", (first, second))) == ("b", "a", "c")


# -- the session lifecycle methods (issue 15: S18-S22) ------------------------------------------

from generator.plan.operations import (  # noqa: E402
    LIFECYCLE,
    SessionValue,
    client_method,
    client_methods,
    login_session,
    refreshed_session,
)
from generator.spec import parse_spec  # noqa: E402


def test_each_lifecycle_method_takes_the_session_and_the_inputs_the_contract_names() -> None:
    spec = load_spec(ACME)
    methods = {m.operation: m for m in client_methods(spec)}
    assert list(methods) == list(LIFECYCLE)
    taken = {name: (m.takes_session, m.inputs) for name, m in methods.items()}
    assert taken == {
        "refresh": (True, ()),
        "logout": (True, ()),
        "reset_password": (False, ("token", "password")),
        "change_password": (True, ("current_password", "new_password")),
        "verify_email": (False, ("token",)),
    }
    assert methods["change_password"].session_keys == ("user_id", "token")
    assert all(m.summary.endswith(".") for m in methods.values())


def test_login_returns_expires_at_in_place_of_expires_in() -> None:
    values = login_session(load_spec(ACME).operations["login"])
    assert [v.name for v in values] == ["token", "refresh_token", "expires_at", "user_id"]
    assert values[2].deadline and str(values[2].pointer) == "/expires_in"
    assert not any(v.deadline for v in values if v.name != "expires_at")


def test_refresh_renews_what_it_extracts_and_carries_the_rest_over() -> None:
    values = {v.name: v for v in refreshed_session(load_spec(ACME))}
    assert list(values) == ["token", "refresh_token", "expires_at", "user_id"]
    assert values["token"].step == 1 and str(values["token"].pointer) == "/token"
    assert values["expires_at"].deadline
    assert values["user_id"] == SessionValue("user_id"), "not renewed: kept from the session refresh was given"
    assert client_method(load_spec(ACME), "refresh").returns == tuple(values.values())


def test_a_refresh_without_expires_in_leaves_no_stale_deadline() -> None:
    text = ACME.read_text(encoding="utf-8").replace(
        'extract = { token = "/token", refresh_token = "/refresh_token", expires_in = "/expires_in" }\n',
        'extract = { token = "/token", refresh_token = "/refresh_token" }\n',
    )
    names = [v.name for v in refreshed_session(parse_spec(text.encode()))]
    assert names == ["token", "refresh_token", "user_id"]


def test_a_spec_without_lifecycle_operations_has_no_lifecycle_methods() -> None:
    spec = load_spec(ACME.parent.parent / "okta" / "identity.toml")
    assert client_methods(spec) == ()


def test_secrets_read_back_are_the_session_values_operations_use_minus_the_public_ones() -> None:
    from generator.plan.operations import public_values, secrets_read_back

    spec = load_spec(ACME)
    assert secrets_read_back(spec) == sorted({"user_id", "token", "refresh_token"} - set(public_values(spec)))
    login = spec.operations["login"]
    public = dataclasses.replace(login.steps[0], public=("user_id",))
    spec = dataclasses.replace(
        spec, operations={**spec.operations, "login": dataclasses.replace(login, steps=(public,))}
    )
    assert "user_id" not in secrets_read_back(spec) and "token" in secrets_read_back(spec)
