"""Every error authgen reports to its users, in one place.

Each class carries the exit code the CLI uses, and builds its message from
keyword arguments so that callers cannot forget the facts a user needs.
"""

from __future__ import annotations

from dataclasses import dataclass


class AuthgenError(Exception):
    """Base of the errors a user can cause and fix; never shown as a traceback."""

    exit_code = 1

    def hints(self) -> list[str]:
        """Extra lines shown under the one-line message."""
        return []


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a spec: where it is, what is wrong, and how to fix it."""

    file: str
    line: int | None
    path: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" {self.path}:" if self.path else ""
        text = f"{where}:{key} {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class SpecError(AuthgenError):
    """Raised when a spec cannot be read or does not validate.

    Holds every problem found, not just the first.
    """

    exit_code = 3

    def __init__(self, *, problems: list[Problem]) -> None:
        self.problems = problems
        per_file: dict[str, int] = {}
        for problem in problems:
            per_file[problem.file] = per_file.get(problem.file, 0) + 1
        if len(per_file) == 1:
            super().__init__(f"{problems[0].file}: {_count(len(problems), 'problem')} in the spec")
        else:
            each = ", ".join(f"{name}: {count}" for name, count in per_file.items())
            super().__init__(f"{_count(len(problems), 'problem')} in {len(per_file)} specs ({each})")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class HandEditedError(AuthgenError):
    """Raised when generating would overwrite files that were edited by hand."""

    exit_code = 4

    def __init__(self, *, out: str, files: list[str]) -> None:
        self.files = files
        super().__init__(
            f"{out}: {len(files)} generated file(s) were edited by hand; "
            "not overwriting them (use --force to overwrite)"
        )

    def hints(self) -> list[str]:
        return [f"edited: {name}" for name in self.files]


class OutputError(AuthgenError):
    """Raised when the output folder cannot be written or read as expected."""

    exit_code = 5

    def __init__(self, *, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")


class UnknownTargetError(AuthgenError):
    """Raised when a target name is not one authgen knows."""

    exit_code = 2

    def __init__(self, *, name: str, known: list[str]) -> None:
        super().__init__(f"unknown target {name!r}; known targets: {', '.join(known)}")


class UnsupportedTargetError(AuthgenError):
    """Raised when a target is asked for a kind of sign-in its template does not implement yet."""

    exit_code = 2

    def __init__(self, *, name: str, feature: str, supported: list[str]) -> None:
        super().__init__(f"{name} does not support {feature} yet; targets that do: {', '.join(supported) or 'none'}")


class ToolchainError(AuthgenError):
    """Raised when a target's toolchain is needed but missing or failing."""

    exit_code = 6

    def __init__(self, *, target: str, reason: str) -> None:
        super().__init__(f"{target}: {reason}")


class TemplateRenderError(AuthgenError):
    """Raised when a target's template does not render: a template maintainer's mistake, not the user's."""

    exit_code = 1

    def __init__(self, *, template: str, line: int | None, reason: str) -> None:
        where = f"{template}:{line}" if line else template
        super().__init__(f"{where}: the template does not render: {reason}")
