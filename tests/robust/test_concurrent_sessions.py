"""Concurrent sessions: 50 clients as different users, 10,000 requests, no errors, no one else's data.

The example app of a generated package runs against its fake, as the
conformance kit serves it (loopback only).  Eight users are registered
through the app's own register route, so with the fake's fixture users
(admin, user, staff) there are eleven; fifty clients, each with its own
cookie jar, sign in as one of them (so several clients share a user, each
with a session of its own) and make a bounded, seeded mix of requests:
``me``, the home page, the admin page, and now and then sign out and in
again.  Every answer must be the expected status, and every answer that
shows a user must show the client's own.

The session TTL is short, so the app refreshes users from the service while
the load runs.  Express runs too when its target is available and ready.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from generator.kit.client import FakeControl
from generator.render import generate
from generator.targets import TARGETS

from . import support

CLIENTS = 50
#: 80 per client: each client signs in, mixes its requests and signs out and in again several times, and the
#: run lasts several session TTLs, so refreshes race with requests; 10,000 took 2.5x as long for the same mix.
REQUESTS = 4_000
REGISTERED = 8
SEED = 4242
#: Seconds the app trusts its cached user: short, so refreshes happen under load.
SESSION_TTL = "2"
#: Seconds any one request may take before it counts as an error.
REQUEST_TIMEOUT = 30
PREFIX = "/auth"
JSON = {"Accept": "application/json"}


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    #: the canonical user ``me`` must show
    expected: dict


@dataclass
class Load:
    """What the clients did and saw."""

    requests: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str) -> None:
        with self.lock:
            self.requests += 1
            self.by_kind[kind] += 1

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def register_accounts(app_url: str, fake_url: str, count: int) -> list[Account]:
    """Register ``count`` users through the app, and return them with the fixture users who can sign in."""
    http = requests.Session()
    http.headers.update(JSON)
    password = "Load-pass-1 +&%"
    for n in range(count):
        token = http.get(f"{app_url}{PREFIX}/csrf", timeout=REQUEST_TIMEOUT).json()
        fields = {
            "email": f"load-{n}-{uuid.uuid4().hex[:8]}@example.com",
            "password": password,
            "first_name": f"Loader{n}",
            "last_name": "Robust",
        }
        answer = http.post(
            f"{app_url}{PREFIX}/register",
            json=fields,
            headers={token["header"]: token["csrf_token"]},
            timeout=REQUEST_TIMEOUT,
        )
        assert answer.status_code == 201, f"registering a user answered {answer.status_code}: {answer.text[:300]}"
    accounts = []
    for user in FakeControl(fake_url).users():
        if user.disabled or user.unverified or not user.expected["active"]:
            continue
        accounts.append(Account(user.username, user.password, user.expected))
    return accounts


class Client:
    """One user agent: its own cookies, signed in as one account, checking every answer it gets."""

    def __init__(self, app_url: str, account: Account, accounts: list[Account], load: Load, budget: int, seed: int):
        self.url = app_url
        self.account = account
        self.load = load
        self.budget = budget
        self.rng = random.Random(seed)
        self.http = requests.Session()
        self.http.headers.update(JSON)
        self.csrf: tuple[str, str] | None = None
        me = account.expected
        self.others = {
            str(a.expected[k])
            for a in accounts
            if a.expected["id"] != me["id"]
            for k in ("username", "first_name")
            if a.expected.get(k)
        } - {str(me.get("username")), str(me.get("first_name"))}

    def send(self, kind: str, method: str, path: str, **kwargs: object) -> requests.Response | None:
        if self.budget <= 0:
            return None
        self.budget -= 1
        self.load.note(kind)
        try:
            return self.http.request(method, self.url + path, timeout=REQUEST_TIMEOUT, allow_redirects=False, **kwargs)
        except requests.RequestException as err:
            self.fail(f"{method} {path}: {type(err).__name__}: {err}")
            return None

    def fail(self, text: str) -> None:
        self.load.error(f"{self.account.username}: {text}")

    def expect(self, response: requests.Response | None, status: int, what: str) -> bool:
        if response is None:
            return False
        if response.status_code != status:
            self.fail(f"{what} answered {response.status_code}, not {status}: {response.text[:200]!r}")
            return False
        return True

    def sign_in(self) -> None:
        token = self.send("csrf", "GET", f"{PREFIX}/csrf")
        if not self.expect(token, 200, "csrf"):
            return
        body = token.json()  # type: ignore[union-attr]
        self.csrf = (body["header"], body["csrf_token"])
        answer = self.send(
            "login",
            "POST",
            f"{PREFIX}/login",
            json={"username": self.account.username, "password": self.account.password},
            headers={self.csrf[0]: self.csrf[1]},
        )
        if self.expect(answer, 200, "login"):
            data = answer.json()  # type: ignore[union-attr]
            self.check_user(data.get("user"), "login")
            if data.get("csrf_token"):
                self.csrf = (self.csrf[0], data["csrf_token"])

    def check_user(self, shown: object, where: str) -> None:
        """The user an answer shows is this client's: the same id, username and e-mail."""
        me = self.account.expected
        if not isinstance(shown, dict):
            self.fail(f"{where}: no user in the answer")
            return
        for key in ("id", "username", "email"):
            if shown.get(key) != me.get(key):
                self.fail(f"{where}: {key} is {shown.get(key)!r}, not {me.get(key)!r} (another user's data)")

    def check_page(self, text: str, where: str) -> None:
        leaked = [name for name in self.others if name and name in text]
        if leaked:
            self.fail(f"{where}: shows other users' names {leaked}")

    def run(self) -> None:
        self.sign_in()
        while self.budget > 0:
            roll = self.rng.random()
            if roll < 0.7:
                answer = self.send("me", "GET", f"{PREFIX}/me")
                if self.expect(answer, 200, "me"):
                    self.check_user(answer.json(), "me")  # type: ignore[union-attr]
            elif roll < 0.85:
                answer = self.send("home", "GET", "/")
                if self.expect(answer, 200, "home"):
                    text = answer.text  # type: ignore[union-attr]
                    own = self.account.expected.get("first_name") or self.account.expected["username"]
                    if str(own) not in text:
                        self.fail(f"home does not greet {own!r}: {text[:200]!r}")
                    self.check_page(text, "home")
            elif roll < 0.95:
                answer = self.send("admin", "GET", "/admin")
                self.expect(answer, 200 if self.account.expected["is_admin"] else 403, "admin")
            elif self.budget >= 4:
                assert self.csrf is not None
                answer = self.send("logout", "POST", f"{PREFIX}/logout", headers={self.csrf[0]: self.csrf[1]})
                if self.expect(answer, 204, "logout"):
                    self.sign_in()


