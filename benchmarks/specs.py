"""Specs of a chosen size, built from the bundled Acme spec, for the scaling benchmark.

:func:`scaled_spec` keeps Acme's service, mapping and fields and adds user
fields (of every type, in turn) up to ``fields``, and turns each operation
into a chain of ``steps`` requests in which every step uses what the one
before it extracted, so the result still validates.  :func:`dumps_toml`
writes it back as TOML (the standard library reads TOML but does not write it).
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ACME_SPEC = ROOT / "examples" / "acme" / "identity.toml"

#: The types extra fields take, in turn, with the JSON pointer shape each reads.
_EXTRA_TYPES = ("string", "int", "float", "bool", "datetime", "enum", "list<string>", "email")

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def load_acme() -> dict[str, Any]:
    """The bundled Acme spec as data."""
    return tomllib.loads(ACME_SPEC.read_text(encoding="utf-8"))


def scaled_spec(fields: int, steps: int, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Acme spec with ``fields`` user fields in all and ``steps`` steps in each operation.

    :raises ValueError: when ``fields`` is below the base spec's own field count or ``steps`` < 1.
    """
    spec = copy.deepcopy(base if base is not None else load_acme())
    user = spec["user"]
    if fields < len(user):
        raise ValueError(f"the base spec has {len(user)} fields already; ask for at least that many")
    if steps < 1:
        raise ValueError("an operation has at least one step")
    for index in range(fields - len(user)):
        name = f"attr_{index + 1:04d}"
        user[name] = _extra_field(name, index)
    for name, operation in spec["operations"].items():
        operation["steps"] = _chain(name, operation["steps"], steps)
    return spec


def _extra_field(name: str, index: int) -> dict[str, Any]:
    kind = _EXTRA_TYPES[index % len(_EXTRA_TYPES)]
    field: dict[str, Any] = {"type": kind, "from": f"/attributes/{name}"}
    if kind == "enum":
        field["values"] = ["LOW", "MEDIUM", "HIGH"]
    if index % 3 == 0:
        field["optional"] = True
    field["description"] = f"Extra attribute {index + 1} ({kind})"
    return field


def _chain(operation: str, original: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """``count`` steps doing ``original``'s work: hops before the last step, each using the previous one's value.

    The first step keeps what the original first step sends (its inputs); the
    last keeps what the original last step extracts (the session, the user record).
    """
    if count == 1:
        return copy.deepcopy(original)
    return _chain_many(operation, original, count)


def _chain_many(operation: str, original: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    first, last = copy.deepcopy(original[0]), copy.deepcopy(original[-1])
    final_extract = last.get("extract")
    auth = _session_auth(original) if operation == "get_user" else None
    steps = []
    for number in range(1, count + 1):
        if number == 1:
            step = first if operation != "get_user" else _hop(operation, number, auth)
        elif number == count and operation == "get_user":
            step = last
        else:
            step = _hop(operation, number, auth)
        if number > 1:
            ref = f"${{steps.{number - 1}.hop}}"
            if step is last:
                step.setdefault("query", {})["hop"] = ref
            else:
                step["path"] = f"/v1/hops/{operation}/{number}/${{steps.{number - 1}.hop}}"
        step.pop("extract", None)
        if number < count:
            step["extract"] = {"hop": "/hop"}
        elif final_extract:
            step["extract"] = final_extract
        steps.append(step)
    return steps


def _hop(operation: str, number: int, auth: Any) -> dict[str, Any]:
    step: dict[str, Any] = {"method": "GET", "path": f"/v1/hops/{operation}/{number}"}
    if operation == "get_user":
        step["auth"] = copy.deepcopy(auth)
    elif operation in ("register", "forgot_password"):
        step["auth"] = "service"
    step["errors"] = {"404": "user_not_found"} if operation == "get_user" else {"429": "service_unavailable"}
    return step


def _session_auth(original: list[dict[str, Any]]) -> Any:
    for step in original:
        if "auth" in step:
            return step["auth"]
    return "none"


# -- TOML ----------------------------------------------------------------------


def dumps_toml(data: dict[str, Any]) -> str:
    """TOML for ``data``: top-level values, then one ``[table]`` per top-level table, inline below that.

    Enough for specs: text, integers, floats, booleans, arrays and tables.
    """
    lines = []
    for key, value in data.items():
        if not isinstance(value, dict):
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append("")
            lines.append(f"[{_key(key)}]")
            lines.extend(f"{_key(k)} = {_value(v)}" for k, v in value.items())
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def write_spec(path: Path, fields: int, steps: int) -> Path:
    """Write the scaled spec to ``path``; return it."""
    path.write_text(dumps_toml(scaled_spec(fields, steps)), encoding="utf-8")
    return path
