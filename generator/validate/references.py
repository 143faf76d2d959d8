"""Check the references between steps and sections, and that every extracted value is used.

A ``${...}`` must name something that exists by the time it is used: an input
the operation has, a setting of ``[service]`` or ``[service.config]``, what
login extracted (``session``), or what an earlier step extracted (``steps``).
These checks read every step's draft, also of steps with problems, so a
misspelt reference is reported once, as such, and not again as an unused extract.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .. import expr
from ..lines import KeyPath
from ..model import EXPIRES_IN, FIXED_INPUTS, SESSION_OPERATIONS, USER_EXTRACT
from .operations import Draft, Drafts
from .report import Report, closest, listed


class ReferenceChecks(Report):
    """``${input.x}``, ``${config.x}``, ``${service.x}``, ``${session.x}``, ``${steps.n.x}`` and extract usage."""

    def check_references(self, drafts: Drafts) -> None:
        """Every ``${...}`` must name something that exists by the time it is used."""
        login_names = _declared(drafts.get("login"))
        for op, steps in drafts.items():
            for index, draft in enumerate(steps or ()):
                for path, ref in draft.refs():
                    self.check_ref(ref, path, op, index, steps, login_names)  # type: ignore[arg-type]
            if steps and all(d.complete for d in steps):
                self.check_inputs(op, steps)

    def check_inputs(self, op: str, steps: list[Draft]) -> None:
        """Login, reset_password, change_password and verify_email send each of their fixed inputs;
        register and forgot_password send some of their form; refresh sends something of the session."""
        used = {ref.name for d in steps for _, ref in d.refs() if ref.ns == "input"}
        fixed = FIXED_INPUTS.get(op)
        if fixed is not None and used <= set(fixed):
            for name in fixed:
                if name not in used:
                    message = f"{op} never sends ${{input.{name}}}"
                    self.problem(("operations", op), message, "send it in the path, json, form, a header or basic auth")
        elif op in ("register", "forgot_password") and not used:
            self.problem(
                ("operations", op), f"{op} sends nothing the user typed", "send the form's fields, e.g. ${input.email}"
            )
        elif op == "refresh" and not any(ref.ns == "session" for d in steps for _, ref in d.refs()):
            self.problem(
                ("operations", op),
                "refresh sends nothing of the service session",
                "send what login extracted to renew it, e.g. ${session.refresh_token}",
            )

    def check_ref(
        self, ref: expr.Ref, path: KeyPath, op: str, index: int, steps: list[Draft], login_names: set[str] | None
    ) -> None:
        label = "${" + str(ref) + "}"
        if ref.ns == "input":
            self.check_input(ref, label, path, op)
        elif ref.ns == "config":
            self.check_config(ref, label, path)
        elif ref.ns == "service":
            self.check_service(ref, label, path)
        elif ref.ns == "session":
            self.check_session(ref, label, path, op, login_names)
        else:
            self.check_step_ref(ref, label, path, op, index, steps)

    def check_input(self, ref: expr.Ref, label: str, path: KeyPath, op: str) -> None:
        fixed = FIXED_INPUTS.get(op)
        if fixed is not None and ref.name not in fixed:
            close = closest(ref.name, fixed)
            if close:
                hint = f"did you mean 'input.{close}'?"
            elif op == "login":
                hint = "use ${input.username} for the name the user types"
            else:
                hint = f"{op}'s page asks for exactly these"
            only = listed(tuple(f"input.{name}" for name in fixed))
            self.problem(path, f"{label}: {op} has only {only}", hint)
        elif op in SESSION_OPERATIONS and op != "change_password":
            self.problem(path, f"{label}: {op} has no input", "use what login extracted: ${session.<name>}")

    def check_config(self, ref: expr.Ref, label: str, path: KeyPath) -> None:
        if self.config_names is None or ref.name in self.config_names:
            return
        if self.service_names and ref.name in self.service_names:
            hint = f"{ref.name!r} is a service setting: write ${{service.{ref.name}}}"
        else:
            hint = self.suggest(ref.name, self.config_names, "[service.config]")
        self.problem(path, f"{label} is not defined", hint)

    def check_service(self, ref: expr.Ref, label: str, path: KeyPath) -> None:
        if self.service_names is None or ref.name in self.service_names:
            return
        if self.config_names and ref.name in self.config_names:
            hint = f"{ref.name!r} is in [service.config]: write ${{config.{ref.name}}}"
        else:
            hint = self.suggest(ref.name, self.service_names, "[service]")
        self.problem(path, f"{label} is not defined", hint)

    def check_session(self, ref: expr.Ref, label: str, path: KeyPath, op: str, login_names: set[str] | None) -> None:
        if op == "login":
            self.problem(
                path,
                f"{label}: login runs before there is a session",
                "use ${steps.<n>.<name>} from an earlier login step",
            )
        elif op not in SESSION_OPERATIONS:
            self.problem(path, f"{label}: {op} runs without a session", "use ${input.<name>} or ${config.<name>}")
        elif ref.name == EXPIRES_IN:
            self.problem(
                path,
                f"{label}: the session keeps no expires_in",
                "the integration turns it into a deadline (expires_at) and refreshes when it passes; send a token",
            )
        elif login_names is not None and ref.name not in login_names:
            hint = self.suggest(ref.name, login_names, "the login steps' extract")
            self.problem(path, f"{label}: login does not extract {ref.name!r}", hint)

    def check_step_ref(self, ref: expr.Ref, label: str, path: KeyPath, op: str, index: int, steps: list[Draft]) -> None:
        n = ref.step or 0
        earlier = "a step can use only what an earlier step extracted"
        if n > len(steps):
            count = f"{len(steps)} step" + ("s" if len(steps) > 1 else "")
            self.problem(path, f"{label}: there is no step {n}; {op} has {count}", earlier)
        elif n > index:
            self.problem(path, f"{label}: step {n} does not run before step {index + 1}", earlier)
        elif ref.name == EXPIRES_IN:
            hint = "the integration keeps it as the session's deadline; send another value"
            self.problem(path, f"{label}: expires_in is not sent on to a later step", hint)
        elif steps[n - 1].complete and ref.name not in steps[n - 1].extracts:
            hint = self.suggest(ref.name, steps[n - 1].extracts, f"step {n}'s extract")
            self.problem(path, f"{label}: step {n} does not extract {ref.name!r}", hint)

    def check_extracts(self, drafts: Drafts) -> None:
        """Every extracted value must be used, and get_user must end with the user record."""
        session_used = None
        get_user = drafts.get("get_user")
        readers = [drafts.get(op) for op in SESSION_OPERATIONS if op in drafts]
        login_names = _declared(drafts.get("login")) or set()
        if get_user and all(steps and all(d.complete for d in steps) for steps in readers):
            refs = (r for steps in readers for d in steps or () for _, r in d.refs() if r.ns == "session")
            session_used = {_intended(r.name, login_names) for r in refs}
        misspelt_user = self.check_user_extract(get_user)
        context = _Extracts(session_used, _declared(drafts.get("login")), "refresh" in drafts)
        for op, steps in drafts.items():
            for index, draft in enumerate(steps or ()):
                for key, path in draft.extracts.items():
                    if path != misspelt_user:
                        self.check_extract(op, steps, index, key, path, context)  # type: ignore[arg-type]

    def check_user_extract(self, get_user: list[Draft] | None) -> KeyPath | None:
        """get_user's last step must extract ``user``; returns the path of a misspelling of it."""
        if not get_user or not get_user[-1].complete or USER_EXTRACT in get_user[-1].extracts:
            return None
        extracts = get_user[-1].extracts
        close = closest(USER_EXTRACT, extracts)
        if close:
            message = f"the last step of get_user must extract 'user', the user record, not {close!r}"
            self.problem(extracts[close], message, "did you mean 'user'?")
            return extracts[close]
        self.problem(
            (*get_user[-1].path, "extract"),
            "the last step of get_user must extract the user record",
            'add extract = { user = "" }, or the JSON pointer of the user object instead of ""',
        )
        return None

    def check_extract(
        self, op: str, steps: list[Draft], index: int, key: str, path: KeyPath, context: _Extracts
    ) -> None:
        later = steps[index + 1 :]
        session_used = context.session_used
        if key == EXPIRES_IN:
            self.check_expires_in(op, path, context)
        elif key == USER_EXTRACT and op == "login":
            self.problem(path, "login cannot extract 'user'; get_user reads the user record", "rename it, e.g. user_id")
        elif key == USER_EXTRACT and op in ("get_user", "register"):
            if later:
                self.problem(
                    path, f"the user record must come from the last step of {op}", "move this extract to the last step"
                )
        elif not all(d.complete for d in later) or _used_later(later, index + 1, key, steps[index].extracts):
            return
        elif op == "login":
            if session_used is not None and key not in session_used:
                self.problem(
                    path,
                    f"login extracts {key!r} but nothing uses it",
                    f"use it as ${{session.{key}}} in get_user, or remove it",
                )
        elif op == "refresh":
            if context.login_names is not None and key not in context.login_names:
                names = sorted(context.login_names - {EXPIRES_IN})
                hint = f"name it as login does ({', '.join(names)}), or expires_in" if names else "remove it"
                self.problem(
                    path, f"refresh extracts {key!r}, which login does not: it replaces no session value", hint
                )
        else:
            self.problem(
                path,
                f"{key!r} is extracted but no later step uses it",
                f"use it as ${{steps.{index + 1}.{key}}} in a later step, or remove it",
            )

    def check_expires_in(self, op: str, path: KeyPath, context: _Extracts) -> None:
        """``expires_in`` is the access token's lifetime: only login and refresh extract it, and only with refresh."""
        if op not in ("login", "refresh"):
            message = f"expires_in is reserved for login and refresh; {op} has no access token"
            self.problem(path, message, "rename it, e.g. lifetime")
        elif op == "login" and not context.has_refresh:
            message = "login extracts expires_in, but nothing refreshes the session when it passes"
            self.problem(path, message, "add [operations.refresh] or drop the expires_in extract")


@dataclass(frozen=True)
class _Extracts:
    """What the extract checks of every step need to know about the spec."""

    #: the login extracts the session operations read; None when one of them cannot be read
    session_used: set[str] | None
    #: what login extracts; None when its steps cannot be read
    login_names: set[str] | None
    has_refresh: bool


def _declared(steps: list[Draft] | None) -> set[str] | None:
    """The names an operation's steps extract; None when they cannot all be read."""
    if not steps or not all(d.complete for d in steps):
        return None
    return {name for d in steps for name in d.extracts}


def _used_later(later: list[Draft], step: int, name: str, extracted: Iterable[str]) -> bool:
    """Whether a later step reads ``${steps.<step>.<name>}`` (or a misspelling of it)."""
    refs = (r for d in later for _, r in d.refs() if r.ns == "steps" and r.step == step)
    return any(_intended(r.name, extracted) == name for r in refs)


def _intended(name: str, known: Iterable[str]) -> str:
    """``name`` when it is known, else the known name it most likely misspells.

    A misspelt reference is reported once, as such; the name it meant to use
    then does not also count as unused.
    """
    known = list(known)
    return name if name in known else (closest(name, known) or name)
