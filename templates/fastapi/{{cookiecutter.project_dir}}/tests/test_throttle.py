"""Throttling failed sign-ins: per account, per client address, the same for every account."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from support import USERS, Service, browser, error_of, login_form, login_json, make_app, mimetype, signed_in

pytestmark = pytest.mark.anyio

#: Failed sign-ins allowed before the limit, in the apps of these tests.
LIMIT = 3

#: The answer of a throttled sign-in, whatever the account.
TOO_MANY = {"code": "too_many_attempts", "message": "Too many failed sign-in attempts. Try again later."}

#: A username the service does not know.
UNKNOWN = "nobody@example.com"


@pytest.fixture
def app(service: Service) -> FastAPI:
    return make_app(service, login_limit_per_account=LIMIT, login_limit_window=60)


async def fail(client: httpx.AsyncClient, username: str, times: int = LIMIT) -> None:
    for _ in range(times):
        assert (await login_json(client, username, "wrong password")).status_code == 401


def answer(response: httpx.Response) -> tuple[int, dict[str, str], bool]:
    """What a client can tell apart: the status, the error body and whether ``Retry-After`` is sent."""
    return response.status_code, error_of(response), "Retry-After" in response.headers


async def test_the_account_limit_answers_429_with_retry_after_and_the_json_error(client: httpx.AsyncClient) -> None:
    user = USERS["user"]
    await fail(client, user["username"])
    response = await login_json(client, user["username"], "wrong password")
    assert response.status_code == 429
    assert error_of(response) == TOO_MANY
    assert 1 <= int(response.headers["Retry-After"]) <= 60


async def test_the_username_counts_as_typed_trimmed_and_case_folded(client: httpx.AsyncClient) -> None:
    user = USERS["user"]
    await fail(client, f"  {user['username'].upper()} ")
    assert (await login_json(client, user["username"], user["password"])).status_code == 429


async def test_known_and_unknown_accounts_get_the_same_answer(app: FastAPI) -> None:
    known, unknown = browser(app), browser(app)
    await fail(known, USERS["user"]["username"])
    await fail(unknown, UNKNOWN)
    known_answer = await login_json(known, USERS["user"]["username"], "wrong")
    unknown_answer = await login_json(unknown, UNKNOWN, "wrong")
    assert answer(known_answer) == answer(unknown_answer)
    # Each window began at that account's last counted failure: a real service that takes
    # longer to refuse a known account may put them a second apart, never more.
    waits = [int(r.headers["Retry-After"]) for r in (known_answer, unknown_answer)]
    assert abs(waits[0] - waits[1]) <= 1


async def test_the_right_password_during_lockout_is_429_and_the_service_is_not_called(
    client: httpx.AsyncClient, service: Service
) -> None:
    user = USERS["user"]
    await fail(client, user["username"])
    before = service.calls()
    response = await login_json(client, user["username"], user["password"])
    assert response.status_code == 429
    assert not await signed_in(client)
    after = service.calls()
    assert (after["login"], after["get_user"]) == (before["login"], before["get_user"])


async def test_other_accounts_are_not_locked_out(client: httpx.AsyncClient) -> None:
    await fail(client, USERS["user"]["username"])
    assert (await login_json(client, USERS["admin"]["username"], USERS["admin"]["password"])).status_code == 200


async def test_a_success_clears_the_count_of_its_username(client: httpx.AsyncClient) -> None:
    user = USERS["user"]
    await fail(client, user["username"], LIMIT - 1)
    assert (await login_json(client, user["username"], user["password"])).status_code == 200
    await fail(client, user["username"], LIMIT - 1)
    assert (await login_json(client, user["username"], user["password"])).status_code == 200


async def test_a_service_outage_counts_for_nothing(client: httpx.AsyncClient, service: Service) -> None:
    user = USERS["user"]
    service.fault(operation="login", status=503)
    for _ in range(LIMIT + 1):
        assert (await login_json(client, user["username"], user["password"])).status_code == 503
    service.reset()
    assert (await login_json(client, user["username"], user["password"])).status_code == 200


async def test_the_client_limit_counts_every_username_from_one_address(service: Service) -> None:
    app = make_app(service, login_limit_per_client=LIMIT)
    client = browser(app)
    for number in range(LIMIT):
        await fail(client, f"guess{number}@example.com", 1)
    response = await login_json(client, USERS["admin"]["username"], USERS["admin"]["password"])
    assert answer(response)[:2] == (429, TOO_MANY)
    other = browser(app, address="192.0.2.7")
    assert (await login_json(other, USERS["admin"]["username"], USERS["admin"]["password"])).status_code == 200


async def test_a_browser_gets_the_login_page_with_429(client: httpx.AsyncClient) -> None:
    user = USERS["user"]
    await fail(client, user["username"])
    page = await login_form(client, user["username"], user["password"])
    assert page.status_code == 429
    assert mimetype(page) == "text/html"
    assert TOO_MANY["message"] in page.text
    assert 'name="password"' in page.text
    assert int(page.headers["Retry-After"]) >= 1


async def test_throttling_is_off_by_default(service: Service) -> None:
    client = browser(make_app(service))
    user = USERS["user"]
    await fail(client, user["username"], 10)
    assert (await login_json(client, user["username"], user["password"])).status_code == 200
