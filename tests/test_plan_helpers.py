"""Which runtime helpers a generated client needs, decided from the spec's steps."""

from __future__ import annotations

import dataclasses

from generator import expr
from generator.model import Auth, Credentials, ErrorRule, Operation, Spec, Step
from generator.plan.helpers import ClientNeeds, UserNeeds, client_needs, path_segment_refs, transforms_of, user_needs
from generator.spec import load_spec

from .conftest import ACME


def _with(*steps: Step, credentials: Credentials | None = None) -> Spec:
    """The bundled spec with its operations replaced by one login made of ``steps``."""
    spec = load_spec(ACME)
    if credentials is not None:
        spec = dataclasses.replace(spec, service=dataclasses.replace(spec.service, credentials=credentials))
    return dataclasses.replace(spec, operations={"login": Operation("login", steps)})


def _get(path: str, **kwargs: object) -> Step:
    return Step("GET", expr.parse_template(path), **kwargs)  # type: ignore[arg-type]


def test_the_bundled_spec_needs_percent_encoding_and_json_objects() -> None:
    needs = ClientNeeds(
        urlencode=True,
        json_objects=True,
        error_matches=True,
        deadline=True,
        service_message=True,
        input_argument=True,  # reset_password, change_password and verify_email read their input mapping
    )
    assert client_needs(load_spec(ACME)) == needs


def test_a_plain_spec_needs_nothing() -> None:
    assert client_needs(_with(_get("/v1/me"))) == ClientNeeds()


def test_text_that_looks_like_a_helper_call_is_not_a_use() -> None:
    # the emitters used to search their output for "base64(" and the like
    header = expr.parse_value("basic(a) bearer(b) base64(c) urlencode(d) _quote(e)")
    assert client_needs(_with(_get("/v1/me", headers=(("X-Note", header),)))) == ClientNeeds()


def test_transforms_are_found_however_deep_in_a_body() -> None:
    body = expr.parse_value({"a": [{"b": {"base64": "${input.username}"}}]}, body=True)
    assert list(transforms_of(body)) == ["base64"]
    needs = client_needs(_with(Step("POST", expr.parse_template("/v1/x"), json=body)))
    assert needs == ClientNeeds(base64=True, json_objects=True, json_arrays=True)


def test_a_body_of_scalars_needs_no_json_nodes_and_status_rules_no_matching() -> None:
    form = (("username", expr.parse_template("${input.username}")),)
    rules = (ErrorRule(401, "invalid_credentials"),)
    assert client_needs(_with(Step("POST", expr.parse_template("/v1/x"), form=form, errors=rules))) == ClientNeeds()
    matching = (ErrorRule(400, "invalid_credentials", ((expr.parse_pointer("/code"), 7),)),)
    step = Step("POST", expr.parse_template("/v1/x"), errors=matching)
    assert client_needs(_with(step)) == ClientNeeds(error_matches=True)


def test_a_transform_inside_a_transform_counts() -> None:
    value = expr.Transform("urlencode", expr.Transform("base64", expr.parse_template("${input.username}")))
    assert list(transforms_of(value)) == ["urlencode", "base64"]


def test_references_in_a_path_are_percent_encoded_but_not_an_extracted_url() -> None:
    assert path_segment_refs(_get("${steps.1.next}")) == ()
    step = _get("${steps.1.next}/users/${session.id}")
    assert [str(r) for r in path_segment_refs(step)] == ["session.id"]
    assert client_needs(_with(_get("${steps.1.next}"))) == ClientNeeds()
    assert client_needs(_with(step)) == ClientNeeds(urlencode=True)


def test_basic_auth_from_the_service_credentials_or_a_step() -> None:
    basic = Credentials("basic")
    assert client_needs(_with(_get("/x", auth=Auth("service")), credentials=basic)) == ClientNeeds(basic_auth=True)
    assert client_needs(_with(_get("/x", auth=Auth("service")), credentials=Credentials("bearer"))) == ClientNeeds()
    pair = (expr.parse_template("${input.username}"), expr.parse_template("${input.password}"))
    assert client_needs(_with(_get("/x", auth=Auth("basic", pair)))) == ClientNeeds(basic_auth=True)


def test_only_a_computed_bearer_token_needs_prefixing_at_run_time() -> None:
    text = Auth("bearer", (expr.parse_template("${session.token}"),))
    computed = Auth("bearer", (expr.parse_value({"base64": "${session.token}"}),))
    assert client_needs(_with(_get("/x", auth=text))) == ClientNeeds()
    assert client_needs(_with(_get("/x", auth=computed))) == ClientNeeds(base64=True, computed_bearer=True)


def test_helpers_are_named_by_the_language_in_its_order_only_when_needed() -> None:
    needs = ClientNeeds(urlencode=True, deadline=True)
    assert needs.helpers(base64="b64", deadline="until", urlencode="quote") == ["until", "quote"]
    assert ClientNeeds().helpers(base64="b64", deadline="until") == []


def test_an_optional_input_and_an_input_mapping_are_needs_of_their_own() -> None:
    spec = load_spec(ACME)
    login = Operation("login", (_get("/v1/me/${input.note}"),), optional_inputs=("note",))
    reset = Operation("reset_password", (_get("/v1/reset/${input.token}"),))
    only_login = dataclasses.replace(spec, operations={"login": login})
    assert client_needs(only_login).optional_inputs and not client_needs(only_login).input_argument
    with_reset = dataclasses.replace(spec, operations={"login": login, "reset_password": reset})
    assert client_needs(with_reset).input_argument


def test_user_needs_the_converters_transforms_and_filters_of_its_fields() -> None:
    acme = user_needs(load_spec(ACME))
    assert "datetime" in acme.types and acme.transforms == () and not acme.pointer_filters
    stormpath = user_needs(load_spec(ACME.parent.parent / "stormpath" / "identity.toml"))
    assert stormpath.transforms == ("last_segment",) and stormpath.pointer_filters
    assert UserNeeds() == user_needs(dataclasses.replace(load_spec(ACME), user=()))
