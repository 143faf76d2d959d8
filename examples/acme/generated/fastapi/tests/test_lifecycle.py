"""The smoke cases of the session's life (S18-S22), as FastAPI sees them.

The cases that must steer the service (token lifetimes, the mails it sent,
its sessions) run against the bundled fake, and are skipped against a real
service with "needs the bundled fake service". Time is the session module's
clock, moved forward by the tests: no case waits for a token to expire.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from support import (
    HTML,
    JSON,
    PREFIX,
    SESSION_TTL,
    USERS,
    Clock,
    Service,
    browser,
    error_of,
    hidden_fields,
    json_headers,
    location,
    login_json,
    logout,
    make_app,
    session_cookie,
    sign_in,
    signed_in,
)

pytestmark = pytest.mark.anyio

#: Seconds the fake's access tokens live (its default): the deadline the app is given at sign-in.
TOKEN_LIFETIME = 300.0


def copies(app: FastAPI, client: httpx.AsyncClient, count: int) -> list[httpx.AsyncClient]:
    """``count`` clients holding the same session cookie as ``client``: the tabs of one browser."""
    value = session_cookie(client)
    assert value, "the client has no session"
    return [browser(app, cookie=value) for _ in range(count)]


async def test_s18_still_signed_in_across_several_token_lifetimes(
    app: FastAPI, client: httpx.AsyncClient, service: Service, clock: Clock
) -> None:
    await sign_in(client)
    for lifetime in range(4):
        clock.advance(TOKEN_LIFETIME + 1)
        service.expire_tokens("user")
        for headers in (JSON, HTML):
            response = await client.get("/", headers=headers)
            assert response.status_code == 200, f"signed out in token lifetime {lifetime + 1}: {response.status_code}"
    calls = service.calls()
    assert calls["login"] == 1, "the user never signed in again"
    assert calls["refresh"] == 4, "one refresh in each token lifetime"


async def test_s18_a_token_past_its_deadline_is_refreshed_before_the_user_is_asked_for(
    client: httpx.AsyncClient, service: Service, clock: Clock
) -> None:
    await sign_in(client)
    clock.advance(TOKEN_LIFETIME + 1)
    before = service.calls()
    assert (await client.get(f"{PREFIX}/me")).status_code == 200
    after = service.calls()
    assert after["refresh"] - before["refresh"] == 1
    assert after["get_user"] - before["get_user"] == 1, "no request with the token known to have expired"


async def test_s18_a_token_the_service_ended_early_is_refreshed_and_the_user_asked_again(
    client: httpx.AsyncClient, service: Service, clock: Clock
) -> None:
    await sign_in(client)
    service.expire_tokens("user")
    clock.advance(SESSION_TTL + 1)
    before = service.calls()
    assert (await client.get(f"{PREFIX}/me")).status_code == 200
    after = service.calls()
    assert after["refresh"] - before["refresh"] == 1
    assert after["get_user"] - before["get_user"] == 2, "asked once, refused, refreshed, asked again"


async def test_s18_concurrent_requests_after_expiry_refresh_once(
    app: FastAPI, client: httpx.AsyncClient, service: Service, clock: Clock
) -> None:
    await sign_in(client)
    clock.advance(TOKEN_LIFETIME + 1)
    tabs = copies(app, client, 10)
    responses = await asyncio.gather(*(tab.get(f"{PREFIX}/me") for tab in tabs))
    assert [response.status_code for response in responses] == [200] * len(tabs)
    assert service.calls()["refresh"] == 1, "one refresh, whose result the other requests used"
    # Each tab carries the refreshed session: none needs a refresh of its own.
    clock.advance(SESSION_TTL + 1)
    assert [(await tab.get(f"{PREFIX}/me")).status_code for tab in tabs] == [200] * len(tabs)
    assert service.calls()["refresh"] == 1


@pytest.mark.parametrize("status", [401, 503])
async def test_s18_a_failed_refresh_signs_the_user_out_cleanly(
    app: FastAPI,
    client: httpx.AsyncClient,
    service: Service,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    await sign_in(client)
    (tab,) = copies(app, client, 1)
    service.fault(operation="refresh", status=status)
    clock.advance(TOKEN_LIFETIME + 1)
    with caplog.at_level(logging.INFO):
        response = await client.get("/", headers=JSON)
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"
    assert "Refresh failed" in caplog.text
    page = await tab.get("/", params={"tab": "2"}, headers=HTML)
    target = urlsplit(location(page))
    assert (target.path, parse_qs(target.query)["next"]) == (f"{PREFIX}/login", ["/?tab=2"])
    # Signed out for good: no more refreshes, no failing again at every request.
    assert (await client.get(f"{PREFIX}/me")).status_code == 401
    assert (await tab.get("/", headers=HTML)).status_code in (302, 303)
    assert service.calls()["refresh"] == 1, "the server-side session is gone for every copy of the cookie"


async def test_s19_sign_out_ends_the_session_at_the_service(client: httpx.AsyncClient, service: Service) -> None:
    await sign_in(client)
    assert service.sessions()["user"] == 1
    assert await logout(client) == 204
    assert service.sessions()["user"] == 0
    assert not await signed_in(client)


async def test_s19_sign_out_when_the_service_fails_still_signs_out_here(
    client: httpx.AsyncClient, service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    await sign_in(client)
    service.fault(operation="logout", status=503)
    with caplog.at_level(logging.INFO):
        assert await logout(client) == 204
    assert not await signed_in(client)
    assert "Logout at the service failed: service_unavailable" in caplog.text


async def test_s19_sign_out_with_an_ended_token_refreshes_it_to_end_the_service_session(
    client: httpx.AsyncClient, service: Service
) -> None:
    await sign_in(client)
    # The service refuses the access token once, as a service whose token has just expired does.
    service.fault(operation="logout", status=401, times=1)
    assert await logout(client) == 204
    assert service.calls()["refresh"] == 1
    assert service.sessions()["user"] == 0


#: What the forgot-password form asks for.
FORGOT_INPUTS = ["email"]

#: A new password the fake's policy accepts, with characters a form must carry as they are.
NEW_PASSWORD = "Brand-new pass 6 &%+"


async def ask_for_reset(app: FastAPI, key: str = "user") -> None:
    """Ask for a password reset mail for a fixture user, as the forgot page does."""
    client = browser(app)
    user = USERS[key]
    email = user["expected"].get("email", user["username"])
    details = {name: str(email if "email" in name else user["username"]) for name in FORGOT_INPUTS}
    response = await client.post(f"{PREFIX}/forgot", json=details, headers=await json_headers(client))
    assert response.status_code == 202


async def reset(
    client: httpx.AsyncClient, token: str | None, password: str, confirm: str | None = None
) -> tuple[int, Any]:
    """Post a new password as an API client does: the status and the body."""
    body = {"password": password, "password_confirm": password if confirm is None else confirm}
    if token is not None:
        body["token"] = token
    response = await client.post(f"{PREFIX}/reset", json=body, headers=await json_headers(client))
    return response.status_code, response.json()


async def reset_page(client: httpx.AsyncClient, token: str) -> httpx.Response:
    """Open the link of the reset mail."""
    return await client.get(f"{PREFIX}/reset", params={"token": token}, headers=HTML)


async def test_s20_password_reset_completed_from_the_emailed_token(app: FastAPI, service: Service) -> None:
    await ask_for_reset(app)
    token = service.mailed_token("user", "reset")
    client = browser(app)
    page = await reset_page(client, token)
    assert page.status_code == 200
    assert 'autocomplete="new-password"' in page.text
    assert hidden_fields(page)["token"] == token, "the page carries the token to its post"
    data = {**hidden_fields(page), "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    done = await client.post(f"{PREFIX}/reset", data=data, headers=HTML)
    assert done.status_code == 200
    assert "Your password has been changed. You can sign in now." in done.text
    assert not await signed_in(client), "a reset signs nobody in"
    user = USERS["user"]
    assert (await login_json(browser(app), user["username"], NEW_PASSWORD)).status_code == 200
    assert (await login_json(browser(app), user["username"], user["password"])).status_code == 401


async def test_s20_a_used_made_up_or_missing_token_is_refused(app: FastAPI, service: Service) -> None:
    await ask_for_reset(app)
    token = service.mailed_token("user", "reset")
    client = browser(app)
    assert await reset(client, token, NEW_PASSWORD) == (200, {"status": "reset"})
    status, body = await reset(client, token, NEW_PASSWORD + "!")
    assert (status, body["error"]["code"]) == (400, "invalid_token")
    assert "not valid or was already used" in body["error"]["message"]
    assert (await reset(client, "made-up-token", NEW_PASSWORD))[0] == 400
    status, body = await reset(client, None, NEW_PASSWORD)
    assert (status, body["error"]["code"]) == (400, "invalid_token")
    assert "This link is incomplete" in body["error"]["message"]
    page = await client.get(f"{PREFIX}/reset", headers=HTML)
    assert page.status_code == 400
    assert "This link is incomplete" in page.text
    assert 'type="password"' not in page.text, "no form without a token"


async def test_s20_an_expired_token_is_refused(app: FastAPI, service: Service) -> None:
    await ask_for_reset(app)
    token = service.mailed_token("user", "reset")
    service.expire_link(token)
    status, body = await reset(browser(app), token, NEW_PASSWORD)
    assert (status, body["error"]["code"]) == (400, "expired_token")
    assert body["error"]["message"] == "This link has expired. Ask for a new one."


async def test_s20_two_different_passwords_are_refused_without_asking_the_service(
    app: FastAPI, service: Service
) -> None:
    await ask_for_reset(app)
    token = service.mailed_token("user", "reset")
    before = service.calls()["reset_password"]
    status, body = await reset(browser(app), token, NEW_PASSWORD, NEW_PASSWORD + "?")
    assert (status, body["error"]["code"]) == (400, "invalid_input")
    assert "The two passwords do not match." in body["error"]["message"]
    assert service.calls()["reset_password"] == before
    assert (await reset(browser(app), token, NEW_PASSWORD))[0] == 200, "the token is still good"


async def test_s20_a_password_the_policy_refuses_shows_the_services_message(app: FastAPI, service: Service) -> None:
    await ask_for_reset(app)
    token = service.mailed_token("user", "reset")
    status, body = await reset(browser(app), token, "short")
    assert (status, body["error"]["code"]) == (422, "password_policy")
    assert body["error"]["message"] == "Password must be at least 8 characters."
    client = browser(app)
    page = await reset_page(client, token)
    data = {**hidden_fields(page), "password": "short", "password_confirm": "short"}
    refused = await client.post(f"{PREFIX}/reset", data=data, headers=HTML)
    assert refused.status_code == 422
    assert 'role="alert">Password must be at least 8 characters.' in refused.text, "announced"


async def test_s20_the_reset_form_needs_its_csrf_token(app: FastAPI, service: Service) -> None:
    await ask_for_reset(app)
    token = service.mailed_token("user", "reset")
    data = {"token": token, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    assert (await browser(app).post(f"{PREFIX}/reset", data=data, headers=HTML)).status_code == 403


#: The password the change cases choose.
CHANGED_PASSWORD = "Changed-pass 7 &%+"


@pytest.fixture
def fake_only(service: Service) -> None:
    """The case changes the test user's password: only the bundled fake gets it back (at its reset)."""
    if not service.steerable:
        pytest.skip("needs the bundled fake service: the case changes the test user's password")


