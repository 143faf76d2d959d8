"""The skeleton of every client method: what it takes, reads from each response, and returns.

Every language's client method for an operation has the same shape: bind the
inputs, read the service-session values it uses, send each step's request,
keep what the step extracts in locals (``expires_in`` becomes the deadline
``expires_at``), return the user record (get_user), the new service session
(login, refresh) or nothing.  That shape is decided here once per operation;
the printers in :mod:`generator.emit` only spell it, and
:func:`bind` names its locals with the language's own spelling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import expr
from ..model import EXPIRES_AT, EXPIRES_IN, USER_EXTRACT, Operation, Spec, Step
from .operations import LIFECYCLE, ClientMethod, SessionValue, client_method, login_session, session_keys
from .requests import path_text


@dataclass(frozen=True)
class Read:
    """A value a step reads out of its response."""

    #: the extract's name in the spec (``expires_in``, ``user`` ...)
    key: str
    pointer: expr.Pointer
    #: the step (1-based) whose response holds it
    step: int

    @property
    def record(self) -> bool:
        """The user record (``extract = { user = ... }``): the method returns it, read as a record."""
        return self.key == USER_EXTRACT

    @property
    def deadline(self) -> bool:
        """The token's lifetime (``expires_in``): kept as the deadline ``expires_at``."""
        return self.key == EXPIRES_IN

    @property
    def name(self) -> str:
        """What the generated code calls the value before the language spells it: ``expires_at`` for a deadline."""
        return EXPIRES_AT if self.deadline else self.key

    @property
    def ref(self) -> str:
        """How later steps refer to it: ``steps.<n>.<key>``."""
        return f"steps.{self.step}.{self.key}"


@dataclass(frozen=True)
class StepPlan:
    """One request of a client method, and what the method keeps of its response."""

    number: int
    step: Step
    #: ``POST /v1/login`` as the spec writes it, for comments and error messages (the printer escapes it)
    label: str
    #: what the method reads from the response, in the spec's order: values kept in locals and (get_user
    #: only) the user record it returns.  Register may name the record it answers, for the fake; its
    #: method returns nothing, so it does not read it (an unreadable record would fail a done registration).
    reads: tuple[Read, ...]
    #: refresh: the new service session is read straight from this (the last) response, into no locals
    returns_here: bool = False

    @property
    def record(self) -> Read | None:
        """The user record this response holds, if any."""
        return next((read for read in self.reads if read.record), None)

    @property
    def locals(self) -> tuple[Read, ...]:
        """The values kept in locals: every read but the record."""
        return tuple(read for read in self.reads if not read.record)


@dataclass(frozen=True)
class ClientPlan:
    """The client method of one operation, in language-neutral terms."""

    operation: str
    #: the lifecycle method's plan (what it takes, its summary); None for login, get_user, register, forgot_password
    method: ClientMethod | None
    #: the inputs it reads: parameters of its own, or (lifecycle methods) keys of its ``input`` argument
    inputs: tuple[str, ...]
    #: ``input.<name>`` of the inputs the spec marks optional: left out of the request when empty
    optional: frozenset[str]
    #: the service-session values it reads before the first step, in order of first use
    session_keys: tuple[str, ...]
    steps: tuple[StepPlan, ...]
    #: the service session it returns (login: what its steps extract; refresh: the renewed one); empty: none
    returns: tuple[SessionValue, ...] = ()

    @property
    def many(self) -> bool:
        """Whether it sends more than one request (names of per-step constants then carry the step's number)."""
        return len(self.steps) > 1

    @property
    def last(self) -> int:
        return len(self.steps)

    @property
    def reads_body(self) -> bool:
        """Whether any step reads its response body."""
        return any(s.reads or s.returns_here for s in self.steps)


def client_plan(spec: Spec, op: Operation) -> ClientPlan:
    """The plan of the client method of ``op``."""
    method = client_method(spec, op.name) if op.name in LIFECYCLE else None
    renewed = method.returns if method else ()
    last = len(op.steps)
    steps = []
    for number, step in enumerate(op.steps, 1):
        returns_here = number == last and any(v.step == last for v in renewed)
        reads = tuple(Read(k, p, number) for k, p in step.extract if k != USER_EXTRACT or op.name == "get_user")
        label = f"{step.method} {path_text(step)}"
        steps.append(StepPlan(number, step, label, () if returns_here else reads, returns_here))
    return ClientPlan(
        operation=op.name,
        method=method,
        inputs=method.inputs if method else op.inputs,
        optional=frozenset(f"input.{name}" for name in op.optional_inputs),
        session_keys=session_keys(op),
        steps=tuple(steps),
        returns=login_session(op) if op.name == "login" else renewed,
    )


@dataclass(frozen=True)
class Locals:
    """The names a printer gave a method's locals: by reference, and in the order they are read."""

    #: ``input.<name>``, ``session.<key>``, ``steps.<n>.<key>`` -> the local
    names: dict[str, str]
    #: (local, input name), in order
    inputs: tuple[tuple[str, str], ...]
    #: (local, session key), in order
    session: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Names:
    """How each reference reads in one generated method: the locals :func:`bind` named, and the settings.

    Each printer subclasses it with how its language reads a service setting
    (``self.base_url``, ``this.#options.baseUrl`` ...) and, where it reads
    some references in place, how it spells those.
    """

    #: ``input.<name>``, ``session.<key>``, ``steps.<n>.<key>`` -> the local (:attr:`Locals.names`)
    locals: dict[str, str]
    #: references of inputs the spec marks optional: left out of the request when empty
    optional: frozenset[str] = frozenset()

    def of(self, ref: expr.Ref) -> str:
        """The code that reads ``ref``."""
        if ref.ns in ("config", "service"):
            return self.setting(ref.name)
        return self.local(ref)

    def setting(self, name: str) -> str:
        """The code that reads the service setting ``name``."""
        raise NotImplementedError

    def local(self, ref: expr.Ref) -> str:
        """The code that reads an input, a session value or an earlier step's value."""
        return self.locals[str(ref)]


#: A language's way to name a local: given what the plan calls it, the spelled, fresh name (now taken).
Namer = Callable[[str], str]


def bind(plan: ClientPlan, local: Namer, *, inputs: Namer | bool = True, session: bool = True) -> Locals:
    """Name every local of a method in the order it is declared: inputs, session values, step reads.

    :param local: names a local, e.g. ``lambda name: fresh(ident(name), taken)``.
    :param inputs: True: name inputs with ``local``; a function: name them
        with it (parameters that must keep the input's own name); False: the
        language reads them where it uses them (``input.token``).
    :param session: False when the language reads session values where it
        uses them (``session.token``) instead of into locals first.
    """
    names: dict[str, str] = {}
    bound_inputs = []
    input_local = local if inputs is True else inputs
    for name in plan.inputs if input_local else ():
        names[f"input.{name}"] = input_local(name)  # type: ignore[operator]
        bound_inputs.append((names[f"input.{name}"], name))
    bound_session = []
    for key in plan.session_keys if session else ():
        names[f"session.{key}"] = local(key)
        bound_session.append((names[f"session.{key}"], key))
    for step in plan.steps:
        for read in step.locals:
            names[read.ref] = local(read.name)
    return Locals(names, tuple(bound_inputs), tuple(bound_session))
