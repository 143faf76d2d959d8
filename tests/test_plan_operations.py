"""The session values an operation reads, once each, in order of first use."""

from __future__ import annotations

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
