"""What only the Django target needs: the columns of its profile model, and the errors its modules name.

Flask keeps the user in the session; Django stores a profile row beside its
own ``User``, so each user attribute needs a typed model field, a column name
Django allows, and the expressions that fill it and read it back for ``me``.
The Python syntax comes from :mod:`generator.lang.python`; the attributes
themselves from the Python emitter, as Flask's user class has them.

The session lifecycle (refresh, logout, change_password) decides which
errors each module catches, so that no ``except`` waits for an error the
spec's rules never raise and no import goes unused.
"""

from __future__ import annotations

import keyword
from typing import Any

from ..emit.python import Attribute, attributes
from ..lang.names import fresh
from ..lang.python import string
from ..model import Spec
from ..plan.errors import ERROR_CLASSES


def context(spec: Spec) -> dict[str, Any]:
    """The Django part of the template context."""
    return {
        "django_columns": django_columns(spec),
        "django_optional_lists": any(f.type == "list<string>" and f.optional for f in spec.user),
        "django_ended": {op: ended_errors(spec, op) for op in ("get_user", "logout", "change_password")},
        "django_session_errors": session_errors(spec),
        "django_view_errors": view_errors(spec),
        "django_counted_errors": counted_errors(spec),
        "django_pages": pages(spec),
        "django_form_views": any(spec.has(op) for name, op in PAGES if op is not None),
        "django_form_classes": form_classes(spec),
    }


#: The form of each page, by the operation it needs.
FORMS = (
    ("ForgotPasswordForm", "forgot_password"),
    ("RegisterForm", "register"),
    ("ResetPasswordForm", "reset_password"),
    ("VerifyEmailForm", "verify_email"),
    ("ChangePasswordForm", "change_password"),
)


def form_classes(spec: Spec) -> list[str]:
    """The form classes :mod:`views` imports, in the order ruff sorts them."""
    return sorted(["LoginForm", *(name for name, op in FORMS if spec.has(op))])


#: The integration's routes with a page, by URL name, and the operation each needs (None: always there).
PAGES = (
    ("login", None),
    ("logout", None),
    ("register", "register"),
    ("forgot", "forgot_password"),
    ("reset", "reset_password"),
    ("verify", "verify_email"),
    ("password", "change_password"),
)


def pages(spec: Spec) -> list[str]:
    """The URL names of the integration's routes that the pages link to, for the spec's operations."""
    return [name for name, operation in PAGES if operation is None or spec.has(operation)]


#: The error kinds that say a request's tokens have ended, so that new ones are worth asking for.
ENDED_KINDS = ("expired", "invalid_credentials")
#: The error kinds of ``change_password`` that say the tokens have ended (its ``invalid_credentials`` is the
#: current password).
CHANGE_PASSWORD_ENDED_KINDS = ("expired",)
#: The refusals of a sign-in that the sign-in throttle counts (a service that is down counts for nothing).
COUNTED_KINDS = ("invalid_credentials", "account_disabled", "unverified")


def _kinds(spec: Spec, operation: str) -> set[str]:
    """The error kinds an operation's rules map responses to."""
    if not spec.has(operation):
        return set()
    return {rule.kind for step in spec.operations[operation].steps for rule in step.errors}


def _except(kinds: set[str]) -> str:
    """An ``except`` clause's expression for the error classes of ``kinds`` ("" for none)."""
    names = sorted(ERROR_CLASSES[kind] for kind in kinds)
    return names[0] if len(names) == 1 else "(" + ", ".join(names) + ")" if names else ""


def ended_errors(spec: Spec, operation: str) -> str:
    """The errors of ``operation`` after which the integration renews the tokens and tries once more ("" for none).

    Only with a ``refresh`` operation, and only those kinds the operation's
    rules can raise, so that no ``except`` waits for an error that never comes.
    """
    if not spec.has("refresh"):
        return ""
    wanted = CHANGE_PASSWORD_ENDED_KINDS if operation == "change_password" else ENDED_KINDS
    return _except(_kinds(spec, operation) & set(wanted))


def _names(spec: Spec, kinds: set[str], *extra: str) -> list[str]:
    """The error classes of ``kinds`` and ``extra``, in the order ruff sorts an import."""
    return sorted({ERROR_CLASSES[kind] for kind in kinds} | set(extra))


def session_errors(spec: Spec) -> list[str]:
    """The error classes :mod:`session` names."""
    kinds = set()
    for operation in ("get_user", "logout"):
        if ended_errors(spec, operation):
            kinds |= _kinds(spec, operation) & set(ENDED_KINDS)
    if ended_errors(spec, "change_password"):
        kinds.add("expired")
    base = ("account_disabled", "service_unavailable", "user_not_found")
    return _names(spec, kinds | set(base), f"{spec.service.class_name}Error")


def counted_errors(spec: Spec) -> list[str]:
    """The error classes of the sign-in refusals the throttle counts: those login's rules have, and the two
    the backend raises itself."""
    kinds = (_kinds(spec, "login") & set(COUNTED_KINDS)) | {"invalid_credentials", "account_disabled"}
    return [ERROR_CLASSES[kind] for kind in COUNTED_KINDS if kind in kinds]


def view_errors(spec: Spec) -> list[str]:
    """The error classes :mod:`views` names."""
    kinds = {ERROR_KIND[name] for name in counted_errors(spec)}
    if spec.has("forgot_password"):
        kinds.add("user_not_found")
    return _names(spec, kinds, f"{spec.service.class_name}Error")


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


#: The error kind of each generated error class.
ERROR_KIND = {name: kind for kind, name in ERROR_CLASSES.items()}


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
            if field.type == "list<string>":  # a JSON column gives lists back, so compare lists
                read = f"_list_or_none({attr.read})" if field.optional else f"list({attr.read})"
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
    # numbered like Python names (``name_2``); a soft keyword (``type``, ``match``) is a fine model field
    return fresh(column, set(taken), separator="_")


def _django_json(column: str, attr: Attribute) -> str:
    """The JSON value of a column for ``me``: date-times as ISO 8601 text, lists as lists."""
    value = f"self.{column}"
    optional = attr.annotation.endswith("| None")
    if attr.annotation.startswith("datetime"):
        return f"{value}.isoformat() if {value} else None" if optional else f"{value}.isoformat()"
    if attr.annotation.startswith("tuple"):
        return f"list({value}) if {value} is not None else None" if optional else f"list({value})"
    return value
