"""authgen ci: the workflow it writes, and this repository's own copy of it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from generator.ci import find_outputs, workflow
from generator.errors import OutputError
from generator.render import generate
from generator.targets import TARGETS

from .conftest import ACME, ROOT


def test_committed_workflow_is_what_authgen_ci_writes() -> None:
    dest, text = workflow(ROOT)
    assert (ROOT / dest).read_text() == text, "run `authgen ci` and commit .github/workflows/authgen.yml"


def test_workflow_regenerates_every_committed_output() -> None:
    _, text = workflow(ROOT)
    outputs = find_outputs(ROOT)
    assert [o.out for o in outputs] == ["examples/acme/generated"]
    for output in outputs:
        assert f"authgen generate {output.spec} -o {output.out} -q" in text
        assert f"git diff --exit-code -- {output.out}" in text


def test_workflow_is_valid_yaml_with_a_matrix_over_every_target() -> None:
    _, text = workflow(ROOT)
    data = yaml.safe_load(text)
    assert set(data["jobs"]) == {"regenerate", "tests", "smoke"}
    assert data["jobs"]["smoke"]["strategy"]["matrix"]["target"] == list(TARGETS)


def test_outputs_are_found_below_any_folder(tmp_path: Path) -> None:
    shutil.copyfile(ACME, tmp_path / "identity.toml")
    generate(tmp_path / "identity.toml", tmp_path / "deep" / "out", ["flask"])
    found = find_outputs(tmp_path)
    assert [(o.out, o.spec) for o in found] == [("deep/out", "identity.toml")]


def test_output_whose_spec_is_outside_the_repository_is_refused(tmp_path: Path) -> None:
    generate(ACME, tmp_path / "out", ["flask"])
    with pytest.raises(OutputError, match="outside the repository"):
        find_outputs(tmp_path)


def test_workflow_installs_the_dotnet_sdk_the_aspnetcore_package_pins(tmp_path: Path) -> None:
    """The generated global.json pins the SDK (10.0.100, net10.0): CI must install that channel, not 8.0."""
    out = tmp_path / "out"
    generate(ACME, out, ["aspnetcore"])
    pinned = json.loads((out / "aspnetcore" / "global.json").read_text())["sdk"]["version"]
    _, text = workflow(ROOT)
    steps = yaml.safe_load(text)["jobs"]["smoke"]["steps"]
    dotnet = [s["with"]["dotnet-version"] for s in steps if str(s.get("uses", "")).startswith("actions/setup-dotnet")]
    assert dotnet, "the smoke job sets up .NET for the aspnetcore target"
    assert pinned.startswith(dotnet[0].removesuffix("x")), f"CI installs .NET {dotnet[0]}, the package pins {pinned}"
