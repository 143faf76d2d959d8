"""The smoke cases of the session's life (S18-S22), as Flask sees them.

The cases that must steer the service (token lifetimes, the mails it sent,
its sessions) run against the bundled fake, and are skipped against a real
service with "needs the bundled fake service".
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from support import (
    HTML,
    JSON,
    PREFIX,
    USERS,
    Service,
    csrf_token,
    error_of,
    form_token,
    login_json,
    make_app,
    session_cookie,
    sign_in,
    signed_in,
)

#: Seconds the fake's access tokens live in the refresh cases: several lifetimes fit in a test.
TOKEN_LIFETIME = 1.0

#: Seconds the app trusts its cached user in the refresh cases: less than a token's lifetime.
SHORT_TTL = 0.2


@pytest.fixture
def short_lived(service: Service) -> Flask:
    """An app whose cached user soon grows old, against a service whose access tokens soon expire."""
    service.token_lifetime(TOKEN_LIFETIME)
    return make_app(service, ACME_SESSION_TTL=SHORT_TTL)


def copies(app: Flask, client: FlaskClient, count: int) -> list[FlaskClient]:
    """``count`` clients holding the same session cookie as ``client``: the tabs of one browser."""
    name = app.config["SESSION_COOKIE_NAME"]
    value = session_cookie(app, client)
    assert value, "the client has no session"
    tabs = []
    for _ in range(count):
        tab = app.test_client()
        tab.set_cookie(name, value)
        tabs.append(tab)
    return tabs


def test_s18_still_signed_in_across_several_token_lifetimes(short_lived: Flask, service: Service) -> None:
    client = short_lived.test_client()
    sign_in(client)
    deadline = time.monotonic() + 3.5 * TOKEN_LIFETIME
    views = 0
    while time.monotonic() < deadline:
        for headers in (JSON, HTML):
            response = client.get("/", headers=headers)
            assert response.status_code == 200, f"signed out after {views} page views: {response.status}"
            views += 1
        time.sleep(SHORT_TTL)
    calls = service.calls()
    assert calls["login"] == 1, "the user never signed in again"
    assert calls["refresh"] >= 2, f"only {calls['refresh']} refreshes in 3.5 token lifetimes"


def test_s18_a_token_past_its_deadline_is_refreshed_before_the_user_is_asked_for(
    short_lived: Flask, service: Service
) -> None:
    client = short_lived.test_client()
    sign_in(client)
    time.sleep(TOKEN_LIFETIME + 0.1)
    before = service.calls()
    assert client.get(f"{PREFIX}/me").status_code == 200
    after = service.calls()
    assert after["refresh"] - before["refresh"] == 1
    assert after["get_user"] - before["get_user"] == 1, "no request with the token known to have expired"


def test_s18_a_token_the_service_ended_early_is_refreshed_and_the_user_asked_again(service: Service) -> None:
    client = make_app(service, ACME_SESSION_TTL=SHORT_TTL).test_client()
    sign_in(client)
    service.expire_tokens("user")
    time.sleep(SHORT_TTL)
    before = service.calls()
    assert client.get(f"{PREFIX}/me").status_code == 200
    after = service.calls()
    assert after["refresh"] - before["refresh"] == 1
    assert after["get_user"] - before["get_user"] == 2, "asked once, refused, refreshed, asked again"


def test_s18_concurrent_requests_after_expiry_refresh_once(short_lived: Flask, service: Service) -> None:
    client = short_lived.test_client()
    sign_in(client)
    service.token_lifetime(300)  # the refreshed token lives on, so the tabs need no refresh afterwards
    time.sleep(TOKEN_LIFETIME + 0.1)
    tabs = copies(short_lived, client, 10)
    with ThreadPoolExecutor(len(tabs)) as pool:
        statuses = list(pool.map(lambda tab: tab.get(f"{PREFIX}/me").status_code, tabs))
    assert statuses == [200] * len(tabs)
    assert service.calls()["refresh"] == 1, "one refresh, whose result the other requests used"
    # Each tab carries the refreshed session: none needs a refresh of its own.
    time.sleep(SHORT_TTL)
    assert [tab.get(f"{PREFIX}/me").status_code for tab in tabs] == [200] * len(tabs)
    assert service.calls()["refresh"] == 1


@pytest.mark.parametrize("status", [401, 503])
def test_s18_a_failed_refresh_signs_the_user_out_cleanly(
    short_lived: Flask, service: Service, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    client = short_lived.test_client()
    sign_in(client)
    browser = copies(short_lived, client, 1)[0]
    service.fault(operation="refresh", status=status)
    time.sleep(TOKEN_LIFETIME + 0.1)
    with caplog.at_level(logging.INFO):
        response = client.get("/", headers=JSON)
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"
    assert "Refresh failed" in caplog.text
    page = browser.get("/?tab=2", headers=HTML)
    assert page.status_code in (302, 303)
    location = urlsplit(page.location)
    assert (location.path, parse_qs(location.query)["next"]) == (f"{PREFIX}/login", ["/?tab=2"])
    # Signed out for good: no more refreshes, no failing again at every request.
    assert client.get(f"{PREFIX}/me").status_code == 401
    assert browser.get("/", headers=HTML).status_code in (302, 303)
    assert service.calls()["refresh"] == 2, "one failed refresh for each copy of the session, then none"


def logout(client: FlaskClient) -> int:
    """Sign out as an API client does; the status."""
    return client.post(f"{PREFIX}/logout", headers={**JSON, "X-CSRFToken": csrf_token(client)}).status_code


def test_s19_sign_out_ends_the_session_at_the_service(client: FlaskClient, service: Service) -> None:
    sign_in(client)
    assert service.sessions()["user"] == 1
    assert logout(client) == 204
    assert service.sessions()["user"] == 0
    assert not signed_in(client)


def test_s19_sign_out_when_the_service_fails_still_signs_out_here(
    client: FlaskClient, service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    sign_in(client)
    service.fault(operation="logout", status=503)
    with caplog.at_level(logging.INFO):
        assert logout(client) == 204
    assert not signed_in(client)
    assert "Logout at the service failed: service_unavailable" in caplog.text


def test_s19_sign_out_with_an_ended_token_refreshes_it_to_end_the_service_session(
    client: FlaskClient, service: Service
) -> None:
    sign_in(client)
    # The service refuses the access token once, as a service whose token has just expired does.
    service.fault(operation="logout", status=401, times=1)
    assert logout(client) == 204
    assert service.calls()["refresh"] == 1
    assert service.sessions()["user"] == 0


#: What the forgot-password form asks for.
FORGOT_INPUTS = ["email"]

#: A new password the fake's policy accepts, with characters a form must carry as they are.
NEW_PASSWORD = "Brand-new pass 6 &%+"


def ask_for_reset(app: Flask, key: str = "user") -> None:
    """Ask for a password reset mail for a fixture user, as the forgot page does."""
    client = app.test_client()
    headers = {**JSON, "X-CSRFToken": csrf_token(client)}
    user = USERS[key]
    details = {name: str(user["expected"]["email"] if "email" in name else user["username"]) for name in FORGOT_INPUTS}
    assert client.post(f"{PREFIX}/forgot", json=details, headers=headers).status_code == 202


def reset(client: FlaskClient, token: str | None, password: str, confirm: str | None = None) -> tuple[int, dict]:
    """Post a new password as an API client does: the status and the body."""
    body = {"password": password, "password_confirm": password if confirm is None else confirm}
    if token is not None:
        body["token"] = token
    response = client.post(f"{PREFIX}/reset", json=body, headers={**JSON, "X-CSRFToken": csrf_token(client)})
    return response.status_code, response.get_json()


def test_s20_password_reset_completed_from_the_emailed_token(app: Flask, service: Service) -> None:
    ask_for_reset(app)
    token = service.mailed_token("user", "reset")
    browser = app.test_client()
    page = browser.get(f"{PREFIX}/reset", query_string={"token": token}, headers=HTML)
    assert page.status_code == 200
    assert 'autocomplete="new-password"' in page.text
    assert token in page.text, "the page carries the token to its post"
    data = {"token": token, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD, "csrf_token": form_token(page)}
    done = browser.post(f"{PREFIX}/reset", data=data, headers=HTML)
    assert done.status_code == 200
    assert "Your password has been changed. You can sign in now." in done.text
    assert not signed_in(browser), "a reset signs nobody in"
    user = USERS["user"]
    assert login_json(app.test_client(), user["username"], NEW_PASSWORD).status_code == 200
    assert login_json(app.test_client(), user["username"], user["password"]).status_code == 401


def test_s20_a_used_made_up_or_missing_token_is_refused(app: Flask, service: Service) -> None:
    ask_for_reset(app)
    token = service.mailed_token("user", "reset")
    client = app.test_client()
    assert reset(client, token, NEW_PASSWORD) == (200, {"status": "reset"})
    status, body = reset(client, token, NEW_PASSWORD + "!")
    assert (status, body["error"]["code"]) == (400, "invalid_token")
    assert "not valid or was already used" in body["error"]["message"]
    assert reset(client, "made-up-token", NEW_PASSWORD)[0] == 400
    status, body = reset(client, None, NEW_PASSWORD)
    assert (status, body["error"]["code"]) == (400, "invalid_token")
    assert "This link is incomplete" in body["error"]["message"]
    page = client.get(f"{PREFIX}/reset", headers=HTML)
    assert page.status_code == 400
    assert "This link is incomplete" in page.text
    assert 'type="password"' not in page.text, "no form without a token"


def test_s20_an_expired_token_is_refused(app: Flask, service: Service) -> None:
    ask_for_reset(app)
    token = service.mailed_token("user", "reset")
    service.expire_link(token)
    status, body = reset(app.test_client(), token, NEW_PASSWORD)
    assert (status, body["error"]["code"]) == (400, "expired_token")
    assert body["error"]["message"] == "This link has expired. Ask for a new one."


def test_s20_two_different_passwords_are_refused_without_asking_the_service(app: Flask, service: Service) -> None:
    ask_for_reset(app)
    token = service.mailed_token("user", "reset")
    before = service.calls()["reset_password"]
    status, body = reset(app.test_client(), token, NEW_PASSWORD, NEW_PASSWORD + "?")
    assert (status, body["error"]["code"]) == (400, "invalid_input")
    assert "The two passwords do not match." in body["error"]["message"]
    assert service.calls()["reset_password"] == before
    assert reset(app.test_client(), token, NEW_PASSWORD)[0] == 200, "the token is still good"


def test_s20_a_password_the_policy_refuses_shows_the_services_message(app: Flask, service: Service) -> None:
    ask_for_reset(app)
    token = service.mailed_token("user", "reset")
    status, body = reset(app.test_client(), token, "short")
    assert (status, body["error"]["code"]) == (422, "password_policy")
    assert body["error"]["message"] == "Password must be at least 8 characters."
    browser = app.test_client()
    page = browser.get(f"{PREFIX}/reset", query_string={"token": token}, headers=HTML)
    data = {"token": token, "password": "short", "password_confirm": "short", "csrf_token": form_token(page)}
    refused = browser.post(f"{PREFIX}/reset", data=data, headers=HTML)
    assert refused.status_code == 422
    assert "Password must be at least 8 characters." in refused.text
    assert 'role="alert">Password must be at least 8 characters.' in refused.text, "announced"


def test_s20_the_reset_form_needs_its_csrf_token(app: Flask, service: Service) -> None:
    ask_for_reset(app)
    token = service.mailed_token("user", "reset")
    data = {"token": token, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    assert app.test_client().post(f"{PREFIX}/reset", data=data, headers=HTML).status_code == 403


#: The password the change cases choose.
CHANGED_PASSWORD = "Changed-pass 7 &%+"


@pytest.fixture
def fake_only(service: Service) -> None:
    """The case changes the test user's password: only the bundled fake gets it back (at its reset)."""
    if not service.steerable:
        pytest.skip("needs the bundled fake service: the case changes the test user's password")


