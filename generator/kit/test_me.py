"""``{prefix}/me``: S3, the canonical user and every spec field with the right JSON types."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from generator.kit.checks import assert_json
from generator.kit.client import AppClient, FixtureUser
from generator.model import CANONICAL, Spec

#: JSON types of the canonical attributes (None where the mapping leaves one out).
CANONICAL_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str, int),
    "username": (str,),
    "email": (str, type(None)),
    "first_name": (str, type(None)),
    "last_name": (str, type(None)),
    "roles": (list,),
    "active": (bool,),
    "is_staff": (bool,),
    "is_admin": (bool,),
}

#: JSON types of each spec field type.
FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "email": (str,),
    "enum": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "datetime": (str,),
    "list<string>": (list,),
}


@pytest.fixture(params=["user", "admin"])
def who(request: pytest.FixtureRequest, plain_user: FixtureUser, admin_user: FixtureUser) -> FixtureUser:
    return plain_user if request.param == "user" else admin_user


def me_of(api: AppClient, user: FixtureUser) -> dict[str, Any]:
    api.sign_in(user)
    return assert_json(api.me(), 200)


def test_s03_me_returns_the_canonical_user(api: AppClient, who: FixtureUser) -> None:
    me = me_of(api, who)
    for name in CANONICAL:
        assert name in me, f"me has no {name!r}"
        assert is_json(me[name], CANONICAL_TYPES[name]), f"me[{name!r}] = {me[name]!r}"
    assert all(isinstance(role, str) for role in me["roles"])
    expected = who.expected
    # A real service's test user is known only as far as its test-users file says.
    known = [k for k in CANONICAL if k in expected and k != "roles"]
    assert {k: me[k] for k in known} == {k: expected[k] for k in known}
    if who.exact:
        assert sorted(me["roles"]) == sorted(expected["roles"])
    else:  # a real service adds roles of its own (Keycloak's default-roles-<realm>, offline_access)
        missing = sorted(set(expected["roles"]) - set(me["roles"]))
        assert not missing, f"me[{'roles'!r}] = {me['roles']!r} lacks {missing}, which the test users say it has"


def test_s03_me_returns_every_spec_field_typed(api: AppClient, spec: Spec, who: FixtureUser) -> None:
    me = me_of(api, who)
    for field in spec.user:
        assert field.name in me, f"me has no spec field {field.name!r}"
        value, want = me[field.name], who.fields.get(field.name)
        if value is None:
            known_null = want is None and (who.exact or field.name in who.fields)
            assert field.optional or known_null, f"required field {field.name!r} is null"
            continue
        assert is_json(value, FIELD_TYPES[field.type]), f"me[{field.name!r}] = {value!r} is not JSON for a {field.type}"
        if field.name not in who.fields:  # a real service's record: its values are the service's business
            continue
        if field.type == "datetime":
            assert _instant(value) == _instant(want), f"me[{field.name!r}] = {value!r}, expected {want!r}"
        elif field.type == "list<string>":
            assert all(isinstance(item, str) for item in value)
            assert sorted(value) == sorted(want)
        else:
            assert value == want, f"me[{field.name!r}]"


def is_json(value: object, types: tuple[type, ...]) -> bool:
    """``isinstance``, except that JSON's true and false are not numbers."""
    return bool in types if isinstance(value, bool) else isinstance(value, types)


def _instant(text: str) -> datetime:
    """An ISO 8601 date-time (``Z`` or an offset) as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
