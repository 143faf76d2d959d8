"""Render a cookiecutter template folder with Jinja2: the files cookiecutter would write, in a third of the time.

authgen's templates are cookiecutter templates (``cookiecutter.json``, a
``{{cookiecutter.project_dir}}`` folder, ``{{cookiecutter.package}}`` in path
names, ``_copy_without_render``), and ``cookiecutter`` renders them to the
same bytes: ``tests/test_tree.py`` proves it for every target.  authgen does
not call cookiecutter's ``generate_files`` because its per-file pipeline
(one Jinja compile per path name, binary sniffing, a ``chdir`` per file)
takes most of a generate run; here a target is one Jinja environment with a
bytecode cache, and all its path names are rendered as one template.

What is kept of cookiecutter's semantics:

- the loader searches the project folder, then the template's ``templates/``
  folder (shared includes);
- a path matching ``_copy_without_render`` is copied, not rendered;
- a file whose name renders empty is left out (conditional files);
- a file that is not UTF-8 text is copied, and every file keeps its mode;
- a rendered file keeps the line ending of its template's first line.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import stat
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from .errors import TemplateRenderError

#: cookiecutter's name for the values in templates: ``{{ cookiecutter.package }}``.
CONTEXT_NAME = "cookiecutter"
#: The name under which the template of all path names is compiled and cached (no file has it).
PATHS_TEMPLATE = "<path names>"


def render_tree(
    template_dir: Path,
    values: dict[str, Any],
    dest: Path,
    *,
    filters: dict[str, Any] | None = None,
    bytecode_cache: jinja2.BytecodeCache | None = None,
) -> None:
    """Render the template folder's project with ``values`` into ``dest`` (created; must not exist).

    :param values: what templates see as ``cookiecutter``; its ``_copy_without_render``
        is honoured as cookiecutter does.
    :param filters: extra Jinja filters (authgen's escaping filters).
    :raises TemplateRenderError: a template that does not render, with its file and line.
    """
    root = template_dir / _project_folder(template_dir)
    verbatim = list(values.get("_copy_without_render", []))
    copies, files = _split(root, verbatim)
    sources = {rel: _Source.read(root / rel, verbatim=_matches(rel, verbatim)) for rel in files}
    texts = {rel: (source.text, str(source.path)) for rel, source in sources.items() if source.text is not None}
    texts[PATHS_TEMPLATE] = ("\n".join([*copies, *files]), None)
    env = jinja2.Environment(
        loader=_Preloaded(texts, [root, template_dir / "templates"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=bytecode_cache,
    )
    env.filters.update(filters or {})
    scope = {CONTEXT_NAME: values}
    named = _render_names(env, [*copies, *files], scope, root)
    dest.mkdir(parents=True)
    folders = {""}
    for rel in copies:
        shutil.copytree(root / rel, dest / named[rel], symlinks=False)
    for rel, source in sources.items():
        out_rel = named[rel]
        if not os.path.basename(out_rel) or out_rel in folders:
            continue  # a conditional file whose name rendered empty
        folder = os.path.dirname(out_rel)
        if folder not in folders:
            os.makedirs(dest / folder, exist_ok=True)
            folders.update(_parents(folder))
        target = dest / out_rel
        if source.text is None:
            target.write_bytes(source.raw)
        else:
            rendered = _render(env, rel, scope, source.path)
            with open(target, "w", encoding="utf-8", newline=_newline(source.text)) as handle:
                handle.write(rendered)
        os.chmod(target, source.mode)


@dataclass(frozen=True)
class _Source:
    """A file of the template, read once: for rendering, for copying, and for its mode."""

    path: Path
    raw: bytes
    mode: int
    #: None for a file copied as it is (binary, or matching ``_copy_without_render``)
    text: str | None

    @classmethod
    def read(cls, path: Path, *, verbatim: bool) -> _Source:
        with open(path, "rb") as handle:
            mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
            raw = handle.read()
        return cls(path, raw, mode, None if verbatim else _text(raw))


class _Preloaded(jinja2.FileSystemLoader):
    """The template folder's files from the text already read; the rest (shared includes) from disk."""

    def __init__(self, texts: dict[str, tuple[str, str | None]], searchpath: list[Path]) -> None:
        super().__init__(searchpath)
        self.texts = texts

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        if template in self.texts:
            text, filename = self.texts[template]
            return text, filename, lambda: True  # one environment per run: never stale
        return super().get_source(environment, template)


def _parents(folder: str) -> list[str]:
    """``a/b/c`` and the folders above it: ``a/b/c``, ``a/b``, ``a``."""
    out = []
    while folder:
        out.append(folder)
        folder = os.path.dirname(folder)
    return out


def _render(env: jinja2.Environment, name: str, scope: dict[str, Any], source: Path) -> str:
    """One file rendered; a Jinja error becomes one that names the template file and line."""
    try:
        return env.get_template(name).render(scope)
    except jinja2.TemplateError as err:
        file, line = _error_place(err, str(source))
        raise TemplateRenderError(template=file, line=line, reason=str(err)) from err


def _error_place(err: jinja2.TemplateError, file: str) -> tuple[str, int | None]:
    """Where in which template a Jinja error is (an included file's own name for an error in it).

    Syntax errors carry their place; for errors while rendering, Jinja
    rewrites the traceback so that its last template frame is at the
    template's own file and line.
    """
    if isinstance(err, jinja2.TemplateSyntaxError):
        return err.filename or file, err.lineno
    line = None
    for frame, lineno in traceback.walk_tb(err.__traceback__):
        if "__jinja_exception__" in frame.f_globals:
            file, line = frame.f_code.co_filename, lineno
    return file, line


def _project_folder(template_dir: Path) -> str:
    """The folder whose name is a cookiecutter variable, as cookiecutter finds it."""
    for name in sorted(os.listdir(template_dir)):
        if CONTEXT_NAME in name and "{{" in name and "}}" in name:
            return name
    raise FileNotFoundError(f"{template_dir}: no {{{{cookiecutter.…}}}} project folder")


def _split(root: Path, verbatim: list[str]) -> tuple[list[str], list[str]]:
    """Folders copied without rendering, and files, by POSIX path relative to ``root``."""
    copies: list[str] = []
    files: list[str] = []
    for folder, dirs, names in os.walk(root):
        rel_folder = os.path.relpath(folder, root)
        kept = []
        for name in sorted(dirs):
            rel = _join(rel_folder, name)
            if _matches(rel, verbatim):
                copies.append(rel)
            else:
                kept.append(name)
        dirs[:] = kept
        files += [_join(rel_folder, name) for name in sorted(names)]
    return copies, files


def _render_names(env: jinja2.Environment, paths: list[str], scope: dict[str, Any], root: Path) -> dict[str, str]:
    """Every path name rendered, in one template: one compile instead of one per file, and cached.

    :raises TemplateRenderError: naming the path whose name does not render (the template's line is its index).
    """
    try:
        rendered = env.get_template(PATHS_TEMPLATE).render(scope).split("\n")
    except jinja2.TemplateError as err:
        _, line = _error_place(err, str(root))
        where = root / paths[line - 1] if line and line <= len(paths) else root
        raise TemplateRenderError(template=str(where), line=None, reason=f"its name: {err}") from err
    if len(rendered) != len(paths):
        raise TemplateRenderError(template=str(root), line=None, reason="a path name renders to more than one line")
    return dict(zip(paths, rendered, strict=True))


def _join(folder: str, name: str) -> str:
    return name if folder == "." else f"{folder.replace(os.sep, '/')}/{name}"


def _matches(rel: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(rel, pattern) for pattern in patterns)


def _text(raw: bytes) -> str | None:
    """The template's text, or None for a file cookiecutter would copy as binary (empty, NUL bytes, not UTF-8)."""
    if not raw or b"\0" in raw:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _newline(text: str) -> str:
    """The line ending of the template's first line, which cookiecutter keeps in the output."""
    end = text.find("\n")
    if end > 0 and text[end - 1] == "\r":
        return "\r\n"
    if end < 0 and "\r" in text:
        return "\r"
    return "\n"
