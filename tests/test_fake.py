"""The fake identity service, driven over raw HTTP exactly as an integration drives it."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests

from generator import expr
from generator.fake import FakeService, fixture_users, start, test_settings
from generator.fake.unify import Bindings, Rejected, unify_text

ROOT = Path(__file__).resolve().parent.parent
ACME = ROOT / "examples" / "acme" / "identity.toml"
SPECS = Path(__file__).resolve().parent / "specs"
KEYCLOAK = SPECS / "fake_keycloak.toml"
OKTA = SPECS / "fake_okta.toml"
HYPERMEDIA = SPECS / "fake_hypermedia.toml"
ALL_SPECS = [ACME, KEYCLOAK, OKTA, HYPERMEDIA]

#: Seconds any request of these tests may take.
TIMEOUT = 5


# -- helpers -------------------------------------------------------------------


def spec_data(path: Path) -> dict:
    """The raw spec, as the fake gets it (``fake/spec.json`` holds the data ``tomllib`` reads)."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


@contextmanager
def running(path: Path):
    spec = spec_data(path)
    with start({"spec": spec, "settings": test_settings(spec)}) as fake:
        yield fake


def call(fake: FakeService, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, fake.url + path, timeout=kwargs.pop("timeout", TIMEOUT), **kwargs)


def users(fake: FakeService) -> dict:
    return call(fake, "GET", "/__fake__/users").json()


def calls(fake: FakeService) -> dict:
    return call(fake, "GET", "/__fake__/calls").json()


def fault(fake: FakeService, **body) -> None:
    assert call(fake, "POST", "/__fake__/faults", json=body).status_code == 200


def basic(username: str, password: str) -> dict:
    pair = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


@pytest.fixture(scope="module")
def servers():
    """One fake per spec for the whole module; each test gets it freshly reset."""
    with ExitStack() as stack:
        yield {path: stack.enter_context(running(path)) for path in ALL_SPECS}


def fresh(servers: dict, path: Path) -> FakeService:
    fake = servers[path]
    assert call(fake, "POST", "/__fake__/reset").status_code == 200
    return fake


@pytest.fixture
def acme(servers):
    return fresh(servers, ACME)


@pytest.fixture
def keycloak(servers):
    return fresh(servers, KEYCLOAK)


@pytest.fixture
def okta(servers):
    return fresh(servers, OKTA)


@pytest.fixture
def hyper(servers):
    return fresh(servers, HYPERMEDIA)


def acme_login(fake: FakeService, key: str = "user", password: str | None = None, **overrides) -> requests.Response:
    user = users(fake)[key]
    body = {
        "login": user["username"],
        "password": user["password"] if password is None else password,
        "application": "test-application-id",
        **overrides,
    }
    return call(fake, "POST", "/v1/sessions", json=body)


def acme_get_user(fake: FakeService, session: dict) -> requests.Response:
    headers = {"Authorization": f"Bearer {session['token']}"}
    return call(fake, "GET", f"/v1/users/{session['user']['id']}", headers=headers)


ACME_SERVICE = {"Authorization": "Bearer test-api-key"}


def acme_register(fake: FakeService, email: str = "new@example.com", **overrides) -> requests.Response:
    body = {
        "email": email,
        "password": "new-pass-5",
        "profile": {"firstName": "Nia", "lastName": "Ōta"},
        "application": "test-application-id",
        **overrides,
    }
    return call(fake, "POST", "/v1/users", json=body, headers=ACME_SERVICE)


def keycloak_login(fake: FakeService, username: str, password: str, **overrides) -> requests.Response:
    form = {
        "grant_type": "password",
        "client_id": "test-client-id",
        "scope": "openid",
        "username": username,
        "password": password,
        **overrides,
    }
    return call(fake, "POST", "/realms/test-realm/protocol/openid-connect/token", data=form)


OKTA_SERVICE = {"Authorization": "SSWS test-api-key", "Accept": "application/json"}


def okta_login(fake: FakeService, username: str, password: str) -> requests.Response:
    options = {"warnBeforePasswordExpired": False, "multiOptionalFactorEnroll": False}
    return call(fake, "POST", "/api/v1/authn", json={"username": username, "password": password, "options": options})


