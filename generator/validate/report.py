"""Collect problems, and word them: messages, hints, did-you-mean suggestions.

Every section check reports through :class:`Report`, so each problem names the
file, the line, the key path, what is wrong and how to fix it.  ``Report``
also remembers what the sections declared (setting names, field names ...)
even when a section has problems: later checks then neither repeat a mistake
nor report what follows from it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from ..errors import Problem
from ..lines import KeyPath, LineIndex, format_path, printable
from ..model import ERROR_KINDS, FIELD_TYPES
from ..targets import TARGETS
from .vocabulary import CREDENTIAL_KINDS, FIELD, OIDC_KEYS, SERVICE_KEYS, STEP_KEYS

#: Where keys that belong to one table only are written, for misplaced keys.
HOMES = {
    **{key: "[service]" for key in SERVICE_KEYS},
    **{key: "[service.oidc]" for key in OIDC_KEYS},
    **{key: "steps" for key in STEP_KEYS},
    **{key: "[mapping]" for key in ("active", "admin_roles", "staff_roles", "first_name", "last_name", "roles")},
    **{key: "[targets]" for key in ("enabled", *TARGETS)},
}

#: How to add a key a spec must have, by the key's name.
MISSING_HINTS = {
    "schema": "add schema = 1 at the top of the file",
    "service": "add a [service] table with name, slug and base_url",
    "operations": "add [[operations.login.steps]] and [[operations.get_user.steps]], "
    "or a [service.oidc] table to sign in through an OpenID provider",
    "user": "add a [user] table with the fields of the user record",
    "mapping": 'add a [mapping] table, at least id = "<field>" and username = "<field>"',
    "name": 'add name = "<the service\'s human name>"',
    "slug": 'add slug = "<short lowercase name>", e.g. "acme"',
    "base_url": 'add base_url = { env = "<SLUG>_BASE_URL", default = "https://..." }',
    "issuer": 'add issuer = { env = "<SLUG>_ISSUER", default = "https://..." }: the provider\'s issuer URL',
    "client_id": 'add client_id = { env = "<SLUG>_CLIENT_ID", required = true }',
    "env": 'add env = "<UPPER_SNAKE_CASE variable name>"',
    "username_env": 'add username_env = "<UPPER_SNAKE_CASE variable name>"',
    "password_env": 'add password_env = "<UPPER_SNAKE_CASE variable name>"',
    "steps": "add one or more [[operations.<name>.steps]] tables",
    "method": 'add method = "GET" (or POST, PUT, PATCH, DELETE)',
    "path": 'add path = "/..."',
    "type": f'add type = "string" (or {", ".join(FIELD_TYPES[1:])})',
    "from": 'add from = "/<JSON pointer into the user record>"',
    "status": "add status = <a 4xx or 5xx code>",
    "field": 'add field = "<an enum or string field>"',
    "equals": 'add equals = "<the value that means active>"',
    "username": 'add username = "<a [user] field>"',
    "id": 'add id = "<a [user] field>"',
    "password": 'add password = "..."',
}


class Table(dict):
    """A checked table: its allowed keys, and the allowed keys that were misspelt.

    What a misspelt key holds is unknown, so checks that depend on it are skipped.
    """

    def __init__(self, items: dict | None = None, misspelt: set[str] | None = None) -> None:
        super().__init__(items or {})
        self.misspelt = misspelt or set()


class Report:
    """The problems found so far, and what the sections declared."""

    def __init__(self, name: str, lines: LineIndex) -> None:
        self.name = name
        self.lines = lines
        self.problems: list[Problem] = []
        #: names a ``${service.x}`` / ``${config.x}`` may use; None when [service] is unreadable
        self.service_names: set[str] | None = None
        self.config_names: set[str] | None = None
        #: the kind of the service credentials; None when unknown
        self.credentials_kind: str | None = None
        #: every name written in [user], valid or not; None when [user] is unreadable
        self.field_names: set[str] | None = None

    def problem(self, path: KeyPath, message: str, hint: str = "") -> None:
        """Record a problem at ``path``; spec text quoted in the message or hint cannot break its line."""
        line = self.lines.line(path) or 1
        self.problems.append(Problem(self.name, line, format_path(path), printable(message), printable(hint)))

    def missing(self, path: KeyPath, key: str) -> None:
        if key == "kind":
            kinds = CREDENTIAL_KINDS[1:] if path[-1] == "credentials" else ERROR_KINDS
            hint = f'add kind = "{kinds[0]}" (or {", ".join(kinds[1:])})'
        else:
            hint = MISSING_HINTS.get(key, f"add {key} = ...")
        self.problem((*path, key), f"missing required key {key!r}", hint)

    def table(
        self, value: Any, path: KeyPath, allowed: tuple[str, ...], required: tuple[str, ...] = (), hint: str = ""
    ) -> Table:
        """Check that ``value`` is a table with only ``allowed`` keys and every ``required`` one.

        :returns: the allowed keys and their values; ``misspelt`` names the
            allowed keys that unknown keys look like typos of.
        """
        if not isinstance(value, dict):
            hint = hint or f"write it as a [{format_path(path)}] table, or inline as {{ key = value, ... }}"
            self.problem(path, f"expected a table, got {kind_of(value)}", hint)
            return Table()
        suggested = set()
        for key in value:
            if key in allowed:
                continue
            close = closest(key, allowed)
            if close:
                suggested.add(close)
            advice = (
                f"did you mean {close!r}?"
                if close
                else _elsewhere(key, path) or f"the keys here are {', '.join(allowed)}"
            )
            self.problem((*path, key), f"unknown key {key!r}", advice)
        for key in required:
            if key not in value and key not in suggested:
                self.missing(path, key)
        return Table({k: v for k, v in value.items() if k in allowed}, misspelt=suggested - set(value))

    def typed(self, value: Any, path: KeyPath, kind: type | tuple[type, ...], what: str, hint: str = "") -> Any:
        """Return ``value`` when it has the type ``kind``, else report it and return None."""
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool)):
            return value
        self.problem(path, f"expected {what}, got {kind_of(value)}", hint or _example(path, kinds))
        return None

    def suggest(self, name: str, known: Iterable[str], where: str) -> str:
        """A did-you-mean hint, else the names that exist, else where to define one."""
        known = sorted(known)
        close = closest(name, known)
        if close:
            return f"did you mean {close!r}?"
        return f"the names in {where} are {', '.join(known)}" if known else f"define it in {where}"


def closest(word: Any, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word``, if one is close enough to be a typo."""
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return close[0] if close else None


