"""The errors a generated client raises: one class (or enum member) per error kind, named alike everywhere.

Every target names the error kinds of the spec the same way
(``invalid_credentials`` is ``InvalidCredentials`` in Python, JavaScript, Java
and C#), so the READMEs and the conformance kit can talk about one set of names.
"""

from __future__ import annotations

from ..model import Spec

#: The generated error class (or C# ``ErrorKind`` member) of each error kind.
ERROR_CLASSES = {
    "invalid_credentials": "InvalidCredentials",
    "account_disabled": "AccountDisabled",
    "user_not_found": "UserNotFound",
    "conflict": "Conflict",
    "invalid_input": "InvalidInput",
    "service_unavailable": "ServiceUnavailable",
}


def rule_errors(spec: Spec) -> set[str]:
    """The error classes the spec's error rules map responses to."""
    return {ERROR_CLASSES[r.kind] for op in spec.operations.values() for step in op.steps for r in step.errors}
