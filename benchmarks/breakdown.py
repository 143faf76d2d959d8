"""Run ``authgen generate`` once in this (cold) process and say where its time went, as JSON.

    python benchmarks/breakdown.py SPEC OUT [-t TARGET ...] [--profile FILE]
    python benchmarks/breakdown.py --check OUT
    python benchmarks/breakdown.py SCRATCH --sizes SPEC ... [-t TARGET ...] [--repeat N]
    python benchmarks/breakdown.py - --front-end SPEC ... [-t TARGET ...] [--repeat N]

The phases are timed by wrapping the functions ``generator.render`` calls
(each wrapper adds well under a microsecond).  A phase whose function the
renderer no longer has is reported as ``null``, not guessed.  With
``--profile``, the generate call also runs under cProfile and the stats are
written to FILE (profiling slows it down: the phase times are then only
proportions).

Each phase is reported in wall seconds (``phases``) and in CPU seconds,
children such as ruff included (``phases_cpu``): CPU time barely moves when
other work competes for the cores, so growth is fitted on it.

Phases, all exclusive of each other:

- ``import_authgen``: importing ``generator.cli`` and ``generator.render`` (with jinja2, click ...)
- ``spec``: reading and validating the spec
- ``context``: building each target's cookiecutter context
- ``render``: ``generator.tree.render_tree`` (loading compiled templates, rendering, file writes)
- ``copy_fake``: copying the fake service and its spec data into each package
- ``waiting for ruff``: the time the run waits for ruff once every target is rendered
- ``root``: the output folder's README.md and noxfile.py
- ``manifest``: hashing templates, generator and every output file
- ``plan``: comparing with the previous output (hand edits)
- ``carry_over``: hard-linking what the run does not replace
- ``swap``: the atomic exchange of staging and output
- ``other``: the rest of ``generate`` (staging folders, writing the manifest)

Besides those, ``ruff (in the background)``: ruff formatting the Python
packages (two subprocesses), which runs in a thread while the other targets
render; its wall time overlaps the phases above, so it is not part of their
sum, and its CPU time is ruff's own (the other phases count their thread's).
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

#: (phase, attribute path) of the functions wrapped: of generator.render, or ``module:attribute``
#: for what generator.render imports only when it renders (an up-to-date run never loads them).
WRAPPED = (
    ("spec", "generator.spec:load_spec"),
    ("context", "generator.context:build_context"),
    ("render", "generator.tree:render_tree"),
    ("copy_fake", "copy_fake"),
    ("waiting for ruff", "_Background.join"),
    ("root", "render_root"),
    ("manifest", "_manifest_for"),
    ("plan", "_plan"),
    ("carry_over", "_carry_over"),
    ("swap", "_swap"),
)

#: Functions run in a background thread: (phase, attribute of generator.render).
BACKGROUND = (("ruff (in the background)", "format_python"),)


#: The same for ``authgen check``: (phase, attribute of generator.manifest).
CHECK_WRAPPED = (
    ("read manifest", "load"),
    ("hash templates and generator code", "hash_tree"),
    ("hash output files", "edited_files"),
    ("hash spec", "sha256"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", help="the spec to generate from")
    parser.add_argument("out", help="the output folder (with --check: the folder to check)")
    parser.add_argument("-t", "--target", action="append", dest="targets")
    parser.add_argument("--profile", help="write cProfile stats of the generate call to this file")
    parser.add_argument("--check", action="store_true", help="time `authgen check OUT` instead")
    parser.add_argument(
        "--sizes",
        nargs="+",
        metavar="SPEC",
        help="time generate for each of these specs, --repeat rounds in this one process (OUT is a scratch folder)",
    )
    parser.add_argument(
        "--front-end",
        nargs="+",
        metavar="SPEC",
        help="time only reading the spec and building the contexts, for each of these specs (fastest of --repeat)",
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if args.check:
        result = check_phases(args.out)
    elif args.front_end:
        result = front_end(args.front_end, args.targets, args.repeat)
    elif args.sizes:
        result = sizes(args.sizes, args.out, args.targets, args.repeat)
    else:
        result = generate_phases(args)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


def _instrument() -> tuple[Any, dict[str, float | None]]:
    """Import the renderer and wrap its phases; return it and the dict the wrappers add to."""
    import generator.render as render

    phases: dict[str, float | None] = {}
    for phase, name in WRAPPED:
        owner, attr = _owner(render, name)
        _wrap(owner, attr, phase, phases)
    for phase, name in BACKGROUND:
        _wrap_background(render, name, phase, phases)
    return render, phases


def _owner(render: Any, name: str) -> tuple[Any, str]:
    """The object that holds a WRAPPED function, and the function's attribute name."""
    import importlib

    module, colon, path = name.rpartition(":")
    owner = importlib.import_module(module) if colon else render
    owner_path, _, attr = path.rpartition(".")
    for part in owner_path.split(".") if owner_path else ():
        owner = getattr(owner, part)
    return owner, attr


