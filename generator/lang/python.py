"""Python syntax: string literals as ruff format writes them, comments, docstrings, identifiers, TOML.

The output follows what ``ruff format`` would write (double quotes unless a
string holds more of them than single quotes), so generated packages pass
``ruff format --check`` without being reformatted.
"""

from __future__ import annotations

import keyword

from .names import Words

#: Words a Python name cannot be: keywords and soft keywords (``match``, ``type`` ...).
RESERVED = frozenset(keyword.kwlist + keyword.softkwlist)

#: How Python names clear them: ``class_``, and ``name_2`` for a taken name.
WORDS = Words(RESERVED, escape="{}_", separator="_")


_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def string(text: str) -> str:
    """A Python string literal for ``text``, quoted the way ruff format quotes it."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    out = [quote]
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch == quote:
            out.append("\\" + ch)
        elif not ch.isprintable():
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append(quote)
    return "".join(out)


def literal(value: object) -> str:
    """A Python literal for a str, number, bool, None, list, tuple or dict."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Python literal for {type(value).__name__}")


def comment(text: str) -> str:
    """Text safe inside a one-line ``#`` comment."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def docstring(text: str) -> str:
    """Text safe inside a one-line triple-double-quoted docstring."""
    return comment(text).replace("\\", "\\\\").replace('"', '\\"')


def ident(name: str) -> str:
    """A Python identifier for a spec name (``class`` becomes ``class_``)."""
    return WORDS.unreserved(name)


def class_name(name: str) -> str:
    """``Status`` for ``status``, ``AccountType`` for ``account_type``."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)


def toml(text: str) -> str:
    """A TOML basic string for ``text`` (pyproject.toml): UTF-8 as is, control characters escaped."""
    out = ['"']
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch in "\b\t\n\f\r":
            out.append({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
