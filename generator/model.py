"""The typed spec model: what :mod:`generator.spec` builds and everything else reads.

Frozen dataclasses only, no raw dicts: templates and emitters never see the
TOML as it was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .expr import Pointer, Ref, Template, Value, refs_of

#: The error kinds a step's ``errors`` may map a response to.
ERROR_KINDS = (
    "invalid_credentials",
    "account_disabled",
    "user_not_found",
    "conflict",
    "invalid_input",
    "service_unavailable",
    "expired",
    "invalid_token",
    "expired_token",
    "password_policy",
    "unverified",
)

#: The operations each of the lifecycle error kinds fits; the other kinds fit every operation.
KIND_OPERATIONS = {
    "expired": ("get_user", "change_password"),
    "invalid_token": ("reset_password", "verify_email"),
    "expired_token": ("reset_password", "verify_email"),
    "password_policy": ("reset_password", "change_password", "register"),
    "unverified": ("login",),
}

#: The error kinds whose rules may carry the service's own message (``message = "<pointer>"``).
MESSAGE_KINDS = ("invalid_input", "password_policy")

#: Field types of ``[user]`` entries.
FIELD_TYPES = ("string", "email", "int", "float", "bool", "datetime", "enum", "list<string>")

#: Operations a spec may describe; the first two are required.
OPERATIONS = (
    "login",
    "get_user",
    "register",
    "forgot_password",
    "refresh",
    "logout",
    "reset_password",
    "change_password",
    "verify_email",
)
REQUIRED_OPERATIONS = ("login", "get_user")

#: Inputs the login operation is given by every integration.
LOGIN_INPUTS = ("username", "password")

#: The inputs of the operations whose form every integration fixes, by operation; each must be sent.
FIXED_INPUTS = {
    "login": LOGIN_INPUTS,
    "reset_password": ("token", "password"),
    "change_password": ("current_password", "new_password"),
    "verify_email": ("token",),
}

#: Operations that run with the service session (``${session.<name>}``) login made.
SESSION_OPERATIONS = ("get_user", "refresh", "logout", "change_password")

#: Operations whose token comes from a link in an email, and so have ``token_query``.
TOKEN_LINK_OPERATIONS = ("reset_password", "verify_email")

#: The query parameter of the emailed link, when the spec does not name one.
DEFAULT_TOKEN_QUERY = "token"

#: The extract name of an access token's lifetime in seconds (login and refresh).
EXPIRES_IN = "expires_in"

#: The session value the integration computes from ``expires_in``: the deadline, in epoch seconds.
EXPIRES_AT = "expires_at"

#: The extract name that holds the user record.
USER_EXTRACT = "user"


@dataclass(frozen=True)
class Setting:
    """A setting the integration exposes natively (Flask config, Spring property ...)."""

    name: str
    env: str
    default: str | None = None
    required: bool = False
    secret: bool = False
    description: str = ""


@dataclass(frozen=True)
class Credentials:
    """How the integration authenticates itself to the service."""

    kind: str  # none | bearer | basic | header
    header: str = "Authorization"
    prefix: str = ""

    @property
    def setting_names(self) -> tuple[str, ...]:
        return {"none": (), "bearer": ("api_key",), "header": ("api_key",), "basic": ("api_username", "api_password")}[
            self.kind
        ]


@dataclass(frozen=True)
class Service:
    name: str
    slug: str
    timeout_s: float
    credentials: Credentials
    #: base_url (or the [service.oidc] settings), credential settings, then [service.config], in that order.
    settings: tuple[Setting, ...]
    #: names of the settings that came from [service.config].
    config_names: tuple[str, ...]

    @property
    def class_name(self) -> str:
        """``Acme`` for slug ``acme``: the stem of every generated type name."""
        return self.slug[:1].upper() + self.slug[1:]

    def setting(self, name: str) -> Setting:
        return next(s for s in self.settings if s.name == name)


@dataclass(frozen=True)
class ErrorRule:
    """A response status (and optionally values in its body) mapped to an error kind."""

    status: int
    kind: str
    match: tuple[tuple[Pointer, object], ...] = ()
    #: where the error body holds the service's own message for users (invalid_input, password_policy)
    message: Pointer | None = None


@dataclass(frozen=True)
class Auth:
    """How one step authenticates: none, the service credentials, bearer or basic."""

    kind: str  # none | service | bearer | basic
    values: tuple[Value, ...] = ()


@dataclass(frozen=True)
class Step:
    method: str
    path: Template
    query: tuple[tuple[str, Value], ...] = ()
    headers: tuple[tuple[str, Value], ...] = ()
    json: Value | None = None
    form: tuple[tuple[str, Value], ...] | None = None
    auth: Auth = Auth("none")
    ok: tuple[int, ...] = (200,)
    errors: tuple[ErrorRule, ...] = ()
    extract: tuple[tuple[str, Pointer], ...] = ()
    #: extract names marked ``public = true``: ids and links, not secrets (S17 does not look for them in cookies).
    public: tuple[str, ...] = ()

    @property
    def absolute(self) -> bool:
        """True when the step goes to a URL taken from an earlier response."""
        first = self.path.parts[0]
        return isinstance(first, Ref)

    @property
    def refs(self) -> tuple[Ref, ...]:
        values: list[Value] = [self.path, *(v for _, v in self.query), *(v for _, v in self.headers)]
        values += list(self.auth.values)
        if self.json is not None:
            values.append(self.json)
        values += [v for _, v in self.form or ()]
        return tuple(r for v in values for r in refs_of(v))


@dataclass(frozen=True)
class Operation:
    name: str
    steps: tuple[Step, ...]
    #: the query parameter of the emailed link that carries the token (reset_password, verify_email)
    token_query: str | None = None
    #: inputs marked ``optional = true`` in ``inputs``: a form field the user may leave empty.
    optional_inputs: tuple[str, ...] = ()

    @property
    def inputs(self) -> tuple[str, ...]:
        """Input names the operation reads, in order of first use."""
        seen: dict[str, None] = {}
        for step in self.steps:
            for ref in step.refs:
                if ref.ns == "input":
                    seen.setdefault(ref.name)
        return tuple(seen)

    @property
    def extracts(self) -> tuple[str, ...]:
        """Every name the steps extract, in order."""
        return tuple(name for step in self.steps for name, _ in step.extract)

    @property
    def expires(self) -> bool:
        """True when a step extracts ``expires_in``: the session then carries ``expires_at``."""
        return EXPIRES_IN in self.extracts


@dataclass(frozen=True)
class Field:
    """A typed field of the user record, read by JSON pointer."""

    name: str
    type: str
    pointer: Pointer
    optional: bool = False
    values: tuple[str, ...] = ()  # for enum
    #: a value transform applied to the text read (:data:`generator.expr.VALUE_TRANSFORMS`), e.g. ``last_segment``.
    transform: str | None = None


@dataclass(frozen=True)
class ActiveRule:
    """How the canonical ``active`` flag is computed: a bool field, or a field equal to a value."""

    field: str | None = None
    equals: str | None = None


@dataclass(frozen=True)
class Mapping:
    """The canonical user: which spec field each framework attribute comes from."""

    id: str
    username: str
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    roles: str | None = None
    active: ActiveRule = ActiveRule()
    admin_roles: tuple[str, ...] = ()
    staff_roles: tuple[str, ...] = ()


#: The canonical attributes every framework user object has.
CANONICAL = ("id", "username", "email", "first_name", "last_name", "roles", "active", "is_staff", "is_admin")


@dataclass(frozen=True)
class Author:
    name: str
    email: str = ""


@dataclass(frozen=True)
class Package:
    """What every generated package says about itself when published: ``[package]``."""

    version: str = "0.1.0"
    #: an SPDX licence id authgen carries the text of (generator/licenses/).
    license: str = "MIT"
    #: the holder named in LICENSE; empty means "<service name> integration authors".
    copyright: str = ""
    authors: tuple[Author, ...] = ()
    #: https URL of the repository that holds the generated packages, or "".
    repository: str = ""

    def holder(self, service_name: str) -> str:
        """Whom LICENSE names: the spec's ``copyright``, else the integration's authors."""
        return self.copyright or f"{service_name} integration authors"


@dataclass(frozen=True)
class Oidc:
    """``[service.oidc]``: sign-in through an OpenID provider's authorization-code flow instead of operations.

    The three settings are also in :attr:`Service.settings` (first, in this
    order), so every target reads, documents and tests them like any other.
    """

    issuer: Setting
    client_id: Setting
    #: None for a public client, which proves itself with PKCE alone.
    client_secret: Setting | None
    #: the scopes asked for; "openid" is always one of them.
    scopes: tuple[str, ...]
    #: extra parameters of the authorization request, e.g. ``(("prompt", "login"),)``.
    params: tuple[tuple[str, str], ...] = ()
    #: the provider's registration page, when the spec links to it.
    register_url: Template | None = None
    #: the provider's reset-credentials page, when the spec links to it.
    reset_url: Template | None = None

    @property
    def settings(self) -> tuple[Setting, ...]:
        """issuer, client_id and client_secret (when there is one), in that order."""
        return (self.issuer, self.client_id, *((self.client_secret,) if self.client_secret else ()))


#: The names of the settings ``[service.oidc]`` declares.
OIDC_SETTINGS = ("issuer", "client_id", "client_secret")


@dataclass(frozen=True)
class Spec:
    """A validated spec: the one input to every target."""

    schema: int
    service: Service
    operations: dict[str, Operation]
    user: tuple[Field, ...]
    mapping: Mapping
    targets: tuple[str, ...]
    target_options: dict[str, dict[str, str]] = field(default_factory=dict)
    #: sha256 of the spec file's bytes, recorded in the manifest.
    digest: str = ""
    #: the spec as plain data, for the fake service.
    data: dict = field(default_factory=dict)
    package: Package = Package()
    #: sign-in through an OpenID provider (``[service.oidc]``); then ``operations`` is empty.
    oidc: Oidc | None = None

    def field(self, name: str) -> Field:
        return next(f for f in self.user if f.name == name)

    def has(self, operation: str) -> bool:
        return operation in self.operations