HYPER_SERVICE = basic("test-api-username", "test-api-password")


def hyper_login(fake: FakeService, username: str, password: str) -> requests.Response:
    value = base64.b64encode(f"{username}:{password}".encode()).decode()
    headers = {**HYPER_SERVICE, "X-Tenant": "test-tenant"}
    return call(fake, "POST", "/sessions", json={"type": "basic", "value": value}, headers=headers)


def hyper_account(fake: FakeService, key: str) -> str:
    """Log in over both steps and return the account link the session keeps."""
    user = users(fake)[key]
    session_link = hyper_login(fake, user["username"], user["password"]).json()["_links"]["session"]["href"]
    followed = requests.get(session_link, headers=HYPER_SERVICE, timeout=TIMEOUT)
    assert followed.status_code == 200
    return followed.json()["_links"]["account"]["href"]


# -- fixtures and settings ---------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_SPECS, ids=lambda p: p.stem)
def test_fixture_users_are_deterministic(path):
    spec = spec_data(path)
    assert fixture_users(spec) == fixture_users(spec)


@pytest.mark.parametrize("path", ALL_SPECS, ids=lambda p: p.stem)
def test_fixture_records_hold_every_field_at_its_pointer(path):
    spec = spec_data(path)
    for user in fixture_users(spec):
        for name, field in spec["user"].items():
            assert expr.resolve(user["record"], expr.parse_pointer(field["from"])) == user["fields"][name]
        assert user["username"] == str(user["expected"]["username"])


def test_fixture_users_are_an_admin_a_user_a_disabled_user_staff_and_an_unverified_user():
    by_key = {user["key"]: user for user in fixture_users(spec_data(ACME))}
    assert list(by_key) == ["admin", "user", "disabled", "staff", "unverified"]
    assert by_key["admin"]["expected"]["is_admin"] and by_key["admin"]["expected"]["is_staff"]
    assert by_key["staff"]["expected"]["is_staff"] and not by_key["staff"]["expected"]["is_admin"]
    assert by_key["user"]["expected"]["roles"] == ["users"]
    assert by_key["disabled"]["expected"]["active"] is False
    assert by_key["disabled"]["record"]["status"] == "LOCKED"
    assert by_key["user"]["record"]["profile"]["lastName"] == "Jørgensen"
    assert by_key["unverified"]["expected"]["active"] is True
    assert by_key["unverified"]["expected"]["roles"] == ["users"]
    assert len({user["password"] for user in by_key.values()}) == 5


def test_fixture_users_without_staff_roles_are_three():
    keys = [user["key"] for user in fixture_users(spec_data(KEYCLOAK))]
    assert keys == ["admin", "user", "disabled"]


def test_list_pointer_without_star_holds_the_roles_array():
    admin = fixture_users(spec_data(KEYCLOAK))[0]
    assert admin["record"]["realm_access"] == {"roles": ["realm-admin"]}
    assert admin["username"] == "admin"
    assert admin["record"]["email_verified"] is True


def test_test_settings_name_the_credentials_and_config():
    assert test_settings(spec_data(ACME)) == {
        "api_key": "test-api-key",
        "application_id": "test-application-id",
    }
    assert test_settings(spec_data(HYPERMEDIA)) == {
        "api_username": "test-api-username",
        "api_password": "test-api-password",
        "tenant": "test-tenant",
    }
    assert test_settings(spec_data(KEYCLOAK)) == {"realm": "test-realm", "client_id": "test-client-id"}


# -- the value language run backwards ----------------------------------------------------


def test_template_splits_basic_credentials_at_the_first_colon():
    found = Bindings()
    unify_text(
        expr.parse_value({"base64": "${input.username}:${input.password}"}),
        base64.b64encode(b"ada:pa:ss").decode(),
        found,
        "test",
    )
    assert found.inputs == {"username": "ada", "password": "pa:ss"}


def test_urlencode_transform_is_inverted():
    found = Bindings()
    unify_text(expr.parse_value({"urlencode": "id=${input.email}"}), "id%3Dada%2Bx%40example.com", found, "test")
    assert found.inputs == {"email": "ada+x@example.com"}


