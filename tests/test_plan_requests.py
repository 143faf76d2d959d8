"""How a step authenticates, resolved once from the step and the service's credentials."""

from __future__ import annotations

import dataclasses

import pytest

from generator import expr
from generator.model import Auth, Credentials, Spec, Step
from generator.plan.requests import BasicAuth, BearerAuth, HeaderAuth, path_text, request_auth
from generator.spec import load_spec

from .conftest import ACME


def _spec(credentials: Credentials) -> Spec:
    spec = load_spec(ACME)
    return dataclasses.replace(spec, service=dataclasses.replace(spec.service, credentials=credentials))


def _setting(name: str) -> expr.Template:
    return expr.Template((expr.Ref("service", name),))


SERVICE = Step("GET", expr.parse_template("/x"), auth=Auth("service"))
TOKEN = expr.parse_template("${session.token}")
USER, PASSWORD = expr.parse_template("${input.username}"), expr.parse_template("${input.password}")


def test_service_basic_uses_the_username_and_password_settings() -> None:
    how = request_auth(_spec(Credentials("basic")), SERVICE)
    assert how == BasicAuth(_setting("api_username"), _setting("api_password"), service=True)


def test_service_bearer_uses_the_key_setting() -> None:
    assert request_auth(_spec(Credentials("bearer")), SERVICE) == BearerAuth(_setting("api_key"), service=True)


def test_service_header_keeps_the_header_and_prefix() -> None:
    how = request_auth(_spec(Credentials("header", "X-Api-Key", "SSWS ")), SERVICE)
    assert how == HeaderAuth("X-Api-Key", "SSWS ")
    assert how.value == expr.Template((expr.Lit("SSWS "), expr.Ref("service", "api_key")))


def test_an_empty_prefix_leaves_the_key_alone() -> None:
    assert HeaderAuth("X-Api-Key", "").value.single_ref == expr.Ref("service", "api_key")


def test_service_auth_without_credentials_sends_none() -> None:
    assert request_auth(_spec(Credentials("none")), SERVICE) is None


@pytest.mark.parametrize(
    ("auth", "want"),
    [
        (Auth("none"), None),
        (Auth("bearer", (TOKEN,)), BearerAuth(TOKEN)),
        (Auth("basic", (USER, PASSWORD)), BasicAuth(USER, PASSWORD)),
    ],
    ids=["none", "bearer", "basic"],
)
def test_step_auth_uses_the_step_values(auth: Auth, want: object) -> None:
    step = Step("GET", expr.parse_template("/x"), auth=auth)
    assert request_auth(_spec(Credentials("basic")), step) == want


def test_path_text_shows_references_as_the_spec_writes_them() -> None:
    step = Step("GET", expr.parse_template("${steps.1.next}/users/${session.id}"))
    assert path_text(step) == "{steps.1.next}/users/{session.id}"


def test_a_bearer_template_is_one_text_with_its_scheme_and_a_computed_token_is_none() -> None:
    token = expr.Template((expr.Lit("t-"), expr.Ref("session", "token")))
    assert BearerAuth(token).text == expr.Template((expr.Lit("Bearer "), expr.Lit("t-"), expr.Ref("session", "token")))
    assert BearerAuth(expr.Transform("base64", token)).text is None
