"""The signed-in user, as {{ cookiecutter.service_name | pydoc }} describes it.

``current_user`` is an :class:`{{ cookiecutter.class_name }}User`: the canonical attributes every
integration has (id, username, email, names, roles, active) plus every field
of the service's user record, typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
{% if "_datetime" in cookiecutter.converters %}from datetime import datetime
{% endif %}from typing import Any{% if cookiecutter.enums %}, Literal{% endif %}

from flask_login import UserMixin

from .errors import ServiceUnavailable
{% for alias, definition in cookiecutter.enums %}
{{ alias }} = {{ definition }}
{%- endfor %}

#: Roles that make a user an administrator (``is_admin``).
ADMIN_ROLES = frozenset({{ cookiecutter.admin_roles | py }})
#: Roles that make a user staff (``is_staff``).
STAFF_ROLES = frozenset({{ cookiecutter.staff_roles | py }})


@dataclass(frozen=True, kw_only=True, eq=False)
class {{ cookiecutter.class_name }}User(UserMixin):
    """A user of {{ cookiecutter.service_name | pydoc }}."""
{% for attr in cookiecutter.attrs %}
    #: {{ attr.doc | pycomment }}
    {{ attr.name }}: {{ attr.annotation }}
{%- endfor %}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> {{ cookiecutter.class_name }}User:
        """Build the user from the service's user record.

        :raises ServiceUnavailable: when the record lacks a field or has the wrong type.
        """
        return cls(
{%- for attr in cookiecutter.attrs %}
            {{ attr.name }}={{ attr.read }},
{%- endfor %}
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> {{ cookiecutter.class_name }}User:
        """Rebuild the user cached in the session by :meth:`to_dict`."""
        return cls(
{%- for attr in cookiecutter.attrs %}
            {{ attr.name }}={{ attr.load }},
{%- endfor %}
        )

    def to_dict(self) -> dict[str, Any]:
        """The user as JSON-safe data: the session cache and the ``me`` route."""
        return {
{%- for attr in cookiecutter.attrs %}
            {{ attr.name | py }}: {{ attr.dump }},
{%- endfor %}
            "is_staff": self.is_staff,
            "is_admin": self.is_admin,
        }

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses to sign in users that are not active."""
        return self.active

    @property
    def is_admin(self) -> bool:
        return not ADMIN_ROLES.isdisjoint(self.roles)

    @property
    def is_staff(self) -> bool:
        return not STAFF_ROLES.isdisjoint(self.roles)

    def get_id(self) -> str:
        return self.id

    def has_roles(self, *roles: str) -> bool:
        """True when the user has every one of ``roles``."""
        return set(roles).issubset(self.roles)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, {{ cookiecutter.class_name }}User) and self.id == other.id

    def __hash__(self) -> int:
        return hash(self.id)


_MISSING = object()


def _read(record: object, pointer: str, convert: Callable[[object], Any], *, optional: bool = False) -> Any:
    """Read and convert the value at a JSON pointer (``*`` maps over an array)."""
    value = _resolve(record, pointer.split("/")[1:] if pointer else [])
    if value is _MISSING or value is None:
        if optional:
            return None
        raise ServiceUnavailable(f"the user record has no value at {pointer}")
    try:
        return convert(value)
    except (TypeError, ValueError) as err:
        raise ServiceUnavailable(f"the user record has a wrong value at {pointer}: {err}") from None


def _resolve(doc: object, tokens: list[str]) -> object:
    for i, token in enumerate(tokens):
        if token == "*":
            if not isinstance(doc, list):
                return _MISSING
            items = [_resolve(item, tokens[i + 1 :]) for item in doc]
            return _MISSING if _MISSING in items else items
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, dict) and token in doc:
            doc = doc[token]
        elif isinstance(doc, list) and token.isdigit() and int(token) < len(doc):
            doc = doc[int(token)]
        else:
            return _MISSING
    return doc


{% if "_str" in cookiecutter.converters %}
def _str(value: object) -> str:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"expected text, got {type(value).__name__}")

{% endif %}{% if "_int" in cookiecutter.converters %}
def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return int(value)

{% endif %}{% if "_float" in cookiecutter.converters %}
def _float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return float(value)

{% endif %}{% if "_bool" in cookiecutter.converters %}
def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {type(value).__name__}")
    return value

{% endif %}{% if "_str_tuple" in cookiecutter.converters %}
def _str_tuple(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"expected an array, got {type(value).__name__}")
    return tuple(_str(item) for item in value)

{% endif %}{% if "_enum" in cookiecutter.converters %}
def _enum(*values: str) -> Callable[[object], str]:
    def convert(value: object) -> str:
        text = _str(value)
        if text not in values:
            raise ValueError(f"{text!r} is not one of {', '.join(values)}")
        return text

    return convert

{% endif %}{% if "_datetime" in cookiecutter.converters %}
def _datetime(value: object) -> datetime:
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 8601 date-time, got {type(value).__name__}")
    return datetime.fromisoformat(value)
{% endif %}