"""JavaScript syntax: literals, names, and code laid out the way Prettier lays it out.

The output is what Prettier writes with the ``.prettierrc.json`` the Express
package ships (single quotes, semicolons, trailing commas, 80 columns), so
generated packages pass ``prettier --check`` without being reformatted.
Code is built from a few node types (calls, objects, arrays, text) and laid
out at the indentation the template puts it, the way Prettier lays them out:
on one line when it fits, else one argument or member a line.  Objects from
the spec are always written expanded, which Prettier keeps.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .names import Words
from .scalars import c_literal

#: Reserved words (ES2023 and strict mode), which a local variable cannot be named.
RESERVED = frozenset(
    """await break case catch class const continue debugger default delete do else enum export extends
    false finally for function if implements import in instanceof interface let new null package private
    protected public return static super switch this throw true try typeof var void while with yield
    arguments eval undefined NaN Infinity""".split()
)

#: How JavaScript names clear them: ``new_``, and ``name2`` for a taken name.
WORDS = Words(RESERVED, escape="{}_")


_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")


_SIMPLE_NUMBER = re.compile(r"(?:0|[1-9][0-9]{0,14})\Z")


_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f", "\v": "\\v"}


def string(text: str) -> str:
    """A JS string literal for ``text``, quoted the way Prettier quotes it.

    Single quotes unless the text holds more of them than double quotes.
    Safe inside an HTML ``<script>`` too: ``</`` is written ``<\\/`` and the
    line terminators U+2028/U+2029 are escaped.
    """
    quote = '"' if text.count("'") > text.count('"') else "'"
    out = [quote]
    for i, ch in enumerate(text):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch == quote:
            out.append("\\" + ch)
        elif ch == "/" and i and text[i - 1] == "<":
            out.append("\\/")
        elif ch in "\u2028\u2029" or not ch.isprintable():
            code = ord(ch)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\u{{{code:x}}}")
        else:
            out.append(ch)
    out.append(quote)
    return "".join(out)


def number(value: int | float) -> str:
    """A JS number literal as Prettier prints it."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"no JS literal for {value!r}")
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value).lower().replace("e+", "e")
    return str(value)


def literal(value: object) -> str:
    """A one-line JS literal for a str, number, bool, None, list or dict."""
    return c_literal(value, string, number, "JS", items=_array, members=_object)


def _array(codes: list[str]) -> str:
    return "[" + ", ".join(codes) + "]"


def _object(pairs: list[tuple[str, str]]) -> str:
    return "{ " + ", ".join(f"{key(k)}: {code}" for k, code in pairs) + " }" if pairs else "{}"


def key(name: str) -> str:
    """An object key: bare when Prettier would write it bare, else quoted."""
    if _IDENTIFIER.match(name) or _SIMPLE_NUMBER.match(name):
        return name
    return string(name)


def comment(text: str) -> str:
    """Text safe inside a ``//`` line comment and a one-line ``/** ... */`` comment."""
    flat = " ".join("".join(ch if ch.isprintable() and ch not in "\u2028\u2029" else " " for ch in text).split())
    return flat.replace("*/", "* /")


def ident(name: str) -> str:
    """A JS identifier for a spec name: ``user_id`` becomes ``userId``, reserved words get a ``_``."""
    head, *rest = [p for p in name.split("_") if p] or [name]
    camel = head + "".join(p[:1].upper() + p[1:] for p in rest)
    if name.startswith("_"):
        camel = "_" + camel
    return WORDS.unreserved(camel)


def option(name: str) -> str:
    """The option name of a setting: ``application_id`` becomes ``applicationId``."""
    return ident(name).rstrip("_")


def indent(lines: list[str], width: int = 2) -> list[str]:
    return [(" " * width + line) if line else line for line in lines]


# -- layout -------------------------------------------------------------------
#
# A few node types cover all the code emitted from a spec; each is laid out
# the way Prettier lays it out at a known indentation, so the template can
# paste the lines as they are.

#: Prettier's default print width.
WIDTH = 80


@dataclass(frozen=True)
class Call:
    """``fn(arg, ...)``: on one line when it fits, else one argument a line."""

    fn: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Members:
    """An object literal.

    :param expanded: always one member a line (Prettier keeps an object
        written that way expanded); else on one line when it fits.
    """

    items: tuple[tuple[str, Node], ...]
    expanded: bool = True


@dataclass(frozen=True)
class Items:
    """An array literal: on one line when it fits (and is not a list of objects), else one item a line."""

    items: tuple[Node, ...]


Node = str | Call | Members | Items


def flat(node: Node) -> str | None:
    """``node`` on one line, or None when it never goes on one line."""
    if isinstance(node, str):
        return node
    if isinstance(node, Call):
        args = [flat(a) for a in node.args]
        return None if None in args else f"{node.fn}(" + ", ".join(args) + ")"  # type: ignore[arg-type]
    if isinstance(node, Members):
        if not node.items:
            return "{}"
        if node.expanded:
            return None
        parts = [_member_flat(k, v) for k, v in node.items]
        return None if None in parts else "{ " + ", ".join(parts) + " }"  # type: ignore[arg-type]
    if _always_broken(node):
        return None
    items = [flat(i) for i in node.items]
    return None if None in items else "[" + ", ".join(items) + "]"  # type: ignore[arg-type]


