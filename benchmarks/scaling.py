"""Scaling: generation time for specs with 10, 100 and 1,000 user fields and 1, 5 and 20 steps per operation.

Each spec is the Acme spec grown by :mod:`benchmarks.specs`, validated by
authgen before it is timed.  Two measurements per size:

- the fit: ``benchmarks/breakdown.py --sizes`` generates every size
  ``repeat`` times in one warm process, in a rotating order, and keeps the
  minimum CPU time of the generate call (ruff's included) and of each phase.
  Start-up and imports, which every size pays alike, are left out, and the
  minimum of several runs leaves little of the machine's noise: what is left
  is how the work grows.  See :func:`benchmarks.report.growth`;
- the front end: reading the spec and building the contexts, the part whose
  work is the spec's, timed alone (fastest of ``repeat``) on larger specs
  as well (3,000 fields, 100 steps), where growth faster than the spec shows;
- the whole process: one cold ``breakdown.py`` run per size, wall and CPU,
  for the table.

An axis is judged on the worse of the two fitted exponents.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from .common import BENCH_DIR, log, run_cold
from .report import NOISE_FLOOR_S, SUPERLINEAR_EXPONENT, Row, growth, loglog_slope
from .specs import write_spec

BREAKDOWN = BENCH_DIR / "breakdown.py"

#: CPU seconds a phase must grow by, at the largest and at the middle size, for its exponent to be fitted.
PHASE_FLOOR_S = 0.02
PHASE_MIDDLE_FLOOR_S = 0.005

FIELDS = (10, 100, 1000)
STEPS = (1, 5, 20)
#: Larger sizes for the front end alone (reading the spec, building contexts): cheap, and where growth shows.
FRONT_END_FIELDS = (10, 100, 1000, 3000)
FRONT_END_STEPS = (1, 5, 20, 100)


def measure(
    work: Path,
    env: dict[str, str],
    repeat: int,
    targets: list[str],
    fields: tuple[int, ...] = FIELDS,
    steps: tuple[int, ...] = STEPS,
) -> tuple[list[Row], dict[str, Any]]:
    from generator.spec import load_spec

    sizes = sorted({(f, steps[0]) for f in fields} | {(fields[0], s) for s in steps})
    specs = {}
    for f, s in sizes:
        path = write_spec(work / f"spec-{f}-fields-{s}-steps.toml", f, s)
        load_spec(path)  # raises SpecError: a spec that does not validate measures nothing
        specs[(f, s)] = path
    target_args = [arg for target in targets for arg in ("-t", target)]

    log(f"scaling: {len(sizes)} specs, {repeat} warm run(s) each in one process, target(s) {', '.join(targets)}")
    scratch = work / "scaled"
    command = [sys.executable, str(BREAKDOWN), str(scratch), "--sizes", *map(str, specs.values()), *target_args]
    _, stdout = run_cold([*command, "--repeat", str(repeat)], env=env, timeout=900)
    warm = json.loads(stdout)
    shutil.rmtree(scratch, ignore_errors=True)

    log("scaling: one cold process per size")
    per_size: dict[tuple[int, int], dict[str, Any]] = {}
    for size, path in specs.items():
        out = work / f"scaled-{size[0]}-{size[1]}"
        sample, _ = run_cold([sys.executable, str(BREAKDOWN), str(path), str(out), *target_args], env=env, timeout=600)
        shutil.rmtree(out, ignore_errors=True)
        per_size[size] = {"process_wall": sample.wall, "process_cpu": sample.cpu, **minimum(warm[str(path)])}

    log("scaling: the front end (spec and contexts) on larger specs too")
    front_sizes = {(f, steps[0]) for f in FRONT_END_FIELDS} | {(fields[0], s) for s in FRONT_END_STEPS}
    front_specs = {
        size: specs.get(size) or write_spec(work / f"spec-{size[0]}-{size[1]}.toml", *size) for size in front_sizes
    }
    command = [sys.executable, str(BREAKDOWN), "-", "--front-end", *map(str, front_specs.values()), *target_args]
    front = json.loads(run_cold([*command, "--repeat", str(repeat)], env=env, timeout=600)[1])
    front_cost = {size: front[str(path)]["spec"] + front[str(path)]["context"] for size, path in front_specs.items()}

    label = "/".join(targets)
    rows = []
    details: dict[str, Any] = {"targets": targets, "warm_runs": repeat, "sizes": {}}
    for f, s in sizes:
        details["sizes"][f"{f} fields, {s} steps"] = per_size[(f, s)]
    axes = (
        (
            "user fields",
            list(fields),
            [per_size[(f, steps[0])] for f in fields],
            f"{steps[0]} step(s) per operation",
            {f: front_cost[(f, steps[0])] for f in FRONT_END_FIELDS},
        ),
        (
            "steps per operation",
            list(steps),
            [per_size[(fields[0], s)] for s in steps],
            f"{fields[0]} user fields",
            {s: front_cost[(fields[0], s)] for s in FRONT_END_STEPS},
        ),
    )
    for name, values, results, fixed, front_axis in axes:
        row, info = judge(name, values, results, f"{label}, {fixed}", front_axis)
        rows.append(row)
        details[name] = info
    return rows, details


def minimum(runs: list[dict]) -> dict[str, Any]:
    """The fastest of several warm runs: the generate call's wall and CPU, and each phase's CPU."""
    phases = runs[0]["phases_cpu"]
    return {
        "generate": min(r["generate"] for r in runs),
        "generate_cpu": min(r["generate_cpu"] for r in runs),
        "generate_cpu_spread": max(r["generate_cpu"] for r in runs) - min(r["generate_cpu"] for r in runs),
        "phases_cpu": {name: min(r["phases_cpu"][name] or 0.0 for r in runs) for name in phases},
    }


def judge(
    name: str, values: list[int], results: list[dict], label: str, front: dict[int, float] | None = None
) -> tuple[Row, dict[str, Any]]:
    """The row of one axis: growth exponents of the generate call and of the front end; the worst one is judged.

    The generate call is fitted on the sizes asked for, when its cost grows
    beyond the noise (the spread of the smallest spec's runs); the front end
    (reading the spec, building the contexts) on larger sizes as well, where
    a step that grows faster than the spec cannot hide.
    """
    cpu = [r["generate_cpu"] for r in results]
    wall = [r["process_wall"] for r in results]
    noise = max(NOISE_FLOOR_S, results[0].get("generate_cpu_spread", 0.0))
    fit = growth(values, cpu, noise_floor=noise)
    phases = phase_growth(values, results)
    front_k = loglog_slope(list(front), list(front.values())) if front and len(front) >= 3 else None
    fits = {"the generate call": fit.exponent, "the front end": front_k}
    judged = {where: k for where, k in fits.items() if k is not None}
    exponent = max(judged.values()) if judged else None
    sizes_text = " → ".join(f"{v:,}" for v in values)
    note = (
        f"generate CPU (warm, min) {' / '.join(f'{c:.3f}' for c in cpu)} s, "
        f"whole process wall {' / '.join(f'{w:.3f}' for w in wall)} s; {fit.describe()}"
    )
    if front:
        costs = " / ".join(f"{n:,}: {t * 1000:.1f}" for n, t in front.items())
        note += f"; front end (spec + contexts) ms {costs}, k = {front_k:.2f}" if front_k is not None else ""
    steep = steepest_phases(phases)
    if steep:
        note += "; fastest-growing phases: " + ", ".join(steep)
    row = Row(
        "scaling",
        f"{name} {sizes_text} ({label})",
        exponent,
        "k",
        f"linear (k ≤ {SUPERLINEAR_EXPONENT})",
        None if exponent is None else exponent <= SUPERLINEAR_EXPONENT,
        note,
    )
    info = {
        "sizes": values,
        "generate_cpu_s": cpu,
        "process_wall_s": wall,
        "per_step": fit.per_step,
        "exponents": fits,
        "exponent": exponent,
        "per_item_s": fit.per_item,
        "front_end_s": {str(k): v for k, v in (front or {}).items()},
        "phase_growth": phases,
    }
    return row, info


def phase_growth(values: list[int], results: list[dict]) -> dict[str, dict[str, Any]]:
    """Each phase's CPU times over the sizes, and its growth exponent (None when within noise)."""
    out = {}
    for phase in results[0]["phases_cpu"]:
        times = [r["phases_cpu"][phase] for r in results]
        fit = growth(values, times, noise_floor=PHASE_FLOOR_S, middle_floor=PHASE_MIDDLE_FLOOR_S)
        out[phase] = {"times_s": times, "exponent": fit.exponent, "per_item_s": fit.per_item}
    return out


def steepest_phases(phases: dict[str, dict[str, Any]], top: int = 3) -> list[str]:
    """The phases that grew most in seconds from the smallest to the largest size, as text."""
    grown = []
    for phase, info in phases.items():
        times = info["times_s"]
        grown.append((times[-1] - times[0], phase, times, info["exponent"]))
    grown.sort(reverse=True)
    out = []
    for delta, phase, times, exponent in grown[:top]:
        if delta <= 0.005:
            continue
        k = f", k = {exponent:.2f}" if exponent is not None else ""
        out.append(f"{phase} {times[0]:.3f} → {times[-1]:.3f} s{k}")
    return out


def scaling_table(details: dict[str, Any]) -> str:
    """CPU seconds per phase (warm, minimum) for each spec size, with the whole cold process, as Markdown."""
    sizes = details["sizes"]
    names = list(sizes)
    phases = list(next(iter(sizes.values()))["phases_cpu"])
    lines = ["| phase (CPU s) | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    rows = (
        ("process_wall", "whole cold process, wall"),
        ("process_cpu", "whole cold process, CPU"),
        ("generate_cpu", "the generate call, CPU"),
    )
    for key, label in rows:
        lines.append(f"| {label} | " + " | ".join(f"{sizes[n][key]:.3f}" for n in names) + " |")
    for phase in phases:
        lines.append(f"| {phase} | " + " | ".join(f"{sizes[n]['phases_cpu'][phase]:.3f}" for n in names) + " |")
    return "\n".join(lines)
