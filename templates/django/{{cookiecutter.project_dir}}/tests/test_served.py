"""The example project served by ``manage.py runserver`` on a database file, as it runs in production.

Django's test client runs one request at a time on an in-memory database;
what only shows under concurrent requests on a real database (SQLite's one
write lock) is tested here, over real HTTP.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from {{ cookiecutter.package }}.conf import KEYS
from support import JSON, SETTINGS, USERS, Service

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
#: Sign-ins sent at the same moment.
CONCURRENT = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(service: Service, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the example project, migrated onto a fresh database file and served by runserver."""
    folder = tmp_path_factory.mktemp("served")
    env = {k: v for k, v in os.environ.items() if k not in KEYS.values() and k != "DJANGO_SETTINGS_MODULE"}
    env.update({KEYS[key]: str(value) for key, value in SETTINGS.items()})
    env.update({KEYS["BASE_URL"]: service.url, "DJANGO_DATABASE": str(folder / "db.sqlite3")})
{%- if cookiecutter.has_refresh %}
    env[KEYS["SESSION_TTL"]] = "0"  # every request asks the service for the user, with the session's tokens
{%- endif %}
    manage = [sys.executable, "example/manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=PACKAGE_ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    with (folder / "server.log").open("w") as log:
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=PACKAGE_ROOT, env=env, stdout=log, stderr=log
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{url}/auth/csrf", timeout=1)
                break
            except requests.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("runserver did not start:\n" + (folder / "server.log").read_text())
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def sign_in(url: str, key: str) -> requests.Response:
    """One API client's whole sign-in: the CSRF token, then the JSON post."""
    with requests.Session() as client:
        return sign_in_with(client, url, key)


def sign_in_with(client: requests.Session, url: str, key: str) -> requests.Response:
    client.headers["Accept"] = JSON
    csrf = client.get(f"{url}/auth/csrf", timeout=30).json()
    user = USERS[key]
    credentials = {"username": user["username"], "password": user["password"]}
    return client.post(f"{url}/auth/login", json=credentials, headers={csrf["header"]: csrf["csrf_token"]}, timeout=30)


@pytest.mark.parametrize("round", ["first sign-ins", "known users"])
def test_concurrent_sign_ins_all_succeed(served: str, round: str) -> None:
    # The two users every mode has who can sign in (a real service's users say nothing of "active").
    keys = ["admin", "user"]
    with ThreadPoolExecutor(CONCURRENT) as pool:
        answers = list(pool.map(lambda i: sign_in(served, keys[i % len(keys)]), range(CONCURRENT)))
    failed = [(a.status_code, a.headers.get("Content-Type"), a.text[:200]) for a in answers if a.status_code != 200]
    assert not failed, f"{len(failed)} of {CONCURRENT} sign-ins failed, the first: {failed[0]}"
{%- if cookiecutter.has_refresh %}


def test_s18_concurrent_requests_after_expiry_refresh_once(served: str, service: Service) -> None:
    with requests.Session() as client:
        assert sign_in_with(client, served, "user").status_code == 200
        cookies = client.cookies.get_dict()
    service.expire_tokens("user")
    before = service.count("refresh")

    def me(_: int) -> requests.Response:
        with requests.Session() as tab:  # a tab of the same browser: the same session cookie
            tab.cookies.update(cookies)
            return tab.get(f"{served}/auth/me", headers={"Accept": JSON}, timeout=30)

    with ThreadPoolExecutor(CONCURRENT) as pool:
        answers = list(pool.map(me, range(CONCURRENT)))
    assert [a.status_code for a in answers] == [200] * CONCURRENT, [a.text[:200] for a in answers if a.status_code != 200]
    assert service.count("refresh") - before == 1, "one refresh for the session; the other requests took its tokens"
{%- endif %}
