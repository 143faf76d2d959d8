"""Sign users in to Django with Acme Identity.

::

    INSTALLED_APPS = [..., "django_acme"]
    AUTHENTICATION_BACKENDS = ["django_acme.backends.AcmeBackend"]
    urlpatterns = [..., path("auth/", include("django_acme.urls"))]

The guards are importable from here; nothing else is imported until used,
so that this module can be named in ``INSTALLED_APPS``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .decorators import roles_required as roles_required
    from .mixins import RolesRequiredMixin as RolesRequiredMixin

__all__ = ["RolesRequiredMixin", "roles_required"]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "roles_required":
        from .decorators import roles_required

        return roles_required
    if name == "RolesRequiredMixin":
        from .mixins import RolesRequiredMixin

        return RolesRequiredMixin
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
