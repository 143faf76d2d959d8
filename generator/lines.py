"""Find the line of a key path in TOML text, for error messages.

``tomllib`` gives values, not positions.  This scanner walks text that
``tomllib`` has already accepted and records the line where every key path
is first written: table headers, arrays of tables (``[[a.b]]`` becomes
``("a", "b", 0)``, ``("a", "b", 1)`` ...), dotted and quoted keys, the keys of
inline tables and the elements of arrays, even when an array spans lines.  A
problem at ``operations.login.steps[0].json.login`` is then reported at the
line a user has to edit.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

KeyPath = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b", '"': '"', "\\": "\\"}
#: Characters that end a number, boolean or date inside an array or inline table.
_SCALAR_END = ",]}\n\r#"


class _ScanError(Exception):
    """Raised when the text is not shaped as expected; the scanner skips a line."""


class LineIndex:
    """Maps key paths to the line where they are written."""

    def __init__(self, text: str) -> None:
        self._lines: dict[KeyPath, int] = {}
        _Scanner(text, self._lines).run()

    def line(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest written ancestor; None for the document."""
        path = tuple(path)
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return None

    def has(self, path: KeyPath) -> bool:
        """Whether ``path`` itself is written in the text."""
        return tuple(path) in self._lines


class _Scanner:
    """One pass over valid TOML, recording the first line of each key path."""

    def __init__(self, text: str, lines: dict[KeyPath, int]) -> None:
        self.text = text
        self.pos = 0
        self.lines = lines
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]
        #: the current index of every array of tables, by its resolved path
        self._arrays: dict[KeyPath, int] = {}

    # -- driving -------------------------------------------------------------

    def run(self) -> None:
        table: KeyPath = ()
        while True:
            self._skip(newlines=True)
            if self.pos >= len(self.text):
                return
            start = self.pos
            try:
                table = self._statement(table)
            except _ScanError:
                self.pos = max(start + 1, self.pos)
                self._skip_line()

    def _statement(self, table: KeyPath) -> KeyPath:
        """Read a header or a key/value pair; return the table later keys belong to."""
        if self.text.startswith("[[", self.pos):
            self.pos += 2
            table = self._array_header(self._key())
            self._expect("]]")
        elif self.text.startswith("[", self.pos):
            self.pos += 1
            line = self._line()
            table = self._resolve(self._key())
            self._record_all(table, line)
            self._expect("]")
        else:
            self._keyval(table)
        self._skip()
        if self.pos < len(self.text) and self.text[self.pos] not in "\r\n":
            raise _ScanError
        return table

    # -- headers and keys ----------------------------------------------------

    def _resolve(self, parts: tuple[str, ...]) -> KeyPath:
        """A header's key path, with the current index of each array of tables in it."""
        path: KeyPath = ()
        for part in parts:
            path = (*path, part)
            if path in self._arrays:
                path = (*path, self._arrays[path])
        return path

    def _array_header(self, parts: tuple[str, ...]) -> KeyPath:
        line = self._line()
        array = (*self._resolve(parts[:-1]), parts[-1])
        index = self._arrays.get(array, -1) + 1
        self._arrays[array] = index
        self._record_all((*array, index), line)
        return (*array, index)

    def _keyval(self, table: KeyPath) -> None:
        line = self._line()
        path = (*table, *self._key())
        self._record_all(path, line, start=len(table))
        self._expect("=")
        self._value(path)

    def _key(self) -> tuple[str, ...]:
        """A dotted key: bare, "basic" or 'literal' parts joined by dots."""
        parts = []
        while True:
            self._skip()
            ch = self.text[self.pos : self.pos + 1]
            if ch == '"':
                parts.append(self._basic_string())
            elif ch == "'":
                parts.append(self._literal_string())
            elif m := _BARE.match(self.text, self.pos):
                parts.append(m.group(0))
                self.pos = m.end()
            else:
                raise _ScanError
            self._skip()
            if not self.text.startswith(".", self.pos):
                return tuple(parts)
            self.pos += 1

    # -- values --------------------------------------------------------------

    def _value(self, path: KeyPath) -> None:
        self._skip()
        text, pos = self.text, self.pos
        if text.startswith("{", pos):
            self._inline_table(path)
        elif text.startswith("[", pos):
            self._array(path)
        elif text.startswith('"""', pos) or text.startswith("'''", pos):
            self._multiline_string(text[pos : pos + 3])
        elif text.startswith('"', pos):
            self._basic_string()
        elif text.startswith("'", pos):
            self._literal_string()
        else:
            while self.pos < len(text) and text[self.pos] not in _SCALAR_END:
                self.pos += 1

    def _inline_table(self, path: KeyPath) -> None:
        self.pos += 1
        while True:
            self._skip(newlines=True)
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if self.pos >= len(self.text):
                raise _ScanError
            self._keyval(path)

    def _array(self, path: KeyPath) -> None:
        self.pos += 1
        index = 0
        while True:
            self._skip(newlines=True)
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if self.pos >= len(self.text):
                raise _ScanError
            self._record((*path, index), self._line())
            self._value((*path, index))
            index += 1

    # -- strings -------------------------------------------------------------

    def _basic_string(self) -> str:
        """Read ``"..."`` and return its value."""
        out = []
        self.pos += 1
        text = self.text
        while self.pos < len(text) and text[self.pos] not in '"\n':
            ch = text[self.pos]
            if ch == "\\":
                out.append(self._escape())
                continue
            out.append(ch)
            self.pos += 1
        self._expect('"')
        return "".join(out)

    def _escape(self) -> str:
        code = self.text[self.pos + 1 : self.pos + 2]
        if code in ("u", "U"):
            width = 4 if code == "u" else 8
            digits = self.text[self.pos + 2 : self.pos + 2 + width]
            self.pos += 2 + width
            try:
                return chr(int(digits, 16))
            except ValueError as err:
                raise _ScanError from err
        if code == "x":
            digits = self.text[self.pos + 2 : self.pos + 4]
            self.pos += 4
            try:
                return chr(int(digits, 16))
            except ValueError as err:
                raise _ScanError from err
        self.pos += 2
        return _ESCAPES.get(code, code)

    def _literal_string(self) -> str:
        """Read ``'...'`` and return its value."""
        end = self.text.find("'", self.pos + 1)
        if end < 0:
            raise _ScanError
        value = self.text[self.pos + 1 : end]
        self.pos = end + 1
        return value

    def _multiline_string(self, quotes: str) -> None:
        """Skip a triple-quoted string, which may hold up to two more quotes before its end."""
        self.pos += 3
        text = self.text
        while self.pos < len(text):
            if quotes == '"""' and text[self.pos] == "\\":
                self.pos += 2
            elif text.startswith(quotes, self.pos):
                self.pos += 3
                for _ in range(2):
                    if text.startswith(quotes[0], self.pos):
                        self.pos += 1
                return
            else:
                self.pos += 1
        raise _ScanError

    # -- positions -----------------------------------------------------------

    def _line(self) -> int:
        """The 1-based line of the current position."""
        return bisect.bisect_left(self._newlines, self.pos) + 1

    def _record(self, path: KeyPath, line: int) -> None:
        self.lines.setdefault(path, line)

    def _record_all(self, path: KeyPath, line: int, start: int = 0) -> None:
        """Record ``path`` and every ancestor below ``start`` that is not yet known."""
        for end in range(max(start, 0) + 1, len(path) + 1):
            self._record(path[:end], line)

    def _skip(self, *, newlines: bool = False) -> None:
        """Skip spaces, tabs and a comment; with ``newlines``, also blank and comment lines."""
        text = self.text
        blanks = " \t\r\n" if newlines else " \t"
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in blanks:
                self.pos += 1
            elif ch == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else (end + 1 if newlines else end)
            else:
                return

    def _skip_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end + 1

    def _expect(self, token: str) -> None:
        self._skip()
        if not self.text.startswith(token, self.pos):
            raise _ScanError
        self.pos += len(token)


def format_path(path: KeyPath) -> str:
    """``operations.login.steps[0].path`` for a key path; odd keys are quoted."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        if not _BARE.fullmatch(part):
            part = '"' + printable(part.replace("\\", "\\\\").replace('"', '\\"')) + '"'
        text += ("." if text else "") + part
    return text


def printable(text: str) -> str:
    """``text`` with control and line-breaking characters as ``\\uXXXX``, so a message stays one line."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
