"""Write the CI workflow that regenerates and tests every integration.

The workflow lists each committed output folder found in the repository
(every folder holding a manifest), so CI regenerates exactly what is
committed, and a matrix over the registered targets runs their smoke tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import manifest
from .errors import OutputError
from .targets import TARGETS, TEMPLATES_DIR

#: Workflow templates by provider.
PROVIDERS = {"github": ("github.yml.j2", ".github/workflows/authgen.yml")}
#: Folders never searched for committed output.
_SKIP = {".git", ".nox", "node_modules", ".venv", "integrations", "target"}


@dataclass(frozen=True)
class Output:
    """A committed output folder and the spec it was generated from, relative to the repo."""

    out: str
    spec: str


def find_outputs(repo: Path) -> list[Output]:
    """Every committed output folder below ``repo``, with its spec."""
    found = []
    for path in sorted(repo.rglob(manifest.MANIFEST)):
        rel = path.parent.relative_to(repo)
        if _SKIP.intersection(rel.parts):
            continue
        recorded = manifest.load(path.parent)
        if recorded is None:
            continue
        spec = (path.parent / recorded.spec).resolve()
        if not spec.is_relative_to(repo.resolve()):
            raise OutputError(path=str(rel), reason=f"its spec {spec} is outside the repository; CI cannot read it")
        found.append(Output(rel.as_posix(), spec.relative_to(repo.resolve()).as_posix()))
    return found


def workflow(repo: Path, provider: str = "github") -> tuple[str, str]:
    """The workflow's path (relative to ``repo``) and text."""
    template, dest = PROVIDERS[provider]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "_ci"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    text = env.get_template(template).render(
        outputs=find_outputs(repo), targets=list(TARGETS.values()), dotnet_version=dotnet_version()
    )
    return dest, text


def dotnet_version() -> str:
    """The .NET SDK channel CI installs: the one the ASP.NET Core package's global.json pins.

    ``10.0.100`` becomes ``10.0.x``: the package targets that SDK's framework,
    so an older SDK cannot build it.
    """
    from .targets.aspnetcore import SDK_VERSION

    major, minor, *_ = SDK_VERSION.split(".")
    return f"{major}.{minor}.x"


def write_workflow(repo: Path, provider: str = "github") -> Path:
    """Write the workflow into ``repo``; return its path."""
    dest, text = workflow(repo, provider)
    path = repo / dest
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
