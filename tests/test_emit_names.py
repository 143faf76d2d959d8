"""What the language printers share: reserved words escaped, taken names numbered, scalars, plain text."""

from __future__ import annotations

from generator import expr
from generator.lang import csharp, java, js, python
from generator.lang.names import fresh, unreserved
from generator.lang.scalars import c_scalar, interpolated, plain_text


def test_unreserved_escapes_only_reserved_words() -> None:
    assert unreserved("class", {"class"}) == "class_"
    assert unreserved("klass", {"class"}) == "klass"
    assert unreserved("default", {"default"}, "@{}") == "@default"


def test_fresh_numbers_a_taken_name_and_takes_the_result() -> None:
    taken = {"body", "body2"}
    assert fresh("body", taken) == "body3"
    assert fresh("id", taken, separator="_") == "id"
    assert fresh("id", taken, separator="_") == "id_2"
    assert {"body3", "id", "id_2"} <= taken


def test_fresh_skips_reserved_words_too() -> None:
    assert fresh("eval", set(), reserved={"eval"}) == "eval2"


def test_each_language_spells_its_escape() -> None:
    assert python.ident("match") == "match_"
    assert js.ident("new") == "new_"
    assert csharp.ident("default") == "@default"
    assert java.ident("class") == "classValue"
    assert python.WORDS.fresh("token", {"token"}) == "token_2"
    assert js.WORDS.fresh("arguments", set()) == "arguments2"
    assert csharp.WORDS.fresh("body", {"body"}) == "body2"


def test_c_scalars_share_null_and_booleans_and_leave_containers_alone() -> None:
    def quote(text: str) -> str:
        return f"<{text}>"

    assert [c_scalar(v, quote, str) for v in (None, True, False, "x", 7)] == ["null", "true", "false", "<x>", "7"]
    assert c_scalar([1], quote, str) is None
    assert js.literal(None) == java.literal(None) == csharp.literal(None) == "null"


def test_plain_text_is_a_literal_a_bare_name_or_nothing() -> None:
    def name(ref: expr.Ref) -> str:
        return ref.name.upper()

    assert plain_text(expr.parse_template("/v1/me"), repr, name) == "'/v1/me'"
    assert plain_text(expr.parse_template("${session.token}"), repr, name) == "TOKEN"
    # in a URL path a lone reference is still percent-encoded: the language interpolates it
    assert plain_text(expr.parse_template("${session.token}"), repr, name, segment=True) is None
    assert plain_text(expr.parse_template("Bearer ${session.token}"), repr, name) is None


def test_interpolated_escapes_text_and_fills_holes() -> None:
    parts = expr.parse_template("/users/${session.id}{x}").parts
    body = interpolated(parts, lambda t: t.replace("{", "{{").replace("}", "}}"), lambda r: "{" + r.name + "}")
    assert body == "/users/{id}{{x}}"


def test_suffixed_adds_the_suffix_only_on_a_clash_then_numbers() -> None:
    from generator.lang.names import suffixed

    taken = {"Id", "Roles"}
    assert suffixed("Status", taken, "Field") == "Status"
    assert suffixed("Id", taken, "Field") == "IdField"
    assert suffixed("Id", taken, "Field") == "IdField2"  # a second field spelled Id does not share the first's name
    assert suffixed("class", set(), "Value", reserved={"class"}) == "classValue"
    assert {"Status", "IdField", "IdField2"} <= taken


def test_every_language_clears_names_through_one_words_value() -> None:
    from generator.lang.names import Words

    for module in (python, js, java, csharp):
        assert isinstance(module.WORDS, Words)
    assert (python.WORDS.escape, js.WORDS.escape, java.WORDS.escape, csharp.WORDS.escape) == (
        "{}_",
        "{}_",
        "{}Value",
        "@{}",
    )
    assert java.WORDS.fresh("class", set()) == "class2"  # a reserved word is never handed out as a fresh name
    assert python.WORDS.fresh("id", {"id"}) == "id_2"


def test_two_csharp_properties_never_share_a_name(tmp_path) -> None:
    """``to_json`` and ``to_json_`` both spell ``ToJson``, a member every user has: ToJsonField, then ToJsonField2."""
    from generator.emit.csharp import properties
    from generator.spec import load_spec

    from .conftest import ACME

    text = ACME.read_text(encoding="utf-8").replace(
        'created = { type = "datetime"',
        'to_json = { type = "string", from = "/a", optional = true }\n'
        'to_json_ = { type = "string", from = "/b", optional = true }\ncreated = { type = "datetime"',
    )
    path = tmp_path / "identity.toml"
    path.write_text(text, encoding="utf-8")
    names = [p.name for p in properties(load_spec(path))]
    assert names[-3:-1] == ["ToJsonField", "ToJsonField2"]
    assert len(names) == len(set(names))