async def change(client: httpx.AsyncClient, current: str, new: str, confirm: str | None = None) -> tuple[int, Any]:
    """Change the password as an API client does: the status and the body."""
    body = {
        "current_password": current,
        "new_password": new,
        "new_password_confirm": new if confirm is None else confirm,
    }
    response = await client.post(f"{PREFIX}/password", json=body, headers=await json_headers(client))
    return response.status_code, response.json()


@pytest.mark.usefixtures("fake_only")
async def test_s21_change_password(app: FastAPI, client: httpx.AsyncClient) -> None:
    user = await sign_in(client)
    before = session_cookie(client)
    assert await change(client, user["password"], CHANGED_PASSWORD) == (200, {"status": "changed"})
    assert await signed_in(client), "the user stays signed in"
    assert session_cookie(client) != before
    assert not await signed_in(browser(app, cookie=before)), "the session's id changed; a copy of the old one is out"
    assert (await login_json(browser(app), user["username"], CHANGED_PASSWORD)).status_code == 200
    assert (await login_json(browser(app), user["username"], user["password"])).status_code == 401


async def test_s21_a_wrong_current_password_is_refused(client: httpx.AsyncClient) -> None:
    await sign_in(client)
    status, body = await change(client, "not-the-password", CHANGED_PASSWORD)
    assert (status, body["error"]["code"]) == (400, "invalid_credentials")
    assert body["error"]["message"] == "Your current password is not correct."
    assert await signed_in(client)