def _generate_once(render: Any, phases: dict[str, float | None], spec: str | None, out: str, targets: Any) -> dict:
    """One timed ``generate``: wall and CPU, in all and per phase."""
    for name in list(phases):
        if name == "other":
            del phases[name]
        elif phases[name] is not None:
            phases[name] = 0.0
    CPU.clear()
    begin, begin_cpu = time.perf_counter(), process_cpu()
    render.generate(spec, out, targets)
    end, end_cpu = time.perf_counter(), process_cpu()
    walls = dict(phases)
    foreground = [v for name, v in phases.items() if v and name not in BACKGROUND_PHASES]
    walls["other"] = max(0.0, (end - begin) - sum(foreground))
    cpus = {name: (CPU.get(name, 0.0) if value is not None else None) for name, value in walls.items()}
    cpus["other"] = max(0.0, (end_cpu - begin_cpu) - sum(CPU.values()))
    return {"phases": walls, "phases_cpu": cpus, "generate": end - begin, "generate_cpu": end_cpu - begin_cpu}


def sizes(specs: list[str], out: str, targets: Any, repeat: int) -> dict[str, list[dict]]:
    """``repeat`` timed runs of each spec, warm, in this process, in a rotating order after one warm-up round.

    In one warm process the start-up and imports every size pays alike are
    gone, and the minimum of several runs leaves little noise: what is left
    is how the work itself grows with the spec.
    """
    import shutil

    render, phases = _instrument()
    runs: dict[str, list[dict]] = {spec: [] for spec in specs}
    for round_ in range(-1, repeat):
        shift = round_ % len(specs)
        for index, spec in enumerate(specs[shift:] + specs[:shift]):
            folder = f"{out}/{round_ + 1}-{index}"
            result = _generate_once(render, phases, spec, folder, targets)
            shutil.rmtree(folder, ignore_errors=True)
            if round_ >= 0:
                runs[spec].append(result)
    return runs


def front_end(specs: list[str], targets: Any, repeat: int) -> dict[str, dict[str, float]]:
    """The fastest CPU time of reading each spec and of building its targets' contexts, over ``repeat`` tries.

    Cheap enough to run on specs far larger than the generation benchmark's,
    which is where a step that grows faster than the spec would show.
    """
    import gc

    from generator.context import build_context
    from generator.spec import load_spec
    from generator.targets import TARGETS

    chosen = [TARGETS[name] for name in (targets or ["flask"])]
    out = {}
    for spec_path in specs:
        best_spec = best_context = float("inf")
        for _ in range(repeat):
            gc.collect()
            start = time.process_time()
            spec = load_spec(spec_path)
            loaded = time.process_time()
            for target in chosen:
                build_context(spec, target)
            built = time.process_time()
            best_spec, best_context = min(best_spec, loaded - start), min(best_context, built - loaded)
        out[spec_path] = {"spec": best_spec, "context": best_context}
    return out


