"""The C# emitter: literals, comments and spec values come out as valid, exact C#."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import expr
from generator.emit import csharp as cs
from generator.spec import load_spec

from .conftest import ROOT

tree_sitter = pytest.importorskip("tree_sitter_c_sharp", reason="pip install tree-sitter tree-sitter-c-sharp")

from generator.verify_csharp import parse, syntax_problems  # noqa: E402

HOSTILE = [
    "quote \" and ' both",
    "back\\slash \\n not a newline",
    "${not.a.ref} and {{ jinja }} and {braces}",
    "*/ end of comment --> </script>",
    "new\nline\r\ttab",
    "nul \x00 byte",
    "right-to-left \u202e and emoji \U0001f510",
    "line\u2028separator\u2029paragraph\u0085next",
    "ünïcødé",
    '"""triple"""',
    "",
]

# The examples with operations: ASP.NET Core does not sign in through [service.oidc] yet (issue 17).
SPECS = sorted(p for p in (ROOT / "examples").glob("*/identity.toml") if "[service.oidc]" not in p.read_text())

_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_SIMPLE = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "0": "\0", "'": "'"}


def decode(literal: str) -> str:
    """The text a regular C# string literal stands for (the escapes the emitter writes)."""
    assert literal.startswith('"') and literal.endswith('"'), literal
    body = literal[1:-1]

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE[code]

    return _ESCAPE.sub(one, body)


def parses(source: str) -> list[str]:
    """The syntax problems tree-sitter finds in C# source."""
    return [str(p) for p in syntax_problems(parse(source.encode("utf-8")), "<test>")]


@pytest.mark.parametrize("text", HOSTILE)
def test_string_literal_round_trips(text: str) -> None:
    literal = cs.string(text)
    assert decode(literal) == text
    assert "\n" not in literal and "\r" not in literal and "\u2028" not in literal
    assert parses(f"class X {{ string s = {literal}; }}") == []


@pytest.mark.parametrize("text", HOSTILE)
def test_comment_stays_inside_every_kind_of_comment(text: str) -> None:
    body = cs.comment(text)
    assert "\n" not in body and "*/" not in body and "<" not in body
    source = f"/// <summary>{body}</summary>\nclass X {{ /* {body} */ int a; // {body}\n int b; }}\n"
    assert parses(source) == []


#: What XML 1.0 cannot hold, even as a character reference.
NOT_XML = "\x00\x01\x08\x0b\x0c\x1f\ufffe\uffff"


@pytest.mark.parametrize("text", [*HOSTILE, "$(Secret) @(Items) %(Meta) 50% a;b 'q' *.cs ?", NOT_XML])
def test_msbuild_xml_is_well_formed_and_escapes_msbuild_syntax(text: str) -> None:
    """``csxml`` text in a .csproj property parses as XML and reads back as the text, unescaped by MSBuild."""
    import urllib.parse
    import xml.etree.ElementTree as ET

    body = cs.msbuild_xml(text)
    assert not any(ch in re.sub(r"&(amp|lt|gt|quot);", "", body) for ch in "$@;'?*<>" + NOT_XML)
    element = ET.fromstring(
        f'<Project><PropertyGroup><Description a="{body}">{body}</Description></PropertyGroup></Project>'
    )
    description = element.find("PropertyGroup/Description")
    assert description is not None
    kept = "".join(ch for ch in text if ch not in NOT_XML)
    # MSBuild unescapes %XX the way URLs do; an XML parser reads a CR as a line feed
    assert urllib.parse.unquote(description.text or "") == kept.replace("\r\n", "\n").replace("\r", "\n")
    assert urllib.parse.unquote(description.get("a") or "").replace("\t", " ").replace("\n", " ") == (
        kept.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").replace("\n", " ")
    )


def test_msbuild_xml_exact() -> None:
    assert cs.msbuild_xml("a\x00<b> & \"c\" 'd' $(e) @(f) %g; *?") == (
        "a&lt;b&gt; &amp; &quot;c&quot; %27d%27 %24(e) %40(f) %25g%3B %2A%3F"
    )
    assert cs.FILTERS["csxml"] is cs.msbuild_xml


@pytest.mark.parametrize("text", HOSTILE)
def test_interpolated_template_keeps_text_and_braces(text: str) -> None:
    template = expr.Template((expr.Lit(text), expr.Ref("input", "username"), expr.Lit(text)))
    code = cs.template(template, cs.Names({"input.username": "username"}))
    assert code.startswith('$"')
    assert parses(f"class X {{ string M(string username) => {code}; }}") == []
    literal = code[1:].replace("{username}", "").replace("{{", "{").replace("}}", "}")
    assert decode(literal) == text + text


