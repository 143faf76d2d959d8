"""The role ``/admin`` requires: one the admin fixture has and the plain user lacks."""

from __future__ import annotations

from generator.fake.fixtures import fixture_users
from generator.plan.roles import FALLBACK_GUARD_ROLE, guard_role
from generator.spec import load_spec

from .conftest import ACME


def _users(admin: list[str], user: list[str]) -> list[dict]:
    return [
        {"key": "admin", "expected": {"roles": admin}},
        {"key": "user", "expected": {"roles": user}},
    ]


def test_the_bundled_spec_guards_admin_with_admins() -> None:
    assert guard_role(fixture_users(load_spec(ACME).data)) == "admins"


def test_a_role_the_plain_user_also_has_is_skipped() -> None:
    # the first admin role would let the plain user in: the kit expects a 403 for them
    assert guard_role(_users(["staff", "owners"], ["staff"])) == "owners"


def test_without_a_distinguishing_role_the_fallback_is_used() -> None:
    assert guard_role(_users(["staff"], ["staff"])) == FALLBACK_GUARD_ROLE
    assert guard_role(_users([], [])) == FALLBACK_GUARD_ROLE
