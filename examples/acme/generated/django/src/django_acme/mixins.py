"""``RolesRequiredMixin``: :func:`.decorators.roles_required` for class-based views."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

from .decorators import refusal


class RolesRequiredMixin:
    """Let a class-based view run only for a signed-in user with every one of :attr:`roles_required`.

    Put it first among the bases, as Django's ``LoginRequiredMixin``::

        class Reports(RolesRequiredMixin, TemplateView):
            roles_required = ("admins",)
    """

    #: The roles a user needs, all of them.
    roles_required: Iterable[str] = ()

    def get_roles_required(self) -> Iterable[str]:
        """The roles a user needs; override to decide per request."""
        if not self.roles_required:
            raise ImproperlyConfigured(f"{type(self).__name__} needs roles_required or get_roles_required().")
        if isinstance(self.roles_required, str):
            return (self.roles_required,)
        return self.roles_required

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = refusal(request, self.get_roles_required())
        if refused is not None:
            return refused
        response: HttpResponse = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        return response
