"""The skeleton of each client method, decided once for every language (generator.plan.client)."""

from __future__ import annotations

from generator import expr
from generator.lang.names import fresh
from generator.model import Operation, Step
from generator.plan.client import bind, client_plan
from generator.spec import load_spec

from .conftest import ACME


def _two_steps() -> Operation:
    """get_user in two steps: the first finds a link, the second follows it and reads the record."""
    first = Step(
        "GET",
        expr.parse_template("/users/${session.user_id}"),
        extract=(("href", expr.parse_pointer("/links/self")),),
    )
    second = Step("GET", expr.parse_template("${steps.1.href}/profile"), extract=(("user", expr.parse_pointer("")),))
    return Operation("get_user", (first, second))


def test_login_keeps_the_lifetime_as_a_deadline_and_returns_what_it_extracts() -> None:
    spec = load_spec(ACME)
    plan = client_plan(spec, spec.operations["login"])
    (step,) = plan.steps
    assert [(r.key, r.name, r.deadline) for r in step.reads][2] == ("expires_in", "expires_at", True)
    assert [v.name for v in plan.returns] == ["token", "refresh_token", "expires_at", "user_id"]
    assert plan.method is None and plan.inputs == ("username", "password")
    assert step.label == "POST /v1/sessions"


def test_get_user_returns_the_record_and_reads_the_session_first() -> None:
    spec = load_spec(ACME)
    plan = client_plan(spec, spec.operations["get_user"])
    assert plan.session_keys == ("user_id", "token")
    (step,) = plan.steps
    assert step.record is not None and step.locals == ()
    assert plan.returns == () and plan.reads_body


def test_refresh_reads_the_new_session_straight_from_its_last_response() -> None:
    spec = load_spec(ACME)
    plan = client_plan(spec, spec.operations["refresh"])
    assert plan.steps[-1].returns_here
    assert plan.steps[-1].reads == ()  # no locals: the return statement reads the response
    assert [v.name for v in plan.returns][:2] == ["token", "refresh_token"]
    assert plan.method is not None and plan.method.takes_session


def test_a_later_step_refers_to_what_an_earlier_one_read() -> None:
    spec = load_spec(ACME)
    plan = client_plan(spec, _two_steps())
    assert plan.many and plan.last == 2
    assert [r.ref for r in plan.steps[0].locals] == ["steps.1.href"]
    assert plan.steps[1].record is not None and plan.steps[1].record.step == 2


def test_bind_names_inputs_then_session_values_then_reads_each_fresh() -> None:
    spec = load_spec(ACME)
    taken = {"body"}
    plan = client_plan(spec, _two_steps())
    # a session value named like a taken name gets the next free one; the read after it too
    bound = bind(plan, lambda name: fresh(name.replace("user_id", "body"), taken))
    assert bound.session == (("body2", "user_id"),)
    assert bound.names == {"session.user_id": "body2", "steps.1.href": "href"}


def test_bind_leaves_to_the_language_what_it_reads_in_place() -> None:
    spec = load_spec(ACME)
    plan = client_plan(spec, spec.operations["change_password"])
    in_place = bind(plan, lambda name: name, inputs=False, session=False)
    assert in_place.inputs == () and in_place.session == ()
    assert "input.current_password" not in in_place.names
    own = bind(plan, lambda name: "local_" + name, inputs=lambda name: name)
    assert own.inputs == (("current_password", "current_password"), ("new_password", "new_password"))
    assert own.session[0][0].startswith("local_")


def test_only_get_user_reads_the_user_record_register_returns_nothing() -> None:
    # fake_okta's register names the record it answers (extract = { user = "" }) for the fake;
    # the client's register returned it although declared to return nothing
    spec = load_spec(ACME.parent.parent.parent / "tests" / "specs" / "fake_okta.toml")
    register = client_plan(spec, spec.operations["register"])
    assert spec.operations["register"].steps[-1].extract and not register.reads_body
    assert all(step.record is None for step in register.steps)
    assert client_plan(spec, spec.operations["get_user"]).steps[-1].record is not None
