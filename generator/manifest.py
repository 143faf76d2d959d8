"""``.authgen.json``: what an output folder was generated from, and each file's hash.

The manifest lets ``generate`` tell files a user edited by hand from files it
may overwrite, and lets ``check`` prove an output current without rendering.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputError

#: The manifest's file name inside an output folder.
MANIFEST = ".authgen.json"

#: The manifest format this version writes and reads.
FORMAT = 1

#: The generator's own sources that shape the output (the CLI and kit do not).
_GENERATOR_PARTS = (
    "context.py",
    "emit",
    "expr.py",
    "fake",
    "jinja.py",
    "model.py",
    "render.py",
    "spec.py",
    "tree.py",
    "validate",
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_tree(*roots: Path) -> str:
    """One hash over every file below ``roots``: their relative paths and bytes."""
    digest = hashlib.sha256()
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(path.relative_to(root.parent).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def generator_hash() -> str:
    """The hash of the generator code that shapes the output."""
    package = Path(__file__).resolve().parent
    return hash_tree(*(package / part for part in _GENERATOR_PARTS))


@dataclass
class Manifest:
    """The content of ``.authgen.json``."""

    authgen_version: str
    spec: str
    spec_sha256: str
    generator_sha256: str
    #: template hash per target
    targets: dict[str, str] = field(default_factory=dict)
    #: sha256 per generated file, by POSIX path relative to the output folder
    files: dict[str, str] = field(default_factory=dict)

    def dumps(self) -> str:
        data = {
            "format": FORMAT,
            "authgen_version": self.authgen_version,
            "spec": {"path": self.spec, "sha256": self.spec_sha256},
            "generator_sha256": self.generator_sha256,
            "targets": dict(sorted(self.targets.items())),
            "files": dict(sorted(self.files.items())),
        }
        return json.dumps(data, indent=2, sort_keys=False) + "\n"

    def files_of(self, target: str) -> dict[str, str]:
        return {p: h for p, h in self.files.items() if p.startswith(target + "/")}


def load(out: Path) -> Manifest | None:
    """The manifest of ``out``, or None when there is none.

    :raises OutputError: when the manifest exists but cannot be read.
    """
    path = out / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        return Manifest(
            authgen_version=data["authgen_version"],
            spec=data["spec"]["path"],
            spec_sha256=data["spec"]["sha256"],
            generator_sha256=data["generator_sha256"],
            targets=dict(data["targets"]),
            files=dict(data["files"]),
        )
    except (ValueError, KeyError, TypeError) as err:
        raise OutputError(path=str(path), reason=f"unreadable manifest ({err}); delete it to start over") from err


def edited_files(out: Path, recorded: dict[str, str]) -> list[str]:
    """Files whose bytes no longer match the hash recorded when they were generated."""
    edited = []
    for rel, digest in sorted(recorded.items()):
        path = out / rel
        if path.is_file() and sha256(path.read_bytes()) != digest:
            edited.append(rel)
    return edited
