"""The control endpoints under ``/__fake__/``: how tests look inside the fake and steer it.

=======  ================================  ==================================================
GET      /__fake__/health                  ``{"ok": true}``
GET      /__fake__/users                   every user by key: username, password, record,
                                           fields, expected, disabled, deleted, unverified
GET      /__fake__/calls                   operations counted at their first step, recent
                                           requests, password resets asked for, and the
                                           values (tokens, ids, links) handed out
POST     /__fake__/reset                   everything back to the start
POST     /__fake__/faults                  inject a fault (see :func:`parse_fault`)
DELETE   /__fake__/faults                  remove every fault
POST     /__fake__/users/<key>/disable     the user becomes inactive
DELETE   /__fake__/users/<key>             the user is deleted
POST     /__fake__/tokens                  ``{"ttl": <seconds>}``: the lifetime of the access
                                           tokens handed out from now on (default 300; reset
                                           restores it); login and refresh answer it as
                                           ``expires_in``
POST     /__fake__/users/<key>/expire      that user's current access tokens expire now
POST     /__fake__/expire                  everyone's current access tokens expire now
GET      /__fake__/sessions                ``{"<user key>": <live service sessions>}``, every
                                           user, 0 included: login opens one, logout ends it
GET      /__fake__/outbox                  the mails sent, newest last: ``[{"to", "user",
                                           "kind": "reset" | "verify", "token"}]``
POST     /__fake__/tokens/<token>/expire   that reset or verification token has expired (its
                                           next use answers ``expired_token``)
=======  ================================  ==================================================

With ``[service.oidc]`` the fake is an OpenID provider (:mod:`.oidc`); faults
name its endpoints (``discovery``, ``authorize``, ``token``, ``jwks``,
``userinfo``, ``logout``), the call counts count them by those names, the
access, refresh and ID tokens are the values handed out (``/__fake__/expire``,
``/__fake__/tokens``, ``/__fake__/sessions`` and ``issued`` apply to them), and:

=======  ================================  ==================================================
POST     /__fake__/oidc/expire             every access token issued so far expires now (as
                                           ``/__fake__/expire``)
POST     /__fake__/oidc/lifetime           ``{"access_token_s": N}``: the lifetime of access
                                           tokens issued from now on (default 300; as
                                           ``/__fake__/tokens``)
POST     /__fake__/oidc/tamper             ``{"next_id_token": "issuer" | "audience" |
                                           "signature" | "expired" | "nonce"}``: the next ID
                                           token the token endpoint issues is wrong so (once)
GET      /__fake__/oidc/sessions           ``{"sessions": N}``: live provider sessions
=======  ================================  ==================================================

What the session lifecycle operations do (when the spec has them):

- An access token is a value refresh hands out without sending it (``token``
  in the Acme spec, ``access_token`` for Keycloak).  It stops working after the
  token lifetime: get_user then answers its ``invalid_credentials`` rule,
  change_password its ``expired`` rule.  Logout still accepts it.  A spec
  without refresh has no expiring tokens.
- A refresh token (a value refresh sends and hands out anew) works once: a
  second refresh with it answers ``invalid_credentials``, so an integration
  that refreshes twice at once signs its user out, and its tests see it.
- Logout ends the service session: every value of that login stops working and
  ``/__fake__/sessions`` counts one less.
- forgot_password for a known user mails a reset token (an unknown one mails
  nothing; the answer is the same).  A spec with verify_email has the fixture
  user ``unverified``: login answers its ``unverified`` rule until verify_email
  gets the token mailed to it at the start (and after ``/__fake__/reset``).  A reset or
  verification token works once: used, made up or of the other kind it answers
  ``invalid_token``; expired by the control above, ``expired_token``.
- A new password (reset_password, change_password; register when its step has a
  ``password_policy`` rule) needs 8 characters, else 422 with
  ``{"error": {"code": "password_policy", "message": "Password must be at least
  8 characters."}}`` (or the body the rule describes).  change_password checks
  the current password (wrong: ``invalid_credentials``).
"""

from __future__ import annotations

import json
from dataclasses import replace

from .exchange import Reply, Request, json_reply
from .service import IdentityService
from .state import Fault
from .unify import Rejected

try:
    from .. import expr  # inside authgen: generator/fake/
except (ImportError, ValueError):
    from . import expr  # copied into a generated package as fake/