def did_you_mean(word: Any, choices: tuple[str, ...]) -> str:
    close = closest(word, choices)
    return f"did you mean {close!r}?" if close else f"use one of {', '.join(choices)}"


def listed(names: tuple[str, ...]) -> str:
    """``a``, ``a and b``, ``a, b and c``: names in a sentence."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def snake_case(name: str) -> str:
    """``first_name`` for ``firstName`` or ``First-Name``: a suggestion for a bad name."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    snake = re.sub(r"[^a-z0-9_]+", "_", snake).strip("_")
    return snake if FIELD.match(snake) else "snake_case"


def kind_of(value: Any) -> str:
    """How a TOML value is called in messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _elsewhere(key: str, path: KeyPath) -> str:
    """A hint for a key that belongs in another table, as when a header is missing."""
    home = HOMES.get(key)
    if home is None:
        return ""
    if home == "steps":
        home = f"[[{format_path(path)}.steps]]" if path[:1] == ("operations",) and len(path) == 2 else "a step"
    return f"{key!r} belongs in {home}; is its header missing?"


def _example(path: KeyPath, kinds: tuple[type, ...]) -> str:
    """A hint showing a value of the expected type for the last key of ``path``."""
    key = path[-1] if path and isinstance(path[-1], str) else "value"
    if bool in kinds:
        return f"write {key} = true or {key} = false, no quotes"
    if str in kinds:
        return f'write {key} = "...", in quotes'
    if dict in kinds:
        return f"write {key} as a table"
    return f"write {key} = 5, no quotes"
