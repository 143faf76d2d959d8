"""``python -m generator.kit.scale OUT/<target>``: run the scale test; exit 0 when every check held."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ...errors import AuthgenError
from .harness import run_scale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator.kit.scale", description="Two instances of an example app on one Redis."
    )
    parser.add_argument("package", type=Path, help="a target's folder in an output folder of `authgen generate`")
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("--no-install", action="store_true", help="serve the app as an earlier run built it")
    args = parser.parse_args(argv)
    try:
        return run_scale(args.package, quiet=args.quiet, install=not args.no_install)
    except AuthgenError as err:
        print(f"scale: {err}", file=sys.stderr)
        for hint in err.hints():
            print(f"  {hint}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
