"""``python -m generator.browser OUT/<target> [--readme-screenshot PATH] [PYTEST_ARGS]``: run the browser tests."""

from __future__ import annotations

import sys

from .run import main

if __name__ == "__main__":
    sys.exit(main())
