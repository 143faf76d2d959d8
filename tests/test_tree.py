"""authgen's template renderer writes exactly what cookiecutter's ``generate_files`` writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cookiecutter.generate import generate_files

from generator.context import build_context
from generator.emit import filters
from generator.errors import TemplateRenderError
from generator.spec import load_spec
from generator.targets import TARGETS
from generator.tree import render_tree

ROOT = Path(__file__).resolve().parent.parent
SPECS = [ROOT / "examples" / name / "identity.toml" for name in ("acme", "okta", "hypermedia")]


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below ``root``: its bytes and permission bits."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def with_cookiecutter(template_dir: Path, values: dict, out: Path) -> Path:
    """Render with cookiecutter itself; the project folder it made."""
    generate_files(str(template_dir), {"cookiecutter": values}, str(out), accept_hooks=False)
    (project,) = out.iterdir()
    return project


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.parent.name)
@pytest.mark.parametrize("target", [t for t in TARGETS.values() if t.available], ids=lambda t: t.name)
def test_every_target_renders_the_files_cookiecutter_renders(target, spec_path, tmp_path):
    spec = load_spec(spec_path)
    values = build_context(spec, target)
    ours = tmp_path / "ours"
    render_tree(target.template_dir, values, ours, filters=filters())
    theirs = with_cookiecutter(target.template_dir, values, tmp_path / "cookiecutter")
    assert snapshot(ours) == snapshot(theirs)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A small cookiecutter template using each feature the renderer must honour."""
    root = tmp_path / "template"
    project = root / "{{cookiecutter.project_dir}}"
    (project / "{{cookiecutter.package}}").mkdir(parents=True)
    (project / "{{cookiecutter.package}}" / "main.py").write_text('NAME = "{{ cookiecutter.package }}"\n')
    (project / "{% if cookiecutter.optional %}optional.txt{% endif %}").write_text("optional\n")
    (project / "windows.bat").write_bytes(b"echo {{ cookiecutter.package }}\r\necho done\r\n")
    (project / "empty.typed").write_bytes(b"")
    (project / "logo.bin").write_bytes(b"\x89PNG\0{{ not rendered }}\xff")
    script = project / "run.sh"
    script.write_text("#!/bin/sh\necho {{ cookiecutter.package }}\n")
    script.chmod(0o755)
    pages = project / "pages"
    pages.mkdir()
    (pages / "page.html").write_text("{{ left for the framework }}\n")
    (project / "shared.txt").write_text('{% include "part.txt" %}')
    (root / "templates").mkdir()
    (root / "templates" / "part.txt").write_text("included {{ cookiecutter.package }}\n")
    return root


VALUES = {"project_dir": "out", "package": "demo", "optional": False, "_copy_without_render": ["pages"]}


@pytest.mark.parametrize("optional", [False, True])
def test_a_small_template_renders_like_cookiecutter(template, tmp_path, optional):
    values = {**VALUES, "optional": optional}
    ours = tmp_path / "ours"
    render_tree(template, values, ours)
    theirs = with_cookiecutter(template, values, tmp_path / "cookiecutter")
    assert snapshot(ours) == snapshot(theirs)
    files = snapshot(ours)
    assert ("optional.txt" in files) is optional
    assert files["windows.bat"][0] == b"echo demo\r\necho done\r\n"
    assert files["logo.bin"][0].startswith(b"\x89PNG\0{{ not rendered }}")
    assert files["pages/page.html"][0] == b"{{ left for the framework }}\n"
    assert files["shared.txt"][0] == b"included demo\n"
    assert files["run.sh"][1] & 0o111


def test_a_bytecode_cache_gives_the_same_files(template, tmp_path):
    import jinja2

    cache = tmp_path / "cache"
    cache.mkdir()
    for run in ("cold", "warm"):
        render_tree(template, VALUES, tmp_path / run, bytecode_cache=jinja2.FileSystemBytecodeCache(str(cache)))
    assert os.listdir(cache)
    assert snapshot(tmp_path / "cold") == snapshot(tmp_path / "warm")


def test_a_template_error_names_the_file_and_line(template, tmp_path):
    broken = template / "{{cookiecutter.project_dir}}" / "broken.py"
    broken.write_text("first = 1\nsecond = {{ cookiecutter.missing }}\n")
    with pytest.raises(TemplateRenderError, match=r"broken\.py:2: the template does not render: .*missing"):
        render_tree(template, VALUES, tmp_path / "out")


def test_an_error_in_an_included_template_names_the_included_file(template, tmp_path):
    (template / "templates" / "part.txt").write_text("fine\n{% for %}\n")
    with pytest.raises(TemplateRenderError, match=r"part\.txt:2: "):
        render_tree(template, VALUES, tmp_path / "out")


def test_a_path_name_that_does_not_render_is_named(template, tmp_path):
    (template / "{{cookiecutter.project_dir}}" / "{{ cookiecutter.missing }}.py").write_text("x = 1\n")
    with pytest.raises(
        TemplateRenderError,
        match=r"\{\{ cookiecutter\.missing \}\}\.py: the template does not render: its name: .*missing",
    ):
        render_tree(template, VALUES, tmp_path / "out")
