"""The Python emitter: literals and spec values come out as valid, exact Python."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator import expr
from generator.emit import python as py
from generator.model import Auth, Credentials, Step
from generator.plan.helpers import client_needs
from generator.spec import load_spec, parse_spec

from .conftest import ACME, ROOT

HOSTILE = [
    "quote \" and ' both",
    "back\\slash \\n not a newline",
    "${not.a.ref} and {{ jinja }} and {braces}",
    "*/ end of comment --> </script>",
    "new\nline\r\ttab",
    "nul \x00 byte",
    "right-to-left \u202e and emoji \U0001f510",
    "ünïcødé",
    '"""triple"""',
    "",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_string_literal_round_trips(text: str) -> None:
    assert ast.literal_eval(py.string(text)) == text


def test_string_prefers_double_quotes_like_ruff() -> None:
    assert py.string("plain") == '"plain"'
    assert py.string('say "hi"') == "'say \"hi\"'"


@pytest.mark.parametrize("text", HOSTILE)
def test_comment_stays_on_one_line(text: str) -> None:
    source = f"x = 1  # {py.comment(text)}\n"
    assert len(source.splitlines()) == 1
    assert ast.parse(source)


@pytest.mark.parametrize("text", HOSTILE)
def test_docstring_text_cannot_end_the_docstring(text: str) -> None:
    source = f'def f():\n    """{py.docstring(text)}"""\n'
    tree = ast.parse(source)
    assert isinstance(tree.body[0], ast.FunctionDef)


@pytest.mark.parametrize("text", HOSTILE)
def test_template_with_literal_text_evaluates_to_the_text(text: str) -> None:
    template = expr.Template((expr.Lit(text), expr.Ref("input", "username")))
    code = py.template(template, py.Names({"input.username": "username"}))
    assert eval(code, {"username": "U"}) == text + "U"


def test_path_references_are_percent_encoded_as_one_segment() -> None:
    template = expr.parse_template("/v1/users/${session.user_id}/x")
    code = py.template(template, py.Names({"session.user_id": "user_id"}), segment=True)
    assert code == 'f"/v1/users/{_quote(user_id)}/x"'


def test_transforms_emit_helpers() -> None:
    value = expr.parse_value({"base64": "${input.username}:${input.password}"})
    code = py.value(value, py.Names({"input.username": "u", "input.password": "p"}))
    assert code == '_base64(f"{u}:{p}")'


def test_json_body_keeps_structure_and_constants() -> None:
    value = expr.parse_value({"a": {"b": ["${input.x}", 1, True]}, "c": "lit"}, body=True)
    code = py.value(value, py.Names({"input.x": "x"}))
    assert eval(code, {"x": "X"}) == {"a": {"b": ["X", 1, True]}, "c": "lit"}


def test_keywords_become_safe_identifiers() -> None:
    assert py.ident("class") == "class_"
    assert py.ident("match") == "match_"
    assert py.ident("name") == "name"


def test_an_optional_list_field_absent_from_the_record_survives_the_session_cache() -> None:
    # Keycloak's userinfo has no realm_access at all for a user without realm roles.
    text = (Path(__file__).parent.parent / "examples" / "keycloak" / "identity.toml").read_text(encoding="utf-8")
    text = text.replace('from = "/realm_access/roles" }', 'from = "/realm_access/roles", optional = true }')
    spec = parse_spec(text.encode())
    (attribute,) = [a for a in py.attributes(spec) if a.name == "realm_roles"]
    assert eval(attribute.dump, {"self": SimpleNamespace(realm_roles=None)}) is None
    assert eval(attribute.load, {"data": {"realm_roles": None}}) is None
    assert eval(attribute.load, {"data": {"realm_roles": ["admin"]}}) == ("admin",)


def test_a_header_key_without_prefix_is_the_setting_itself() -> None:
    spec = load_spec(ACME)
    spec = dataclasses.replace(
        spec, service=dataclasses.replace(spec.service, credentials=Credentials("header", "X-Api-Key", ""))
    )
    step = Step("GET", expr.parse_template("/x"), auth=Auth("service"))
    call = py._send(spec, step, py.Names({}), "_X")
    assert call == 'self._send(_X, f"{self.base_url}/x", headers={"X-Api-Key": self.api_key})'


def test_a_coroutine_awaits_the_same_call_a_function_makes() -> None:
    """The FastAPI client's methods send the very requests Flask's and Django's do."""
    login = py.context(load_spec(ACME), {})["ops"]["login"]
    for step in login.steps:
        assert step.awaited == step.call.replace("self._send(", "await self._send(", 1)
        assert step.awaited.count("await ") == 1


