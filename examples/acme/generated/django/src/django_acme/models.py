"""The user as Acme Identity describes them, beside Django's own user.

Django's ``User`` keeps what Django itself uses (username, email, names,
``is_active``, ``is_staff``, ``is_superuser``, groups); the profile keeps
every attribute of the service's user, typed: ``request.user.acme_profile``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

#: Roles that make a user an administrator (``is_admin``, Django's ``is_superuser``).
ADMIN_ROLES: frozenset[str] = frozenset(["admins"])
#: Roles that make a user staff (``is_staff``).
STAFF_ROLES: frozenset[str] = frozenset(["staff"])


class AcmeProfile(models.Model):
    """A user of Acme Identity, linked to the Django user it signs in as.

    The profile is found by the service's id (``service_id``), never by a
    username that may change, and rewritten each time the service is asked.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="acme_profile"
    )
    service_id = models.CharField(max_length=255, unique=True)
    username = models.EmailField(max_length=254)
    email = models.EmailField(max_length=254)
    first_name = models.TextField(blank=True, null=True)
    last_name = models.TextField(blank=True, null=True)
    roles = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    given_name = models.TextField(blank=True, null=True)
    family_name = models.TextField(blank=True, null=True)
    groups = models.JSONField(default=list)
    status = models.CharField(max_length=6, choices=[("ACTIVE", "ACTIVE"), ("LOCKED", "LOCKED")])
    created = models.DateTimeField(blank=True, null=True)
    #: When the service last described the user differently (a sign-in that changes nothing writes nothing).
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Acme Identity profile"

    def __str__(self) -> str:
        return self.service_id

    @property
    def is_admin(self) -> bool:
        return not ADMIN_ROLES.isdisjoint(self.roles)

    @property
    def is_staff(self) -> bool:
        """Whether the service gives the user a staff role (Django's ``is_staff`` is also true for admins)."""
        return not STAFF_ROLES.isdisjoint(self.roles)

    def has_roles(self, *roles: str) -> bool:
        """True when the service gives the user every one of ``roles``."""
        return set(roles).issubset(self.roles)

    def to_dict(self) -> dict[str, Any]:
        """The user as JSON-safe data, in the shape of the ``me`` route."""
        return {
            "id": self.service_id,
            "username": self.username,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "roles": list(self.roles),
            "active": self.active,
            "is_staff": self.is_staff,
            "is_admin": self.is_admin,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "groups": list(self.groups),
            "status": self.status,
            "created": self.created.isoformat() if self.created else None,
        }
