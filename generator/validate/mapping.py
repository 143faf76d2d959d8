"""Check ``[mapping]``: which ``[user]`` field holds each canonical attribute of a user.

The canonical attributes (id, username, email, names, roles, active) are what
every target's user object offers, whatever the service calls them.
"""

from __future__ import annotations

from typing import Any

from ..model import ActiveRule, Field, Mapping
from .report import Report, Table, did_you_mean, kind_of

_MAPPED = ("id", "username", "email", "first_name", "last_name", "roles")
_MAPPING_KEYS = (*_MAPPED, "active", "admin_roles", "staff_roles")
#: Field types each mapped attribute accepts.
_MAPPED_TYPES = {
    "id": ("string", "int"),
    "username": ("string", "email"),
    "email": ("email", "string"),
    "first_name": ("string",),
    "last_name": ("string",),
    "roles": ("list<string>",),
}


class MappingChecks(Report):
    """The ``[mapping]`` table, checked against the fields ``[user]`` built."""

    def mapping(self, value: Any, fields: tuple[Field, ...]) -> Mapping | None:
        path = ("mapping",)
        t = self.table(value, path, _MAPPING_KEYS, ("id", "username"))
        by_name = {f.name: f for f in fields}
        names = {key: self.mapped_field(key, t[key], by_name) for key in _MAPPED if key in t}
        active = self.active(t["active"], by_name) if "active" in t else ActiveRule()
        admin_roles = self.role_names(t, "admin_roles")
        staff_roles = self.role_names(t, "staff_roles")
        self.check_shadowing(fields, t, names, active)
        if names.get("id") is None or names.get("username") is None:
            return None
        return Mapping(
            names["id"],  # type: ignore[arg-type]
            names["username"],  # type: ignore[arg-type]
            names.get("email"),
            names.get("first_name"),
            names.get("last_name"),
            names.get("roles"),
            active,
            admin_roles,
            staff_roles,
        )

    def mapped_field(self, key: str, target: Any, by_name: dict[str, Field]) -> str | None:
        path = ("mapping", key)
        wanted = _MAPPED_TYPES[key]
        if not isinstance(target, str):
            self.problem(path, f"expected the name of a [user] field, got {kind_of(target)}", f'e.g. {key} = "{key}"')
            return None
        if target not in by_name:
            if self.field_names is not None and target not in self.field_names:
                hint = self.suggest(target, self.field_names, "[user]")
                self.problem(path, f"{key} maps to {target!r}, which is not a [user] field", hint)
            return None
        fld = by_name[target]
        if fld.type not in wanted:
            fitting = [f.name for f in by_name.values() if f.type in wanted]
            example = f", e.g. {fitting[0]!r}" if fitting else ""
            kinds = " or ".join(wanted)
            self.problem(
                path,
                f"{key} maps to {target!r}, a field of type {fld.type}",
                f"map {key} to a field of type {kinds}{example}",
            )
            return None
        if key in ("id", "username") and fld.optional:
            self.problem(path, f"{key} maps to {target!r}, which is optional", f"the {key} must always be present")
            return None
        return target

    def active(self, value: Any, by_name: dict[str, Field]) -> ActiveRule:
        path = ("mapping", "active")
        hint = 'use a bool field, or { field = "status", equals = "ACTIVE" }'
        if isinstance(value, str):
            return self.active_field(value, by_name, hint)
        t = self.table(value, path, ("field", "equals"), ("field", "equals"), hint)
        if "field" not in t or "equals" not in t:
            return ActiveRule()
        fname, equals = t["field"], t["equals"]
        if not isinstance(fname, str):
            self.problem((*path, "field"), f"expected the name of a [user] field, got {kind_of(fname)}", hint)
            return ActiveRule()
        if fname not in by_name:
            if self.field_names is not None and fname not in self.field_names:
                self.problem(
                    (*path, "field"),
                    f"{fname!r} is not a [user] field",
                    self.suggest(fname, self.field_names, "[user]"),
                )
            return ActiveRule()
        fld = by_name[fname]
        if fld.type not in ("enum", "string"):
            self.problem(
                (*path, "field"),
                f"{fname!r} is of type {fld.type}",
                f'compare an enum or string field, or write active = "{fname}" for a bool field'
                if fld.type == "bool"
                else "compare an enum or string field",
            )
        elif not isinstance(equals, str):
            self.problem((*path, "equals"), f"expected text, got {kind_of(equals)}", 'e.g. equals = "ACTIVE"')
        elif fld.type == "enum" and equals not in fld.values:
            self.problem(
                (*path, "equals"),
                f"{equals!r} is not one of the values of {fname!r}",
                did_you_mean(equals, fld.values),
            )
        return ActiveRule(fname, equals)

    def active_field(self, value: str, by_name: dict[str, Field], hint: str) -> ActiveRule:
        path = ("mapping", "active")
        if value not in by_name:
            if self.field_names is not None and value not in self.field_names:
                self.problem(
                    path,
                    f"active maps to {value!r}, which is not a [user] field",
                    self.suggest(value, self.field_names, "[user]"),
                )
            return ActiveRule()
        if by_name[value].type != "bool":
            self.problem(path, f"active maps to {value!r}, a field of type {by_name[value].type}", hint)
            return ActiveRule()
        return ActiveRule(value)

    def role_names(self, t: Table, key: str) -> tuple[str, ...]:
        path = ("mapping", key)
        raw = t.get(key, [])
        if not isinstance(raw, list) or not all(isinstance(r, str) and r for r in raw):
            self.problem(path, f"expected an array of role names, got {kind_of(raw)}", f'e.g. {key} = ["admins"]')
            return ()
        if raw and "roles" not in t and "roles" not in t.misspelt:
            self.problem(path, f"{key} needs roles to be mapped", 'add roles = "<a list<string> field>"')
        return tuple(raw)

    def check_shadowing(self, fields: tuple[Field, ...], t: Table, names: dict, active: ActiveRule) -> None:
        """A spec field may not take the name of a canonical attribute that holds something else."""
        for f in fields:
            if f.name not in t and (f.name in ("id", "username") or f.name in t.misspelt):
                continue  # reported as missing or misspelt in [mapping]
            if f.name in _MAPPED and f.name not in t:
                self.problem(
                    ("user", f.name),
                    f"field {f.name!r} would hide the canonical {f.name!r}",
                    f'map it: {f.name} = "{f.name}" in [mapping], or rename the field',
                )
            elif f.name in _MAPPED and names.get(f.name) not in (None, f.name):
                self.problem(
                    ("user", f.name),
                    f"field {f.name!r} would hide the canonical {f.name!r}",
                    f'rename the field, or map {f.name} = "{f.name}"',
                )
            elif f.name == "active" and active.field != "active":
                self.problem(
                    ("user", f.name),
                    "field 'active' would hide the canonical 'active'",
                    'rename the field, or map active = "active"',
                )
