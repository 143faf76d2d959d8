"""The spec's JSON Schema (docs/spec.schema.json) agrees with the validator.

Editors read the schema for completion and inline errors; ``authgen validate``
stays the source of ``file:line`` problems and hints.  These tests keep the
two in step: every valid spec satisfies the schema, what the validator refuses
for an unknown key or a wrong type the schema refuses too, and the schema's
keys and enums are the validator's own constants, so a key added to one and
not the other fails here.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import keyword
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from generator import expr
from generator.cli import main
from generator.errors import SpecError
from generator.lines import format_path
from generator.model import (
    DEFAULT_TOKEN_QUERY,
    ERROR_KINDS,
    FIELD_TYPES,
    MESSAGE_KINDS,
    OPERATIONS,
    REQUIRED_OPERATIONS,
    TOKEN_LINK_OPERATIONS,
)
from generator.spec import build_spec, load_spec
from generator.targets import TARGETS
from generator.validate import mapping, operations, service, targets, user, values
from generator.validate.vocabulary import (
    BUILTIN_SETTINGS,
    CREDENTIAL_KINDS,
    FIELD,
    REQUIRED_TOP,
    RESERVED,
    RESERVED_FIELDS,
    SCHEMA,
    SERVICE_KEYS,
    STEP_KEYS,
    TOP_KEYS,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCHEMA_FILE = ROOT / "docs" / "spec.schema.json"
SPEC_SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SPEC_SCHEMA)
ACME = ROOT / "examples" / "acme" / "identity.toml"
BROKEN = HERE / "specs" / "broken"

VALID_SPECS = sorted(
    [
        *(ROOT / "examples").glob("*/identity.toml"),
        *(HERE / "specs").glob("*.toml"),
        *(HERE / "robust" / "specs").glob("*.toml"),
    ]
)

#: A key no table has, and that is close to none (so the validator lists the keys it allows).
UNKNOWN = "zzqqx"


def acme() -> dict:
    return tomllib.loads(ACME.read_text(encoding="utf-8"))


def schema_at(*keys: str | int) -> dict:
    """The part of the schema at ``keys``, following a ``$ref`` that ends the walk."""
    node: Any = SPEC_SCHEMA
    for key in keys:
        node = node[key]
    while "$ref" in node and set(node) <= {"$ref", "description", "default"}:
        node = SPEC_SCHEMA["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def schema_errors(data: dict) -> list[str]:
    """The key paths (written as the validator writes them) of what the schema refuses.

    Where no branch of an ``anyOf`` fits, each branch's errors count too: they
    name the key inside the value that fits none.
    """

    def paths(errors: Any) -> list[str]:
        return [p for e in errors for p in (format_path(tuple(e.absolute_path)), *paths(e.context))]

    return paths(VALIDATOR.iter_errors(data))


def validator_problems(data: dict) -> list[str]:
    """The key paths of the validator's problems with ``data``; [] when it is valid."""
    try:
        build_spec(data, "spec.toml")
    except SpecError as err:
        return [p.path for p in err.problems]
    return []


def within(path: str, parent: str) -> bool:
    """Whether key path ``path`` is ``parent`` or inside it."""
    return parent == "" or path == parent or path.startswith((parent + ".", parent + "["))


def put(data: dict, path: tuple[str | int, ...], value: Any) -> dict:
    """``data`` with ``value`` at ``path`` (made on a copy)."""
    data = copy.deepcopy(data)
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


# -- every valid spec satisfies the schema ---------------------------------------------


def test_the_schema_is_a_valid_draft_2020_12_schema_with_an_id_and_a_title() -> None:
    jsonschema.Draft202012Validator.check_schema(SPEC_SCHEMA)
    assert SPEC_SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SPEC_SCHEMA["$id"].endswith("/spec.schema.json")
    assert SPEC_SCHEMA["title"]


def test_there_are_valid_specs_of_every_kind() -> None:
    names = {p.relative_to(ROOT).parts[0] for p in VALID_SPECS}
    assert names == {"examples", "tests"}
    assert len(VALID_SPECS) >= 8


