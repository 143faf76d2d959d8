"""The package type-checks with ``mypy --strict`` and django-stubs (the settings: ``[tool.mypy]`` in pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

#: The package's folder, where pyproject.toml is.
ROOT = Path(__file__).resolve().parent.parent


def test_the_package_is_clean_under_mypy_strict() -> None:
    api = pytest.importorskip("mypy.api", reason="mypy is in the test extra: pip install -e '.[test]'")
    out, err, status = api.run(["--config-file", str(ROOT / "pyproject.toml"), str(ROOT / "src")])
    assert status == 0, out + err
