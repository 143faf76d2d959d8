"""Java syntax: literals, comments and Javadoc, XML text, names, and long expressions laid out.

The output follows the Spring style the Spring Boot starter is written in:
four spaces, continuation lines eight spaces deeper, lines of at most
:data:`WIDTH` columns.

Java processes ``\\uXXXX`` escapes before it reads anything else, even in
comments, so :func:`string` writes the named escapes (``\\n``, ``\\"`` ...) for
the characters that would end a literal or a line, and :func:`comment` keeps
``\\u`` out of comments altogether.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from markupsafe import escape

from .names import Words, camel
from .scalars import c_literal

#: The longest line the emitted code aims for.
WIDTH = 120


#: Indentation of a statement inside a method body, and of a continuation line.
INDENT = " " * 8


CONTINUATION = " " * 8


#: Java's reserved words and literals: no local variable, field or enum constant may take them.
RESERVED = frozenset(
    """abstract assert boolean break byte case catch char class const continue default do double else enum
    extends final finally float for goto if implements import instanceof int interface long native new
    package private protected public return short static strictfp super switch synchronized this throw
    throws transient try void volatile while true false null var yield record sealed permits when
    _""".split()
)

#: How Java names clear them: ``classValue``, and ``name2`` for a taken name.
WORDS = Words(RESERVED, escape="{}Value")


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def string(text: str) -> str:
    """A Java string literal for ``text``.

    Backslash, quote and line breaks get their named escapes; other control
    and invisible characters become ``\\uXXXX`` (never one of the escapes
    Java would turn into a line break, a quote or a backslash before lexing).
    """
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable() and ch not in "\u2028\u2029":
            out.append(ch)
        else:
            data = ch.encode("utf-16-be")
            out.extend(f"\\u{int.from_bytes(data[i : i + 2], 'big'):04x}" for i in range(0, len(data), 2))
    out.append('"')
    return "".join(out)


def number(value: int | float) -> str:
    """A Java numeric literal: ``int`` when it fits, else ``long`` (``L``), or a ``double``."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"no Java literal for {value!r}: JSON has no such number")
        return repr(value)
    if -(2**31) <= value < 2**31:
        return str(value)
    if -(2**63) <= value < 2**63:
        return f"{value}L"
    raise ValueError(f"no Java literal for {value}: it does not fit in a long")


def literal(value: object) -> str:
    """A Java expression for a str, number, bool, None, or a list or tuple of them (``List.of``)."""
    return c_literal(value, string, number, "Java", items=lambda codes: "List.of(" + ", ".join(codes) + ")")


def text_block(text: str) -> str:
    """The content of a Java text block (``\"\"\"``) for ``text``: backslashes and triple quotes escaped.

    The caller indents it; a line break in ``text`` is a line of the block.
    """
    out = []
    for ch in text.replace("\\", "\\\\").replace('"""', '\\"""'):
        if ch == "\n" or (ch.isprintable() and ch not in "\u2028\u2029"):
            out.append(ch)
        else:
            out.append(string(ch)[1:-1])
    return "".join(out)


def comment(text: str) -> str:
    """Text safe on one line of a ``//`` or ``/* */`` comment or a javadoc.

    No line breaks, no ``*/`` that would end the comment, and no ``\\u`` that
    Java would read as a Unicode escape (backslashes are doubled).
    """
    flat = " ".join("".join(ch if ch.isprintable() and ch not in "\u2028\u2029" else " " for ch in text).split())
    return flat.replace("\\", "\\\\").replace("*/", "* /")


def javadoc(text: str) -> str:
    """Text safe in a javadoc sentence: :func:`comment`, with HTML, ``@`` and ``*/`` as character references."""
    return comment(str(escape(text)).replace("*/", "*&#47;")).replace("@", "&#64;")


def wrap(text: str, prefix: str = " * ", width: int = WIDTH) -> str:
    """Reflow a javadoc paragraph into lines of at most ``width`` columns, each starting with ``prefix``.

    For ``{% filter javawrap %}...{% endfilter %}`` around a paragraph that holds spec text of any length.
    """
    room = width - len(prefix)
    words: list[str] = []
    for token in re.findall(r"\{@[^{}]*\}\S*|\S+", text):
        # an inline tag ({@code a b}) stays on one line unless it cannot fit on any
        words.extend([token] if len(token) <= room else token.split())
    lines: list[str] = []
    line = ""
    for word in words:
        if line and len(prefix) + len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join((prefix + line).rstrip() for line in lines)


#: What XML 1.0 forbids even as a character reference: C0 controls but tab, LF and CR, lone surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml(text: str) -> str:
    """Text safe in XML element content and quoted attributes (pom.xml).

    Markup characters are escaped, and characters XML 1.0 cannot hold at all
    (a NUL, most C0 controls, lone surrogates, U+FFFE, U+FFFF) are dropped.
    Not for comments: spec text stays out of ``<!-- -->``, where ``--`` is illegal.
    """
    return str(escape(_NOT_XML.sub("", text)))


