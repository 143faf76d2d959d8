"""Names in generated code: clear of the language's reserved words and of names already taken.

Every language needs the same two steps when a spec name becomes a local,
parameter or attribute: escape it when the language reserves it, and number
it when the generated code already uses it.  Only the reserved words and the
spelling of the escape differ, and those each language module passes in.
"""

from __future__ import annotations

from collections.abc import Container


def unreserved(name: str, reserved: Container[str], escape: str = "{}_") -> str:
    """``name`` itself, or ``escape`` filled with it when the language reserves it.

    :param escape: a ``str.format`` pattern: ``"{}_"`` (Python, JavaScript), ``"@{}"`` (C#).
    """
    return escape.format(name) if name in reserved else name


def fresh(name: str, taken: set[str], *, separator: str = "", reserved: Container[str] = ()) -> str:
    """``name``, else ``name2``, ``name3`` ...: the first that is neither taken nor reserved, now taken.

    :param taken: the names in use; the one returned is added to it.
    :param separator: between the name and its number: ``"_"`` makes ``name_2``.
    """
    candidate, n = name, 2
    while candidate in taken or candidate in reserved:
        candidate, n = f"{name}{separator}{n}", n + 1
    taken.add(candidate)
    return candidate


def camel(name: str) -> str:
    """``userId`` for ``user_id``: how JavaScript and Java spell a snake_case name."""
    parts = [p for p in name.split("_") if p]
    if not parts:
        return "value"
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
