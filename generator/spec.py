"""Load a spec file: read it, parse its TOML, validate it and build the typed model.

This is the entry point the rest of authgen uses.  Reading and parsing are
here, and so are the problems that come before validation (an unreadable file,
bytes that are not UTF-8, TOML that does not parse) and the one that spans
specs (two specs sharing a slug).  The checks of each section of a spec live
in :mod:`generator.validate`, which collects every problem before it fails.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

from .errors import Problem, SpecError
from .lines import KeyPath, LineIndex
from .model import Spec
from .validate import build_model
from .validate.vocabulary import BUILTIN_SETTINGS, REQUIRED_TOP, RESERVED, RESERVED_FIELDS, SCHEMA, TOP_KEYS

__all__ = [
    "BUILTIN_SETTINGS",
    "DEFAULT_SPEC",
    "REQUIRED_TOP",
    "RESERVED",
    "RESERVED_FIELDS",
    "SCHEMA",
    "TOP_KEYS",
    "build_spec",
    "check_unique_slugs",
    "load_spec",
    "parse_spec",
]

#: The bundled default spec, used when none is given.
DEFAULT_SPEC = Path(__file__).resolve().parent.parent / "examples" / "acme" / "identity.toml"


def load_spec(path: str | Path) -> Spec:
    """Read, validate and model the spec at ``path``.

    :param path: a TOML spec file.
    :raises SpecError: with every problem found.
    """
    path = Path(path)
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        reason = err.strerror or str(err)
        problem = Problem(name, None, "", f"cannot read the spec: {reason}", "check the path of the spec file")
        raise SpecError(problems=[problem]) from err
    return parse_spec(data, name)


def parse_spec(data: bytes, name: str = "<spec>") -> Spec:
    """Validate and model spec bytes; ``name`` is used in messages.

    :raises SpecError: with every problem found, in the order of the file.
    """
    text = _decode(data, name)
    raw = _parse_toml(text, name)
    spec = build_spec(raw, name, LineIndex(text))
    return Spec(**{**spec.__dict__, "digest": hashlib.sha256(data).hexdigest()})


def build_spec(raw: dict, name: str = "<spec>", lines: LineIndex | None = None) -> Spec:
    """Validate and model a spec given as data (as ``tomllib`` reads it).

    :param lines: where each key is written, for messages; none for data
        that did not come from a file (the fake's copy of a spec).
    :raises SpecError: with every problem found, in the order of the file.
    """
    spec = build_model(raw, name, lines or LineIndex(""))
    return Spec(**{**spec.__dict__, "data": raw})


def _decode(data: bytes, name: str) -> str:
    """The spec's text; a byte-order mark is dropped."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        message = f"the file is not UTF-8 (byte 0x{data[err.start]:02x})"
        raise SpecError(problems=[Problem(name, line, "", message, "save the spec as UTF-8")]) from err
    return text.removeprefix("\ufeff")


def _parse_toml(text: str, name: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(problems=[_toml_problem(str(err), text, name)]) from err
    except RecursionError as err:
        problem = Problem(name, None, "", "values are nested too deeply to read", "a spec needs a few levels at most")
        raise SpecError(problems=[problem]) from err


def _toml_problem(error: str, text: str, name: str) -> Problem:
    """A TOML syntax error as a problem at its line."""
    message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", error)
    if m := re.match(r"Cannot declare \((.*)\) twice", message):
        table = ".".join(part.strip(" '\"") for part in m.group(1).split(",") if part.strip())
        message = f"the table [{table}] is declared twice"
        hint = "merge the two tables into one"
    else:
        message = message[:1].lower() + message[1:]
        hint = "check the quotes, brackets and commas there"
    if m := re.search(r"\(at line (\d+), column (\d+)\)$", error):
        line = int(m.group(1))
        hint = f"at column {m.group(2)}: {hint}"
    else:
        line = len(text.rstrip().splitlines()) or 1
        hint = f"the file ends too early: {hint}"
    return Problem(name, line, "", f"not valid TOML: {message}", hint)


def check_unique_slugs(specs: dict[str, Spec]) -> list[Problem]:
    """Problems for specs that share a slug (their packages would collide).

    :param specs: loaded specs by the file name they were read from.
    """
    seen: dict[str, str] = {}
    problems = []
    for name, spec in specs.items():
        slug = spec.service.slug
        if slug in seen:
            message = f"slug {slug!r} is also used by {seen[slug]}"
            line = _line_in_file(name, ("service", "slug"))
            problems.append(Problem(name, line, "service.slug", message, "give each service its own slug"))
        seen.setdefault(slug, name)
    return problems


def _line_in_file(name: str, path: KeyPath) -> int | None:
    try:
        return LineIndex(Path(name).read_text(encoding="utf-8-sig")).line(path)
    except (OSError, UnicodeDecodeError):
        return None
