"""Spec loading and validation: broken specs fail exactly as expected, valid shapes load."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import expr
from generator.cli import main
from generator.errors import SpecError
from generator.model import ActiveRule, ErrorRule
from generator.spec import DEFAULT_SPEC, SCHEMA, check_unique_slugs, load_spec, parse_spec
from generator.targets import TARGETS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BROKEN = HERE / "specs" / "broken"
EXAMPLES = ROOT / "examples"
ACME = EXAMPLES / "acme" / "identity.toml"

#: One problem line: ``error: <file>:<line>: [<key path>: ]<message> (hint: <hint>)``.
PROBLEM_LINE = re.compile(r"error: [\w.-]+\.toml:[1-9]\d*: (\S+: )?.+ \(hint: .+\)\Z")
SUMMARY_LINE = re.compile(r"[\w.-]+\.toml: [1-9]\d* problems? in the spec\Z")


def broken_cases() -> list[str]:
    """Every case in tests/specs/broken: a ``NAME.expected`` file next to ``NAME.toml``."""
    return sorted(p.name.removesuffix(".expected") for p in BROKEN.glob("*.expected"))


def case_specs(case: str) -> list[str]:
    """The spec files of a case: ``NAME.toml``, then any ``NAME.<more>.toml`` validated with it."""
    return [f"{case}.toml", *sorted(p.name for p in BROKEN.glob(f"{case}.*.toml"))]


def expected_lines(case: str) -> list[str]:
    return (BROKEN / f"{case}.expected").read_text(encoding="utf-8").splitlines()


def acme_with(*replacements: tuple[str, str]) -> bytes:
    """The Acme spec with each ``(old, new)`` replaced once."""
    text = ACME.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text.encode()


def problems(data: bytes) -> list[str]:
    """The problems ``parse_spec`` reports, as text without the file name."""
    with pytest.raises(SpecError) as info:
        parse_spec(data, "spec.toml")
    return [str(p).removeprefix("spec.toml:") for p in info.value.problems]


# -- broken specs ----------------------------------------------------------------


def test_there_are_enough_broken_specs_and_each_has_its_expected_output() -> None:
    cases = broken_cases()
    assert len(cases) >= 24
    specs = {p.name for p in BROKEN.glob("*.toml")}
    covered = {name for case in cases for name in case_specs(case)}
    assert specs == covered, "every broken spec needs a NAME.expected file"


@pytest.mark.parametrize("case", broken_cases())
def test_expected_output_is_well_formed(case: str) -> None:
    *errors, summary = expected_lines(case)
    assert errors, "a broken spec has at least one problem"
    for line in errors:
        assert PROBLEM_LINE.match(line), line
    assert SUMMARY_LINE.match(summary), summary
    numbers = [int(line.split(":")[2]) for line in errors if line.startswith(f"error: {case}.toml:")]
    assert numbers == sorted(numbers), "problems are reported in the order of the file"


@pytest.mark.parametrize("case", broken_cases())
def test_validate_reports_exactly_the_expected_problems(
    case: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BROKEN)
    result = runner.invoke(main, ["validate", *case_specs(case)])
    assert result.exit_code == 3, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.splitlines() == expected_lines(case)
    assert result.stdout == ""
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", [c for c in broken_cases() if len(case_specs(c)) == 1])
def test_generate_writes_nothing_for_a_broken_spec(case: str, runner: CliRunner, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    result = runner.invoke(main, ["generate", str(BROKEN / f"{case}.toml"), "-o", str(work / "out"), "-q"])
    assert result.exit_code == 3, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert list(work.iterdir()) == [], "no output and no staging folder"


def test_validate_names_an_unreadable_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["validate", str(tmp_path / "missing.toml")])
    assert result.exit_code == 3
    assert "cannot read the spec" in result.stderr
    assert "Traceback" not in result.output


def test_duplicate_slugs_are_reported_on_the_second_spec() -> None:
    specs = {str(BROKEN / name): load_spec(BROKEN / name) for name in case_specs("duplicate_slug")}
    (problem,) = check_unique_slugs(specs)
    assert problem.file.endswith("duplicate_slug.other.toml")
    assert problem.line == 6
    assert problem.path == "service.slug"
    assert check_unique_slugs({"a.toml": load_spec(ACME)}) == []


# -- single checks, one problem each ---------------------------------------------

REGISTER_JSON = 'json = { email = "${input.email}", password = "${input.password}", profile'

ONE_PROBLEM = {
    "session in register": (
        (REGISTER_JSON, 'json = { email = "${session.token}", password = "${input.password}", profile'),
        "42: operations.register.steps[0].json.email: ${session.token}: register runs without a session",
    ),
    "user extracted by login": (
        (
            'expires_in = "/expires_in", user_id = "/user/id" }',
            'expires_in = "/expires_in", user_id = "/user/id", user = "/user" }',
        ),
        "27: operations.login.steps[0].extract.user: login cannot extract 'user'",
    ),
    "config name used as service": (
        (
            '"${input.password}", application = "${config.application_id}" }\nok = [201]',
            '"${input.password}", application = "${service.application_id}" }\nok = [201]',
        ),
        "19: operations.login.steps[0].json.application: ${service.application_id} is not defined "
        "(hint: 'application_id' is in [service.config]: write ${config.application_id})",
    ),
    "query in the path": (
        ('path = "/v1/password-resets"', 'path = "/v1/password-resets?lang=en"'),
        "52: operations.forgot_password.steps[0].path: path '/v1/password-resets?lang=en' holds a query",
    ),
    "full URL as path": (
        ('path = "/v1/password-resets"', 'path = "https://id.acme.example/v1/password-resets"'),
        "is a full URL (hint: write only the path; the URL comes from base_url)",
    ),
    "URL from input": (
        ('path = "/v1/password-resets"', 'path = "${input.next}"'),
        "52: operations.forgot_password.steps[0].path: a URL cannot come from user input",
    ),
    "wildcard extract": (
        ('user_id = "/user/id"', 'user_id = "/users/*/id"'),
        "27: operations.login.steps[0].extract.user_id: an extract is one text value",
    ),
    "wildcard on a text field": (
        (
            'given_name = { type = "string", from = "/profile/firstName"',
            'given_name = { type = "string", from = "/names/*"',
        ),
        "115: user.given_name.from: a '*' pointer gives a list, but the field is of type string",
    ),
    "login without password": (
        ('password = "${input.password}", application', "application"),
        "15: operations.login: login never sends ${input.password}",
    ),
    "duplicate environment variable": (
        ('env = "ACME_APP_ID"', 'env = "ACME_API_KEY"'),
        "13: service.config.application_id.env: environment variable ACME_API_KEY is also used by the api_key setting",
    ),
    "builtin setting name in config": (
        ("[service.config]\n", '[service.config]\ntimeout = { env = "ACME_TIMEOUT" }\n'),
        "13: service.config.timeout: 'timeout' is already a setting of every integration",
    ),
    "enum value listed twice": (
        ('values = ["ACTIVE", "LOCKED"]', 'values = ["ACTIVE", "LOCKED", "ACTIVE"]'),
        "118: user.status.values: 'ACTIVE' is listed twice",
    ),
    "key of another table": (
        ('staff_roles = ["staff"]', 'staff_roles = ["staff"]\nenabled = ["flask"]'),
        "131: mapping.enabled: unknown key 'enabled' (hint: 'enabled' belongs in [targets]; is its header missing?)",
    ),
    "slug None as a class name": (
        ('slug = "acme"', 'slug = "none"'),
        "7: service.slug: slug 'none' is a reserved word",
    ),
    "optional id": (
        ('id = { type = "string", from = "/id" }', 'id = { type = "string", from = "/id", optional = true }'),
        "122: mapping.id: id maps to 'id', which is optional",
    ),
    "bool field for active": (
        ('active = { field = "status", equals = "ACTIVE" }', 'active = "status"'),
        "128: mapping.active: active maps to 'status', a field of type enum",
    ),
    "status as text key": (
        ('errors = { 404 = "user_not_found" }', 'errors = { "4o4" = "user_not_found" }'),
        "56: operations.forgot_password.steps[0].errors.4o4: '4o4' is not an HTTP status code",
    ),
    "success code in errors list": (
        ("{ status = 409, kind", "{ status = 201, kind"),
        "45: operations.register.steps[0].errors[0].status: status 201 is not an error",
    ),
    "match with a wildcard": (
        (
            '{ status = 422, kind = "invalid_input" }',
            '{ status = 422, match = { "/errors/*/code" = 1 }, kind = "invalid_input" }',
        ),
        "46: operations.register.steps[0].errors[1].match.\"/errors/*/code\": a match pointer cannot hold '*'",
    ),
    "npm package name": (
        ('aspnetcore = { namespace = "Acme.AspNetCore" }', 'express = { package = "Express Acme" }'),
        "135: targets.express.package: 'Express Acme' is not an npm package name",
    ),
    "misspelt user extract": (
        ('extract = { user = "" }', 'extract = { usr = "" }'),
        "35: operations.get_user.steps[0].extract.usr: the last step of get_user must extract 'user'",
    ),
    "misspelt auth kind": (
        (
            'auth = { bearer = "${session.token}" }\nerrors = { 401 = "invalid_credentials", 404',
            'auth = { berer = "${session.token}" }\nerrors = { 401 = "invalid_credentials", 404',
        ),
        "33: operations.get_user.steps[0].auth.berer: unknown auth kind 'berer' (hint: did you mean 'bearer'?)",
    ),
    "misspelt credentials": (
        ("credentials = {", "credentails = {"),
        "10: service.credentails: unknown key 'credentails' (hint: did you mean 'credentials'?)",
    ),
    "misspelt credentials env": (
        ('kind = "bearer", env = "ACME_API_KEY"', 'kind = "bearer", evn = "ACME_API_KEY"'),
        "10: service.credentials.evn: unknown key 'evn' (hint: did you mean 'env'?)",
    ),
    "misspelt config table": (
        ("[service.config]", "[service.confg]"),
        "12: service.confg: unknown key 'confg' (hint: did you mean 'config'?)",
    ),
    "misspelt mapping key": (
        ('email = "email"\nfirst_name', 'emial = "email"\nfirst_name'),
        "124: mapping.emial: unknown key 'emial' (hint: did you mean 'email'?)",
    ),
    "unknown target option": (
        ('aspnetcore = { namespace = "Acme.AspNetCore" }', 'aspnetcore = { namepsace = "Acme.AspNetCore" }'),
        "135: targets.aspnetcore.namepsace: unknown key 'namepsace' (hint: did you mean 'namespace'?)",
    ),
}


@pytest.mark.parametrize("replacement, expected", ONE_PROBLEM.values(), ids=ONE_PROBLEM.keys())
def test_one_mistake_is_one_problem(replacement: tuple[str, str], expected: str) -> None:
    found = problems(acme_with(replacement))
    assert len(found) == 1, found
    assert expected in found[0]


def test_every_problem_has_a_line_a_key_path_and_a_hint() -> None:
    data = (BROKEN / "several_problems.toml").read_bytes()
    with pytest.raises(SpecError) as info:
        parse_spec(data, "several.toml")
    for problem in info.value.problems:
        assert problem.line and problem.path and problem.hint, problem


def test_a_byte_order_mark_is_accepted() -> None:
    spec = parse_spec(b"\xef\xbb\xbf" + ACME.read_bytes(), "bom.toml")
    assert spec.service.slug == "acme"


def test_a_toml_error_at_the_end_names_the_last_line() -> None:
    found = problems(b'schema = 1\n\n[service]\nname = [\n  "Acme",\n')
    assert found == [
        "5: not valid TOML: invalid value (hint: the file ends too early: check the quotes, brackets and commas there)"
    ]


# -- the Acme spec, as a model -----------------------------------------------------


@pytest.fixture(scope="module")
def acme():
    return load_spec(ACME)


def test_default_spec_is_acme() -> None:
    assert DEFAULT_SPEC == ACME
    assert SCHEMA == 1


def test_acme_service(acme) -> None:
    service = acme.service
    assert (service.name, service.slug, service.class_name, service.timeout_s) == ("Acme Identity", "acme", "Acme", 5.0)
    assert service.credentials.kind == "bearer"
    assert [s.name for s in service.settings] == ["base_url", "api_key", "application_id"]
    assert service.config_names == ("application_id",)
    base = service.setting("base_url")
    assert (base.env, base.default, base.required) == ("ACME_BASE_URL", "https://id.acme.example", False)
    api_key = service.setting("api_key")
    assert (api_key.env, api_key.required, api_key.secret) == ("ACME_API_KEY", True, True)
    assert service.setting("application_id").required


def test_acme_login(acme) -> None:
    (step,) = acme.operations["login"].steps
    assert (step.method, step.path, step.ok) == ("POST", expr.parse_template("/v1/sessions"), (201,))
    assert isinstance(step.json, expr.Obj)
    assert dict(step.json.items)["login"] == expr.Template((expr.Ref("input", "username"),))
    unverified = ErrorRule(403, "unverified", ((expr.Pointer(("error", "code")), "unverified"),))
    assert step.errors[:3] == (ErrorRule(401, "invalid_credentials"), unverified, ErrorRule(403, "account_disabled"))
    assert [name for name, _ in step.extract] == ["token", "refresh_token", "expires_in", "user_id"]
    assert acme.operations["login"].expires
    assert acme.operations["login"].inputs == ("username", "password")


def test_acme_get_user_and_register(acme) -> None:
    (get_user,) = acme.operations["get_user"].steps
    assert get_user.path.parts == (expr.Lit("/v1/users/"), expr.Ref("session", "user_id"))
    assert not get_user.absolute
    assert get_user.auth.kind == "bearer"
    assert get_user.extract == (("user", expr.Pointer(())),)
    (register,) = acme.operations["register"].steps
    assert register.auth.kind == "service"
    assert acme.operations["register"].inputs == ("email", "password", "first_name", "last_name")
    assert [r.status for r in register.errors] == [409, 422]
    assert acme.has("forgot_password")


def test_acme_user_and_mapping(acme) -> None:
    fields = {f.name: f for f in acme.user}
    assert list(fields) == ["id", "email", "given_name", "family_name", "groups", "status", "created"]
    assert fields["groups"].type == "list<string>" and fields["groups"].pointer.has_wildcard
    assert fields["status"].values == ("ACTIVE", "LOCKED")
    assert fields["created"].optional and not fields["id"].optional
    m = acme.mapping
    assert (m.id, m.username, m.email, m.first_name, m.last_name, m.roles) == (
        "id",
        "email",
        "email",
        "given_name",
        "family_name",
        "groups",
    )
    assert m.active == ActiveRule("status", "ACTIVE")
    assert (m.admin_roles, m.staff_roles) == (("admins",), ("staff",))


def test_acme_targets_digest_and_data(acme) -> None:
    assert acme.targets == ("flask", "django", "express", "spring", "aspnetcore", "fastapi")
    assert acme.target_options["spring"] == {"group_id": "com.acme", "package": "com.acme.auth"}
    assert acme.digest == hashlib.sha256(ACME.read_bytes()).hexdigest()
    assert acme.data["service"]["slug"] == "acme"


MINIMAL = b"""
schema = 1

