"""Experiment: the same templates and contexts rendered with plain Jinja, no cookiecutter, in a cold process.

    python benchmarks/lean.py CONTEXTS.json OUT BYTECODE_CACHE_DIR

Not a floor of authgen as it is (authgen renders with cookiecutter), but a
measure of what rendering costs when the work cookiecutter does per file is
left out: one Jinja environment per target, with a bytecode cache (one folder
per target), all path names of a target rendered as one template, no binary
sniffing, and ``_copy_without_render`` honoured as cookiecutter does.
Its output is compared with cookiecutter's by the generation benchmark, so the
figure is of the same files.  Prints ``{"import": s, "render": s}``.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import sys
import time


def render_target(template_dir: str, context: dict, out: str, cache: str) -> None:
    from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined

    project = next(
        name for name in sorted(os.listdir(template_dir)) if "cookiecutter" in name and "{{" in name and "}}" in name
    )
    root = os.path.join(template_dir, project)
    os.makedirs(cache, exist_ok=True)
    env = Environment(
        loader=FileSystemLoader([root, os.path.join(root, "..", "templates")]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        extensions=list(context.get("_extensions", [])),
        bytecode_cache=FileSystemBytecodeCache(cache),
    )
    values = {"cookiecutter": context}
    verbatim = list(context.get("_copy_without_render", []))

    # Walk first, then render every path name of the target in one template: one compile, not one per file.
    copies: list[str] = []
    files: list[str] = []
    for folder, dirs, names in os.walk(root):
        rel_folder = os.path.relpath(folder, root)
        keep = []
        for d in sorted(dirs):
            rel = os.path.normpath(os.path.join(rel_folder, d))
            if any(fnmatch.fnmatch(rel, p) for p in verbatim):
                copies.append(rel)
            else:
                keep.append(d)
        dirs[:] = keep
        files += [os.path.normpath(os.path.join(rel_folder, f)) for f in names]
    paths = [project, *copies, *files]
    rendered = env.from_string("\n".join(paths)).render(values).split("\n")
    if len(rendered) != len(paths):
        raise ValueError("a rendered path name holds a line break")
    named = dict(zip(paths, rendered, strict=True))
    base = os.path.join(out, named[project])
    for rel in copies:
        shutil.copytree(os.path.join(root, rel), os.path.join(base, named[rel]))
    for rel in files:
        target = os.path.join(base, named[rel])
        if os.path.basename(target) == "" or target.endswith(os.sep) or os.path.isdir(target):
            continue  # a conditional file whose name rendered empty
        os.makedirs(os.path.dirname(target), exist_ok=True)
        source = os.path.join(root, rel)
        if any(fnmatch.fnmatch(rel, p) for p in verbatim):
            shutil.copyfile(source, target)
        else:
            text = env.get_template(rel.replace(os.sep, "/")).render(values)
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(text)
        shutil.copymode(source, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("contexts")
    parser.add_argument("out")
    parser.add_argument("cache")
    args = parser.parse_args(argv)
    with open(args.contexts, encoding="utf-8") as handle:
        targets = json.load(handle)["targets"]
    start = time.perf_counter()
    import jinja2  # noqa: F401

    imported = time.perf_counter()
    for target in targets:
        out = os.path.join(os.path.abspath(args.out), target["name"])
        cache = os.path.join(os.path.abspath(args.cache), target["name"])
        render_target(target["template_dir"], target["context"], out, cache)
    done = time.perf_counter()
    json.dump({"import": imported - start, "render": done - imported}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
