"""Fixture users and test settings, derived from the spec alone.

Everything here is deterministic (no randomness, no clock): the same spec
always yields the same users, so generated packages can embed them in their
smoke tests and the committed output stays stable.

A user is a plain dict, the shape the templates and ``/__fake__/users`` share:
``key``, ``username``, ``password``, ``fields`` (every ``[user]`` field by name,
as JSON), ``record`` (the JSON the service answers with) and ``expected``
(the canonical user a correct integration builds from that record).
"""

from __future__ import annotations

from dataclasses import dataclass

try:
    from .. import expr  # inside authgen: generator/fake/
except (ImportError, ValueError):
    from . import expr  # copied into a generated package as fake/

#: The people behind the fixture users: key -> (first name, last name, password).
#: One password holds characters that break careless form, URL and basic-auth encoding.
PEOPLE = {
    "admin": ("Ada", "Lovelace", "admin-pass-1"),
    "user": ("Alan", "Jørgensen", "user pass+2&:%"),
    "disabled": ("Dana", "Scully", "disabled-pass-3"),
    "staff": ("Grace", "Hopper", "staff-pass-4"),
    "unverified": ("Rosalind", "Franklin", "unverified-pass-5"),
}

#: Names given to a registered user the register request says nothing about.
NEW_PERSON = ("New", "User")

#: The role every user who is not an admin has.
PLAIN_ROLE = "users"

#: The admin's role when the spec names no admin role.
FALLBACK_ADMIN_ROLE = "admins"

#: Credential setting names per kind of [service] credentials.
CREDENTIAL_SETTINGS = {
    "none": (),
    "bearer": ("api_key",),
    "header": ("api_key",),
    "basic": ("api_username", "api_password"),
}

#: The settings of ``[service.oidc]`` a test gives values to (the issuer is the fake's own URL).
OIDC_SETTINGS = ("client_id", "client_secret")

#: Canonical names a field can be mapped to, lowest priority first: when one
#: field is mapped twice (``username = "email"``, ``email = "email"``) the later wins.
_ROLE_ORDER = ("active", "roles", "last_name", "first_name", "id", "email", "username")

#: Canonical names an input of register or forgot_password can name directly.
_INPUT_NAMES = ("id", "username", "email", "first_name", "last_name")


@dataclass(frozen=True)
class _Person:
    """Who a user is, before the spec decides how their record looks."""

    key: str
    number: int
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    active: bool

    @property
    def email(self) -> str:
        return f"{self.key}@example.com"


def test_settings(spec: dict) -> dict[str, str]:
    """The settings a test configures the integration with: ``test-<name>`` for each.

    Covers the credential settings (``api_key``, or ``api_username`` and
    ``api_password``) and every key of ``[service.config]``; not ``base_url``,
    which is the fake's own URL.  With ``[service.oidc]``: ``client_id`` and
    ``client_secret`` (when the spec has one); not ``issuer``, the fake's URL.
    """
    service = spec["service"]
    kind = service.get("credentials", {}).get("kind", "none")
    oidc = [name for name in OIDC_SETTINGS if name in service.get("oidc", {})]
    names = (*CREDENTIAL_SETTINGS[kind], *oidc, *service.get("config", {}))
    return {name: "test-" + name.replace("_", "-") for name in names}


test_settings.__test__ = False  # type: ignore[attr-defined]  # not a test, though pytest would collect it as one


def fixture_users(spec: dict) -> list[dict]:
    """The fixture users: an admin, a plain user, a disabled user, staff when the spec has staff
    roles, and a user whose email address is not verified yet when the spec has verify_email."""
    mapping = spec["mapping"]
    keys = ["admin", "user", "disabled"] + (["staff"] if mapping.get("staff_roles") else [])
    keys += ["unverified"] if "verify_email" in spec.get("operations", {}) else []
    users = []
    for number, key in enumerate(keys, start=1):
        first, last, password = PEOPLE[key]
        person = _Person(key, number, first, last, _roles(mapping, key), active=key != "disabled")
        users.append(assemble(spec, key, password, _field_values(spec, person)))
    return users


def registered_user(spec: dict, number: int, given: dict[str, object], password: str | None) -> dict:
    """A user created by register: ``given`` field values, the rest made up like a fixture's.

    :param number: the user's position among all users, which makes its id.
    :param given: field name -> value, as :func:`fields_from_inputs` found them.
    """
    key = f"registered-{number}"
    person = _Person(key, number, *NEW_PERSON, roles=(PLAIN_ROLE,), active=True)
    values = {**_field_values(spec, person), **given}
    return assemble(spec, key, password, values)


def with_active(spec: dict, user: dict, active: bool) -> dict:
    """``user`` with the field behind ``mapping.active`` set so the canonical ``active`` is ``active``.

    A spec without an ``active`` mapping cannot show it in the record; the user
    comes back unchanged.
    """
    rule = spec["mapping"].get("active")
    if rule is None:
        return user
    name = rule if isinstance(rule, str) else rule["field"]
    values = {**user["fields"], name: _active_value(rule, spec["user"][name], active)}
    return assemble(spec, user["key"], user["password"], values)


def fields_from_inputs(spec: dict, inputs: dict[str, str], places: dict[str, str]) -> dict[str, object]:
    """The user fields a register or forgot_password request sets, from the inputs it carried.

    An input sets a field when it was sent at the field's own JSON pointer
    (``places``), or is named like the field, or like the canonical name the
    field is mapped to (``first_name`` -> ``given_name``).
    """
    mapping = spec["mapping"]
    found: dict[str, object] = {}
    for name, field in spec["user"].items():
        names = {name, *(canonical for canonical in _INPUT_NAMES if mapping.get(canonical) == name)}
        for input_name, text in inputs.items():
            if places.get(input_name) == field["from"] or input_name in names:
                found[name] = _coerce(field["type"], text)
    return found