@pytest.mark.parametrize("spec", VALID_SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_valid_spec_satisfies_the_schema(spec: Path) -> None:
    load_spec(spec)  # the validator accepts it
    assert schema_errors(tomllib.loads(spec.read_text(encoding="utf-8"))) == []


def _with_basic_auth(data: dict) -> dict:
    auth = {"basic": {"username": "${session.token}", "password": "x"}}
    return put(data, ("operations", "get_user", "steps", 0, "auth"), auth)


def _with_error_rules(data: dict) -> dict:
    rules = [
        {"status": 400, "match": {"/code": 7101, "/locked": True}, "kind": "account_disabled"},
        {"status": 400, "kind": "invalid_credentials"},
    ]
    return put(data, ("operations", "login", "steps", 0, "errors"), rules)


def _with_form(data: dict) -> dict:
    step = {k: v for k, v in data["operations"]["login"]["steps"][0].items() if k != "json"}
    step["form"] = {"u": "${input.username}", "p": "${input.password}", "app": "${config.application_id}"}
    return put(data, ("operations", "login", "steps", 0), step)


#: Shapes the validator accepts that the examples do not all show: the schema must accept them too.
ACCEPTED: dict[str, Callable[[dict], dict]] = {
    "method in lower case": lambda d: put(d, ("operations", "login", "steps", 0, "method"), "post"),
    "schema written 1.0": lambda d: put(d, ("schema",), 1.0),
    "a fractional timeout": lambda d: put(d, ("service", "timeout_s"), 0.5),
    "basic auth from values": _with_basic_auth,
    "error rules with a match": _with_error_rules,
    "a JSON body that is an array of nested values": lambda d: put(
        d,
        ("operations", "login", "steps", 0, "json"),
        [{"u": "${input.username}", "p": {"base64": "${input.password}"}, "n": 1, "b": False, "l": [1, "a"]}],
    ),
    "a form body": _with_form,
    "nested transforms and a literal ${ in a header": lambda d: put(
        d,
        ("operations", "login", "steps", 0, "headers"),
        {"X-Sig": {"urlencode": {"base64": "$${literal} ${input.username}"}}, "X-Count": 3},
    ),
    "header credentials with a prefix": lambda d: put(
        d, ("service", "credentials"), {"kind": "header", "env": "ACME_API_KEY", "header": "X-Api", "prefix": "SSWS "}
    ),
    "basic credentials": lambda d: put(
        d, ("service", "credentials"), {"kind": "basic", "username_env": "ACME_U", "password_env": "ACME_P"}
    ),
    "a setting whose default is a number": lambda d: put(
        d, ("service", "config", "application_id"), {"env": "ACME_APP_ID", "default": 42}
    ),
    "a bool field for active": lambda d: put(
        put(d, ("user", "enabled"), {"type": "bool", "from": "/enabled"}), ("mapping", "active"), "enabled"
    ),
    "one target with options": lambda d: put(
        d, ("targets",), {"enabled": ["express"], "express": {"package": "@acme/express-auth"}}
    ),
}


def _as_is(data: dict) -> dict:
    return data


@pytest.mark.parametrize("change", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_what_the_validator_accepts_the_schema_accepts(change: Callable[[dict], dict]) -> None:
    data = change(acme())
    assert validator_problems(data) == []
    assert schema_errors(data) == []


# -- what the validator refuses for an unknown key or a wrong type, the schema refuses ---------

#: Broken specs (tests/specs/broken) whose mistake the schema sees: unknown keys, types, enums, patterns.
SCHEMA_REFUSES = (
    "bad_json_pointer",
    "basic_credentials_incomplete",
    "enum_without_values",
    "env_not_upper_snake",
    "error_kind_typo",
    "error_status_200",
    "get_with_json_body",
    "header_value_unsendable",
    "json_and_form",
    "lifecycle_misuse",
    "missing_base_url",
    "missing_schema",
    "path_without_slash",
    "reserved_field_name",
    "schema_as_text",
    "several_problems",
    "slug_not_identifier",
    "slug_reserved_word",
    "spring_package_invalid",
    "unclosed_reference",
    "unknown_field_type",
    "unknown_namespace",
    "unknown_step_key",
    "unknown_target",
    "unknown_top_level_key",
    "unknown_transform",
    "wrong_schema",
    "wrong_types",
)
#: Broken specs whose mistake only the validator sees: names across sections, references, order.
VALIDATOR_ONLY = (
    "active_not_an_enum_value",
    "error_rule_shadowed",
    "get_user_without_user",
    "input_in_login",
    "mapping_missing_field",
    "roles_not_a_list",
    "service_auth_without_credentials",
    "session_typo",
    "step_ref_later",
    "step_ref_not_extracted",
    "undefined_config",
    "unused_extract",
)
#: Broken specs with nothing for a schema of one spec to read: not TOML, or wrong only beside another spec.
NOT_DATA = ("not_toml", "not_utf8", "duplicate_slug")


def test_every_broken_spec_is_classified() -> None:
    cases = {p.name.removesuffix(".expected") for p in BROKEN.glob("*.expected")}
    listed = [*SCHEMA_REFUSES, *VALIDATOR_ONLY, *NOT_DATA]
    assert len(listed) == len(set(listed))
    assert cases == set(listed), "say whether the schema can see the new broken spec's mistake"


@pytest.mark.parametrize("case", SCHEMA_REFUSES)
def test_the_schema_refuses_a_broken_spec_where_the_validator_does(case: str) -> None:
    data = tomllib.loads((BROKEN / f"{case}.toml").read_text(encoding="utf-8"))
    found = schema_errors(data)
    problems = validator_problems(data)
    assert found and problems
    # the schema points at the key the validator names, or at the table holding it
    assert any(within(p, s) for p in problems for s in found), (problems, found)


@pytest.mark.parametrize("case", VALIDATOR_ONLY)
def test_the_schema_does_not_claim_checks_only_the_validator_makes(case: str) -> None:
    data = tomllib.loads((BROKEN / f"{case}.toml").read_text(encoding="utf-8"))
    assert validator_problems(data)
    assert schema_errors(data) == [], "the schema sees this mistake now: move the case to SCHEMA_REFUSES"


def _with_targets(data: dict) -> dict:
    return put(data, ("targets",), {name: {} for name in TARGETS})


def _as_oidc(data: dict) -> dict:
    """Acme signing in through an OpenID provider: [service.oidc] instead of operations, base_url and credentials."""
    data = copy.deepcopy(data)
    del data["operations"]
    service = data["service"]
    del service["base_url"], service["credentials"]
    service["oidc"] = {
        "issuer": {"env": "ACME_ISSUER", "default": "https://id.acme.example"},
        "client_id": {"env": "ACME_CLIENT_ID"},
    }
    data["targets"]["enabled"] = ["flask"]
    return data


#: Every table the validator checks the keys of: (how to make the spec have it, where it is, its schema).
TABLES: dict[str, tuple[Callable[[dict], dict], tuple[str | int, ...], tuple[str | int, ...]]] = {
    "top level": (_as_is, (), ()),
    "service": (_as_is, ("service",), ("properties", "service")),
    "setting (base_url)": (_as_is, ("service", "base_url"), ("$defs", "setting")),
    "setting ([service.config])": (_as_is, ("service", "config", "application_id"), ("$defs", "setting")),
    "credentials": (_as_is, ("service", "credentials"), ("properties", "service", "properties", "credentials")),
    "operations": (_as_is, ("operations",), ("properties", "operations")),
    "operation": (_as_is, ("operations", "login"), ("$defs", "operation")),
    "operation with a form": (_as_is, ("operations", "register"), ("$defs", "input_operation")),
    "operation with an emailed link": (_as_is, ("operations", "reset_password"), ("$defs", "token_operation")),
    "step": (_as_is, ("operations", "login", "steps", 0), ("$defs", "step")),
    "basic auth": (
        _with_basic_auth,
        ("operations", "get_user", "steps", 0, "auth", "basic"),
        ("$defs", "step", "properties", "auth", "anyOf", 1, "properties", "basic"),
    ),
    "error rule": (_with_error_rules, ("operations", "login", "steps", 0, "errors", 0), ("$defs", "error_rule")),
    "user field": (_as_is, ("user", "id"), ("$defs", "field")),
    "mapping": (_as_is, ("mapping",), ("properties", "mapping")),
    "active rule": (_as_is, ("mapping", "active"), ("properties", "mapping", "properties", "active", "anyOf", 1)),
    "targets": (_as_is, ("targets",), ("properties", "targets")),
    "oidc": (_as_oidc, ("service", "oidc"), ("properties", "service", "properties", "oidc")),
    "setting (oidc client_id)": (_as_oidc, ("service", "oidc", "client_id"), ("$defs", "setting")),
    **{
        f"targets.{name}": (_with_targets, ("targets", name), ("properties", "targets", "properties", name))
        for name in TARGETS
    },
}


def validator_allowed_keys(setup: Callable[[dict], dict], path: tuple[str | int, ...]) -> list[str]:
    """The keys the validator allows in the table at ``path``, as its hint for an unknown key lists them."""
    data = put(setup(acme()), (*path, UNKNOWN), "x")
    try:
        build_spec(data, "spec.toml")
    except SpecError as err:
        where = format_path((*path, UNKNOWN))
        (hint,) = [p.hint for p in err.problems if p.path == where and p.message == f"unknown key {UNKNOWN!r}"]
        return hint.removeprefix("the keys here are ").split(", ")
    raise AssertionError(f"the validator accepted an unknown key at {format_path(path)}")


def test_acme_through_an_openid_provider_is_valid_for_both() -> None:
    """The setup of the [service.oidc] tables: a valid spec, so their unknown key is the only problem."""
    data = _as_oidc(acme())
    assert validator_problems(data) == [] and schema_errors(data) == []


@pytest.mark.parametrize("table", TABLES)
def test_an_unknown_key_is_refused_by_both_at_the_same_table(table: str) -> None:
    setup, path, _ = TABLES[table]
    data = put(setup(acme()), (*path, UNKNOWN), "x")
    assert format_path((*path, UNKNOWN)) in validator_problems(data)
    assert format_path(path) in schema_errors(data)


@pytest.mark.parametrize("table", TABLES)
def test_each_table_has_the_keys_the_validator_allows(table: str) -> None:
    """Read from the validator's own words, also where its keys are not a constant."""
    setup, path, where = TABLES[table]
    node = schema_at(*where)
    assert node.get("additionalProperties") is False
    assert sorted(node["properties"]) == sorted(validator_allowed_keys(setup, path))


#: Values of the wrong type (or outside their enum or range), each refused by the validator.
WRONG: dict[str, tuple[tuple[str | int, ...], Any]] = {
    "schema as text": (("schema",), "1"),
    "timeout as text": (("service", "timeout_s"), "5"),
    "timeout out of range": (("service", "timeout_s"), 301),
    "name as a number": (("service", "name"), 5),
    "credentials as text": (("service", "credentials"), "bearer"),
    "credentials kind unknown": (("service", "credentials", "kind"), "oauth"),
    "env as a number": (("service", "base_url", "env"), 5),
    "base_url default not a URL": (("service", "base_url", "default"), "id.acme.example"),
    "secret as text": (("service", "config", "application_id", "secret"), "yes"),
    "required with a default": (("service", "config", "application_id", "default"), "app"),
    "config name taken": (("service", "config", "timeout"), {"env": "ACME_TIMEOUT"}),
    "steps as a table": (("operations", "login", "steps"), {}),
    "method unknown": (("operations", "login", "steps", 0, "method"), "FETCH"),
    "path as a number": (("operations", "login", "steps", 0, "path"), 5),
    "query as text": (("operations", "login", "steps", 0, "query"), "a=b"),
    "json as text": (("operations", "login", "steps", 0, "json"), "{}"),
    "json as a transform": (("operations", "login", "steps", 0, "json"), {"base64": "x"}),
    "a list in a form": (("operations", "login", "steps", 0, "form"), {"a": ["x"]}),
    "auth unknown": (("operations", "login", "steps", 0, "auth"), "bearer"),
    "auth kind unknown": (("operations", "get_user", "steps", 0, "auth"), {"token": "x"}),
    "ok as a number": (("operations", "login", "steps", 0, "ok"), 201),
    "ok of an error": (("operations", "login", "steps", 0, "ok"), [404]),
    "errors as text": (("operations", "login", "steps", 0, "errors"), "401"),
    "extract with a wildcard": (("operations", "login", "steps", 0, "extract", "token"), "/tokens/*"),
    "token_query as a number": (("operations", "verify_email", "token_query"), 5),
    "token_query that needs encoding": (("operations", "reset_password", "token_query"), "sp token"),
    "token_query on logout": (("operations", "logout", "token_query"), "token"),
    "message on a kind with its own": (("operations", "reset_password", "steps", 0, "errors", 0, "message"), "/m"),
    "message with a wildcard": (("operations", "reset_password", "steps", 0, "errors", 2, "message"), "/errors/*"),
    "user as an array": (("user",), []),
    "optional as text": (("user", "id", "optional"), "no"),
    "values on a string": (("user", "id", "values"), ["a"]),
    "a wildcard on a string": (("user", "id", "from"), "/ids/*"),
    "mapping id as a table": (("mapping", "id"), {"field": "id"}),
    "admin_roles as text": (("mapping", "admin_roles"), "admins"),
    "enabled as text": (("targets", "enabled"), "flask"),
    "enabled twice": (("targets", "enabled"), ["flask", "flask"]),
    "an option as a number": (("targets", "spring", "package"), 5),
    "a Python keyword as package": (("targets", "flask"), {"package": "import"}),
}


@pytest.mark.parametrize("path, value", WRONG.values(), ids=WRONG.keys())
def test_a_wrong_value_is_refused_by_both(path: tuple[str | int, ...], value: Any) -> None:
    data = acme()
    if path[:2] == ("targets", "flask"):
        data["targets"]["flask"] = {}
    if path[-1] == "default" and path[1] == "config":
        data["service"]["config"]["application_id"]["required"] = True
    data = put(data, path, value)
    problems = validator_problems(data)
    found = schema_errors(data)
    assert problems and found
    assert any(within(p, s) for p in problems for s in found), (problems, found)


# -- the schema's vocabulary is the validator's ---------------------------------------------


def test_top_level_keys() -> None:
    assert sorted(SPEC_SCHEMA["properties"]) == sorted(TOP_KEYS)
    assert sorted(SPEC_SCHEMA["required"]) == sorted(REQUIRED_TOP)
    assert SPEC_SCHEMA["properties"]["schema"]["const"] == SCHEMA


def test_service_keys_and_settings() -> None:
    node = schema_at("properties", "service")
    assert sorted(node["properties"]) == sorted(SERVICE_KEYS)
    assert sorted(schema_at("$defs", "setting")["properties"]) == sorted(service._SETTING_KEYS)
    config_names = node["properties"]["config"]["propertyNames"]["allOf"]
    assert config_names[0]["not"] == {"$ref": "#/$defs/reserved_word"}
    taken = config_names[1]["not"]["enum"]
    assert sorted(taken) == sorted(BUILTIN_SETTINGS), (
        "docs/spec.schema.json: service.config's propertyNames must refuse exactly BUILTIN_SETTINGS; "
        f"add {sorted(set(BUILTIN_SETTINGS) - set(taken))}, drop {sorted(set(taken) - set(BUILTIN_SETTINGS))}"
    )


def test_credentials_kinds_and_the_keys_each_needs() -> None:
    node = schema_at("properties", "service", "properties", "credentials")
    assert node["properties"]["kind"]["enum"] == list(CREDENTIAL_KINDS)
    needs = {rule["if"]["properties"]["kind"]["const"]: rule["then"].get("required", []) for rule in node["allOf"]}
    assert needs == {kind: list(envs) for kind, envs in service._CREDENTIAL_ENVS.items()}


def test_operations_and_step_keys() -> None:
    node = schema_at("properties", "operations")
    assert sorted(node["properties"]) == sorted(OPERATIONS)
    with_links = sorted(name for name, op in node["properties"].items() if op["$ref"] == "#/$defs/token_operation")
    assert with_links == sorted(TOKEN_LINK_OPERATIONS)
    assert schema_at("$defs", "token_operation", "properties", "token_query")["default"] == DEFAULT_TOKEN_QUERY
    assert sorted(node["required"]) == sorted(REQUIRED_OPERATIONS)
    step = schema_at("$defs", "step")
    assert sorted(step["properties"]) == sorted(STEP_KEYS)


def test_methods_in_any_case() -> None:
    method = schema_at("$defs", "step", "properties", "method")
    exact, any_case = method["anyOf"]
    assert exact["enum"] == list(operations._METHODS)
    for name in operations._METHODS:
        for spelling in (name, name.lower(), name.capitalize()):
            assert re.match(any_case["pattern"], spelling)
    assert not re.match(any_case["pattern"], "FETCH")


def test_auth_words_and_kinds() -> None:
    words, kinds = schema_at("$defs", "step", "properties", "auth")["anyOf"]
    assert words["enum"] == list(operations._AUTH_WORDS)
    # the auth kinds are not a constant in the validator: each must be one it reads
    for kind in kinds["properties"]:
        value = {"username": "${session.token}", "password": "x"} if kind == "basic" else "${session.token}"
        data = put(acme(), ("operations", "get_user", "steps", 0, "auth"), {kind: value})
        assert validator_problems(data) == []


def test_error_kinds_field_types_and_transforms() -> None:
    assert schema_at("$defs", "error_kind")["enum"] == list(ERROR_KINDS)
    assert schema_at("$defs", "error_rule")["then"]["properties"]["kind"]["enum"] == list(MESSAGE_KINDS)
    assert schema_at("$defs", "field", "properties", "type")["enum"] == list(FIELD_TYPES)
    assert sorted(schema_at("$defs", "transform")["properties"]) == sorted(expr.TRANSFORMS)
    assert sorted(schema_at("$defs", "transform_shape")["propertyNames"]["enum"]) == sorted(expr.TRANSFORMS)


def test_references_name_the_validators_namespaces() -> None:
    pattern = schema_at("$defs", "text")["pattern"]
    for ns in expr.NAMESPACES:
        ref = "${steps.1.x}" if ns == "steps" else f"${{{ns}.x}}"
        assert re.match(pattern, f"a {ref} b"), ns
    assert not re.match(pattern, "${nowhere.x}")
    named = set(re.findall(r"\(\?:\(\?:([a-z|]+)\)\|([a-z]+)", pattern)[0])
    assert {n for part in named for n in part.split("|")} == set(expr.NAMESPACES)


def test_reserved_names() -> None:
    assert sorted(schema_at("$defs", "reserved_word")["enum"]) == sorted(RESERVED)
    slug = schema_at("properties", "service", "properties", "slug")["not"]["anyOf"]
    assert slug[0] == {"$ref": "#/$defs/reserved_word"}
    # the validator refuses a slug whose capitalized form is reserved (none -> None)
    capitalized = {w.lower() for w in RESERVED if w == w.capitalize()} - RESERVED
    assert sorted(slug[1]["enum"]) == sorted(capitalized)
    names = schema_at("properties", "user")["propertyNames"]["allOf"]
    assert names[0]["not"] == {"$ref": "#/$defs/reserved_word"}
    assert sorted(names[1]["not"]["enum"]) == sorted(RESERVED_FIELDS | set(user._COMPUTED))


def _anchored(pattern: re.Pattern[str]) -> str:
    """A validator's ``re.match(...\\Z)`` pattern as the schema writes it."""
    return "^" + pattern.pattern.removesuffix(r"\Z") + "$"


def test_name_patterns_are_the_validators() -> None:
    service_props = schema_at("properties", "service")["properties"]
    assert service_props["slug"]["pattern"] == _anchored(service._SLUG)
    assert schema_at("$defs", "env")["pattern"] == _anchored(service._ENV)
    field = _anchored(FIELD)
    assert service_props["config"]["propertyNames"]["pattern"] == field
    assert schema_at("properties", "user")["propertyNames"]["pattern"] == field
    assert schema_at("$defs", "step", "properties", "extract")["propertyNames"]["pattern"] == field
    header = _anchored(values._HEADER)
    assert schema_at("$defs", "step", "properties", "headers")["propertyNames"]["pattern"] == header
    assert service_props["credentials"]["properties"]["header"]["pattern"] == header
    # the validator looks for a character outside the class; the schema allows only characters inside it
    sendable = "^" + operations._HEADER_TEXT.pattern.replace("[^", "[", 1) + "*$"
    assert service_props["credentials"]["properties"]["prefix"]["pattern"] == sendable
    header_value = schema_at("$defs", "step", "properties", "headers")["additionalProperties"]["allOf"][1]
    assert header_value["pattern"] == sendable


def test_user_field_and_mapping_keys() -> None:
    assert sorted(schema_at("$defs", "field")["properties"]) == sorted(user._FIELD_KEYS)
    node = schema_at("properties", "mapping")
    assert sorted(node["properties"]) == sorted(mapping._MAPPING_KEYS)
    assert sorted(node["required"]) == ["id", "username"]


def test_targets_and_their_options() -> None:
    node = schema_at("properties", "targets")
    assert sorted(node["properties"]) == sorted(["enabled", *TARGETS])
    assert node["properties"]["enabled"]["items"]["enum"] == list(TARGETS)
    for name, target in TARGETS.items():
        options = node["properties"][name]["properties"]
        assert sorted(options) == sorted(target.options), name
        for key, option in options.items():
            rule = targets._OPTION_RULES.get(f"{name}.{key}")
            if rule is None:
                assert "pattern" not in option
                continue
            pattern = rule[0]
            assert option["pattern"].endswith(pattern.pattern.removesuffix(r"\Z") + "$"), f"{name}.{key}"
            if pattern is targets._PY_PACKAGE:
                assert option["not"]["enum"] == keyword.kwlist
            if pattern is targets._JAVA_PACKAGE:
                words = re.search(r"\(\?:((?:[a-z_]+\|)+[a-z_]+)\)", option["pattern"]).group(1)  # type: ignore[union-attr]
                assert sorted(words.split("|")) == sorted(targets._JAVA_KEYWORDS)


def test_every_property_has_a_description() -> None:
    """Editors show descriptions as hover text; conditions (if / then / else / not) declare no property."""
    missing = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, sub in node.get("properties", {}).items():
                if isinstance(sub, dict) and not sub.get("description"):
                    missing.append(f"{where}/properties/{key}")
            for key, sub in node.items():
                if key not in ("if", "then", "else", "not"):
                    walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}/{i}")

    walk(SPEC_SCHEMA, "#")
    for name, node in SPEC_SCHEMA["$defs"].items():
        if not node.get("description"):
            missing.append(f"#/$defs/{name}")
    assert missing == []


# -- editors ---------------------------------------------------------------------------


def test_a_schema_line_does_not_change_what_validate_says(runner: CliRunner, tmp_path: Path) -> None:
    spec = tmp_path / "identity.toml"
    spec.write_text(f"#:schema {SCHEMA_FILE.as_uri()}\n" + ACME.read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(main, ["validate", str(spec)])
    assert result.exit_code == 0, result.output
    assert ": ok (Acme Identity" in result.stdout


def test_the_docs_schema_line_and_taplo_rule_find_the_schema() -> None:
    """docs/spec.md's ``#:schema`` line (relative to a spec in examples/<name>/) and taplo.toml rule."""
    text = (ROOT / "docs" / "spec.md").read_text(encoding="utf-8")
    (line,) = re.findall(r"^#:schema (\S+)$", text, flags=re.MULTILINE)
    assert (ACME.parent / line).resolve() == SCHEMA_FILE
    (block,) = [b for b in re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL) if "[[rule]]" in b]
    (rule,) = tomllib.loads(block)["rule"]
    assert (ROOT / rule["schema"]["path"]).resolve() == SCHEMA_FILE
    assert all(fnmatch.fnmatch("examples/acme/identity.toml", glob) for glob in rule["include"])
    assert "authgen validate` stays the" in text
