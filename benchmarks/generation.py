"""Generation: ``authgen generate`` for every available target, next to its floor, cold processes.

Measured side by side, in interleaved rounds, each a fresh process:

- ``python -c pass``: the interpreter's start-up, which every Python tool pays;
- the floor: plain cookiecutter ``generate_files`` rendering the same
  templates with the same contexts (built once, up front, by
  ``generator.context.build_context``), see ``benchmarks/floor.py``;
- ``authgen generate`` of the bundled spec into a new folder (with authgen's
  cache of compiled templates warm, as on any run but the first), again
  with that cache empty, and into an up-to-date folder (the CI case);
- the floor with a warm Jinja bytecode cache (one folder per target): the
  like-for-like floor, since authgen caches compiled templates too.

authgen renders the templates with ``generator.tree`` (Jinja2, the files
cookiecutter writes: ``tests/test_tree.py`` compares them for every target),
formats the Python packages with ruff, copies the fake service and writes
a manifest: the floor does only the rendering.

Then, once each: where authgen's time goes (``benchmarks/breakdown.py``,
phase by phase), a cProfile of the generate call, and ``-X importtime``.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

from .common import BENCH_DIR, Sample, authgen_command, interleaved, log, run_cold, summary
from .profiling import heaviest_imports, parse_importtime, profile_summary
from .report import Row, below, ratio

#: Seconds: all targets, whole process.
TARGET_WALL_S = 0.6
#: authgen over the plain cookiecutter floor.
TARGET_FLOOR_RATIO = 1.3

BREAKDOWN = BENCH_DIR / "breakdown.py"
FLOOR = BENCH_DIR / "floor.py"


def write_contexts(path: Path) -> tuple[list[str], list[str], str]:
    """Build each available target's context once, as ``render_target`` would, and write them for floor.py.

    :return: the targets rendered, the enabled ones without a template, the templates folder.
    """
    from generator.context import build_context
    from generator.render import select_targets
    from generator.spec import DEFAULT_SPEC, load_spec
    from generator.targets import TEMPLATES_DIR

    spec = load_spec(DEFAULT_SPEC)
    chosen, skipped = select_targets(spec, None)
    data = {
        "targets": [
            {"name": t.name, "template_dir": str(t.template_dir), "context": build_context(spec, t)} for t in chosen
        ]
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return [t.name for t in chosen], list(skipped), str(TEMPLATES_DIR)


def measure(work: Path, env: dict[str, str], repeat: int, *, profile: bool = True) -> tuple[list[Row], dict]:
    """Run the generation benchmark in ``work``; return its rows and the details for results.json."""
    py = sys.executable
    contexts = work / "contexts.json"
    targets, skipped, templates_dir = write_contexts(contexts)
    log(f"generation: {len(targets)} target(s) ({', '.join(targets)}), {repeat} round(s)")
    authgen = authgen_command()
    regen_out = work / "regen"
    bcc = work / "jinja-bytecode"
    floor_render: list[float] = []
    bcc_render: list[float] = []

    def fresh(name: str, round_: int) -> Path:
        path = work / f"{name}-{round_ + 10}"
        shutil.rmtree(path, ignore_errors=True)
        return path

    def startup(_round: int) -> Sample:
        return run_cold([py, "-c", "pass"], env=env)[0]

    def floor(round_: int) -> Sample:
        out = fresh("floor", round_)
        sample, stdout = run_cold([py, str(FLOOR), str(contexts), str(out)], env=env)
        if round_ >= 0:
            floor_render.append(json.loads(stdout)["render"])
        shutil.rmtree(out, ignore_errors=True)
        return sample

    def floor_cached(round_: int) -> Sample:
        out = fresh("floor-bcc", round_)
        command = [py, str(FLOOR), str(contexts), str(out), "--bytecode-cache", str(bcc)]
        sample, stdout = run_cold(command, env=env)
        if round_ >= 0:
            bcc_render.append(json.loads(stdout)["render"])
        shutil.rmtree(out, ignore_errors=True)
        return sample

    def generate(round_: int) -> Sample:
        out = fresh("gen", round_)
        sample, _ = run_cold([*authgen, "generate", "-q", "-o", str(out)], cwd=work, env=env)
        shutil.rmtree(out, ignore_errors=True)
        return sample

    def regenerate(_round: int) -> Sample:
        return run_cold([*authgen, "generate", "-q", "-o", str(regen_out)], cwd=work, env=env)[0]

    def generate_uncached(round_: int) -> Sample:
        out = fresh("gen-nocache", round_)
        cache = fresh("empty-cache", round_)
        uncached = {**env, "XDG_CACHE_HOME": str(cache)}
        sample, _ = run_cold([*authgen, "generate", "-q", "-o", str(out)], cwd=work, env=uncached)
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        return sample

    runners = {
        "python -c pass": startup,
        "floor: plain cookiecutter": floor,
        "authgen generate": generate,
        "authgen generate (up-to-date output)": regenerate,
        "authgen generate (empty template cache)": generate_uncached,
        "floor + warm Jinja bytecode cache": floor_cached,
    }
    samples = interleaved(runners, repeat)
    stats = {name: summary(s) for name, s in samples.items()}

    gen = stats["authgen generate"]["wall_median"]
    flo = stats["floor: plain cookiecutter"]["wall_median"]
    start = stats["python -c pass"]["wall_median"]
    regen = stats["authgen generate (up-to-date output)"]["wall_median"]
    cached = stats["floor + warm Jinja bytecode cache"]["wall_median"]
    uncached = stats["authgen generate (empty template cache)"]["wall_median"]
    floor_ratio = ratio(gen, flo)
    net_ratio = ratio(gen - start, flo - start)
    cpu_ratio = ratio(stats["authgen generate"]["cpu_median"], stats["floor: plain cookiecutter"]["cpu_median"])
    n = len(targets)

    def cpu_note(name: str) -> str:
        s = stats[name]
        return f"CPU {s['cpu_median']:.3f} s; wall min {s['wall_min']:.3f} s, max {s['wall_max']:.3f} s"

    rows = [
        Row(
            "generation",
            f"authgen generate, all {n} targets (whole process, median of {repeat})",
            gen,
            "s",
            f"< {TARGET_WALL_S} s",
            below(gen, TARGET_WALL_S),
            cpu_note("authgen generate"),
        ),
        Row(
            "generation",
            "floor: plain cookiecutter, same templates and contexts (whole process)",
            flo,
            "s",
            note=f"{cpu_note('floor: plain cookiecutter')}; rendering alone {statistics.median(floor_render):.3f} s",
        ),
        Row("generation", "python -c pass (start-up)", start, "s", note=cpu_note("python -c pass")),
        Row(
            "generation",
            "authgen / floor",
            floor_ratio,
            "x",
            f"< {TARGET_FLOOR_RATIO}×",
            below(floor_ratio, TARGET_FLOOR_RATIO),
            f"CPU ratio {cpu_ratio:.2f}×; without start-up {net_ratio:.2f}×"
            if cpu_ratio is not None and net_ratio is not None
            else "",
        ),
        Row(
            "generation",
            "authgen / floor with a warm Jinja bytecode cache (like for like)",
            ratio(gen, cached),
            "x",
            note=f"that floor: {cached:.3f} s whole process, rendering alone {statistics.median(bcc_render):.3f} s "
            f"({ratio(cached, flo):.2f}× the plain floor)",
        ),
        Row(
            "generation",
            "authgen generate with an empty template cache (first run, or after a template change)",
            uncached,
            "s",
            note=cpu_note("authgen generate (empty template cache)"),
        ),
        Row(
            "generation",
            "authgen with an empty template cache / floor",
            ratio(uncached, flo),
            "x",
            f"< {TARGET_FLOOR_RATIO}×",
            below(ratio(uncached, flo), TARGET_FLOOR_RATIO),
            "the case of a template maintainer's every edit",
        ),
        Row(
            "generation",
            "authgen generate into an up-to-date output",
            regen,
            "s",
            note=cpu_note("authgen generate (up-to-date output)"),
        ),
    ]
    details: dict[str, Any] = {
        "targets": targets,
        "targets_without_template": skipped,
        "command": " ".join(Path(authgen[0]).name if i == 0 else a for i, a in enumerate(authgen)) + " generate",
        "stats": stats,
        "floor_render_s": floor_render,
        "bytecode_cache_render_s": bcc_render,
    }
    log("generation: breakdown of one authgen run, phase by phase")
    details["breakdown"] = breakdown(work, env, runs=3 if repeat >= 3 else 1, startup=start)
    if profile:
        log("generation: cProfile and -X importtime")
        details["profile"] = profiled(work, env, templates_dir)
        details["imports"] = imports(env)
    return rows, details


def breakdown(
    work: Path,
    env: dict[str, str],
    *,
    runs: int,
    startup: float,
    spec: str | None = None,
    targets: list[str] | None = None,
) -> dict[str, Any]:
    """Median seconds per phase of ``authgen generate`` over ``runs`` cold runs of breakdown.py."""
    from generator.spec import DEFAULT_SPEC

    results = []
    for index in range(runs):
        out = work / f"breakdown-{index}"
        shutil.rmtree(out, ignore_errors=True)
        command = [sys.executable, str(BREAKDOWN), spec or str(DEFAULT_SPEC), str(out)]
        for target in targets or ():
            command += ["-t", target]
        sample, stdout = run_cold(command, env=env)
        result = json.loads(stdout)
        result["process_wall"] = sample.wall
        result["process_cpu"] = sample.cpu
        results.append(result)
        shutil.rmtree(out, ignore_errors=True)
    return merge_breakdowns(results, startup)


def merge_breakdowns(results: list[dict[str, Any]], startup: float | None) -> dict[str, Any]:
    """The median of each phase over several breakdown runs, in the order a run goes through them."""

    def med(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return statistics.median(present) if present else None

    phases: dict[str, float | None] = {}
    if startup is not None:
        phases["interpreter start-up (python -c pass)"] = startup
    phases["import authgen (generator.cli, generator.render)"] = med([r["import_authgen"] for r in results])
    for name in results[0]["phases"]:
        phases[name] = med([r["phases"].get(name) for r in results])
    return {
        "runs": len(results),
        "phases_s": phases,
        "generate_s": med([r["generate"] for r in results]),
        "process_wall_s": med([r["process_wall"] for r in results]),
        "process_cpu_s": med([r["process_cpu"] for r in results]),
    }


def profiled(work: Path, env: dict[str, str], templates_dir: str) -> dict[str, Any]:
    out = work / "profiled"
    stats_file = work / "generate.prof"
    shutil.rmtree(out, ignore_errors=True)
    from generator.spec import DEFAULT_SPEC

    run_cold([sys.executable, str(BREAKDOWN), str(DEFAULT_SPEC), str(out), "--profile", str(stats_file)], env=env)
    shutil.rmtree(out, ignore_errors=True)
    return profile_summary(str(stats_file), templates_dir)


def imports(env: dict[str, str]) -> list[dict]:
    """The heaviest imports of authgen's generate path, from ``python -X importtime``."""
    import subprocess

    code = "import generator.cli, generator.render"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=env, capture_output=True, text=True)
    return heaviest_imports(parse_importtime(done.stderr), top=12, max_depth=3)


