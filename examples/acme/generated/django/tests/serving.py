"""The example project served by ``manage.py runserver`` on a database file, as it runs in production: one instance or several."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from django_acme.conf import KEYS
from support import JSON, SETTINGS, USERS, Service

#: The package's folder, where ``example/manage.py`` is.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
#: Seconds runserver may take to answer its first request.
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served_example(
    service: Service, folder: Path, *, instances: int = 1, environ: Mapping[str, str] | None = None
) -> Iterator[list[str]]:
    """The base URLs of ``instances`` runservers of the example project on one fresh database file in ``folder``.

    Each is stopped by its own process when the block ends.
    """
    env = {k: v for k, v in os.environ.items() if k not in KEYS.values() and k != "DJANGO_SETTINGS_MODULE"}
    env.update({KEYS[key]: str(value) for key, value in SETTINGS.items()})
    env.update({KEYS["BASE_URL"]: service.url, "DJANGO_DATABASE": str(folder / "db.sqlite3"), **(environ or {})})
    manage = [sys.executable, "example/manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=PACKAGE_ROOT, env=env, check=True, capture_output=True)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        urls = []
        for number in range(instances):
            port = free_port()
            with (folder / f"server-{number}.log").open("w") as log:
                servers.append(
                    subprocess.Popen(
                        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
                        cwd=PACKAGE_ROOT,
                        env=env,
                        stdout=log,
                        stderr=log,
                    )
                )
            urls.append(f"http://127.0.0.1:{port}")
        for number, (url, server) in enumerate(zip(urls, servers, strict=True)):
            _wait_until_up(url, server, folder / f"server-{number}.log")
        yield urls
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            requests.get(f"{url}/auth/csrf", timeout=1)
            return
        except requests.ConnectionError:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("runserver did not start:\n" + log.read_text())
            time.sleep(0.2)


def sign_in_with(client: requests.Session, url: str, key: str) -> requests.Response:
    """An API client's whole sign-in at ``url``: the CSRF token, then the JSON post."""
    client.headers["Accept"] = JSON
    csrf = client.get(f"{url}/auth/csrf", timeout=30).json()
    user = USERS[key]
    credentials = {"username": user["username"], "password": user["password"]}
    return client.post(f"{url}/auth/login", json=credentials, headers={csrf["header"]: csrf["csrf_token"]}, timeout=30)
