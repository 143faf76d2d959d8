"""What each client method reads, takes and returns: the same decisions in every language.

``get_user`` is given what ``login`` returned (the service session) and reads
values out of it; every client method fetches those values first, in the order
the steps first use them, and Spring's S17 test looks for them in cookies.

The session lifecycle methods (``refresh``, ``logout``, ``reset_password``,
``change_password``, ``verify_email``) are planned here once: which arguments
they take, what their documentation says, and which service-session values
``login`` and ``refresh`` return.  The emitters only spell them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import expr
from ..model import EXPIRES_AT, EXPIRES_IN, FIXED_INPUTS, Operation, Spec

#: The session lifecycle operations, in the order every client lists their methods.
LIFECYCLE = ("refresh", "logout", "reset_password", "change_password", "verify_email")

#: What each lifecycle method does, for its documentation (one sentence, no trailing spell-out of arguments).
SUMMARIES = {
    "refresh": "Renew an expired service session; return the new one (values the service does not renew are kept).",
    "logout": "End the service session at the service.",
    "reset_password": "Set a new password with the token from the password reset email; signs nobody in.",
    "change_password": "Change the signed-in user's password; the user must give the current one.",
    "verify_email": "Confirm the user's email address with the token from the verification email.",
}

#: What each argument of a lifecycle method holds, for its documentation.
ARGUMENTS = {
    "session": "the service session login (or refresh) returned",
    "input": "what the user entered",
}


@dataclass(frozen=True)
class SessionValue:
    """One value of the service session a method returns (login, refresh).

    A value either comes from a step's response at ``pointer``, or, when
    ``step`` is None, is carried over from the session the method was given.
    """

    name: str
    #: the step (1-based) whose response holds it; None: kept from the given session
    step: int | None = None
    pointer: expr.Pointer | None = None
    #: ``expires_at``: the deadline computed from the token's lifetime (``expires_in``) at ``pointer``
    deadline: bool = False

    @property
    def source(self) -> str:
        """The reference to the extract it comes from, ``steps.<n>.<name>`` (``expires_in`` for a deadline)."""
        return f"steps.{self.step}.{EXPIRES_IN if self.deadline else self.name}"


@dataclass(frozen=True)
class ClientMethod:
    """What a lifecycle client method takes and returns, in language-neutral terms."""

    operation: str
    summary: str
    #: whether it takes the service session
    takes_session: bool
    #: the inputs it reads from its ``input`` argument, in the order of the fixed form; empty: no input argument
    inputs: tuple[str, ...]
    #: the session values it reads, in order of first use
    session_keys: tuple[str, ...]
    #: the service session it returns (refresh); empty: it returns nothing
    returns: tuple[SessionValue, ...] = ()


def session_keys(op: Operation) -> tuple[str, ...]:
    """The names of the session values ``op`` reads (``${session.<name>}``), in order of first use."""
    seen: dict[str, None] = {}
    for step in op.steps:
        for ref in step.refs:
            if ref.ns == "session":
                seen.setdefault(ref.name)
    return tuple(seen)


def login_session(op: Operation) -> tuple[SessionValue, ...]:
    """The service session login returns: every value its steps extract; ``expires_in`` becomes ``expires_at``."""
    out = []
    for number, step in enumerate(op.steps, 1):
        for name, pointer in step.extract:
            if name == EXPIRES_IN:
                out.append(SessionValue(EXPIRES_AT, number, pointer, deadline=True))
            else:
                out.append(SessionValue(name, number, pointer))
    return tuple(out)


def refreshed_session(spec: Spec) -> tuple[SessionValue, ...]:
    """The service session refresh returns: login's values, each renewed when refresh extracts it.

    ``expires_at`` is renewed from refresh's ``expires_in``; when refresh does
    not extract one, the new session has no deadline (the old one has passed),
    and the integration refreshes when the service refuses the token.
    """
    refresh = spec.operations["refresh"]
    renewed: dict[str, SessionValue] = {}
    for number, step in enumerate(refresh.steps, 1):
        for name, pointer in step.extract:
            if name == EXPIRES_IN:
                renewed[EXPIRES_AT] = SessionValue(EXPIRES_AT, number, pointer, deadline=True)
            else:
                renewed[name] = SessionValue(name, number, pointer)
    out = []
    for value in login_session(spec.operations["login"]):
        if value.name in renewed:
            out.append(renewed[value.name])
        elif value.name != EXPIRES_AT:
            out.append(SessionValue(value.name))
    if EXPIRES_AT in renewed and all(v.name != EXPIRES_AT for v in out):
        out.append(renewed[EXPIRES_AT])
    return tuple(out)


def client_method(spec: Spec, name: str) -> ClientMethod:
    """The plan of the lifecycle method for operation ``name`` (one of :data:`LIFECYCLE`)."""
    op = spec.operations[name]
    keys = session_keys(op)
    return ClientMethod(
        operation=name,
        summary=SUMMARIES[name],
        takes_session=name in ("refresh", "logout", "change_password"),
        inputs=FIXED_INPUTS.get(name, ()),
        session_keys=keys,
        returns=refreshed_session(spec) if name == "refresh" else (),
    )


def client_methods(spec: Spec) -> tuple[ClientMethod, ...]:
    """The lifecycle methods of the spec's client, in the order of :data:`LIFECYCLE`; only the spec's operations."""
    return tuple(client_method(spec, name) for name in LIFECYCLE if spec.has(name))


def step_pointers(values: tuple[SessionValue, ...], step: int) -> tuple[SessionValue, ...]:
    """The values of ``values`` read from step ``step``'s response, in order."""
    return tuple(v for v in values if v.step == step)


def public_values(spec: Spec) -> list[str]:
    """The session values login marks ``public = true`` (ids, links): no secrets, so S17 does not count them."""
    login = spec.operations.get("login")  # none with [service.oidc]
    return sorted({name for step in login.steps for name in step.public}) if login else []


def secrets_read_back(spec: Spec) -> list[str]:
    """The service-session values some operation reads back (``${session.<name>}``) that login does not mark public.

    What S17 looks for in cookies: a secret an operation needs again must stay server-side.
    """
    read = {key for op in spec.operations.values() for key in session_keys(op)}
    return sorted(read - set(public_values(spec)))


def session_secrets(spec: Spec) -> bool:
    """Whether login keeps a value that is not public: something S17 can look for in cookies."""
    steps = spec.operations["login"].steps if spec.has("login") else ()  # none with [service.oidc]
    return any(name not in step.public for step in steps for name, _ in step.extract)
