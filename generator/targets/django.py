"""What only the Django target needs: the columns of its profile model.

Flask keeps the user in the session; Django stores a profile row beside its
own ``User``, so each user attribute needs a typed model field, a column name
Django allows, and the expressions that fill it and read it back for ``me``.
The Python syntax comes from :mod:`generator.lang.python`; the attributes
themselves from the Python emitter, as Flask's user class has them.
"""

from __future__ import annotations

import keyword
from typing import Any

from ..emit.python import Attribute, attributes
from ..lang.python import fresh_name, string
from ..model import Spec


def context(spec: Spec) -> dict[str, Any]:
    """The Django part of the template context."""
    return {"django_columns": django_columns(spec)}


#: Names a column of the Django profile model cannot take: attributes of every
#: Django model, and the profile's own fields, properties and methods.
DJANGO_RESERVED = frozenset(
    {
        "DoesNotExist",
        "MultipleObjectsReturned",
        "adelete",
        "arefresh_from_db",
        "asave",
        "check",
        "clean",
        "clean_fields",
        "date_error_message",
        "delete",
        "from_db",
        "full_clean",
        "get_constraints",
        "get_deferred_fields",
        "has_roles",
        "id",
        "is_admin",
        "is_staff",
        "objects",
        "pk",
        "prepare_database_save",
        "refresh_from_db",
        "refreshed_at",
        "save",
        "save_base",
        "serializable_value",
        "service_id",
        "to_dict",
        "unique_error_message",
        "user",
        "user_id",
        "validate_constraints",
        "validate_unique",
    }
)


def django_field(ftype: str, optional: bool, values: tuple[str, ...] = ()) -> str:
    """The Django model field declaration (``models.TextField()`` ...) for a field type."""
    null = "blank=True, null=True"
    if ftype == "enum":
        choices = "[" + ", ".join(f"({string(v)}, {string(v)})" for v in values) + "]"
        size = max((len(v) for v in values), default=1)
        return f"models.CharField(max_length={size}, choices={choices}{', ' + null if optional else ''})"
    if ftype == "list<string>":
        return f"models.JSONField({null})" if optional else "models.JSONField(default=list)"
    base = {
        "string": "models.TextField(",
        "email": "models.EmailField(max_length=254",
        "int": "models.BigIntegerField(",
        "float": "models.FloatField(",
        "bool": "models.BooleanField(",
        "datetime": "models.DateTimeField(",
    }[ftype]
    if optional:
        base += (", " if not base.endswith("(") else "") + null
    return base + ")"


def django_columns(spec: Spec) -> list[dict]:
    """The columns of the Django target's profile model: one per user attribute.

    Each attribute of :func:`attributes` (the canonical ones, then the other
    spec fields) becomes a typed model field, named like the attribute except
    that the service's id is ``service_id`` and names Django models reserve
    get a ``_value`` suffix.  Each entry has ``name`` (the attribute, the key
    in ``me``), ``canonical`` (one of the canonical attributes), ``column``
    (the model field, None when the service does not provide the attribute),
    ``field`` (its declaration), ``read`` (the value out of ``record``, as
    the generated reader computes it) and ``json`` (the value for ``me``, out
    of ``self``).
    """
    mapping = spec.mapping
    fields = {f.name: f for f in spec.user}
    taken: set[str] = set()
    out = []
    for attr in attributes(spec):
        canonical = attr.name in ("id", "username", "email", "first_name", "last_name", "roles", "active")
        source = fields.get(getattr(mapping, attr.name)) if canonical and attr.name not in ("roles", "active") else None
        if attr.read == "None":
            out.append(
                {
                    "name": attr.name,
                    "canonical": canonical,
                    "column": None,
                    "field": None,
                    "read": "None",
                    "json": "None",
                }
            )
            continue
        read = attr.read
        if attr.name == "id":
            column, declaration = "service_id", "models.CharField(max_length=255, unique=True)"
        elif canonical and attr.name == "roles":
            column, declaration, read = "roles", "models.JSONField(default=list)", f"list({attr.read})"
        elif canonical and attr.name == "active":
            column, declaration = "active", "models.BooleanField(default=True)"
        else:
            field = source if canonical else fields[attr.name]
            column = _django_column(attr.name, taken)
            declaration = django_field(field.type, field.optional, field.values)
            if field.type == "list<string>" and not field.optional:
                read = f"list({attr.read})"
        taken.add(column)
        out.append(
            {
                "name": attr.name,
                "canonical": canonical,
                "column": column,
                "field": declaration,
                "read": read,
                "json": _django_json(column, attr),
            }
        )
    return out


def _django_column(name: str, taken: set[str]) -> str:
    """A model field name for an attribute: the name itself unless Django or the profile reserves it."""
    column = name
    if column in DJANGO_RESERVED or keyword.iskeyword(column) or column.endswith("_") or "__" in column:
        column = column.rstrip("_").replace("__", "_") + "_value"
    return fresh_name(column, set(taken))


def _django_json(column: str, attr: Attribute) -> str:
    """The JSON value of a column for ``me``: date-times as ISO 8601 text, lists as lists."""
    value = f"self.{column}"
    optional = attr.annotation.endswith("| None")
    if attr.annotation.startswith("datetime"):
        return f"{value}.isoformat() if {value} else None" if optional else f"{value}.isoformat()"
    if attr.annotation.startswith("tuple"):
        return f"list({value}) if {value} is not None else None" if optional else f"list({value})"
    return value
