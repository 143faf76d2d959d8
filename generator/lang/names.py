"""Names in generated code: clear of the language's reserved words and of names already taken.

Every language needs the same steps when a spec name becomes a local,
parameter, member or type: escape it when the language reserves it, give it a
suffix when it would clash with a member the generated code always has, and
number it when the generated code already uses it.  Only the reserved words
and the spelling of the escape and the numbers differ: each language module
gives those as one :class:`Words` (``python.WORDS``, ``js.WORDS`` ...).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass


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


def suffixed(name: str, taken: set[str], suffix: str, *, reserved: Container[str] = ()) -> str:
    """``name`` when free, else ``name`` + ``suffix`` (numbered if that is taken too), now taken.

    For a spec name next to members every generated class has: a field ``class``
    on a Java user becomes ``classField``, not ``class2``.
    """
    if name in taken or name in reserved:
        name += suffix
    return fresh(name, taken, reserved=reserved)


@dataclass(frozen=True)
class Words:
    """A language's reserved words and how it escapes one and numbers a taken name."""

    reserved: frozenset[str]
    #: the ``str.format`` pattern of an escaped reserved word: ``"{}_"``, ``"@{}"``, ``"{}Value"``
    escape: str = "{}_"
    #: between a taken name and its number: ``"_"`` makes ``name_2``
    separator: str = ""

    def unreserved(self, name: str) -> str:
        """``name``, escaped when the language reserves it."""
        return unreserved(name, self.reserved, self.escape)

    def fresh(self, name: str, taken: set[str]) -> str:
        """``name``, numbered until it is neither taken nor reserved; now taken."""
        return fresh(name, taken, separator=self.separator, reserved=self.reserved)

    def suffixed(self, name: str, taken: set[str], suffix: str) -> str:
        """``name``, else ``name`` + ``suffix``, numbered until it is neither taken nor reserved; now taken."""
        return suffixed(name, taken, suffix, reserved=self.reserved)


def camel(name: str) -> str:
    """``userId`` for ``user_id``: how JavaScript and Java spell a snake_case name."""
    parts = [p for p in name.split("_") if p]
    if not parts:
        return "value"
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
