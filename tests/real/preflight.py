"""Sign in to the real Keycloak once per operation with the generated Flask package's own client.

``nox -s real-keycloak`` runs this before the targets' tests: a spec that is wrong
about Keycloak (a wrong path, a wrong pointer, a realm set up without "Add to
userinfo") then fails at once with the name of the operation that broke and why,
instead of as dozens of 503s in four test suites. Every target is generated from
the same spec, so one client is enough to tell.

Reads the environment ``keycloak.settings()`` gives the packages' tests.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from flask_keycloak.client import KeycloakClient
from flask_keycloak.errors import AccountDisabled, InvalidCredentials, KeycloakError
from flask_keycloak.user import KeycloakUser


class Broken(Exception):
    def __init__(self, operation: str, why: object) -> None:
        super().__init__(f"{operation}: {why}")


def check(client: KeycloakClient, users: dict) -> list[str]:
    """What works, line by line; raises :class:`Broken` naming the first operation that does not."""
    admin, disabled = users["admin"], users["disabled"]
    try:
        session = client.login(admin["username"], admin["password"])
    except KeycloakError as error:
        raise Broken("login", f"{admin['username']} could not sign in: {type(error).__name__}: {error}") from None
    try:
        user = KeycloakUser.from_record(client.get_user(session))
    except KeycloakError as error:
        raise Broken("get_user", f"{type(error).__name__}: {error}") from None
    missing = sorted(set(admin.get("roles", [])) - set(user.roles))
    if missing:
        raise Broken(
            "get_user",
            f"{user.username} has the roles {list(user.roles)}, without {missing}: is the spec's roles pointer "
            "right, and the realm roles mapper's 'Add to userinfo' on (docs/keycloak.md)?",
        )
    try:
        client.login(disabled["username"], disabled["password"])
    except AccountDisabled:
        pass
    except KeycloakError as error:
        raise Broken("login", f"a disabled account is {type(error).__name__} ({error}), not AccountDisabled") from None
    else:
        raise Broken("login", f"the disabled account {disabled['username']} signed in")
    try:
        client.login(admin["username"], admin["password"] + "-wrong")
    except InvalidCredentials:
        pass
    except KeycloakError as error:
        raise Broken("login", f"a wrong password is {type(error).__name__} ({error}), not InvalidCredentials") from None
    return [
        f"login: {admin['username']} signs in; a disabled account and a wrong password are refused as such",
        f"get_user: {user.username} (id {user.id}) with the roles {list(user.roles)}",
    ]


def main() -> int:
    env = os.environ
    users = json.loads(Path(env["KEYCLOAK_TEST_USERS"]).read_text(encoding="utf-8"))
    client = KeycloakClient(
        base_url=env["KEYCLOAK_TEST_BASE_URL"],
        realm=env["KEYCLOAK_TEST_REALM"],
        client_id=env["KEYCLOAK_TEST_CLIENT_ID"],
        client_secret=env["KEYCLOAK_TEST_CLIENT_SECRET"],
        timeout=10,
    )
    try:
        lines = check(client, users)
    except Broken as broken:
        print(f"the spec does not work against Keycloak: {broken}", file=sys.stderr)
        return 1
    for line in lines:
        print(f"preflight {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