async def test_s21_mismatch_and_policy(client: httpx.AsyncClient) -> None:
    user = await sign_in(client)
    status, body = await change(client, user["password"], CHANGED_PASSWORD, CHANGED_PASSWORD + "?")
    assert (status, body["error"]["code"]) == (400, "invalid_input")
    status, body = await change(client, user["password"], "short")
    assert (status, body["error"]["code"]) == (422, "password_policy")


async def test_s21_the_page_is_for_signed_in_users(client: httpx.AsyncClient) -> None:
    target = urlsplit(location(await client.get(f"{PREFIX}/password", headers=HTML)))
    assert (target.path, parse_qs(target.query)["next"]) == (f"{PREFIX}/login", [f"{PREFIX}/password"])
    assert (await client.get(f"{PREFIX}/password", headers=JSON)).status_code == 401
    await sign_in(client)
    page = await client.get(f"{PREFIX}/password", headers=HTML)
    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.text
    assert 'autocomplete="new-password"' in page.text


@pytest.mark.usefixtures("fake_only")
async def test_s21_the_form_changes_the_password(client: httpx.AsyncClient) -> None:
    user = await sign_in(client)
    page = await client.get(f"{PREFIX}/password", headers=HTML)
    data = {
        **hidden_fields(page),
        "current_password": user["password"],
        "new_password": CHANGED_PASSWORD,
        "new_password_confirm": CHANGED_PASSWORD,
    }
    done = await client.post(f"{PREFIX}/password", data=data, headers=HTML)
    assert done.status_code == 200
    assert "Your password has been changed." in done.text


