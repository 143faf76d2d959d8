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
from typing import NoReturn

#: Transforms a value may be wrapped in, with what each does.
TRANSFORMS = {
    "base64": "standard base64 of the UTF-8 text",
    "urlencode": "percent-encoding of the text (form / query style)",
}

#: Transforms of a value read from a response (``transform = "..."`` on a [user] field), with what each gives.
VALUE_TRANSFORMS = {
    "last_segment": "the text after the last '/': the id at the end of an href",
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


Value = Template | Transform | Const | Obj | Arr


def parse_ref(body: str) -> Ref:
    """Parse the inside of ``${...}``: ``ns.name``, or ``steps.<n>.name``."""
    text = "${" + body + "}"
    parts = body.strip().split(".")
    ns = parts[0]
    if not body.strip():
        raise ExprError(f"empty reference {text}", "write ${namespace.name}, e.g. ${input.username}")
    if ns not in NAMESPACES:
        close = difflib.get_close_matches(ns, NAMESPACES, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(NAMESPACES)}"
        raise ExprError(f"{text}: unknown namespace {ns!r}", hint)
    if ns == "steps":
        if len(parts) != 3 or not _INDEX.match(parts[1]) or int(parts[1]) < 1:
            raise ExprError(f"{text}: a step reference needs a step number and a name", "write ${steps.1.href}")
        name, step = parts[2], int(parts[1])
    else:
        if len(parts) != 2:
            raise ExprError(f"{text}: a reference is a namespace and one name", f"write ${{{ns}.<name>}}")
        name, step = parts[1], None
    if not _NAME.match(name):
        raise ExprError(f"{text}: {name!r} is not a name", "use letters, digits and _, not starting with a digit")
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
                hint = "close the reference with }, or write $${ for a literal ${"
                raise ExprError(f"unclosed ${{ in {text!r}", hint)
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
            ((key, arg),) = raw.items()
            if key in TRANSFORMS:
                return Transform(key, parse_value(arg))
        if not body:
            _not_a_transform(raw)
        return Obj(tuple((str(k), parse_value(v, body=True)) for k, v in raw.items()))
    if isinstance(raw, list):
        if not body:
            raise ExprError("expected text, got an array", 'write one text value, e.g. "${input.username}"')
        return Arr(tuple(parse_value(v, body=True) for v in raw))
    if isinstance(raw, (bool, int, float)):
        if not body:
            return Template((Lit(_scalar_text(raw)),))
        return Const(raw)
    raise ExprError(f"unsupported value {raw!r}", "write dates and times as text")


def _not_a_transform(raw: dict) -> NoReturn:
    """Raise the problem of a table where text or a transform was expected."""
    names = ", ".join(TRANSFORMS)
    if len(raw) == 1:
        (key,) = raw
        close = difflib.get_close_matches(str(key), TRANSFORMS, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"the transforms are {names}"
        raise ExprError(f"unknown transform {key!r}", hint)
    raise ExprError(
        f"expected text or a transform, got a table with keys {', '.join(map(repr, raw))}",
        f'a transform is a table with one key ({names}), e.g. {{ base64 = "..." }}',
    )


def _scalar_text(raw: bool | int | float) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def apply_transform(name: str, text: str) -> str:
    """What the value transform ``name`` makes of ``text`` (the fake and the tests use it)."""
    if name == "last_segment":
        return text.rsplit("/", 1)[-1]
    raise KeyError(name)


def unapply_transform(name: str, text: str, base: str = "https://id.example/v1/objects") -> str:
    """A text the value transform ``name`` turns into ``text``: how the fake service writes a record."""
    if name == "last_segment":
        return f"{base}/{text}"
    raise KeyError(name)


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
class Where:
    """A ``*[member=value]`` token: every array element whose ``member`` is the text ``value``.

    Elements whose member is missing, null, or not that exact text are left
    out; a number never equals text (``*[level=3]`` keeps ``"3"``, not ``3``).
    """

    member: str
    value: str

    def __str__(self) -> str:
        return f"*[{_escape(self.member)}={_escape(self.value)}]"

    def keeps(self, item: object) -> bool:
        """Whether an array element passes the filter."""
        return isinstance(item, dict) and item.get(self.member) == self.value and isinstance(item[self.member], str)


Token = str | Where


@dataclass(frozen=True)
class Pointer:
    """A JSON pointer; a ``*`` (or ``*[member=value]``) token maps the rest over the array's elements."""

    tokens: tuple[Token, ...]

    def __str__(self) -> str:
        return "".join("/" + (str(t) if isinstance(t, Where) else _escape(t)) for t in self.tokens)

    @property
    def has_wildcard(self) -> bool:
        return any(t == "*" or isinstance(t, Where) for t in self.tokens)

    @property
    def where(self) -> Where | None:
        """The filter of the pointer's ``*[member=value]`` token, if it has one."""
        return next((t for t in self.tokens if isinstance(t, Where)), None)


def _escape(text: str) -> str:
    return text.replace("~", "~0").replace("/", "~1")


def _unescape(text: str) -> str:
    return text.replace("~1", "/").replace("~0", "~")


#: ``*[member=value]``, still escaped: the member holds no ``=`` and no ``]``.
_WHERE = re.compile(r"\*\[([^=\]]*)=(.*)\]\Z", re.DOTALL)
_WHERE_HINT = 'write *[member=value], e.g. "/groups/*[status=ENABLED]/name"'


def _token(raw: str, text: str) -> Token:
    """One pointer token: a key or index, ``*``, or a ``*[member=value]`` filter."""
    if not raw.startswith("*["):
        return _unescape(raw)
    found = _WHERE.match(raw)
    if found is None:
        raise ExprError(f"JSON pointer {text!r}: {raw!r} is not a filter", _WHERE_HINT)
    member, value = found.groups()
    if not member:
        raise ExprError(f"JSON pointer {text!r}: the filter {raw!r} names no member", _WHERE_HINT)
    return Where(_unescape(member), _unescape(value))


def parse_pointer(text: str) -> Pointer:
    """Parse ``/a/b/*/c``; ``""`` is the whole document; ``~0`` is ``~`` and ``~1`` is ``/``.

    ``*[member=value]`` is a ``*`` that keeps only the elements whose
    ``member`` is the text ``value`` (inside it ``~0`` and ``~1`` escape as in
    any token); a key that is ``*`` or starts with ``*[`` cannot be read.
    """
    if text == "":
        return Pointer(())
    if not text.startswith("/"):
        raise ExprError(f"JSON pointer {text!r} must be empty or start with '/'", f"did you mean {'/' + text!r}?")
    if _ESCAPE.search(text):
        raise ExprError(f"JSON pointer {text!r} has a '~' that is not ~0 or ~1", "write ~0 for '~' and ~1 for '/'")
    tokens = tuple(_token(raw, text) for raw in text[1:].split("/"))
    if sum(t == "*" or isinstance(t, Where) for t in tokens) > 1:
        raise ExprError(f"JSON pointer {text!r} holds more than one '*'", "a pointer may map over one array only")
    return Pointer(tokens)


_MISSING = object()


def resolve(doc: object, pointer: Pointer, default: object = _MISSING) -> object:
    """Read ``pointer`` out of ``doc``.

    A ``*`` token maps the rest of the pointer over every element of an array;
    a ``*[member=value]`` token over the elements it keeps.

    :param default: returned instead of raising when something is absent
        (for a ``*`` pointer: in place of each element's missing value).
    :raises LookupError: when the pointer does not resolve and there is no default.
    """
    cur = doc
    for i, token in enumerate(pointer.tokens):
        if token == "*" or isinstance(token, Where):
            if not isinstance(cur, list):
                if default is not _MISSING:
                    return default
                raise LookupError(f"{pointer}: expected an array")
            rest = Pointer(pointer.tokens[i + 1 :])
            kept = [item for item in cur if not isinstance(token, Where) or token.keeps(item)]
            return [resolve(item, rest, default) for item in kept]
        if isinstance(cur, dict) and token in cur:
            cur = cur[token]
        elif isinstance(cur, list) and _INDEX.match(token) and int(token) < len(cur):
            cur = cur[int(token)]
        else:
            if default is not _MISSING:
                return default
            raise LookupError(f"{pointer}: nothing at {token!r}")
    return cur


def assign(doc: dict, pointer: Pointer, value: object) -> None:
    """Place ``value`` at ``pointer`` inside ``doc``, creating objects on the way.

    With a ``*`` token, ``value`` must be a list: one array element is made
    per item, each holding the item at the rest of the pointer.  When that
    array already exists with as many objects (another field of the same
    elements, e.g. ``/groups/*/id`` after ``/groups/*/name``), the items are
    placed into those objects instead.

    :raises ValueError: when the pointer cannot be built inside ``doc``.
    """
    tokens = pointer.tokens
    if not tokens:
        if isinstance(value, dict):
            doc.update(value)
            return
        raise ValueError("only an object can be placed at the root")
    if _is_star(tokens[0]):
        raise ValueError(f"{pointer}: the root is an object, not an array")
    cur: dict = doc
    for i, token in enumerate(tokens[:-1]):
        assert isinstance(token, str)  # only one '*' per pointer, and never at the end here
        if _is_star(star := tokens[i + 1]):
            where = star if isinstance(star, Where) else None
            cur[token] = _spread(cur.get(token), Pointer(tokens[i + 2 :]), value, pointer, where)
            return
        nxt = cur.setdefault(token, {})
        if not isinstance(nxt, dict):
            raise ValueError(f"{pointer}: {token!r} already holds a value that is not an object")
        cur = nxt
    last = tokens[-1]
    assert isinstance(last, str)
    cur[last] = value


def _is_star(token: Token) -> bool:
    return token == "*" or isinstance(token, Where)


def _spread(existing: object, rest: Pointer, value: object, pointer: Pointer, where: Where | None = None) -> list:
    """The array for a ``*`` token: one element per item of ``value``.

    Behind a ``*[member=value]`` filter each element also gets the member, so
    that the filter keeps it.
    """
    if not isinstance(value, list):
        raise ValueError(f"{pointer}: a '*' pointer needs a list, got {type(value).__name__}")
    if not rest.tokens and where is None:
        return list(value)
    reuse = isinstance(existing, list) and len(existing) == len(value) and all(isinstance(e, dict) for e in existing)
    items = []
    for n, item in enumerate(value):
        holder: dict = existing[n] if reuse else {}  # type: ignore[index]
        if where is not None:
            holder[where.member] = where.value
        if rest.tokens:
            assign(holder, rest, item)
        else:
            holder = item if isinstance(item, dict) else holder
        items.append(holder)
    return items


def add_excluded(doc: dict, pointer: Pointer, value: object) -> None:
    """Append to the array behind ``pointer``'s filter an element the filter leaves out.

    The element holds ``value`` at the rest of the pointer and a member that
    is not the filter's text: the fake service gives users such decoys (a
    disabled ``admins`` group), so an integration that ignores the filter
    shows.  Does nothing for a pointer without a filter.
    """
    where = pointer.where
    if where is None:
        return
    at = pointer.tokens.index(where)
    holder = resolve(doc, Pointer(pointer.tokens[:at]), None)
    if not isinstance(holder, list):
        return
    element: dict = {where.member: "NOT-" + where.value}
    rest = Pointer(pointer.tokens[at + 1 :])
    if rest.tokens:
        assign(element, rest, value)
    holder.append(element)
