"""Read a cProfile dump and ``-X importtime`` output into short lists: where the time went.

Pure functions of their input (no timing), so they are unit-tested.
"""

from __future__ import annotations

import os
import pstats
from collections import defaultdict
from dataclasses import dataclass

#: Jinja modules that turn template source into Python code.
_JINJA_COMPILE = {"lexer.py", "parser.py", "compiler.py", "nodes.py", "visitor.py", "optimizer.py", "idtracking.py"}


@dataclass(frozen=True)
class Entry:
    name: str
    seconds: float
    share: float  # of the total, 0..1


def area(filename: str, function: str, templates_dir: str = "") -> str:
    """The part of the work a profiled function belongs to, for the per-area summary."""
    path = filename.replace(os.sep, "/")
    base = path.rsplit("/", 1)[-1]
    if filename == "~":
        if "builtins.compile" in function:
            return "Jinja: compiling templates to Python"
        if "select.poll" in function or "waitpid" in function or "fork_exec" in function:
            return "subprocesses (ruff), waiting"
        if "marshal" in function or "_imp." in function:
            return "imports"
        if "io.open" in function or "posix." in function or "_io." in function or "write" in function:
            return "file system"
        return "builtins (other)"
    if templates_dir and path.startswith(templates_dir.replace(os.sep, "/")):
        return "Jinja: running template code"
    if "/jinja2/" in path:
        return "Jinja: compiling templates to Python" if base in _JINJA_COMPILE else "Jinja: runtime"
    if "/binaryornot/" in path or "/chardet/" in path:
        return "cookiecutter: binary-file sniffing (binaryornot)"
    if "/cookiecutter/" in path:
        return "cookiecutter itself"
    if "/generator/" in path:
        return f"authgen: {path.split('/generator/', 1)[1].removesuffix('.py').replace('/', '.')}"
    if base == "subprocess.py":
        return "subprocesses (ruff), waiting"
    if base in ("shutil.py", "pathlib.py", "os.py", "tempfile.py", "genericpath.py", "posixpath.py"):
        return "file system"
    if "importlib" in path or path.startswith("<frozen"):
        return "imports"
    if "/site-packages/" in path:
        return f"other package: {path.split('/site-packages/', 1)[1].split('/', 1)[0]}"
    return f"stdlib: {base.removesuffix('.py')}"


def profile_summary(stats_file: str, templates_dir: str = "", top: int = 12) -> dict[str, list[dict]]:
    """Self time by area, and the functions with the most self time, from a cProfile dump."""
    stats = pstats.Stats(stats_file)
    raw = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values()) or 1.0
    by_area: dict[str, float] = defaultdict(float)
    functions = []
    for (filename, line, function), (_cc, _nc, tottime, _cum, _callers) in raw.items():
        by_area[area(filename, function, templates_dir)] += tottime
        label = function if filename == "~" else f"{_short(filename)}:{line}({function})"
        functions.append((tottime, label))
    areas = sorted(by_area.items(), key=lambda kv: kv[1], reverse=True)
    functions.sort(reverse=True)
    return {
        "total_s": total,
        "areas": [Entry(name, s, s / total).__dict__ for name, s in areas[:top]],
        "functions": [Entry(name, s, s / total).__dict__ for s, name in functions[:top]],
    }


def _short(filename: str) -> str:
    path = filename.replace(os.sep, "/")
    for marker in ("/site-packages/", "/work/main/", "/lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    for marker in ("/generator/", "/templates/"):
        if marker in path:
            return marker.strip("/") + "/" + path.split(marker, 1)[1]
    return path


@dataclass(frozen=True)
class ImportTime:
    module: str
    self_s: float
    cumulative_s: float
    depth: int


def parse_importtime(text: str) -> list[ImportTime]:
    """The lines of ``python -X importtime``'s stderr (other lines are skipped)."""
    out = []
    for line in text.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3:
            continue
        try:
            self_us, cumulative_us = int(parts[0]), int(parts[1])
        except ValueError:
            continue
        name = parts[2].rstrip("\n")
        stripped = name.lstrip(" ")
        depth = (len(name) - len(stripped) - 1) // 2
        out.append(ImportTime(stripped, self_us / 1e6, cumulative_us / 1e6, max(0, depth)))
    return out


def heaviest_imports(entries: list[ImportTime], top: int = 10, max_depth: int = 2) -> list[dict]:
    """The imports costing most, cumulative, down to ``max_depth`` (0 = what the program imported itself)."""
    chosen = [e for e in entries if e.depth <= max_depth]
    chosen.sort(key=lambda e: e.cumulative_s, reverse=True)
    return [e.__dict__ for e in chosen[:top]]
