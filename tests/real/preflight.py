"""Sign in to the real Keycloak once per operation with the generated Flask package's own client.

``nox -s real-keycloak`` runs this before the targets' tests: a spec that is wrong
about Keycloak (a wrong path, a wrong pointer, a realm set up without "Add to
userinfo") then fails at once with the name of the operation that broke and why,
instead of as dozens of 503s in four test suites. Every target is generated from
the same spec, so one client is enough to tell.

It also runs the session lifecycle once (about 11 s: it waits for an access token
to expire): a refresh after the token expired gives a working token, and after
logout Keycloak's admin API lists no session of that user.

Reads the environment ``keycloak.settings()`` gives the packages' tests.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from flask_keycloak.client import KeycloakClient
from flask_keycloak.errors import AccountDisabled, InvalidCredentials, KeycloakError
from flask_keycloak.user import KeycloakUser

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: tests.real is not importable
from tests.real import keycloak  # noqa: E402

#: Seconds waited past the session's stored expiry, which is up to 1 s early on a 10 s lifespan.
EXPIRY_MARGIN = 2.0


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


def check_lifecycle(
    client: KeycloakClient,
    user: dict,
    sessions_of: Callable[[str], int],
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    """Refresh after the access token expired, then logout; raises :class:`Broken` naming what does not work.

    :param user: a test user no one else signs in as before this check (its sessions are counted).
    :param sessions_of: how many sessions Keycloak lists for a username.
    """
    username = user["username"]
    for operation in ("refresh", "logout"):
        if not hasattr(client, operation):
            raise Broken(operation, f"the spec has no [operations.{operation}] (examples/keycloak must have it)")
    session = client.login(username, user["password"])
    if "expires_at" not in session:
        raise Broken("login", "the session values have no expires_at: the spec must extract expires_in")
    sleep(max(0.0, int(session["expires_at"]) - time.time()) + EXPIRY_MARGIN)
    try:
        client.get_user(session)
    except InvalidCredentials:
        pass  # expired, as the realm's 10 s lifespan says: what refresh is for
    except KeycloakError as error:
        raise Broken(
            "get_user", f"an expired token is {type(error).__name__} ({error}), not InvalidCredentials"
        ) from None
    else:
        raise Broken("get_user", "the access token still works after its lifespan: is the realm's lifespan 10 s?")
    try:
        session = {**session, **client.refresh(session)}
    except KeycloakError as error:
        raise Broken("refresh", f"{type(error).__name__}: {error}") from None
    try:
        refreshed = KeycloakUser.from_record(client.get_user(session))
    except KeycloakError as error:
        raise Broken(
            "refresh", f"the refreshed token does not work for get_user: {type(error).__name__}: {error}"
        ) from None
    before = sessions_of(username)
    if before < 1:
        raise Broken("login", f"Keycloak lists no session of the signed-in {username}: the session count is wrong")
    try:
        client.logout(session)
    except KeycloakError as error:
        raise Broken("logout", f"{type(error).__name__}: {error}") from None
    after = sessions_of(username)
    if after:
        raise Broken("logout", f"Keycloak still lists {after} session(s) of {username} after logout")
    return [
        f"refresh: after the access token expired, a refresh gave {refreshed.username} a working one",
        f"logout: ended {username}'s Keycloak session ({before} listed before, 0 after)",
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
    url, realm = env["KEYCLOAK_TEST_BASE_URL"], env["KEYCLOAK_TEST_REALM"]
    try:
        lines = check(client, users)
        lines += check_lifecycle(client, users["user"], lambda username: keycloak.user_sessions(url, realm, username))
    except Broken as broken:
        print(f"the spec does not work against Keycloak: {broken}", file=sys.stderr)
        return 1
    for line in lines:
        print(f"preflight {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
