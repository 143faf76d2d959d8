"""The identity service a spec describes, without HTTP: the answer each request gets.

A request is matched to a step by method and path, then unified with the
step's description (:mod:`.unify`), then checked: configured values must be
the ones the integration was given, and session or step values must be ones
this fake handed out.  Then the operation decides: log in, fetch the user,
register, start a password reset (mailing a token to the outbox), refresh
the session's tokens, log out, complete a reset, change a password, verify an
email address.  Success answers carry every ``extract`` at its pointer;
failures answer the status (and body) of the step's rule for the error kind,
or a default status when the spec maps none.

Session lifecycle, when the spec has the operations:

- login opens a service session (one per login); every value handed out for
  it belongs to it.  Logout ends it: its values stop working.  An expired
  access token still identifies the session to logout, as token revocation
  does at real services.
- access tokens (what refresh hands out without sending it) expire after the
  token lifetime, which login and refresh answer as ``expires_in``; an expired
  one answers the step's ``expired`` rule, else its ``invalid_credentials``.
- refresh tokens (what refresh both sends and hands out) rotate: each works
  once, a used one answers ``invalid_credentials``.
- a new password (reset, change, and register when its step has a
  ``password_policy`` rule) needs :data:`MIN_PASSWORD` characters.
"""

from __future__ import annotations

import base64
import copy
import time
from dataclasses import dataclass, replace

from . import fixtures
from .exchange import DROP, Reply, Request, json_reply, text_reply
from .routes import EXPIRES_IN, LINKS, USER, Routes, Rule, Step
from .state import EXPIRED, USED, Fault, Handle, State
from .unify import INVALID_CREDENTIALS, Bindings, Rejected, bind_request

try:
    from .. import expr  # inside authgen: generator/fake/
except (ImportError, ValueError):
    from . import expr  # copied into a generated package as fake/

ACCOUNT_DISABLED = "account_disabled"
USER_NOT_FOUND = "user_not_found"
CONFLICT = "conflict"
INVALID_INPUT = "invalid_input"
EXPIRED_ACCESS = "expired"
INVALID_TOKEN = "invalid_token"
EXPIRED_TOKEN = "expired_token"
PASSWORD_POLICY = "password_policy"
UNVERIFIED = "unverified"

#: The status of an error kind the step has no rule for.
DEFAULT_STATUS = {
    INVALID_CREDENTIALS: 401,
    ACCOUNT_DISABLED: 403,
    USER_NOT_FOUND: 404,
    CONFLICT: 409,
    INVALID_INPUT: 400,
    "service_unavailable": 503,
    EXPIRED_ACCESS: 401,
    INVALID_TOKEN: 404,
    EXPIRED_TOKEN: 410,
    PASSWORD_POLICY: 422,
    UNVERIFIED: 403,
}

#: The fewest characters a new password may have.
MIN_PASSWORD = 8

#: What the service says of a new password that is too short (the fake's own policy text).
POLICY_MESSAGE = f"Password must be at least {MIN_PASSWORD} characters."


@dataclass(frozen=True)
class Bound:
    """A request matched to its step: the values it carried, and whose they are."""

    bindings: Bindings
    #: the operation run the request continues (it used ``${steps.n.x}``), else None.
    run: int | None
    #: the user its session or step values were issued to, else None.
    user: str | None
    #: the service session (login run) its session values belong to, else None.
    session: int | None = None


