"""Render targets from their cookiecutter templates and put the output in place atomically.

Everything is rendered into a staging folder beside the output folder, which
then takes the output's place in one rename: an error or a kill at any
moment leaves either the previous output or the new one, never a mix.

An output that is already what the inputs produce is left alone, not even
swapped: a running example app keeps its working directory.  That run only
reads hashes (as ``authgen check`` does), so the rendering machinery
(Jinja2, the emitters, the template tree) is imported only when something
is rendered.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, manifest
from .errors import HandEditedError, OutputError, UnknownTargetError, UnsupportedTargetError
from .targets import TARGETS, TEMPLATES_DIR, Target, get_target

if TYPE_CHECKING:
    from .bytecode import BundledBytecodeCache
    from .model import Spec

#: The bundled spec: ``spec.DEFAULT_SPEC``, not imported from there, so that a run that finds its
#: output up to date never loads the spec's validator.
DEFAULT_SPEC = TEMPLATES_DIR.parent / "examples" / "acme" / "identity.toml"
#: Files authgen writes at the top of an output folder.
ROOT_TEMPLATES = TEMPLATES_DIR / "_root"
#: Prefix of staging folders; leftovers of killed runs are removed by the next run.
STAGING_PREFIX = ".authgen-staging-"
#: The sources of the fake service copied into each package.
FAKE_DIR = Path(__file__).resolve().parent / "fake"
EXPR_MODULE = Path(__file__).resolve().parent / "expr.py"

Progress = Callable[[str], None]


@dataclass
class Result:
    """What a generate run did."""

    out: Path
    targets: list[str]
    #: generated files whose content is new or changed, and removed ones
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: targets the spec enables that this authgen has no template for yet
    skipped: list[str] = field(default_factory=list)
    dry_run: bool = False
    #: the output was already up to date, and was left untouched
    unchanged: bool = False

    def to_json(self) -> dict[str, Any]:
        """What ``generate --json`` prints, as ``docs/generate.schema.json`` describes it."""
        return {
            "out": str(self.out),
            "targets": self.targets,
            "skipped": self.skipped,
            "dry_run": self.dry_run,
            "unchanged": self.unchanged,
            "changed": self.changed,
            "removed": self.removed,
        }


def generate(
    spec_path: str | Path | None = None,
    out: str | Path = "integrations",
    targets: Iterable[str] | None = None,
    *,
    force: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Result:
    """Generate the integrations of a spec into ``out``.

    :param spec_path: the spec; the bundled Acme spec when None.
    :param targets: target names; every target the spec enables when None.
    :param force: overwrite files edited by hand.
    :param dry_run: render and compare, but change nothing.
    :raises SpecError, HandEditedError, OutputError, UnknownTargetError:
    """
    say = progress or (lambda _msg: None)
    spec_path = Path(spec_path) if spec_path else DEFAULT_SPEC
    out = Path(out)
    unchanged = _unchanged(spec_path, out, targets, dry_run)
    if unchanged:
        if not dry_run:
            _remove_leftovers(out)  # beside the output, not in it: the output stays untouched
        return unchanged
    from .spec import load_spec

    spec = load_spec(spec_path)
    chosen, skipped = select_targets(spec, targets)
    _remove_leftovers(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + out.name + "-", dir=out.parent))
    try:
        # mkdtemp makes a private folder; the output gets the mode a mkdir would give it (or keeps its own).
        os.chmod(staging, _folder_mode(out))
        old = manifest.load(out) if out.is_dir() else None
        render_targets(spec, chosen, staging, say)
        all_targets = sorted(set(old.targets if old else ()) - {t.name for t in chosen} | {t.name for t in chosen})
        all_targets = [t for t in all_targets if t in TARGETS]
        render_root(spec, [TARGETS[name] for name in all_targets], staging)
        new = _manifest_for(spec, spec_path, out, staging, chosen, old)
        result = _plan(out, staging, chosen, old, new, force=force)
        result.skipped = [t for t in skipped]
        if dry_run:
            result.dry_run = True
            return result
        if out.is_dir() and not (result.changed or result.removed):
            # The same files from changed inputs (say, a new authgen): only the manifest is new.
            _replace_manifest(staging, out, new)
            say(f"{out}: no file changed; manifest updated")
            return result
        _carry_over(out, staging, chosen, old, new)
        (staging / manifest.MANIFEST).write_text(new.dumps(), encoding="utf-8")
        _swap(staging, out)
        say(f"wrote {out}")
        return result
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _unchanged(spec_path: Path, out: Path, names: Iterable[str] | None, dry_run: bool) -> Result | None:
    """The result of a run that finds ``out`` up to date, or None when it has to render.

    Up to date means: the manifest names this spec and every target the run
    would render, and ``authgen check`` finds the spec, templates, generator
    and every generated file as they were when it was written.  The spec's
    bytes being those it was generated from, it is valid and its targets
    can be read without validating it again.
    """
    from .check import check

    try:
        old = manifest.load(out) if out.is_dir() else None
    except OutputError:
        return None  # an unreadable manifest: the full run says so
    if old is None or (out / old.spec).resolve() != spec_path.resolve():
        return None
    wanted = list(dict.fromkeys(names)) if names else _enabled_targets(spec_path)
    if wanted is None or not all(n in TARGETS for n in wanted):
        return None  # the full run reports what is wrong
    chosen = [n for n in wanted if TARGETS[n].available]
    skipped = [n for n in wanted if n not in chosen]
    if (names and skipped) or not set(chosen) <= set(old.targets) or check(out).state != "up_to_date":
        return None
    return Result(out, sorted(chosen), skipped=skipped, dry_run=dry_run, unchanged=True)


def _enabled_targets(spec_path: Path) -> list[str] | None:
    """The spec's ``[targets] enabled`` (every target when absent), or None when it cannot be read so."""
    import tomllib

    try:
        enabled = tomllib.loads(spec_path.read_text(encoding="utf-8-sig")).get("targets", {}).get("enabled")
    except (OSError, ValueError, AttributeError):
        return None
    if enabled is None:
        return list(TARGETS)
    if not isinstance(enabled, list) or not all(isinstance(n, str) and n in TARGETS for n in enabled):
        return None
    return enabled


