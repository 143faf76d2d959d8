"""What every benchmark shares: cold-process timing, interleaved rounds, the machine's state.

Machines here are shared and noisy, so a figure is never read alone: the
commands compared with each other run in interleaved rounds (A B C, B C A,
...), each a fresh process, and each sample records wall time and CPU time
(user + system of the process and the children it waited for, from
``getrusage``).  CPU time moves much less than wall time when other work
competes for the cores, which is why both are kept.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"


class BenchError(RuntimeError):
    """A benchmark step failed in a way that makes its figure meaningless."""


@dataclass(frozen=True)
class Sample:
    """One run of a command: seconds of wall time and of CPU time (user + sys, children included)."""

    wall: float
    cpu: float


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cold(
    command: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 300.0,
    ok_codes: tuple[int, ...] = (0,),
) -> tuple[Sample, str]:
    """Run ``command`` as a fresh process; return its timing and its stdout.

    :raises BenchError: when it exits with a code outside ``ok_codes`` or times out.
    """
    cpu_before = children_cpu()
    start = time.perf_counter()
    try:
        done = subprocess.run(
            list(command),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        raise BenchError(f"{' '.join(command)} took more than {timeout:.0f} s") from err
    wall = time.perf_counter() - start
    cpu = children_cpu() - cpu_before
    if done.returncode not in ok_codes:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise BenchError(f"{' '.join(command)} exited with {done.returncode}:\n{tail}")
    return Sample(wall, cpu), done.stdout


def interleaved(
    runners: Mapping[str, Callable[[int], Sample]], repeat: int, *, warmup: int = 1
) -> dict[str, list[Sample]]:
    """Run each runner ``repeat`` times, rotating the order every round; warm-up rounds are dropped.

    A runner gets the round's number (0-based, warm-ups negative) and returns one sample.
    """
    names = list(runners)
    samples: dict[str, list[Sample]] = {name: [] for name in names}
    for round_ in range(-warmup, repeat):
        shift = round_ % len(names) if names else 0
        for name in names[shift:] + names[:shift]:
            sample = runners[name](round_)
            if round_ >= 0:
                samples[name].append(sample)
    return samples


def summary(samples: Sequence[Sample]) -> dict[str, float | int]:
    """Median, minimum and maximum wall time, and median CPU time, in seconds."""
    if not samples:
        raise ValueError("no samples")
    walls = [s.wall for s in samples]
    return {
        "n": len(samples),
        "wall_median": statistics.median(walls),
        "wall_min": min(walls),
        "wall_max": max(walls),
        "cpu_median": statistics.median(s.cpu for s in samples),
    }


def bench_env(work: Path) -> dict[str, str]:
    """The environment of every measured process: ours, with caches as a user's machine has them, in ``work``.

    A shell that sets ``PYTHONDONTWRITEBYTECODE`` makes every cold start of an
    editable install compile authgen's sources again; an installed authgen
    never does.  So bytecode is written, to ``work/pycache`` (never into the
    source tree), and read from there.  ``XDG_CACHE_HOME`` is ``work/cache``,
    so authgen's cache of compiled templates starts empty in every run, is
    filled by the warm-up, and the user's own cache is left alone.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["XDG_CACHE_HOME"] = str(work / "cache")
    return env


def authgen_command() -> list[str]:
    """How a user runs authgen: the console script beside this interpreter, else ``python -m generator.cli``.

    A version manager's shim on PATH (pyenv) would add its own start-up to every run, so PATH is not searched.
    """
    script = Path(sys.executable).with_name("authgen")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "generator.cli"]


def machine() -> dict[str, object]:
    """What the figures were measured on, and how busy it was."""
    try:
        load = os.getloadavg()
    except OSError:
        load = (float("nan"),) * 3
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in load],
    }


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)