def change(client: FlaskClient, current: str, new: str, confirm: str | None = None) -> tuple[int, dict]:
    """Change the password as an API client does: the status and the body."""
    body = {
        "current_password": current,
        "new_password": new,
        "new_password_confirm": new if confirm is None else confirm,
    }
    response = client.post(f"{PREFIX}/password", json=body, headers={**JSON, "X-CSRFToken": csrf_token(client)})
    return response.status_code, response.get_json()


@pytest.mark.usefixtures("fake_only")
def test_s21_change_password(app: Flask, client: FlaskClient) -> None:
    user = sign_in(client)
    before = copies_of_cookie(app, client)
    assert change(client, user["password"], CHANGED_PASSWORD) == (200, {"status": "changed"})
    assert signed_in(client), "the user stays signed in"
    assert session_cookie(app, client) != before
    assert login_json(app.test_client(), user["username"], CHANGED_PASSWORD).status_code == 200
    assert login_json(app.test_client(), user["username"], user["password"]).status_code == 401


@pytest.mark.usefixtures("fake_only")
def test_s21_a_copy_of_the_session_from_before_the_change_is_signed_out(app: Flask, client: FlaskClient) -> None:
    user = sign_in(client)
    old = app.test_client()
    old.set_cookie(app.config["SESSION_COOKIE_NAME"], copies_of_cookie(app, client))
    assert signed_in(old)
    assert change(client, user["password"], CHANGED_PASSWORD)[0] == 200
    assert signed_in(client)
    assert not signed_in(old), "the session's id changed; the old one is signed out"


