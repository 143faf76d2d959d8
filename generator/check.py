"""Tell whether an output folder is what the current spec and templates produce.

The manifest's hashes prove an output current without rendering anything:
the spec's bytes, every template, the generator's own code and each
generated file are compared with what was recorded when it was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, manifest
from .errors import OutputError
from .targets import TARGETS

#: Exit codes of ``authgen check``, by state (the worst state found wins).
EXIT_CODES = {"up_to_date": 0, "stale": 8, "missing": 9, "hand_edited": 10}


@dataclass
class Report:
    """What ``check`` found in one output folder."""

    out: str
    #: why the output is stale: "spec", "generator", "authgen version", "templates:<target>"
    stale: list[str] = field(default_factory=list)
    hand_edited: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.hand_edited:
            return "hand_edited"
        if self.missing:
            return "missing"
        if self.stale:
            return "stale"
        return "up_to_date"

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.state]

    def to_json(self) -> dict:
        """The report as ``docs/check.schema.json`` describes it."""
        return {
            "out": self.out,
            "state": self.state,
            "exit_code": self.exit_code,
            "stale": self.stale,
            "hand_edited": self.hand_edited,
            "missing": self.missing,
        }


def check(out: str | Path) -> Report:
    """Compare ``out`` with its manifest and with the current inputs.

    :raises OutputError: when ``out`` is not a generated folder.
    """
    out = Path(out)
    recorded = manifest.load(out) if out.is_dir() else None
    if recorded is None:
        raise OutputError(path=str(out), reason=f"not a generated folder (no {manifest.MANIFEST})")
    report = Report(str(out))
    spec_path = (out / recorded.spec).resolve()
    if not spec_path.is_file():
        report.stale.append(f"spec (missing: {recorded.spec})")
    elif manifest.sha256(spec_path.read_bytes()) != recorded.spec_sha256:
        report.stale.append("spec")
    if recorded.authgen_version != __version__:
        report.stale.append("authgen version")
    if recorded.generator_sha256 != manifest.generator_hash():
        report.stale.append("generator")
    for name, digest in sorted(recorded.targets.items()):
        target = TARGETS.get(name)
        if target is None or not target.available:
            report.stale.append(f"templates:{name} (no such target)")
        elif manifest.hash_tree(*target.template_roots) != digest:
            report.stale.append(f"templates:{name}")
    report.hand_edited = manifest.edited_files(out, recorded.files)
    report.missing = sorted(p for p in recorded.files if not (out / p).is_file())
    return report
