"""Read the service's user record into typed values, one per column of :class:`.models.AcmeProfile`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from .errors import AcmeError, ServiceUnavailable


def read_record(record: dict[str, Any]) -> dict[str, Any]:
    """The profile's column values from a user record of Acme Identity.

    :raises ServiceUnavailable: when the record lacks a field or has the wrong type.
    """
    return {
        "service_id": _read(record, "id", "/id", _str),
        "username": _read(record, "email", "/email", _str),
        "email": _read(record, "email", "/email", _str),
        "first_name": _read(record, "given_name", "/profile/firstName", _str, optional=True),
        "last_name": _read(record, "family_name", "/profile/lastName", _str, optional=True),
        "roles": list(_read(record, "groups", "/groups/*/name", _str_tuple)),
        "active": _read(record, "status", "/status", _enum("ACTIVE", "LOCKED")) == "ACTIVE",
        "given_name": _read(record, "given_name", "/profile/firstName", _str, optional=True),
        "family_name": _read(record, "family_name", "/profile/lastName", _str, optional=True),
        "groups": list(_read(record, "groups", "/groups/*/name", _str_tuple)),
        "status": _read(record, "status", "/status", _enum("ACTIVE", "LOCKED")),
        "created": _read(record, "created", "/created", _datetime, optional=True),
    }


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

    One without an offset is taken as UTC, as Django stores it.
    """
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 8601 date-time, got {type(value).__name__}")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0)
