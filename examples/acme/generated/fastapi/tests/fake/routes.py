"""The spec as the fake reads it: every step of every operation, with the requests it answers.

The fake cannot import authgen's typed model (it is copied into generated
packages on its own), so it reads the raw spec data here, once, into small
frozen records.  authgen validated the spec before it got here, so its shape
is trusted; values are parsed with the same value language as the generator's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import unquote

try:
    from .. import expr  # inside authgen: generator/fake/
except (ImportError, ValueError):
    from . import expr  # copied into a generated package as fake/

#: Operations a spec may describe, in the order the fake reports them.
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

#: The extract name that holds the user record.
USER = "user"

#: The extract name of login and refresh that holds the access token's lifetime in seconds.
EXPIRES_IN = "expires_in"

#: The path under which the fake serves the URLs it hands out for hypermedia steps.
LINKS = "/_links/"

#: Success statuses of a step that does not list its own.
DEFAULT_OK = {"GET": (200,)}
DEFAULT_OK_WITH_BODY = (200, 201, 204)


@dataclass(frozen=True)
class Rule:
    """An error response the spec maps to an error kind."""

    status: int
    kind: str
    match: tuple[tuple[expr.Pointer, object], ...] = ()
    #: where the error body carries the service's own message, when the rule says.
    message: expr.Pointer | None = None


@dataclass(frozen=True)
class Auth:
    """How a step authenticates: none, service, bearer (one value) or basic (two values)."""

    kind: str
    values: tuple[expr.Value, ...] = ()


@dataclass(frozen=True)
class Step:
    """One request of an operation, as the spec describes it."""

    operation: str
    number: int  # 1-based, as in ${steps.<n>.name}
    method: str
    path: expr.Template
    raw_path: str
    query: tuple[tuple[str, expr.Value], ...] = ()
    headers: tuple[tuple[str, expr.Value], ...] = ()
    json: expr.Value | None = None
    form: tuple[tuple[str, expr.Value], ...] | None = None
    auth: Auth = Auth("none")
    ok: tuple[int, ...] = (200,)
    errors: tuple[Rule, ...] = ()
    extract: tuple[tuple[str, expr.Pointer], ...] = ()
    #: extract names the spec marks public = true (ids and links, not secrets)
    public: tuple[str, ...] = ()
    #: inputs the spec marks optional = true: their JSON members are sent only when not empty
    optional_inputs: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        """How logs name the step: never with the values of a request, which may be secret."""
        return f"{self.operation} step {self.number}: {self.method} {self.raw_path}"

    @property
    def absolute(self) -> bool:
        """True when the step goes to a URL an earlier response gave."""
        return isinstance(self.path.parts[0], expr.Ref)

    def rules(self, kind: str) -> list[Rule]:
        """The step's error rules for ``kind``, in spec order."""
        return [rule for rule in self.errors if rule.kind == kind]

    def match_path(self, path: str, base_url: str) -> dict[expr.Ref, str] | None:
        """The values of the path's references when ``path`` is one this step answers, else None.

        A step that starts with a reference answers the URLs the fake handed
        out under :data:`LINKS`; the reference then stands for the whole URL.
        """
        found = self._pattern.fullmatch(path)
        if found is None:
            return None
        values: dict[expr.Ref, str] = {}
        for index, (ref, text) in enumerate(zip(self.path.refs, found.groups(), strict=True)):
            value = base_url + LINKS + text if index == 0 and self.absolute else unquote(text)
            if values.setdefault(ref, value) != value:
                return None
        return values

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        pieces = []
        for index, part in enumerate(self.path.parts):
            if isinstance(part, expr.Lit):
                pieces.append(re.escape(part.text))
            elif index == 0:
                pieces.append(re.escape(LINKS) + r"([A-Za-z0-9_-]+)")
            else:
                pieces.append(r"([^/]+)")
        return re.compile("".join(pieces))