def test_numbers_are_typed_csharp_literals() -> None:
    assert cs.number(5) == "5"
    assert cs.number(2**40) == f"{2**40}L"
    assert cs.number(1.5) == "1.5"
    assert cs.number(1e20) == "1e+20"
    with pytest.raises(ValueError):
        cs.number(float("inf"))
    with pytest.raises(ValueError):
        cs.number(2**70)


def test_names_follow_csharp_conventions() -> None:
    assert cs.pascal("given_name") == "GivenName"
    assert cs.pascal("ACTIVE") == "Active"
    assert cs.pascal("1st") == "Value1st"
    assert cs.ident("first_name") == "firstName"
    assert cs.ident("default") == "@default"
    assert cs.option_property("timeout_setting") == "TimeoutSetting"
    assert cs.option_property("route_prefix") == "RoutePrefixSetting"


@pytest.mark.parametrize("spec_path", SPECS, ids=[p.parent.name for p in SPECS])
def test_every_operation_emits_code_that_parses(spec_path: Path) -> None:
    spec = load_spec(spec_path)
    context = cs.context(spec, {})
    members = [*context["outcomes"]]
    for op in context["ops"].values():
        params = ", ".join(f"string {name}" for name, _ in op.params)
        lines = [f'string {local} = SessionValue(session, "{key}");' for local, key in op.session_locals]
        if op.reads_body:
            lines.append("JsonElement body;")
        lines += [step.code for step in op.steps]
        if op.returns:
            lines.append(op.returns)
        members.append(f"async Task M{op.method}({params}) {{\n" + "\n".join(lines) + "\n}")
    source = "class Client {\n" + "\n".join(members) + "\n}\n"
    assert parses(source) == []


@pytest.mark.parametrize("spec_path", SPECS, ids=[p.parent.name for p in SPECS])
def test_user_properties_read_and_write_every_field(spec_path: Path) -> None:
    spec = load_spec(spec_path)
    props = cs.properties(spec)
    names = [p.name for p in props]
    assert names[:7] == ["Id", "Username", "Email", "FirstName", "LastName", "Roles", "Active"]
    assert len(set(names)) == len(names)
    keys = {p.key for p in props}
    assert {f.name for f in spec.user} <= keys | {
        "id",
        "username",
        "email",
        "first_name",
        "last_name",
        "roles",
        "active",
    }
    initializer = ",\n".join(f"{p.name} = {p.from_record}" for p in props if p.from_record)
    claims = "\n".join(p.to_claims for p in props)
    source = f"class U {{ static U R(JsonElement record) => new U {{ {initializer} }}; void C() {{ {claims} }} }}"
    assert parses(source) == []


def test_a_field_named_like_a_member_gets_a_suffix(tmp_path: Path) -> None:
    text = (ROOT / "examples" / "acme" / "identity.toml").read_text()
    text = text.replace("[user]\n", '[user]\nto_json = { type = "string", from = "/extra", optional = true }\n')
    path = tmp_path / "spec.toml"
    path.write_text(text)
    props = {p.key: p.name for p in cs.properties(load_spec(path))}
    assert props["to_json"] == "ToJsonField"


def test_error_rules_with_body_matches_are_json_literals() -> None:
    spec = load_spec(ROOT / "examples" / "hypermedia" / "identity.toml")
    login = cs.operation(spec, spec.operations["login"])
    assert 'new ErrorRule(400, HyperErrorKind.AccountDisabled, ("/code", "7101"))' in login.steps[0].outcomes
    assert 'Base64($"{username}:{password}")' in login.steps[0].code


def test_lifecycle_methods_are_async_over_the_session_dictionary() -> None:
    spec = load_spec(ROOT / "examples" / "acme" / "identity.toml")
    ops = {op.name: op for op in cs.context(spec, {})["lifecycle_ops"]}
    declared = {name: (op.declaration, op.signature_params) for name, op in ops.items()}
    session = "IReadOnlyDictionary<string, string>"
    assert declared == {
        "refresh": (f"public async Task<{session}> RefreshAsync", (f"{session} session",)),
        "logout": ("public async Task LogoutAsync", (f"{session} session",)),
        "reset_password": ("public async Task ResetPasswordAsync", (f"{session} input",)),
        "change_password": ("public async Task ChangePasswordAsync", (f"{session} session", f"{session} input")),
        "verify_email": ("public async Task VerifyEmailAsync", (f"{session} input",)),
    }
    assert '["expires_at"] = Deadline(body, "/expires_in"),' in ops["refresh"].returns
    assert '["user_id"] = SessionValue(session, "user_id"),' in ops["refresh"].returns
    outcomes = ops["reset_password"].steps[0].outcomes
    assert 'new ErrorRule(422, AcmeErrorKind.PasswordPolicy) { Message = "/error/message" },' in outcomes
