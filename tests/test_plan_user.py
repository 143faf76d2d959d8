"""The user object's canonical text attributes and the spec fields that get attributes of their own."""

from __future__ import annotations

from pathlib import Path

from generator.emit import csharp, js, python
from generator.plan.user import own_fields, text_attributes
from generator.spec import load_spec

from .conftest import ACME


def test_text_attributes_name_their_source_fields() -> None:
    spec = load_spec(ACME)
    sources = {t.name: t.source.name if t.source else None for t in text_attributes(spec)}
    assert sources == {
        "id": "id",
        "username": "email",
        "email": "email",
        "first_name": "given_name",
        "last_name": "family_name",
    }


def test_only_id_and_username_are_never_absent() -> None:
    optional = {t.name: t.optional for t in text_attributes(load_spec(ACME))}
    # email is required in the bundled spec; the names are optional fields
    assert optional == {"id": False, "username": False, "email": False, "first_name": True, "last_name": True}


def test_fields_feeding_a_canonical_attribute_by_their_own_name_get_no_second_attribute() -> None:
    # "id" and "email" are the sources of the canonical id and email
    assert [f.name for f in own_fields(load_spec(ACME))] == ["given_name", "family_name", "groups", "status", "created"]


def _active_spec(tmp_path: Path) -> Path:
    """The bundled spec with its status field named ``active`` and compared to a value."""
    text = ACME.read_text(encoding="utf-8")
    text = text.replace('status = { type = "enum"', 'active = { type = "enum"')
    text = text.replace(
        'active = { field = "status", equals = "ACTIVE" }', 'active = { field = "active", equals = "ACTIVE" }'
    )
    path = tmp_path / "identity.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_field_named_active_is_the_canonical_active_in_every_language(tmp_path: Path) -> None:
    spec = load_spec(_active_spec(tmp_path))
    assert "active" not in [f.name for f in own_fields(spec)]
    # the ASP.NET Core user used to keep the raw field as a second property, ActiveField
    assert [p.key for p in csharp.properties(spec)].count("active") == 1
    assert [a.name for a in python.attributes(spec)].count("active") == 1
    assert [a.name for a in js.attributes(spec)].count("active") == 1


def test_me_of_a_fixture_user_is_the_canonical_user_then_its_own_fields_in_spec_order() -> None:
    from generator.fake.fixtures import fixture_users
    from generator.plan.user import expected_me, own_fields

    spec = load_spec(ACME)
    user = fixture_users(spec.data)[0]
    me = expected_me(spec, user)
    canonical = list(user["expected"])
    assert list(me)[: len(canonical)] == canonical
    assert list(me)[len(canonical) :] == [f.name for f in own_fields(spec)]
    assert all(me[f.name] == user["fields"].get(f.name) for f in own_fields(spec))


# -- the typed user attributes and the tests' expectations (issue 14) ---------------------------------


def test_user_attributes_list_the_canonical_ones_then_the_fields_of_their_own_in_me_order() -> None:
    from generator.plan.user import user_attributes

    attrs = user_attributes(load_spec(ACME))
    assert [(a.name, a.kind, a.type) for a in attrs] == [
        ("id", "text", "string"),
        ("username", "text", "string"),
        ("email", "text", "string"),
        ("first_name", "text", "string"),
        ("last_name", "text", "string"),
        ("roles", "roles", "list<string>"),
        ("active", "active", "bool"),
        ("given_name", "field", "string"),
        ("family_name", "field", "string"),
        ("groups", "field", "list<string>"),
        ("status", "field", "enum"),
        ("created", "field", "datetime"),
    ]
    by_name = {a.name: a for a in attrs}
    assert by_name["roles"].source.name == "groups" and not by_name["roles"].nullable
    assert (by_name["active"].source.name, by_name["active"].equals) == ("status", "ACTIVE")
    assert by_name["status"].values == ("ACTIVE", "LOCKED") and by_name["roles"].values == ()
    assert [a.name for a in attrs if a.nullable] == ["first_name", "last_name", "given_name", "family_name", "created"]
    assert not by_name["id"].nullable and all(not a.canonical for a in attrs[7:])


def _edited(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = ACME.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "identity.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_absent_attribute_has_no_source_and_may_be_null(tmp_path: Path) -> None:
    from generator.plan.user import user_attributes

    spec = load_spec(
        _edited(
            tmp_path,
            ('last_name = "family_name"\n', ""),
            ('roles = "groups"\n', ""),
            ('admin_roles = ["admins"]\n', ""),
            ('staff_roles = ["staff"]\n', ""),
        )
    )
    last = next(a for a in user_attributes(spec) if a.name == "last_name")
    assert last.source is None and last.nullable
    roles = next(a for a in user_attributes(spec) if a.name == "roles")
    assert roles.source is None and not roles.nullable  # no role field: no roles, never null


def test_enum_types_are_for_fields_of_their_own_unless_every_enum_field_is_asked_for(tmp_path: Path) -> None:
    from generator.plan.user import enum_fields

    spec = load_spec(_active_spec(tmp_path))
    assert [f.name for f in enum_fields(spec)] == []
    assert [f.name for f in enum_fields(spec, every=True)] == ["active"]
    assert [f.name for f in enum_fields(load_spec(ACME))] == ["status"]


def test_expected_user_pairs_every_attribute_with_the_fixture_value_and_text_attributes_hold_text() -> None:
    from generator.fake.fixtures import fixture_users
    from generator.plan.user import expected_me, expected_user, user_attributes

    spec = load_spec(ACME)
    raw = fixture_users(spec.data)[0]
    raw = {**raw, "expected": {**raw["expected"], "id": 1001}}  # a service sending its ids as numbers
    user = expected_user(spec, raw)
    assert [v.attribute for v in user.values] == list(user_attributes(spec))
    values = {v.attribute.name: v.value for v in user.values}
    assert values["id"] == "1001"
    assert values["roles"] == raw["expected"]["roles"] and values["active"] is raw["expected"]["active"]
    assert values["status"] == raw["fields"]["status"] and values["created"] == raw["fields"]["created"]
    assert (user.key, user.username, user.password) == (raw["key"], raw["username"], raw["password"])
    assert user.email == raw["expected"]["email"]
    assert (user.is_staff, user.is_admin) == (raw["expected"]["is_staff"], raw["expected"]["is_admin"])
    assert user.me == expected_me(spec, raw)


def test_expected_users_follow_the_fakes_fixture_users() -> None:
    from generator.fake.fixtures import fixture_users
    from generator.plan.user import expected_users

    spec = load_spec(ACME)
    assert [u.key for u in expected_users(spec)] == [u["key"] for u in fixture_users(spec.data)]
