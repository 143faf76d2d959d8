"""What every language spells alike once given its own strings and numbers.

``null``, ``true`` and ``false`` in the C family (JavaScript, Java, C#), and a
text template that needs no interpolation (a string literal or a bare name).
Strings and numbers differ (quotes, escapes, ``L`` suffixes, ``.0``), so each
language passes its own; containers and interpolation are each language's own.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import expr


def c_scalar(value: object, string: Callable[[str], str], number: Callable[[int | float], str]) -> str | None:
    """``null``, ``true``, ``false``, or the language's string or number literal; None for anything else."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return string(value)
    if isinstance(value, (int, float)):
        return number(value)
    return None


def c_literal(
    value: object,
    string: Callable[[str], str],
    number: Callable[[int | float], str],
    language: str,
    *,
    items: Callable[[list[str]], str] | None = None,
    members: Callable[[list[tuple[str, str]]], str] | None = None,
) -> str:
    """A literal of a C-family language: a scalar (:func:`c_scalar`), or a list or dict the language can write.

    :param items: writes a list or tuple from its items' literals; None: the language has no such literal.
    :param members: writes a dict from (key, value literal) pairs; None: no such literal.
    :raises TypeError: for a value the language has no literal for.
    """
    scalar = c_scalar(value, string, number)
    if scalar is not None:
        return scalar

    def inner(item: object) -> str:
        return c_literal(item, string, number, language, items=items, members=members)

    if items is not None and isinstance(value, (list, tuple)):
        return items([inner(item) for item in value])
    if members is not None and isinstance(value, dict):
        return members([(str(k), inner(v)) for k, v in value.items()])
    raise TypeError(f"no {language} literal for {type(value).__name__}")


def plain_text(
    value: expr.Template, string: Callable[[str], str], name: Callable[[expr.Ref], str], *, segment: bool = False
) -> str | None:
    """A text template without interpolation, when it needs none: a string literal, or a bare name.

    :param segment: the template fills part of a URL path, where even a lone
        reference is percent-encoded, so it is never a bare name.
    :returns: None when the template mixes text and references (each language interpolates its own way).
    """
    text = value.literal_text()
    if text is not None:
        return string(text)
    single = value.single_ref
    if single is not None and not segment:
        return name(single)
    return None


def interpolated(
    parts: tuple[expr.Lit | expr.Ref, ...], text: Callable[[str], str], hole: Callable[[expr.Ref], str]
) -> str:
    """The inside of an interpolated string: each literal part escaped by ``text``, each reference a ``hole``."""
    return "".join(text(part.text) if isinstance(part, expr.Lit) else hole(part) for part in parts)
