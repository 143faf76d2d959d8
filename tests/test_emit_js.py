"""The JavaScript emitter: literals and spec values come out as valid, exact JS, laid out as Prettier would."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess

import pytest

from generator import expr
from generator.emit import js
from generator.spec import load_spec

from .conftest import ACME

HOSTILE = [
    "quote \" and ' both",
    "it's",
    "back\\slash \\n not a newline",
    "${not.a.ref} and `backtick` and {{ jinja }} and {braces}",
    "*/ end of comment --> </script> <!-- </SCRIPT",
    "new\nline\r\ttab",
    "nul \x00 byte",
    "line \u2028 and paragraph \u2029 separators",
    "right-to-left \u202e and emoji \U0001f510",
    "ünïcødé",
    "",
]

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


def evaluate(code: str, **values: str) -> object:
    """What a JS expression evaluates to, as JSON, with ``values`` bound as constants."""
    bindings = "".join(f"const {name} = {json.dumps(value)};" for name, value in values.items())
    script = f"{bindings} process.stdout.write(JSON.stringify({code}));"
    done = subprocess.run([NODE, "-e", script], capture_output=True, text=True, check=True)  # type: ignore[list-item]
    return json.loads(done.stdout)


@needs_node
@pytest.mark.parametrize("text", HOSTILE)
def test_string_literal_round_trips(text: str) -> None:
    assert evaluate(js.string(text)) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_string_literal_is_safe_inside_a_script_element(text: str) -> None:
    code = js.string(text)
    assert "</" not in code.lower()
    assert "\u2028" not in code and "\u2029" not in code and "\n" not in code


def test_string_quotes_the_way_prettier_does() -> None:
    assert js.string("plain") == "'plain'"
    assert js.string("it's") == '"it\'s"'
    assert js.string('say "hi" it\'s') == "'say \"hi\" it\\'s'"


def test_literal_of_json_data() -> None:
    assert js.literal({"a": [1, 2.5, True, None], "b-c": "x"}) == "{ a: [1, 2.5, true, null], 'b-c': 'x' }"
    assert js.literal(5.0) == "5"
    assert js.literal(1e21) == "1e21"


@pytest.mark.parametrize("text", HOSTILE)
def test_comment_cannot_end_a_block_comment_or_the_line(text: str) -> None:
    flat = js.comment(text)
    assert "*/" not in flat
    assert len(f"// {flat}".splitlines()) == 1


@needs_node
@pytest.mark.parametrize("text", HOSTILE)
def test_template_literal_text_evaluates_to_the_text(text: str) -> None:
    template = expr.Template((expr.Lit(text), expr.Ref("input", "username")))
    code = js.template(template, js.Names({"input.username": "username"}))
    assert code.startswith("`")
    assert evaluate(code, username="U") == text + "U"


def test_identifiers_are_camel_case_and_never_reserved() -> None:
    assert js.ident("user_id") == "userId"
    assert js.ident("class") == "class_"
    assert js.ident("new") == "new_"
    assert js.ident("access_token") == "accessToken"
    assert js.option("application_id") == "applicationId"


def test_keys_are_bare_where_prettier_leaves_them_bare() -> None:
    assert js.key("login") == "login"
    assert js.key("Content-Type") == "'Content-Type'"
    assert js.key("404") == "404"
    assert js.key("/code") == "'/code'"


def test_path_references_are_percent_encoded_as_one_segment() -> None:
    step = load_spec(ACME).operations["get_user"].steps[0]
    url = js.url(step, js.Names({}))
    assert url == "`${this.#options.baseUrl}/v1/users/${urlencode(session.user_id)}`"


def test_a_call_that_fits_stays_on_one_line_else_breaks_its_arguments() -> None:
    short = js.Call("read", ("record", "'/id'", "string"))
    assert js.layout(short, 6, "id: ", ",") == ["      id: read(record, '/id', string),"]
    long = js.Call("read", ("record", "'/a/very/long/pointer/into/the/user/record'", "string", "OPTIONAL"))
    assert js.layout(long, 6, "name: ", ",") == [
        "      name: read(",
        "        record,",
        "        '/a/very/long/pointer/into/the/user/record',",
        "        string,",
        "        OPTIONAL,",
        "      ),",
    ]


def test_an_object_as_last_argument_is_hugged() -> None:
    call = js.Call("this.#send", (js.Members((("method", "'GET'"),)),))
    assert js.layout(call, 4, "const body = await ", ";") == [
        "    const body = await this.#send({",
        "      method: 'GET',",
        "    });",
    ]


def test_a_long_string_moves_below_its_key() -> None:
    text = js.string("x" * 80)
    assert js.layout(text, 2, "describe: ", ",") == ["  describe:", f"    {text},"]
    assert js.layout(text, 2, "url: ", ",") == [f"  url: {text},"], "keys under 5 characters stay"


def test_error_rules_break_like_prettier() -> None:
    spec = load_spec(ACME)
    login = js.operation(spec, spec.operations["login"])
    assert login.errors == (
        "const LOGIN_ERRORS = [\n"
        "  { status: 401, error: InvalidCredentials },\n"
        "  { status: 403, match: { '/error/code': 'unverified' }, error: Unverified },\n"
        "  { status: 403, error: AccountDisabled },\n"
        "  { status: 429, error: ServiceUnavailable },\n"
        "];",
    )
    forgot = js.operation(spec, spec.operations["forgot_password"])
    assert forgot.errors == ("const FORGOT_PASSWORD_ERRORS = [{ status: 404, error: UserNotFound }];",)


def test_login_is_straight_line_requests_returning_what_it_extracted() -> None:
    spec = load_spec(ACME)
    login = js.operation(spec, spec.operations["login"])
    body = "\n".join(login.lines)
    assert "    const body = await this.#send({" in body
    assert "        login: username," in body
    assert "        password," in body, "shorthand where the names agree"
    assert "        application: this.#options.applicationId," in body
    assert "    const expiresAt = deadline(body, '/expires_in');" in body, "expires_in becomes a deadline"
    assert body.endswith(
        "    return {\n      token,\n      refresh_token: refreshToken,\n      expires_at: expiresAt,\n"
        "      user_id: userId,\n    };"
    )


def test_the_user_reads_every_field_and_maps_the_canonical_ones() -> None:
    code = js.user_code(load_spec(ACME))
    assert "      groups: read(record, 'groups', '/groups/*/name', strings)," in code["read_fields"]
    assert "      status: read(record, 'status', '/status', oneOf('ACTIVE', 'LOCKED'))," in code["read_fields"]
    assert "      active: fields.status === 'ACTIVE'," in code["build"]
    assert "      first_name: fields.given_name," in code["build"]
    assert code["date_fields"] == "const DATE_FIELDS = Object.freeze(['created']);"


def test_typescript_unions_break_like_prettier() -> None:
    values = " | ".join(f"'VALUE_NUMBER_{n}'" for n in range(8))
    lines = js.ts_property("status", values, 4)
    assert lines[0] == "    readonly status:"
    assert lines[1] == "      | 'VALUE_NUMBER_0'"
    assert lines[-1] == "      | 'VALUE_NUMBER_7';"
    assert js.ts_property("status", "'A' | 'B'", 4) == ["    readonly status: 'A' | 'B';"]


def test_context_names_every_setting_with_its_option_and_variable() -> None:
    context = js.context(load_spec(ACME), {"api_key": "test-api-key"})
    settings = {s["name"]: s for s in context["settings"]}
    assert settings["application_id"]["option"] == "applicationId"
    assert settings["application_id"]["env"] == "ACME_APP_ID"
    assert settings["api_key"]["secret"] and settings["api_key"]["test_value"] == "test-api-key"
    assert "guard_role" not in context  # one shared definition: generator.plan.roles
    assert context["helpers"] == ["urlencode", "deadline", "serviceMessage"]


def test_helpers_come_from_the_spec_not_from_text_in_the_code() -> None:
    spec = load_spec(ACME)
    note = expr.parse_value("basic(a) bearer(b) base64(c)")
    login = spec.operations["login"]
    step = dataclasses.replace(login.steps[0], headers=(*login.steps[0].headers, ("X-Note", note)))
    spec = dataclasses.replace(spec, operations={**spec.operations, "login": dataclasses.replace(login, steps=(step,))})
    assert js.context(spec, {})["helpers"] == ["urlencode", "deadline", "serviceMessage"]


def test_routes_import_what_the_forgot_route_needs_only_with_one() -> None:
    # lib/routes.js imports targets/express.routes_errors (the JS printer's own list was never used)
    from generator.targets import express

    spec = load_spec(ACME)
    assert express.routes_errors(spec)[-2:] == ["UnexpectedResponse", "UserNotFound"]
    forms = ("forgot_password", "reset_password", "verify_email", "change_password")
    without = dataclasses.replace(spec, operations={k: v for k, v in spec.operations.items() if k not in forms})
    assert express.routes_errors(without) == [
        "AcmeError",
        "InvalidCredentials",
        "ServiceUnavailable",
        "UnexpectedAnswer",
    ]
    assert "routes_imports" not in js.context(spec, {})


def test_lifecycle_methods_are_named_and_take_what_the_contract_says() -> None:
    spec = load_spec(ACME)
    ops = {name: js.operation(spec, op) for name, op in spec.operations.items()}
    methods = {name: f"{op.method}({op.params})" for name, op in ops.items() if name not in ("login", "get_user")}
    assert methods == {
        "register": "register(input)",
        "forgot_password": "forgotPassword(input)",
        "refresh": "refresh(session)",
        "logout": "logout(session)",
        "reset_password": "resetPassword(input)",
        "change_password": "changePassword(session, input)",
        "verify_email": "verifyEmail(input)",
    }
    refresh = "\n".join(ops["refresh"].lines)
    assert refresh.endswith(
        "    return {\n      token: text(body, '/token'),\n      refresh_token: text(body, '/refresh_token'),\n"
        "      expires_at: deadline(body, '/expires_in'),\n      user_id: session.user_id,\n    };"
    )
    assert "message: '/error/message'" in ops["reset_password"].errors[0]


def test_converters_that_read_text_bring_the_string_converter_with_them() -> None:
    # lib/user.js generates `string` only when it is listed: the template no longer works that out itself
    from generator.model import Field

    spec = load_spec(ACME)
    for field in (
        Field("kind", "enum", expr.parse_pointer("/kind"), values=("a", "b")),
        Field("groups", "list<string>", expr.parse_pointer("/groups")),
        Field("id", "string", expr.parse_pointer("/href"), transform="last_segment"),
    ):
        assert "string" in js.converters(dataclasses.replace(spec, user=(field,))), field.type
    number = Field("age", "int", expr.parse_pointer("/age"))
    assert js.converters(dataclasses.replace(spec, user=(number,))) == ["integer"]