def generate_phases(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    import generator.cli  # noqa: F401  (what the console script imports first)
    import generator.render  # noqa: F401

    imported = time.perf_counter()
    render, phases = _instrument()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        try:
            result = _generate_once(render, phases, args.spec, args.out, args.targets)
        finally:
            profiler.disable()
            profiler.dump_stats(args.profile)
    else:
        result = _generate_once(render, phases, args.spec, args.out, args.targets)
    return {
        "import_authgen": imported - started,
        **result,
        "in_process_total": time.perf_counter() - _T0,
    }


def check_phases(out: str) -> dict[str, Any]:
    started = time.perf_counter()
    import generator.check as check
    import generator.cli  # noqa: F401
    import generator.manifest as manifest

    imported = time.perf_counter()
    phases: dict[str, float | None] = {}
    for phase, name in CHECK_WRAPPED:
        _wrap(manifest, name, phase, phases)
    begin = time.perf_counter()
    report = check.check(out)
    end = time.perf_counter()
    measured = sum(v for v in phases.values() if v)
    phases["other"] = max(0.0, (end - begin) - measured)
    return {
        "import_authgen": imported - started,
        "phases": phases,
        "check": end - begin,
        "state": report.state,
        "in_process_total": end - _T0,
    }


def _wrap(owner: Any, attr: str, phase: str, phases: dict[str, float | None]) -> None:
    """Time ``owner.attr`` as ``phase``; a phase whose function is gone is None, not guessed."""
    if not callable(getattr(owner, attr, None)):
        phases[phase] = None
        return
    phases[phase] = 0.0
    setattr(owner, attr, _timed(getattr(owner, attr), phase, phases))


#: CPU seconds (this process and the children it waited for, e.g. ruff) per phase, beside the wall times.
CPU: dict[str, float] = {}
#: (wall, CPU) seconds spent in wrapped calls nested inside the running wrapped call, innermost last.
_NESTED: list[list[float]] = []


def process_cpu() -> float:
    """CPU seconds of every thread of this process and of the children it waited for (ruff)."""
    return time.process_time() + children_cpu()


def children_cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def _wrap_background(owner: Any, attr: str, phase: str, phases: dict[str, float | None]) -> None:
    """Time ``owner.attr``, which runs in its own thread, apart from the nested phases of the main thread.

    Its CPU time is that of the children it runs (ruff): the thread itself
    only waits for them.
    """
    func = getattr(owner, attr, None)
    if not callable(func):
        phases[phase] = None
        return
    phases[phase] = 0.0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start, start_cpu = time.perf_counter(), children_cpu()
        try:
            return func(*args, **kwargs)
        finally:
            phases[phase] = (phases[phase] or 0.0) + time.perf_counter() - start
            CPU[phase] = CPU.get(phase, 0.0) + children_cpu() - start_cpu

    wrapper.__wrapped__ = func  # type: ignore[attr-defined]
    setattr(owner, attr, wrapper)


#: The phases that run beside the others, not in turn with them.
BACKGROUND_PHASES = {phase for phase, _ in BACKGROUND}


def _timed(func: Callable[..., Any], phase: str, phases: dict[str, float | None]) -> Callable[..., Any]:
    """``func``, adding its time, less that of wrapped calls inside it, to ``phases[phase]`` (and CPU to ``CPU``)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start, start_cpu = time.perf_counter(), time.thread_time()
        _NESTED.append([0.0, 0.0])
        try:
            return func(*args, **kwargs)
        finally:
            elapsed, elapsed_cpu = time.perf_counter() - start, time.thread_time() - start_cpu
            inner, inner_cpu = _NESTED.pop()
            phases[phase] = (phases[phase] or 0.0) + elapsed - inner
            CPU[phase] = CPU.get(phase, 0.0) + elapsed_cpu - inner_cpu
            if _NESTED:
                _NESTED[-1][0] += elapsed
                _NESTED[-1][1] += elapsed_cpu

    wrapper.__wrapped__ = func  # type: ignore[attr-defined]
    return wrapper


if __name__ == "__main__":
    sys.exit(main())
