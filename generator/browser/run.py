"""Run the browser tests against one generated package's example app.

The fake and the example app are started by the conformance kit's runner
(:func:`generator.kit.runner.run_kit`); this module only names the suite,
the second, branded copy of the app, and the browser's options.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from ..kit.errors import KitError
from ..kit.package import KitPackage
from ..kit.runner import Suite, run_kit

#: The brand of the second copy of the app: each value must change what the login page draws.
BRAND = {
    "name": "Browser Test Co",
    "logo_url": "/static/browser-test-logo.png",
    "primary_color": "#0a7d38",
}

#: The variables that set the brand, formatted with the spec's upper-case slug: the same in every target.
BRAND_ENV = {
    "name": "{SLUG}_BRAND_NAME",
    "logo_url": "{SLUG}_LOGO_URL",
    "primary_color": "{SLUG}_PRIMARY_COLOR",
}

#: The browser suite: this folder, with the conformance kit's fixtures (app, fake, spec, users).
SUITE_DIR = Path(__file__).resolve().parent


def branded(pkg: KitPackage) -> Mapping[str, Mapping[str, str]]:
    """The second copy of the app: the same settings, another brand name, logo and colour."""
    slug = pkg.spec.service.slug.upper()
    return {"branded-app-url": {BRAND_ENV[key].format(SLUG=slug): value for key, value in BRAND.items()}}


BROWSER_SUITE = Suite(SUITE_DIR, plugins=("generator.kit.conftest",), variants=branded)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.browser", description=__doc__)
    parser.add_argument("package", type=Path, help="a target's folder in an output folder, e.g. integrations/flask")
    parser.add_argument("--python", help="the interpreter that installs and serves a Python example app")
    parser.add_argument("-q", "--quiet", action="store_true", help="print no progress lines")
    parser.add_argument("--no-install", action="store_true", help="serve the app as an earlier run built it")
    args, pytest_args = parser.parse_known_args(argv)
    if shutil.which("chromium") is None and "--chromium" not in " ".join(pytest_args):
        print("browser: no `chromium` on PATH (apt-get install chromium)", file=sys.stderr)
        return 6
    try:
        return run_kit(
            args.package,
            quiet=args.quiet,
            pytest_args=pytest_args,
            python=args.python,
            suite=BROWSER_SUITE,
            install=not args.no_install,
        )
    except KitError as err:
        print(f"browser: {err}", file=sys.stderr)
        for line in err.hints():
            print(f"  {line}", file=sys.stderr)
        return err.exit_code
