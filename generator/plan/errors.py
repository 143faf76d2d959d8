"""The errors a generated client raises: one class (or enum member) per error kind, named alike everywhere.

Every target names the error kinds of the spec the same way
(``invalid_credentials`` is ``InvalidCredentials`` in Python, JavaScript, Java
and C#), answers each with the same HTTP status and shows users the same
message, so the READMEs, the HTTP contract and the conformance kit can talk
about one set of names.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import MESSAGE_KINDS, Spec


@dataclass(frozen=True)
class ErrorKind:
    """One error kind as every integration shows it."""

    #: the ``error.code`` of JSON error bodies
    code: str
    #: the generated error class (or C# ``ErrorKind`` member)
    cls: str
    #: the HTTP status the integration answers with
    status: int
    #: the message users see (for invalid_input and password_policy: unless the service sent its own)
    message: str


#: Every error kind a spec's rules may name, in the order of :data:`generator.model.ERROR_KINDS`.
KINDS = (
    ErrorKind("invalid_credentials", "InvalidCredentials", 401, "Invalid username or password."),
    ErrorKind("account_disabled", "AccountDisabled", 403, "This account is disabled."),
    ErrorKind("user_not_found", "UserNotFound", 404, "No such user."),
    ErrorKind("conflict", "Conflict", 409, "An account with these details already exists."),
    ErrorKind("invalid_input", "InvalidInput", 400, "Some of the details are not valid."),
    ErrorKind(
        "service_unavailable", "ServiceUnavailable", 503, "The identity service is unavailable. Please try again later."
    ),
    ErrorKind("expired", "Expired", 401, "Your session has expired. Please sign in again."),
    ErrorKind("invalid_token", "InvalidToken", 400, "This link is not valid or was already used. Ask for a new one."),
    ErrorKind("expired_token", "ExpiredToken", 400, "This link has expired. Ask for a new one."),
    ErrorKind("password_policy", "PasswordPolicy", 422, "The new password does not meet the password policy."),
    ErrorKind("unverified", "Unverified", 403, "Verify your email address first: use the link we sent you."),
)

#: The generated error class (or C# ``ErrorKind`` member) of each error kind.
ERROR_CLASSES = {kind.code: kind.cls for kind in KINDS}

#: The longest service message an integration shows; a longer one is cut there.
MAX_SERVICE_MESSAGE = 300


def rule_errors(spec: Spec) -> set[str]:
    """The error classes the spec's error rules map responses to."""
    return {ERROR_CLASSES[r.kind] for op in spec.operations.values() for step in op.steps for r in step.errors}


def client_errors(spec: Spec) -> set[str]:
    """The error classes a generated client raises: those of the rules, and ``ServiceUnavailable``.

    Every client fails closed: an answer no rule and no ``ok`` status covers
    (a 5xx, a timeout, a body it cannot read) raises ``ServiceUnavailable``.
    """
    return rule_errors(spec) | {ERROR_CLASSES["service_unavailable"]}


def service_messages(spec: Spec) -> bool:
    """Whether a rule passes the service's own message through (``message = "<pointer>"``)."""
    return any(r.message is not None for op in spec.operations.values() for step in op.steps for r in step.errors)


__all__ = [
    "ERROR_CLASSES",
    "KINDS",
    "MAX_SERVICE_MESSAGE",
    "MESSAGE_KINDS",
    "ErrorKind",
    "client_errors",
    "rule_errors",
    "service_messages",
]
