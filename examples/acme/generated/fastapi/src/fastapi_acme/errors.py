"""Errors the Acme Identity client raises.

Each error carries the code of the JSON error body and the HTTP status the
views answer with. Messages never contain passwords or tokens.
"""

from __future__ import annotations


class AcmeError(Exception):
    """A request to Acme Identity did not succeed."""

    #: The ``error.code`` of JSON error bodies.
    code = "failed"
    #: The HTTP status the integration answers with.
    status = 502
    #: The message shown to users; details stay in the exception text.
    public_message = "The identity service answered something unexpected."

    def __init__(self, *args: object, public_message: str | None = None) -> None:
        super().__init__(*args)
        if public_message is not None:
            # The service's own words (a password policy ...): shown escaped, like every message.
            self.public_message = public_message


class InvalidCredentials(AcmeError):
    """The username or password is wrong, or the service session has ended."""

    code = "invalid_credentials"
    status = 401
    public_message = "Invalid username or password."


class AccountDisabled(AcmeError):
    """The account exists but may not sign in."""

    code = "account_disabled"
    status = 403
    public_message = "This account is disabled."


class UserNotFound(AcmeError):
    """The service does not know the user (any more)."""

    code = "user_not_found"
    status = 404
    public_message = "No such user."


class Conflict(AcmeError):
    """The account already exists."""

    code = "conflict"
    status = 409
    public_message = "An account with these details already exists."


class InvalidInput(AcmeError):
    """The service rejected the data sent to it."""

    code = "invalid_input"
    status = 400
    public_message = "Some of the details are missing or not valid."


class ServiceUnavailable(AcmeError):
    """The service is down, too slow, or answered something unusable."""

    code = "service_unavailable"
    status = 503
    public_message = "The identity service is unavailable. Please try again later."


class Expired(AcmeError):
    """The access token has expired: the integration refreshes the service session and tries again."""

    code = "expired"
    status = 401
    public_message = "Your session has expired. Please sign in again."


class InvalidToken(AcmeError):
    """The token of an emailed link is unknown, malformed or already used."""

    code = "invalid_token"
    status = 400
    public_message = "This link is not valid or was already used. Ask for a new one."


class ExpiredToken(AcmeError):
    """The token of an emailed link has expired."""

    code = "expired_token"
    status = 400
    public_message = "This link has expired. Ask for a new one."


class PasswordPolicy(AcmeError):
    """The new password does not meet the service's password policy."""

    code = "password_policy"
    status = 422
    public_message = "The new password does not meet the password policy."


class Unverified(AcmeError):
    """The account's email address is not verified yet, so it may not sign in."""

    code = "unverified"
    status = 403
    public_message = "Verify your email address first: use the link we sent you."