async def verify(client: httpx.AsyncClient, token: str | None) -> tuple[int, Any]:
    """Post a verification token as an API client does: the status and the body."""
    body = {} if token is None else {"token": token}
    response = await client.post(f"{PREFIX}/verify", json=body, headers=await json_headers(client))
    return response.status_code, response.json()


@pytest.fixture
def unverified() -> dict[str, Any]:
    if "unverified" not in USERS:
        pytest.skip("no unverified test user (set one in the test users)")
    return USERS["unverified"]


async def test_s22_an_unverified_account_gets_its_own_message(
    client: httpx.AsyncClient, unverified: dict[str, Any]
) -> None:
    response = await login_json(client, unverified["username"], unverified["password"])
    assert response.status_code == 403
    assert error_of(response) == {
        "code": "unverified",
        "message": "Verify your email address first: use the link we sent you.",
    }
    assert not await signed_in(client)


async def test_s22_refused_unverified_sign_ins_count_for_the_sign_in_limit(
    service: Service, unverified: dict[str, Any]
) -> None:
    limited = browser(make_app(service, login_limit_per_account=2, login_limit_window=60))
    statuses = [
        (await login_json(limited, unverified["username"], unverified["password"])).status_code for _ in range(3)
    ]
    assert statuses == [403, 403, 429]


async def test_s22_the_emailed_link_verifies_the_address_only_by_its_button(
    app: FastAPI, service: Service, unverified: dict[str, Any]
) -> None:
    token = service.mailed_token("unverified", "verify")
    client = browser(app)
    page = await client.get(f"{PREFIX}/verify", params={"token": token}, headers=HTML)
    assert page.status_code == 200
    assert "Verify my email address" in page.text
    refused = await login_json(browser(app), unverified["username"], unverified["password"])
    assert refused.status_code == 403, "opening the link verifies nothing"
    done = await client.post(f"{PREFIX}/verify", data=hidden_fields(page), headers=HTML)
    assert done.status_code == 200
    assert "Your email address is verified. You can sign in now." in done.text
    assert (await login_json(browser(app), unverified["username"], unverified["password"])).status_code == 200


async def test_s22_a_used_expired_or_missing_token_is_refused(
    app: FastAPI, service: Service, unverified: dict[str, Any]
) -> None:
    token = service.mailed_token("unverified", "verify")
    client = browser(app)
    service.expire_link(token)
    status, body = await verify(client, token)
    assert (status, body["error"]["code"]) == (400, "expired_token")
    service.reset()
    token = service.mailed_token("unverified", "verify")
    assert await verify(client, token) == (200, {"status": "verified"})
    status, body = await verify(client, token)
    assert (status, body["error"]["code"]) == (400, "invalid_token")
    status, body = await verify(client, None)
    assert (status, body["error"]["code"]) == (400, "invalid_token")
    assert (await client.get(f"{PREFIX}/verify", headers=HTML)).status_code == 400
