"""The floor of generation: plain cookiecutter rendering the same templates with the same contexts.

    python benchmarks/floor.py CONTEXTS.json OUT [--bytecode-cache DIR]

CONTEXTS.json is written by the generation benchmark, from
``generator.context.build_context``, once: ``{"targets": [{"name",
"template_dir", "context"}]}``.  This process only imports cookiecutter and
calls ``generate_files`` per target into ``OUT/<name>``, so its whole run is
what any generator built on cookiecutter must spend at least.  It prints
``{"import": s, "render": s}`` (time to import cookiecutter, time rendering).

``--bytecode-cache`` hands cookiecutter's Jinja environment a
``FileSystemBytecodeCache`` (one folder per target), as authgen does with
its own cache: the like-for-like floor once that cache is warm.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("contexts")
    parser.add_argument("out")
    parser.add_argument("--bytecode-cache", metavar="DIR")
    args = parser.parse_args(argv)

    out = os.path.abspath(args.out)  # cookiecutter renders from inside the template folder
    cache = os.path.abspath(args.bytecode_cache) if args.bytecode_cache else None
    with open(args.contexts, encoding="utf-8") as handle:
        targets = json.load(handle)["targets"]
    start = time.perf_counter()
    from cookiecutter.generate import generate_files

    imported = time.perf_counter()
    for target in targets:
        context = dict(target["context"])
        if cache:
            from jinja2 import FileSystemBytecodeCache

            folder = os.path.join(cache, target["name"])
            os.makedirs(folder, exist_ok=True)
            context["_jinja2_env_vars"] = {"bytecode_cache": FileSystemBytecodeCache(folder)}
        generate_files(
            target["template_dir"], {"cookiecutter": context}, os.path.join(out, target["name"]), accept_hooks=False
        )
    done = time.perf_counter()
    json.dump({"import": imported - start, "render": done - imported}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
