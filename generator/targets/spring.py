"""What only the Spring Boot target needs: which refusals its sign-in tells apart.

The starter turns the login operation's error kinds into Spring Security's
``AuthenticationException`` types; a kind the spec's login never answers gets
no branch there.
"""

from __future__ import annotations

from typing import Any

from ..model import Spec


def context(spec: Spec) -> dict[str, Any]:
    """The Spring Boot part of the template context."""
    return {"spring_login_kinds": login_kinds(spec)}


def login_kinds(spec: Spec) -> list[str]:
    """The error kinds the login operation's rules map responses to, sorted."""
    return sorted({rule.kind for step in spec.operations["login"].steps for rule in step.errors})
