"""The spec's small value language, parsed once into a tree.

A value in the spec is literal text with ``${ns.name}`` references, or a
transform written as a one-key inline table (``{ base64 = "..." }``), or, in a
JSON body, a table or array of such values.  Parsing happens once, here; the
emitters in :mod:`generator.emit` turn the tree into native code and the fake
service matches requests against it.

This module is stdlib only: it is copied next to the fake identity service
into every generated package.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Union

#: Transforms a value may be wrapped in, with what each does.
TRANSFORMS = {
    "base64": "standard base64 of the UTF-8 text",
    "urlencode": "percent-encoding of the text (form / query style)",
}

#: Namespaces a reference may name.
NAMESPACES = ("input", "config", "session", "steps", "service")

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_INDEX = re.compile(r"(0|[1-9][0-9]*)\Z")
_ESCAPE = re.compile(r"~(?![01])")


class ExprError(ValueError):
    """Raised when a value does not follow the value language.

    :param message: what is wrong, naming the offending text.
    :param hint: how to fix it, when there is something useful to say.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Lit:
    """Literal text."""

    text: str


@dataclass(frozen=True)
class Ref:
    """A reference such as ``${session.token}`` or ``${steps.1.href}``.

    ``step`` is the 1-based step number for the ``steps`` namespace.
    """

    ns: str
    name: str
    step: int | None = None

    def __str__(self) -> str:
        if self.ns == "steps":
            return f"steps.{self.step}.{self.name}"
        return f"{self.ns}.{self.name}"