#: The path every control endpoint lives under.
PREFIX = "/__fake__"

#: The keys a fault may have.
FAULT_KEYS = ("operation", "status", "delay", "drop", "body", "omit", "times")

#: How ``POST /__fake__/oidc/tamper`` can make the next ID token wrong (as :data:`.oidc.TAMPERS`, which
#: imports the ``cryptography`` package: not imported for a spec without [service.oidc]).
OIDC_TAMPERS = ("issuer", "audience", "signature", "expired", "nonce")

#: The keys ``POST /__fake__/tokens`` takes.
TOKEN_KEYS = ("ttl",)


def is_control(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def answer(service: IdentityService, request: Request) -> Reply:
    """The reply of a control endpoint."""
    try:
        reply = _route(service, request)
    except Rejected as err:
        reply = json_reply(err.status, {"error": err.message})
    return replace(reply, label=f"control: {request.method} {request.path}")


def parse_fault(body: bytes, operations: tuple[str, ...]) -> tuple[str | None, Fault]:
    """Read a fault from JSON such as ``{"operation": "login", "status": 503, "times": 1}``.

    ``operation`` left out means every operation.  The effects: ``status``
    (answer it, with the body of the step's rule for it), ``delay`` (seconds
    to wait first), ``drop`` (close the connection without answering),
    ``body`` (answer this raw text with 200) and ``omit`` (answer normally but
    without the value at this JSON pointer).  ``times`` limits how many
    requests it applies to; otherwise it lasts until reset.
    """
    doc = _json_object(body)
    unknown = sorted(set(doc) - set(FAULT_KEYS))
    if unknown:
        raise Rejected(f"unknown fault keys {unknown}; use {', '.join(FAULT_KEYS)}")
    operation = doc.get("operation")
    if operation is not None and operation not in operations:
        raise Rejected(f"the spec has no operation {operation!r}; it has {', '.join(operations)}")
    status = _typed(doc, "status", int, "a status code")
    if status is not None and not 100 <= status <= 599:
        raise Rejected("status must be between 100 and 599")
    delay = _typed(doc, "delay", (int, float), "a number of seconds")
    if delay is not None and delay < 0:
        raise Rejected("delay must not be negative")
    times = _typed(doc, "times", int, "a number of requests")
    if times is not None and times < 1:
        raise Rejected("times must be at least 1")
    omit = _typed(doc, "omit", str, "a JSON pointer")
    try:
        pointer = expr.parse_pointer(omit) if omit is not None else None
    except expr.ExprError as err:
        raise Rejected(str(err)) from err
    fault = Fault(
        status,
        float(delay or 0),
        bool(_typed(doc, "drop", bool, "true or false")),
        _typed(doc, "body", str, "text"),
        pointer,
        times,
    )
    if fault.status is None and not fault.delay and not fault.drop and fault.body is None and fault.omit is None:
        raise Rejected("a fault needs one of status, delay, drop, body or omit")
    return operation, fault


def _route(service: IdentityService, request: Request) -> Reply:
    state = service.state
    parts = tuple(request.path[len(PREFIX) :].strip("/").split("/"))
    method = request.method
    if parts == ("health",):
        _allow(method, "GET")
        return json_reply(200, {"ok": True})
    if parts == ("users",):
        _allow(method, "GET")
        return json_reply(200, state.users_view())
    if parts == ("calls",):
        _allow(method, "GET")
        return json_reply(200, state.calls_view())
    if parts == ("reset",):
        _allow(method, "POST")
        state.reset()
        if _provider(service):
            service.reset()
        return json_reply(200, {"ok": True})
    if parts == ("faults",):
        _allow(method, "POST", "DELETE")
        if method == "DELETE":
            state.clear_faults()
        else:
            names = service.operation_names if _provider(service) else tuple(service.routes.operations)
            state.set_fault(*parse_fault(request.body, names))
        return json_reply(200, {"ok": True})
    if parts[:1] == ("oidc",) and _provider(service):
        return _oidc(service, parts[1:], method, request.body)
    if len(parts) == 3 and parts[0] == "users" and parts[2] == "disable":
        _allow(method, "POST")
        return json_reply(200, state.disable(_user_key(state.users, parts[1])))
    if len(parts) == 3 and parts[0] == "users" and parts[2] == "expire":
        _allow(method, "POST")
        return json_reply(200, {"expired": state.expire_tokens(_user_key(state.users, parts[1]))})
    if parts == ("expire",):
        _allow(method, "POST")
        return json_reply(200, {"expired": state.expire_tokens()})
    if parts == ("tokens",):
        _allow(method, "POST")
        state.token_ttl = parse_ttl(request.body)
        return json_reply(200, {"ok": True})
    if len(parts) == 3 and parts[0] == "tokens" and parts[2] == "expire":
        _allow(method, "POST")
        if parts[1] not in state.mail_tokens:
            raise Rejected("no reset or verification token like this was mailed", status=404)
        state.expire_mail_token(parts[1])
        return json_reply(200, {"ok": True})
    if parts == ("sessions",):
        _allow(method, "GET")
        return json_reply(200, state.sessions_view())
    if parts == ("outbox",):
        _allow(method, "GET")
        with state.lock:
            return json_reply(200, list(state.outbox))
    if len(parts) == 2 and parts[0] == "users":
        _allow(method, "DELETE")
        state.delete(_user_key(state.users, parts[1]))
        return json_reply(200, {"ok": True})
    raise Rejected(f"no control endpoint {request.path}", status=404)


def _provider(service: IdentityService) -> bool:
    """Whether the fake is an OpenID provider (a spec with [service.oidc])."""
    return hasattr(service, "signer")


def _oidc(provider, parts: tuple[str, ...], method: str, body: bytes) -> Reply:  # noqa: ANN001 (oidc is imported lazily)
    """The OpenID provider's controls."""
    if parts == ("expire",):
        _allow(method, "POST")
        return json_reply(200, {"expired": provider.expire_access_tokens()})
    if parts == ("lifetime",):
        _allow(method, "POST")
        doc = _json_object(body)
        unknown = sorted(set(doc) - {"access_token_s"})
        if unknown:
            raise Rejected(f"unknown keys {unknown}; use access_token_s")
        seconds = _typed(doc, "access_token_s", (int, float), "a number of seconds")
        if seconds is None or seconds <= 0:
            raise Rejected("access_token_s must be a number of seconds above 0")
        provider.set_lifetime(seconds)
        return json_reply(200, {"ok": True})
    if parts == ("tamper",):
        _allow(method, "POST")
        doc = _json_object(body)
        how = doc.get("next_id_token")
        if set(doc) != {"next_id_token"} or how not in OIDC_TAMPERS:
            raise Rejected(f'write {{"next_id_token": <one of {", ".join(OIDC_TAMPERS)}>}}')
        provider.set_tamper(how)
        return json_reply(200, {"ok": True})
    if parts == ("sessions",):
        _allow(method, "GET")
        return json_reply(200, {"sessions": provider.session_count()})
    raise Rejected(f"no control endpoint {PREFIX}/oidc/{'/'.join(parts)}", status=404)


def parse_ttl(body: bytes) -> float:
    """The access-token lifetime of ``{"ttl": <seconds>}``: a positive number."""
    doc = _json_object(body)
    unknown = sorted(set(doc) - set(TOKEN_KEYS))
    if unknown:
        raise Rejected(f"unknown keys {unknown}; use {', '.join(TOKEN_KEYS)}")
    ttl = _typed(doc, "ttl", (int, float), "a number of seconds")
    if ttl is None or ttl <= 0:
        raise Rejected("ttl must be a number of seconds above 0")
    return ttl


def _allow(method: str, *allowed: str) -> None:
    if method not in allowed:
        raise Rejected(f"use {' or '.join(allowed)} here", status=405)


def _user_key(users: dict[str, dict], key: str) -> str:
    if key not in users:
        raise Rejected(f"no user {key!r}; the users are {', '.join(users)}", status=404)
    return key


def _json_object(body: bytes) -> dict:
    try:
        doc = json.loads(body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError) as err:
        raise Rejected("the body is not valid JSON") from err
    if not isinstance(doc, dict):
        raise Rejected("the body must be a JSON object")
    return doc


def _typed(doc: dict, key: str, kind: type | tuple[type, ...], what: str) -> object:
    """``doc[key]`` when it is of type ``kind`` (booleans are not numbers), None when absent."""
    value = doc.get(key)
    if value is None:
        return None
    if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
        raise Rejected(f"{key} must be {what}")
    return value
