"""The command line a newcomer meets: option types, --json, an up-to-date output left alone, `fake`'s hints."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import click
import jsonschema
import pytest
from click.testing import CliRunner

from generator import manifest
from generator.cli import TargetChoice, main
from generator.targets import TARGETS

from .conftest import ACME, ROOT

GENERATE_SCHEMA = json.loads((ROOT / "docs" / "generate.schema.json").read_text())
VALIDATE_SCHEMA = json.loads((ROOT / "docs" / "validate.schema.json").read_text())


def broken_copy(tmp_path: Path, name: str, *replacements: tuple[str, str]) -> Path:
    text = ACME.read_text()
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text)
    return path


def tree_state(root: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime in ns) of the folder and of everything below it."""
    paths = [root, *sorted(root.rglob("*"))]
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in paths}


# -- option types ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_fake_refuses_a_port_out_of_range_without_a_traceback(runner: CliRunner, port: str) -> None:
    result = runner.invoke(main, ["fake", "--port", port])
    assert result.exit_code == 2, result.output
    assert "--port" in result.stderr
    assert "Traceback" not in result.output and not isinstance(result.exception, OverflowError)


def test_a_target_typo_suggests_the_target(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["generate", "-o", str(tmp_path / "out"), "-t", "flsk"])
    assert result.exit_code == 2
    assert "did you mean 'flask'?" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_unknown_target_lists_the_targets(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["diff", "--against", "HEAD", "-t", "rails"])
    assert result.exit_code == 2
    assert all(name in result.stderr for name in TARGETS)
    assert "did you mean" not in result.stderr


def test_targets_complete_in_the_shell() -> None:
    command = main.commands["generate"]
    option = next(p for p in command.params if p.name == "targets")
    assert isinstance(option.type, TargetChoice)
    context = click.Context(command)
    assert [item.value for item in option.type.shell_complete(context, option, "sp")] == ["spring"]
    assert {item.value for item in option.type.shell_complete(context, option, "")} == set(TARGETS)


# -- validate -------------------------------------------------------------------------------------------


def two_broken_specs(tmp_path: Path) -> tuple[Path, Path]:
    first = broken_copy(tmp_path, "first.toml", ('slug = "acme"', 'slug = "Acme Co"'))
    second = broken_copy(
        tmp_path, "second.toml", ('slug = "acme"', 'slug = "other"'), ('name = "Acme Identity"', "name = 42")
    )
    return first, second


def test_validate_counts_each_problem_against_its_own_file(runner: CliRunner, tmp_path: Path) -> None:
    first, second = two_broken_specs(tmp_path)
    result = runner.invoke(main, ["validate", str(first), str(second)])
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    per_file = {str(p): sum(line.startswith(f"error: {p}:") for line in lines) for p in (first, second)}
    assert all(per_file.values()), lines
    total = sum(per_file.values())
    assert (
        lines[-1] == f"{total} problems in 2 specs ({first}: {per_file[str(first)]}, {second}: {per_file[str(second)]})"
    )


def test_validate_json_has_each_files_problems(runner: CliRunner, tmp_path: Path) -> None:
    first, second = two_broken_specs(tmp_path)
    result = runner.invoke(main, ["validate", "--json", str(ACME), str(first), str(second)])
    assert result.exit_code == 3, result.output
    report = json.loads(result.stdout)
    jsonschema.validate(report, VALIDATE_SCHEMA)
    assert report["valid"] is False and report["exit_code"] == 3
    by_file = {entry["file"]: entry for entry in report["specs"]}
    assert list(by_file) == [str(ACME), str(first), str(second)]
    assert by_file[str(ACME)]["valid"] and by_file[str(ACME)]["service"] == "Acme Identity"
    assert by_file[str(ACME)]["targets"] == list(TARGETS)
    assert [p["path"] for p in by_file[str(first)]["problems"]] == ["service.slug"]
    assert {p["path"] for p in by_file[str(second)]["problems"]} == {"service.name"}
    assert all(p["line"] for entry in report["specs"] for p in entry["problems"])


