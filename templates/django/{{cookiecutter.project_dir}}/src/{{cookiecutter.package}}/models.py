"""The user as {{ cookiecutter.service_name | pydoc }} describes them, beside Django's own user.

Django's ``User`` keeps what Django itself uses (username, email, names,
``is_active``, ``is_staff``, ``is_superuser``, groups); the profile keeps
every attribute of the service's user, typed: ``request.user.{{ cookiecutter.slug }}_profile``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

#: Roles that make a user an administrator (``is_admin``, Django's ``is_superuser``).
ADMIN_ROLES: frozenset[str] = frozenset({{ cookiecutter.admin_roles | py }})
#: Roles that make a user staff (``is_staff``).
STAFF_ROLES: frozenset[str] = frozenset({{ cookiecutter.staff_roles | py }})


class {{ cookiecutter.class_name }}Profile(models.Model):
    """A user of {{ cookiecutter.service_name | pydoc }}, linked to the Django user it signs in as.

    The profile is found by the service's id (``service_id``), never by a
    username that may change, and rewritten each time the service is asked.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="{{ cookiecutter.slug }}_profile"
    )
{%- for c in cookiecutter.django_columns if c.column %}
    {{ c.column }} = {{ c.field }}
{%- endfor %}
    #: When the service last described the user differently (a sign-in that changes nothing writes nothing).
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = {{ (cookiecutter.service_name ~ " profile") | py }}

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
{%- for c in cookiecutter.django_columns if c.canonical %}
            {{ c.name | py }}: {{ c.json }},
{%- endfor %}
            "is_staff": self.is_staff,
            "is_admin": self.is_admin,
{%- for c in cookiecutter.django_columns if not c.canonical %}
            {{ c.name | py }}: {{ c.json }},
{%- endfor %}
        }