@dataclass(frozen=True)
class Template:
    """Text made of literal parts and references, in order."""

    parts: tuple[Lit | Ref, ...]

    @property
    def refs(self) -> tuple[Ref, ...]:
        return tuple(p for p in self.parts if isinstance(p, Ref))

    @property
    def single_ref(self) -> Ref | None:
        """The reference when the template is exactly one reference."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Ref):
            return self.parts[0]
        return None

    def literal_text(self) -> str | None:
        """The text when the template holds no reference at all."""
        if all(isinstance(p, Lit) for p in self.parts):
            return "".join(p.text for p in self.parts)
        return None


@dataclass(frozen=True)
class Transform:
    """A transform applied to the text of a value: ``{ base64 = "..." }``."""

    name: str
    arg: Value


@dataclass(frozen=True)
class Const:
    """A non-text literal in a JSON body: number, boolean."""

    value: object


@dataclass(frozen=True)
class Obj:
    """A JSON object whose members are values."""

    items: tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class Arr:
    """A JSON array of values."""

    items: tuple[Value, ...]


Value = Union[Template, Transform, Const, Obj, Arr]


def parse_ref(body: str) -> Ref:
    """Parse the inside of ``${...}``."""
    parts = body.strip().split(".")
    ns = parts[0]
    if ns not in NAMESPACES:
        raise ExprError(f"unknown namespace {ns!r} in ${{{body}}}; use one of {', '.join(NAMESPACES)}")
    if ns == "steps":
        if len(parts) != 3 or not parts[1].isdigit() or int(parts[1]) < 1:
            raise ExprError(f"${{{body}}}: write steps.<number>.<name>, e.g. steps.1.href")
        name, step = parts[2], int(parts[1])
    else:
        if len(parts) != 2:
            raise ExprError(f"${{{body}}}: write {ns}.<name>")
        name, step = parts[1], None
    if not _NAME.match(name):
        raise ExprError(f"${{{body}}}: {name!r} is not a valid name (letters, digits, _)")
    return Ref(ns, name, step)


def parse_template(text: str) -> Template:
    """Parse text with ``${...}`` references; ``$${`` stands for a literal ``${``."""
    parts: list[Lit | Ref] = []
    buf: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("$${", i):
            buf.append("${")
            i += 3
            continue
        if text.startswith("${", i):
            end = text.find("}", i + 2)
            if end < 0:
                raise ExprError(f"unclosed ${{ in {text!r}")
            if buf:
                parts.append(Lit("".join(buf)))
                buf = []
            parts.append(parse_ref(text[i + 2 : end]))
            i = end + 1
            continue
        buf.append(text[i])
        i += 1
    if buf or not parts:
        parts.append(Lit("".join(buf)))
    return Template(tuple(parts))


def parse_value(raw: object, *, body: bool = False) -> Value:
    """Parse a spec value: text, a transform table, or (in a JSON body) any JSON.

    A table with exactly one key that names a transform is that transform;
    any other table is a JSON object (allowed only where ``body`` is true).
    """
    if isinstance(raw, str):
        return parse_template(raw)
    if isinstance(raw, dict):
        if len(raw) == 1:
            (key, arg), = raw.items()
            if key in TRANSFORMS:
                return Transform(key, parse_value(arg))
        if not body:
            names = ", ".join(TRANSFORMS)
            raise ExprError(f"expected text or a transform ({names}), got a table with keys {sorted(raw)}")
        return Obj(tuple((str(k), parse_value(v, body=True)) for k, v in raw.items()))
    if isinstance(raw, list):
        if not body:
            raise ExprError("expected text, got an array")
        return Arr(tuple(parse_value(v, body=True) for v in raw))
    if isinstance(raw, (bool, int, float)):
        if not body:
            return Template((Lit(_scalar_text(raw)),))
        return Const(raw)
    raise ExprError(f"unsupported value {raw!r}")


def _scalar_text(raw: bool | int | float) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def refs_of(value: Value) -> tuple[Ref, ...]:
    """Every reference in a value, in order of appearance."""
    if isinstance(value, Template):
        return value.refs
    if isinstance(value, Transform):
        return refs_of(value.arg)
    if isinstance(value, Obj):
        return tuple(r for _, v in value.items for r in refs_of(v))
    if isinstance(value, Arr):
        return tuple(r for v in value.items for r in refs_of(v))
    return ()


# -- JSON pointers (RFC 6901, plus "*" for every element of an array) --------


@dataclass(frozen=True)
class Pointer:
    """A JSON pointer; a ``*`` token maps the rest over every array element."""

    tokens: tuple[str, ...]

    def __str__(self) -> str:
        return "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in self.tokens)

    @property
    def has_wildcard(self) -> bool:
        return "*" in self.tokens


def parse_pointer(text: str) -> Pointer:
    """Parse ``/a/b/*/c``; ``""`` is the whole document."""
    if text == "":
        return Pointer(())
    if not text.startswith("/"):
        raise ExprError(f"JSON pointer {text!r} must be empty or start with '/'")
    tokens = tuple(t.replace("~1", "/").replace("~0", "~") for t in text[1:].split("/"))
    if tokens.count("*") > 1:
        raise ExprError(f"JSON pointer {text!r} may hold at most one '*'")
    return Pointer(tokens)


_MISSING = object()


def resolve(doc: object, pointer: Pointer, default: object = _MISSING) -> object:
    """Read ``pointer`` out of ``doc``; raise ``LookupError`` when absent."""
    cur = doc
    for i, token in enumerate(pointer.tokens):
        if token == "*":
            if not isinstance(cur, list):
                raise LookupError(f"{pointer}: expected an array")
            rest = Pointer(pointer.tokens[i + 1 :])
            return [resolve(item, rest) for item in cur]
        if isinstance(cur, dict) and token in cur:
            cur = cur[token]
        elif isinstance(cur, list) and token.isdigit() and int(token) < len(cur):
            cur = cur[int(token)]
        else:
            if default is not _MISSING:
                return default
            raise LookupError(f"{pointer}: nothing at {token!r}")
    return cur


def assign(doc: dict, pointer: Pointer, value: object) -> None:
    """Place ``value`` at ``pointer`` inside ``doc``, creating objects on the way.

    With a ``*`` token, ``value`` must be a list: one array element is made
    per item, each holding the item at the rest of the pointer.
    """
    if not pointer.tokens:
        if isinstance(value, dict):
            doc.update(value)
            return
        raise ValueError("only an object can be placed at the root")
    cur: dict = doc
    tokens = pointer.tokens
    for i, token in enumerate(tokens[:-1]):
        if tokens[i + 1] == "*":
            rest = Pointer(tokens[i + 2 :])
            items = []
            for item in value:  # type: ignore[union-attr]
                if rest.tokens:
                    holder: dict = {}
                    assign(holder, rest, item)
                    items.append(holder)
                else:
                    items.append(item)
            cur[token] = items
            return
        cur = cur.setdefault(token, {})
    cur[tokens[-1]] = value
