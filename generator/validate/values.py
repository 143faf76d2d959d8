"""Checks of single values that several sections read: HTTP header names and JSON pointers."""

from __future__ import annotations

import re
from typing import Any

from .. import expr
from ..lines import KeyPath
from .report import Report

_HEADER = re.compile(r"[A-Za-z0-9-]+\Z")


class ValueChecks(Report):
    """Header names (credentials, step headers) and JSON pointers (fields, error matches, extracts)."""

    def header_name(self, value: Any, path: KeyPath) -> str | None:
        name = self.typed(value, path, str, "an HTTP header name", 'e.g. "Authorization"')
        if name is not None and not _HEADER.match(name):
            self.problem(path, f"{name!r} is not an HTTP header name", "use letters, digits and -, e.g. X-Api-Key")
            return None
        return name

    def pointer(self, value: Any, path: KeyPath) -> expr.Pointer | None:
        if self.typed(value, path, str, "a JSON pointer", 'e.g. "/user/id", or "" for the whole body') is None:
            return None
        try:
            return expr.parse_pointer(value)
        except expr.ExprError as err:
            self.problem(path, str(err), err.hint)
            return None
