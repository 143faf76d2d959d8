"""``[service.oidc]`` in a spec (issue 17): sign-in through an OpenID provider instead of operations.

The model a valid spec gives, each misuse as one problem at its line with a
hint, what the template context says (``is_oidc``, ``oidc``), and the targets
that cannot sign users in through a provider yet refusing such a spec.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from generator import expr
from generator.cli import main
from generator.context import build_context
from generator.errors import SpecError, UnsupportedTargetError
from generator.fake.fixtures import fixture_users, test_settings
from generator.plan.oidc import oidc_context
from generator.render import select_targets
from generator.spec import load_spec, parse_spec
from generator.targets import TARGETS
from generator.validate.oidc import FLOW_PARAMS
from generator.validate.report import listed
from generator.validate.vocabulary import OIDC_KEYS, REQUIRED_OIDC

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "keycloak-oidc" / "identity.toml"
SMALL = ROOT / "tests" / "specs" / "oidc.toml"
ACME = ROOT / "examples" / "acme" / "identity.toml"
SCHEMA = json.loads((ROOT / "docs" / "spec.schema.json").read_text(encoding="utf-8"))

ISSUER_LINE = 'issuer = { env = "EXAMPLEOP_ISSUER", default = "http://127.0.0.1:9000" }\n'
CLIENT_LINE = 'client_id = { env = "EXAMPLEOP_CLIENT_ID", default = "example-app" }\n'
REGISTER_LINE = 'register_url = "${service.issuer}/signup?client_id=${service.client_id}"\n'
RESET_LINE = 'reset_url = "${service.issuer}/password-reset"\n'


def small_text() -> str:
    return SMALL.read_text(encoding="utf-8")


def small_with(*replacements: tuple[str, str]) -> str:
    """The small OIDC spec with each ``(old, new)`` replaced once."""
    text = small_text()
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def problems(text: str) -> list[str]:
    """The problems of ``text`` as ``<line>: <key>: <message> (hint: ...)``."""
    with pytest.raises(SpecError) as info:
        parse_spec(text.encode(), "spec.toml")
    return [str(p).removeprefix("spec.toml:") for p in info.value.problems]


def line_in(text: str, needle: str) -> int:
    return text.split(needle, 1)[0].count("\n") + 1


# -- the model ---------------------------------------------------------------


def test_the_keycloak_example_signs_in_through_the_provider() -> None:
    spec = load_spec(EXAMPLE)
    oidc = spec.oidc
    assert oidc is not None
    assert (oidc.issuer.env, oidc.issuer.default, oidc.issuer.required) == (
        "KEYCLOAK_ISSUER",
        "http://localhost:8080/realms/master",
        False,
    )
    assert (oidc.client_id.env, oidc.client_id.required, oidc.client_id.secret) == ("KEYCLOAK_CLIENT_ID", True, False)
    assert oidc.client_secret is not None
    assert (oidc.client_secret.env, oidc.client_secret.secret) == ("KEYCLOAK_CLIENT_SECRET", True)
    assert oidc.scopes == ("openid", "profile", "email", "roles")
    assert oidc.params == (("prompt", "login"),)
    assert oidc.register_url is None and oidc.reset_url is None  # Keycloak's login page links to its own
    # the three settings are the service's first settings, so every target reads and documents them
    assert [s.name for s in spec.service.settings] == ["issuer", "client_id", "client_secret"]
    assert spec.operations == {}
    assert not any(spec.has(op) for op in ("login", "get_user", "register", "refresh", "logout"))
    # no [targets] table: the targets whose templates sign in through a provider
    assert spec.targets == tuple(name for name, target in TARGETS.items() if target.supports_oidc)


def test_a_public_client_has_no_secret_and_the_default_scopes() -> None:
    spec = load_spec(SMALL)
    assert spec.oidc is not None
    assert spec.oidc.client_secret is None
    assert spec.oidc.scopes == ("openid", "profile", "email")
    assert spec.oidc.params == ()
    assert spec.oidc.register_url is not None and spec.oidc.register_url.refs == (
        expr.Ref("service", "issuer"),
        expr.Ref("service", "client_id"),
    )
    assert spec.oidc.reset_url is not None and spec.oidc.reset_url.literal_text() is None
    assert [s.name for s in spec.service.settings] == ["issuer", "client_id"]


def test_a_client_secret_is_secret_even_when_the_spec_does_not_say_so() -> None:
    text = small_with((CLIENT_LINE, CLIENT_LINE + 'client_secret = { env = "EXAMPLEOP_CLIENT_SECRET" }\n'))
    spec = parse_spec(text.encode())
    assert spec.oidc is not None and spec.oidc.client_secret is not None
    assert spec.oidc.client_secret.secret and spec.oidc.client_secret.required


def test_a_password_spec_has_no_oidc() -> None:
    assert load_spec(ACME).oidc is None


# -- each misuse: one problem at its line, with a hint --------------------------------


@pytest.mark.parametrize(
    "operation, hint",
    [
        ("login", "the provider does it: remove this operation"),
        ("get_user", "the provider does it: remove this operation"),
        ("register", "link the provider's registration page with register_url in [service.oidc]"),
        ("forgot_password", "link the provider's reset-credentials page with reset_url in [service.oidc]"),
        ("logout", "the provider does it: remove this operation"),
    ],
)
def test_an_operation_beside_oidc_is_refused(operation: str, hint: str) -> None:
    steps = f'[[operations.{operation}.steps]]\nmethod = "POST"\npath = "/x"\n'
    text = small_text() + f"\n[operations.{operation}]\n{steps}"
    line = line_in(text, f"[operations.{operation}]")
    message = f"[service.oidc] signs users in, so the spec describes no {operation} operation"
    assert problems(text) == [f"{line}: operations.{operation}: {message} (hint: {hint})"]


def test_missing_issuer_and_client_id_each_get_a_hint() -> None:
    text = small_with((ISSUER_LINE, ""), (CLIENT_LINE, ""))
    line = line_in(text, "[service.oidc]")
    assert problems(text) == [
        f"{line}: service.oidc.issuer: missing required key 'issuer' (hint: add issuer = "
        '{ env = "<SLUG>_ISSUER", default = "https://..." }: the provider\'s issuer URL)',
        f"{line}: service.oidc.client_id: missing required key 'client_id' (hint: add client_id = "
        '{ env = "<SLUG>_CLIENT_ID", required = true })',
    ]


def test_scopes_without_openid_are_refused() -> None:
    text = small_with((CLIENT_LINE, CLIENT_LINE + 'scopes = ["profile", "email"]\n'))
    line = line_in(text, "scopes =")
    assert problems(text) == [
        f'{line}: service.oidc.scopes: the scopes do not include "openid" '
        '(hint: add "openid": without it there is no ID token)'
    ]


@pytest.mark.parametrize(
    "scopes, message",
    [
        ('["openid", "openid"]', "scope 'openid' is listed twice"),
        ('["openid", "two words"]', "'two words' is not a scope name"),
        ("[]", "expected a non-empty array of scope names"),
    ],
)
def test_wrong_scopes_are_refused(scopes: str, message: str) -> None:
    text = small_with((CLIENT_LINE, CLIENT_LINE + f"scopes = {scopes}\n"))
    (problem,) = problems(text)
    assert problem.startswith(f"{line_in(text, 'scopes =')}: service.oidc.scopes") and message in problem


@pytest.mark.parametrize(
    "key, value, hint",
    [
        (
            "base_url",
            '{ env = "EXAMPLEOP_URL", default = "http://x" }',
            "the issuer's discovery document says where the provider's endpoints are",
        ),
        ("credentials", '{ kind = "bearer", env = "EXAMPLEOP_KEY" }', "the client_id and client_secret"),
    ],
)
def test_base_url_and_credentials_beside_oidc_are_refused(key: str, value: str, hint: str) -> None:
    text = small_with(('slug = "exampleop"\n', f'slug = "exampleop"\n{key} = {value}\n'))
    (problem,) = problems(text)
    assert problem.startswith(f"{line_in(text, key + ' =')}: service.{key}: {key} does not apply beside [service.oidc]")
    assert hint in problem


def test_an_unknown_key_in_oidc_is_refused_with_a_suggestion() -> None:
    text = small_with((CLIENT_LINE, CLIENT_LINE + 'scope = ["openid"]\n'))
    assert problems(text) == [
        f"{line_in(text, 'scope =')}: service.oidc.scope: unknown key 'scope' (hint: did you mean 'scopes'?)"
    ]


def test_an_oidc_key_written_in_service_points_at_its_table() -> None:
    text = small_with(('slug = "exampleop"\n', 'slug = "exampleop"\nscopes = ["openid"]\n'))
    assert problems(text) == [
        f"{line_in(text, 'scopes =')}: service.scopes: unknown key 'scopes' "
        "(hint: 'scopes' belongs in [service.oidc]; is its header missing?)"
    ]


def test_an_issuer_that_is_not_a_url_is_refused() -> None:
    text = small_with((ISSUER_LINE, 'issuer = { env = "EXAMPLEOP_ISSUER", default = "id.example.com" }\n'))
    assert problems(text) == [
        f"{line_in(text, 'issuer =')}: service.oidc.issuer.default: 'id.example.com' is not an http(s) URL "
        "(hint: the issuer is a URL, e.g. https://id.example.com/realms/main)"
    ]


def test_a_parameter_the_flow_sets_itself_is_refused() -> None:
    text = small_with((CLIENT_LINE, CLIENT_LINE + 'params = { prompt = "login", state = "fixed" }\n'))
    assert problems(text) == [
        f"{line_in(text, 'params =')}: service.oidc.params.state: the sign-in sets 'state' itself "
        "(hint: remove it; the flow fills it in)"
    ]


@pytest.mark.parametrize(
    "url, message",
    [
        ("${service.client_secret}/x", "${service.client_secret} cannot be used in a link"),
        ("${config.realm}/x", "${config.realm} cannot be used in a link"),
        ("accounts.example.com/signup", "'accounts.example.com/signup' is not an http(s) URL"),
        ("${input.x", "unclosed ${"),
    ],
)
def test_a_wrong_provider_page_link_is_refused(url: str, message: str) -> None:
    text = small_with((REGISTER_LINE, f'register_url = "{url}"\n'))
    (problem,) = problems(text)
    assert problem.startswith(f"{line_in(text, 'register_url =')}: service.oidc.register_url: ")
    assert message in problem and "(hint: " in problem


def test_a_link_may_use_the_issuer_the_client_id_and_config() -> None:
    text = small_with(
        (RESET_LINE, 'reset_url = "${service.issuer}/r?c=${service.client_id}&t=${config.tenant}"\n'),
        ("[user]", '[service.config]\ntenant = { env = "EXAMPLEOP_TENANT", default = "main" }\n\n[user]'),
    )
    spec = parse_spec(text.encode())
    assert spec.oidc is not None and spec.oidc.reset_url is not None
    assert [str(r) for r in spec.oidc.reset_url.refs] == ["service.issuer", "service.client_id", "config.tenant"]
    assert [s.name for s in spec.service.settings] == ["issuer", "client_id", "tenant"]


def test_a_config_setting_cannot_take_an_oidc_settings_name() -> None:
    text = small_with(("[user]", '[service.config]\nclient_id = { env = "EXAMPLEOP_OTHER_ID" }\n\n[user]'))
    line = line_in(text, 'client_id = { env = "EXAMPLEOP_OTHER')
    assert problems(text) == [
        f"{line}: service.config.client_id: 'client_id' is already "
        "a setting of [service.oidc] (hint: use ${service.client_id}, or choose another name)"
    ]


def test_a_claim_pointer_that_is_not_a_json_pointer_is_refused() -> None:
    text = small_with(('from = "/preferred_username"', 'from = "preferred_username"'))
    assert problems(text) == [
        f"{line_in(text, 'username =')}: user.username.from: JSON pointer 'preferred_username' must be empty "
        "or start with '/' (hint: did you mean '/preferred_username'?)"
    ]


def test_the_whole_claims_object_is_not_a_field() -> None:
    text = small_with(('from = "/preferred_username"', 'from = ""'))
    assert problems(text) == [
        f"{line_in(text, 'username =')}: user.username.from: the user record is the claims object, not a value "
        '(hint: point at a claim, e.g. from = "/sub")'
    ]


def test_a_spec_with_neither_operations_nor_oidc_is_told_about_both() -> None:
    text = small_with(
        ("[service.oidc]\n" + ISSUER_LINE + CLIENT_LINE, ""),
        ("# The provider's own pages, which the sign-in page links to.\n" + REGISTER_LINE + RESET_LINE, ""),
        ('slug = "exampleop"\n', 'slug = "exampleop"\nbase_url = { env = "EXAMPLEOP_URL", default = "http://x" }\n'),
    )
    assert problems(text) == [
        "1: operations: missing required key 'operations' (hint: add [[operations.login.steps]] and "
        "[[operations.get_user.steps]], or a [service.oidc] table to sign in through an OpenID provider)"
    ]


@pytest.fixture
def without_oidc(monkeypatch: pytest.MonkeyPatch) -> str:
    """A target that does not support [service.oidc]: django, whatever its template does today.

    The refusals below must hold for any target still without OIDC, also once
    every real one has it.
    """
    monkeypatch.setitem(TARGETS, "django", dataclasses.replace(TARGETS["django"], supports_oidc=False))
    return "django"


def test_an_enabled_target_without_oidc_support_is_refused(without_oidc: str) -> None:
    text = small_with(('enabled = ["flask"]', f'enabled = ["flask", "{without_oidc}"]'))
    can = listed(tuple(name for name, target in TARGETS.items() if target.supports_oidc))
    assert problems(text) == [
        f"{line_in(text, 'enabled =')}: targets.enabled[1]: {without_oidc} does not support [service.oidc] yet "
        f"(hint: enable {can} for this spec)"
    ]


def test_without_enabled_targets_an_oidc_spec_enables_those_that_support_it() -> None:
    spec = parse_spec(small_with(('[targets]\nenabled = ["flask"]\n', "")).encode())
    assert spec.targets == tuple(name for name, target in TARGETS.items() if target.supports_oidc)
    assert "flask" in spec.targets


# -- the schema says the same ---------------------------------------------------------


def test_the_schema_has_the_oidc_keys_and_flow_parameters_of_the_validator() -> None:
    node = SCHEMA["properties"]["service"]["properties"]["oidc"]
    assert sorted(node["properties"]) == sorted(OIDC_KEYS)
    assert sorted(node["required"]) == sorted(REQUIRED_OIDC)
    assert sorted(node["properties"]["params"]["propertyNames"]["not"]["enum"]) == sorted(FLOW_PARAMS)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: {**d, "operations": {"login": {"steps": [{"method": "POST", "path": "/x"}]}}},
        lambda d: {**d, "service": {**d["service"], "base_url": {"env": "EXAMPLEOP_URL"}}},
        lambda d: {**d, "service": {**d["service"], "oidc": {**d["service"]["oidc"], "scopes": ["profile"]}}},
        lambda d: {**d, "service": {k: v for k, v in d["service"].items() if k != "oidc"}},
    ],
    ids=["operations beside oidc", "base_url beside oidc", "no openid scope", "neither oidc nor operations"],
)
def test_the_schema_refuses_what_the_validator_refuses(change) -> None:  # noqa: ANN001
    data = change(tomllib.loads(small_text()))
    with pytest.raises(SpecError):
        from generator.spec import build_spec

        build_spec(data)
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data))


# -- the context and the fake's settings -----------------------------------------------


def test_the_context_of_an_oidc_spec() -> None:
    assert oidc_context(load_spec(EXAMPLE)) == {
        "is_oidc": True,
        "oidc": {
            "issuer_env": "KEYCLOAK_ISSUER",
            "client_id_env": "KEYCLOAK_CLIENT_ID",
            "client_secret_env": "KEYCLOAK_CLIENT_SECRET",
            "scopes": ["openid", "profile", "email", "roles"],
            "scope": "openid profile email roles",
            "params": [["prompt", "login"]],
            "register_url": "",
            "reset_url": "",
        },
    }
    small = oidc_context(load_spec(SMALL))["oidc"]
    assert small["client_secret_env"] == ""
    assert small["register_url"] == "${service.issuer}/signup?client_id=${service.client_id}"
    assert small["reset_url"] == "${service.issuer}/password-reset"


def test_a_password_spec_context_says_not_oidc() -> None:
    context = build_context(load_spec(ACME), TARGETS["flask"])
    assert context["is_oidc"] is False and context["oidc"] == {}


def test_the_flask_context_of_an_oidc_spec_builds() -> None:
    context = build_context(load_spec(EXAMPLE), TARGETS["flask"])
    assert context["is_oidc"] is True and context["oidc"]["issuer_env"] == "KEYCLOAK_ISSUER"
    assert not context["has_register"] and not context["has_refresh"]


def test_tests_configure_the_client_id_and_secret_and_the_fixture_users_are_the_claims() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert test_settings(data) == {"client_id": "test-client-id", "client_secret": "test-client-secret"}
    admin = fixture_users(data)[0]
    assert admin["record"]["preferred_username"] == admin["username"]
    assert "admin" in admin["record"]["realm_access"]["roles"]
    assert admin["record"]["sub"] == admin["expected"]["id"]


# -- targets without OIDC support refuse such a spec ---------------------------------------


def test_a_target_without_oidc_support_refuses_an_oidc_spec(without_oidc: str, tmp_path: Path) -> None:
    target = without_oidc
    with pytest.raises(UnsupportedTargetError, match=f"^{target} does not support \\[service.oidc\\] yet"):
        select_targets(load_spec(EXAMPLE), [target])
    result = CliRunner().invoke(main, ["generate", "-q", "-o", str(tmp_path / "out"), "-t", target, str(EXAMPLE)])
    assert result.exit_code == 2
    assert f"{target} does not support [service.oidc] yet" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_flask_is_chosen_for_an_oidc_spec() -> None:
    chosen, skipped = select_targets(load_spec(EXAMPLE), ["flask"])
    assert [t.name for t in chosen] == ["flask"] and skipped == []


def test_docs_describe_every_oidc_key_and_its_example_validates() -> None:
    doc = (ROOT / "docs" / "spec.md").read_text(encoding="utf-8")
    section = doc.split("## OpenID Connect: `[service.oidc]`", 1)[1].split("\n## ", 1)[0]
    for key in OIDC_KEYS:
        assert f"| `{key}` |" in section, f"docs/spec.md's [service.oidc] table lacks {key}"
    shown = section.split("```toml\n", 1)[1].split("```", 1)[0]
    spec = parse_spec(
        ("schema = 1\n" + shown + '\n[mapping]\nid = "id"\nusername = "username"\nroles = "roles"\n').encode()
    )
    assert spec.oidc is not None and spec.oidc.params == (("prompt", "login"),)
