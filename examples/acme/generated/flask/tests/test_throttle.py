"""Throttling failed sign-ins: per account, per client address, the same for every account."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from support import USERS, Service, error_of, login_form, login_json, make_app, signed_in

#: Failed sign-ins allowed before the limit, in the apps of these tests.
LIMIT = 3

#: The answer of a throttled sign-in, whatever the account.
TOO_MANY = {"code": "too_many_attempts", "message": "Too many failed sign-in attempts. Try again later."}

#: A username the service does not know.
UNKNOWN = "nobody@example.com"


@pytest.fixture
def app(service: Service) -> Flask:
    return make_app(service, ACME_LOGIN_LIMIT_PER_ACCOUNT=LIMIT, ACME_LOGIN_LIMIT_WINDOW=60)


def fail(client: FlaskClient, username: str, times: int = LIMIT) -> None:
    for _ in range(times):
        assert login_json(client, username, "wrong password").status_code == 401


def answer(response: Any) -> tuple[int, dict[str, str], bool]:
    """What a client can tell apart: the status, the error body and whether ``Retry-After`` is sent."""
    return response.status_code, error_of(response), "Retry-After" in response.headers


def test_the_account_limit_answers_429_with_retry_after_and_the_json_error(client: FlaskClient) -> None:
    user = USERS["user"]
    fail(client, user["username"])
    response = login_json(client, user["username"], "wrong password")
    assert response.status_code == 429
    assert error_of(response) == TOO_MANY
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_the_username_counts_as_typed_trimmed_and_case_folded(client: FlaskClient) -> None:
    user = USERS["user"]
    fail(client, f"  {user['username'].upper()} ")
    assert login_json(client, user["username"], user["password"]).status_code == 429


def test_known_and_unknown_accounts_get_the_same_answer(app: Flask) -> None:
    known, unknown = app.test_client(), app.test_client()
    fail(known, USERS["user"]["username"])
    fail(unknown, UNKNOWN)
    known_answer = login_json(known, USERS["user"]["username"], "wrong")
    unknown_answer = login_json(unknown, UNKNOWN, "wrong")
    assert answer(known_answer) == answer(unknown_answer)
    # Each window began at that account's last counted failure: a real service that takes
    # longer to refuse a known account may put them a second apart, never more.
    waits = [int(r.headers["Retry-After"]) for r in (known_answer, unknown_answer)]
    assert abs(waits[0] - waits[1]) <= 1


def test_the_right_password_during_lockout_is_429_and_the_service_is_not_called(
    client: FlaskClient, service: Service
) -> None:
    user = USERS["user"]
    fail(client, user["username"])
    before = service.calls()
    response = login_json(client, user["username"], user["password"])
    assert response.status_code == 429
    assert not signed_in(client)
    after = service.calls()
    assert (after["login"], after["get_user"]) == (before["login"], before["get_user"])


def test_other_accounts_are_not_locked_out(client: FlaskClient) -> None:
    fail(client, USERS["user"]["username"])
    assert login_json(client, USERS["admin"]["username"], USERS["admin"]["password"]).status_code == 200


def test_a_success_clears_the_count_of_its_username(client: FlaskClient) -> None:
    user = USERS["user"]
    fail(client, user["username"], LIMIT - 1)
    assert login_json(client, user["username"], user["password"]).status_code == 200
    fail(client, user["username"], LIMIT - 1)
    assert login_json(client, user["username"], user["password"]).status_code == 200


def test_a_service_outage_counts_for_nothing(client: FlaskClient, service: Service) -> None:
    user = USERS["user"]
    service.fault(operation="login", status=503)
    for _ in range(LIMIT + 1):
        assert login_json(client, user["username"], user["password"]).status_code == 503
    service.reset()
    assert login_json(client, user["username"], user["password"]).status_code == 200


def test_the_client_limit_counts_every_username_from_one_address(service: Service) -> None:
    app = make_app(service, ACME_LOGIN_LIMIT_PER_CLIENT=LIMIT)
    client = app.test_client()
    for number in range(LIMIT):
        fail(client, f"guess{number}@example.com", 1)
    response = login_json(client, USERS["admin"]["username"], USERS["admin"]["password"])
    assert answer(response)[:2] == (429, TOO_MANY)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert login_json(other, USERS["admin"]["username"], USERS["admin"]["password"]).status_code == 200


def test_a_browser_gets_the_login_page_with_429(client: FlaskClient) -> None:
    user = USERS["user"]
    fail(client, user["username"])
    page = login_form(client, user["username"], user["password"])
    assert page.status_code == 429
    assert page.mimetype == "text/html"
    assert TOO_MANY["message"] in page.text
    assert 'name="password"' in page.text
    assert int(page.headers["Retry-After"]) >= 1


def test_throttling_is_off_by_default(service: Service) -> None:
    client = make_app(service).test_client()
    fail(client, USERS["user"]["username"], 10)
    user = USERS["user"]
    assert login_json(client, user["username"], user["password"]).status_code == 200
