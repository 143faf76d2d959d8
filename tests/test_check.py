"""authgen check: every state, its exit code, and the JSON report's schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from generator.check import EXIT_CODES
from generator.cli import main
from generator.render import generate

from .conftest import ACME, ROOT

SCHEMA = json.loads((ROOT / "docs" / "check.schema.json").read_text())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated output, copied for each test (generating is the slow part)."""
    root = tmp_path_factory.mktemp("generated")
    shutil.copyfile(ACME, root / "identity.toml")
    generate(root / "identity.toml", root / "out", ["flask"])
    return root


@pytest.fixture
def out(generated: Path, tmp_path: Path) -> Path:
    shutil.copytree(generated, tmp_path, dirs_exist_ok=True)
    return tmp_path / "out"


def run_check(runner, out: Path) -> tuple[int, dict]:
    result = runner.invoke(main, ["check", str(out), "--json"])
    report = json.loads(result.output)
    jsonschema.validate(report, SCHEMA)
    assert report["exit_code"] == result.exit_code
    return result.exit_code, report


def test_fresh_output_is_up_to_date(runner, out: Path) -> None:
    code, report = run_check(runner, out)
    assert (code, report["state"]) == (0, "up_to_date")


def test_changed_spec_makes_output_stale(runner, out: Path) -> None:
    spec = out.parent / "identity.toml"
    spec.write_text(spec.read_text().replace("timeout_s = 5", "timeout_s = 7"))
    code, report = run_check(runner, out)
    assert (code, report["state"], report["stale"]) == (EXIT_CODES["stale"], "stale", ["spec"])


def test_hand_edited_file_is_named(runner, out: Path) -> None:
    (out / "flask" / "example.py").write_text("# mine\n")
    code, report = run_check(runner, out)
    assert (code, report["hand_edited"]) == (EXIT_CODES["hand_edited"], ["flask/example.py"])


def test_deleted_file_is_missing(runner, out: Path) -> None:
    (out / "flask" / "README.md").unlink()
    code, report = run_check(runner, out)
    assert (code, report["missing"]) == (EXIT_CODES["missing"], ["flask/README.md"])


def test_hand_edit_outranks_stale(runner, out: Path) -> None:
    (out / "flask" / "example.py").write_text("# mine\n")
    spec = out.parent / "identity.toml"
    spec.write_text(spec.read_text().replace("timeout_s = 5", "timeout_s = 7"))
    code, report = run_check(runner, out)
    assert code == EXIT_CODES["hand_edited"] and report["stale"] == ["spec"]


def test_folder_without_manifest_is_an_error(runner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 5 and "not a generated folder" in result.output
    assert "Traceback" not in result.output


def test_regenerating_makes_stale_output_current(runner, out: Path) -> None:
    spec = out.parent / "identity.toml"
    spec.write_text(spec.read_text().replace("timeout_s = 5", "timeout_s = 7"))
    generate(spec, out, ["flask"])
    assert run_check(runner, out)[0] == 0


def test_generate_names_hand_edited_files_and_refuses(runner, out: Path) -> None:
    (out / "flask" / "example.py").write_text("# mine\n")
    spec = out.parent / "identity.toml"
    spec.write_text(spec.read_text().replace("timeout_s = 5", "timeout_s = 7"))
    result = runner.invoke(main, ["generate", str(spec), "-o", str(out), "-t", "flask"])
    assert result.exit_code == 4
    assert "flask/example.py" in result.output
    assert (out / "flask" / "example.py").read_text() == "# mine\n"


def test_dry_run_lists_what_would_change(runner, out: Path) -> None:
    spec = out.parent / "identity.toml"
    spec.write_text(spec.read_text().replace("timeout_s = 5", "timeout_s = 7"))
    result = runner.invoke(main, ["generate", str(spec), "-o", str(out), "-t", "flask", "--dry-run", "-q"])
    assert result.exit_code == 0
    result = runner.invoke(main, ["generate", str(spec), "-o", str(out), "-t", "flask", "--dry-run"])
    assert "would change" in result.output and "flask/src/flask_acme/client.py" in result.output
    assert run_check(runner, out)[1]["stale"] == ["spec"]