#: The "key" of a member that is a spread, ``...(expression)``, written as it is.
SPREAD = "..."


def _member_flat(name: str, node: Node) -> str | None:
    text = flat(node)
    if text is None or name == SPREAD:
        return text
    return name if text == name and _IDENTIFIER.match(name) else f"{name}: {text}"


def _always_broken(node: Items) -> bool:
    """Prettier breaks an array of two or more objects that each have more than one member."""
    return len(node.items) > 1 and all(isinstance(i, Members) and len(i.items) > 1 for i in node.items)


def layout(node: Node, depth: int, prefix: str = "", suffix: str = "") -> list[str]:
    """Lines of ``prefix + node + suffix``, the first one indented ``depth`` spaces."""
    pad = " " * depth
    if isinstance(node, str):
        line = pad + prefix + node + suffix
        if len(line) > WIDTH and node[:1] in "'\"" and _breaks_after(prefix):
            # a string too long for the line moves below its `=` or `key:`
            return [pad + prefix.rstrip(), pad + "  " + node + suffix]
        return [line]
    one = flat(node)
    if one is not None and len(pad + prefix + one + suffix) <= WIDTH:
        return [pad + prefix + one + suffix]
    if isinstance(node, Members):
        lines = [pad + prefix + "{"]
        for name, value in node.items:
            lines += _member(name, value, depth + 2)
        return lines + [pad + "}" + suffix]
    if isinstance(node, Items):
        lines = [pad + prefix + "["]
        for item in node.items:
            lines += layout(item, depth + 2, "", ",")
        return lines + [pad + "]" + suffix]
    assert isinstance(node, Call)
    head = [flat(a) for a in node.args[:-1]]
    last = node.args[-1] if node.args else None
    if isinstance(last, (Members, Items)) and None not in head:
        # the last argument is an object or array: hug it, ``fn(a, {`` ... ``})``
        opening = f"{node.fn}(" + "".join(h + ", " for h in head)  # type: ignore[operator]
        return layout(last, depth, prefix + opening, ")" + suffix)
    lines = [pad + prefix + f"{node.fn}("]
    for arg in node.args:
        lines += layout(arg, depth + 2, "", ",")
    return lines + [pad + ")" + suffix]


def _breaks_after(prefix: str) -> bool:
    """Whether Prettier moves a long string below ``prefix``: after ``=``, or a key of 5 characters or more."""
    if prefix.endswith(" = "):
        return True
    return prefix.endswith(": ") and len(prefix) - 2 >= 5 and "(" not in prefix


def _member(name: str, node: Node, depth: int) -> list[str]:
    pad = " " * depth
    if name == SPREAD:
        return layout(node, depth, "", ",")
    text = flat(node)
    if text is not None and text == name and _IDENTIFIER.match(name):
        return [pad + name + ","]
    lines = layout(node, depth, name + ": ", ",")
    if isinstance(node, str) and len(lines[0]) > WIDTH and " === " in node:
        # a comparison too long for one line moves to the next, as Prettier does
        return [pad + name + ":", " " * (depth + 2) + node + ","]
    return lines


def template_chars(text: str) -> str:
    """Literal text inside a template literal: backquotes, ``${`` and control characters escaped."""
    out = []
    for i, ch in enumerate(text):
        if ch in ("\\", "`"):
            out.append("\\" + ch)
        elif ch == "$" and text[i + 1 : i + 2] == "{":
            out.append("\\$")
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch in "\u2028\u2029" or not ch.isprintable():
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\u{{{code:x}}}")
        else:
            out.append(ch)
    return "".join(out)


def ts_property(name: str, type_: str, depth: int) -> list[str]:
    """``readonly name: type;`` as Prettier lays out a TypeScript property (unions may break)."""
    pad = " " * depth
    line = f"{pad}readonly {name}: {type_};"
    members = type_.split(" | ")
    if len(line) <= WIDTH or len(members) == 1:
        return [line]
    inner = " " * (depth + 2)
    if len(f"{inner}{type_};") <= WIDTH:
        return [f"{pad}readonly {name}:", f"{inner}{type_};"]
    return [f"{pad}readonly {name}:", *(f"{inner}| {m}" for m in members[:-1]), f"{inner}| {members[-1]};"]


def const(value: object, name: str) -> str:
    """``const NAME = <literal>;`` as Prettier lays it out."""
    return "\n".join(layout(literal(value), 0, f"const {name} = ", ";"))


def destructure(names: list[str], source: str) -> str:
    """``const { a, b } = <source>;``, one name a line when too long, as Prettier does with a require()."""
    return "\n".join(layout(Members(tuple((n, n) for n in names), expanded=False), 0, "const ", f" = {source};"))


def signature(params: list[str], head: str, returns: str, depth: int = 0) -> str:
    """A TypeScript declaration ``head(params): returns;``, its parameters one a line when too long."""
    pad = " " * depth
    line = f"{pad}{head}({', '.join(params)}): {returns};"
    if len(line) <= WIDTH or not params:
        return line
    return "\n".join([f"{pad}{head}(", *(f"{pad}  {p}," for p in params), f"{pad}): {returns};"])
