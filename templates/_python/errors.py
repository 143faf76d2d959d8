"""Errors the {{ cookiecutter.service_name | pydoc }} client raises.

Each error carries the code of the JSON error body and the HTTP status the
views answer with. Messages never contain passwords or tokens.
"""

from __future__ import annotations


class {{ cookiecutter.class_name }}Error(Exception):
    """A request to {{ cookiecutter.service_name | pydoc }} did not succeed."""

    #: The ``error.code`` of JSON error bodies.
    code = "failed"
    #: The HTTP status the integration answers with.
    status = 502
    #: The message shown to users; details stay in the exception text.
    public_message = {{ cookiecutter.messages.error.failed | py }}

    def __init__(self, *args: object, public_message: str | None = None) -> None:
        super().__init__(*args)
        if public_message is not None:
            # The service's own words (a password policy ...): shown escaped, like every message.
            self.public_message = public_message


class InvalidCredentials({{ cookiecutter.class_name }}Error):
    """The username or password is wrong, or the service session has ended."""

    code = "invalid_credentials"
    status = 401
    public_message = {{ cookiecutter.messages.error.invalid_credentials | py }}


class AccountDisabled({{ cookiecutter.class_name }}Error):
    """The account exists but may not sign in."""

    code = "account_disabled"
    status = 403
    public_message = {{ cookiecutter.messages.error.account_disabled | py }}


class UserNotFound({{ cookiecutter.class_name }}Error):
    """The service does not know the user (any more)."""

    code = "user_not_found"
    status = 404
    public_message = {{ cookiecutter.messages.error.user_not_found | py }}


class Conflict({{ cookiecutter.class_name }}Error):
    """The account already exists."""

    code = "conflict"
    status = 409
    public_message = {{ cookiecutter.messages.error.conflict | py }}


class InvalidInput({{ cookiecutter.class_name }}Error):
    """The service rejected the data sent to it."""

    code = "invalid_input"
    status = 400
    public_message = {{ cookiecutter.messages.error.invalid_input | py }}


class ServiceUnavailable({{ cookiecutter.class_name }}Error):
    """The service is down, too slow, or answered something unusable."""

    code = "service_unavailable"
    status = 503
    public_message = {{ cookiecutter.messages.error.service_unavailable | py }}


class Expired({{ cookiecutter.class_name }}Error):
    """The access token has expired: the integration refreshes the service session and tries again."""

    code = "expired"
    status = 401
    public_message = {{ cookiecutter.messages.error.expired | py }}


class InvalidToken({{ cookiecutter.class_name }}Error):
    """The token of an emailed link is unknown, malformed or already used."""

    code = "invalid_token"
    status = 400
    public_message = {{ cookiecutter.messages.error.invalid_token | py }}


class ExpiredToken({{ cookiecutter.class_name }}Error):
    """The token of an emailed link has expired."""

    code = "expired_token"
    status = 400
    public_message = {{ cookiecutter.messages.error.expired_token | py }}


class PasswordPolicy({{ cookiecutter.class_name }}Error):
    """The new password does not meet the service's password policy."""

    code = "password_policy"
    status = 422
    public_message = {{ cookiecutter.messages.error.password_policy | py }}


class Unverified({{ cookiecutter.class_name }}Error):
    """The account's email address is not verified yet, so it may not sign in."""

    code = "unverified"
    status = 403
    public_message = {{ cookiecutter.messages.error.unverified | py }}
