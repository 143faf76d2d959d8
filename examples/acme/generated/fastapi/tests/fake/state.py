"""Everything the fake remembers between requests, and nothing else.

Users (fixtures plus registered ones, and which are disabled, deleted or not
yet verified), the values the fake handed out (tokens, ids, links) with the
access tokens' deadlines, the live service sessions, the mails sent (with
their reset and verification tokens), call counts and injected faults.
``POST /__fake__/reset`` puts all of it back to the start.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, replace

from . import fixtures
from .routes import OPERATIONS, Step

try:
    from .. import expr  # inside authgen: generator/fake/
except (ImportError, ValueError):
    from . import expr  # copied into a generated package as fake/

#: How many recent requests ``/__fake__/calls`` lists.
RECENT_REQUESTS = 200

#: Seconds an access token lasts unless ``POST /__fake__/tokens`` says otherwise.
DEFAULT_TOKEN_TTL = 300

#: The fixture user whose email address is not verified yet (specs with verify_email).
UNVERIFIED = "unverified"

#: What a reset or verification token in the outbox is: live until used or expired.
LIVE, USED, EXPIRED = "live", "used", "expired"


@dataclass(frozen=True)
class Handle:
    """What a value the fake handed out stands for: who it was issued to, by which step."""

    operation: str
    step: int
    name: str
    run: int  # one execution of an operation: a login session, a registration ...
    user: str | None
    #: marked public = true in the spec: an id or a link, not a secret, so not listed as issued for S17
    public: bool = False


@dataclass(frozen=True)
class Fault:
    """A failure to inject into an operation's answers (see ``POST /__fake__/faults``)."""

    status: int | None = None
    delay: float = 0.0
    drop: bool = False
    body: str | None = None
    omit: expr.Pointer | None = None
    #: how many more requests it applies to; None until reset.
    times: int | None = None


