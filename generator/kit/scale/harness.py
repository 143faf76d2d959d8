"""The scale test's checks and the processes they need (see the package's docstring)."""

from __future__ import annotations

import re
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

import requests

from ..client import IN_FLIGHT_DELAY, TTL_MARGIN, AppClient, FakeControl, FixtureUser
from ..errors import KitError
from ..package import KitPackage, load_package
from ..processes import Process, free_port, install_app, serve_app, start, start_fake
from ..runner import SESSION_TTL_ENV, _sigterm_as_interrupt, _stopper, app_environment
from . import SCALE_INSTALL, SCALE_TARGETS

#: The variable, formatted with the spec's upper-case slug, that points every target at Redis.
REDIS_URL_ENV = "{SLUG}_REDIS_URL"
#: The route prefix the example apps serve (the contract's default, as in the kit).
ROUTE_PREFIX = "/auth"
#: How redis-server says it is up.
REDIS_READY = re.compile(r"Ready to accept connections")
#: Seconds Redis may take to start.
REDIS_START_TIMEOUT = 20.0
#: Concurrent clients of the load phase, and the requests they make in all.
CLIENTS = 50
REQUESTS = 10_000
#: Seconds the load phase may take before it counts as failed.
LOAD_TIME_LIMIT = 300.0
#: Requests made alternately on A and B within the TTL, none of which may reach the service.
WITHIN_TTL_REQUESTS = 10
#: The user cache's TTL here: longer than the kit's, so that the first requests after a sign-in on a
#: loaded machine (a cold JVM answering its first request on B) still come within it.
SCALE_SESSION_TTL = 8
#: Clients that sign in at the same time in the load phase. All 50 at once would test how the
#: service copes with a burst of password checks (the fake answers them one core at a time, and the
#: app gives it the spec's timeout), not the shared sessions, which the 10,000 requests test.
CONCURRENT_SIGN_INS = 8
#: Seconds the access tokens last in the refresh check: expired by the time the user cache is.
SHORT_TOKEN_TTL = 1.0
#: Seconds the tokens a refresh hands out last there, so that none of the concurrent requests sees them expire too.
LASTING_TOKEN_TTL = 60.0
#: Requests of one session sent at once, half on A and half on B, once its access token has expired.
CONCURRENT_REFRESHES = 8
#: Lines of each app's output searched when a check fails, and how many of them are shown.
LOG_LINES_READ = 500
LOG_LINES_SHOWN = 30
#: An indented line: a stack frame (Java's "\tat ...", "\t... 12 more"; Python's "  File ..." and its source line).
STACK_FRAME = re.compile(r"^\s")


Say = Callable[[str], None]


class ScaleFailure(AssertionError):
    """A check of the scale test did not hold."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise ScaleFailure(message)


# -- the processes --------------------------------------------------------------


def start_redis(workdir: Path) -> tuple[Process, str]:
    """Start a throw-away Redis on a free loopback port; return it and its URL.

    :raises KitError: when redis-server is missing or does not start in time.
    """
    if shutil.which("redis-server") is None:
        raise KitError(
            subject="redis-server",
            reason="not on PATH",
            details=["install it: apt-get install -y redis-server (.ci/run does this when it is missing)"],
        )
    port = free_port()
    command = [
        "redis-server",
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(workdir),
    ]  # fmt: skip
    redis = start("redis-server", command, cwd=workdir, env={"PATH": "/usr/bin:/bin"})
    if redis.stdout.wait_for(REDIS_READY, REDIS_START_TIMEOUT) is None:
        redis.stop()
        raise redis.failure(f"did not say {REDIS_READY.pattern!r} within {REDIS_START_TIMEOUT:.0f} s")
    return redis, f"redis://127.0.0.1:{port}/0"


def redis_keys(redis_url: str) -> int:
    """How many keys the Redis at ``redis_url`` holds (``DBSIZE``, spoken in RESP over a socket)."""
    host, port = redis_url.removeprefix("redis://").split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(b"*1\r\n$6\r\nDBSIZE\r\n")
        answer = conn.recv(64)
    check(answer.startswith(b":"), f"Redis answered DBSIZE with {answer!r}")
    return int(answer[1:].split(b"\r\n")[0])


@dataclass
class Cluster:
    """Two instances of the example app on one Redis, and the fake behind them."""

    package: KitPackage
    python: str
    env: dict[str, str]
    fake: FakeControl
    redis_url: str
    apps: list[Process] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def restart(self, index: int, say: Say) -> None:
        """Stop instance ``index`` and serve it again (on a new port)."""
        self.apps[index].stop()
        say(f"stopped instance {'AB'[index]}; starting it again")
        self.apps[index], self.urls[index] = serve_app(self.package, self.python, self.env)
        say(f"instance {'AB'[index]} answering at {self.urls[index]}")


class Agent:
    """One user agent with one cookie jar, that can send each request to either instance."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.jar = requests.cookies.RequestsCookieJar()
        self._clients: dict[str, AppClient] = {}

    def on(self, index: int) -> AppClient:
        """The agent's client of instance ``index`` (0 is A, 1 is B): same cookies, that instance's URL."""
        url = self.cluster.urls[index]
        if url not in self._clients:
            client = AppClient(url, ROUTE_PREFIX, browser=False)
            client.http.cookies = self.jar
            self._clients[url] = client
        return self._clients[url]