[service]
name = "Tiny"
slug = "tiny"
base_url = { env = "TINY_URL" }

[[operations.login.steps]]
method = "POST"
path = "/login"
form = { user = "${input.username}", pass = "${input.password}" }
extract = { token = "/token" }

[[operations.get_user.steps]]
method = "GET"
path = "/me"
auth = { bearer = "${session.token}" }
extract = { user = "/user" }

[user]
id = { type = "int", from = "/id" }
name = { type = "string", from = "/name" }

[mapping]
id = "id"
username = "name"
"""


def test_a_minimal_spec_gets_the_defaults() -> None:
    spec = parse_spec(MINIMAL, "tiny.toml")
    assert spec.service.timeout_s == 5.0
    assert spec.service.credentials.kind == "none"
    assert spec.service.setting("base_url").required, "a base URL without default must be set"
    assert spec.targets == tuple(TARGETS)
    login, get_user = spec.operations["login"].steps[0], spec.operations["get_user"].steps[0]
    assert login.ok == (200, 201, 204) and get_user.ok == (200,)
    assert login.form is not None and login.json is None
    assert spec.mapping.active == ActiveRule()
    assert not spec.has("register")


def test_a_secret_config_setting() -> None:
    spec = parse_spec(acme_with(("required = true, description", "required = true, secret = true, description")))
    assert spec.service.setting("application_id").secret


# -- the shapes DESIGN.md promises ---------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [*sorted(EXAMPLES.glob("*/identity.toml")), *sorted((HERE / "specs").glob("*.toml"))],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_valid_specs_validate(spec: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", str(spec)])
    assert result.exit_code == 0, result.output
    assert ": ok (" in result.stdout


def test_keycloak_direct_grant() -> None:
    spec = load_spec(EXAMPLES / "keycloak" / "identity.toml")
    (login,) = spec.operations["login"].steps
    assert login.method == "POST" and login.json is None
    form = dict(login.form)
    assert form["grant_type"] == expr.parse_template("password")
    assert form["password"] == expr.parse_template("${input.password}")
    assert expr.Ref("config", "realm") in login.path.refs
    assert (
        ErrorRule(400, "account_disabled", ((expr.Pointer(("error_description",)), "Account disabled"),))
        in login.errors
    )
    (userinfo,) = spec.operations["get_user"].steps
    assert userinfo.auth.kind == "bearer"
    assert userinfo.auth.values == (expr.parse_template("${session.access_token}"),)
    roles = spec.field(spec.mapping.roles)
    assert (roles.type, str(roles.pointer)) == ("list<string>", "/realm_access/roles")


def test_okta_classic_authn() -> None:
    spec = load_spec(EXAMPLES / "okta" / "identity.toml")
    credentials = spec.service.credentials
    assert (credentials.kind, credentials.header, credentials.prefix) == ("header", "Authorization", "SSWS ")
    (authn,) = spec.operations["login"].steps
    assert authn.path == expr.parse_template("/api/v1/authn")
    assert dict(authn.extract)["user_id"] == expr.Pointer(("_embedded", "user", "id"))
    (get_user,) = spec.operations["get_user"].steps
    assert get_user.auth.kind == "service"
    assert get_user.path.refs == (expr.Ref("session", "user_id"),)
    (register,) = spec.operations["register"].steps
    assert dict(register.query)["activate"] == expr.parse_template("true")


def test_hypermedia_links_and_basic_auth() -> None:
    spec = load_spec(EXAMPLES / "hypermedia" / "identity.toml")
    assert spec.service.credentials.kind == "basic"
    assert spec.service.credentials.setting_names == ("api_username", "api_password")
    (login,) = spec.operations["login"].steps
    value = dict(login.json.items)["value"]
    assert value == expr.Transform("base64", expr.parse_template("${input.username}:${input.password}"))
    assert login.errors[0] == ErrorRule(400, "account_disabled", ((expr.Pointer(("code",)), 7101),))
    (account,) = spec.operations["get_user"].steps
    assert account.absolute and account.path.single_ref == expr.Ref("session", "account")
    assert account.query == (("expand", expr.parse_template("groups")),)
    assert account.auth.kind == "service"
    read_app, create = spec.operations["register"].steps
    assert not read_app.absolute and read_app.method == "GET"
    assert create.absolute and create.path.single_ref == expr.Ref("steps", "accounts", 1)
    assert str(spec.field("groups").pointer) == "/groups/items/*/name"


def test_docs_show_the_acme_spec_as_it_is() -> None:
    doc = (ROOT / "docs" / "spec.md").read_text(encoding="utf-8")
    shown = doc.split("## The Acme example", 1)[1].split("```toml\n", 1)[1].rsplit("```", 1)[0]
    assert shown == ACME.read_text(encoding="utf-8")


def test_a_problem_quoting_control_characters_of_the_spec_stays_one_line() -> None:
    """Whatever text of the spec a check quotes in its message or hint, the problem prints as one line."""
    from generator.lines import LineIndex
    from generator.validate.report import Report

    report = Report("spec.toml", LineIndex("x = 1\n"))
    report.problem(("x",), "name 'a\x1fb' is taken", 'e.g. a\nb = "\u2028"')
    (problem,) = report.problems
    assert str(problem) == "spec.toml:1: x: name 'a\\u001fb' is taken (hint: e.g. a\\u000ab = \"\\u2028\")"