def assemble(spec: dict, key: str, password: str | None, values: dict[str, object]) -> dict:
    """Build a user dict from its field values: the record, the canonical user, and login details."""
    record: dict = {}
    mapping = spec["mapping"]
    for name, field in spec["user"].items():
        pointer = expr.parse_pointer(field["from"])
        value = values[name]
        if "transform" in field:  # the record holds what the transform turns into the value (an href for its id)
            value = expr.unapply_transform(field["transform"], str(value))
        expr.assign(record, pointer, value)
        # Behind a list filter, an element the filter leaves out: an admin role in a disabled group.
        expr.add_excluded(record, pointer, (mapping.get("admin_roles") or [FALLBACK_ADMIN_ROLE])[0])
    return {
        "key": key,
        "username": str(values[mapping["username"]]),
        "password": password,
        "record": record,
        "expected": canonical_user(spec, values),
        "fields": dict(values),
    }


def canonical_user(spec: dict, values: dict[str, object]) -> dict:
    """The canonical user a correct integration builds from field ``values``."""
    mapping = spec["mapping"]

    def mapped(name: str) -> object:
        field = mapping.get(name)
        return values.get(field) if field else None

    roles = list(mapped("roles") or [])
    return {
        "id": mapped("id"),
        "username": mapped("username"),
        "email": mapped("email"),
        "first_name": mapped("first_name"),
        "last_name": mapped("last_name"),
        "roles": roles,
        "active": _is_active(mapping.get("active"), values),
        "is_staff": any(role in roles for role in mapping.get("staff_roles", [])),
        "is_admin": any(role in roles for role in mapping.get("admin_roles", [])),
    }


def _roles(mapping: dict, key: str) -> tuple[str, ...]:
    """Admins hold every admin and staff role, staff the staff roles, everyone else the plain role."""
    admin = list(mapping.get("admin_roles", [])) or [FALLBACK_ADMIN_ROLE]
    staff = list(mapping.get("staff_roles", []))
    if key == "admin":
        return tuple(admin + [role for role in staff if role not in admin])
    if key == "staff":
        return (*staff, PLAIN_ROLE)
    return (PLAIN_ROLE,)


def _field_values(spec: dict, person: _Person) -> dict[str, object]:
    """A value for every field; fields read from the same pointer share one value."""
    mapping = spec["mapping"]
    role_of: dict[str, str] = {}
    for canonical in _ROLE_ORDER:
        rule = mapping.get(canonical)
        if canonical == "active" and isinstance(rule, dict):
            rule = rule["field"]
        if rule:
            role_of[rule] = canonical
    values: dict[str, object] = {}
    by_pointer: dict[str, object] = {}
    for name, field in spec["user"].items():
        if field["from"] not in by_pointer:
            by_pointer[field["from"]] = _value(spec, name, field, role_of.get(name), person)
        values[name] = by_pointer[field["from"]]
    return values


def _value(spec: dict, name: str, field: dict, role: str | None, person: _Person) -> object:
    """The value of one field for ``person``, from the canonical attribute it is mapped to, else from its type."""
    ftype = field["type"]
    if role == "active":
        return _active_value(spec["mapping"]["active"], field, person.active)
    if role == "roles":
        return list(person.roles)
    if role == "username":
        return person.email if ftype == "email" else _identifier(ftype, field, person.key, person)
    if role == "email":
        return person.email
    if role == "id":
        return _identifier(ftype, field, f"usr-{person.number:04d}", person)
    if role == "first_name":
        return person.first_name
    if role == "last_name":
        return person.last_name
    return _sample(ftype, name, field, person)


def _identifier(ftype: str, field: dict, text: str, person: _Person) -> object:
    """An id or username of the field's type."""
    if ftype == "int":
        return 1000 + person.number
    if ftype == "email":
        return person.email
    if ftype == "enum":
        return field["values"][0]
    return text


def _sample(ftype: str, name: str, field: dict, person: _Person) -> object:
    """A plausible value of a field the mapping does not use."""
    if ftype == "int":
        return person.number * 10
    if ftype == "float":
        return person.number + 0.5
    if ftype == "bool":
        return True
    if ftype == "datetime":
        return f"2024-03-{min(person.number, 28):02d}T09:30:00Z"
    if ftype == "enum":
        return field["values"][0]
    if ftype == "email":
        return person.email
    if ftype == "list<string>":
        return [f"{name}-{person.key}"]
    return f"{name}-{person.key}"


def _active_value(rule: str | dict, field: dict, active: bool) -> object:
    """The value of the ``active`` field that makes the canonical ``active`` equal ``active``."""
    if isinstance(rule, str):
        return active
    equals = rule["equals"]
    if active:
        return equals
    others = [value for value in field.get("values", []) if value != equals]
    if others:
        return others[0]
    return "disabled" if equals != "disabled" else "enabled"


def _is_active(rule: str | dict | None, values: dict[str, object]) -> bool:
    if rule is None:
        return True
    if isinstance(rule, str):
        return bool(values.get(rule))
    return values.get(rule["field"]) == rule["equals"]


def _coerce(ftype: str, text: str) -> object:
    """An input's text as a value of the field's type, when it reads as one."""
    try:
        if ftype == "int":
            return int(text)
        if ftype == "float":
            return float(text)
    except ValueError:
        return text
    if ftype == "bool":
        return text.strip().lower() in ("true", "1", "yes", "on")
    if ftype == "list<string>":
        return [text]
    return text
