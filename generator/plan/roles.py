"""The role the example apps require on ``/admin``.

The conformance kit signs in as the admin fixture and as the plain user and
expects ``/admin`` to let the first in and refuse the second, so the role must
be one the admin fixture has and the plain user lacks; every target's example
app, README and tests use this one choice.
"""

from __future__ import annotations

from collections.abc import Sequence

#: The role ``/admin`` requires when the fixtures' roles do not tell the admin from a plain user.
FALLBACK_GUARD_ROLE = "admins"


def guard_role(fixtures: Sequence[dict]) -> str:
    """The first role of the admin fixture that the plain user fixture does not have.

    :param fixtures: the fixture users (:func:`generator.fake.fixtures.fixture_users`).
    """
    users = {u["key"]: u for u in fixtures}
    plain = set(users["user"]["expected"]["roles"])
    return next((r for r in users["admin"]["expected"]["roles"] if r not in plain), FALLBACK_GUARD_ROLE)