# -- the checks ------------------------------------------------------------------


def warm_up(cluster: Cluster, user: FixtureUser) -> None:
    """Sign in, ask ``me`` and sign out once on each instance, so that no check times its first, cold requests."""
    for index in (0, 1):
        agent = Agent(cluster)
        agent.on(index).sign_in(user)
        agent.on(index).me()
        agent.on(index).logout()


def check_shared_session_and_cache(cluster: Cluster, user: FixtureUser, say: Say) -> None:
    agent = Agent(cluster)
    agent.on(0).sign_in(user)
    signed_in = time.monotonic()
    check(redis_keys(cluster.redis_url) > 0, "signed in on A, and Redis holds no key: the app does not use it")
    # Count from here rather than reset the fake: a reset would also end the session just opened.
    before = cluster.fake.calls()
    for i in range(WITHIN_TTL_REQUESTS):
        me = agent.on(i % 2).me()
        check(me.status_code == 200, f"signed in on A, me on {'AB'[i % 2]} answered {me.status_code}: {me.text[:200]}")
        check(me.json().get("username") == user.username, f"me on {'AB'[i % 2]} names another user: {me.text[:200]}")
    # The user was cached at sign-in: the requests are within its TTL only if they end within the TTL of it.
    elapsed = time.monotonic() - signed_in
    after = cluster.fake.calls()
    calls = {name: after.get(name, 0) - before.get(name, 0) for name in ("login", "get_user")}
    check(elapsed < SCALE_SESSION_TTL, f"the {WITHIN_TTL_REQUESTS} requests took {elapsed:.1f} s, not within the TTL")
    check(
        (calls.get("login", 0), calls.get("get_user", 0)) == (0, 0),
        f"within the TTL the service was called: login {calls.get('login', 0)}, get_user {calls.get('get_user', 0)}",
    )
    say(f"ok: signed in on A, {WITHIN_TTL_REQUESTS} requests on A and B in {elapsed:.2f} s, 0 service calls")


def check_sign_out_everywhere(cluster: Cluster, user: FixtureUser, say: Say) -> tuple[dict[str, str], Agent]:
    """Sign out on B; the old cookie must be refused on A at once. Returns that cookie and a live agent."""
    leaving = Agent(cluster)
    leaving.on(0).sign_in(user)
    saved = leaving.on(0).cookies()
    staying = Agent(cluster)
    staying.on(1).sign_in(user)
    out = leaving.on(1).logout()
    check(out.status_code == 204, f"sign-out on B answered {out.status_code}: {out.text[:200]}")
    for index in (0, 1):
        replay = leaving.on(index).with_cookies(saved).me()
        check(replay.status_code == 401, f"the signed-out cookie on {'AB'[index]} answered {replay.status_code}")
    check(staying.on(0).me().status_code == 200, "another session of the same user was ended by the sign-out")
    say("ok: signed out on B, the old cookie is refused on A and B at once")
    return saved, staying


