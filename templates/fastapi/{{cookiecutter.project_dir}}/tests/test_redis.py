"""Several instances of the app on one Redis ({{ cookiecutter.config_prefix }}_REDIS_URL): sessions and sign-in counts shared.

Each instance is an app of its own with its own session file, as on
another machine, so only Redis can carry what one instance did to the
others. The Redis is real: Debian's ``redis-server``, started here on a free
loopback port, nothing written to disk.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from {{ cookiecutter.package }}.config import SESSION_KEY
from support import (
    HTML,
    JSON,
    PREFIX,
    SESSION_TTL,
    TIMEOUT,
    USERS,
    Clock,
    Service,
    browser,
    cookie_contents,
    error_of,
    json_headers,
    login_json,
    logout,
    make_app,
    session_cookie,
    sign_in,
)

pytestmark = pytest.mark.anyio

{% include "redis_server.py" %}

@pytest.fixture
def redis(redis_url: str) -> Redis:
    """The shared Redis, emptied for each test."""
    client = Redis.from_url(redis_url)
    client.flushdb()
    return client


@pytest.fixture
def instance(service: Service, redis_url: str, redis: Redis, tmp_path: Path) -> Callable[..., FastAPI]:
    """Make an instance of the app on the shared Redis, with a session file of its own: ``instance("a")``."""

    def make(name: str, **settings: Any) -> FastAPI:
        return make_app(service, redis_url=redis_url, session_db=str(tmp_path / f"{name}-sessions.sqlite3"), **settings)

    return make


async def test_the_session_is_kept_in_redis_and_the_cookie_holds_only_its_id(
    instance: Callable[..., FastAPI], redis: Redis
) -> None:
    client = browser(instance("a"))
    user = await sign_in(client)
    cookie = session_cookie(client)
    assert cookie
    contents = cookie_contents(cookie)
    assert redis.exists(f"{{ cookiecutter.slug }}:session:{contents[SESSION_KEY]['id']}")
    assert user["username"] not in str(contents)


async def test_a_session_started_on_one_instance_works_on_another_without_calling_the_service(
    instance: Callable[..., FastAPI], service: Service
) -> None:
    a, b = instance("a"), instance("b")
    client = browser(a)
    user = await sign_in(client)
    before = service.calls()
    me = await browser(b, cookie=session_cookie(client)).get(f"{PREFIX}/me", headers=JSON)
    assert me.status_code == 200
    assert me.json()["username"] == user["expected"]["username"]
    assert service.calls()["get_user"] == before["get_user"]


async def test_signing_out_on_one_instance_ends_the_session_on_every_instance_and_after_a_restart(
    instance: Callable[..., FastAPI],
) -> None:
    a, b = instance("a"), instance("b")
    client = browser(a)
    await sign_in(client)
    cookie = session_cookie(client)
    assert await logout(browser(b, cookie=cookie)) == 204
    assert (await browser(a, cookie=cookie).get(f"{PREFIX}/me", headers=JSON)).status_code == 401
    restarted = instance("a-restarted")
    assert (await browser(restarted, cookie=cookie).get(f"{PREFIX}/me", headers=JSON)).status_code == 401


async def test_a_request_in_flight_on_one_instance_does_not_bring_back_a_session_signed_out_on_another(
    instance: Callable[..., FastAPI], service: Service, clock: Clock
) -> None:
    a, b = instance("a"), instance("b")
    client = browser(a)
    await sign_in(client)
    cookie = session_cookie(client)
    service.fault(operation="get_user", delay=TIMEOUT / 2, times=1)
    clock.advance(SESSION_TTL + 1)

    async def sign_out_on_b() -> int:
        await asyncio.sleep(TIMEOUT / 10)
        return await logout(browser(b, cookie=cookie))

    _, signed_out = await asyncio.gather(browser(a, cookie=cookie).get(f"{PREFIX}/me"), sign_out_on_b())
    assert signed_out == 204
    for app in (a, b):
        assert (await browser(app, cookie=cookie).get(f"{PREFIX}/me", headers=JSON)).status_code == 401


@pytest.fixture
def dead_redis_url() -> str:
    """A Redis URL where nothing answers: a loopback port that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{probe.getsockname()[1]}/0"


async def test_redis_down_fails_closed_with_503_in_the_contracts_shape(
    instance: Callable[..., FastAPI], service: Service, dead_redis_url: str
) -> None:
    client = browser(instance("a"))
    await sign_in(client)
    down = make_app(service, redis_url=dead_redis_url, login_limit_per_account=3)
    carried = browser(down, cookie=session_cookie(client))
    for response in (
        await carried.get(f"{PREFIX}/me", headers=JSON),
        await carried.get("/", headers=JSON),
        await login_json(browser(down), USERS["user"]["username"], USERS["user"]["password"]),
    ):
        assert (response.status_code, error_of(response)["code"]) == (503, "service_unavailable")
    page = await carried.get("/", headers=HTML)
    assert page.status_code == 503 and "Hello" not in page.text
    signing_out = await carried.post(f"{PREFIX}/logout", headers=await json_headers(carried))
    assert (signing_out.status_code, error_of(signing_out)["code"]) == (503, "service_unavailable")
    assert session_cookie(carried) is None, "this browser is signed out all the same"


async def test_failed_sign_ins_are_counted_across_instances(instance: Callable[..., FastAPI]) -> None:
    limits = {"login_limit_per_account": 2, "login_limit_window": 60}
    a, b = instance("a", **limits), instance("b", **limits)
    username = USERS["user"]["username"]
    for app in (a, b):
        assert (await login_json(browser(app), username, "wrong password")).status_code == 401
    refused = await login_json(browser(a), username, USERS["user"]["password"])
    assert refused.status_code == 429
    assert error_of(refused)["code"] == "too_many_attempts"
{%- if cookiecutter.has_refresh %}


async def test_s18_concurrent_requests_on_several_instances_refresh_once(
    instance: Callable[..., FastAPI], service: Service, redis: Redis, clock: Clock
) -> None:
    a, b, c = instance("a"), instance("b"), instance("c")
    client = browser(a)
    await sign_in(client)
    cookie = session_cookie(client)
    clock.advance(300 + SESSION_TTL)
    tabs = [browser(app, cookie=cookie) for app in (a, b, c) for _ in range(4)]
    responses = await asyncio.gather(*(tab.get(f"{PREFIX}/me", headers=JSON) for tab in tabs))
    assert [response.status_code for response in responses] == [200] * len(tabs)
    assert service.calls()["refresh"] == 1, "one refresh for every instance, through the lock in Redis"
    assert not redis.keys("{{ cookiecutter.slug }}:refresh:lock:*"), "the lock is released"
{%- endif %}