def _folder_mode(out: Path) -> int:
    """The mode of ``out`` when it exists, else what the umask makes of 0o777."""
    try:
        return out.stat().st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o777 & ~mask


def select_targets(spec: Spec, names: Iterable[str] | None) -> tuple[list[Target], list[str]]:
    """The targets to render, and the enabled ones that have no template yet."""
    if names:
        chosen = [get_target(n) for n in dict.fromkeys(names)]
        for target in chosen:
            if not target.available:
                raise UnknownTargetError(name=target.name, known=[t for t in TARGETS if TARGETS[t].available])
            if spec.oidc is not None and not target.supports_oidc:
                supported = [t for t in TARGETS if TARGETS[t].supports_oidc]
                raise UnsupportedTargetError(name=target.name, feature="[service.oidc]", supported=supported)
        return chosen, []
    enabled = [TARGETS[n] for n in spec.targets]
    return [t for t in enabled if t.available], [t.name for t in enabled if not t.available]


def render_targets(spec: Spec, targets: list[Target], staging: Path, say: Progress) -> None:
    """Render each target into ``staging/<name>``, formatted.

    The Python packages are rendered first, so that ruff formats them in
    the background while the other targets render: ruff's two runs are a
    third of a generate run's time otherwise.
    """
    python = [t for t in targets if t.language == "python"]
    for target in python:
        say(f"rendering {target.name}")
        render_target(spec, target, staging / target.name)
    formatting = _Background(format_python, staging, [t.name for t in python])
    try:
        for target in targets:
            if target not in python:
                say(f"rendering {target.name}")
                render_target(spec, target, staging / target.name)
    finally:
        formatting.join()  # also on errors: ruff must be done before the staging folder is removed
    formatting.result()


class _Background(threading.Thread):
    """A call run in a thread, whose exception :meth:`result` raises in the caller."""

    def __init__(self, call: Callable[..., None], *args: Any) -> None:
        super().__init__(daemon=True)
        self._call, self._args = call, args
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self._call(*self._args)
        except BaseException as err:  # handed to the caller by result()
            self._error = err

    def result(self) -> None:
        self.join()
        if self._error is not None:
            raise self._error


