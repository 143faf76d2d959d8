"""The value language: templates, references, transforms, JSON pointers, resolve and assign."""

from __future__ import annotations

import re

import pytest

from generator.expr import (
    Arr,
    Const,
    ExprError,
    Lit,
    Obj,
    Pointer,
    Ref,
    Template,
    Transform,
    Where,
    add_excluded,
    assign,
    parse_pointer,
    parse_ref,
    parse_template,
    parse_value,
    refs_of,
    resolve,
)

# -- templates ------------------------------------------------------------------------


def test_plain_text_is_one_literal() -> None:
    template = parse_template("/v1/sessions")
    assert template == Template((Lit("/v1/sessions"),))
    assert template.literal_text() == "/v1/sessions"
    assert template.single_ref is None
    assert template.refs == ()


def test_empty_text_is_an_empty_literal() -> None:
    assert parse_template("") == Template((Lit(""),))


def test_references_split_the_text() -> None:
    template = parse_template("/v1/users/${session.user_id}/groups")
    assert template.parts == (Lit("/v1/users/"), Ref("session", "user_id"), Lit("/groups"))
    assert template.literal_text() is None
    assert template.refs == (Ref("session", "user_id"),)


def test_a_lone_reference_is_a_single_ref() -> None:
    template = parse_template("${steps.1.href}")
    assert template.single_ref == Ref("steps", "href", 1)
    assert str(template.single_ref) == "steps.1.href"


def test_adjacent_references() -> None:
    template = parse_template("${input.username}:${input.password}")
    assert template.parts == (Ref("input", "username"), Lit(":"), Ref("input", "password"))


@pytest.mark.parametrize(
    "text, parts",
    [
        ("$${input.x}", (Lit("${input.x}"),)),
        ("price: $5 and $${", (Lit("price: $5 and ${"),)),
        ("a$${b}${config.c}", (Lit("a${b}"), Ref("config", "c"))),
        ("}{ $ {not a ref}", (Lit("}{ $ {not a ref}"),)),
        ("${ service.api_key }", (Ref("service", "api_key"),)),
    ],
)
def test_escapes_and_literal_dollars(text: str, parts: tuple) -> None:
    assert parse_template(text).parts == parts


@pytest.mark.parametrize(
    "ref, expected",
    [
        ("input.username", Ref("input", "username")),
        ("config.application_id", Ref("config", "application_id")),
        ("session.token", Ref("session", "token")),
        ("service.base_url", Ref("service", "base_url")),
        ("steps.12.next_href", Ref("steps", "next_href", 12)),
    ],
)
def test_each_namespace(ref: str, expected: Ref) -> None:
    assert parse_ref(ref) == expected
    assert str(expected) == ref


@pytest.mark.parametrize(
    "text, message, hint",
    [
        ("/x/${session.id", "unclosed ${ in '/x/${session.id'", "write $${ for a literal ${"),
        ("${sesion.token}", "unknown namespace 'sesion'", "did you mean 'session'?"),
        ("${foo.bar}", "unknown namespace 'foo'", "use one of input, config, session, steps, service"),
        ("${}", "empty reference ${}", "e.g. ${input.username}"),
        ("${steps.href}", "a step reference needs a step number and a name", "${steps.1.href}"),
        ("${steps.0.href}", "a step reference needs a step number and a name", "${steps.1.href}"),
        ("${steps.01.href}", "a step reference needs a step number and a name", "${steps.1.href}"),
        ("${session.user.id}", "a reference is a namespace and one name", "${session.<name>}"),
        ("${input}", "a reference is a namespace and one name", "${input.<name>}"),
        ("${input.2fa}", "'2fa' is not a name", "not starting with a digit"),
        ("${input.first-name}", "'first-name' is not a name", "letters, digits and _"),
    ],
)
def test_template_errors_say_what_and_how(text: str, message: str, hint: str) -> None:
    with pytest.raises(ExprError) as info:
        parse_template(text)
    assert message in str(info.value)
    assert hint in info.value.hint


# -- values and transforms ----------------------------------------------------------------


def test_text_values_are_templates() -> None:
    assert parse_value("${input.email}") == Template((Ref("input", "email"),))


@pytest.mark.parametrize("name", ["base64", "urlencode"])
def test_a_one_key_table_naming_a_transform_is_that_transform(name: str) -> None:
    value = parse_value({name: "${input.username}:${input.password}"})
    assert value == Transform(name, parse_template("${input.username}:${input.password}"))
    assert refs_of(value) == (Ref("input", "username"), Ref("input", "password"))


def test_transforms_nest() -> None:
    value = parse_value({"urlencode": {"base64": "${input.password}"}})
    assert value == Transform("urlencode", Transform("base64", parse_template("${input.password}")))


def test_an_unknown_transform_suggests_the_right_one() -> None:
    with pytest.raises(ExprError) as info:
        parse_value({"base46": "x"})
    assert str(info.value) == "unknown transform 'base46'"
    assert info.value.hint == "did you mean 'base64'?"


