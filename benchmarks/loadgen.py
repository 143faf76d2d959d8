"""Load generators: wrk when it is installed, else a bounded Python client; both give the same figures.

Both keep connections alive, run for a fixed duration, and report requests
per second and the 50th/99th percentile latency.  wrk counts 3xx as success,
so callers send ``Accept: application/json`` (a lost session is then a 401,
counted in ``non_2xx``) and check a request themselves before and after.
"""

from __future__ import annotations

import http.client
import math
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class LoadResult:
    tool: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    #: responses outside 2xx/3xx
    non_2xx: int = 0
    #: connection errors and timeouts
    errors: int = 0

    def to_json(self) -> dict:
        return asdict(self)


def wrk_path() -> str | None:
    return shutil.which("wrk")


def tool_name(tool: str) -> str:
    """What ``run_load(..., tool=tool)`` will use, for the report."""
    if tool == "python" or (tool == "auto" and not wrk_path()):
        return "bounded Python client" + (" (wrk not installed)" if tool == "auto" else "")
    return "wrk"


def run_load(
    url: str,
    headers: Mapping[str, str],
    seconds: float,
    *,
    connections: int = 4,
    threads: int = 1,
    max_requests: int = 200_000,
    tool: str = "auto",
) -> LoadResult:
    """Load ``url`` for ``seconds`` with wrk (``tool`` "auto" when present, or "wrk"), else :func:`python_load`."""
    wrk = wrk_path() if tool in ("auto", "wrk") else None
    if tool == "wrk" and not wrk:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    if wrk:
        return wrk_load(wrk, url, headers, seconds, connections=connections, threads=threads)
    return python_load(url, headers, seconds, connections=connections, max_requests=max_requests)


def wrk_load(
    wrk: str, url: str, headers: Mapping[str, str], seconds: float, *, connections: int, threads: int
) -> LoadResult:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk exited with {done.returncode}: {(done.stderr or done.stdout).strip()[-500:]}")
    return parse_wrk(done.stdout)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(text: str) -> LoadResult:
    """Read wrk's ``--latency`` report.

    :raises ValueError: when the report lacks the figures (wrk failed to connect at all).
    """
    percentiles = {int(m.group(1)): _ms(m.group(2)) for m in re.finditer(r"^\s+(\d+)%\s+(\S+)\s*$", text, re.M)}
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m),", text, re.M)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    if not total or not rps or 50 not in percentiles or 99 not in percentiles:
        raise ValueError(f"not a wrk --latency report: {text.strip()[:300]!r}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return LoadResult(
        tool="wrk",
        requests=int(total.group(1)),
        seconds=_ms(total.group(2) + total.group(3)) / 1000,
        rps=float(rps.group(1)),
        p50_ms=percentiles[50],
        p99_ms=percentiles[99],
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        errors=sum(int(g) for g in sockets.groups()) if sockets else 0,
    )


def percentile(sorted_values: list[float], q: float) -> float:
    """The ``q``-th percentile (0..100) of already sorted values, nearest-rank."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def python_load(
    url: str, headers: Mapping[str, str], seconds: float, *, connections: int = 4, max_requests: int = 200_000
) -> LoadResult:
    """A bounded closed-loop client: ``connections`` threads on keep-alive connections, until time or count runs out.

    Slower than wrk (the client's own Python costs show in the latency), so
    compare its figures only with each other, never with wrk's.
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    latencies: list[list[float]] = [[] for _ in range(connections)]
    failures = [0] * connections
    errors = [0] * connections
    deadline = time.perf_counter() + seconds
    budget = max_requests // connections

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine = latencies[index]
        while time.perf_counter() < deadline and len(mine) < budget:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=dict(headers))
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                continue
            mine.append((time.perf_counter() - start) * 1000)
            if response.status >= 400:
                failures[index] += 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        conn.close()

    began = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(seconds + 30)
    elapsed = time.perf_counter() - began
    every = sorted(v for mine in latencies for v in mine)
    return LoadResult(
        tool="python",
        requests=len(every),
        seconds=elapsed,
        rps=len(every) / elapsed if elapsed > 0 else 0.0,
        p50_ms=percentile(every, 50),
        p99_ms=percentile(every, 99),
        non_2xx=sum(failures),
        errors=sum(errors),
    )


def combine(results: list[LoadResult]) -> dict[str, float]:
    """Several rounds of one route: total requests and rate, and the median of the rounds' percentiles."""
    import statistics

    requests = sum(r.requests for r in results)
    seconds = sum(r.seconds for r in results)
    return {
        "rounds": len(results),
        "requests": requests,
        "rps": requests / seconds if seconds > 0 else 0.0,
        "p50_ms": statistics.median(r.p50_ms for r in results),
        "p99_ms": statistics.median(r.p99_ms for r in results),
        "non_2xx": sum(r.non_2xx for r in results),
        "errors": sum(r.errors for r in results),
    }