class IdentityService:
    """Answers requests the way the spec says the real service does.

    :param spec: the raw spec, as loaded from a valid TOML file.
    :param settings: the values the integration under test is configured with.
    :param base_url: where the fake listens; links it hands out point there.
    """

    def __init__(self, spec: dict, settings: dict[str, str], base_url: str) -> None:
        self.spec = spec
        self.settings = settings
        self.base_url = base_url
        self.routes = Routes(spec)
        self.state = State(spec)
        self._service_credentials = _service_credentials(spec, settings)

    def answer(self, request: Request) -> Reply:
        """The reply to one request; a fault's delay is slept without holding the state."""
        with self.state.lock:
            matches = self.routes.find(request.method, request.path, self.base_url)
            if not matches:
                self.state.note_request(request.method, request.path, None, 404)
                message = f"no step of the spec answers {request.method} {request.path}"
                return json_reply(404, {"error": message}, label=message)
            step, outcome = self._bind_first(request, matches)
            self.state.note_call(step)
            fault = self.state.take_fault(step.operation)
            shared = self._shared_steps(step, outcome, request, matches)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        with self.state.lock:
            reply = self._respond(step, outcome, fault, shared)
            self.state.note_request(request.method, request.path, step, None if reply.drop else reply.status)
        return replace(reply, label=step.label)

    # -- matching -----------------------------------------------------------

    def _bind_first(self, request: Request, matches: list) -> tuple[Step, Bound | Rejected]:
        """The first step the request fully matches, else the likeliest candidate with its reason.

        Several steps may answer the fake's own links; the one the link was
        handed out for is the likeliest, so its reason is the one reported.
        """
        ranked = sorted(((not self._link_fits(*match), match) for match in matches), key=lambda item: item[0])
        failures: list[tuple[bool, bool, Step, Rejected]] = []
        for unfit, (step, path_values) in ranked:
            try:
                return step, self._bind(step, request, path_values)
            except Rejected as err:
                failures.append((unfit, err.kind is None, step, err))
        # among steps that fit equally, a refusal with an error kind comes from the step the
        # request was meant for (Keycloak's refresh and login share the token endpoint: a used
        # refresh token must answer refresh's rule, not "grant_type must be password")
        _, _, step, err = min(failures, key=lambda failure: failure[:2])
        return step, err

    def _shared_steps(self, step: Step, outcome: Bound | Rejected, request: Request, matches: list) -> list:
        """Other steps this same request also answers, when it carries no input.

        Two operations may start by reading the same resource (register and
        forgot_password both GET the application, each for its own link); the
        real resource holds every link, so the fake's answer does too.
        """
        if isinstance(outcome, Rejected) or outcome.bindings.inputs:
            return []
        shared = []
        for other, path_values in matches:
            if other is step:
                continue
            try:
                bound = self._bind(other, request, path_values)
            except Rejected:
                continue
            if not bound.bindings.inputs:
                shared.append((other, bound))
        return shared

    def _link_fits(self, step: Step, path_values: dict) -> bool:
        """True when the step starts at a link the fake handed out for exactly this step."""
        if not step.absolute:
            return True
        ref = step.path.parts[0]
        return self._issued_for(self.state.handles.get(path_values[ref]), ref, step)

    def _issued_for(self, handle: Handle | None, ref: expr.Ref, step: Step) -> bool:
        """True when ``handle`` was handed out as the value ``ref`` names, as seen from ``step``."""
        return handle is not None and (handle.operation, handle.step, handle.name) in self.routes.origins(
            ref, step.operation
        )

    def _bind(self, step: Step, request: Request, path_values: dict) -> Bound:
        if step.auth.kind == "service" and self._service_credentials is not None:
            header, value = self._service_credentials
            if request.headers.get(header.lower()) != value:
                raise Rejected(f"the service credentials ({header}) are missing or wrong", status=401)
        bindings = bind_request(step, request, path_values)
        self._check_settings(bindings)
        return self._owner(step, bindings)

    def _check_settings(self, bindings: Bindings) -> None:
        """``${config.x}`` and ``${service.x}`` must hold what the integration is configured with."""
        for ref, text in bindings.values.items():
            if ref.ns == "config" and text != self.settings.get(ref.name):
                raise Rejected(f"${{{ref}}} is not the value the integration is configured with")
            if ref.ns == "service" and ref.name == "base_url" and text != self.base_url:
                raise Rejected(f"${{{ref}}} is not the fake's URL {self.base_url}")
            if ref.ns == "service" and ref.name != "base_url" and text != self.settings.get(ref.name):
                raise Rejected(f"${{{ref}}} is not the configured credential", status=401)

    def _owner(self, step: Step, bindings: Bindings) -> Bound:
        """The run, user and session that the request's session and step values were issued to; all must agree.

        An expired access token is refused, except by logout (see the module docstring).
        """
        users: set[str] = set()
        runs: set[int] = set()
        sessions: set[int] = set()
        for ref, value in bindings.values.items():
            if ref.ns not in ("session", "steps"):
                continue
            handle = self.state.handles.get(value)
            if handle is None:
                raise Rejected(f"${{{ref}}} was not issued by this service, or was revoked", kind=INVALID_CREDENTIALS)
            if not self._issued_for(handle, ref, step):
                raise Rejected(f"${{{ref}}} holds a value issued for something else", kind=INVALID_CREDENTIALS)
            if self.state.expired(value) and step.operation != "logout":
                kind = EXPIRED_ACCESS if step.rules(EXPIRED_ACCESS) else INVALID_CREDENTIALS
                raise Rejected(f"${{{ref}}} has expired", kind=kind)
            if handle.user is not None:
                users.add(handle.user)
            (runs if ref.ns == "steps" else sessions).add(handle.run)
        if len(users) > 1 or len(runs) > 1 or len(sessions) > 1:
            raise Rejected("the values in this request belong to different sessions", kind=INVALID_CREDENTIALS)
        return Bound(bindings, next(iter(runs), None), next(iter(users), None), next(iter(sessions), None))

    # -- answering ----------------------------------------------------------

    def _respond(self, step: Step, outcome: Bound | Rejected, fault: Fault | None, shared: list) -> Reply:
        if fault is not None and fault.drop:
            return DROP
        if fault is not None and fault.status is not None:
            return self._fault_reply(step, fault.status)
        if fault is not None and fault.body is not None:
            return text_reply(200, fault.body)
        if isinstance(outcome, Rejected):
            return self._refuse(step, outcome)
        behaviour = {
            "login": self._login,
            "get_user": self._get_user,
            "register": self._register,
            "forgot_password": self._forgot_password,
            "refresh": self._refresh,
            "logout": self._logout,
            "reset_password": self._reset_password,
            "change_password": self._change_password,
            "verify_email": self._verify_email,
        }[step.operation]
        try:
            user = behaviour(step, outcome)
        except Rejected as err:
            return self._refuse(step, err)
        run = self._run_of(outcome)
        doc = self._success_body(step, outcome, user, run)
        if step.operation == "login" and user is not None:
            self.state.open_session(run, user)
        for other, bound in shared:
            extra = self._success_body(other, bound, None)
            for _name, pointer in other.extract:
                doc = _place(doc, pointer, expr.resolve(extra, pointer))
        if fault is not None and fault.omit is not None:
            doc = _omit(doc, fault.omit)
        status = step.ok[0]
        return json_reply(status, None if status == 204 else doc)

    def _run_of(self, bound: Bound) -> int:
        """The run new values belong to: the one the request continues, else its service session, else a new one."""
        if bound.run is not None:
            return bound.run
        return bound.session if bound.session is not None else self.state.new_run()

    def _success_body(self, step: Step, bound: Bound, user: str | None, run: int | None = None) -> object:
        """A body holding every extract at its pointer: the user record, the token lifetime, fresh handles or links."""
        run = run if run is not None else self._run_of(bound)
        record = self.state.users[user]["record"] if user is not None else None
        body: object = {}
        # the record first: values placed inside it afterwards must not be overwritten by it
        for name, pointer in sorted(step.extract, key=lambda item: item[0] != USER):
            if name == USER:
                value: object = copy.deepcopy(record) if record is not None else {}
            elif name == EXPIRES_IN and step.operation in ("login", "refresh"):
                value = _number(self.state.token_ttl)
            else:
                link = self.base_url + LINKS if self.routes.is_link(step, name) else None
                expires = step.operation in ("login", "refresh") and name in self.routes.expiring
                handle = Handle(step.operation, step.number, name, run, user, public=name in step.public)
                value = self.state.issue(handle, link, expires=expires)
            body = _place(body, pointer, value)
        return body

    def _refuse(self, step: Step, err: Rejected) -> Reply:
        if err.kind is None:
            return json_reply(err.status, {"error": err.message})
        rules = step.rules(err.kind)
        if not rules:
            return json_reply(DEFAULT_STATUS[err.kind], {"error": err.kind, "message": err.message})
        rule = rules[-1] if err.alternate else rules[0]
        return json_reply(rule.status, _error_body(rule, err.message))

    def _fault_reply(self, step: Step, status: int) -> Reply:
        """An injected status, with the body of the step's rule for it so the integration reads it as that rule."""
        rule = next((rule for rule in step.errors if rule.status == status), None)
        message = "fault injected by /__fake__/faults"
        return json_reply(status, _error_body(rule, message) if rule else {"error": message})

    # -- operations ---------------------------------------------------------

    def _login(self, step: Step, bound: Bound) -> str:
        """Check the username and password a step carries; a disabled user is refused where the step can say so."""
        inputs = bound.bindings.inputs
        user = bound.user
        if "username" in inputs:
            found = self.state.find_user(inputs["username"])
            if found is None:
                raise Rejected("unknown username or wrong password", kind=INVALID_CREDENTIALS, alternate=True)
            if user is not None and found != user:
                raise Rejected("the username is not the one this login started with", kind=INVALID_CREDENTIALS)
            user = found
        if user is None:
            raise Rejected("this login step carries no username and continues no login")
        if user in self.state.deleted:
            raise Rejected("unknown username or wrong password", kind=INVALID_CREDENTIALS, alternate=True)
        if "password" in inputs and inputs["password"] != self.state.users[user]["password"]:
            raise Rejected("unknown username or wrong password", kind=INVALID_CREDENTIALS)
        if user in self.state.disabled and step.rules(ACCOUNT_DISABLED):
            raise Rejected("the account is disabled", kind=ACCOUNT_DISABLED)
        if user in self.state.unverified:
            raise Rejected("the email address is not verified yet", kind=UNVERIFIED)
        return user

    def _get_user(self, step: Step, bound: Bound) -> str:
        """The session's user.

        A deleted user is not found, or, when the step has no answer for that but
        one for a token that is no longer good, loses the session (Keycloak's
        userinfo answers a deleted user's token 401). A disabled one loses the
        session when neither the step nor the record can say that the account is disabled.
        """
        user = bound.user
        if user is None:
            raise Rejected("get_user must carry a value from the login")
        if user in self.state.deleted:
            if not step.rules(USER_NOT_FOUND) and step.rules(INVALID_CREDENTIALS):
                raise Rejected("the service ended the sessions of the deleted user", kind=INVALID_CREDENTIALS)
            raise Rejected("the user was deleted", kind=USER_NOT_FOUND)
        if user in self.state.disabled:
            if step.rules(ACCOUNT_DISABLED):
                raise Rejected("the account is disabled", kind=ACCOUNT_DISABLED)
            if not self.spec["mapping"].get("active"):
                raise Rejected("the service ended the sessions of the disabled user", kind=INVALID_CREDENTIALS)
        return user

    def _register(self, step: Step, bound: Bound) -> str | None:
        """Create a user from the inputs; the new user can log in at once.

        A step that carries no input (one that looks a link up first) only
        hands out what it extracts.
        """
        inputs = bound.bindings.inputs
        if bound.user is not None or not inputs:
            return bound.user  # a later step of a registration already made, or one before it
        given = fixtures.fields_from_inputs(self.spec, inputs, bound.bindings.places)
        mapping = self.spec["mapping"]
        username_field = mapping["username"]
        if username_field not in given and mapping.get("email") in given:
            given[username_field] = given[mapping["email"]]  # services that sign users in by email
        if username_field not in given:
            raise Rejected(f"the request does not carry the new user's {username_field}")
        if inputs.get("password") == "" or given[username_field] == "" or self._bad_email(given):
            raise Rejected("the new user's details are not valid", kind=INVALID_INPUT)
        if "password" in inputs and step.rules(PASSWORD_POLICY):
            _check_policy(inputs["password"])
        if self.state.find_user(str(given[username_field])) is not None:
            raise Rejected("a user with this username exists", kind=CONFLICT)
        return self.state.add_user(given, inputs.get("password"))

    def _forgot_password(self, step: Step, bound: Bound) -> str | None:
        """Record the reset; an unknown user is an error only when the spec has a rule for it."""
        inputs = bound.bindings.inputs
        if not inputs:
            return bound.user  # a step before the one that names the user
        given = fixtures.fields_from_inputs(self.spec, inputs, bound.bindings.places)
        user = self.state.find_by_fields(given) if given else bound.user
        self.state.password_resets.append({"inputs": inputs, "user": user})
        if user is None and step.rules(USER_NOT_FOUND):
            raise Rejected("no user has these details", kind=USER_NOT_FOUND)
        if user is not None:
            self.state.send_mail(user, "reset")
        return user

    def _refresh(self, step: Step, bound: Bound) -> str:
        """Hand out new tokens for a live session; each refresh token it sends works once."""
        user = bound.user
        if user is None or bound.session is None:
            raise Rejected("refresh must carry a value from the login")
        if bound.session not in self.state.sessions or user in self.state.deleted | self.state.disabled:
            raise Rejected("the session has ended", kind=INVALID_CREDENTIALS)
        for ref, value in bound.bindings.values.items():
            if ref.ns == "session" and ref.name in self.routes.rotating:
                if value not in self.state.handles:  # another refresh used it since this request was matched
                    raise Rejected("the refresh token was already used", kind=INVALID_CREDENTIALS)
                self.state.revoke(value)
        return user

    def _logout(self, step: Step, bound: Bound) -> str | None:
        """End the service session the request's values belong to (at the operation's last step)."""
        if bound.session is None:
            raise Rejected("logout must carry a value from the login")
        if step.number == len(self.routes.operations[step.operation]):
            self.state.end_session(bound.session)
        return bound.user

    def _reset_password(self, step: Step, bound: Bound) -> str | None:
        """Set the new password of the user a reset token was mailed to; the token then is used up."""
        inputs = bound.bindings.inputs
        if "token" not in inputs:
            return bound.user  # a step before the one that carries the token
        key = self._mail_token_user(inputs["token"], "reset")
        if "password" in inputs:
            _check_policy(inputs["password"])
            self.state.set_password(key, inputs["password"])
        self.state.mail_tokens[inputs["token"]]["state"] = USED
        return key

    def _change_password(self, step: Step, bound: Bound) -> str:
        """Set a signed-in user's new password when the current one is right."""
        user = bound.user
        if user is None:
            raise Rejected("change_password must carry a value from the login")
        inputs = bound.bindings.inputs
        if "current_password" in inputs and inputs["current_password"] != self.state.users[user]["password"]:
            raise Rejected("the current password is not correct", kind=INVALID_CREDENTIALS)
        if "new_password" in inputs:
            _check_policy(inputs["new_password"])
            self.state.set_password(user, inputs["new_password"])
        return user

    def _verify_email(self, step: Step, bound: Bound) -> str | None:
        """Mark the address a verification token was mailed to as verified; the token then is used up."""
        inputs = bound.bindings.inputs
        if "token" not in inputs:
            return bound.user
        key = self._mail_token_user(inputs["token"], "verify")
        self.state.unverified.discard(key)
        self.state.mail_tokens[inputs["token"]]["state"] = USED
        return key

    def _mail_token_user(self, token: str, kind: str) -> str:
        """The user a live ``kind`` token was mailed to; a used, unknown or other kind of token is invalid."""
        entry = self.state.mail_tokens.get(token)
        if entry is None or entry["kind"] != kind or entry["state"] == USED or entry["user"] in self.state.deleted:
            raise Rejected("the token is not valid or was already used", kind=INVALID_TOKEN)
        if entry["state"] == EXPIRED:
            raise Rejected("the token has expired", kind=EXPIRED_TOKEN)
        return entry["user"]

    def _bad_email(self, given: dict[str, object]) -> bool:
        fields = self.spec["user"]
        return any(fields[name]["type"] == "email" and "@" not in str(value) for name, value in given.items())