def render_target(spec: Spec, target: Target, dest: Path) -> None:
    """Render one target's package, with its copy of the fake service, into ``dest`` (which must not exist)."""
    from .context import build_context
    from .emit import filters
    from .tree import render_tree

    compiled = _bytecode_cache(target.name)
    render_tree(target.template_dir, build_context(spec, target), dest, filters=filters(), bytecode_cache=compiled)
    compiled.save()
    copy_fake(spec, dest / target.fake_dir)
    write_license(spec, dest)


def _bytecode_cache(name: str) -> BundledBytecodeCache:
    """The cache of a template folder's compiled templates.

    One per folder: entries are keyed by the template's relative name, and
    targets share names (README.md, pyproject.toml).
    """
    from .bytecode import BundledBytecodeCache, cache_root

    return BundledBytecodeCache(cache_root() / "compiled" / f"{name}.marshal")


def copy_fake(spec: Spec, dest: Path) -> None:
    """Copy the fake identity service, with this spec's data, into a package."""
    from .fake.fixtures import test_settings

    dest.mkdir(parents=True, exist_ok=True)
    for source in sorted(FAKE_DIR.glob("*.py")):
        if source.name != "oidc.py" or spec.oidc is not None:  # the OpenID provider only where it is used
            shutil.copyfile(source, dest / source.name)
    shutil.copyfile(EXPR_MODULE, dest / "expr.py")
    data = {"spec": spec.data, "settings": test_settings(spec.data)}
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    (dest / "spec.json").write_text(text + "\n", encoding="utf-8")


def write_license(spec: Spec, dest: Path) -> None:
    """Write the package's LICENSE: the text of the licence its metadata names, never a template's copy."""
    from .licenses import LICENSES

    text = LICENSES[spec.package.license].text(spec.package.holder(spec.service.name))
    (dest / "LICENSE").write_text(text, encoding="utf-8")


