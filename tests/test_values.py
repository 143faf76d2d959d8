"""Issue 15 item 4, the value language gaps found with Stormpath: list filters, value transforms,
optional inputs, public extracts, typed match; each key validated with a hint, and the example spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import expr
from generator.spec import load_spec, parse_spec

from .test_spec import acme_with, problems

ROOT = Path(__file__).resolve().parent.parent
STORMPATH = ROOT / "examples" / "stormpath" / "identity.toml"

GROUPS = 'groups = { type = "list<string>", from = "/groups/*/name" }'
#: the login extract of the user id, the one value these tests change (the others stay as Acme has them)
LOGIN_EXTRACT = 'user_id = "/user/id" }'
REGISTER_ERRORS = '{ status = 409, kind = "conflict" }'


def test_the_stormpath_example_uses_every_feature() -> None:
    spec = load_spec(STORMPATH)
    fields = {f.name: f for f in spec.user}
    assert fields["groups"].pointer.where == expr.Where("status", "ENABLED")
    assert fields["id"].transform == "last_segment"
    assert spec.operations["login"].steps[0].public == ("account",)
    assert spec.operations["register"].optional_inputs == ("username",)
    (rule, *_) = spec.operations["login"].steps[0].errors
    assert rule.match == ((expr.parse_pointer("/code"), 7101),)


def test_acme_uses_none_of_them() -> None:
    spec = load_spec(ROOT / "examples" / "acme" / "identity.toml")
    assert not any(f.transform or f.pointer.where for f in spec.user)
    assert not any(op.optional_inputs for op in spec.operations.values())
    assert not any(step.public for op in spec.operations.values() for step in op.steps)


# -- list filters ---------------------------------------------------------------------


def test_a_list_filter_on_a_list_field_validates() -> None:
    spec = parse_spec(acme_with((GROUPS, GROUPS.replace("/*/", "/*[status=ENABLED]/"))), "spec.toml")
    assert str(next(f for f in spec.user if f.name == "groups").pointer) == "/groups/*[status=ENABLED]/name"


FILTER_PROBLEMS = {
    "filter at the end": (
        (GROUPS, GROUPS.replace("/*/name", "/*[status=ENABLED]")),
        "user.groups.from: the filter *[status=ENABLED] keeps whole objects, not text",
        "point at a member",
    ),
    "filter without a value": (
        (GROUPS, GROUPS.replace("/*/", "/*[status]/")),
        "user.groups.from: JSON pointer '/groups/*[status]/name': '*[status]' is not a filter",
        "*[member=value]",
    ),
    "filter in an extract": (
        (LOGIN_EXTRACT, LOGIN_EXTRACT.replace("/user/id", "/users/*[kind=me]/id")),
        "operations.login.steps[0].extract.user_id: an extract is one text value",
        "point at one value",
    ),
    "filter on a text field": (
        (
            'email = { type = "email", from = "/email" }',
            'email = { type = "email", from = "/emails/*[primary=yes]/value" }',
        ),
        "user.email.from: a '*' pointer gives a list, but the field is of type email",
        "list<string>",
    ),
}

# -- value transforms -----------------------------------------------------------------

TRANSFORM_PROBLEMS = {
    "unknown transform": (
        ('id = { type = "string", from = "/id" }', 'id = { type = "string", from = "/id", transform = "last_segmnt" }'),
        "user.id.transform: unknown transform 'last_segmnt'",
        "did you mean 'last_segment'?",
    ),
    "transform that is not text (found by the fuzzer)": (
        ('id = { type = "string", from = "/id" }', 'id = { type = "string", from = "/id", transform = [] }'),
        "user.id.transform: expected a transform name, got an array",
        'transform = "last_segment"',
    ),
    "transform on a list": (
        (GROUPS, GROUPS.replace(" }", ', transform = "last_segment" }')),
        "user.groups.transform: transform 'last_segment' makes text, but the field is of type list<string>",
        'type = "string"',
    ),
}


def test_last_segment_is_the_id_at_the_end_of_an_href() -> None:
    href = "https://api.stormpath.com/v1/accounts/3apenYvL0Z9v9spdzpFfey"
    assert expr.apply_transform("last_segment", href) == "3apenYvL0Z9v9spdzpFfey"
    assert expr.apply_transform("last_segment", expr.unapply_transform("last_segment", "u1")) == "u1"


# -- public extracts ------------------------------------------------------------------


def test_a_public_login_extract_validates() -> None:
    spec = parse_spec(
        acme_with((LOGIN_EXTRACT, 'user_id = { from = "/user/id", public = true } }')),
        "spec.toml",
    )
    (step,) = spec.operations["login"].steps
    assert step.public == ("user_id",)
    assert dict(step.extract)["user_id"] == expr.parse_pointer("/user/id")


PUBLIC_PROBLEMS = {
    "public not a boolean": (
        (LOGIN_EXTRACT, 'user_id = { from = "/user/id", public = "yes" } }'),
        "operations.login.steps[0].extract.user_id.public: expected true or false",
        "",
    ),
    "misspelt public": (
        (LOGIN_EXTRACT, 'user_id = { from = "/user/id", pubic = true } }'),
        "operations.login.steps[0].extract.user_id.pubic: unknown key 'pubic'",
        "did you mean 'public'?",
    ),
    "extract table without from": (
        (LOGIN_EXTRACT, "user_id = { public = true } }"),
        "operations.login.steps[0].extract.user_id",
        "from",
    ),
    "public outside login": (
        ('extract = { user = "" }', 'extract = { user = { from = "", public = true } }'),
        "operations.get_user.steps[0].extract.user.public: public marks a session value, but get_user makes none",
        "only what login extracts",
    ),
}

# -- optional inputs ------------------------------------------------------------------

REGISTER_HEADER = "[operations.register]\n"


def test_an_optional_register_input_validates() -> None:
    spec = parse_spec(
        acme_with((REGISTER_HEADER, REGISTER_HEADER + "inputs = { first_name = { optional = true } }\n")), "spec.toml"
    )
    assert spec.operations["register"].optional_inputs == ("first_name",)
    assert spec.operations["forgot_password"].optional_inputs == ()


INPUT_PROBLEMS = {
    "input the steps never send": (
        (REGISTER_HEADER, REGISTER_HEADER + "inputs = { frist_name = { optional = true } }\n"),
        "operations.register.inputs.frist_name: register never sends ${input.frist_name}",
        "did you mean 'first_name'?",
    ),
    "inputs on login": (
        ("[operations.login]\n", "[operations.login]\ninputs = { username = { optional = true } }\n"),
        "operations.login.inputs: login has no form inputs to mark optional",
        "inputs applies to register and forgot_password",
    ),
    "optional not a boolean": (
        (REGISTER_HEADER, REGISTER_HEADER + 'inputs = { first_name = { optional = "yes" } }\n'),
        "operations.register.inputs.first_name.optional: expected true or false",
        "",
    ),
}


def test_an_optional_input_must_be_a_whole_member_it_can_be_left_out_of() -> None:
    data = acme_with(
        (REGISTER_HEADER, REGISTER_HEADER + "inputs = { first_name = { optional = true } }\n"),
        ('firstName = "${input.first_name}"', 'firstName = "Dr ${input.first_name}"'),
    )
    (found,) = problems(data)
    assert "json.profile.firstName: optional input 'first_name' must be the whole value of a JSON body member" in found
    assert 'write firstName = "${input.first_name}"' in found


# -- typed match ----------------------------------------------------------------------


def test_match_refuses_a_quoted_number_with_a_hint() -> None:
    # A service sending {"code": 7101} never equals the text "7101": refuse instead of never matching.
    (found,) = problems(
        acme_with((REGISTER_ERRORS, '{ status = 409, match = { "/code" = "7101" }, kind = "conflict" }'))
    )
    assert "match.\"/code\": '7101' is text that looks like a number; match compares types" in found
    assert 'write "/code" = 7101' in found
    assert '{ text = "7101" }' in found


@pytest.mark.parametrize(
    ("written", "value"),
    [("7101", 7101), ('{ text = "7101" }', "7101"), ('"E7101"', "E7101"), ("true", True)],
)
def test_match_values_keep_their_type(written: str, value: object) -> None:
    spec = parse_spec(
        acme_with((REGISTER_ERRORS, f'{{ status = 409, match = {{ "/code" = {written} }}, kind = "conflict" }}')),
        "spec.toml",
    )
    rule = spec.operations["register"].steps[0].errors[0]
    assert rule.match == ((expr.parse_pointer("/code"), value),)
    assert type(rule.match[0][1]) is type(value)


# -- one problem each, with its hint -------------------------------------------------

ALL_PROBLEMS = {**FILTER_PROBLEMS, **TRANSFORM_PROBLEMS, **PUBLIC_PROBLEMS, **INPUT_PROBLEMS}


@pytest.mark.parametrize(("replacement", "message", "hint"), ALL_PROBLEMS.values(), ids=ALL_PROBLEMS.keys())
def test_one_misuse_is_one_problem_with_a_hint(replacement: tuple[str, str], message: str, hint: str) -> None:
    found = problems(acme_with(replacement))
    assert len(found) == 1, found
    assert message in found[0]
    assert "(hint: " in found[0] and hint in found[0].split("(hint: ", 1)[1]


# -- the generated code of each language ---------------------------------------------


@pytest.fixture(scope="module")
def stormpath():
    return load_spec(STORMPATH)


def test_python_reads_the_id_through_last_segment_and_filters_groups(stormpath) -> None:
    from generator.emit import python

    read = {a.name: a.read for a in python.attributes(stormpath)}
    assert read["id"] == '_read(record, "id", "/href", _last_segment)'
    assert read["roles"] == '_read(record, "groups", "/groups/items/*[status=ENABLED]/name", _str_tuple)'
    assert {"_last_segment", "_where", "_str"} <= set(python.converters(stormpath))


def test_python_leaves_an_empty_optional_input_out_of_the_body(stormpath) -> None:
    from generator.emit import python

    (step,) = python.operation(stormpath, stormpath.operations["register"]).steps
    assert '"surname": last_name, **({"username": username} if username else {})}' in step.call


def test_javascript_spreads_an_optional_input_in_only_when_it_has_text(stormpath) -> None:
    from generator.emit import js

    lines = "\n".join(js.operation(stormpath, stormpath.operations["register"]).lines)
    assert "...(input.username ? { username: input.username } : {})," in lines
    assert "read(record, 'id', '/href', lastSegment)" in js.user_code(stormpath)["read_fields"]
    assert {"lastSegment", "where"} <= set(js.converters(stormpath))


def test_java_and_csharp_leave_an_empty_optional_input_out(stormpath) -> None:
    from generator.emit import csharp, java

    fields = {"base_url": "this.baseUrl", "application_id": "this.applicationId"}
    fields |= {"api_username": "this.apiUsername", "api_password": "this.apiPassword"}
    (step,) = java.operation(stormpath, stormpath.operations["register"], fields).steps
    assert '.setAll(unlessEmpty("username", username))' in "\n".join(step.lines)
    (cs,) = csharp.operation(stormpath, stormpath.operations["register"]).steps
    assert '"username"));' in cs.code and "JsonBody(WithoutEmpty(" in cs.code


def test_java_and_csharp_read_the_id_through_last_segment(stormpath) -> None:
    from generator.emit import csharp, java

    java_ids = [a.read for a in java.attributes(stormpath) if a.name == "id"]
    assert java_ids == ['UserRecords.lastSegment(UserRecords.string(record, "id", "/href"))']
    cs_ids = [p.from_record for p in csharp.properties(stormpath) if p.name == "Id"]
    assert cs_ids == ['UserRecord.LastSegment(UserRecord.Text(record, "id", "/href"))']


def test_acme_emits_no_filter_transform_or_optional_helper() -> None:
    from generator.emit import csharp, java, js, python

    acme = load_spec(ROOT / "examples" / "acme" / "identity.toml")
    assert not {"_where", "_last_segment"} & set(python.converters(acme))
    assert not {"where", "lastSegment"} & set(js.converters(acme))
    for module in (java, csharp):
        context = module.context(acme, {})
        assert not context["pointer_filters"] and not context["value_transforms"] and not context["optional_inputs"]


# -- the fake service serves the Stormpath example -----------------------------------


@pytest.fixture(scope="module")
def fake(stormpath):
    from generator.fake import start, test_settings

    with start({"spec": stormpath.data, "settings": test_settings(stormpath.data)}) as service:
        yield service


def _fake(fake, method: str, path: str, **kwargs):
    import requests

    return requests.request(method, fake.url + path, timeout=5, **kwargs)


SERVICE_AUTH = ("test-api-username", "test-api-password")
APP = "/v1/applications/test-application-id"


def test_fake_records_hold_the_id_in_an_href_and_a_disabled_admin_group(fake) -> None:
    _fake(fake, "POST", "/__fake__/reset")
    users = _fake(fake, "GET", "/__fake__/users").json()
    record = users["user"]["record"]
    assert expr.apply_transform("last_segment", record["href"]) == users["user"]["expected"]["id"]
    # The plain user is in a disabled Administrators group: only the filter keeps them from being admin.
    assert {"name": "Administrators", "status": "NOT-ENABLED"} in record["groups"]["items"]
    assert resolve_groups(record) == users["user"]["expected"]["roles"]
    assert users["user"]["expected"]["is_admin"] is False


def resolve_groups(record: dict) -> list:
    return expr.resolve(record, expr.parse_pointer("/groups/items/*[status=ENABLED]/name"))  # type: ignore[return-value]


def test_fake_does_not_list_a_public_login_value_as_issued(fake) -> None:
    import base64

    _fake(fake, "POST", "/__fake__/reset")
    user = _fake(fake, "GET", "/__fake__/users").json()["user"]
    value = base64.b64encode(f"{user['username']}:{user['password']}".encode()).decode()
    login = _fake(fake, "POST", f"{APP}/loginAttempts", json={"type": "basic", "value": value}, auth=SERVICE_AUTH)
    assert login.status_code == 200, login.text
    href = login.json()["account"]["href"]
    issued = [item["value"] for item in _fake(fake, "GET", "/__fake__/calls").json()["issued"]]
    assert href not in issued  # public = true: an account link, not a secret S17 looks for


@pytest.mark.parametrize(("username", "status"), [(None, 201), ("", 400), ("new-user", 201)])
def test_fake_register_takes_an_optional_input_left_out_but_never_empty(fake, username, status) -> None:
    _fake(fake, "POST", "/__fake__/reset")
    body = {"email": f"n{status}{username}@example.com", "password": "pw-12345678", "givenName": "N", "surname": "U"}
    if username is not None:
        body["username"] = username
    answer = _fake(fake, "POST", f"{APP}/accounts", json=body, auth=SERVICE_AUTH)
    assert answer.status_code == status, answer.text


# -- the Python readers at run time (flask and django include templates/_python/readers.py) --


def python_readers(spec) -> dict:
    """The readers module rendered for ``spec`` and executed, beside the errors it raises."""
    from collections.abc import Callable
    from typing import Any

    import jinja2

    from generator.emit import python

    source = (ROOT / "templates" / "_python" / "readers.py").read_text(encoding="utf-8")
    cookiecutter = {"class_name": spec.service.class_name, "converters": python.converters(spec)}
    code = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(source).render(cookiecutter=cookiecutter)

    class ServiceError(Exception):
        code = "failed"
        status = 502

    class ServiceUnavailable(ServiceError):
        code = "service_unavailable"
        status = 503

    namespace = {"Callable": Callable, "Any": Any, "ServiceUnavailable": ServiceUnavailable}
    namespace[f"{spec.service.class_name}Error"] = ServiceError
    exec(compile(code, "readers.py", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("record", [{"href": "https://x/v1/accounts/a1"}, {"href": "https://x/a1", "email": None}])
def test_s03_a_required_field_missing_or_null_is_failed_naming_operation_and_field(stormpath, record) -> None:
    readers = python_readers(stormpath)
    with pytest.raises(Exception) as err:
        readers["_read"](record, "email", "/email", readers["_str"])
    assert (err.value.code, err.value.status) == ("failed", 502)  # not 503 service_unavailable
    assert str(err.value) == "get_user: field 'email' (/email) is missing or null"
    assert readers["_read"](record, "email", "/email", readers["_str"], optional=True) is None


def test_s05_the_python_filter_keeps_only_enabled_groups_and_last_segment_is_the_id(stormpath) -> None:
    readers = python_readers(stormpath)
    record = {
        "href": "https://api.stormpath.com/v1/accounts/3apen",
        "groups": {
            "items": [
                {"name": "Administrators", "status": "DISABLED"},
                {"name": "Support", "status": "ENABLED"},
                {"name": "Escaped/Name", "status": 1},
            ]
        },
    }
    pointer = "/groups/items/*[status=ENABLED]/name"
    assert readers["_read"](record, "groups", pointer, readers["_str_tuple"]) == ("Support",)
    assert readers["_read"](record, "id", "/href", readers["_last_segment"]) == "3apen"