def test_literal_text_must_match_exactly():
    with pytest.raises(Rejected, match="does not have the form 'Token \\${session.token}'"):
        unify_text(expr.parse_value("Token ${session.token}"), "Bearer abc", Bindings(), "header")


# -- Acme: login and get_user -------------------------------------------------------------


def test_login_answers_token_and_user_id_with_the_ok_status(acme):
    response = acme_login(acme)
    assert response.status_code == 201
    body = response.json()
    assert isinstance(body["token"], str) and isinstance(body["user"]["id"], str)


def test_get_user_with_the_session_token_answers_the_record(acme):
    response = acme_get_user(acme, acme_login(acme).json())
    assert response.status_code == 200
    assert response.json() == users(acme)["user"]["record"]
    assert response.json()["profile"]["lastName"] == "Jørgensen"


def test_password_with_form_and_url_characters_logs_in(acme):
    assert users(acme)["user"]["password"] == "user pass+2&:%"
    assert acme_login(acme, "user").status_code == 201


def test_wrong_password_and_unknown_user_are_invalid_credentials(acme):
    assert acme_login(acme, password="wrong").status_code == 401
    unknown = call(
        acme,
        "POST",
        "/v1/sessions",
        json={"login": "nobody@example.com", "password": "x", "application": "test-application-id"},
    )
    assert unknown.status_code == 401
    assert unknown.json()["error"] == "invalid_credentials"


def test_disabled_user_is_refused_with_account_disabled(acme):
    assert acme_login(acme, "disabled").status_code == 403


def test_token_of_another_session_is_refused(acme):
    admin = acme_login(acme, "admin").json()
    user = acme_login(acme, "user").json()
    mixed = {"token": user["token"], "user": admin["user"]}
    assert acme_get_user(acme, mixed).status_code == 401


def test_unknown_token_is_invalid_credentials(acme):
    session = acme_login(acme).json()
    assert acme_get_user(acme, {**session, "token": "made-up"}).status_code == 401


def test_missing_bearer_header_is_invalid_credentials(acme):
    session = acme_login(acme).json()
    assert call(acme, "GET", f"/v1/users/{session['user']['id']}").status_code == 401


def test_wrong_config_value_is_400(acme):
    response = acme_login(acme, application="another-app")
    assert response.status_code == 400
    assert "config.application_id" in response.json()["error"]


def test_missing_body_member_is_400(acme):
    response = call(acme, "POST", "/v1/sessions", json={"login": "user@example.com", "password": "x"})
    assert response.status_code == 400
    assert response.json() == {"error": "JSON body member /application is missing"}


