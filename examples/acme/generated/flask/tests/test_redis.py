"""Several instances of the app on one Redis (ACME_REDIS_URL): sessions and sign-in counts shared.

Each instance is an app of its own with its own signed-out file, as on
another machine, so only Redis can carry what one instance did to the
others. The Redis is real: Debian's ``redis-server``, started here on a free
loopback port, nothing written to disk.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from support import JSON, PREFIX, USERS, Service, csrf_token, error_of, login_json, make_app, session_cookie, sign_in

#: Seconds redis-server may take to answer.
REDIS_START_TIMEOUT = 10.0


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis of this module's own on a free loopback port, stopped by its pid at the end."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server): the Redis tests did NOT run")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + REDIS_START_TIMEOUT
        while True:
            try:
                Redis.from_url(url).ping()
                break
            except RedisConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def redis(redis_url: str) -> Redis:
    """The shared Redis, emptied for each test."""
    client = Redis.from_url(redis_url)
    client.flushdb()
    return client


@pytest.fixture
def instance(service: Service, redis_url: str, redis: Redis, tmp_path: Path) -> Callable[..., Flask]:
    """Make an instance of the app on the shared Redis, with a signed-out file of its own: ``instance("a")``."""

    def make(name: str, **config: object) -> Flask:
        return make_app(
            service,
            ACME_REDIS_URL=redis_url,
            ACME_SIGNED_OUT_DB=str(tmp_path / f"{name}-signed-out.sqlite3"),
            **config,
        )

    return make


def carry(cookie: str, app: Flask) -> FlaskClient:
    """A client of ``app`` holding the session cookie ``cookie``, as a balancer would send it there."""
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    return client


def logout(client: FlaskClient) -> int:
    return client.post(f"{PREFIX}/logout", headers={**JSON, "X-CSRFToken": csrf_token(client)}).status_code


def test_the_session_is_kept_in_redis_and_the_cookie_holds_only_its_id(
    instance: Callable[..., Flask], redis: Redis
) -> None:
    app = instance("a")
    client = app.test_client()
    user = sign_in(client)
    cookie = session_cookie(app, client)
    assert cookie and redis.exists(f"acme:session:{cookie}")
    assert user["username"] not in cookie


def test_a_session_started_on_one_instance_works_on_another_without_calling_the_service(
    instance: Callable[..., Flask], service: Service
) -> None:
    a, b = instance("a"), instance("b")
    client = a.test_client()
    user = sign_in(client)
    before = service.calls()
    me = carry(session_cookie(a, client), b).get(f"{PREFIX}/me", headers=JSON)
    assert me.status_code == 200
    assert me.get_json()["username"] == user["expected"]["username"]
    assert service.calls().get("get_user", 0) == before.get("get_user", 0)


def test_signing_out_on_one_instance_ends_the_session_on_every_instance_and_after_a_restart(
    instance: Callable[..., Flask],
) -> None:
    a, b = instance("a"), instance("b")
    client = a.test_client()
    sign_in(client)
    cookie = session_cookie(a, client)
    assert logout(carry(cookie, b)) == 204
    assert carry(cookie, a).get(f"{PREFIX}/me", headers=JSON).status_code == 401
    restarted = instance("a-restarted")
    assert carry(cookie, restarted).get(f"{PREFIX}/me", headers=JSON).status_code == 401


def test_a_request_that_ran_while_another_instance_signed_the_session_out_does_not_bring_it_back(
    instance: Callable[..., Flask], redis: Redis
) -> None:
    """A request on A reads the session, B signs it out, then A's request ends and saves the session as it ends."""
    a, b = instance("a"), instance("b")
    client = a.test_client()
    sign_in(client)
    cookie = session_cookie(a, client)
    assert cookie
    with a.test_request_context(f"{PREFIX}/me", headers={"Cookie": f"{a.config['SESSION_COOKIE_NAME']}={cookie}"}):
        running = a.session_interface.open_session(a, request)
        assert running, "the request on A sees the signed-in session"
        assert logout(carry(cookie, b)) == 204
        running["seen"] = True  # what the request changed, as a refreshed user does
        a.session_interface.save_session(a, running, a.response_class())
    assert not redis.exists(f"acme:session:{cookie}")
    assert carry(cookie, a).get(f"{PREFIX}/me", headers=JSON).status_code == 401


def test_failed_sign_ins_are_counted_across_instances(instance: Callable[..., Flask]) -> None:
    limits = {"ACME_LOGIN_LIMIT_PER_ACCOUNT": 2, "ACME_LOGIN_LIMIT_WINDOW": 60}
    a, b = instance("a", **limits), instance("b", **limits)
    username = USERS["user"]["username"]
    for app in (a, b):
        assert login_json(app.test_client(), username, "wrong password").status_code == 401
    refused = login_json(a.test_client(), username, USERS["user"]["password"])
    assert refused.status_code == 429
    assert error_of(refused)["code"] == "too_many_attempts"


def test_s18_concurrent_requests_on_several_instances_refresh_once(
    instance: Callable[..., Flask], service: Service, redis: Redis
) -> None:
    service.token_lifetime(1)
    ttl = {"ACME_SESSION_TTL": 0.2}
    a, b, c = instance("a", **ttl), instance("b", **ttl), instance("c", **ttl)
    client = a.test_client()
    sign_in(client)
    cookie = session_cookie(a, client)
    assert cookie
    service.token_lifetime(300)
    time.sleep(1.1)
    tabs = [carry(cookie, app) for app in (a, b, c) for _ in range(4)]
    with ThreadPoolExecutor(len(tabs)) as pool:
        statuses = list(pool.map(lambda tab: tab.get(f"{PREFIX}/me", headers=JSON).status_code, tabs))
    assert statuses == [200] * len(tabs)
    assert service.calls()["refresh"] == 1, "one refresh for every instance, through the lock in Redis"
    assert not redis.keys("acme:refresh:lock:*"), "the lock is released"