class Routes:
    """Every step of the spec, and how requests and extracted values find theirs."""

    def __init__(self, spec: dict) -> None:
        raw = spec["operations"]
        #: operation name -> its steps, in order.
        self.operations: dict[str, tuple[Step, ...]] = {
            name: tuple(
                _read_step(name, number, step, _optional_inputs(raw[name]))
                for number, step in enumerate(raw[name]["steps"], start=1)
            )
            for name in OPERATIONS
            if name in raw
        }
        self.steps = tuple(step for steps in self.operations.values() for step in steps)
        self._links = {self._link_origin(step) for step in self.steps if step.absolute}
        refresh = self.operations.get("refresh", ())
        sent = {ref.name for step in refresh for ref in _step_refs(step) if ref.ns == "session"}
        extracted = {name for step in refresh for name, _ in step.extract} - {EXPIRES_IN, USER}
        #: session values refresh sends and hands out anew: refresh tokens, used once each.
        self.rotating = frozenset(extracted & sent)
        #: session values refresh hands out without sending them: access tokens, which expire.
        #: A spec without refresh has none, and its tokens last until logout.
        self.expiring = frozenset(extracted - sent)

    def find(self, method: str, path: str, base_url: str) -> list[tuple[Step, dict[expr.Ref, str]]]:
        """The steps that answer ``method`` on ``path``, with the values found in the path."""
        found = []
        for step in self.steps:
            if step.method == method:
                values = step.match_path(path, base_url)
                if values is not None:
                    found.append((step, values))
        return found

    def origin(self, ref: expr.Ref, operation: str) -> Step:
        """The step whose extract a ``${session.x}`` or ``${steps.n.x}`` reference reads."""
        if ref.ns == "steps":
            return self.operations[operation][(ref.step or 1) - 1]
        return [step for step in self.operations["login"] if ref.name in dict(step.extract)][-1]

    def origins(self, ref: expr.Ref, operation: str) -> set[tuple[str, int, str]]:
        """Every (operation, step, name) a value of ``ref`` may have been handed out as.

        A session value comes from login, or from the refresh that replaced it.
        """
        origin = self.origin(ref, operation)
        found = {(origin.operation, origin.number, ref.name)}
        if ref.ns == "session":
            found |= {
                (step.operation, step.number, ref.name)
                for step in self.operations.get("refresh", ())
                if ref.name in dict(step.extract)
            }
        return found

    def is_link(self, step: Step, name: str) -> bool:
        """True when a later step goes to the URL ``step`` extracts as ``name``."""
        return (step.operation, step.number, name) in self._links

    def _link_origin(self, step: Step) -> tuple[str, int, str]:
        ref = step.path.parts[0]
        assert isinstance(ref, expr.Ref)
        origin = self.origin(ref, step.operation)
        return origin.operation, origin.number, ref.name


def _read_step(operation: str, number: int, raw: dict, optional_inputs: frozenset[str] = frozenset()) -> Step:
    method = raw["method"].upper()
    return Step(
        optional_inputs=optional_inputs,
        operation=operation,
        number=number,
        method=method,
        path=expr.parse_template(raw["path"]),
        raw_path=raw["path"],
        query=_pairs(raw.get("query", {})),
        headers=_pairs(raw.get("headers", {})),
        json=expr.parse_value(raw["json"], body=True) if "json" in raw else None,
        form=_pairs(raw["form"]) if "form" in raw else None,
        auth=_read_auth(raw.get("auth", "none")),
        ok=tuple(raw.get("ok", DEFAULT_OK.get(method, DEFAULT_OK_WITH_BODY))),
        errors=_read_errors(raw.get("errors", {})),
        extract=tuple((name, expr.parse_pointer(_from(pointer))) for name, pointer in raw.get("extract", {}).items()),
        public=tuple(
            name for name, item in raw.get("extract", {}).items() if isinstance(item, dict) and item.get("public")
        ),
    )


def _step_refs(step: Step) -> list[expr.Ref]:
    """Every reference the step's request is built from: path, query, headers, auth and body."""
    values: list[expr.Value] = [
        step.path,
        *(v for _, v in step.query),
        *(v for _, v in step.headers),
        *step.auth.values,
    ]
    values += [v for _, v in step.form or ()]
    if step.json is not None:
        values.append(step.json)
    return [ref for value in values for ref in expr.refs_of(value)]


def _pairs(raw: dict) -> tuple[tuple[str, expr.Value], ...]:
    return tuple((name, expr.parse_value(value)) for name, value in raw.items())


def _read_auth(raw: str | dict) -> Auth:
    if isinstance(raw, str):
        return Auth(raw)
    ((kind, arg),) = raw.items()
    if kind == "bearer":
        return Auth(kind, (expr.parse_value(arg),))
    return Auth(kind, (expr.parse_value(arg["username"]), expr.parse_value(arg["password"])))


def _read_errors(raw: dict | list) -> tuple[Rule, ...]:
    if isinstance(raw, dict):
        return tuple(Rule(int(status), kind) for status, kind in raw.items())
    return tuple(
        Rule(
            item["status"],
            item["kind"],
            tuple((expr.parse_pointer(p), _matched(v)) for p, v in item.get("match", {}).items()),
            expr.parse_pointer(item["message"]) if "message" in item else None,
        )
        for item in raw
    )


def _from(extract: str | dict) -> str:
    """An extract's pointer: the text, or the ``from`` of ``{ from = "...", public = true }``."""
    return extract["from"] if isinstance(extract, dict) else extract


def _matched(value: object) -> object:
    """A match value: as written, or the text of ``{ text = "7101" }``."""
    return value["text"] if isinstance(value, dict) else value


def _optional_inputs(operation: dict) -> frozenset[str]:
    """The inputs an operation marks ``optional = true``."""
    return frozenset(name for name, item in operation.get("inputs", {}).items() if item.get("optional"))