def check_restart(cluster: Cluster, saved: dict[str, str], staying: Agent, say: Say) -> None:
    cluster.restart(0, say)
    replay = Agent(cluster).on(0).with_cookies(saved).me()
    check(replay.status_code == 401, f"after A restarted, the signed-out cookie answered {replay.status_code}")
    live = staying.on(0).me()
    check(live.status_code == 200, f"after A restarted, a live session answered {live.status_code}: {live.text[:200]}")
    say("ok: A restarted; the signed-out cookie is still refused, the live session still works")


def check_after_the_ttl(cluster: Cluster, users: list[FixtureUser], say: Say) -> None:
    """What must hold once the cached users are stale, after one wait of the TTL shared by both checks."""
    disabled = [Agent(cluster), Agent(cluster)]
    for index, agent in enumerate(disabled):
        agent.on(index).sign_in(users[0])
    leaving = Agent(cluster)
    leaving.on(0).sign_in(users[1])
    cluster.fake.disable(users[0].key)
    try:
        time.sleep(SCALE_SESSION_TTL + TTL_MARGIN)
        check_sign_out_during_a_request(cluster, leaving, say)
        check_disabled_user(disabled, say)
    finally:
        cluster.fake.reset()


def check_sign_out_during_a_request(cluster: Cluster, agent: Agent, say: Say) -> None:
    """Sign out on B while a request of the same session waits on the service on A.

    That request must neither fail (Spring Session refuses to save a session deleted meanwhile, and a servlet
    container answers the refusal with a 500) nor bring the session back (a store that writes the whole session
    back at the end of a request would): afterwards the cookie is refused on A and on B.
    """
    saved = agent.on(0).cookies()
    cluster.fake.fault("get_user", delay=IN_FLIGHT_DELAY, times=1)
    answers: list[int | str] = []

    def in_flight() -> None:
        try:
            answers.append(agent.on(0).with_cookies(saved).me().status_code)
        except requests.RequestException as err:
            answers.append(f"{type(err).__name__}: {err}")

    thread = threading.Thread(target=in_flight, daemon=True)
    thread.start()
    time.sleep(IN_FLIGHT_DELAY / 3)  # A's request now waits on the service
    out = agent.on(1).with_cookies(saved).logout()
    thread.join(LOAD_TIME_LIMIT)
    check(out.status_code == 204, f"sign-out on B during a request on A answered {out.status_code}: {out.text[:200]}")
    check(
        bool(answers) and isinstance(answers[0], int) and answers[0] < 500,
        f"a request on A in flight during the sign-out on B answered {answers[0] if answers else 'nothing'}",
    )
    for index in (0, 1):
        replay = Agent(cluster).on(index).with_cookies(saved).me()
        check(
            replay.status_code == 401,
            f"after a request on A ended during the sign-out on B, the cookie on {'AB'[index]} answered "
            f"{replay.status_code}: the session came back",
        )
    say(f"ok: signed out on B during a request on A: that request answered {answers[0]}, the cookie is refused after")


def check_disabled_user(agents: list[Agent], say: Say) -> None:
    """A user disabled at the service is refused on A and on B, each instance refreshing a session of its own."""
    for index, agent in enumerate(agents):
        me = agent.on(index).me()
        check(me.status_code == 401, f"a disabled user on {'AB'[index]} after the TTL: {me.status_code}")
        other = agent.on(1 - index).me()
        check(other.status_code == 401, f"then on {'AB'[1 - index]}: {other.status_code}")
    say("ok: a user disabled at the service is refused on A and B after the TTL")


