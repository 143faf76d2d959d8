"""Several instances on one Redis: the example project's switch, and the integration on Django's ``RedisCache``.

The Redis is real: Debian's ``redis-server``, started here on a free
loopback port, nothing written to disk. (The scale test of authgen serves
two instances of the example project on one Redis; these tests check the
pieces in one process.)
"""

from __future__ import annotations

import runpy
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from django_acme.usercache import cache_key
from serving import served_example, sign_in_with
from support import JSON, USERS, Agent, Service

#: The example project's settings module.
EXAMPLE_SETTINGS = Path(__file__).resolve().parent.parent / "example" / "example" / "settings.py"
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
def redis(redis_url: str, settings: Any) -> Redis:
    """The example project's Redis set-up on the test Redis, emptied for each test."""
    example = example_settings(redis_url)
    settings.CACHES = example["CACHES"]
    settings.SESSION_ENGINE = example["SESSION_ENGINE"]
    client = Redis.from_url(redis_url)
    client.flushdb()
    return client


def example_settings(redis_url: str | None, **environ: str) -> dict[str, Any]:
    """The example project's settings as they are read with ``redis_url`` in the environment (or none)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("ACME_REDIS_URL", "REDIS_URL"):
            patch.delenv(name, raising=False)
        if redis_url is not None:
            patch.setenv("ACME_REDIS_URL", redis_url)
        for name, value in environ.items():
            patch.setenv(name, value)
        return runpy.run_path(str(EXAMPLE_SETTINGS))


def redis_keys(redis: Redis, pattern: str) -> list[str]:
    return [key.decode() for key in redis.keys(pattern)]


def test_the_example_project_keeps_cache_and_sessions_in_redis_when_a_url_is_set() -> None:
    example = example_settings("redis://127.0.0.1:6399/0")
    assert example["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert example["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6399/0"
    assert example["SESSION_ENGINE"] == "django.contrib.sessions.backends.cache"
    plain = example_settings(None, REDIS_URL="redis://127.0.0.1:6398/1")
    assert plain["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6398/1"


def test_without_a_url_the_example_project_stays_on_one_instance() -> None:
    example = example_settings(None)
    assert "CACHES" not in example
    assert example["SESSION_ENGINE"] == "django.contrib.sessions.backends.file"


@pytest.mark.django_db
def test_the_session_and_the_cached_user_live_in_redis_and_sign_out_deletes_the_session(
    redis: Redis, service: Service
) -> None:
    api = Agent(browser=False)
    api.sign_in("user")
    session_key = api.client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert redis_keys(redis, f"*{session_key}")
    assert api.me().status_code == 200
    user = get_user_model().objects.get(username=USERS["user"]["expected"]["username"])
    assert redis_keys(redis, f"*{cache_key(user.pk)}")
    saved = session_key
    assert api.logout().status_code == 204
    assert not redis_keys(redis, f"*{saved}")
    replay = Agent(browser=False)
    replay.client.cookies[django_settings.SESSION_COOKIE_NAME] = saved
    assert replay.me().status_code == 401


@pytest.mark.django_db
def test_a_signed_in_request_reads_redis_once_for_its_session_and_writes_nothing(
    redis: Redis, service: Service
) -> None:
    api = Agent(browser=False)
    api.sign_in("user")
    assert api.get("/").status_code == 200  # the user is now in Redis, and kept by this process for a second
    redis.config_resetstat()
    for _ in range(3):
        assert api.get("/").status_code == 200
    # What the test itself sent (CONFIG RESETSTAT, INFO) left out; Redis 7 names subcommands "config|resetstat".
    stats = redis.info("commandstats")
    calls = {
        name: s["calls"] for name, s in stats.items() if name.split("|")[0] not in ("cmdstat_config", "cmdstat_info")
    }
    assert calls == {"cmdstat_get": 3}, "one GET per request (the session): no user read, no session written back"


@pytest.mark.django_db
def test_failed_sign_ins_are_counted_in_redis(redis: Redis, service_settings: dict[str, Any]) -> None:
    service_settings.update(LOGIN_LIMIT_PER_ACCOUNT=2, LOGIN_LIMIT_WINDOW=60)
    for _ in range(2):
        assert Agent(browser=False).login(USERS["user"]["username"], "wrong password").status_code == 401
    assert redis_keys(redis, "*")
    assert Agent(browser=False).login(USERS["user"]["username"], USERS["user"]["password"]).status_code == 429


def test_s18_instances_on_one_redis_renew_a_sessions_tokens_once(
    redis_url: str, service: Service, tmp_path: Path
) -> None:
    environ = {"ACME_REDIS_URL": redis_url, "ACME_SESSION_TTL": "0"}
    with served_example(service, tmp_path, instances=2, environ=environ) as urls:
        with requests.Session() as client:
            assert sign_in_with(client, urls[0], "user").status_code == 200
            for url in urls:  # both instances know the session, and have loaded what a signed-in request needs
                assert client.get(f"{url}/auth/me", timeout=30).status_code == 200
            cookies = client.cookies.get_dict()
        service.expire_tokens("user")
        before = service.count("refresh")
        gate = threading.Barrier(10)

        def me(number: int) -> requests.Response:
            with requests.Session() as tab:  # tabs of one browser, each request to another instance
                tab.cookies.update(cookies)
                gate.wait()
                return tab.get(f"{urls[number % len(urls)]}/auth/me", headers={"Accept": JSON}, timeout=30)

        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(me, range(10)))
    assert [a.status_code for a in answers] == [200] * 10, [a.text[:200] for a in answers if a.status_code != 200]
    assert service.count("refresh") - before == 1, (
        "one refresh in all: the instances share its lock and result in Redis"
    )