def test_views_import_user_not_found_only_for_a_forgot_password_route() -> None:
    spec = load_spec(ACME)
    assert py.view_error_imports(spec) == ["AccountDisabled", "AcmeError", "InvalidCredentials", "UserNotFound"]
    without = dataclasses.replace(spec, operations={k: v for k, v in spec.operations.items() if k != "forgot_password"})
    assert py.view_error_imports(without) == ["AccountDisabled", "AcmeError", "InvalidCredentials"]


# -- session lifecycle methods (S18-S22) ----------------------------------------------------


def test_lifecycle_methods_take_a_session_and_an_input_mapping() -> None:
    spec = load_spec(ACME)
    ops = py.context(spec, {})["lifecycle_ops"]
    signatures = {op.name: (op.signature, op.returns_type) for op in ops}
    assert signatures == {
        "refresh": ("self, session: Mapping[str, str]", "dict[str, str]"),
        "logout": ("self, session: Mapping[str, str]", "None"),
        "reset_password": ("self, input: Mapping[str, str]", "None"),
        "change_password": ("self, session: Mapping[str, str], input: Mapping[str, str]", "None"),
        "verify_email": ("self, input: Mapping[str, str]", "None"),
    }
    change = next(op for op in ops if op.name == "change_password")
    assert change.input_locals == (("current_password", "current_password"), ("new_password", "new_password"))
    assert change.session_locals == (("user_id", "user_id"), ("token", "token"))


def test_refresh_returns_the_new_session_and_login_its_deadline() -> None:
    spec = load_spec(ACME)
    refresh = py.operation(spec, spec.operations["refresh"])
    assert refresh.returns == (
        'return {"token": _text(body, "/token"), "refresh_token": _text(body, "/refresh_token"), '
        '"expires_at": _expires_at(body, "/expires_in"), "user_id": session["user_id"]}'
    )
    assert refresh.steps[0].extracts == (), "read straight into the returned session"
    login = py.operation(spec, spec.operations["login"])
    assert 'expires_at = _expires_at(body, "/expires_in")' in login.steps[0].extracts
    assert '"expires_at": expires_at' in login.returns


def test_a_rule_with_message_carries_its_pointer() -> None:
    spec = load_spec(ACME)
    (step,) = py.operation(spec, spec.operations["reset_password"]).steps
    assert '_Rule(422, PasswordPolicy, message="/error/message")' in step.definition
    assert py.helpers(client_needs(spec)) == ["_quote", "_expires_at", "_service_message"]


def test_register_returns_nothing_even_when_the_spec_names_its_record() -> None:
    spec = load_spec(ROOT / "tests" / "specs" / "fake_okta.toml")
    register = py.operation(spec, spec.operations["register"])
    assert register.returns == "" and not register.steps[-1].call.startswith("body = ")
    assert all("_record(" not in line for step in register.steps for line in step.extracts)


def test_settings_say_whether_they_may_be_unset_so_templates_need_not_read_the_default_literal() -> None:
    spec = load_spec(ACME)
    rows = {row["name"]: row for row in py.settings(spec, {})}
    for setting in spec.service.settings:
        want = not setting.required and setting.default is None
        assert rows[setting.name]["nullable"] is want
        assert (rows[setting.name]["default"] == "None") is (setting.default is None)