def check_shared_refresh(cluster: Cluster, user: FixtureUser, say: Say) -> None:
    """Requests of one session on A and on B at once, its access token expired: one refresh serves both.

    The fake rotates refresh tokens, so when A and B each refresh the session, the second refresh is refused and
    signs the user out. The instances must share the renewal through Redis, as they share the session.
    """
    agent = Agent(cluster)
    cluster.fake.token_ttl(SHORT_TOKEN_TTL)
    try:
        agent.on(0).sign_in(user)
        time.sleep(SCALE_SESSION_TTL + TTL_MARGIN)
        # The refreshed token lasts: on a loaded machine the last of the requests must not see it expire too.
        cluster.fake.token_ttl(LASTING_TOKEN_TTL)
        before = cluster.fake.count("refresh")
        gate = threading.Barrier(CONCURRENT_REFRESHES)
        statuses: list[tuple[str, int | str]] = []

        def view(index: int) -> None:
            app = agent.on(index).with_cookies(agent.on(index).cookies())
            try:
                gate.wait(timeout=30)
                statuses.append(("AB"[index], app.me().status_code))
            except (requests.RequestException, threading.BrokenBarrierError) as err:
                statuses.append(("AB"[index], f"{type(err).__name__}: {err}"))

        threads = [threading.Thread(target=view, args=(n % 2,), daemon=True) for n in range(CONCURRENT_REFRESHES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(LOAD_TIME_LIMIT)
        refreshes = cluster.fake.count("refresh") - before
        failed = [f"{name}: {status}" for name, status in statuses if status != 200]
        check(
            len(statuses) == CONCURRENT_REFRESHES and not failed,
            f"{CONCURRENT_REFRESHES} requests of one session on A and B after its token expired, "
            f"{refreshes} refreshes: {failed or f'only {len(statuses)} answered'}",
        )
        for index in (0, 1):
            me = agent.on(index).me()
            check(
                me.status_code == 200,
                f"after {refreshes} refreshes on A and B, me on {'AB'[index]} answered {me.status_code}: "
                f"{me.text[:200]}",
            )
    finally:
        cluster.fake.reset()
    say(
        f"ok: {CONCURRENT_REFRESHES} requests of one session on A and B at once after its token expired: "
        f"all 200, {refreshes} refresh{'' if refreshes == 1 else 'es'}, still signed in on both"
    )


@dataclass
class LoadResult:
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> bool:
        """Count one more request; False once the budget is spent."""
        with self.lock:
            if self.requests >= REQUESTS:
                return False
            self.requests += 1
            return True

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)


def check_load(cluster: Cluster, users: list[FixtureUser], say: Say) -> None:
    """50 clients, as several users, make 10,000 requests in all on A and B: no error, no one else's user."""
    result = LoadResult()
    deadline = time.monotonic() + LOAD_TIME_LIMIT
    signing_in = threading.BoundedSemaphore(CONCURRENT_SIGN_INS)

    def client(number: int) -> None:
        user = users[number % len(users)]
        agent = Agent(cluster)
        step = number
        try:
            if not (result.take() and result.take()):  # the CSRF token and the sign-in
                return
            with signing_in:
                agent.on(step % 2).sign_in(user)
            while time.monotonic() < deadline and result.take():
                step += 1
                app = agent.on(step % 2)
                if step % 4:
                    me = app.me()
                    if me.status_code != 200:
                        result.error(f"{user.key}: me on {'AB'[step % 2]} answered {me.status_code}")
                    elif me.json().get("username") != user.username:
                        with result.lock:
                            result.leaks.append(f"{user.key} was answered as {me.json().get('username')!r}")
                else:
                    home = app.get("/")
                    if home.status_code != 200:
                        result.error(f"{user.key}: / on {'AB'[step % 2]} answered {home.status_code}")
        except (requests.RequestException, AssertionError, ValueError) as err:
            result.error(f"{user.key}: {type(err).__name__}: {err}")

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + 5)
    elapsed = time.monotonic() - started
    check(all(not t.is_alive() for t in threads), f"the load did not finish within {LOAD_TIME_LIMIT:.0f} s")
    check(not result.errors, f"{len(result.errors)} errors under load, first: {result.errors[:3]}")
    check(not result.leaks, f"{len(result.leaks)} answers named another user: {result.leaks[:3]}")
    check(result.requests == REQUESTS, f"only {result.requests} of {REQUESTS} requests were made in time")
    say(
        f"ok: {CLIENTS} clients as {len(users)} users, {result.requests} requests on A and B "
        f"in {elapsed:.1f} s ({result.requests / elapsed:.0f}/s): 0 errors, 0 leaks"
    )