def pascal(name: str) -> str:
    """``UserId`` for ``user_id``."""
    text = camel(name)
    return text[:1].upper() + text[1:]


def kebab(name: str) -> str:
    """``user-id`` for ``user_id``: the form of Spring property names."""
    return "-".join(p for p in name.split("_") if p)


def ident(name: str) -> str:
    """A Java identifier for a spec name: camel case, ``Value`` appended to reserved words."""
    text = camel(name)
    if text[:1].isdigit():
        text = "v" + text[:1].upper() + text[1:]
    return WORDS.unreserved(text)


def constant(value: str) -> str:
    """An enum constant name for an enum value: ``IN_PROGRESS`` for ``in-progress``."""
    text = re.sub(r"[^A-Za-z0-9]+", "_", value).strip("_").upper()
    if not text:
        text = "EMPTY"
    if text[0].isdigit():
        text = "_" + text
    return text + "_VALUE" if text.lower() in RESERVED else text


# -- layout of long expressions ---------------------------------------------------


@dataclass(frozen=True)
class Apply:
    """``function(args)``."""

    function: str
    args: tuple[Code, ...] = ()


@dataclass(frozen=True)
class Concat:
    """``a + b + c``: string concatenation, wrapped before a ``+`` when it does not fit."""

    parts: tuple[Code, ...]


@dataclass(frozen=True)
class Call:
    """``head.method(args).method(args)``: on one line when it fits, one call a line when not."""

    head: Code
    calls: tuple[tuple[str, tuple[Code, ...]], ...] = ()

    def then(self, method: str, *args: Code) -> Call:
        return Call(self.head, (*self.calls, (method, args)))


Code = str | Apply | Concat | Call


def flat(code: Code) -> str:
    """``code`` on one line."""
    if isinstance(code, str):
        return code
    if isinstance(code, Apply):
        return f"{code.function}({', '.join(flat(a) for a in code.args)})"
    if isinstance(code, Concat):
        return " + ".join(flat(p) for p in code.parts)
    return flat(code.head) + "".join(f".{m}({', '.join(flat(a) for a in args)})" for m, args in code.calls)


def layout(code: Code, column: int, indent: str, tail: int = 0) -> str:
    """``code`` starting at ``column``, its continuation lines at ``indent`` plus :data:`CONTINUATION`.

    What fits stays on one line.  A chain that does not puts each call on a
    line of its own; arguments and concatenations wrap onto continuation lines.

    :param tail: how many characters follow the code on its last line (``);`` ...).
    """
    one_line = flat(code)
    if isinstance(code, str) or column + len(one_line) + tail <= WIDTH:
        return one_line
    inner = indent + CONTINUATION
    if isinstance(code, Apply):
        return f"{code.function}(" + _arguments(code.args, column + len(code.function) + 1, indent, tail + 1) + ")"
    if isinstance(code, Concat):
        last = len(code.parts) - 1
        out = layout(code.parts[0], column, indent, tail if last == 0 else 0)
        col = _last_column(out, column)
        for i, part in enumerate(code.parts[1:], 1):
            text = flat(part)
            after = tail if i == last else 0
            if col + 3 + len(text) + after <= WIDTH:
                out += " + " + text
                col += 3 + len(text)
            else:
                out += f"\n{inner}+ " + layout(part, len(inner) + 2, inner, after)
                col = _last_column(out, 0)
        return out
    out = layout(code.head, column, indent)
    for i, (method, args) in enumerate(code.calls):
        after = tail if i == len(code.calls) - 1 else 0
        out += f"\n{inner}.{method}(" + _arguments(args, len(inner) + len(method) + 2, inner, after + 1) + ")"
    return out


def _arguments(args: tuple[Code, ...], column: int, indent: str, tail: int) -> str:
    """Arguments after ``(`` at ``column``: as many on a line as fit, the rest on continuation lines.

    :param tail: how many characters follow the last argument (``)`` and what follows it).
    """
    inner = indent + CONTINUATION
    out = ""
    col = column
    for i, arg in enumerate(args):
        text = flat(arg)
        sep = ", " if i else ""
        after = tail if i == len(args) - 1 else 1
        if col + len(sep) + len(text) + after <= WIDTH:
            out += sep + text
            col += len(sep) + len(text)
        elif i == 0 or (isinstance(arg, Call) and col + len(sep) + len(flat(arg.head)) <= WIDTH):
            # a chain starts where it is and breaks its calls; a first argument stays on the line
            out += sep + layout(arg, col + len(sep), indent, after)
            col = _last_column(out, column)
        else:
            out += f",\n{inner}" + layout(arg, len(inner), inner, after)
            col = _last_column(out, 0)
    return out


def _last_column(text: str, start: int) -> int:
    """The column after ``text`` when it starts at ``start``."""
    if "\n" in text:
        return len(text.rsplit("\n", 1)[-1])
    return start + len(text)
