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
