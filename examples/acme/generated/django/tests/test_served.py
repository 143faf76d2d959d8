"""The example project served by ``manage.py runserver`` on a database file, as it runs in production.

Django's test client runs one request at a time on an in-memory database;
what only shows under concurrent requests on a real database (SQLite's one
write lock) is tested here, over real HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from serving import served_example, sign_in_with
from support import JSON, Service

#: Requests sent at the same moment.
CONCURRENT = 20


@pytest.fixture(scope="module")
def served(service: Service, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the example project, migrated onto a fresh database file and served by runserver."""
    # Every request asks the service for the user, with the session's tokens.
    environ = {"ACME_SESSION_TTL": "0"}
    with served_example(service, tmp_path_factory.mktemp("served"), environ=environ) as (url,):
        yield url


def sign_in(url: str, key: str) -> requests.Response:
    """One API client's whole sign-in: the CSRF token, then the JSON post."""
    with requests.Session() as client:
        return sign_in_with(client, url, key)


@pytest.mark.parametrize("round", ["first sign-ins", "known users"])
def test_concurrent_sign_ins_all_succeed(served: str, round: str) -> None:
    # The two users every mode has who can sign in (a real service's users say nothing of "active").
    keys = ["admin", "user"]
    with ThreadPoolExecutor(CONCURRENT) as pool:
        answers = list(pool.map(lambda i: sign_in(served, keys[i % len(keys)]), range(CONCURRENT)))
    failed = [(a.status_code, a.headers.get("Content-Type"), a.text[:200]) for a in answers if a.status_code != 200]
    assert not failed, f"{len(failed)} of {CONCURRENT} sign-ins failed, the first: {failed[0]}"


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
    assert [a.status_code for a in answers] == [200] * CONCURRENT, [
        a.text[:200] for a in answers if a.status_code != 200
    ]
    assert service.count("refresh") - before == 1, "one refresh for the session; the other requests took its tokens"
