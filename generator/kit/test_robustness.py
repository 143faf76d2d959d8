"""Hostile input and load: a body nested too deep, and many sign-ins at once (docs/http-contract.md, "Robustness")."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from generator.kit.checks import assert_json, assert_json_error, assert_no_internals, describe
from generator.kit.client import JSON, AppClient, ClientFactory, FixtureUser

pytestmark = pytest.mark.password_form

#: How deep the hostile JSON body nests: past every parser's recursion limit.
DEPTH = 10_000
#: Sign-ins sent at the same moment, one thread each.
CONCURRENT = 20
#: Seconds the whole burst may take.
BURST_TIMEOUT = 120.0


def test_json_body_nested_10000_deep_is_400(api: AppClient) -> None:
    nested = '{"a": ' * (DEPTH - 1) + "1" + "}" * (DEPTH - 1)
    response = api.post_raw("login", f'{{"username": {nested}, "password": "x"}}', JSON)
    assert_json_error(response, 400, "invalid_input")
    assert_no_internals(response)
    assert not api.signed_in()


def test_json_array_nested_10000_deep_is_400(api: AppClient) -> None:
    response = api.post_raw("login", "[" * DEPTH + "]" * DEPTH, JSON)
    assert_json_error(response, 400, "invalid_input")
    assert_no_internals(response)


def test_20_concurrent_sign_ins_all_succeed(
    new_client: ClientFactory, plain_user: FixtureUser, admin_user: FixtureUser
) -> None:
    """Twenty clients, each with its own session and token, post their sign-ins at one moment."""
    users = [plain_user if i % 2 else admin_user for i in range(CONCURRENT)]
    clients = [new_client() for _ in users]
    tokens = [client.csrf() for client in clients]
    start = threading.Barrier(CONCURRENT, timeout=BURST_TIMEOUT)

    def sign_in(index: int) -> requests.Response:
        client, user, token = clients[index], users[index], tokens[index]
        start.wait()
        return client.request(
            "POST",
            client.route("login"),
            json={"username": user.username, "password": user.password},
            headers={token.header: token.token},
        )

    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        responses = list(pool.map(sign_in, range(CONCURRENT), timeout=BURST_TIMEOUT))
    failed = [describe(r) for r in responses if r.status_code != 200]
    assert not failed, f"{len(failed)} of {CONCURRENT} concurrent sign-ins failed, e.g. {failed[0]}"
    for client, user in zip(clients, users, strict=True):
        assert assert_json(client.me(), 200)["username"] == user.expected["username"]
