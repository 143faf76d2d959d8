"""Run authgen's benchmarks, print the table, write benchmarks/results.json (and results.md).

    python benchmarks/run.py                 # everything, about 3-5 minutes on 2 cores
    python benchmarks/run.py --quick         # fewer rounds, shorter loads: a smoke test of the benchmarks
    python benchmarks/run.py --only generation,check
    python benchmarks/run.py --runtime-targets flask,django

Every figure is measured side by side with what it is compared to, in the
same run: timings on a shared machine are only comparable within one run.
The table says for each figure its target and whether it is met; the
machine's load average at start and end is recorded with it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` and `generator` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import check_speed, generation, runtime, scaling  # noqa: E402
from benchmarks.common import BENCH_DIR, ROOT, BenchError, bench_env, log, machine, run_cold  # noqa: E402
from benchmarks.report import Row, format_table, summary_line  # noqa: E402

SECTIONS = ("generation", "scaling", "check", "runtime")
RESULTS = BENCH_DIR / "results.json"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and shorter loads (a smoke test)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections of {SECTIONS}")
    parser.add_argument("--repeat", type=int, help="cold runs per command for generation and check (default 5)")
    parser.add_argument("--scaling-repeat", type=int, help="warm runs per spec size (default 5)")
    parser.add_argument("--scaling-targets", default="flask", help="targets generated in the scaling runs")
    parser.add_argument(
        "--runtime-targets", default=",".join(runtime.RUNTIME_TARGETS), help="targets whose example apps are loaded"
    )
    parser.add_argument("--runtime-seconds", type=float, help="seconds per route and round (default 2)")
    parser.add_argument("--runtime-rounds", type=int, help="rounds per route (default 5)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections of the load generator")
    parser.add_argument(
        "--load-generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="the runtime benchmark's load generator (default: wrk when installed, else the Python client)",
    )
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile and -X importtime runs")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"where to write the results (default {RESULTS})")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (printed at the end)")
    args = parser.parse_args(argv)
    args.sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    quick = args.quick
    args.repeat = args.repeat or (3 if quick else 5)
    args.scaling_repeat = args.scaling_repeat or (2 if quick else 5)
    args.runtime_seconds = args.runtime_seconds or (1.0 if quick else 2.0)
    args.runtime_rounds = args.runtime_rounds or (2 if quick else 5)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    at_start = machine()
    work = Path(tempfile.mkdtemp(prefix="authgen-bench-"))
    env = bench_env(work)
    log(f"work folder {work}; load average {at_start['load_average']} on {at_start['cpus']} CPUs")
    rows: list[Row] = []
    details: dict[str, Any] = {}
    failures: dict[str, str] = {}
    try:
        # One warm-up so that every measured process finds its bytecode cached, as an installed authgen does.
        run_cold([sys.executable, "-c", "import generator.cli, generator.render, cookiecutter.generate"], env=env)
        for section in SECTIONS:
            if section not in args.sections:
                continue
            section_began = time.perf_counter()
            try:
                section_rows, section_details = run_section(section, args, work, env)
            except BenchError as err:
                failures[section] = str(err)
                log(f"{section} failed: {err}")
                rows.append(Row(section, "failed", None, "", note=str(err).splitlines()[0]))
                continue
            rows += section_rows
            details[section] = section_details
            section_details["seconds"] = round(time.perf_counter() - section_began, 1)
            log(f"{section}: done in {section_details['seconds']:.0f} s")
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    at_end = machine()
    elapsed = time.perf_counter() - began
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "machine": at_start,
        "load_average_at_end": at_end["load_average"],
        "seconds": round(elapsed, 1),
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "summary": summary_line(rows),
        "rows": [r.to_json() for r in rows],
        "details": details,
        "failures": failures,
    }
    text = render(results, rows, details)
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    args.json.with_suffix(".md").write_text(text + "\n", encoding="utf-8")
    log(f"wrote {args.json} and {args.json.with_suffix('.md')} in {elapsed:.0f} s")
    return 1 if failures else 0


def run_section(section: str, args: argparse.Namespace, work: Path, env: dict[str, str]) -> tuple[list[Row], dict]:
    if section == "generation":
        return generation.measure(work, env, args.repeat, profile=not args.no_profile)
    if section == "scaling":
        targets = [t.strip() for t in args.scaling_targets.split(",") if t.strip()]
        return scaling.measure(work, env, args.scaling_repeat, targets)
    if section == "check":
        return check_speed.measure(work, env, args.repeat)
    if section == "runtime":
        out = work / "runtime-out"
        shutil.rmtree(out, ignore_errors=True)
        names = [t.strip() for t in args.runtime_targets.split(",") if t.strip()]
        from benchmarks.common import authgen_command

        run_cold([*authgen_command(), "generate", "-q", "-o", str(out)], cwd=work, env=env)
        return runtime.measure(
            out,
            targets=names,
            seconds=args.runtime_seconds,
            rounds=args.runtime_rounds,
            connections=args.connections,
            work=work,
            tool=args.load_generator,
        )
    raise ValueError(section)


def render(results: dict[str, Any], rows: list[Row], details: dict[str, Any]) -> str:
    """The report: the table, then where generation's time goes, then the scaling phases."""
    m = results["machine"]
    parts = [
        f"## authgen benchmarks ({results['date']}, commit {results['commit']})",
        "",
        f"Python {m['python']} on {m['cpus']} CPUs, {m['platform']}; load average "
        f"{m['load_average'][0]:.2f} at start, {results['load_average_at_end'][0]:.2f} at end; "
        f"{results['seconds']:.0f} s. {results['summary']}.",
        "",
        format_table(rows),
    ]
    gen = details.get("generation")
    if gen:
        parts += [
            "",
            f"### Where `authgen generate` spends its time (median of {gen['breakdown']['runs']} cold run(s), wall)",
            "",
            generation.breakdown_table(gen["breakdown"]),
        ]
        if "profile" in gen:
            parts += [
                "",
                "cProfile of the generate call, self time by area (profiling inflates it; read proportions):",
                "",
                generation.top_table(gen["profile"]["areas"], "area"),
                "",
                "Functions with the most self time:",
                "",
                generation.top_table(gen["profile"]["functions"], "function"),
                "",
                "Heaviest imports (`python -X importtime`, cumulative):",
                "",
                generation.top_table(gen["imports"], "module", seconds_key="cumulative_s", share=False),
            ]
    sca = details.get("scaling")
    if sca:
        parts += [
            "",
            f"### Scaling: CPU seconds per phase and spec size ({', '.join(sca['targets'])}; "
            f"fastest of {sca['warm_runs']} warm runs, and one cold process)",
            "",
            scaling.scaling_table(sca),
        ]
    run = details.get("runtime")
    if run:
        parts += [
            "",
            f"Runtime load: {run['load_generator']}, {run['connections']} connections, "
            f"{run['rounds']} round(s) of {run['seconds_per_round']:.0f} s per route after a warm-up; "
            f"user cache TTL {run['session_ttl_s']} s.",
        ]
    return "\n".join(parts)


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        return head + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