# -- the run ---------------------------------------------------------------------


def usable_users(fake: FakeControl) -> list[FixtureUser]:
    """The fixture users that can sign in: enabled at the service, active in their record, and verified."""
    return [u for u in fake.users() if not u.disabled and not u.unverified and u.expected.get("active")]


def run_scale(package: Path, *, python: str | None = None, quiet: bool = False, install: bool = True) -> int:
    """Run the scale test against ``package``'s example app; 0 when every check held, 1 when one failed.

    ``install=False`` serves the app as an earlier run built it (with its Redis support installed).

    :raises KitError: when Redis, the fake or an app cannot be set up.
    """
    say: Say = (lambda _msg: None) if quiet else (lambda msg: print(f"scale: {msg}", file=sys.stderr, flush=True))
    python = python or sys.executable
    pkg = load_package(package)
    if pkg.target.name not in SCALE_TARGETS:
        raise KitError(subject=pkg.target.name, reason="its example app cannot share a Redis yet")
    missing = pkg.target.missing_toolchains()
    if missing:
        raise KitError(subject=pkg.target.name, reason=f"cannot run here: {', '.join(missing)} not on PATH")
    with _sigterm_as_interrupt(), ExitStack() as running:
        workdir = Path(running.enter_context(tempfile.TemporaryDirectory(prefix="authgen-scale-")))
        redis, redis_url = start_redis(workdir)
        running.callback(_stopper(redis, say))
        say(f"redis listening at {redis_url}")
        fake_process, fake_url = start_fake(pkg, python)
        running.callback(_stopper(fake_process, say))
        env = app_environment(pkg, fake_url)
        env[SESSION_TTL_ENV.format(SLUG=pkg.spec.service.slug.upper())] = str(SCALE_SESSION_TTL)
        env[REDIS_URL_ENV.format(SLUG=pkg.spec.service.slug.upper())] = redis_url
        env["TMPDIR"] = str(workdir)
        if install:
            say(f"installing the example app in {pkg.root}")
            install_app(with_redis_install(pkg), python, env)
        cluster = Cluster(pkg, python, env, FakeControl(fake_url), redis_url)
        running.callback(lambda: [_stopper(app, say)() for app in cluster.apps])
        for name in "AB":
            app, url = serve_app(pkg, python, env)
            cluster.apps.append(app)
            cluster.urls.append(url)
            say(f"instance {name} answering at {url}")
        users = usable_users(cluster.fake)
        if len(users) < 2:
            raise KitError(subject=pkg.target.name, reason="the fake has fewer than two users that can sign in")
        try:
            warm_up(cluster, users[1])
            check_shared_session_and_cache(cluster, users[0], say)
            saved, staying = check_sign_out_everywhere(cluster, users[0], say)
            check_restart(cluster, saved, staying, say)
            check_after_the_ttl(cluster, users, say)
            if pkg.spec.has("refresh"):
                check_shared_refresh(cluster, users[0], say)
            check_load(cluster, users, say)
        except ScaleFailure as failure:
            say(f"FAILED: {failure}")
            for name, app in zip("AB", cluster.apps, strict=True):
                for line in app_log(app):
                    print(f"  {name} | {line}", file=sys.stderr)
            return 1
        say("all checks held")
        return 0


def app_log(app: Process) -> list[str]:
    """The app's last log lines, stack frames left out so that the exceptions' messages show."""
    lines = [line for line in app.last_output(LOG_LINES_READ) if not STACK_FRAME.match(line)]
    return lines[-LOG_LINES_SHOWN:]


def with_redis_install(pkg: KitPackage) -> KitPackage:
    """``pkg`` with the target's install commands for its Redis support, where they differ from the kit's."""
    commands = SCALE_INSTALL.get(pkg.target.name)
    return pkg if commands is None else replace(pkg, target=replace(pkg.target, kit_install=commands))
