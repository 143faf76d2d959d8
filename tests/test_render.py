"""Rendering: deterministic output, atomic replacement, hand edits kept safe."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import manifest
from generator.check import check
from generator.errors import HandEditedError, SpecError
from generator.render import STAGING_PREFIX, generate

from .conftest import ACME


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def renamed_spec(tmp_path: Path, name: str) -> Path:
    """A copy of the Acme spec whose service has another human name."""
    spec = tmp_path / f"{name.replace(' ', '-')}.toml"
    spec.write_text(ACME.read_text().replace('name = "Acme Identity"', f'name = "{name}"'))
    return spec


def test_generating_twice_is_byte_identical(tmp_path: Path) -> None:
    generate(ACME, tmp_path / "a")
    generate(ACME, tmp_path / "b")
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_regenerating_in_place_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(ACME, out)
    before = snapshot(out)
    result = generate(ACME, out)
    assert result.changed == [] and result.removed == []
    assert snapshot(out) == before


def test_manifest_records_every_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(ACME, out)
    recorded = manifest.load(out)
    assert recorded is not None
    files = {k for k in snapshot(out) if k != manifest.MANIFEST}
    assert set(recorded.files) == files
    assert check(out).state == "up_to_date"


def test_hand_edited_file_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(ACME, out)
    edited = out / "flask" / "README.md"
    edited.write_text("mine\n")
    with pytest.raises(HandEditedError) as err:
        generate(renamed_spec(tmp_path, "Acme Two"), out)
    assert err.value.files == ["flask/README.md"]
    assert edited.read_text() == "mine\n"
    generate(renamed_spec(tmp_path, "Acme Two"), out, force=True)
    assert edited.read_text() != "mine\n"


def test_files_authgen_did_not_write_survive_regeneration(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(ACME, out)
    own = out / "flask" / "local-notes.txt"
    own.write_text("kept\n")
    generate(renamed_spec(tmp_path, "Acme Two"), out)
    assert own.read_text() == "kept\n"


def test_one_target_regenerates_without_touching_the_others(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(ACME, out)
    (out / "flask" / "extra.txt").write_text("x")
    result = generate(ACME, out, ["flask"])
    assert result.targets == ["flask"]
    assert check(out).state == "up_to_date"


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(ACME, out)
    before = snapshot(out)
    result = generate(renamed_spec(tmp_path, "Acme Two"), out, dry_run=True)
    assert result.dry_run and result.changed
    assert snapshot(out) == before
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))


def test_broken_spec_writes_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "broken.toml"
    spec.write_text(ACME.read_text().replace('slug = "acme"', 'slug = "Acme!"'))
    with pytest.raises(SpecError):
        generate(spec, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.toml"]


def test_kill_at_any_moment_leaves_the_old_or_the_new_output(tmp_path: Path) -> None:
    """SIGKILL during generate: the folder is one complete generation, never a mix."""
    old_spec, new_spec = renamed_spec(tmp_path, "Acme Old"), renamed_spec(tmp_path, "Acme New")
    out = tmp_path / "out"
    generate(old_spec, out)
    digests = {manifest.sha256(old_spec.read_bytes()), manifest.sha256(new_spec.read_bytes())}
    rng = random.Random(7)
    command = [sys.executable, "-m", "generator.cli", "generate", "-q", "-o", str(out)]
    for i in range(8):
        spec = new_spec if i % 2 == 0 else old_spec
        proc = subprocess.Popen([*command, str(spec)], cwd=tmp_path)
        time.sleep(rng.uniform(0.05, 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        report = check(out)
        recorded = manifest.load(out)
        assert recorded is not None and recorded.spec_sha256 in digests
        assert report.hand_edited == [] and report.missing == [], f"run {i}: mixed output"
    generate(new_spec, out)
    assert not list(tmp_path.glob(STAGING_PREFIX + "*")), "leftover staging folders are cleaned up"
    assert os.listdir(out)
