"""What the generated clients need besides sending plain requests.

A client only carries the helpers its spec uses (an unused ``base64`` helper
would be dead code a reader has to wonder about).  Which ones those are is a
property of the spec's steps, decided here once, rather than by each emitter
searching the code it has just written for ``name(``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .. import expr
from ..model import EXPIRES_IN, FIXED_INPUTS, Spec, Step
from .operations import LIFECYCLE
from .requests import BasicAuth, BearerAuth, request_auth


@dataclass(frozen=True)
class ClientNeeds:
    """The runtime helpers a spec's requests call for, in language-neutral terms."""

    #: a value goes through the ``base64`` transform.
    base64: bool = False
    #: a value goes through the ``urlencode`` transform, or a reference fills part of a URL path.
    urlencode: bool = False
    #: a request carries an HTTP Basic ``Authorization`` header (service credentials or a basic step).
    basic_auth: bool = False
    #: a bearer token is computed (a transform), so ``Bearer `` is prefixed at run time.
    computed_bearer: bool = False
    #: a JSON body holds an object (languages without literals build it: Jackson's ``ObjectNode``).
    json_objects: bool = False
    #: a JSON body holds an array.
    json_arrays: bool = False
    #: an error rule looks at values in the response body, not only its status.
    error_matches: bool = False
    #: a step extracts ``expires_in``: the client computes the session's deadline, ``expires_at``.
    deadline: bool = False
    #: an error rule passes the service's own message through (``message = "<pointer>"``).
    service_message: bool = False
    #: a lifecycle method reads what the user entered from its ``input`` mapping (a required key may be missing).
    input_argument: bool = False
    #: an operation has inputs the spec marks optional: a JSON body leaves them out when empty.
    optional_inputs: bool = False

    def helpers(self, **names: str) -> list[str]:
        """The language's helper names for the needs that hold, in the order given.

        ``needs.helpers(base64="_base64", urlencode="_quote")`` is ``["_quote"]``
        when only ``urlencode`` holds: each keyword is a field of this class.
        """
        return [name for need, name in names.items() if getattr(self, need)]


def client_needs(spec: Spec) -> ClientNeeds:
    """The helpers every step of every operation of ``spec`` needs, taken together."""
    steps = [step for op in spec.operations.values() for step in op.steps]
    auths = [request_auth(spec, step) for step in steps]
    nodes = [node for step in steps for value in step_values(step) for node in nodes_of(value)]
    transforms = {node.name for node in nodes if isinstance(node, expr.Transform)}
    return ClientNeeds(
        base64="base64" in transforms,
        urlencode="urlencode" in transforms or any(path_segment_refs(step) for step in steps),
        basic_auth=any(isinstance(how, BasicAuth) for how in auths),
        computed_bearer=any(isinstance(how, BearerAuth) and not isinstance(how.token, expr.Template) for how in auths),
        json_objects=any(isinstance(node, expr.Obj) for node in nodes),
        json_arrays=any(isinstance(node, expr.Arr) for node in nodes),
        error_matches=any(rule.match for step in steps for rule in step.errors),
        deadline=any(name == EXPIRES_IN for step in steps for name, _ in step.extract),
        service_message=any(rule.message is not None for step in steps for rule in step.errors),
        input_argument=any(FIXED_INPUTS.get(name) for name in spec.operations if name in LIFECYCLE),
        optional_inputs=any(op.optional_inputs for op in spec.operations.values()),
    )


@dataclass(frozen=True)
class UserNeeds:
    """What reading the user record calls for: the converters, transforms and pointer filters the fields use."""

    #: the types of the fields read without a value transform (each needs its type's converter)
    types: frozenset[str] = frozenset()
    #: the value transforms fields use (``last_segment``), sorted
    transforms: tuple[str, ...] = ()
    #: a field's pointer filters a list, ``*[member=value]``
    pointer_filters: bool = False


def user_needs(spec: Spec) -> UserNeeds:
    """What the spec's [user] fields call for."""
    return UserNeeds(
        types=frozenset(f.type for f in spec.user if not f.transform),
        transforms=tuple(sorted({f.transform for f in spec.user if f.transform})),
        pointer_filters=any(f.pointer.where for f in spec.user),
    )


def step_values(step: Step) -> Iterator[expr.Value]:
    """Every value a step sends: path, query, headers, auth values, JSON or form body."""
    yield step.path
    yield from (v for _, v in step.query)
    yield from (v for _, v in step.headers)
    yield from step.auth.values
    if step.json is not None:
        yield step.json
    yield from (v for _, v in step.form or ())


def nodes_of(value: expr.Value) -> Iterator[expr.Value]:
    """A value and every value inside it (object members, array items, transform arguments), outermost first."""
    yield value
    if isinstance(value, expr.Transform):
        yield from nodes_of(value.arg)
    elif isinstance(value, expr.Obj):
        for _, item in value.items:
            yield from nodes_of(item)
    elif isinstance(value, expr.Arr):
        for item in value.items:
            yield from nodes_of(item)


def transforms_of(value: expr.Value) -> Iterator[str]:
    """The names of the transforms in a value, nested ones included, outermost first."""
    return (node.name for node in nodes_of(value) if isinstance(node, expr.Transform))


def path_segment_refs(step: Step) -> tuple[expr.Ref, ...]:
    """The references that fill part of the URL path, and so are percent-encoded.

    The first part of an absolute path (a URL an earlier step extracted) is
    used as it is, not encoded.
    """
    parts = step.path.parts[1:] if step.absolute else step.path.parts
    return tuple(p for p in parts if isinstance(p, expr.Ref))
