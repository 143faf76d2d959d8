"""The signed-in user, as Acme Identity describes it.

The ``current_user`` dependency gives an :class:`AcmeUser`: the canonical attributes every
integration has (id, username, email, names, roles, active) plus every field
of the service's user record, typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from .errors import AcmeError, ServiceUnavailable

Status = Literal["ACTIVE", "LOCKED"]

#: Roles that make a user an administrator (``is_admin``).
ADMIN_ROLES = frozenset(["admins"])
#: Roles that make a user staff (``is_staff``).
STAFF_ROLES = frozenset(["staff"])


@dataclass(frozen=True, kw_only=True, eq=False)
class AcmeUser:
    """A user of Acme Identity."""

    #: The service's id for the user. From field id.
    id: str
    #: What the user signs in with. From field email.
    username: str
    #: The user's email address. From field email.
    email: str
    #: Given name. From field given_name.
    first_name: str | None
    #: Family name. From field family_name.
    last_name: str | None
    #: Role names, used by roles_required.
    roles: tuple[str, ...]
    #: False when the service has disabled the account.
    active: bool
    #: From /profile/firstName.
    given_name: str | None
    #: From /profile/lastName.
    family_name: str | None
    #: From /groups/*/name.
    groups: tuple[str, ...]
    #: From /status.
    status: Status
    #: From /created.
    created: datetime | None

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> AcmeUser:
        """Build the user from the service's user record.

        :raises ServiceUnavailable: when the record lacks a field or has the wrong type.
        """
        return cls(
            id=_read(record, "id", "/id", _str),
            username=_read(record, "email", "/email", _str),
            email=_read(record, "email", "/email", _str),
            first_name=_read(record, "given_name", "/profile/firstName", _str, optional=True),
            last_name=_read(record, "family_name", "/profile/lastName", _str, optional=True),
            roles=_read(record, "groups", "/groups/*/name", _str_tuple),
            active=_read(record, "status", "/status", _enum("ACTIVE", "LOCKED")) == "ACTIVE",
            given_name=_read(record, "given_name", "/profile/firstName", _str, optional=True),
            family_name=_read(record, "family_name", "/profile/lastName", _str, optional=True),
            groups=_read(record, "groups", "/groups/*/name", _str_tuple),
            status=_read(record, "status", "/status", _enum("ACTIVE", "LOCKED")),
            created=_read(record, "created", "/created", _datetime, optional=True),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AcmeUser:
        """Rebuild the user cached in the session by :meth:`to_cache` (or :meth:`to_dict`: extra keys are ignored)."""
        return cls(
            id=data["id"],
            username=data["username"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            roles=tuple(data["roles"]),
            active=data["active"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            groups=tuple(data["groups"]),
            status=data["status"],
            created=_datetime(data["created"]) if data["created"] else None,
        )

    def to_cache(self) -> dict[str, Any]:
        """The user's fields as JSON-safe data, for the session cache: what :meth:`from_dict` reads.

        Nothing derived (``is_staff``, ``is_admin``): they follow from the roles.
        """
        return {
            "id": self.id,
            "username": self.username,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "roles": list(self.roles),
            "active": self.active,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "groups": list(self.groups),
            "status": self.status,
            "created": self.created.isoformat() if self.created else None,
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
        return isinstance(other, AcmeUser) and self.id == other.id

    def __hash__(self) -> int:
        return hash(self.id)


_MISSING = object()


def _read(record: object, field: str, pointer: str, convert: Callable[[object], Any], *, optional: bool = False) -> Any:
    """Read and convert the value of a field at its JSON pointer (``*`` maps over an array).

    A required field that is missing or null is the service answering
    something unexpected (``failed``, 502), named in the log by field.
    """
    value = _resolve(record, pointer.split("/")[1:] if pointer else [])
    if value is _MISSING or value is None:
        if optional:
            return None
        raise AcmeError(f"get_user: field {field!r} ({pointer or '/'}) is missing or null")
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


def _str(value: object) -> str:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"expected text, got {type(value).__name__}")


def _str_tuple(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"expected an array, got {type(value).__name__}")
    return tuple(_str(item) for item in value)


def _enum(*values: str) -> Callable[[object], str]:
    def convert(value: object) -> str:
        text = _str(value)
        if text not in values:
            raise ValueError(f"{text!r} is not one of {', '.join(values)}")
        return text

    return convert


def _datetime(value: object) -> datetime:
    """An aware date-time in UTC, to the second: how every integration shows it (``2024-03-05T09:30:00+00:00``).

    One without an offset is taken as UTC.
    """
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 8601 date-time, got {type(value).__name__}")
    moment = datetime.fromisoformat(value)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)