def test_body_that_is_not_json_is_400(acme):
    response = call(acme, "POST", "/v1/sessions", data="login=x", headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_json_without_json_content_type_is_400(acme):
    body = json.dumps({"login": "a", "password": "b", "application": "test-application-id"})
    response = call(acme, "POST", "/v1/sessions", data=body, headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    assert "Content-Type" in response.json()["error"]


def test_unmatched_request_is_404_json(acme):
    response = call(acme, "GET", "/v1/sessions")
    assert response.status_code == 404
    assert "no step" in response.json()["error"]


def test_chunked_request_body_is_read(acme):
    user = users(acme)["user"]
    body = json.dumps({"login": user["username"], "password": user["password"], "application": "test-application-id"})
    chunks = iter([body[:10].encode(), body[10:].encode()])
    response = call(acme, "POST", "/v1/sessions", data=chunks, headers={"Content-Type": "application/json"})
    assert response.status_code == 201


# -- Acme: register and forgot_password ---------------------------------------------------


def test_register_then_login_as_the_new_user(acme):
    assert acme_register(acme).status_code == 201
    login = call(
        acme,
        "POST",
        "/v1/sessions",
        json={"login": "new@example.com", "password": "new-pass-5", "application": "test-application-id"},
    )
    assert login.status_code == 201
    record = acme_get_user(acme, login.json()).json()
    assert record["email"] == "new@example.com"
    assert record["profile"] == {"firstName": "Nia", "lastName": "Ōta"}
    assert record["status"] == "ACTIVE"
    assert users(acme)["registered-6"]["expected"]["first_name"] == "Nia"


def test_register_an_existing_username_is_conflict(acme):
    assert acme_register(acme, email="user@example.com").status_code == 409


def test_register_an_invalid_email_is_invalid_input(acme):
    assert acme_register(acme, email="not-an-email").status_code == 422


def test_register_needs_the_service_credentials(acme):
    response = call(acme, "POST", "/v1/users", json={}, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


def test_forgot_password_answers_known_and_unknown_emails_as_the_spec_says(acme):
    known = call(acme, "POST", "/v1/password-resets", json={"email": "user@example.com"}, headers=ACME_SERVICE)
    unknown = call(acme, "POST", "/v1/password-resets", json={"email": "who@example.com"}, headers=ACME_SERVICE)
    assert (known.status_code, unknown.status_code) == (202, 404)
    resets = calls(acme)["password_resets"]
    assert [(r["inputs"]["email"], r["user"]) for r in resets] == [
        ("user@example.com", "user"),
        ("who@example.com", None),
    ]


# -- control endpoints ---------------------------------------------------------------------


def test_health_answers_ok(acme):
    assert call(acme, "GET", "/__fake__/health").json() == {"ok": True}


def test_calls_count_operations_and_list_requests(acme):
    session = acme_login(acme).json()
    acme_get_user(acme, session)
    acme_get_user(acme, session)
    counts = calls(acme)
    assert {k: counts[k] for k in ("login", "get_user", "register", "forgot_password")} == {
        "login": 1,
        "get_user": 2,
        "register": 0,
        "forgot_password": 0,
    }
    assert [(i["value"], i["name"]) for i in counts["issued"]] == [
        (session["token"], "token"),
        (session["refresh_token"], "refresh_token"),
        (session["user"]["id"], "user_id"),
    ]
    assert [(r["operation"], r["status"]) for r in counts["requests"]] == [
        ("login", 201),
        ("get_user", 200),
        ("get_user", 200),
    ]


def test_disabling_a_user_makes_the_record_inactive_and_refuses_login(acme):
    session = acme_login(acme).json()
    disabled = call(acme, "POST", "/__fake__/users/user/disable").json()
    assert disabled["expected"]["active"] is False
    assert acme_get_user(acme, session).json()["status"] == "LOCKED"
    assert acme_login(acme).status_code == 403


def test_deleted_user_is_not_found_and_cannot_log_in(acme):
    session = acme_login(acme).json()
    assert call(acme, "DELETE", "/__fake__/users/user").status_code == 200
    assert acme_get_user(acme, session).status_code == 404
    assert acme_login(acme).status_code == 401


def test_reset_restores_users_sessions_counts_and_faults(acme):
    session = acme_login(acme).json()
    acme_register(acme)
    call(acme, "POST", "/__fake__/users/admin/disable")
    fault(acme, operation="forgot_password", status=500)
    assert call(acme, "POST", "/__fake__/reset").json() == {"ok": True}
    assert calls(acme)["login"] == 0
    assert acme_get_user(acme, session).status_code == 401
    assert list(users(acme)) == ["admin", "user", "disabled", "staff", "unverified"]
    assert acme_login(acme, "admin").status_code == 201
    known = call(acme, "POST", "/v1/password-resets", json={"email": "user@example.com"}, headers=ACME_SERVICE)
    assert known.status_code == 202


def test_control_errors_are_json(acme):
    assert call(acme, "POST", "/__fake__/users/nobody/disable").status_code == 404
    assert call(acme, "GET", "/__fake__/reset").status_code == 405
    assert call(acme, "POST", "/__fake__/faults", json={"operation": "delete_user", "status": 500}).status_code == 400
    assert call(acme, "POST", "/__fake__/faults", json={"operation": "login"}).status_code == 400
    assert call(acme, "POST", "/__fake__/faults", json={"status": True}).status_code == 400


# -- faults ---------------------------------------------------------------------------------


def test_status_fault_answers_that_status_with_the_rule_body(acme):
    fault(acme, operation="login", status=403)
    response = acme_login(acme)
    assert response.status_code == 403
    assert response.json()["error"] == {"code": "unverified"}  # the first rule for 403 in the spec
    fault(acme, operation="login", status=429)
    assert acme_login(acme).json()["error"] == "service_unavailable"
    fault(acme, operation="login", status=503)
    assert acme_login(acme).status_code == 503


def test_delay_fault_makes_the_client_time_out(acme):
    fault(acme, operation="login", delay=0.3, times=1)
    with pytest.raises(requests.Timeout):
        call(acme, "POST", "/v1/sessions", json={}, timeout=0.1)
    assert acme_login(acme).status_code == 201
    deadline = time.monotonic() + TIMEOUT
    while len(calls(acme)["requests"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # let the delayed request finish before the next test resets the fake
    assert [r["status"] for r in calls(acme)["requests"]] == [201, 400]


def test_drop_fault_closes_the_connection_without_an_answer(acme):
    fault(acme, operation="get_user", drop=True)
    session = acme_login(acme).json()
    with pytest.raises(requests.ConnectionError):
        acme_get_user(acme, session)


def test_body_fault_answers_malformed_json(acme):
    fault(acme, operation="login", body='{"token": ')
    response = acme_login(acme)
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_omit_fault_removes_a_value_from_a_normal_answer(acme):
    fault(acme, operation="login", omit="/user/id")
    body = acme_login(acme).json()
    assert "token" in body and body["user"] == {}
    call(acme, "DELETE", "/__fake__/faults")
    session = acme_login(acme).json()
    fault(acme, operation="get_user", omit="/groups/*/name")
    assert acme_get_user(acme, session).json()["groups"] == [{}]


def test_fault_without_operation_applies_to_every_operation_for_its_times(acme):
    fault(acme, status=500, times=2)
    assert acme_login(acme).status_code == 500
    assert acme_register(acme).status_code == 500
    assert acme_login(acme).status_code == 201
    assert calls(acme)["login"] == 2


# -- Keycloak: form login, bearer userinfo, 400 told apart by the body ---------------------


def test_keycloak_form_login_and_userinfo(keycloak):
    admin = users(keycloak)["admin"]
    token = keycloak_login(keycloak, "admin", admin["password"])
    assert token.status_code == 200
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    userinfo = call(keycloak, "GET", "/realms/test-realm/protocol/openid-connect/userinfo", headers=headers)
    assert userinfo.json() == admin["record"]
    assert userinfo.json()["realm_access"]["roles"] == ["realm-admin"]


def test_keycloak_wrong_password_is_401_and_unknown_user_is_400_invalid_grant(keycloak):
    assert keycloak_login(keycloak, "user", "wrong").status_code == 401
    unknown = keycloak_login(keycloak, "nobody", "wrong")
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "invalid_grant"
    assert "error_description" not in unknown.json()


def test_keycloak_disabled_user_gets_400_with_the_account_disabled_body(keycloak):
    response = keycloak_login(keycloak, "disabled", users(keycloak)["disabled"]["password"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert response.json()["error_description"] == "Account disabled"


@pytest.mark.parametrize("change", [("POST", "/disable"), ("DELETE", "")], ids=["disabled", "deleted"])
def test_keycloak_user_disabled_or_deleted_later_loses_the_session(keycloak, change):
    """Userinfo answers 401, as Keycloak does; for a deleted user not the default 404, which the spec does not map."""
    token = keycloak_login(keycloak, "user", users(keycloak)["user"]["password"]).json()["access_token"]
    method, suffix = change
    call(keycloak, method, "/__fake__/users/user" + suffix)
    userinfo = call(
        keycloak,
        "GET",
        "/realms/test-realm/protocol/openid-connect/userinfo",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert userinfo.status_code == 401


def test_keycloak_json_instead_of_a_form_is_400(keycloak):
    body = {"grant_type": "password", "client_id": "test-client-id", "username": "user", "password": "x"}
    response = call(keycloak, "POST", "/realms/test-realm/protocol/openid-connect/token", json=body)
    assert response.status_code == 400


def test_keycloak_wrong_realm_client_or_grant_is_400(keycloak):
    password = users(keycloak)["user"]["password"]
    assert keycloak_login(keycloak, "user", password, client_id="other").status_code == 400
    assert keycloak_login(keycloak, "user", password, grant_type="client_credentials").status_code == 400
    form = {
        "grant_type": "password",
        "client_id": "test-client-id",
        "scope": "openid",
        "username": "user",
        "password": password,
    }
    other_realm = call(keycloak, "POST", "/realms/master/protocol/openid-connect/token", data=form)
    assert other_realm.status_code == 400


# -- Okta: user under _embedded, SSWS service token ---------------------------------------


def test_okta_login_answers_the_user_id_under_embedded_and_get_user_needs_ssws(okta):
    user = users(okta)["user"]
    response = okta_login(okta, "user", user["password"])
    assert response.status_code == 200
    user_id = response.json()["_embedded"]["user"]["id"]
    assert call(okta, "GET", f"/api/v1/users/{user_id}", headers=OKTA_SERVICE).json() == user["record"]
    wrong = {**OKTA_SERVICE, "Authorization": "SSWS wrong"}
    assert call(okta, "GET", f"/api/v1/users/{user_id}", headers=wrong).status_code == 401
    assert call(okta, "GET", "/api/v1/users/usr-9999", headers=OKTA_SERVICE).status_code == 401


def test_okta_disabled_user_logs_in_with_an_inactive_record(okta):
    response = okta_login(okta, "disabled", users(okta)["disabled"]["password"])
    assert response.status_code == 200
    user_id = response.json()["_embedded"]["user"]["id"]
    record = call(okta, "GET", f"/api/v1/users/{user_id}", headers=OKTA_SERVICE).json()
    assert record["status"] == "SUSPENDED"


def test_okta_register_then_login_and_conflict_is_400_with_error_code(okta):
    body = {
        "profile": {"login": "grace", "email": "grace@example.com", "firstName": "Grace", "lastName": "Hopper"},
        "credentials": {"password": {"value": "grace-pass"}},
    }
    created = call(okta, "POST", "/api/v1/users?activate=true", json=body, headers=OKTA_SERVICE)
    assert created.status_code == 200
    assert created.json()["profile"]["login"] == "grace"
    assert okta_login(okta, "grace", "grace-pass").status_code == 200
    again = call(okta, "POST", "/api/v1/users?activate=true", json=body, headers=OKTA_SERVICE)
    assert (again.status_code, again.json()["errorCode"]) == (400, "E0000001")
    no_query = call(okta, "POST", "/api/v1/users", json=body, headers=OKTA_SERVICE)
    assert no_query.json()["error"] == "query parameter 'activate' is missing"


def test_okta_forgot_password_answers_ok_for_unknown_users(okta):
    for username in ("user", "nobody"):
        response = call(
            okta, "POST", "/api/v1/authn/recovery/password", json={"username": username, "factorType": "EMAIL"}
        )
        assert response.status_code == 200
    assert [r["user"] for r in calls(okta)["password_resets"]] == ["user", None]


# -- hypermedia: links, a two-step login, service basic auth ------------------------------


def test_hypermedia_login_follows_the_session_link_to_the_account(hyper):
    account = hyper_account(hyper, "admin")
    assert account.startswith(hyper.url + "/_links/")
    response = requests.get(account, params={"expand": "groups"}, headers=HYPER_SERVICE, timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.json() == users(hyper)["admin"]["record"]
    assert response.json()["groups"]["items"] == [{"name": "administrators"}, {"name": "support"}]


def test_hypermedia_login_counts_once_for_its_two_steps(hyper):
    hyper_account(hyper, "user")
    assert calls(hyper)["login"] == 1
    assert [r["step"] for r in calls(hyper)["requests"]] == [1, 2]


def test_hypermedia_get_user_needs_expand_and_the_service_credentials(hyper):
    account = hyper_account(hyper, "user")
    assert requests.get(account, headers=HYPER_SERVICE, timeout=TIMEOUT).status_code == 400
    wrong = basic("test-api-username", "wrong")
    assert requests.get(account, params={"expand": "groups"}, headers=wrong, timeout=TIMEOUT).status_code == 401


def test_hypermedia_session_link_is_not_an_account_link(hyper):
    user = users(hyper)["user"]
    session_link = hyper_login(hyper, "user", user["password"]).json()["_links"]["session"]["href"]
    response = requests.get(session_link, params={"expand": "groups"}, headers=HYPER_SERVICE, timeout=TIMEOUT)
    assert "user" not in response.json() and "_links" in response.json()  # it answered login step 2
    made_up = requests.get(
        hyper.url + "/_links/made-up", params={"expand": "groups"}, headers=HYPER_SERVICE, timeout=TIMEOUT
    )
    assert made_up.status_code in (400, 401)


def test_hypermedia_failures_are_400_told_apart_by_code(hyper):
    wrong = hyper_login(hyper, "user", "wrong")
    assert (wrong.status_code, wrong.json()["code"]) == (400, 7100)
    disabled = hyper_login(hyper, "disabled", users(hyper)["disabled"]["password"])
    assert (disabled.status_code, disabled.json()["code"]) == (400, 7101)
    not_base64 = call(
        hyper,
        "POST",
        "/sessions",
        json={"type": "basic", "value": "%%%"},
        headers={**HYPER_SERVICE, "X-Tenant": "test-tenant"},
    )
    assert not_base64.status_code == 400
    assert "base64" in not_base64.json()["error"]


# -- running it as a program ------------------------------------------------------------------


def run_until_ready(args: list[str], cwd: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    first = process.stdout.readline().strip()
    assert first.startswith("fake listening on http://127.0.0.1:"), process.stderr.read()
    return process, first.rsplit(" ", 1)[1]


def stop(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=TIMEOUT)
    return process.returncode, err


def test_main_prints_the_url_and_users_then_stops_cleanly_on_sigterm():
    process, url = run_until_ready(["-m", "generator.fake", str(OKTA), "--verbose"], ROOT)
    try:
        lines = [process.stdout.readline().strip() for _ in range(3)]
        assert lines[0] == "admin: admin / admin-pass-1"
        assert requests.get(url + "/__fake__/health", timeout=TIMEOUT).json() == {"ok": True}
        without_options = {"username": "user", "password": "wrong"}
        assert requests.post(url + "/api/v1/authn", json=without_options, timeout=TIMEOUT).status_code == 400
    finally:
        code, err = stop(process)
    assert code == 0
    assert "Traceback" not in err
    assert "login step 1: POST /api/v1/authn -> 400" in err
    assert "wrong" not in err


def test_copied_fake_runs_from_its_own_folder(tmp_path):
    shutil.copytree(ROOT / "generator" / "fake", tmp_path / "fake", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "generator" / "expr.py", tmp_path / "fake" / "expr.py")
    spec = spec_data(ACME)
    (tmp_path / "fake" / "spec.json").write_text(json.dumps({"spec": spec, "settings": test_settings(spec)}))
    process, url = run_until_ready(["-m", "fake", "fake/spec.json"], tmp_path)
    try:
        user = fixture_users(spec)[1]
        body = {"login": user["username"], "password": user["password"], "application": "test-application-id"}
        assert requests.post(url + "/v1/sessions", json=body, timeout=TIMEOUT).status_code == 201
    finally:
        code, err = stop(process)
    assert code == 0, err


def test_main_reports_an_unreadable_spec_in_one_line(capsys):
    from generator.fake.__main__ import main

    assert main([str(SPECS / "missing.json")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


# -- one resource read by two operations -------------------------------------


def test_a_resource_two_operations_read_holds_the_links_of_both():
    """register and forgot_password of the hypermedia example both start by GETting the application."""
    with running(ROOT / "examples" / "hypermedia" / "identity.toml") as fake:
        settings = test_settings(spec_data(ROOT / "examples" / "hypermedia" / "identity.toml"))
        auth = (settings["api_username"], settings["api_password"])
        app = call(fake, "GET", f"/v1/applications/{settings['application_id']}", auth=auth)
        assert app.status_code == 200
        body = app.json()
        registered = requests.post(
            body["accounts"]["href"],
            auth=auth,
            json={"email": "new@example.com", "password": "pw-1", "givenName": "N", "surname": "U"},
            timeout=5,
        )
        reset = requests.post(
            body["passwordResetTokens"]["href"], auth=auth, json={"email": "new@example.com"}, timeout=5
        )
        assert (registered.status_code, reset.status_code) == (201, 200)


def test_the_fake_knows_the_operations_the_model_knows() -> None:
    """The fake keeps its own list (it is copied into packages without the model): the two must agree."""
    from generator import model
    from generator.fake import routes

    assert routes.OPERATIONS == model.OPERATIONS