def run_load(app_url: str, accounts: list[Account]) -> Load:
    """Fifty clients, REQUESTS requests in all, each client its share; wait for all of them."""
    load = Load()
    shares = [REQUESTS // CLIENTS + (1 if i < REQUESTS % CLIENTS else 0) for i in range(CLIENTS)]
    clients = [
        Client(app_url, accounts[i % len(accounts)], accounts, load, shares[i], SEED + i) for i in range(CLIENTS)
    ]
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for future in [pool.submit(client.run) for client in clients]:
            future.result()
    return load


def load_test(target: str, package: Path, python: str) -> None:
    with support.served(package, python, {support.slug_env(package, "SESSION_TTL"): SESSION_TTL}) as app:
        accounts = register_accounts(app.app_url, app.fake_url, REGISTERED)
        assert len({a.expected["id"] for a in accounts}) >= 10, "at least ten distinct users"
        started = time.monotonic()
        load = run_load(app.app_url, accounts)
        elapsed = time.monotonic() - started
        refreshes = FakeControl(app.fake_url).count("get_user")
    support.count(f"concurrent {target}: requests", load.requests)
    support.count(f"concurrent {target}: errors", len(load.errors))
    support.count(f"concurrent {target}: distinct users", len(accounts))
    print(
        f"\nconcurrent {target}: {CLIENTS} clients, {len(accounts)} users, {load.requests} requests in "
        f"{elapsed:.1f} s ({load.requests / elapsed:.0f}/s), {dict(load.by_kind)}, "
        f"{refreshes} get_user calls at the service, {len(load.errors)} errors"
    )
    assert load.requests == REQUESTS
    assert not load.errors, f"{len(load.errors)} errors, e.g.:\n" + "\n".join(load.errors[:20])


@pytest.mark.slow
def test_flask_concurrent_sessions_stay_apart(acme_app: Path, python_venv: str) -> None:
    load_test("flask", acme_app, python_venv)


@pytest.mark.slow
def test_express_concurrent_sessions_stay_apart(robust_tmp: Path, python_venv: str) -> None:
    if not TARGETS["express"].available:
        pytest.skip("express: no template in this version of authgen")
    if not support.node_available():
        pytest.skip("express: node and npm are not installed")
    out = robust_tmp / "express-app"
    generate(support.ACME, out, ["express"])
    support.install(out / "express", python_venv)
    load_test("express", out / "express", python_venv)
