"""The signed-in user, as {{ cookiecutter.service_name | pydoc }} describes it.

The ``current_user`` dependency gives an :class:`{{ cookiecutter.class_name }}User`: the canonical attributes every
integration has (id, username, email, names, roles, active) plus every field
of the service's user record, typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
{% if "_datetime" in cookiecutter.converters %}from datetime import UTC, datetime
{% endif %}from typing import Any{% if cookiecutter.enums %}, Literal{% endif %}

from .errors import {{ [cookiecutter.class_name ~ "Error", "ServiceUnavailable"] | sort | join(", ") }}
{% for alias, definition in cookiecutter.enums %}
{{ alias }} = {{ definition }}
{%- endfor %}

#: Roles that make a user an administrator (``is_admin``).
ADMIN_ROLES{% if not cookiecutter.admin_roles %}: frozenset[str]{% endif %} = frozenset({{ cookiecutter.admin_roles | py }})
#: Roles that make a user staff (``is_staff``).
STAFF_ROLES{% if not cookiecutter.staff_roles %}: frozenset[str]{% endif %} = frozenset({{ cookiecutter.staff_roles | py }})


@dataclass(frozen=True, kw_only=True, eq=False)
class {{ cookiecutter.class_name }}User:
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
        """Rebuild the user cached in the session by :meth:`to_cache` (or :meth:`to_dict`: extra keys are ignored)."""
        return cls(
{%- for attr in cookiecutter.attrs %}
            {{ attr.name }}={{ attr.load }},
{%- endfor %}
        )

    def to_cache(self) -> dict[str, Any]:
        """The user's fields as JSON-safe data, for the session cache: what :meth:`from_dict` reads.

        Nothing derived (``is_staff``, ``is_admin``): they follow from the roles.
        """
        return {
{%- for attr in cookiecutter.attrs %}
            {{ attr.name | py }}: {{ attr.dump }},
{%- endfor %}
        }

    def to_dict(self) -> dict[str, Any]:
        """The user as JSON-safe data for the ``me`` route: the fields, ``is_staff`` and ``is_admin``."""
        return {**self.to_cache(), "is_staff": self.is_staff, "is_admin": self.is_admin}

    @property
    def is_admin(self) -> bool:
        return not ADMIN_ROLES.isdisjoint(self.roles)

    @property
    def is_staff(self) -> bool:
        return not STAFF_ROLES.isdisjoint(self.roles)

    def has_roles(self, *roles: str) -> bool:
        """True when the user has every one of ``roles``."""
        return set(roles).issubset(self.roles)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, {{ cookiecutter.class_name }}User) and self.id == other.id

    def __hash__(self) -> int:
        return hash(self.id)


{% include "readers.py" %}{% if "_datetime" in cookiecutter.converters %}
def _datetime(value: object) -> datetime:
    """An aware date-time in UTC, to the second: how every integration shows it (``2024-03-05T09:30:00+00:00``).

    One without an offset is taken as UTC.
    """
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 8601 date-time, got {type(value).__name__}")
    moment = datetime.fromisoformat(value)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)
{% endif %}