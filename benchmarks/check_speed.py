"""``authgen check``, and ``authgen generate`` into the same up-to-date output folder (a no-op that
leaves it untouched), cold processes, next to ``python -c pass``."""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

from .common import BENCH_DIR, BenchError, Sample, authgen_command, interleaved, log, run_cold, summary
from .report import Row, below

#: Seconds, whole process.
TARGET_WALL_S = 0.5
#: Seconds, whole process, for a generate run that finds its output up to date.
NOOP_TARGET_WALL_S = 0.25

BREAKDOWN = BENCH_DIR / "breakdown.py"


def measure(work: Path, env: dict[str, str], repeat: int) -> tuple[list[Row], dict[str, Any]]:
    out = work / "check-out"
    authgen = authgen_command()
    log("check: generating an output folder to check")
    run_cold([*authgen, "generate", "-q", "-o", str(out)], cwd=work, env=env)
    files = sum(1 for p in out.rglob("*") if p.is_file())

    def startup(_round: int) -> Sample:
        return run_cold([sys.executable, "-c", "pass"], env=env)[0]

    def check(_round: int) -> Sample:
        sample, stdout = run_cold([*authgen, "check", str(out)], cwd=work, env=env, ok_codes=(0, 8, 9, 10))
        if "up to date" not in stdout:
            raise BenchError(f"authgen check did not find the fresh output up to date: {stdout.strip()}")
        return sample

    folder = out.stat().st_ino

    def noop(_round: int) -> Sample:
        sample, stdout = run_cold([*authgen, "generate", "-o", str(out)], cwd=work, env=env)
        if "up to date; left untouched" not in stdout or out.stat().st_ino != folder:
            raise BenchError(f"authgen generate did not leave the up-to-date output alone: {stdout.strip()}")
        return sample

    log(f"check: {repeat} round(s) on {files} files, and generate into them (a no-op)")
    samples = interleaved(
        {"python -c pass": startup, "authgen check": check, "authgen generate (up to date)": noop}, repeat
    )
    stats = {name: summary(s) for name, s in samples.items()}
    wall = stats["authgen check"]["wall_median"]
    phases = []
    for _ in range(3 if repeat >= 3 else 1):
        phases.append(json.loads(run_cold([sys.executable, str(BREAKDOWN), "--check", str(out)], env=env)[1]))
    breakdown = {
        "import_authgen": statistics.median(p["import_authgen"] for p in phases),
        "check": statistics.median(p["check"] for p in phases),
        "phases": {name: statistics.median(p["phases"][name] or 0.0 for p in phases) for name in phases[0]["phases"]},
    }
    s = stats["authgen check"]
    rows = [
        Row(
            "check",
            f"authgen check, up-to-date output of {files} files (whole process, median of {repeat})",
            wall,
            "s",
            f"< {TARGET_WALL_S} s",
            below(wall, TARGET_WALL_S),
            f"CPU {s['cpu_median']:.3f} s; wall min {s['wall_min']:.3f} s; "
            f"python -c pass {stats['python -c pass']['wall_median']:.3f} s; "
            f"in-process: imports {breakdown['import_authgen']:.3f} s, check {breakdown['check']:.3f} s",
        )
    ]
    n = stats["authgen generate (up to date)"]
    rows.append(
        Row(
            "generate_noop",
            f"authgen generate into that output, up to date: left untouched (whole process, median of {repeat})",
            n["wall_median"],
            "s",
            f"< {NOOP_TARGET_WALL_S} s",
            below(n["wall_median"], NOOP_TARGET_WALL_S),
            f"CPU {n['cpu_median']:.3f} s; wall min {n['wall_min']:.3f} s",
        )
    )
    return rows, {"files": files, "stats": stats, "breakdown": breakdown}
