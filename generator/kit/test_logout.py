"""Signing out: S7, a POST that ends the session for good (a request still running included); S19, at the service."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from generator.kit.checks import assert_json_error, assert_redirect, assert_status
from generator.kit.client import IN_FLIGHT_DELAY, TTL_MARGIN, AppClient, FakeControl, FixtureUser
from generator.model import Operation


def test_s07_logout_json_is_204_and_ends_the_session(signed_in: AppClient) -> None:
    assert_status(signed_in.logout(), 204)
    assert_json_error(signed_in.me(), 401, "unauthorized")


@pytest.mark.password_form
def test_s07_logout_form_redirects_to_login(signed_in_browser: AppClient) -> None:
    _, path, _ = assert_redirect(signed_in_browser.logout())
    assert path == signed_in_browser.route("login")
    assert not signed_in_browser.signed_in()


def test_s07_logout_by_get_is_405(signed_in: AppClient) -> None:
    assert_json_error(signed_in.get(signed_in.route("logout")), 405, "method_not_allowed")
    assert signed_in.signed_in(), "a GET must not sign out"


def test_s07_old_session_cookie_no_longer_works(signed_in: AppClient) -> None:
    """Replaying the cookies from before sign-out must not sign anyone in."""
    saved = signed_in.cookies()
    assert_status(signed_in.logout(), 204)
    assert not signed_in.with_cookies(saved).signed_in(), "the signed-out session's cookies still sign in"


def test_s07_a_request_in_flight_during_sign_out_does_not_bring_the_session_back(
    signed_in: AppClient, fake: FakeControl, session_ttl: float, fetches_user: str
) -> None:
    """Another tab's request began before the sign-out and ends after it: it must not write the session back.

    A store that saves the whole session at the end of a request (an in-memory store, a cookie that carries the
    session) recreates what the sign-out deleted, and the copied cookie signs its holder in again.
    """
    saved = signed_in.cookies()
    time.sleep(session_ttl + TTL_MARGIN)  # the cached user is stale: the next request waits on the service
    fake.fault(fetches_user, delay=IN_FLIGHT_DELAY, times=1)
    answers: list[int] = []
    tab = threading.Thread(target=lambda: answers.append(signed_in.with_cookies(saved).me().status_code))
    tab.start()
    time.sleep(IN_FLIGHT_DELAY / 3)  # that request now waits on the service
    assert_status(signed_in.logout(), 204)
    tab.join(IN_FLIGHT_DELAY + 30)
    assert answers and answers[0] < 500, f"the request in flight during the sign-out answered {answers}"
    assert not signed_in.with_cookies(saved).signed_in(), "a request that ended after the sign-out brought it back"


# -- S19: signing out at the service too (specs with a logout operation) ---------------------

#: Ways the service's logout can fail; the local sign-out must happen anyway.
LOGOUT_FAILURES: dict[str, dict[str, Any]] = {"status-503": {"status": 503}, "dropped-connection": {"drop": True}}


def test_s19_sign_out_ends_the_session_at_the_service(
    either_client: AppClient, fake: FakeControl, plain_user: FixtureUser, service_logout: Operation
) -> None:
    either_client.sign_in(plain_user)
    assert fake.sessions(plain_user.key) == 1
    assert_status(either_client.logout(), *((302, 303) if either_client.browser else (204,)))
    assert fake.sessions(plain_user.key) == 0, "the service session outlived the sign-out"
    assert fake.count("logout") == 1
    assert not either_client.signed_in()


@pytest.mark.parametrize("fault", LOGOUT_FAILURES.values(), ids=LOGOUT_FAILURES.keys())
def test_s19_logout_failing_at_the_service_still_signs_out(
    signed_in: AppClient, fake: FakeControl, service_logout: Operation, fault: dict[str, Any]
) -> None:
    saved = signed_in.cookies()
    fake.fault("logout", **fault)
    assert_status(signed_in.logout(), 204)
    assert_json_error(signed_in.me(), 401, "unauthorized")
    assert not signed_in.with_cookies(saved).signed_in(), "the signed-out session's cookies still sign in"
