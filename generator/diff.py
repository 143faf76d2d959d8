"""Show what a template or generator change does to every generated package.

The spec is rendered twice: with the generator and templates as they are at
a git ref (read with ``git archive``, so neither the working tree nor the
index is touched) and as they are in the working tree.  The two outputs are
compared file by file.
"""

from __future__ import annotations

import difflib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AuthgenError
from .manifest import MANIFEST
from .render import generate

#: The checkout authgen runs from; the ref is read out of its repository.
REPO = Path(__file__).resolve().parent.parent
#: What the old side needs from the ref to render.
_RENDER_PATHS = ("generator", "templates")


class DiffError(AuthgenError):
    """Raised when the ref cannot be read or the old side cannot render."""

    exit_code = 1

    def __init__(self, *, reason: str) -> None:
        super().__init__(reason)


@dataclass
class TargetDiff:
    """The differences in one target's package."""

    target: str
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def count(self) -> int:
        return len(self.changed) + len(self.added) + len(self.removed)


def diff(spec: str | Path | None, ref: str, targets: list[str] | None = None) -> list[TargetDiff]:
    """Render ``spec`` at ``ref`` and in the working tree; compare per target.

    :raises DiffError: outside a git repository, for an unknown ref, or when
        the old side fails to render.
    """
    commit = _resolve(ref)
    with tempfile.TemporaryDirectory(prefix="authgen-diff-") as tmp:
        tmp_path = Path(tmp)
        old_root = tmp_path / "old-authgen"
        _export(commit, old_root)
        spec_arg = str(Path(spec).resolve()) if spec else None
        _render_old(old_root, spec_arg, tmp_path / "old", targets)
        generate(spec_arg, tmp_path / "new", targets)
        return compare(tmp_path / "old", tmp_path / "new")


def compare(old: Path, new: Path) -> list[TargetDiff]:
    """A unified diff per target folder (and one for the top-level files)."""
    old_files, new_files = _files(old), _files(new)
    groups = sorted({_group(p) for p in old_files | new_files})
    out = []
    for group in groups:
        result = TargetDiff(group)
        chunks = []
        for rel in sorted(p for p in old_files | new_files if _group(p) == group):
            a = (old / rel).read_bytes() if rel in old_files else None
            b = (new / rel).read_bytes() if rel in new_files else None
            if a == b:
                continue
            (result.added if a is None else result.removed if b is None else result.changed).append(rel)
            chunks.append(_unified(rel, a, b))
        result.text = "".join(chunks)
        out.append(result)
    return out


def _group(rel: str) -> str:
    return rel.split("/", 1)[0] if "/" in rel else "(top level)"


def _files(root: Path) -> set[str]:
    if not root.is_dir():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name != MANIFEST}


def _unified(rel: str, a: bytes | None, b: bytes | None) -> str:
    def lines(data: bytes | None) -> list[str]:
        if data is None:
            return []
        try:
            return data.decode("utf-8").splitlines(keepends=True)
        except UnicodeDecodeError:
            return [f"<binary, {len(data)} bytes>\n"]

    old_name = f"a/{rel}" if a is not None else "/dev/null"
    new_name = f"b/{rel}" if b is not None else "/dev/null"
    text = "".join(difflib.unified_diff(lines(a), lines(b), old_name, new_name))
    return text if text.endswith("\n") or not text else text + "\n\\ No newline at end of file\n"


def _git(*args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, check=False)
    except OSError as err:
        raise DiffError(reason=f"cannot run git: {err.strerror}") from err
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        raise DiffError(reason=lines[-1] if lines else f"git {args[0]} failed")
    return done.stdout


def _resolve(ref: str) -> str:
    try:
        _git("rev-parse", "--show-toplevel")
    except DiffError as err:
        raise DiffError(reason=f"{REPO} is not a git repository; diff needs the templates' history") from err
    try:
        return _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except DiffError as err:
        raise DiffError(reason=f"unknown git ref {ref!r}") from err


def _export(commit: str, dest: Path) -> None:
    """Unpack the generator and templates at ``commit`` into ``dest``."""
    present = [p for p in _RENDER_PATHS if _git("ls-tree", "--name-only", commit, p).strip()]
    if "generator" not in present:
        raise DiffError(reason=f"{commit[:12]} has no generator/ to render with")
    archive = _git("archive", "--format=tar", commit, *present)
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    for name in ("examples",):  # the bundled spec, for runs without SPEC
        tree = _git("ls-tree", "--name-only", commit, name).strip()
        if tree:
            with tarfile.open(fileobj=io.BytesIO(_git("archive", "--format=tar", commit, name))) as tar:
                tar.extractall(dest, filter="data")


def _render_old(root: Path, spec: str | None, out: Path, targets: list[str] | None) -> None:
    """Run the old generator in its own process, so no module of it mixes with ours."""
    command = [sys.executable, "-m", "generator.cli", "generate", "-q", "-o", str(out)]
    command += [spec] if spec else []
    for name in targets or ():
        command += ["-t", name]
    done = subprocess.run(
        command, cwd=root, capture_output=True, text=True, check=False, env={**_clean_env(), "PYTHONPATH": str(root)}
    )
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise DiffError(reason=f"the generator at the ref failed to render: {detail}")


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
