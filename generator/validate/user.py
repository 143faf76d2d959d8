"""Check ``[user]``: the fields of the user record, their types and where each is read from.

Every name written in ``[user]`` is remembered, valid or not, so a mapping to a
field that has a problem is not reported a second time.
"""

from __future__ import annotations

from typing import Any

from .. import expr
from ..lines import KeyPath
from ..model import FIELD_TYPES, Field
from .report import did_you_mean, kind_of, snake_case
from .values import ValueChecks
from .vocabulary import FIELD, RESERVED, RESERVED_FIELDS

_FIELD_KEYS = ("type", "from", "optional", "values", "description", "transform")
#: Canonical attributes computed from others: no spec field may take their names.
_COMPUTED = ("is_staff", "is_admin")


class UserChecks(ValueChecks):
    """The ``[user]`` table: one field per key."""

    def user(self, value: Any) -> tuple[Field, ...]:
        path = ("user",)
        if self.typed(value, path, dict, "a table of fields", "write [user] with id = { ... } lines") is None:
            return ()
        self.field_names = set(value)
        if not value:
            self.problem(path, "the user record has no fields", 'add at least id = { type = "string", from = "/id" }')
        fields = [self.field(name, item, (*path, name)) for name, item in value.items()]
        return tuple(f for f in fields if f is not None)

    def field(self, name: str, value: Any, path: KeyPath) -> Field | None:
        named = self.field_name(name, path)
        t = self.table(value, path, _FIELD_KEYS, ("type", "from"), 'write { type = "string", from = "/pointer" }')
        ftype = self.field_type(t["type"], (*path, "type")) if "type" in t else None
        pointer = self.pointer(t["from"], (*path, "from")) if "from" in t else None
        values = self.enum_values(t, path, ftype)
        optional = self.typed(t.get("optional", False), (*path, "optional"), bool, "true or false")
        self.typed(t.get("description", ""), (*path, "description"), str, "text")
        transform = self.field_transform(t["transform"], (*path, "transform"), ftype) if "transform" in t else None
        if pointer is not None and pointer.has_wildcard and ftype not in (None, "list<string>"):
            self.problem(
                (*path, "from"),
                f"a '*' pointer gives a list, but the field is of type {ftype}",
                'use type = "list<string>", or a pointer without *',
            )
            return None
        if pointer is not None and pointer.where is not None and pointer.tokens[-1] == pointer.where:
            self.problem(
                (*path, "from"),
                f"the filter {pointer.where} keeps whole objects, not text",
                f"point at a member of the elements it keeps, e.g. {str(pointer)!r} + '/name'",
            )
            return None
        if not named or ftype is None or pointer is None or values is None or transform is False:
            return None
        return Field(name, ftype, pointer, bool(optional), values, transform or None)

    def field_transform(self, value: Any, path: KeyPath, ftype: str | None) -> str | bool:
        """A value transform of a text field; False when it is wrong."""
        names = tuple(expr.VALUE_TRANSFORMS)
        if not isinstance(value, str):
            self.problem(path, f"expected a transform name, got {kind_of(value)}", f'e.g. transform = "{names[0]}"')
            return False
        if value not in expr.VALUE_TRANSFORMS:
            self.problem(path, f"unknown transform {value!r}", did_you_mean(value, names))
            return False
        if ftype not in (None, "string"):
            self.problem(
                path,
                f"transform {value!r} makes text, but the field is of type {ftype}",
                'use it on a type = "string" field',
            )
            return False
        return str(value)

    def field_name(self, name: str, path: KeyPath) -> bool:
        if not FIELD.match(name):
            self.problem(path, f"field name {name!r} is not snake_case", f"rename it, e.g. {snake_case(name)!r}")
        elif name in RESERVED:
            self.problem(
                path, f"field name {name!r} is a reserved word in a target language", f"rename it, e.g. 'user_{name}'"
            )
        elif name in RESERVED_FIELDS or name in _COMPUTED:
            self.problem(
                path, f"field name {name!r} is taken by the framework user objects", f"rename it, e.g. 'user_{name}'"
            )
        else:
            return True
        return False

    def field_type(self, value: Any, path: KeyPath) -> str | None:
        if value in FIELD_TYPES:
            return value
        self.problem(path, f"unknown type {value!r}", did_you_mean(value, FIELD_TYPES))
        return None

    def enum_values(self, t: dict, path: KeyPath, ftype: str | None) -> tuple[str, ...] | None:
        """An enum's values; () for other types; None when they are wrong."""
        vpath = (*path, "values")
        if ftype != "enum":
            if "values" in t and ftype is not None:
                self.problem(vpath, "'values' applies only to type \"enum\"", 'remove values, or set type = "enum"')
            return ()
        raw = t.get("values")
        example = 'e.g. values = ["ACTIVE", "LOCKED"]'
        if raw is None:
            self.problem(vpath, "an enum field needs values", f"add {example[5:]}")
        elif not isinstance(raw, list) or not raw or not all(isinstance(v, str) and v for v in raw):
            self.problem(vpath, "expected a non-empty array of text", example)
        elif len(set(raw)) != len(raw):
            twice = next(v for v in raw if raw.count(v) > 1)
            self.problem(vpath, f"{twice!r} is listed twice", "list each value once")
        else:
            return tuple(raw)
        return None
