"""The user object every target builds: its canonical text attributes and the fields of its own.

Each framework's user has the canonical attributes (``id``, ``username``,
``email``, ``first_name``, ``last_name``, ``roles``, ``active``, ``is_staff``,
``is_admin``) and then one attribute per remaining spec field.  Which field
feeds which canonical attribute, what each is for, and which fields are left
over are the same answers for every target.
"""

from __future__ import annotations

from dataclasses import dataclass

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
