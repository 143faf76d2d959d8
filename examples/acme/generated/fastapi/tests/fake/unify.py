"""Match a received request against its step's description, recovering the values it carries.

The spec says how an integration builds each request from values it knows
(``${input.password}``, ``${session.token}``, ``${config.realm}`` ...).  The fake
runs that backwards: it walks the description beside the request and binds
each reference to the text found in its place, inverting transforms (base64,
urlencode) on the way.  Literal parts must be exactly as described, so a
broken integration gets a 400 that says what was wrong.

Messages never quote what was received: it may be a password or a token.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import parse_qs, unquote_plus

from .exchange import Request
from .routes import Step

try:
    from .. import expr  # inside authgen: generator/fake/
except (ImportError, ValueError):
    from . import expr  # copied into a generated package as fake/

#: The error kind of a request without the credentials its step needs.
INVALID_CREDENTIALS = "invalid_credentials"


class Rejected(Exception):
    """Raised when the fake refuses a request.

    :param status: the status to answer with when no error ``kind`` applies.
    :param kind: an error kind; the step's rule for it decides the status and body.
    :param alternate: answer with the last of several rules for ``kind``, not the first,
        so that integrations meet every rule a spec lists for one kind.
    """

    def __init__(self, message: str, *, status: int = 400, kind: str | None = None, alternate: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.kind = kind
        self.alternate = alternate


@dataclass
class Bindings:
    """The values a request gave the references of its step."""

    values: dict[expr.Ref, str] = field(default_factory=dict)
    #: input name -> the JSON pointer of the body member that carried it (form fields count as ``/name``).
    places: dict[str, str] = field(default_factory=dict)

    @property
    def inputs(self) -> dict[str, str]:
        return {ref.name: text for ref, text in self.values.items() if ref.ns == "input"}

    def bind(self, ref: expr.Ref, text: str, where: str) -> None:
        """Bind ``ref``; a reference used twice must have had the same value both times."""
        if self.values.setdefault(ref, text) != text:
            raise Rejected(f"{where}: ${{{ref}}} differs from its value elsewhere in the request")


def bind_request(step: Step, request: Request, path_values: dict[expr.Ref, str]) -> Bindings:
    """Match every part of ``request`` the step describes; raise :class:`Rejected` on the first difference.

    :param path_values: what :meth:`Step.match_path` found in the path.
    """
    found = Bindings()
    for ref, text in path_values.items():
        found.bind(ref, text, "path")
    _bind_pairs(step.query, request.query, found, "query parameter")
    for name, value in step.headers:
        text = request.headers.get(name.lower())
        if text is None:
            raise Rejected(f"header {name} is missing")
        unify_text(value, text, found, f"header {name}")
    _bind_auth(step, request, found)
    if step.json is not None:
        unify_json(step.json, json_body(request), found, optional=step.optional_inputs)
    if step.form is not None:
        _bind_pairs(step.form, _form_body(request), found, "form field", places=True)
    return found


def unify_text(value: expr.Value, text: str, found: Bindings, where: str) -> None:
    """Match ``text`` against a template or a transform of one."""
    if isinstance(value, expr.Transform):
        unify_text(value.arg, _invert(value.name, text, where), found, where)
        return
    if not isinstance(value, expr.Template):
        raise Rejected(f"{where}: the spec describes no text here")
    match = _template_pattern(value).fullmatch(text)
    if match is None:
        raise Rejected(f"{where} does not have the form {describe(value)!r}")
    for ref, group in zip(value.refs, match.groups(), strict=True):
        found.bind(ref, group, where)


def unify_json(
    value: expr.Value,
    doc: object,
    found: Bindings,
    tokens: tuple[str, ...] = (),
    optional: frozenset[str] = frozenset(),
) -> None:
    """Match a JSON document against a described body; members the spec does not name are allowed.

    A member holding an optional input must be left out when the input is
    empty: it may be missing, but never the empty text.
    """
    where = f"JSON body member {expr.Pointer(tokens)}" if tokens else "JSON body"
    if isinstance(value, expr.Obj):
        if not isinstance(doc, dict):
            raise Rejected(f"{where} must be an object")
        for key, item in value.items:
            member = expr.Pointer((*tokens, key))
            ref = item.single_ref if isinstance(item, expr.Template) else None
            if ref is not None and ref.ns == "input" and ref.name in optional:
                if key not in doc:
                    continue
                if doc[key] == "":
                    raise Rejected(f"JSON body member {member} holds an empty optional input: leave it out")
            if key not in doc:
                raise Rejected(f"JSON body member {member} is missing")
            unify_json(item, doc[key], found, (*tokens, key), optional)
    elif isinstance(value, expr.Arr):
        if not isinstance(doc, list) or len(doc) != len(value.items):
            raise Rejected(f"{where} must be an array of {len(value.items)} items")
        for index, item in enumerate(value.items):
            unify_json(item, doc[index], found, (*tokens, str(index)), optional)
    elif isinstance(value, expr.Const):
        if not _same_constant(doc, value.value):
            raise Rejected(f"{where} must be {json.dumps(value.value)}")
    else:
        if not isinstance(doc, str):
            raise Rejected(f"{where} must be text")
        ref = value.single_ref if isinstance(value, expr.Template) else None
        if ref is not None and ref.ns == "input":
            found.places[ref.name] = str(expr.Pointer(tokens))
        unify_text(value, doc, found, where)


def json_body(request: Request) -> object:
    """The request's body as JSON; it must say so in its Content-Type."""
    media = _media_type(request)
    if media != "application/json" and not media.endswith("+json"):
        raise Rejected("the body must be sent with Content-Type: application/json")
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise Rejected("the body is not valid JSON") from err