def test_s21_a_wrong_current_password_is_refused(client: FlaskClient) -> None:
    sign_in(client)
    status, body = change(client, "not-the-password", CHANGED_PASSWORD)
    assert (status, body["error"]["code"]) == (400, "invalid_credentials")
    assert body["error"]["message"] == "Your current password is not correct."
    assert signed_in(client)


def test_s21_mismatch_and_policy(client: FlaskClient) -> None:
    user = sign_in(client)
    status, body = change(client, user["password"], CHANGED_PASSWORD, CHANGED_PASSWORD + "?")
    assert (status, body["error"]["code"]) == (400, "invalid_input")
    status, body = change(client, user["password"], "short")
    assert (status, body["error"]["code"]) == (422, "password_policy")


def test_s21_the_page_is_for_signed_in_users(client: FlaskClient) -> None:
    response = client.get(f"{PREFIX}/password", headers=HTML)
    assert response.status_code in (302, 303)
    location = urlsplit(response.location)
    assert (location.path, parse_qs(location.query)["next"]) == (f"{PREFIX}/login", [f"{PREFIX}/password"])
    assert client.get(f"{PREFIX}/password", headers=JSON).status_code == 401
    sign_in(client)
    page = client.get(f"{PREFIX}/password", headers=HTML)
    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.text
    assert 'autocomplete="new-password"' in page.text