def breakdown_table(breakdown_: dict[str, Any]) -> str:
    """Where one ``authgen generate`` spends its time, as a Markdown table."""
    from .breakdown import BACKGROUND_PHASES

    phases = {k: v for k, v in breakdown_["phases_s"].items() if v is not None}
    background = {k: v for k, v in phases.items() if k in BACKGROUND_PHASES}
    in_turn = {k: v for k, v in phases.items() if k not in BACKGROUND_PHASES}
    total = sum(in_turn.values()) or 1.0
    lines = ["| phase | seconds | share |", "| --- | --- | --- |"]
    for name, seconds in sorted(in_turn.items(), key=lambda kv: kv[1], reverse=True):
        lines.append(f"| {name} | {seconds:.3f} | {seconds / total:.0%} |")
    lines.append(f"| total (sum of phases) | {total:.3f} | |")
    for name, seconds in background.items():
        lines.append(f"| {name}: beside the phases above, not in their sum | {seconds:.3f} | |")
    return "\n".join(lines)


def top_table(entries: list[dict], title: str, seconds_key: str = "seconds", share: bool = True) -> str:
    head = f"| {title} | seconds |" + (" share |" if share else "")
    lines = [head, "| --- | --- |" + (" --- |" if share else "")]
    for entry in entries:
        name = entry.get("name") or entry.get("module")
        cell = f"| {name} | {entry[seconds_key]:.3f} |"
        if share:
            cell += f" {entry['share']:.0%} |"
        lines.append(cell)
    return "\n".join(lines)
