"""The package and the example app type-check with ``mypy --strict`` (the settings: ``[tool.mypy]`` in pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

#: The package's folder, where pyproject.toml is.
ROOT = Path(__file__).resolve().parent.parent


def test_the_package_and_the_example_are_clean_under_mypy_strict() -> None:
    api = pytest.importorskip("mypy.api", reason="mypy is in the test extra: pip install -e '.[test]'")
    out, err, status = api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), str(ROOT / "src"), str(ROOT / "example.py")]
    )
    assert status == 0, out + err
