"""How each step of an operation authenticates, and how it is described.

The spec says ``auth = "service"`` (use the service's own credentials, whose
kind is set once under ``[service]``), ``auth = { bearer = ... }`` or
``auth = { basic = [...] }``.  Resolving that into one of three header forms
is the same decision for every target; printers only write the header.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import expr
from ..model import Spec, Step


@dataclass(frozen=True)
class BasicAuth:
    """``Authorization: Basic base64(user:password)``."""

    user: expr.Value
    password: expr.Value
    #: the service's own ``api_username`` / ``api_password`` settings, not values of the operation.
    service: bool = False


@dataclass(frozen=True)
class BearerAuth:
    """``Authorization: Bearer <token>``."""

    token: expr.Value
    #: the service's own ``api_key`` setting, not a value of the operation.
    service: bool = False

    @property
    def text(self) -> expr.Template | None:
        """The header's whole value as one text template (``Bearer `` then the token's parts).

        None when the token is computed (a transform, a constant): a language then
        writes ``"Bearer " +`` the value, or calls a helper.
        """
        if isinstance(self.token, expr.Template):
            return expr.Template((expr.Lit("Bearer "), *self.token.parts))
        return None


@dataclass(frozen=True)
class HeaderAuth:
    """The service's key in a header of the service's choosing, after a fixed prefix (``SSWS <key>``)."""

    header: str
    prefix: str

    @property
    def value(self) -> expr.Template:
        """The header's value as text: the prefix, then the key (no empty literal part)."""
        key = expr.Ref("service", "api_key")
        return expr.Template((expr.Lit(self.prefix), key) if self.prefix else (key,))


RequestAuth = BasicAuth | BearerAuth | HeaderAuth | None


def _setting(name: str) -> expr.Template:
    return expr.Template((expr.Ref("service", name),))


def request_auth(spec: Spec, step: Step) -> RequestAuth:
    """The header a step authenticates with, or None for an unauthenticated request."""
    kind = step.auth.kind
    if kind == "service":
        creds = spec.service.credentials
        if creds.kind == "basic":
            return BasicAuth(_setting("api_username"), _setting("api_password"), service=True)
        if creds.kind == "bearer":
            return BearerAuth(_setting("api_key"), service=True)
        if creds.kind == "header":
            return HeaderAuth(creds.header, creds.prefix)
        return None
    if kind == "bearer":
        return BearerAuth(step.auth.values[0])
    if kind == "basic":
        user, password = step.auth.values
        return BasicAuth(user, password)
    return None


def path_text(step: Step) -> str:
    """The step's path as the spec writes it (``/v1/users/{session.id}``), for comments and error messages.

    Not escaped: each printer makes it safe for where it goes.
    """
    return "".join(p.text if isinstance(p, expr.Lit) else "{" + str(p) + "}" for p in step.path.parts)