@pytest.mark.usefixtures("fake_only")
def test_s21_the_form_changes_the_password(client: FlaskClient) -> None:
    user = sign_in(client)
    page = client.get(f"{PREFIX}/password", headers=HTML)
    data = {
        "current_password": user["password"],
        "new_password": CHANGED_PASSWORD,
        "new_password_confirm": CHANGED_PASSWORD,
        "csrf_token": form_token(page),
    }
    done = client.post(f"{PREFIX}/password", data=data, headers=HTML)
    assert done.status_code == 200
    assert "Your password has been changed." in done.text


def copies_of_cookie(app: Flask, client: FlaskClient) -> str:
    value = session_cookie(app, client)
    assert value
    return value


def verify(client: FlaskClient, token: str | None) -> tuple[int, dict]:
    """Post a verification token as an API client does: the status and the body."""
    body = {} if token is None else {"token": token}
    response = client.post(f"{PREFIX}/verify", json=body, headers={**JSON, "X-CSRFToken": csrf_token(client)})
    return response.status_code, response.get_json()


@pytest.fixture
def unverified() -> dict:
    if "unverified" not in USERS:
        pytest.skip("no unverified test user (set one in the test users)")
    return USERS["unverified"]


def test_s22_an_unverified_account_gets_its_own_message(client: FlaskClient, unverified: dict) -> None:
    response = login_json(client, unverified["username"], unverified["password"])
    assert response.status_code == 403
    assert error_of(response) == {
        "code": "unverified",
        "message": "Verify your email address first: use the link we sent you.",
    }
    assert not signed_in(client)


def test_s22_refused_unverified_sign_ins_count_for_the_sign_in_limit(service: Service, unverified: dict) -> None:
    limited = make_app(service, ACME_LOGIN_LIMIT_PER_ACCOUNT=2, ACME_LOGIN_LIMIT_WINDOW=60).test_client()
    statuses = [login_json(limited, unverified["username"], unverified["password"]).status_code for _ in range(3)]
    assert statuses == [403, 403, 429]


def test_s22_the_emailed_link_verifies_the_address_only_by_its_button(
    app: Flask, service: Service, unverified: dict
) -> None:
    token = service.mailed_token("unverified", "verify")
    browser = app.test_client()
    page = browser.get(f"{PREFIX}/verify", query_string={"token": token}, headers=HTML)
    assert page.status_code == 200
    assert "Verify my email address" in page.text
    assert login_json(app.test_client(), unverified["username"], unverified["password"]).status_code == 403, (
        "opening the link verifies nothing"
    )
    done = browser.post(f"{PREFIX}/verify", data={"token": token, "csrf_token": form_token(page)}, headers=HTML)
    assert done.status_code == 200
    assert "Your email address is verified. You can sign in now." in done.text
    assert login_json(app.test_client(), unverified["username"], unverified["password"]).status_code == 200


def test_s22_a_used_expired_or_missing_token_is_refused(app: Flask, service: Service, unverified: dict) -> None:
    token = service.mailed_token("unverified", "verify")
    client = app.test_client()
    service.expire_link(token)
    status, body = verify(client, token)
    assert (status, body["error"]["code"]) == (400, "expired_token")
    service.reset()
    token = service.mailed_token("unverified", "verify")
    assert verify(client, token) == (200, {"status": "verified"})
    status, body = verify(client, token)
    assert (status, body["error"]["code"]) == (400, "invalid_token")
    status, body = verify(client, None)
    assert (status, body["error"]["code"]) == (400, "invalid_token")
    assert client.get(f"{PREFIX}/verify", headers=HTML).status_code == 400