def describe(template: expr.Template) -> str:
    """The template as the spec wrote it."""
    return "".join(
        "${" + str(part) + "}" if isinstance(part, expr.Ref) else part.text.replace("${", "$${")
        for part in template.parts
    )


def _bind_pairs(
    pairs: tuple[tuple[str, expr.Value], ...],
    received: dict[str, list[str]],
    found: Bindings,
    what: str,
    *,
    places: bool = False,
) -> None:
    for name, value in pairs:
        texts = received.get(name, [])
        if len(texts) != 1:
            raise Rejected(f"{what} {name!r} is missing" if not texts else f"{what} {name!r} is sent more than once")
        ref = value.single_ref if isinstance(value, expr.Template) else None
        if places and ref is not None and ref.ns == "input":
            found.places[ref.name] = str(expr.Pointer((name,)))
        unify_text(value, texts[0], found, f"{what} {name!r}")


def _bind_auth(step: Step, request: Request, found: Bindings) -> None:
    """Match bearer and basic auth described by templates; service credentials are the service's check."""
    if step.auth.kind == "bearer":
        unify_text(step.auth.values[0], _credentials(request, "Bearer"), found, "bearer token")
    elif step.auth.kind == "basic":
        try:
            decoded = _decode_base64(_credentials(request, "Basic"), "basic credentials")
        except Rejected as err:
            raise Rejected(err.message, kind=INVALID_CREDENTIALS) from err
        username, colon, password = decoded.partition(":")
        if not colon:
            raise Rejected("basic credentials must be username:password", kind=INVALID_CREDENTIALS)
        unify_text(step.auth.values[0], username, found, "basic auth username")
        unify_text(step.auth.values[1], password, found, "basic auth password")


def _credentials(request: Request, scheme: str) -> str:
    """The credentials of an ``Authorization: <scheme> ...`` header."""
    given, _, credentials = request.headers.get("authorization", "").partition(" ")
    if given.lower() != scheme.lower() or not credentials:
        raise Rejected(f"an Authorization: {scheme} header is missing", kind=INVALID_CREDENTIALS)
    return credentials.strip()


def _form_body(request: Request) -> dict[str, list[str]]:
    if _media_type(request) != "application/x-www-form-urlencoded":
        raise Rejected("the body must be sent with Content-Type: application/x-www-form-urlencoded")
    try:
        return parse_qs(request.body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as err:
        raise Rejected("the form body is not UTF-8") from err


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _invert(transform: str, text: str, where: str) -> str:
    """Undo a transform the integration applied."""
    if transform == "base64":
        return _decode_base64(text, where)
    try:
        return unquote_plus(text, errors="strict")
    except UnicodeDecodeError as err:
        raise Rejected(f"{where} is not percent-encoded UTF-8") from err


def _decode_base64(text: str, where: str) -> str:
    try:
        return base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as err:
        raise Rejected(f"{where} is not base64 of UTF-8 text") from err


@cache
def _template_pattern(template: expr.Template) -> re.Pattern[str]:
    """A regular expression with one group per reference; the first of two adjacent ones takes the least."""
    return re.compile(
        "".join("(.*?)" if isinstance(part, expr.Ref) else re.escape(part.text) for part in template.parts),
        re.DOTALL,
    )


def _same_constant(received: object, expected: object) -> bool:
    """JSON equality that tells true from 1."""
    if isinstance(received, bool) or isinstance(expected, bool):
        return received is expected
    return received == expected and type(received) in (int, float, str) and type(expected) in (int, float, str)
