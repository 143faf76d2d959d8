"""authgen diff: what a template change does to the output, against a git ref."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import diff as diff_module
from generator.diff import DiffError, diff

from .conftest import ROOT

ERRORS_TEMPLATE = Path("templates/_python/errors.py")
OLD_LINE = '    """The username or password is wrong, or the service session has ended."""'
NEW_LINE = '    """The username or password is wrong, or the service session is over."""'


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of this checkout with one template line edited and not committed."""
    if not (ROOT / ".git").exists():
        pytest.skip("authgen is not running from a git checkout")
    path = tmp_path_factory.mktemp("clone") / "authgen"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(path)], check=True)
    template = path / ERRORS_TEMPLATE
    text = template.read_text()
    assert OLD_LINE in text
    template.write_text(text.replace(OLD_LINE, NEW_LINE))
    return path


def run_diff(clone: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(clone)}
    command = [sys.executable, "-m", "generator.cli", "diff", "--against", "HEAD", *args]
    return subprocess.run(command, cwd=clone, env=env, capture_output=True, text=True, check=False)


def test_diff_shows_exactly_the_edited_line(clone: Path) -> None:
    result = run_diff(clone, "-t", "flask")
    assert result.returncode == 0, result.stderr
    changed = [line for line in result.stdout.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == [
        '-    """The username or password is wrong, or the service session has ended."""',
        '+    """The username or password is wrong, or the service session is over."""',
    ]
    assert "+++ b/flask/src/flask_acme/errors.py" in result.stdout
    assert "flask: 1 changed, 0 added, 0 removed" in result.stderr


def test_stat_prints_only_the_summary(clone: Path) -> None:
    result = run_diff(clone, "-t", "flask", "--stat")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "(top level): 0 changed, 0 added, 0 removed",
        "flask: 1 changed, 0 added, 0 removed",
    ]


def test_unknown_ref_is_a_clear_error() -> None:
    with pytest.raises(DiffError, match="unknown git ref 'no-such-ref'"):
        diff(None, "no-such-ref", ["flask"])


def test_outside_a_git_repository_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diff_module, "REPO", tmp_path)
    with pytest.raises(DiffError, match="not a git repository"):
        diff(None, "HEAD", ["flask"])
