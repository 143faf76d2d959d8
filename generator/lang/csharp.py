"""C# syntax: regular string literals, numbers, comments, MSBuild XML text, names, indentation.

The output is laid out the way ``dotnet format`` lays out C# (four spaces,
Allman braces, one member of an initializer a line), so generated packages
read like hand-written code.

Strings are regular C# literals (``"..."``) with escapes, never verbatim or
raw strings, so one function decides how every spec string is written.
"""

from __future__ import annotations

import json
import math
import re

from .names import Words
from .scalars import c_literal

#: C# keywords: an identifier spelled like one is written ``@name``.
KEYWORDS = frozenset(
    """abstract as base bool break byte case catch char checked class const continue decimal default delegate
    do double else enum event explicit extern false finally fixed float for foreach goto if implicit in int
    interface internal is lock long namespace new null object operator out override params private protected
    public readonly ref return sbyte sealed short sizeof stackalloc static string struct switch this throw true
    try typeof uint ulong unchecked unsafe ushort using virtual void volatile while""".split()
)

#: How C# names clear them: ``@default``, and ``name2`` for a taken name.
WORDS = Words(KEYWORDS, escape="@{}")


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}


def string(text: str) -> str:
    """A regular C# string literal for ``text``.

    Quotes, backslashes and control characters are escaped; so is anything
    not printable (line and paragraph separators end a C# line, bidi
    controls hide code), as ``\\uXXXX`` or ``\\UXXXXXXXX``.
    """
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif not ch.isprintable() or ch in "\u2028\u2029\u0085":
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def number(value: int | float) -> str:
    """A C# numeric literal: ``long`` for integers, ``double`` for the rest.

    :raises ValueError: for infinities and NaN, which JSON cannot carry.
    """
    if isinstance(value, bool):
        raise TypeError("a bool is not a number")
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise ValueError(f"{value} does not fit a C# long")
        return f"{value}L" if not -(2**31) <= value < 2**31 else str(value)
    if math.isinf(value) or math.isnan(value):
        raise ValueError(f"{value!r} cannot be sent as JSON")
    text = repr(value)
    return text if any(c in text for c in ".eE") else text + ".0"


def literal(value: object) -> str:
    """A C# literal for a str, bool, None, int or float."""
    return c_literal(value, string, number, "C#")


def comment(text: str) -> str:
    """Text safe inside a ``//`` or ``/* */`` comment and XML doc comments, on one line.

    Newlines and other unprintable characters become spaces, ``*/`` cannot
    end a block comment, and ``&``, ``<``, ``>`` are XML-escaped for ``///``.
    """
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return flat.replace("*/", "* /")


#: What XML 1.0 forbids even as a character reference: C0 controls but tab, LF and CR, lone surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


#: MSBuild's special characters in property and item text, as its own %XX escapes (``%`` first).
_MSBUILD_ESCAPES = {"%": "%25", "$": "%24", "@": "%40", ";": "%3B", "'": "%27", "?": "%3F", "*": "%2A"}


_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def msbuild_xml(text: str) -> str:
    """Spec text as the value of an MSBuild property in a ``.csproj`` or ``.props`` file.

    Characters XML 1.0 cannot hold at all (a NUL, most C0 controls, lone
    surrogates, U+FFFE, U+FFFF) are dropped; MSBuild's special characters
    (``% $ @ ; ' ? *``) become its ``%XX`` escapes, so ``$(x)`` or ``@(x)``
    in a service name is not evaluated; then ``& < > "`` are XML-escaped.
    Not for comments: spec text stays out of ``<!-- -->``.
    """
    flat = _NOT_XML.sub("", text)
    flat = "".join(_MSBUILD_ESCAPES.get(ch, ch) for ch in flat)
    return "".join(_XML_ESCAPES.get(ch, ch) for ch in flat)


def json_literal(value: object) -> str:
    """A C# string literal holding ``value`` as JSON text."""
    return string(json.dumps(value, ensure_ascii=False))


def pascal(name: str) -> str:
    """``GivenName`` for ``given_name``, ``Active`` for ``ACTIVE``, ``Value1`` for ``1``."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]
    text = "".join(w[:1].upper() + (w[1:].lower() if w.isupper() else w[1:]) for w in words)
    if not text:
        return "Value"
    return "Value" + text if text[0].isdigit() else text


def ident(name: str) -> str:
    """A camelCase C# local or parameter name for a spec name (``@default`` for a keyword)."""
    text = pascal(name)
    text = text[:1].lower() + text[1:]
    return WORDS.unreserved(text)


def interpolation_text(text: str) -> str:
    """Literal text inside ``$"..."``: string escapes, and braces doubled."""
    return string(text)[1:-1].replace("{", "{{").replace("}", "}}")


def indent(lines: list[str], width: int = 4) -> list[str]:
    """Indent every line of every (possibly multi-line) fragment."""
    pad = " " * width
    return [pad + line if line else line for fragment in lines for line in fragment.split("\n")]
