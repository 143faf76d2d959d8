"""The Java emitter: literals and spec values come out as valid, exact Java, laid out in Spring's style."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator import expr
from generator.emit import java
from generator.fake.fixtures import test_settings
from generator.lang import java as java_syntax
from generator.spec import load_spec
from generator.targets import spring

from .conftest import ACME, ROOT

HOSTILE = [
    "quote \" and ' both",
    "back\\slash \\n not a newline \\u000a not an escape",
    "${not.a.ref} and `backtick` and {{ jinja }} and {braces}",
    "*/ end of comment --> </script> <!-- </SCRIPT",
    "new\nline\r\ttab\b\f",
    "nul \x00 byte and bell \x07",
    "line \u2028 and paragraph \u2029 separators",
    "right-to-left \u202e and emoji \U0001f510",
    "ünïcødé",
    '"""triple""" quotes',
    "",
]

EXAMPLES = ["acme", "hypermedia", "keycloak", "okta"]

JAVA = shutil.which("java")
JAVAC = shutil.which("javac")
needs_java = pytest.mark.skipif(JAVA is None or JAVAC is None, reason="no JDK installed")


def run_java(tmp_path: Path, body: str) -> str:
    """Run ``body`` as the main method of a one-file Java program; return what it prints."""
    source = tmp_path / "Main.java"
    source.write_text(
        "public class Main {\n    public static void main(String[] args) {\n" + body + "\n    }\n}\n", encoding="utf-8"
    )
    done = subprocess.run([JAVA, str(source)], capture_output=True, text=True, encoding="utf-8", check=False)  # type: ignore[list-item]
    assert done.returncode == 0, done.stderr
    return done.stdout


def code_points(text: str) -> list[int]:
    return [ord(ch) for ch in text]


def context(name: str) -> dict:
    spec = load_spec(ROOT / "examples" / name / "identity.toml")
    return java.context(spec, test_settings(spec.data))


# -- literals -------------------------------------------------------------------------


@needs_java
def test_string_literals_round_trip_through_javac(tmp_path: Path) -> None:
    lines = [f"        System.out.println({java.string(text)}.codePoints().boxed().toList());" for text in HOSTILE]
    printed = run_java(tmp_path, "\n".join(lines)).splitlines()
    assert [json.loads(line) for line in printed] == [code_points(text) for text in HOSTILE]


@needs_java
def test_text_blocks_round_trip_through_javac(tmp_path: Path) -> None:
    texts = [text for text in HOSTILE if "\r" not in text and text] + ['{\n    "a": "b\\\\c"\n}']
    lines = [
        f'        System.out.println(("""\n{java.text_block(text)}""").codePoints().boxed().toList());'
        for text in texts
    ]
    printed = run_java(tmp_path, "\n".join(lines)).splitlines()
    assert [json.loads(line) for line in printed] == [code_points(text) for text in texts]


@pytest.mark.parametrize("text", HOSTILE)
def test_string_literals_hold_no_escape_java_reads_before_lexing(text: str) -> None:
    code = java.string(text)
    assert "\n" not in code and "\r" not in code
    # a backslash starts a Unicode escape when an even number of backslashes come before it
    assert not re.search(r"(?<!\\)(\\\\)*\\u+00(0a|0d|22|5c)", code, re.IGNORECASE)


@pytest.mark.parametrize("text", HOSTILE)
def test_comments_cannot_be_broken_out_of(text: str) -> None:
    for safe in (java.comment(text), java.javadoc(text)):
        assert "*/" not in safe and "\n" not in safe and "\r" not in safe
        assert not re.search(r"(?<!\\)(\\\\)*\\u", safe), "a \\u that Java would read as an escape"


def test_javadoc_escapes_html_and_tags() -> None:
    assert java.javadoc("a <b> & @c */") == "a &lt;b&gt; &amp; &#64;c *&#47;"


@needs_java
def test_comments_compile_whatever_they_hold(tmp_path: Path) -> None:
    lines = [
        f"        // {java.comment(t)}\n        /* {java.comment(t)} */\n        /** {java.javadoc(t)} */"
        for t in HOSTILE
    ]
    assert run_java(tmp_path, "\n".join(lines) + '\n        System.out.print("ok");') == "ok"


def test_numbers_are_int_long_or_double_literals() -> None:
    assert [java_syntax.number(v) for v in (7101, -2, 2**40, 1.5, 1e20)] == [
        "7101",
        "-2",
        "1099511627776L",
        "1.5",
        "1e+20",
    ]
    with pytest.raises(ValueError):
        java_syntax.number(float("inf"))
    with pytest.raises(ValueError):
        java_syntax.number(2**70)


def test_literals_of_lists_and_nothing() -> None:
    assert java.literal(["admins", "it's"]) == 'List.of("admins", "it\'s")'
    assert java.literal([]) == "List.of()"
    assert java.literal(None) == "null" and java.literal(True) == "true"


def test_names_follow_java_conventions() -> None:
    assert java.camel("user_id") == "userId" and java.pascal("account_type") == "AccountType"
    assert java.ident("class") == "classValue" and java.ident("record") == "recordValue"
    assert java.kebab("application_id") == "application-id"
    assert [java.constant(v) for v in ("ACTIVE", "in-progress", "1st", "")] == [
        "ACTIVE",
        "IN_PROGRESS",
        "_1ST",
        "EMPTY",
    ]


def test_xml_escapes_markup() -> None:
    assert java.xml('<a href="x">&</a>') == "&lt;a href=&#34;x&#34;&gt;&amp;&lt;/a&gt;"


@pytest.mark.parametrize("text", [*HOSTILE, "\x00\x01\x0b\x1f\ufffe\uffff"])
def test_xml_is_well_formed_whatever_it_holds(text: str) -> None:
    """``xml`` text parses as content and as an attribute, and reads back without what XML cannot hold."""
    import xml.etree.ElementTree as ET

    safe = java.xml(text)
    element = ET.fromstring(f'<project><name a="{safe}">{safe}</name></project>')
    name = element.find("name")
    assert name is not None
    kept = "".join(ch for ch in text if ch in "\t\n\r" or not (ord(ch) < 0x20 or ch in "\ufffe\uffff"))
    assert (name.text or "") == kept.replace("\r\n", "\n").replace("\r", "\n")
    assert "\x00" not in safe


def test_pom_keeps_spec_text_out_of_xml_comments() -> None:
    """``--`` is illegal in an XML comment: no pom.xml puts the service name (or any filtered value) in one."""
    for pom in (ROOT / "templates" / "spring").rglob("pom.xml"):
        for comment in re.findall(r"<!--.*?-->", pom.read_text(encoding="utf-8"), re.DOTALL):
            assert "service_name" not in comment and "|" not in comment, f"{pom}: {comment}"


# -- values and layout ------------------------------------------------------------------


NAMES = java.Names(
    {"input.username": "username", "steps.1.href": "href"}, fields={"base_url": "this.baseUrl", "key": "this.key"}
)


def test_templates_are_literals_names_or_concatenations() -> None:
    assert java.flat(java.template(expr.parse_template("/v1/x"), NAMES)) == '"/v1/x"'
    assert java.flat(java.template(expr.parse_template("${input.username}"), NAMES)) == "username"
    assert java.flat(java.template(expr.parse_template("a ${input.username} b"), NAMES)) == '"a " + username + " b"'
    segment = java.template(expr.parse_template("/u/${input.username}"), NAMES, segment=True)
    assert java.flat(segment) == '"/u/" + percentEncode(username)'


def test_transforms_and_json_bodies() -> None:
    raw = {
        "type": "basic",
        "value": {"base64": "${input.username}:${config.key}"},
        "n": 7101,
        "ok": False,
        "nested": {"list": ["${input.username}", 1.5]},
    }
    code = java.flat(java.value(expr.parse_value(raw, body=True), NAMES))
    assert code == (
        'object().put("type", "basic").put("value", base64(username + ":" + this.key)).put("n", 7101)'
        '.put("ok", false).set("nested", object().set("list", array().add(username).add(1.5)))'
    )


def test_absolute_urls_come_from_earlier_steps() -> None:
    spec = load_spec(ROOT / "examples" / "hypermedia" / "identity.toml")
    step = spec.operations["register"].steps[1]
    assert java.flat(java.url(step, java.Names({"steps.1.accounts": "accounts"}))) == "accounts"


def test_long_chains_break_one_call_a_line() -> None:
    chain = java.Call("object()")
    for i in range(6):
        chain = chain.then("put", java.string(f"a_rather_long_key_{i}"), f"someRatherLongValue{i}")
    text = java.layout(chain, 40, " " * 8)
    lines = text.split("\n")
    assert lines[0] == "object()" and all(line.startswith(" " * 16 + ".put(") for line in lines[1:])


@pytest.mark.parametrize("name", EXAMPLES)
def test_emitted_steps_fit_in_the_line_width(name: str) -> None:
    for op in context(name)["ops"].values():
        for step in op.steps:
            for line in step.lines:
                assert len(java.INDENT + line) <= java.WIDTH, line


# -- operations, the user type and the context ----------------------------------------------


def test_login_sends_json_and_keeps_what_it_extracts() -> None:
    login = context("acme")["ops"]["login"]
    assert [p.java for p in login.params] == ["username", "password"]
    code = "\n".join(login.steps[0].lines)
    assert code.startswith(
        'JsonNode response = send("POST /v1/sessions", ServiceRequest.post(this.baseUrl + "/v1/sessions")'
    )
    assert ".expect(201)" in code and ".on(401, InvalidCredentials::new)" in code
    assert 'String userId = text(response, "/user/id");' in code
    assert 'String expiresAt = deadline(response, "/expires_in");' in code
    assert login.returns == (
        "Map.ofEntries(\n"
        '                Map.entry("token", token),\n'
        '                Map.entry("refresh_token", refreshToken),\n'
        '                Map.entry("expires_at", expiresAt),\n'
        '                Map.entry("user_id", userId))'
    ), "one entry a line when the map does not fit on the return line"


def test_get_user_reads_the_session_and_returns_the_record() -> None:
    get_user = context("acme")["ops"]["get_user"]
    assert get_user.session_locals == (("userId", "user_id"), ("token", "token"))
    assert get_user.returns_record and get_user.steps[-1].lines[-1] == 'return record(response, "");'


def test_match_rules_and_service_basic_auth() -> None:
    code = "\n".join(line for step in context("hypermedia")["ops"]["login"].steps for line in step.lines)
    assert '.on(400, Match.at("/code", 7101), AccountDisabled::new)' in code
    assert ".basic(this.apiUsername, this.apiPassword)" in code
    assert 'base64(username + ":" + password)' in code


def test_form_bodies_and_header_credentials() -> None:
    keycloak = "\n".join(context("keycloak")["ops"]["login"].steps[0].lines)
    assert '.form("grant_type", "password")' in keycloak and '.form("client_secret", this.clientSecret)' in keycloak
    okta = "\n".join(context("okta")["ops"]["get_user"].steps[0].lines)
    assert '.header("Authorization", "SSWS " + this.apiKey)' in okta


def test_the_user_has_canonical_then_spec_properties() -> None:
    attrs = {a.name: a for a in context("acme")["attrs"]}
    assert list(attrs)[:7] == ["id", "username", "email", "first_name", "last_name", "roles", "active"]
    assert "email" in attrs and list(attrs).count("email") == 1
    assert attrs["status"].type == "Status" and attrs["status"].read.startswith("Status.of(")
    assert attrs["created"].type == "OffsetDateTime" and attrs["created"].nullable
    assert attrs["active"].read == '"ACTIVE".equals(UserRecords.string(record, "status", "/status"))'


def test_optional_roles_default_to_none() -> None:
    attrs = {a.name: a for a in context("okta")["attrs"]}
    assert attrs["roles"].read.startswith("Objects.requireNonNullElse(UserRecords.optionalStrings(")


def test_spec_fields_never_take_a_method_the_user_already_has(tmp_path: Path) -> None:
    text = ACME.read_text(encoding="utf-8").replace(
        'created = { type = "datetime"',
        'authorities = { type = "list<string>", from = "/a" }\n'
        'staff = { type = "bool", from = "/s" }\n'
        'created = { type = "datetime"',
    )
    path = tmp_path / "identity.toml"
    path.write_text(text, encoding="utf-8")
    spec = load_spec(path)
    getters = [a.getter for a in java.attributes(spec)]
    assert len(getters) == len(set(getters))
    assert "getAuthorities" not in getters and "isStaff" not in getters


def test_settings_are_properties_with_their_environment_variables() -> None:
    settings = {s["name"]: s for s in context("acme")["settings"]}
    assert settings["application_id"]["property"] == "acme.application-id"
    assert settings["application_id"]["env"] == "ACME_APP_ID" and settings["application_id"]["required"]
    assert settings["api_key"]["secret"] and settings["api_key"]["test_value"] == '"test-api-key"'
    assert settings["base_url"]["default"] == '"https://id.acme.example"'


def test_a_base_url_without_a_default_is_required() -> None:
    settings = {s["name"]: s for s in context("okta")["settings"]}
    assert settings["base_url"]["required"] and settings["base_url"]["default"] is None


def test_context_names_the_java_packages() -> None:
    ctx = context("hypermedia")
    assert ctx["package_path"] == "com/example/hyper/auth"
    # the example app's package is Spring's layout: targets/spring.py, not the Java printer
    assert spring.context(load_spec(ROOT / "examples" / "hypermedia" / "identity.toml"))["example_package"] == (
        "com.example.hyper.example"
    )
    assert ctx["timeout"] == "Duration.ofSeconds(5)"


def test_fixture_expectations_match_the_fake() -> None:
    admin = next(f for f in context("acme")["java_fixtures"] if f.key == "admin")
    checks = {c.getter: c.assertion for c in admin.checks}
    assert checks["getFirstName"] == 'isEqualTo("Ada")'
    assert checks["getStatus"] == "isEqualTo(AcmeUser.Status.ACTIVE)"
    assert checks["getCreated"].startswith("isEqualTo(OffsetDateTime.parse(")
    assert json.loads(admin.me_json)["is_admin"] is True


def test_client_helpers_come_from_the_spec_not_from_text_in_the_code() -> None:
    spec = load_spec(ACME)
    note = expr.parse_value("Match.at( object() array() base64( percentEncode(")
    login = spec.operations["login"]
    step = dataclasses.replace(login.steps[0], headers=(*login.steps[0].headers, ("X-Note", note)))
    spec = dataclasses.replace(spec, operations={**spec.operations, "login": dataclasses.replace(login, steps=(step,))})
    context = java.context(spec, test_settings(spec.data))
    # the bundled spec posts a JSON object and puts a reference in a path; it matches no body values
    assert (context["uses_object"], context["uses_array"]) == (True, False)
    assert context["helpers"] == ["percentEncode", "deadline", "required"]
    jdk, libraries, spring, own = context["client_imports"]
    assert "java.util.Base64" not in jdk and "tools.jackson.databind.node.ArrayNode" not in libraries
    assert spring == ["org.springframework.web.client.RestClient"]  # the transport does the HTTP, not the client
    assert own[:-1] == [f"com.acme.auth.AcmeServiceException.{name}" for name in java.error_classes(spec)]
    assert own[-1] == "com.acme.auth.ServiceRequest.Match"  # login tells unverified from disabled by the body


def test_lifecycle_methods_use_the_service_session_type() -> None:
    ops = {op.name: op for op in context("acme")["lifecycle_ops"]}
    assert {name: op.signature for name, op in ops.items()} == {
        "refresh": "public AcmeServiceSession refresh(AcmeServiceSession session)",
        "logout": "public void logout(AcmeServiceSession session)",
        "reset_password": "public void resetPassword(Map<String, String> input)",
        "change_password": "public void changePassword(AcmeServiceSession session, Map<String, String> input)",
        "verify_email": "public void verifyEmail(Map<String, String> input)",
    }
    assert ops["refresh"].return_lines == (
        "return new AcmeServiceSession(Map.ofEntries(",
        '        Map.entry("token", text(response, "/token")),',
        '        Map.entry("refresh_token", text(response, "/refresh_token")),',
        '        Map.entry("expires_at", deadline(response, "/expires_in")),',
        '        Map.entry("user_id", session.value("user_id"))));',
    )
    reset = "\n".join(ops["reset_password"].steps[0].lines)
    assert '.on(422, PasswordPolicy::new)\n                .message("/error/message"))' in reset
    assert all(len("        " + line) <= 120 for op in ops.values() for s in op.steps for line in s.lines)


def test_the_code_goes_in_the_package_of_the_target_names_given() -> None:
    # a second Java framework passes its own names: the printer does not assume Spring's
    spec = load_spec(ACME)
    ctx = java.context(spec, test_settings(spec.data), {"package": "org.example.login"})
    assert ctx["package_path"] == "org/example/login"
    own = ctx["client_imports"][-1]
    assert own and all(name.startswith("org.example.login.") for name in own)


def test_the_user_imports_objects_only_for_optional_roles_and_offsetdatetime_only_for_a_datetime_field(
    tmp_path: Path,
) -> None:
    acme = java.user_jdk_imports(load_spec(ACME))
    assert "java.time.OffsetDateTime" in acme and "java.util.Objects" not in acme
    keycloak = java.user_jdk_imports(load_spec(ROOT / "examples" / "keycloak" / "identity.toml"))
    assert "java.time.OffsetDateTime" not in keycloak
    path = tmp_path / "identity.toml"
    text = ACME.read_text(encoding="utf-8")
    path.write_text(text.replace('from = "/groups/*/name" }', 'from = "/groups/*/name", optional = true }'), "utf-8")
    optional_roles = java.user_jdk_imports(load_spec(path))
    assert "java.util.Objects" in optional_roles
    assert optional_roles == sorted(optional_roles)  # the order google-java-format keeps
    assert any("Objects.requireNonNullElse" in a.read for a in java.attributes(load_spec(path)))
