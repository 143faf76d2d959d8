"""Kill-safety: ``authgen generate`` killed with SIGKILL at random moments never leaves a mix.

Fifty runs, each with the spec the folder does not hold (of two that differ
in the service name), into one output folder, each killed at a random (seeded) moment spread over the time
a whole run takes.  After every kill the folder must be one complete
generation: its manifest names one of the two specs, every file it records is
there with the recorded hash (what ``authgen check`` reads), and there is no
file it does not record.  A final run that is not killed leaves no staging
folder behind.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from generator import manifest
from generator.check import check
from generator.render import STAGING_PREFIX

from .support import ACME, count, snapshot, staging_leftovers

#: Kills, and the seed of their moments.
RUNS = 50
SEED = 20240508


def authgen_command() -> list[str]:
    """The ``authgen`` console script, or the module where it is not on PATH."""
    script = shutil.which("authgen")
    return [script] if script else [sys.executable, "-m", "generator.cli"]


def renamed(tmp_path: Path, name: str) -> Path:
    spec = tmp_path / f"{name.replace(' ', '-')}.toml"
    spec.write_text(ACME.read_text(encoding="utf-8").replace('name = "Acme Identity"', f'name = "{name}"'))
    return spec


def generate_cmd(spec: Path, out: Path) -> list[str]:
    return [*authgen_command(), "generate", str(spec), "-o", str(out), "-t", "flask", "-q"]


def assert_one_complete_generation(out: Path, digests: dict[str, str], run: int) -> str:
    """The folder holds exactly one complete generation; return which spec it came from."""
    recorded = manifest.load(out)
    assert recorded is not None, f"run {run}: no manifest"
    assert recorded.spec_sha256 in digests, f"run {run}: the manifest names neither spec"
    report = check(out)
    assert report.hand_edited == [] and report.missing == [], f"run {run}: mixed output {report.to_json()}"
    files = set(snapshot(out)) - {manifest.MANIFEST}
    assert files == set(recorded.files), f"run {run}: files the manifest does not record: {files - set(recorded.files)}"
    return digests[recorded.spec_sha256]


def run_and_kill(command: list[str], cwd: Path, delay: float) -> bool:
    """Start ``command``, SIGKILL its whole process group after ``delay`` s; True when it was still running."""
    proc = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the run and the ruff it started, nothing else
        except ProcessLookupError:
            pass
        proc.wait()
        return True
    return False


def test_sigkill_at_random_moments_leaves_the_old_or_the_new_output(tmp_path: Path) -> None:
    old_spec, new_spec = renamed(tmp_path, "Acme Old"), renamed(tmp_path, "Acme New")
    digests = {manifest.sha256(spec.read_bytes()): spec.name for spec in (old_spec, new_spec)}
    out = tmp_path / "out"
    started = time.monotonic()
    done = subprocess.run(generate_cmd(old_spec, out), cwd=tmp_path, capture_output=True, text=True, check=False)
    whole_run = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    rng = random.Random(SEED)
    killed = finished = 0
    kept_old = took_new = 0
    held = old_spec.name
    for run in range(RUNS):
        spec = new_spec if held == old_spec.name else old_spec  # always the other one
        # spread the kills over a whole run, start-up and the final swap included
        if run_and_kill(generate_cmd(spec, out), tmp_path, rng.uniform(0.0, whole_run * 1.2)):
            killed += 1
        else:
            finished += 1
        now = assert_one_complete_generation(out, digests, run)
        if now == held:
            kept_old += 1
        else:
            took_new += 1
        held = now
    done = subprocess.run(generate_cmd(new_spec, out), cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert assert_one_complete_generation(out, digests, RUNS) == new_spec.name
    # "stale" may only mean that authgen's own code changed meanwhile (a work tree being edited), never the spec
    assert "spec" not in check(out).stale
    assert staging_leftovers(tmp_path) == [], "a clean run removes what killed runs left"
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))
    count("kill-safety: runs killed with SIGKILL", RUNS)
    count("kill-safety: killed while running", killed)
    count("kill-safety: finished before the kill", finished)
    count("kill-safety: then held the previous output", kept_old)
    count("kill-safety: then held the new output", took_new)
    print(
        f"\nkill-safety: {RUNS} runs, {killed} killed mid-run, {finished} finished first; afterwards the "
        f"previous output {kept_old}x, the new one {took_new}x (one whole run: {whole_run:.2f} s)"
    )
