"""Refreshing the service's tokens: S18, still signed in across several access-token lifetimes.

The fake hands out short-lived access tokens (``POST /__fake__/tokens``); the
app must refresh them when the stored expiry has passed, or when get_user
refuses an expired one, and retry once.  Within the user cache TTL nothing
reaches the service (S12), expired token or not.  One refresh per session at
a time, and a refresh that fails signs the user out cleanly.

The tests wait for the app's user cache to expire, so they need its TTL
(``--session-ttl``; ``authgen kit`` sets it) and are skipped without it, and
without a refresh operation in the spec.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from generator.kit.checks import assert_json, assert_json_error, assert_redirect
from generator.kit.client import TTL_MARGIN, AppClient, FakeControl, FixtureUser
from generator.model import Operation

#: Seconds an access token lasts during these tests.
TOKEN_TTL = 1.0
#: Seconds the tokens a refresh hands out last where a test needs exactly one refresh.
LASTING_TOKEN_TTL = 60.0
#: Seconds between two page views of the long test.
VIEW_INTERVAL = 0.25
#: Requests of one session sent at once after expiry; one refresh must serve them all.
CONCURRENT = 10
#: Ways the refresh can fail: refused (a used or revoked refresh token), or the service unreachable.
REFRESH_FAILURES: dict[str, dict[str, Any]] = {"refused-401": {"status": 401}, "dropped-connection": {"drop": True}}


def sign_in_with_short_tokens(client: AppClient, fake: FakeControl, user: FixtureUser) -> None:
    """Sign ``user`` in with access tokens that last :data:`TOKEN_TTL` seconds."""
    fake.token_ttl(TOKEN_TTL)
    client.sign_in(user)


def test_s18_signed_in_across_several_token_lifetimes(
    api: AppClient, fake: FakeControl, plain_user: FixtureUser, refresh: Operation, session_ttl: float
) -> None:
    """Page views until the app has refreshed twice (two user-cache periods, each ending after the
    token expired) and at least three token lifetimes have passed: all 200, never a new sign-in."""
    sign_in_with_short_tokens(api, fake, plain_user)
    logins = fake.count("login")
    began = time.monotonic()
    give_up = began + 3 * (session_ttl + TTL_MARGIN)  # a slow machine gets a third cache period
    views = 0
    while time.monotonic() < give_up and (fake.count("refresh") < 2 or time.monotonic() - began < 3 * TOKEN_TTL):
        assert_json(api.me(), 200)
        assert_json(api.get("/"), 200)
        views += 1
        time.sleep(VIEW_INTERVAL)
    assert fake.count("login") == logins, "the app signed in again instead of refreshing"
    seconds = time.monotonic() - began
    assert fake.count("refresh") >= 2, f"{views} page views over {seconds:.0f} s, {TOKEN_TTL} s tokens: not 2 refreshes"


def test_s18_token_refused_by_the_service_is_refreshed_and_get_user_retried(
    api: AppClient, fake: FakeControl, plain_user: FixtureUser, refresh: Operation, session_ttl: float
) -> None:
    """The stored expiry has not passed, yet the service says the token expired: refresh, retry, 200."""
    api.sign_in(plain_user)
    fake.expire(plain_user.key)
    time.sleep(session_ttl + TTL_MARGIN)
    assert_json(api.me(), 200)
    assert fake.count("refresh") == 1
    assert api.signed_in()


def test_s18_no_service_call_within_the_user_cache_ttl_even_with_an_expired_token(
    api: AppClient, fake: FakeControl, plain_user: FixtureUser, refresh: Operation, session_ttl: float
) -> None:
    if session_ttl < TOKEN_TTL + 1.5:
        pytest.skip(f"needs a user cache TTL above {TOKEN_TTL + 1.5} s to see a token expire within it")
    sign_in_with_short_tokens(api, fake, plain_user)
    before = fake.calls()
    time.sleep(TOKEN_TTL + 0.2)
    for _ in range(3):
        assert_json(api.me(), 200)
    after = fake.calls()
    assert (after["get_user"], after["refresh"]) == (before["get_user"], before["refresh"])


def test_s18_concurrent_requests_after_expiry_cause_one_refresh(
    api: AppClient, fake: FakeControl, plain_user: FixtureUser, refresh: Operation, session_ttl: float
) -> None:
    """The fake's refresh tokens work once: a second refresh would sign the user out."""
    sign_in_with_short_tokens(api, fake, plain_user)
    time.sleep(session_ttl + TTL_MARGIN)
    # The refreshed token lasts: on a loaded machine the last of the requests must not see it expire too.
    fake.token_ttl(LASTING_TOKEN_TTL)
    clients = [api.with_cookies(api.cookies()) for _ in range(CONCURRENT)]
    statuses: list[int] = []
    gate = threading.Barrier(CONCURRENT)

    def view(client: AppClient) -> None:
        gate.wait()
        statuses.append(client.me().status_code)

    threads = [threading.Thread(target=view, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * CONCURRENT
    assert fake.count("refresh") == 1
    assert api.signed_in()


@pytest.mark.parametrize("fault", REFRESH_FAILURES.values(), ids=REFRESH_FAILURES.keys())
def test_s18_failed_refresh_signs_out_json_with_401(
    api: AppClient,
    fake: FakeControl,
    plain_user: FixtureUser,
    refresh: Operation,
    session_ttl: float,
    fault: dict[str, Any],
) -> None:
    sign_in_with_short_tokens(api, fake, plain_user)
    fake.fault("refresh", **fault)
    time.sleep(session_ttl + TTL_MARGIN)
    assert_json_error(api.me(), 401, "unauthorized")
    assert_json_error(api.get("/"), 401, "unauthorized")
    refreshes = fake.count("refresh")
    assert refreshes == 1, f"expected one refresh attempt, then a cleared session; the service saw {refreshes}"


def test_s18_failed_refresh_sends_the_browser_to_login(
    browser: AppClient, fake: FakeControl, plain_user: FixtureUser, refresh: Operation, session_ttl: float
) -> None:
    sign_in_with_short_tokens(browser, fake, plain_user)
    fake.fault("refresh", status=503)
    time.sleep(session_ttl + TTL_MARGIN)
    for _ in range(2):
        _, path, query = assert_redirect(browser.get("/"))
        assert path == browser.route("login")
        assert query.get("next") == ["/"]
    refreshes = fake.count("refresh")
    assert refreshes == 1, f"expected one refresh attempt, then a cleared session; the service saw {refreshes}"
