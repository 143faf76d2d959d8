"""Read the service's user record into typed values, one per column of :class:`.models.{{ cookiecutter.class_name }}Profile`."""

from __future__ import annotations

from collections.abc import Callable
{% if "_datetime" in cookiecutter.converters %}from datetime import datetime, timezone
{% endif %}from typing import Any

from .errors import {{ [cookiecutter.class_name ~ "Error", "ServiceUnavailable"] | sort | join(", ") }}


def read_record(record: dict[str, Any]) -> dict[str, Any]:
    """The profile's column values from a user record of {{ cookiecutter.service_name | pydoc }}.

    :raises ServiceUnavailable: when the record lacks a field or has the wrong type.
    """
    return {
{%- for c in cookiecutter.django_columns if c.column %}
        {{ c.column | py }}: {{ c.read }},
{%- endfor %}
    }


{% include "readers.py" %}{% if cookiecutter.django_optional_lists %}
def _list_or_none(values: tuple[str, ...] | None) -> list[str] | None:
    """An optional list as its JSON column gives it back: a list, or None."""
    return None if values is None else list(values)

{% endif %}{% if "_datetime" in cookiecutter.converters %}
def _datetime(value: object) -> datetime:
    """An aware date-time in UTC, to the second: how every integration shows it (``2024-03-05T09:30:00+00:00``).

    One without an offset is taken as UTC, as Django stores it.
    """
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 8601 date-time, got {type(value).__name__}")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0)
{% endif %}