def _service_credentials(spec: dict, settings: dict[str, str]) -> tuple[str, str] | None:
    """The header, and its value, that carry the service credentials the integration is configured with."""
    credentials = spec["service"].get("credentials", {})
    kind = credentials.get("kind", "none")
    if kind == "bearer":
        return "Authorization", "Bearer " + settings.get("api_key", "")
    if kind == "header":
        return credentials.get("header", "Authorization"), credentials.get("prefix", "") + settings.get("api_key", "")
    if kind == "basic":
        pair = f"{settings.get('api_username', '')}:{settings.get('api_password', '')}"
        return "Authorization", "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    return None


def _check_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Rejected(POLICY_MESSAGE, kind=PASSWORD_POLICY)


def _number(seconds: float) -> int | float:
    """Seconds as JSON shows them: a whole number without a fraction."""
    return int(seconds) if float(seconds).is_integer() else seconds


def _error_body(rule: Rule, message: str) -> dict:
    """A body the rule's ``match`` holds for, plus an error name and message where it leaves room.

    A rule that reads the service's message (``message = "/error/message"``) gets
    it there, beside a ``code`` naming the kind: ``{"error": {"code", "message"}}``.
    """
    body: dict = {}
    for pointer, value in rule.match:
        if pointer.tokens:
            expr.assign(body, pointer, value)
    if rule.message is not None and rule.message.tokens:
        expr.assign(body, rule.message, message)
        if isinstance(body.get("error"), dict):
            body["error"].setdefault("code", rule.kind)
    else:
        body.setdefault("message", message)
    body.setdefault("error", rule.kind)
    return body


def _place(body: object, pointer: expr.Pointer, value: object) -> object:
    """``body`` with ``value`` at ``pointer``; at the root an object merges, anything else replaces."""
    if pointer.tokens and isinstance(body, dict):
        expr.assign(body, pointer, value)
        return body
    if isinstance(body, dict) and isinstance(value, dict):
        body.update(value)
        return body
    return value


def _omit(doc: object, pointer: expr.Pointer) -> object:
    """``doc`` without what ``pointer`` points at; past a ``*``, in every element."""
    if not pointer.tokens:
        return {}
    _remove(doc, pointer.tokens)
    return doc


def _remove(doc: object, tokens: tuple[str, ...]) -> None:
    head, rest = tokens[0], tokens[1:]
    if head == "*" and isinstance(doc, list):
        if not rest:
            doc.clear()
        for item in doc:
            _remove(item, rest)
    elif isinstance(doc, dict) and head in doc:
        if rest:
            _remove(doc[head], rest)
        else:
            del doc[head]
    elif isinstance(doc, list) and head.isdigit() and int(head) < len(doc):
        if rest:
            _remove(doc[int(head)], rest)
        else:
            del doc[int(head)]