def test_tables_and_arrays_outside_a_body_are_errors() -> None:
    with pytest.raises(ExprError, match="got a table with keys 'a', 'b'"):
        parse_value({"a": "1", "b": "2"})
    with pytest.raises(ExprError, match="expected text, got an array"):
        parse_value(["a"])


def test_scalars_outside_a_body_are_text() -> None:
    assert parse_value(5) == Template((Lit("5"),))
    assert parse_value(True) == Template((Lit("true"),))
    assert parse_value(False).literal_text() == "false"  # type: ignore[union-attr]
    assert parse_value(2.5) == Template((Lit("2.5"),))


def test_a_json_body_keeps_its_shape() -> None:
    raw = {
        "login": "${input.username}",
        "remember": True,
        "attempts": 3,
        "profile": {"names": ["${input.first_name}", "x"], "token": {"base64": "${config.app}"}},
    }
    value = parse_value(raw, body=True)
    assert value == Obj(
        (
            ("login", Template((Ref("input", "username"),))),
            ("remember", Const(True)),
            ("attempts", Const(3)),
            (
                "profile",
                Obj(
                    (
                        ("names", Arr((Template((Ref("input", "first_name"),)), Template((Lit("x"),))))),
                        ("token", Transform("base64", Template((Ref("config", "app"),)))),
                    )
                ),
            ),
        )
    )
    assert refs_of(value) == (Ref("input", "username"), Ref("input", "first_name"), Ref("config", "app"))


def test_dates_are_rejected_with_a_hint() -> None:
    import datetime

    with pytest.raises(ExprError) as info:
        parse_value(datetime.date(2024, 1, 2))
    assert "write dates and times as text" in info.value.hint


def test_refs_of_constants_is_empty() -> None:
    assert refs_of(Const(1)) == ()


# -- JSON pointers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("", ()),
        ("/", ("",)),
        ("/user/id", ("user", "id")),
        ("/_embedded/user/id", ("_embedded", "user", "id")),
        ("/a~1b", ("a/b",)),
        ("/m~0n", ("m~n",)),
        ("/~01", ("~1",)),
        ("/groups/*/name", ("groups", "*", "name")),
        ("/items/0", ("items", "0")),
    ],
)
def test_pointers_parse_and_print_back(text: str, tokens: tuple[str, ...]) -> None:
    pointer = parse_pointer(text)
    assert pointer.tokens == tokens
    assert str(pointer) == text
    assert pointer.has_wildcard == ("*" in tokens)


@pytest.mark.parametrize(
    "text, message, hint",
    [
        ("user/id", "must be empty or start with '/'", "did you mean '/user/id'?"),
        ("/a~2", "has a '~' that is not ~0 or ~1", "write ~0 for '~' and ~1 for '/'"),
        ("/a~", "has a '~' that is not ~0 or ~1", "~1"),
        ("/a/*/b/*", "holds more than one '*'", "one array"),
    ],
)
def test_bad_pointers(text: str, message: str, hint: str) -> None:
    with pytest.raises(ExprError) as info:
        parse_pointer(text)
    assert message in str(info.value)
    assert hint in info.value.hint


DOC = {
    "id": "u1",
    "a/b": 1,
    "m~n": 2,
    "profile": {"firstName": "Ada", "tags": ["x", "y"]},
    "groups": [{"name": "admins", "id": 1}, {"name": "staff", "id": 2}],
    "realm_access": {"roles": ["admin", "user"]},
}


@pytest.mark.parametrize(
    "pointer, value",
    [
        ("", DOC),
        ("/id", "u1"),
        ("/a~1b", 1),
        ("/m~0n", 2),
        ("/profile/firstName", "Ada"),
        ("/profile/tags/1", "y"),
        ("/groups/*/name", ["admins", "staff"]),
        ("/groups/*", DOC["groups"]),
        ("/realm_access/roles", ["admin", "user"]),
    ],
)
def test_resolve(pointer: str, value: object) -> None:
    assert resolve(DOC, parse_pointer(pointer)) == value


@pytest.mark.parametrize("pointer", ["/missing", "/profile/tags/2", "/profile/tags/01", "/profile/tags/²", "/id/x"])
def test_resolve_raises_lookup_error_or_returns_the_default(pointer: str) -> None:
    with pytest.raises(LookupError):
        resolve(DOC, parse_pointer(pointer))
    assert resolve(DOC, parse_pointer(pointer), None) is None


def test_a_wildcard_needs_an_array() -> None:
    with pytest.raises(LookupError, match="expected an array"):
        resolve(DOC, parse_pointer("/profile/*/x"))
    assert resolve(DOC, parse_pointer("/profile/*/x"), "none") == "none"


def test_the_default_applies_to_each_element_of_a_wildcard() -> None:
    doc = {"groups": [{"name": "a"}, {}]}
    assert resolve(doc, parse_pointer("/groups/*/name"), None) == ["a", None]
    with pytest.raises(LookupError):
        resolve(doc, parse_pointer("/groups/*/name"))


