"""The user object every target builds: its attributes, their types and sources, and what tests expect.

Each framework's user has the canonical attributes (``id``, ``username``,
``email``, ``first_name``, ``last_name``, ``roles``, ``active``, ``is_staff``,
``is_admin``) and then one attribute per remaining spec field.  Which field
feeds which canonical attribute, what each is for, which may be null, which
fields are left over, which need an enum type, and what a fixture user's
attributes must hold are the same answers for every target: they are given
here as typed values, and each language only prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..fake.fixtures import fixture_users
from ..model import CANONICAL, Field, Spec

#: What each canonical text attribute is, for the generated docs.
TEXT_DOCS = {
    "id": "The service's id for the user.",
    "username": "What the user signs in with.",
    "email": "The user's email address.",
    "first_name": "Given name.",
    "last_name": "Family name.",
}

#: Canonical text attributes every user has a value for (the service must provide them).
ALWAYS_PRESENT = ("id", "username")


@dataclass(frozen=True)
class TextAttribute:
    """A canonical text attribute and the spec field it is read from."""

    name: str
    doc: str
    #: the spec field, or None when the service does not provide this attribute.
    source: Field | None

    @property
    def optional(self) -> bool:
        """Whether the attribute may be absent (null / None) for a user."""
        if self.name in ALWAYS_PRESENT:
            return False
        return self.source is None or self.source.optional


def text_attributes(spec: Spec) -> tuple[TextAttribute, ...]:
    """``id``, ``username``, ``email``, ``first_name``, ``last_name``, in that order, with their sources."""
    m = spec.mapping
    return tuple(
        TextAttribute(name, doc, spec.field(source) if (source := getattr(m, name)) else None)
        for name, doc in TEXT_DOCS.items()
    )


def own_fields(spec: Spec) -> tuple[Field, ...]:
    """The spec fields that become attributes of their own, in spec order.

    A field named like a canonical attribute *is* that attribute's source
    (the validator refuses one that would hide it), so it gets no second
    attribute.
    """
    return tuple(f for f in spec.user if f.name not in CANONICAL)


def expected_me(spec: Spec, user: dict) -> dict:
    """What ``me`` answers for a fixture user: the canonical user, then each field of its own by name.

    :param user: a fixture user (:func:`generator.fake.fixtures.fixture_users`): its ``expected``
        canonical user and its record's ``fields``.
    """
    me = dict(user["expected"])
    me.update({f.name: user["fields"].get(f.name) for f in own_fields(spec)})
    return me


#: What an attribute of the user is: a canonical text attribute, the roles, the active flag, or a field of its own.
Kind = Literal["text", "roles", "active", "field"]


@dataclass(frozen=True)
class UserAttribute:
    """One attribute of the user every target builds, in the order ``me`` lists them."""

    #: the key in ``me``: the canonical name, or the spec field's own name
    name: str
    kind: Kind
    #: the type of the attribute's value, in the spec's vocabulary: ``string`` for the text
    #: attributes, ``list<string>`` for the roles, ``bool`` for active, the field's type otherwise
    type: str
    #: the spec field it is read from; None: the service does not provide it (text), no role field
    #: (roles, then empty), no active field (active, then always true)
    source: Field | None
    #: whether its value may be null (an absent text attribute, an optional field of its own)
    nullable: bool
    #: active only: the value the source must equal; None: the source is a bool field
    equals: str | None = None

    @property
    def canonical(self) -> bool:
        """Whether it is one of the canonical attributes (not a spec field of its own)."""
        return self.kind != "field"

    @property
    def values(self) -> tuple[str, ...]:
        """An enum field's values, in spec order; empty for any other attribute."""
        return self.source.values if self.kind == "field" and self.source is not None else ()

    @property
    def source_optional(self) -> bool:
        """Whether the service may leave the source out of a record (roles: read as no roles)."""
        return self.source is not None and self.source.optional


def user_attributes(spec: Spec) -> tuple[UserAttribute, ...]:
    """The user's attributes: the text ones, the roles, active, then each field of its own in spec order.

    ``is_staff`` and ``is_admin`` are not among them: each target computes them from the roles.
    """
    out = [UserAttribute(t.name, "text", "string", t.source, t.optional) for t in text_attributes(spec)]
    m = spec.mapping
    out.append(UserAttribute("roles", "roles", "list<string>", spec.field(m.roles) if m.roles else None, False))
    rule = m.active
    out.append(
        UserAttribute("active", "active", "bool", spec.field(rule.field) if rule.field else None, False, rule.equals)
    )
    out += [UserAttribute(f.name, "field", f.type, f, f.optional) for f in own_fields(spec)]
    return tuple(out)


def enum_fields(spec: Spec, *, every: bool = False) -> tuple[Field, ...]:
    """The enum fields that get an enum type of their own, in spec order.

    :param every: also those feeding a canonical attribute (read there as text);
        the Python and C# users still declare a type for them.
    """
    return tuple(f for f in (spec.user if every else own_fields(spec)) if f.type == "enum")


@dataclass(frozen=True)
class ExpectedValue:
    """What one attribute of a fixture user's principal must hold."""

    attribute: UserAttribute
    #: None, a bool, a list of text, text (also datetimes as ISO text, enum values), a number
    value: object


@dataclass(frozen=True)
class ExpectedUser:
    """A fixture user of the fake, and what the integration's user object and ``me`` must show for it."""

    key: str
    username: str
    password: str
    #: the email address a forgot-password request names the user by, or None
    email: str | None
    active: bool
    is_staff: bool
    is_admin: bool
    #: what ``me`` answers (:func:`expected_me`)
    me: dict
    #: each attribute of :func:`user_attributes`, in that order, with its value
    values: tuple[ExpectedValue, ...]


def expected_user(spec: Spec, user: dict) -> ExpectedUser:
    """What the generated tests check for a fixture user (:func:`generator.fake.fixtures.fixture_users`).

    The text attributes hold text: an id the service sends as a number is expected as its digits.
    """
    canonical, fields = user["expected"], user["fields"]
    values = []
    for attr in user_attributes(spec):
        want = canonical.get(attr.name) if attr.canonical else fields.get(attr.name)
        if attr.kind == "text" and want is not None:
            want = str(want)
        values.append(ExpectedValue(attr, want))
    email = canonical.get("email")
    return ExpectedUser(
        key=user["key"],
        username=user["username"],
        password=user["password"],
        email=str(email) if email is not None else None,
        active=bool(canonical["active"]),
        is_staff=bool(canonical["is_staff"]),
        is_admin=bool(canonical["is_admin"]),
        me=expected_me(spec, user),
        values=tuple(values),
    )


def expected_users(spec: Spec) -> tuple[ExpectedUser, ...]:
    """:func:`expected_user` for each fixture user of the fake, in the fake's order."""
    return tuple(expected_user(spec, user) for user in fixture_users(spec.data))