class State:
    """The fake's memory; every method is safe to call from the server's threads."""

    def __init__(self, spec: dict) -> None:
        self.spec = spec
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Forget everything that happened since the start."""
        with self.lock:
            self.users: dict[str, dict] = {user["key"]: user for user in fixtures.fixture_users(self.spec)}
            self.disabled = {"disabled"}
            self.deleted: set[str] = set()
            self.unverified = {UNVERIFIED} & set(self.users)
            self.handles: dict[str, Handle] = {}
            #: access token -> the time.monotonic() at which it stops working.
            self.deadlines: dict[str, float] = {}
            self.token_ttl: float = DEFAULT_TOKEN_TTL
            #: live service sessions: login run -> its user.
            self.sessions: dict[int, str] = {}
            self.outbox: list[dict] = []
            #: reset or verification token -> {"user", "kind", "state"}.
            self.mail_tokens: dict[str, dict] = {}
            self.faults: dict[str | None, Fault] = {}
            self.counts = dict.fromkeys(OPERATIONS, 0)
            self.requests: deque[dict] = deque(maxlen=RECENT_REQUESTS)
            self.password_resets: list[dict] = []
            self._runs = itertools.count(1)
            for key in self.unverified:
                self.send_mail(key, "verify")

    # -- users -----------------------------------------------------------

    def find_user(self, username: str) -> str | None:
        """The key of the user who logs in as ``username``, unless deleted."""
        with self.lock:
            return next((k for k, u in self.users.items() if u["username"] == username and k not in self.deleted), None)

    def find_by_fields(self, values: dict[str, object]) -> str | None:
        """The key of the user whose fields hold every one of ``values``, unless deleted."""
        with self.lock:
            for key, user in self.users.items():
                if key not in self.deleted and all(user["fields"].get(k) == v for k, v in values.items()):
                    return key
        return None

    def add_user(self, given: dict[str, object], password: str | None) -> str:
        """Register a user with the ``given`` field values; return its key."""
        with self.lock:
            user = fixtures.registered_user(self.spec, len(self.users) + 1, given, password)
            self.users[user["key"]] = user
            return user["key"]

    def disable(self, key: str) -> dict:
        """Make a user inactive: its record says so, and login refuses it where the spec can say so."""
        with self.lock:
            self.users[key] = fixtures.with_active(self.spec, self.users[key], False)
            self.disabled.add(key)
            return self.users[key]

    def delete(self, key: str) -> None:
        """Delete a user: login does not know it any more, get_user does not find it."""
        with self.lock:
            self.deleted.add(key)

    def set_password(self, key: str, password: str) -> None:
        with self.lock:
            self.users[key] = {**self.users[key], "password": password}

    # -- mail ----------------------------------------------------------------

    def send_mail(self, key: str, kind: str) -> str:
        """Mail user ``key`` a fresh reset or verification token (``kind`` "reset" or "verify"); return it."""
        token = secrets.token_urlsafe(18)
        with self.lock:
            user = self.users[key]
            to = user["expected"].get("email") or user["username"]
            self.outbox.append({"to": to, "user": key, "kind": kind, "token": token})
            self.mail_tokens[token] = {"user": key, "kind": kind, "state": LIVE}
        return token

    def expire_mail_token(self, token: str) -> None:
        with self.lock:
            self.mail_tokens[token]["state"] = EXPIRED

    # -- service sessions and token lifetimes -------------------------------------

    def open_session(self, run: int, key: str) -> None:
        with self.lock:
            self.sessions[run] = key

    def end_session(self, run: int) -> None:
        """End a service session: every value handed out for it stops working."""
        with self.lock:
            self.sessions.pop(run, None)
            for value in [value for value, handle in self.handles.items() if handle.run == run]:
                self.revoke(value)

    def revoke(self, value: str) -> None:
        with self.lock:
            self.handles.pop(value, None)
            self.deadlines.pop(value, None)

    def expired(self, value: str) -> bool:
        """True when ``value`` is an access token past its deadline."""
        with self.lock:
            deadline = self.deadlines.get(value)
        return deadline is not None and time.monotonic() >= deadline

    def expire_tokens(self, key: str | None = None) -> int:
        """Make the current access tokens of user ``key`` (None: of everyone) expire now; return how many."""
        now = time.monotonic()
        with self.lock:
            values = [v for v in self.deadlines if key is None or self.handles[v].user == key]
            for value in values:
                self.deadlines[value] = min(self.deadlines[value], now)
            return len(values)

    def sessions_view(self) -> dict[str, int]:
        """The number of live service sessions of each user (every user, 0 included)."""
        with self.lock:
            counts = dict.fromkeys(self.users, 0)
            for key in self.sessions.values():
                counts[key] = counts.get(key, 0) + 1
            return counts

    # -- handed-out values -------------------------------------------------

    def new_run(self) -> int:
        with self.lock:
            return next(self._runs)

    def issue(self, handle: Handle, link_base: str | None = None, *, expires: bool = False) -> str:
        """Hand out a fresh opaque value standing for ``handle``; a URL under ``link_base`` when given.

        :param expires: the value is an access token: it stops working after the token lifetime.
        """
        value = (link_base or "") + secrets.token_urlsafe(18)
        with self.lock:
            self.handles[value] = handle
            if expires:
                self.deadlines[value] = time.monotonic() + self.token_ttl
        return value

    # -- calls and faults ----------------------------------------------------

    def note_call(self, step: Step) -> None:
        """Count an operation once, at its first step."""
        if step.number == 1:
            with self.lock:
                self.counts[step.operation] += 1

    def note_request(self, method: str, path: str, step: Step | None, status: int | None) -> None:
        entry = {
            "method": method,
            "path": path,
            "operation": step.operation if step else None,
            "step": step.number if step else None,
            "status": status,
        }
        with self.lock:
            self.requests.append(entry)

    def set_fault(self, operation: str | None, fault: Fault) -> None:
        """Inject ``fault`` into every answer of ``operation`` (None: of every operation)."""
        with self.lock:
            self.faults[operation] = fault

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def take_fault(self, operation: str) -> Fault | None:
        """The fault for one answer of ``operation``, counting it against ``times``."""
        with self.lock:
            key = operation if operation in self.faults else None
            fault = self.faults.get(key)
            if fault is not None and fault.times is not None:
                if fault.times <= 1:
                    del self.faults[key]
                else:
                    self.faults[key] = replace(fault, times=fault.times - 1)
            return fault

    # -- views for the control endpoints --------------------------------------

    def users_view(self) -> dict[str, dict]:
        with self.lock:
            return {
                key: {
                    **user,
                    "disabled": key in self.disabled,
                    "deleted": key in self.deleted,
                    "unverified": key in self.unverified,
                }
                for key, user in self.users.items()
            }

    def calls_view(self) -> dict:
        """Counts per operation, recent requests, password resets, and every value handed out (for S17)."""
        with self.lock:
            issued = [
                {"value": value, "operation": h.operation, "step": h.step, "name": h.name}
                for value, h in self.handles.items()
                if not h.public
            ]
            return {
                **self.counts,
                "requests": list(self.requests),
                "password_resets": list(self.password_resets),
                "issued": issued,
            }