def format_python(staging: Path, folders: list[str]) -> None:
    """Format rendered Python packages with ruff, which authgen bundles.

    Imports are sorted first (names built from the slug sort differently per
    spec), then ``ruff format`` runs.  One run covers every package; each
    file still gets the settings of its own package's ``pyproject.toml``.
    """
    if not folders:
        return
    from ruff.__main__ import find_ruff_bin

    ruff = find_ruff_bin()
    for args in (["check", "--no-cache", "--select", "I", "--fix", "--quiet"], ["format", "--no-cache", "--quiet"]):
        done = subprocess.run([ruff, *args, *folders], cwd=staging, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip()
            raise OutputError(path=str(staging), reason=f"generated Python does not pass ruff {args[0]}: {detail}")


def render_root(spec: Spec, targets: list[Target], staging: Path) -> None:
    """Write the output folder's own README.md and noxfile.py."""
    import jinja2

    from .emit import filters

    compiled = _bytecode_cache(ROOT_TEMPLATES.name)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(ROOT_TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=compiled,
    )
    env.filters.update(filters())
    context = {
        "spec": spec,
        "service": spec.service,
        "targets": targets,
        "version": __version__,
        "toolchain_sessions": any(t.language != "python" for t in targets),
    }
    for name in sorted(os.listdir(ROOT_TEMPLATES)):
        if name.endswith(".j2"):
            text = env.get_template(name).render(context)
            (staging / name.removesuffix(".j2")).write_text(text, encoding="utf-8")
    compiled.save()


def _manifest_for(
    spec: Spec, spec_path: Path, out: Path, staging: Path, chosen: list[Target], old: manifest.Manifest | None
) -> manifest.Manifest:
    """The manifest of the output once this run is in place."""
    chosen_names = {t.name for t in chosen}
    files = {}
    if old:
        files = {
            p: h
            for p, h in old.files.items()
            if p.split("/", 1)[0] in old.targets and p.split("/", 1)[0] not in chosen_names and "/" in p
        }
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            files[path.relative_to(staging).as_posix()] = manifest.sha256(path.read_bytes())
    targets = {n: h for n, h in (old.targets if old else {}).items() if n not in chosen_names}
    targets.update({t.name: manifest.hash_tree(*t.template_roots) for t in chosen})
    try:
        spec_ref = os.path.relpath(spec_path.resolve(), out.resolve())
    except ValueError:  # another drive on Windows
        spec_ref = str(spec_path.resolve())
    return manifest.Manifest(
        authgen_version=__version__,
        spec=Path(spec_ref).as_posix(),
        spec_sha256=spec.digest,
        generator_sha256=manifest.generator_hash(),
        targets=targets,
        files=files,
    )


def _in_scope(rel: str, chosen: set[str]) -> bool:
    """Whether a generated file belongs to what this run regenerates."""
    return "/" not in rel or rel.split("/", 1)[0] in chosen


def _plan(
    out: Path,
    staging: Path,
    chosen: list[Target],
    old: manifest.Manifest | None,
    new: manifest.Manifest,
    *,
    force: bool,
) -> Result:
    """Compare the staged output with the current one; refuse to lose hand edits."""
    names = {t.name for t in chosen}
    recorded = {p: h for p, h in (old.files if old else {}).items() if _in_scope(p, names)}
    edited = [
        p for p in manifest.edited_files(out, recorded) if new.files.get(p) != manifest.sha256((out / p).read_bytes())
    ]
    untracked_clash = [
        p
        for p in new.files
        if _in_scope(p, names)
        and p not in recorded
        and (out / p).is_file()
        and manifest.sha256((out / p).read_bytes()) != new.files[p]
    ]
    if (edited or untracked_clash) and not force:
        raise HandEditedError(out=str(out), files=sorted(edited + untracked_clash))
    changed = [
        p for p, h in new.files.items() if _in_scope(p, names) and recorded.get(p) != h or not (out / p).is_file()
    ]
    removed = sorted(p for p in recorded if p not in new.files)
    return Result(out, sorted(names), sorted(changed), removed)


def _carry_over(
    out: Path, staging: Path, chosen: list[Target], old: manifest.Manifest | None, new: manifest.Manifest
) -> None:
    """Link into the staging folder everything of ``out`` this run does not replace.

    That is the other targets' packages and every file authgen did not write
    (virtualenvs, node_modules, build output).  Hard links keep the old
    folder intact until the swap.
    """
    if not out.is_dir():
        return
    names = {t.name for t in chosen}
    recorded = old.files if old else {}
    for root, dirs, files in os.walk(out):
        rel_root = Path(root).relative_to(out)
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            rel = (rel_root / name).as_posix()
            if rel == manifest.MANIFEST or rel in new.files and _in_scope(rel, names):
                continue
            if rel in recorded and _in_scope(rel, names):
                continue  # generated before, not any more: dropped
            source, dest = Path(root, name), staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            if source.is_symlink():
                os.symlink(os.readlink(source), dest)
            else:
                try:
                    os.link(source, dest)
                except OSError:
                    shutil.copy2(source, dest)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]


def _replace_manifest(staging: Path, out: Path, new: manifest.Manifest) -> None:
    """Put ``new`` in place of ``out``'s manifest in one rename, written first in the staging folder
    (so a kill leaves no stray file in ``out``)."""
    written = staging / manifest.MANIFEST
    written.write_text(new.dumps(), encoding="utf-8")
    os.replace(written, out / manifest.MANIFEST)


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` in the place of ``out`` in one atomic step."""
    if not out.exists():
        os.rename(staging, out)
        return
    if not out.is_dir():
        raise OutputError(path=str(out), reason="exists and is not a folder")
    if _exchange(staging, out):
        return
    # No atomic exchange here: two renames; a leftover is recovered by the next run.
    backup = out.with_name(STAGING_PREFIX + out.name + "-previous")
    os.rename(out, backup)
    os.rename(staging, out)
    os.rename(backup, staging)


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes.util  # here: a generate run that does not swap never pays for it

    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _remove_leftovers(out: Path) -> None:
    """Remove staging folders of killed runs; restore an output a kill left moved aside."""
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        return
    backup = parent / (STAGING_PREFIX + out.name + "-previous")
    if backup.is_dir() and not out.exists():
        os.rename(backup, out)
    for leftover in parent.glob(STAGING_PREFIX + out.name + "-*"):
        shutil.rmtree(leftover, ignore_errors=True)
