"""Validate a spec given as data, and build the typed model from it.

Validation collects every problem before it fails, so a user fixes a spec in
one pass.  Each section of the spec has its own module of checks; the
:class:`Builder` assembles them and walks the raw TOML once, in the order the
sections depend on each other:

- ``report``: collects problems and words them; remembers what each section declared
- ``values``: HTTP header names and JSON pointers, which several sections read
- ``service``: ``[service]``, its settings, credentials and ``[service.config]``
- ``oidc``: ``[service.oidc]``, sign-in through an OpenID provider, and what it rules out elsewhere
- ``user``: ``[user]``, the fields of the user record
- ``operations``: ``[operations]``, each step read into a draft
- ``references``: every ``${...}`` names something that exists; every extract is used
- ``mapping``: ``[mapping]``, the canonical attributes onto ``[user]`` fields
- ``targets``: ``[targets]``, the enabled targets and their options
- ``package``: ``[package]``, what the generated packages say about themselves when published
- ``vocabulary``: the constants the checks share (schema, table keys, reserved names)
"""

from __future__ import annotations

from ..errors import SpecError
from ..lines import LineIndex
from ..model import Spec
from .mapping import MappingChecks
from .oidc import OidcChecks
from .operations import OperationChecks, build_operations
from .package import PackageChecks
from .references import ReferenceChecks
from .targets import TargetChecks
from .user import UserChecks
from .vocabulary import REQUIRED_TOP, SCHEMA, TOP_KEYS

__all__ = ["Builder", "build_model"]


def build_model(raw: dict, name: str, lines: LineIndex) -> Spec:
    """Validate ``raw`` (as ``tomllib`` reads it) and build its model.

    :param lines: where each key is written, for messages.
    :raises SpecError: with every problem found, in the order of the file.
    """
    builder = Builder(raw, name, lines)
    spec = builder.build()
    if builder.problems or spec is None:
        raise SpecError(problems=sorted(builder.problems, key=lambda p: p.line or 0))
    return spec


class Builder(OidcChecks, UserChecks, OperationChecks, ReferenceChecks, MappingChecks, TargetChecks, PackageChecks):
    """Walks the raw TOML once, building the model and collecting problems."""

    def __init__(self, raw: dict, name: str, lines: LineIndex) -> None:
        super().__init__(name, lines)
        self.raw = raw
        self.token_queries = {}
        self.optional_inputs = {}

    def build(self) -> Spec | None:
        """The model, or None when the spec has problems (they are in ``problems``)."""
        top = self.table(self.raw, (), TOP_KEYS, REQUIRED_TOP)
        self.schema(top)
        service = self.service(top["service"]) if "service" in top else None
        user = self.user(top["user"]) if "user" in top else ()
        oidc = isinstance(top.get("service"), dict) and "oidc" in top["service"]
        if oidc:
            self.check_oidc_spec(top, user)
            drafts = {}
        else:
            if "operations" not in top and "operations" not in top.misspelt:
                self.missing((), "operations")
            drafts = self.operations(top["operations"]) if "operations" in top else {}
            self.check_references(drafts)
            self.check_extracts(drafts)
        mapping = self.mapping(top["mapping"], user) if "mapping" in top else None
        targets, options = self.targets(top.get("targets", {}))
        if oidc:
            targets = self.check_oidc_targets(top, targets)
        package = self.package(top.get("package", {}))
        if self.problems or service is None or mapping is None:
            return None
        operations = build_operations(drafts, token_queries=self.token_queries, optional_inputs=self.optional_inputs)
        return Spec(SCHEMA, service, operations, user, mapping, targets, options, package=package, oidc=self.oidc_model)

    def schema(self, top: dict) -> None:
        if "schema" not in top:
            return
        schema = top["schema"]
        if isinstance(schema, str) and schema.strip() == str(SCHEMA):
            self.problem(("schema",), f"expected a number, got text {schema!r}", f"write schema = {SCHEMA}, no quotes")
        elif isinstance(schema, bool) or schema != SCHEMA:
            self.problem(("schema",), f"unsupported schema {schema!r}", f"this authgen reads schema = {SCHEMA}")
