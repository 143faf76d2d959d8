"""Find the line of a key path in TOML text, for error messages.

``tomllib`` gives values, not positions.  This scanner reads the text once
and records the first line of every table header and key it sees, including
the keys of inline tables, so a problem at ``operations.login.steps[0].path``
can be reported at the line a user has to edit.
"""

from __future__ import annotations

import re

_KEY = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_ARRAY_HEADER = re.compile(rf"\[\[\s*({_DOTTED})\s*\]\]")
_TABLE_HEADER = re.compile(rf"\[\s*({_DOTTED})\s*\]")
_ASSIGN = re.compile(rf"({_DOTTED})\s*=")
_INLINE_KEY = re.compile(rf"[{{,]\s*({_DOTTED})\s*=")
_PART = re.compile(_KEY)

KeyPath = tuple[str | int, ...]


def _split(dotted: str) -> tuple[str, ...]:
    parts = []
    for m in _PART.finditer(dotted):
        token = m.group(0)
        if token[:1] in "\"'":
            token = token[1:-1]
        parts.append(token)
    return tuple(parts)


class LineIndex:
    """Maps key paths to the line where they are written."""

    def __init__(self, text: str) -> None:
        self._lines: dict[KeyPath, int] = {}
        self._scan(text)

    def _scan(self, text: str) -> None:
        table: KeyPath = ()
        counters: dict[KeyPath, int] = {}
        for lineno, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if m := _ARRAY_HEADER.match(stripped):
                key = _split(m.group(1))
                counters[key] = counters.get(key, -1) + 1
                table = (*key, counters[key])
                self._lines.setdefault(key, lineno)
                self._lines.setdefault(table, lineno)
                continue
            if m := _TABLE_HEADER.match(stripped):
                table = _split(m.group(1))
                self._lines.setdefault(table, lineno)
                continue
            if m := _ASSIGN.match(stripped):
                key = (*table, *_split(m.group(1)))
                self._lines.setdefault(key, lineno)
                for inner in _INLINE_KEY.finditer(stripped, m.end()):
                    self._lines.setdefault((*key, *_split(inner.group(1))), lineno)

    def line(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest written ancestor."""
        path = tuple(path)
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return None


def format_path(path: KeyPath) -> str:
    """``operations.login.steps[0].path`` for a key path."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + (part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else f'"{part}"')
    return text
