"""Failed sign-ins: the per-account and per-client limits (``LOGIN_LIMIT_*``), and their settings."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import checks
from django.core.cache import caches

from django_acme.conf import read_settings
from support import USERS, Agent, Service

pytestmark = pytest.mark.django_db

LIMIT = 3
WINDOW = 60
UNKNOWN = "nobody@example.invalid"
TOO_MANY = {
    "error": {"code": "too_many_attempts", "message": "Too many failed sign-in attempts. Try again later."},
}


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Every test counts from nothing (the counts live in the ``default`` cache)."""
    caches["default"].clear()


def limit(settings: Any, **limits: Any) -> None:
    settings.ACME = {**settings.ACME, "LOGIN_LIMIT_WINDOW": WINDOW, **limits}


def fail(agent: Agent, username: str) -> Any:
    return agent.login(username, "not-the-password")


def correct(agent: Agent, key: str = "user") -> Any:
    return agent.login(USERS[key]["username"], USERS[key]["password"])


def assert_throttled(response: Any, window: int = WINDOW) -> None:
    assert response.status_code == 429, response.content[:300]
    assert 1 <= int(response["Retry-After"]) <= window
    assert response.json() == TOO_MANY


def test_off_by_default(api: Agent) -> None:
    assert read_settings()[0].login_limit_per_account == 0
    for _ in range(10):
        assert fail(api, USERS["user"]["username"]).status_code == 401


def test_per_account_limit_answers_429_with_retry_after(settings: Any, api: Agent) -> None:
    limit(settings, LOGIN_LIMIT_PER_ACCOUNT=LIMIT)
    username = USERS["user"]["username"]
    for _ in range(LIMIT):
        assert fail(api, username).status_code == 401
    assert_throttled(fail(api, username))
    assert_throttled(fail(Agent(browser=False), f"  {username.upper()} "))  # counted as submitted: trimmed, case-folded
    assert correct(Agent(browser=False), "admin").status_code == 200, "other accounts are not refused"


def test_known_and_unknown_accounts_get_the_same_answers(settings: Any, api: Agent) -> None:
    limit(settings, LOGIN_LIMIT_PER_ACCOUNT=LIMIT)
    answers = {}
    for username in (USERS["user"]["username"], UNKNOWN):
        agent = Agent(browser=False)
        answers[username] = [
            (r.status_code, r.json(), r.has_header("Retry-After"))
            for r in (fail(agent, username) for _ in range(LIMIT + 2))
        ]
    known, unknown = answers.values()
    assert known == unknown
    assert [status for status, _, _ in known] == [401] * LIMIT + [429, 429]


def test_the_right_password_during_a_lockout_is_429_without_asking_the_service(
    settings: Any, api: Agent, service: Service
) -> None:
    limit(settings, LOGIN_LIMIT_PER_ACCOUNT=LIMIT)
    for _ in range(LIMIT):
        fail(api, USERS["user"]["username"])
    calls = service.count("login")
    assert_throttled(correct(api))
    assert service.count("login") == calls, "the service was not asked"
    assert not api.signed_in()


def test_a_success_clears_the_accounts_count(settings: Any, api: Agent) -> None:
    limit(settings, LOGIN_LIMIT_PER_ACCOUNT=LIMIT)
    username = USERS["user"]["username"]
    for _ in range(LIMIT - 1):
        fail(api, username)
    assert correct(Agent(browser=False)).status_code == 200
    for _ in range(LIMIT):
        assert fail(api, username).status_code == 401
    assert_throttled(fail(api, username))


def test_the_window_ends(settings: Any, api: Agent) -> None:
    limit(settings, LOGIN_LIMIT_PER_ACCOUNT=1, LOGIN_LIMIT_WINDOW=1)
    fail(api, USERS["user"]["username"])
    assert_throttled(correct(api), window=1)
    time.sleep(1.2)
    assert correct(api).status_code == 200


def test_per_client_limit_counts_every_username_and_survives_a_success(settings: Any) -> None:
    limit(settings, LOGIN_LIMIT_PER_CLIENT=LIMIT)
    here, elsewhere = Agent(browser=False), Agent(browser=False)
    elsewhere.client.defaults["REMOTE_ADDR"] = "192.0.2.7"
    for n in range(LIMIT - 1):
        assert fail(here, f"guess-{n}@example.invalid").status_code == 401
    assert correct(here).status_code == 200, "a success does not clear its address's count"
    assert fail(here, f"guess-{LIMIT}@example.invalid").status_code == 401
    assert_throttled(correct(here, "admin"))
    assert correct(elsewhere, "admin").status_code == 200, "another address is not refused"


def test_the_login_page_says_so_with_429(settings: Any, browser: Agent) -> None:
    limit(settings, LOGIN_LIMIT_PER_ACCOUNT=LIMIT)
    username = USERS["user"]["username"]
    for _ in range(LIMIT):
        assert fail(browser, username).status_code == 401
    response = correct(browser)
    assert response.status_code == 429 and response["Content-Type"].startswith("text/html")
    assert 1 <= int(response["Retry-After"]) <= WINDOW
    assert TOO_MANY["error"]["message"].encode() in response.content
    assert b'name="password"' in response.content, "the page is the login form again"


def test_limits_fall_back_to_the_environment() -> None:
    environ = {
        "ACME_LOGIN_LIMIT_PER_ACCOUNT": "8",
        "ACME_LOGIN_LIMIT_PER_CLIENT": "50",
        "ACME_LOGIN_LIMIT_WINDOW": "4",
    }
    read, _ = read_settings({}, environ)
    assert (read.login_limit_per_account, read.login_limit_per_client, read.login_limit_window) == (8, 50, 4.0)
    read, _ = read_settings({}, {})
    assert (read.login_limit_per_account, read.login_limit_per_client, read.login_limit_window) == (0, 0, 300.0)


def test_invalid_limits_fail_the_system_checks(settings: Any) -> None:
    limit(settings, LOGIN_LIMIT_PER_ACCOUNT="many", LOGIN_LIMIT_PER_CLIENT=-1, LOGIN_LIMIT_WINDOW=0)
    invalid = [m.msg for m in checks.run_checks() if m.id == "acme.E002"]
    for key in ("LOGIN_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_CLIENT", "LOGIN_LIMIT_WINDOW"):
        assert any(repr(key) in msg for msg in invalid), key


def test_limits_with_a_cache_that_keeps_nothing_are_a_warning(settings: Any) -> None:
    limit(settings, LOGIN_LIMIT_PER_ACCOUNT=LIMIT)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert "acme.W004" in [m.id for m in checks.run_checks()]
