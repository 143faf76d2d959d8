"""The fake's session lifecycle (issue 15): token lifetimes, refresh, logout, mail, reset, change, verify.

Driven over raw HTTP exactly as an integration drives it, against the bundled
Acme spec and the Keycloak test spec (whose refresh shares the token endpoint).
Test names carry the smoke cases they back (S18-S22).
"""

from __future__ import annotations

import copy
import threading
import time
import tomllib
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests

from generator.fake import FakeService, fixture_users, start, test_settings

ROOT = Path(__file__).resolve().parent.parent
ACME = ROOT / "examples" / "acme" / "identity.toml"
KEYCLOAK = Path(__file__).resolve().parent / "specs" / "fake_keycloak.toml"

#: Seconds any request of these tests may take.
TIMEOUT = 5

ACME_SERVICE = {"Authorization": "Bearer test-api-key"}
KEYCLOAK_TOKEN = "/realms/test-realm/protocol/openid-connect/token"
POLICY = {"error": {"code": "password_policy", "message": "Password must be at least 8 characters."}}


# -- helpers -------------------------------------------------------------------


def spec_data(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@contextmanager
def serving(spec: dict):
    with start({"spec": spec, "settings": test_settings(spec)}) as fake:
        yield fake


def call(fake: FakeService, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, fake.url + path, timeout=TIMEOUT, **kwargs)


def control(fake: FakeService, method: str, path: str, **kwargs) -> object:
    response = call(fake, method, "/__fake__/" + path, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def password_of(fake: FakeService, key: str) -> str:
    return control(fake, "GET", "users")[key]["password"]


def login(fake: FakeService, key: str = "user", password: str | None = None) -> requests.Response:
    user = control(fake, "GET", "users")[key]
    body = {
        "login": user["username"],
        "password": user["password"] if password is None else password,
        "application": "test-application-id",
    }
    return call(fake, "POST", "/v1/sessions", json=body)


def session_of(fake: FakeService, key: str = "user") -> dict:
    response = login(fake, key)
    assert response.status_code == 201, response.text
    doc = response.json()
    return {"token": doc["token"], "refresh_token": doc.get("refresh_token"), "user_id": doc["user"]["id"]}


def get_user(fake: FakeService, session: dict) -> requests.Response:
    headers = {"Authorization": f"Bearer {session['token']}"}
    return call(fake, "GET", f"/v1/users/{session['user_id']}", headers=headers)


def refresh(fake: FakeService, session: dict) -> requests.Response:
    return call(fake, "POST", "/v1/sessions/refresh", json={"refresh_token": session["refresh_token"]})


def logout(fake: FakeService, session: dict) -> requests.Response:
    return call(fake, "DELETE", "/v1/sessions/current", headers={"Authorization": f"Bearer {session['token']}"})


def forgot(fake: FakeService, email: str) -> requests.Response:
    return call(fake, "POST", "/v1/password-resets", json={"email": email}, headers=ACME_SERVICE)


def reset(fake: FakeService, token: str, password: str, headers: dict | None = None) -> requests.Response:
    headers = ACME_SERVICE if headers is None else headers
    return call(fake, "POST", f"/v1/password-resets/{token}", json={"password": password}, headers=headers)


def change(fake: FakeService, session: dict, current: str, new: str) -> requests.Response:
    return call(
        fake,
        "POST",
        f"/v1/users/{session['user_id']}/password",
        json={"current_password": current, "new_password": new},
        headers={"Authorization": f"Bearer {session['token']}"},
    )


def verify(fake: FakeService, token: str) -> requests.Response:
    return call(fake, "POST", f"/v1/email-verifications/{token}", headers=ACME_SERVICE)


def mails(fake: FakeService, key: str, kind: str) -> list[str]:
    """The tokens mailed to user ``key`` of ``kind``, oldest first."""
    return [mail["token"] for mail in control(fake, "GET", "outbox") if mail["user"] == key and mail["kind"] == kind]


def keycloak_form(fake: FakeService, path: str, form: dict) -> requests.Response:
    return call(fake, "POST", f"/realms/test-realm/protocol/openid-connect/{path}", data=form)


def keycloak_session(fake: FakeService, key: str = "user") -> dict:
    form = {
        "grant_type": "password",
        "client_id": "test-client-id",
        "scope": "openid",
        "username": key,
        "password": password_of(fake, key),
    }
    response = keycloak_form(fake, "token", form)
    assert response.status_code == 200, response.text
    return response.json()


def keycloak_refresh(fake: FakeService, refresh_token: str) -> requests.Response:
    form = {"grant_type": "refresh_token", "client_id": "test-client-id", "refresh_token": refresh_token}
    return keycloak_form(fake, "token", form)


def userinfo(fake: FakeService, access_token: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {access_token}"}
    return call(fake, "GET", "/realms/test-realm/protocol/openid-connect/userinfo", headers=headers)


@pytest.fixture(scope="module")
def servers():
    """One fake per spec for the whole module; each test gets it freshly reset."""
    without_lifecycle = spec_data(ACME)
    for name in ("refresh", "logout", "reset_password", "change_password", "verify_email"):
        del without_lifecycle["operations"][name]
    for name in ("refresh_token", "expires_in"):
        del without_lifecycle["operations"]["login"]["steps"][0]["extract"][name]
    with ExitStack() as stack:
        yield {
            "acme": stack.enter_context(serving(spec_data(ACME))),
            "keycloak": stack.enter_context(serving(spec_data(KEYCLOAK))),
            "plain": stack.enter_context(serving(without_lifecycle)),
        }


def fresh(servers: dict, name: str) -> FakeService:
    fake = servers[name]
    control(fake, "POST", "reset")
    return fake


@pytest.fixture
def acme(servers):
    return fresh(servers, "acme")


@pytest.fixture
def keycloak(servers):
    return fresh(servers, "keycloak")


@pytest.fixture
def plain(servers):
    """The Acme spec without the lifecycle operations, as it was before issue 15."""
    return fresh(servers, "plain")


# -- S18: token lifetimes and refresh ----------------------------------------------


def test_S18_login_and_refresh_answer_the_token_lifetime_as_expires_in(acme):
    assert login(acme).json()["expires_in"] == 300
    control(acme, "POST", "tokens", json={"ttl": 2})
    session = session_of(acme)
    assert login(acme).json()["expires_in"] == 2
    assert refresh(acme, session).json()["expires_in"] == 2
    control(acme, "POST", "tokens", json={"ttl": 1.5})
    assert login(acme).json()["expires_in"] == 1.5


def test_S18_an_access_token_stops_working_after_its_lifetime(acme):
    control(acme, "POST", "tokens", json={"ttl": 0.3})
    session = session_of(acme)
    assert get_user(acme, session).status_code == 200
    time.sleep(0.4)
    expired = get_user(acme, session)
    assert expired.status_code == 401  # get_user's invalid_credentials rule: the spec has no expired rule there
    assert expired.json()["error"] == "invalid_credentials"


def test_S18_refresh_hands_out_a_working_token_in_the_same_session(acme):
    control(acme, "POST", "tokens", json={"ttl": 0.3})
    session = session_of(acme)
    time.sleep(0.4)
    answer = refresh(acme, session)
    assert answer.status_code == 200
    doc = answer.json()
    assert set(doc) == {"token", "refresh_token", "expires_in"}
    assert doc["token"] != session["token"] and doc["refresh_token"] != session["refresh_token"]
    renewed = {**session, "token": doc["token"], "refresh_token": doc["refresh_token"]}
    assert get_user(acme, renewed).json()["email"] == "user@example.com"
    assert control(acme, "GET", "sessions")["user"] == 1
    assert control(acme, "GET", "calls")["refresh"] == 1


def test_S18_refresh_tokens_rotate_and_a_used_one_is_refused(acme):
    session = session_of(acme)
    first = refresh(acme, session)
    assert first.status_code == 200
    again = refresh(acme, session)
    assert again.status_code == 401
    assert again.json()["error"] == "invalid_credentials"
    second = refresh(acme, {**session, **first.json()})
    assert second.status_code == 200


def test_S18_concurrent_refreshes_with_one_refresh_token_succeed_once(acme):
    session = session_of(acme)
    statuses: list[int] = []
    gate = threading.Barrier(10)

    def refresh_at_once() -> None:
        gate.wait()
        statuses.append(refresh(acme, session).status_code)

    threads = [threading.Thread(target=refresh_at_once) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [401] * 9


def test_S18_expire_control_ends_one_users_tokens_or_everyones(acme):
    user, admin = session_of(acme, "user"), session_of(acme, "admin")
    assert control(acme, "POST", "users/user/expire") == {"expired": 1}
    assert get_user(acme, user).status_code == 401
    assert get_user(acme, admin).status_code == 200
    control(acme, "POST", "expire")
    assert get_user(acme, admin).status_code == 401
    assert refresh(acme, admin).status_code == 200  # the refresh token does not expire


def test_S18_tokens_control_refuses_a_bad_lifetime_and_reset_restores_the_default(acme):
    for body in ({"ttl": 0}, {"ttl": -1}, {"ttl": "5"}, {"ttl": True}, {}, {"ttl": 5, "other": 1}):
        response = call(acme, "POST", "/__fake__/tokens", json=body)
        assert response.status_code == 400, body
        assert "error" in response.json()
    assert call(acme, "GET", "/__fake__/tokens").status_code == 405
    assert call(acme, "POST", "/__fake__/users/nobody/expire").status_code == 404
    control(acme, "POST", "tokens", json={"ttl": 1})
    control(acme, "POST", "reset")
    assert login(acme).json()["expires_in"] == 300


def test_S18_refresh_of_a_disabled_or_deleted_user_is_refused(acme):
    session, admin = session_of(acme), session_of(acme, "admin")
    control(acme, "POST", "users/user/disable")
    assert refresh(acme, session).status_code == 401
    assert call(acme, "DELETE", "/__fake__/users/admin").status_code == 200
    assert refresh(acme, admin).status_code == 401


def test_S18_refresh_with_a_made_up_token_or_an_access_token_is_refused(acme):
    session = session_of(acme)
    assert refresh(acme, {"refresh_token": "made-up"}).status_code == 401
    assert refresh(acme, {"refresh_token": session["token"]}).status_code == 401


def test_S18_a_spec_without_refresh_has_no_expiring_tokens(plain):
    doc = login(plain).json()
    assert "expires_in" not in doc and "refresh_token" not in doc
    control(plain, "POST", "tokens", json={"ttl": 0.1})
    session = session_of(plain)
    time.sleep(0.2)
    control(plain, "POST", "expire")
    assert get_user(plain, session).status_code == 200
    assert "refresh" not in [op for op, count in control(plain, "GET", "calls").items() if count]


def test_S18_keycloak_refresh_shares_the_token_endpoint_with_login(keycloak):
    control(keycloak, "POST", "tokens", json={"ttl": 0.3})
    tokens = keycloak_session(keycloak)
    assert tokens["expires_in"] == 0.3
    time.sleep(0.4)
    assert userinfo(keycloak, tokens["access_token"]).status_code == 401
    renewed = keycloak_refresh(keycloak, tokens["refresh_token"])
    assert renewed.status_code == 200
    assert userinfo(keycloak, renewed.json()["access_token"]).json()["preferred_username"] == "user"
    used = keycloak_refresh(keycloak, tokens["refresh_token"])
    assert used.status_code == 400  # refresh's own rule, not the password grant's "grant_type" complaint
    assert used.json()["error"] == "invalid_credentials"
    assert control(keycloak, "GET", "calls")["login"] == 1


# -- S19: logout ends the service session --------------------------------------------


def test_S19_login_opens_a_service_session_and_logout_ends_it(acme):
    assert control(acme, "GET", "sessions") == {"admin": 0, "user": 0, "disabled": 0, "staff": 0, "unverified": 0}
    session = session_of(acme)
    assert control(acme, "GET", "sessions")["user"] == 1
    response = logout(acme, session)
    assert response.status_code == 204 and response.content == b""
    assert control(acme, "GET", "sessions")["user"] == 0
    assert get_user(acme, session).status_code == 401
    assert refresh(acme, session).status_code == 401
    assert logout(acme, session).status_code == 401
    assert control(acme, "GET", "calls")["logout"] == 2


def test_S19_logout_ends_only_its_own_session(acme):
    first, second = session_of(acme), session_of(acme)
    assert control(acme, "GET", "sessions")["user"] == 2
    logout(acme, first)
    assert control(acme, "GET", "sessions")["user"] == 1
    assert get_user(acme, second).status_code == 200


def test_S19_logout_accepts_an_expired_access_token(acme):
    session = session_of(acme)
    control(acme, "POST", "expire")
    assert logout(acme, session).status_code == 204
    assert control(acme, "GET", "sessions")["user"] == 0


def test_S19_logout_ends_the_session_of_refreshed_tokens(acme):
    session = session_of(acme)
    renewed = {**session, **refresh(acme, session).json()}
    assert logout(acme, renewed).status_code == 204
    assert control(acme, "GET", "sessions")["user"] == 0
    assert get_user(acme, session).status_code == 401  # the old access token belonged to the session too


def test_S19_a_logout_fault_leaves_the_service_session(acme):
    session = session_of(acme)
    control(acme, "POST", "faults", json={"operation": "logout", "status": 503, "times": 1})
    assert logout(acme, session).status_code == 503
    assert control(acme, "GET", "sessions")["user"] == 1


def test_S19_keycloak_logout_with_the_refresh_token(keycloak):
    tokens = keycloak_session(keycloak)
    form = {"client_id": "test-client-id", "refresh_token": tokens["refresh_token"]}
    assert keycloak_form(keycloak, "logout", form).status_code == 204
    assert control(keycloak, "GET", "sessions")["user"] == 0
    assert userinfo(keycloak, tokens["access_token"]).status_code == 401
    assert keycloak_form(keycloak, "logout", form).status_code == 400


# -- S20: password reset from the mailed token ------------------------------------------


def test_S20_forgot_password_mails_a_reset_token_to_a_known_user_only(acme):
    assert forgot(acme, "user@example.com").status_code == 202
    assert forgot(acme, "nobody@example.com").status_code == 404  # as the spec says: Acme tells
    outbox = control(acme, "GET", "outbox")
    resets = [mail for mail in outbox if mail["kind"] == "reset"]
    assert [(mail["to"], mail["user"]) for mail in resets] == [("user@example.com", "user")]
    assert outbox[-1] == resets[0]  # newest last
    assert len(resets[0]["token"]) >= 16


def test_S20_reset_with_the_mailed_token_sets_the_new_password_once(acme):
    old = password_of(acme, "user")
    forgot(acme, "user@example.com")
    (token,) = mails(acme, "user", "reset")
    response = reset(acme, token, "brand-new-pass")
    assert response.status_code == 204 and response.content == b""
    assert login(acme, "user", "brand-new-pass").status_code == 201
    assert login(acme, "user", old).status_code == 401
    used = reset(acme, token, "another-pass-9")
    assert used.status_code == 404
    assert used.json()["error"] == "invalid_token"
    assert login(acme, "user", "another-pass-9").status_code == 401


def test_S20_a_made_up_token_or_a_verify_token_is_invalid_token(acme):
    assert reset(acme, "made-up-token", "brand-new-pass").status_code == 404
    (verify_token,) = mails(acme, "unverified", "verify")
    assert reset(acme, verify_token, "brand-new-pass").status_code == 404


def test_S20_an_expired_token_is_expired_token(acme):
    forgot(acme, "user@example.com")
    (token,) = mails(acme, "user", "reset")
    assert control(acme, "POST", f"tokens/{token}/expire") == {"ok": True}
    response = reset(acme, token, "brand-new-pass")
    assert response.status_code == 410
    assert response.json()["error"] == "expired_token"
    assert call(acme, "POST", "/__fake__/tokens/made-up/expire").status_code == 404


def test_S20_a_short_password_is_422_with_the_services_message_and_keeps_the_token(acme):
    forgot(acme, "user@example.com")
    (token,) = mails(acme, "user", "reset")
    response = reset(acme, token, "short")
    assert response.status_code == 422
    assert response.json() == POLICY
    assert reset(acme, token, "long-enough").status_code == 204


def test_S20_reset_needs_the_service_credentials(acme):
    forgot(acme, "user@example.com")
    (token,) = mails(acme, "user", "reset")
    assert reset(acme, token, "brand-new-pass", headers={}).status_code == 401
    assert reset(acme, token, "brand-new-pass").status_code == 204


# -- S21: change password ---------------------------------------------------------------


def test_S21_change_password_checks_the_current_one(acme):
    session = session_of(acme)
    old = password_of(acme, "user")
    wrong = change(acme, session, "not-the-password", "brand-new-pass")
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_credentials"  # not the expired rule's {"code": "token_expired"}
    assert change(acme, session, old, "brand-new-pass").status_code == 204
    assert login(acme, "user", "brand-new-pass").status_code == 201
    assert login(acme, "user", old).status_code == 401
    assert get_user(acme, session).status_code == 200  # the session goes on
    assert control(acme, "GET", "calls")["change_password"] == 2


def test_S21_change_password_enforces_the_policy(acme):
    session = session_of(acme)
    response = change(acme, session, password_of(acme, "user"), "short")
    assert response.status_code == 422
    assert response.json() == POLICY


def test_S21_change_password_with_an_expired_token_answers_the_expired_rule(acme):
    session = session_of(acme)
    control(acme, "POST", "users/user/expire")
    response = change(acme, session, password_of(acme, "user"), "brand-new-pass")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


def test_S21_change_password_needs_a_session(acme):
    response = change(acme, {"token": "made-up", "user_id": "usr-0002"}, "x", "brand-new-pass")
    assert response.status_code == 401


# -- S22: unverified account ------------------------------------------------------------------


def test_S22_the_unverified_user_exists_only_when_the_spec_has_verify_email(acme, plain):
    assert control(acme, "GET", "users")["unverified"]["unverified"] is True
    assert control(acme, "GET", "users")["user"]["unverified"] is False
    assert "unverified" not in control(plain, "GET", "users")
    assert [user["key"] for user in fixture_users(spec_data(KEYCLOAK))] == ["admin", "user", "disabled"]


def test_S22_unverified_login_is_refused_until_the_mailed_token_verifies_it(acme):
    refused = login(acme, "unverified")
    assert refused.status_code == 403
    assert refused.json()["error"] == {"code": "unverified"}
    assert control(acme, "GET", "sessions")["unverified"] == 0
    (token,) = mails(acme, "unverified", "verify")
    assert control(acme, "GET", "outbox")[0]["to"] == "unverified@example.com"
    response = verify(acme, token)
    assert response.status_code == 204 and response.content == b""
    assert login(acme, "unverified").status_code == 201
    assert verify(acme, token).json()["error"] == "invalid_token"
    assert control(acme, "GET", "calls")["verify_email"] == 2


def test_S22_verify_tokens_expire_and_reset_mails_a_fresh_one(acme):
    (token,) = mails(acme, "unverified", "verify")
    control(acme, "POST", f"tokens/{token}/expire")
    assert verify(acme, token).status_code == 410
    assert verify(acme, "made-up").status_code == 404
    control(acme, "POST", "reset")
    (fresh_token,) = mails(acme, "unverified", "verify")
    assert fresh_token != token
    assert verify(acme, token).status_code == 404
    assert verify(acme, fresh_token).status_code == 204


def test_S22_a_disabled_users_login_is_still_account_disabled(acme):
    response = login(acme, "disabled")
    assert response.status_code == 403
    assert response.json()["error"] == "account_disabled"


def test_fixture_users_do_not_change_when_a_spec_gains_the_lifecycle():
    """Adding operations to a spec must not change the users (and so the tests) generated before."""
    spec = spec_data(ACME)
    older = copy.deepcopy(spec)
    del older["operations"]["verify_email"]
    assert fixture_users(spec)[:4] == fixture_users(older)