# -- assign --------------------------------------------------------------------------------


def test_assign_builds_objects_on_the_way() -> None:
    doc: dict = {}
    assign(doc, parse_pointer("/profile/firstName"), "Ada")
    assign(doc, parse_pointer("/profile/lastName"), "Lovelace")
    assign(doc, parse_pointer("/a~1b"), 1)
    assert doc == {"profile": {"firstName": "Ada", "lastName": "Lovelace"}, "a/b": 1}


def test_assign_at_the_root_merges_an_object() -> None:
    doc: dict = {"a": 1}
    assign(doc, Pointer(()), {"b": 2})
    assert doc == {"a": 1, "b": 2}
    with pytest.raises(ValueError, match="only an object"):
        assign(doc, Pointer(()), "text")


def test_assign_spreads_a_list_over_a_wildcard() -> None:
    doc: dict = {}
    assign(doc, parse_pointer("/groups/*/name"), ["admins", "staff"])
    assert doc == {"groups": [{"name": "admins"}, {"name": "staff"}]}
    assign(doc, parse_pointer("/groups/*/id"), [1, 2])
    assert doc == {"groups": [{"name": "admins", "id": 1}, {"name": "staff", "id": 2}]}
    assign(doc, parse_pointer("/roles/*"), ["a"])
    assert doc["roles"] == ["a"]


def test_assign_replaces_an_array_of_another_length() -> None:
    doc: dict = {"groups": [{"name": "x"}]}
    assign(doc, parse_pointer("/groups/*/name"), ["a", "b"])
    assert doc == {"groups": [{"name": "a"}, {"name": "b"}]}


@pytest.mark.parametrize(
    "pointer, value, message",
    [
        ("/*/name", ["a"], "the root is an object"),
        ("/groups/*/name", "admins", "needs a list"),
        ("/id/x", 1, "not an object"),
    ],
)
def test_assign_refuses_what_it_cannot_build(pointer: str, value: object, message: str) -> None:
    doc: dict = {"id": "u1"}
    with pytest.raises(ValueError, match=message):
        assign(doc, parse_pointer(pointer), value)


@pytest.mark.parametrize(
    "pointer, value",
    [
        ("/id", "u1"),
        ("/_embedded/user/id", "00u1"),
        ("/profile/~0weird~1key", "v"),
        ("/groups/items/*/name", ["Administrators", "Support"]),
        ("/realm_access/roles", ["admin"]),
    ],
)
def test_what_assign_places_resolve_reads(pointer: str, value: object) -> None:
    doc: dict = {}
    assign(doc, parse_pointer(pointer), value)
    assert resolve(doc, parse_pointer(pointer)) == value


# -- list filters: *[member=value] ---------------------------------------------------

GROUPS = {
    "groups": [
        {"name": "admins", "status": "DISABLED"},
        {"name": "users", "status": "ENABLED"},
        {"name": "staff"},
        {"name": "ops", "status": None},
        {"name": "numbers", "status": 1},
    ]
}


def test_a_filter_keeps_only_elements_whose_member_is_the_text() -> None:
    # Security relevant: a member of a disabled admins group is not admin.
    assert resolve(GROUPS, parse_pointer("/groups/*[status=ENABLED]/name")) == ["users"]


def test_a_filter_never_matches_a_number_with_text() -> None:
    assert resolve(GROUPS, parse_pointer("/groups/*[status=1]/name")) == []


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("/groups/*[status=ENABLED]/name", Where("status", "ENABLED")),
        ("/a/*[x~1y=p~0q]/b", Where("x/y", "p~q")),
        ("/a/*[kind=a=b]]/b", Where("kind", "a=b]")),
        ("/a/*[kind=]/b", Where("kind", "")),
    ],
)
def test_filters_parse_and_print_back(text: str, where: Where) -> None:
    pointer = parse_pointer(text)
    assert pointer.where == where
    assert pointer.has_wildcard
    assert str(pointer) == text


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("/a/*[status]/b", "is not a filter", "*[member=value]"),
        ("/a/*[status=x/b", "is not a filter", "*[member=value]"),
        ("/a/*[=x]/b", "names no member", "*[member=value]"),
        ("/a/*[s=x]/*/b", "more than one '*'", "one array only"),
    ],
)
def test_bad_filters(text: str, message: str, hint: str) -> None:
    with pytest.raises(ExprError, match=re.escape(message)) as err:
        parse_pointer(text)
    assert hint in err.value.hint


def test_assign_behind_a_filter_sets_the_member_so_resolve_reads_it_back() -> None:
    doc: dict = {}
    pointer = parse_pointer("/groups/*[status=ENABLED]/name")
    assign(doc, pointer, ["admins", "users"])
    assert doc == {"groups": [{"status": "ENABLED", "name": "admins"}, {"status": "ENABLED", "name": "users"}]}
    add_excluded(doc, pointer, "admins")
    assert doc["groups"][-1] == {"status": "NOT-ENABLED", "name": "admins"}
    assert resolve(doc, pointer) == ["admins", "users"]
