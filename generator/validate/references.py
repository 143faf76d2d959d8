"""Check the references between steps and sections, and that every extracted value is used.

A ``${...}`` must name something that exists by the time it is used: an input
the operation has, a setting of ``[service]`` or ``[service.config]``, what
login extracted (``session``), or what an earlier step extracted (``steps``).
These checks read every step's draft, also of steps with problems, so a
misspelt reference is reported once, as such, and not again as an unused extract.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import expr
from ..lines import KeyPath
from ..model import LOGIN_INPUTS, USER_EXTRACT
from .operations import Draft, Drafts
from .report import Report, closest


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
        """Login sends both credentials; register and forgot_password send some of their form."""
        used = {ref.name for d in steps for _, ref in d.refs() if ref.ns == "input"}
        if op == "login" and used <= set(LOGIN_INPUTS):
            for name in LOGIN_INPUTS:
                if name not in used:
                    message = f"login never sends ${{input.{name}}}"
                    self.problem(("operations", op), message, "send it in json, form, a header or basic auth")
        elif op in ("register", "forgot_password") and not used:
            self.problem(
                ("operations", op), f"{op} sends nothing the user typed", "send the form's fields, e.g. ${input.email}"
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
        if op == "login" and ref.name not in LOGIN_INPUTS:
            close = closest(ref.name, LOGIN_INPUTS)
            hint = f"did you mean 'input.{close}'?" if close else "use ${input.username} for the name the user types"
            self.problem(path, f"{label}: login has only input.username and input.password", hint)
        elif op == "get_user":
            self.problem(path, f"{label}: get_user has no input", "use what login extracted: ${session.<name>}")

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
        elif op != "get_user":
            self.problem(path, f"{label}: {op} runs without a session", "use ${input.<name>} or ${config.<name>}")
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
        elif steps[n - 1].complete and ref.name not in steps[n - 1].extracts:
            hint = self.suggest(ref.name, steps[n - 1].extracts, f"step {n}'s extract")
            self.problem(path, f"{label}: step {n} does not extract {ref.name!r}", hint)

    def check_extracts(self, drafts: Drafts) -> None:
        """Every extracted value must be used, and get_user must end with the user record."""
        session_used = None
        get_user = drafts.get("get_user")
        if get_user and all(d.complete for d in get_user):
            login_names = _declared(drafts.get("login")) or set()
            session_used = {_intended(r.name, login_names) for d in get_user for _, r in d.refs() if r.ns == "session"}
        misspelt_user = self.check_user_extract(get_user)
        for op, steps in drafts.items():
            for index, draft in enumerate(steps or ()):
                for key, path in draft.extracts.items():
                    if path != misspelt_user:
                        self.check_extract(op, steps, index, key, path, session_used)  # type: ignore[arg-type]

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
        self, op: str, steps: list[Draft], index: int, key: str, path: KeyPath, session_used: set[str] | None
    ) -> None:
        later = steps[index + 1 :]
        if key == USER_EXTRACT and op == "login":
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
        else:
            self.problem(
                path,
                f"{key!r} is extracted but no later step uses it",
                f"use it as ${{steps.{index + 1}.{key}}} in a later step, or remove it",
            )


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
