"""Runtime overhead: a protected route for a signed-in user vs an unprotected route, same app, same session.

For each target whose template and toolchain are present, the generated
example app is installed and served by a real server process on loopback
(Python apps by gunicorn, not the frameworks' development servers), against
the package's own copy of the fake service, with the user cache TTL set far
beyond the run.  One API client signs in as a fixture user; then, with its
session cookie and ``Accept: application/json``:

- protected: ``GET /`` — the example app's login-required page;
- unprotected: ``GET {prefix}/csrf`` — the contract route every target has
  that needs no sign-in.  It is comparable: same app, same middleware, same
  session cookie to read, a small JSON answer, but no guard and no need for
  the user (a framework may still load the user for it; that is part of what
  the integration costs everywhere, and shows as a ratio near 1).

Both routes run in alternating rounds after a warm-up.  The fake's call
counters are read after sign-in and after the last round: every request
within the TTL must be served from the session, with 0 service calls.

Each target that can share a Redis (the scale test's targets) is measured a
second time with its sessions and user cache in a real redis-server, started
for the run on a free loopback port, the way several instances would run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import venv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .common import BENCH_DIR, log
from .loadgen import LoadResult, combine, run_load, tool_name
from .report import Row, at_most, ratio

#: Protected over unprotected p50 latency.
TARGET_LATENCY_RATIO = 1.15
#: The same with sessions and the user cache in Redis (issue 18): reading a session from Redis
#: costs both routes alike, so the guard's own share must stay smaller still.
TARGET_REDIS_LATENCY_RATIO = 1.10
#: Targets the runtime benchmark knows how to serve, in the order of the table.
RUNTIME_TARGETS = ("flask", "django", "express", "spring", "aspnetcore", "fastapi")
PROTECTED = "/"
#: Seconds the example apps cache the user during the benchmark: far beyond any run.
SESSION_TTL = 3600
#: Where the runtime benchmark keeps its virtualenv when run outside one.
VENV = BENCH_DIR / ".venv"
#: Seconds of warm-up per route; a JVM or the CLR needs longer to reach steady state.
WARMUP = {"spring": 6.0, "aspnetcore": 4.0}
DEFAULT_WARMUP = 2.0


@dataclass
class Outcome:
    """What the benchmark found for one target."""

    target: str
    available: bool
    reason: str = ""
    #: where sessions live: "process" (the single-instance default) or "redis"
    store: str = "process"
    server: str = ""
    unprotected_route: str = ""
    unprotected: dict[str, float] = field(default_factory=dict)
    protected: dict[str, float] = field(default_factory=dict)
    service_calls: int | None = None
    calls_by_operation: dict[str, int] = field(default_factory=dict)
    #: protected p50 over unprotected p50, per round (the two loads of a round run back to back)
    paired_p50_ratios: list[float] = field(default_factory=list)
    setup_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def app_python(work: Path) -> str:
    """The interpreter Python example apps are installed into.

    Inside a virtualenv (nox's), that one; otherwise benchmarks/.venv, made
    once, so the benchmark never installs packages into the interpreter
    the user runs it with.
    """
    if sys.prefix != sys.base_prefix:
        return sys.executable
    python = VENV / "bin" / "python"
    if not python.exists():
        log(f"runtime: creating {VENV} for the Python example apps")
        venv.EnvBuilder(with_pip=True).create(VENV)
    return str(python)


def measure(
    out: Path,
    *,
    targets: list[str],
    seconds: float,
    rounds: int,
    connections: int,
    work: Path,
    tool: str = "auto",
) -> tuple[list[Row], dict[str, Any]]:
    """Run the runtime benchmark for each of ``targets`` in the generated output folder ``out``."""
    from generator.kit.scale import SCALE_TARGETS

    outcomes = []
    for name in targets:
        for store in ("process", "redis") if name in SCALE_TARGETS else ("process",):
            started = time.perf_counter()
            try:
                outcome = measure_target(
                    out,
                    name,
                    seconds=seconds,
                    rounds=rounds,
                    connections=connections,
                    work=work,
                    tool=tool,
                    redis=store == "redis",
                )
            except Exception as err:  # one target's failure must not hide the others' figures
                message = str(err).strip().splitlines()
                details = getattr(err, "details", [])
                outcome = Outcome(name, False, "; ".join(message[:1] + [d.strip() for d in details[-3:]]), store)
            outcome.setup_s = time.perf_counter() - started
            if not outcome.available:
                log(f"runtime: {name} ({store}) not available: {outcome.reason}")
            outcomes.append(outcome)
    rows = [row for o in outcomes for row in outcome_rows(o)]
    return rows, {
        "load_generator": tool_name(tool),
        "seconds_per_round": seconds,
        "rounds": rounds,
        "connections": connections,
        "session_ttl_s": SESSION_TTL,
        "targets": [o.to_json() for o in outcomes],
    }


def paired_ratio(ratios: list[float]) -> float | None:
    """The median of per-round ratios: each compares two loads run back to back, so slow drifts cancel."""
    import statistics

    return statistics.median(ratios) if ratios else None


def outcome_rows(o: Outcome) -> list[Row]:
    section = f"runtime {o.target}" + (" on Redis" if o.store == "redis" else "")
    bar = TARGET_REDIS_LATENCY_RATIO if o.store == "redis" else TARGET_LATENCY_RATIO
    if not o.available:
        return [Row(section, "not available", None, "", note=o.reason)]
    un, pr = o.unprotected, o.protected
    p50 = paired_ratio(o.paired_p50_ratios) or ratio(pr["p50_ms"], un["p50_ms"])
    p99 = ratio(pr["p99_ms"], un["p99_ms"])
    rps = ratio(pr["rps"], un["rps"])
    cpu = ratio(pr.get("cpu_ms_per_request"), un.get("cpu_ms_per_request"))

    def note(figures: dict[str, float]) -> str:
        text = f"{figures['rps']:,.0f} req/s, p99 {figures['p99_ms']:.2f} ms"
        if "cpu_ms_per_request" in figures:
            text += f", server CPU {figures['cpu_ms_per_request']:.2f} ms/request"
        text += f", {figures['requests']:,} requests"
        if figures["non_2xx"] or figures["errors"]:
            text += f", {figures['non_2xx']} non-2xx, {figures['errors']} socket errors"
        return text

    medians = ratio(pr["p50_ms"], un["p50_ms"])
    extra = [f"ratio of the median p50s {medians:.2f}×" if medians else ""]
    extra += [f"p99 {p99:.2f}×" if p99 else "", f"throughput {rps:.2f}×" if rps else ""]
    extra += [f"server CPU per request {cpu:.2f}×" if cpu else "", f"server: {o.server}"]
    calls = o.service_calls
    total = int(un["requests"] + pr["requests"])
    return [
        Row(section, f"unprotected GET {o.unprotected_route}: p50 latency", un["p50_ms"], "ms", note=note(un)),
        Row(section, f"protected GET {PROTECTED} (signed in): p50 latency", pr["p50_ms"], "ms", note=note(pr)),
        Row(
            section,
            f"protected / unprotected p50 latency (median of {len(o.paired_p50_ratios)} paired rounds)",
            p50,
            "x",
            f"≤ {bar}×",
            at_most(p50, bar),
            "; ".join(e for e in extra if e),
        ),
        Row(
            section,
            f"service calls during {total:,} signed-in requests",
            float(calls) if calls is not None else None,
            "calls",
            f"0 within the TTL ({SESSION_TTL} s)",
            None if calls is None else calls == 0,
            ", ".join(f"{k} {v}" for k, v in o.calls_by_operation.items()) or "",
        ),
    ]


# -- one target ----------------------------------------------------------------


def measure_target(
    out: Path,
    name: str,
    *,
    seconds: float,
    rounds: int,
    connections: int,
    work: Path,
    tool: str = "auto",
    redis: bool = False,
) -> Outcome:
    import shutil

    from generator.kit.client import AppClient, FakeControl
    from generator.kit.package import load_package
    from generator.kit.processes import install_app, start, start_fake, wait_until_answering
    from generator.kit.runner import SESSION_TTL_ENV, app_environment
    from generator.kit.scale.harness import REDIS_URL_ENV, start_redis, with_redis_install
    from generator.targets import TARGETS, probe

    store = "redis" if redis else "process"
    target = TARGETS[name]
    if not target.available:
        return Outcome(name, False, "no template in this version of authgen", store)
    missing = [tc.command for tc in target.toolchains if probe(tc) is None]
    missing += ["redis-server"] if redis and shutil.which("redis-server") is None else []
    if missing:
        return Outcome(name, False, f"toolchain missing: {', '.join(missing)}", store)
    if not (out / name).is_dir():
        return Outcome(name, False, f"not generated into {out}", store)
    pkg = load_package(out / name)
    python = app_python(work) if target.language == "python" else sys.executable
    log(f"runtime: {name} ({store}): starting the fake")
    fake, fake_url = start_fake(pkg, sys.executable)
    app = redis_server = None
    try:
        env = app_environment(pkg, fake_url)
        env[SESSION_TTL_ENV.format(SLUG=pkg.spec.service.slug.upper())] = str(SESSION_TTL)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["TMPDIR"] = str(work / f"{name}-{store}-tmp")  # the app's temporary files stay in the run
        Path(env["TMPDIR"]).mkdir(parents=True, exist_ok=True)
        if redis:
            redis_server, redis_url = start_redis(Path(env["TMPDIR"]))
            env[REDIS_URL_ENV.format(SLUG=pkg.spec.service.slug.upper())] = redis_url
            pkg = with_redis_install(pkg)  # the Python packages' [redis] extra
        log(f"runtime: {name} ({store}): installing the example app")
        install_app(pkg, python, env)
        command, server = serve_command(name, python, pkg.root, target.kit_serve)
        port = _free_port()
        command = [part.format(port=port, python=python) for part in command]
        log(f"runtime: {name}: serving with {server}")
        app = start("the example app", command, cwd=pkg.root, env=env)
        url = f"http://127.0.0.1:{port}"
        wait_until_answering(app, url, float(os.environ.get("AUTHGEN_KIT_START_TIMEOUT", "180")))

        prefix = "/auth"
        client = AppClient(url, prefix, browser=False)
        control = FakeControl(fake_url)
        user = next(
            u for u in control.users() if not u.disabled and not u.unverified and u.expected.get("active", True)
        )
        client.sign_in(user)
        unprotected = client.route("csrf")
        headers = {
            "Accept": "application/json",
            "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies().items()),
            # The client that signed in, as a real one keeps its User-Agent: Flask-Login's session
            # protection ties a session to it, and the load generator keeps no cookies, so another
            # agent would make every request re-issue the session cookie.
            "User-Agent": client.http.headers["User-Agent"],
        }
        _expect_ok(client, headers, [PROTECTED, unprotected])
        operations = list(pkg.spec.operations)
        before = _counts(control, operations)

        server_session = app.popen.pid  # started with start_new_session: its pid is the session id

        def load(path: str, duration: float) -> tuple[LoadResult, float | None]:
            before_cpu = session_cpu(server_session)
            result = run_load(url + path, headers, duration, connections=connections, tool=tool)
            after_cpu = session_cpu(server_session)
            if before_cpu is None or after_cpu is None or not result.requests:
                return result, None
            return result, (after_cpu - before_cpu) / result.requests * 1000

        warm = WARMUP.get(name, DEFAULT_WARMUP)
        log(f"runtime: {name}: warm-up {warm:.0f} s per route, then {rounds} x {seconds:.0f} s per route")
        load(unprotected, warm)
        load(PROTECTED, warm)
        results: dict[str, list[LoadResult]] = {"unprotected": [], "protected": []}
        cpu: dict[str, list[float]] = {"unprotected": [], "protected": []}
        for index in range(rounds):
            order = [("unprotected", unprotected), ("protected", PROTECTED)]
            for key, path in order if index % 2 == 0 else order[::-1]:
                result, cpu_ms = load(path, seconds)
                results[key].append(result)
                if cpu_ms is not None:
                    cpu[key].append(cpu_ms)
        _expect_ok(client, headers, [PROTECTED, unprotected])
        after = _counts(control, operations)
        delta = {op: after[op] - before[op] for op in operations}
        return Outcome(
            name,
            True,
            store=store,
            server=server,
            unprotected_route=unprotected,
            unprotected={**combine(results["unprotected"]), **_cpu_figures(cpu["unprotected"])},
            protected={**combine(results["protected"]), **_cpu_figures(cpu["protected"])},
            paired_p50_ratios=[
                p.p50_ms / u.p50_ms for u, p in zip(results["unprotected"], results["protected"], strict=True)
            ],
            service_calls=sum(delta.values()),
            calls_by_operation=delta,
        )
    finally:
        if app is not None:
            app.stop()
        if redis_server is not None:
            redis_server.stop()
        fake.stop()


def serve_command(name: str, python: str, root: Path, kit_serve: str) -> tuple[list[str], str]:
    """The command serving the example app, and a description of the server.

    Python apps get gunicorn (2 workers x 4 threads, keep-alive) when it can
    be installed; other targets are served as the kit serves them, by their
    own production servers (Node's http, embedded Tomcat, Kestrel, uvicorn).
    """
    import shlex

    if name in ("flask", "django") and _ensure_gunicorn(python):
        app = {"flask": ["example:app"], "django": ["--chdir", "example", "example.wsgi:application"]}[name]
        options = ["--workers", "2", "--worker-class", "gthread", "--threads", "4", "--log-level", "warning"]
        command = [python, "-m", "gunicorn", *options, "--bind", "127.0.0.1:{port}", *app]
        return command, "gunicorn (gthread, 2 workers x 4 threads)"
    described = {
        "flask": "Flask development server (gunicorn could not be installed)",
        "django": "Django runserver (gunicorn could not be installed)",
        "express": "Node http server (node example/app.js)",
        "spring": "embedded Tomcat (java -jar)",
        "aspnetcore": "Kestrel (dotnet run)",
        "fastapi": "uvicorn (one process, as the kit serves it)",
    }[name]
    return shlex.split(kit_serve.replace("{python}", shlex.quote(python))), described


def _ensure_gunicorn(python: str) -> bool:
    check = subprocess.run([python, "-c", "import gunicorn"], capture_output=True, check=False)
    if check.returncode == 0:
        return True
    done = subprocess.run(
        [python, "-m", "pip", "install", "-q", "gunicorn"], capture_output=True, text=True, check=False, timeout=300
    )
    return done.returncode == 0


def session_cpu(session_id: int) -> float | None:
    """Seconds of CPU (user + system) used so far by the live processes of a session; None off Linux.

    The example app runs in a session of its own (the kit starts it so), so
    this is the server's CPU, whatever workers it forked, and nothing else's.
    """
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = parse_stat(text)
        if fields is not None and fields[0] == session_id:
            total += fields[1] + fields[2]
    return total / ticks


def parse_stat(text: str) -> tuple[int, int, int] | None:
    """(session id, utime, stime) in clock ticks from a ``/proc/<pid>/stat`` line; None when unreadable."""
    try:
        rest = text[text.rindex(")") + 2 :].split()
        return int(rest[3]), int(rest[11]), int(rest[12])
    except (ValueError, IndexError):
        return None


def _free_port() -> int:
    from generator.kit.processes import free_port

    return free_port()


def _expect_ok(client: Any, headers: dict[str, str], paths: list[str]) -> None:
    """Each path answers 200 to the signed-in session (not a redirect to the login page, not a 401)."""
    import requests

    for path in paths:
        response = requests.get(client.url(path), headers=headers, allow_redirects=False, timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} with the signed-in session answered {response.status_code}, not 200")


def _cpu_figures(values: list[float]) -> dict[str, float]:
    import statistics

    return {"cpu_ms_per_request": statistics.median(values)} if values else {}


def _counts(control: Any, operations: list[str]) -> dict[str, int]:
    calls = control.calls()
    return {op: int(calls.get(op, 0)) for op in operations}