def test_validate_json_of_valid_specs_exits_0(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", "--json", str(ACME)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    jsonschema.validate(report, VALIDATE_SCHEMA)
    assert report["valid"] and [e["problems"] for e in report["specs"]] == [[]]


# -- generate -------------------------------------------------------------------------------------------


def test_generate_json_says_what_changed_then_that_nothing_did(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = runner.invoke(main, ["generate", "-o", str(out), "-t", "flask", "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    jsonschema.validate(report, GENERATE_SCHEMA)
    assert report["targets"] == ["flask"] and not report["unchanged"]
    assert "flask/pyproject.toml" in report["changed"] and report["removed"] == []
    again = json.loads(runner.invoke(main, ["generate", "-o", str(out), "-t", "flask", "--json"]).stdout)
    jsonschema.validate(again, GENERATE_SCHEMA)
    assert (again["unchanged"], again["changed"], again["removed"]) == (True, [], [])


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_the_output_folder_honours_the_umask(tmp_path: Path, umask: int) -> None:
    from generator.render import generate

    previous = os.umask(umask)
    try:
        generate(ACME, tmp_path / "out", ["flask"])
    finally:
        os.umask(previous)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o777 & ~umask
    assert (tmp_path / "out" / "flask").stat().st_mode & 0o777 == 0o777 & ~umask


def test_regenerating_keeps_the_output_folders_own_mode(tmp_path: Path) -> None:
    from generator.render import generate

    out = tmp_path / "out"
    generate(ACME, out, ["flask"])
    out.chmod(0o750)
    generate(ACME, out, ["flask", "django"])
    assert out.stat().st_mode & 0o777 == 0o750


def test_an_up_to_date_output_is_left_untouched(runner: CliRunner, tmp_path: Path) -> None:
    """Not swapped: a running example app keeps its working directory, every file its inode and mtime."""
    out = tmp_path / "out"
    assert runner.invoke(main, ["generate", "-o", str(out), "-q"]).exit_code == 0
    before = tree_state(out)
    for args in ([], ["-t", "flask", "-t", "django"], ["--force"], [str(ACME)]):
        result = runner.invoke(main, ["generate", "-o", str(out), *args])
        assert result.exit_code == 0, result.output
        assert "up to date; left untouched" in result.stdout
        assert tree_state(out) == before, args
    assert os.listdir(tmp_path) == ["out"], "no staging folder either"


def test_an_up_to_date_run_removes_what_killed_runs_left(tmp_path: Path) -> None:
    from generator.render import STAGING_PREFIX, generate

    out = tmp_path / "out"
    generate(ACME, out, ["flask"])
    (tmp_path / f"{STAGING_PREFIX}out-killed").mkdir()
    assert generate(ACME, out, ["flask"]).unchanged
    assert os.listdir(tmp_path) == ["out"]


def test_same_files_from_changed_inputs_only_rewrite_the_manifest(tmp_path: Path) -> None:
    from generator.check import check
    from generator.render import generate

    out = tmp_path / "out"
    generate(ACME, out, ["flask"])
    path = out / manifest.MANIFEST
    path.write_text(path.read_text().replace(manifest.generator_hash(), "0" * 64))  # as if authgen had changed
    assert check(out).stale == ["generator"]
    before = tree_state(out)
    result = generate(ACME, out, ["flask"])
    assert (result.changed, result.removed, result.unchanged) == ([], [], False)
    after = tree_state(out)
    assert after["."][0] == before["."][0], "the folder itself stays (its mtime moves: the manifest is replaced)"
    unchanged = set(before) - {".", manifest.MANIFEST}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    assert check(out).state == "up_to_date"
    assert sorted(os.listdir(tmp_path)) == ["out"] and manifest.MANIFEST + ".tmp" not in os.listdir(out)


def test_an_up_to_date_run_loads_no_rendering_machinery(tmp_path: Path) -> None:
    """What keeps the no-op run fast (benchmarks/ measures it): only hashes, no Jinja2, no validator."""
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "generator.cli", "generate", "-q", "-o", str(out)], check=True, cwd=ROOT)
    probe = (
        "import sys\n"
        "from generator.cli import main\n"
        f"try:\n    main(['generate', '-q', '-o', {str(out)!r}])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('jinja2', 'generator.context', 'generator.validate', 'generator.tree')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


# -- fake -----------------------------------------------------------------------------------------------


def test_fake_prints_the_environment_to_paste(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "fake", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    received: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [received.put(line.rstrip("\n")) for line in process.stdout], daemon=True)
    reader.start()
    lines: list[str] = []
    try:
        while not any(line.lstrip().startswith("export ") for line in lines):
            lines.append(received.get(timeout=60))  # queue.Empty fails the test when the fake prints no more
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    url = re.fullmatch(r"fake listening on (http://127\.0\.0\.1:\d+)", lines[0])
    assert url, lines
    export = next(line.strip() for line in lines if line.lstrip().startswith("export "))
    values = dict(item.split("=", 1) for item in export.removeprefix("export ").split())
    assert values == {
        "ACME_BASE_URL": url.group(1),
        "ACME_API_KEY": "test-api-key",
        "ACME_APP_ID": "test-application-id",
    }
    assert process.returncode == 0
