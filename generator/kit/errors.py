"""The error the conformance kit reports when it cannot run at all.

A failing conformance test is not an error: it is pytest's exit code.  This
is for the things around the tests: a folder that is not a generated
package, an example app that does not install or start, a fake that does
not answer.
"""

from __future__ import annotations

from ..errors import AuthgenError


class KitError(AuthgenError):
    """Raised when the kit cannot set up the app or the fake it tests.

    :param subject: what failed (a folder, a command).
    :param reason: why, in one line.
    :param details: lines shown under the message: the last output of a
        command, or how to fix the problem.
    """

    exit_code = 7

    def __init__(self, *, subject: str, reason: str, details: list[str] | tuple[str, ...] = ()) -> None:
        self.details = list(details)
        super().__init__(f"{subject}: {reason}")

    def hints(self) -> list[str]:
        return self.details
