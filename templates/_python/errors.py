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
    public_message = "The identity service answered something unexpected."


class InvalidCredentials({{ cookiecutter.class_name }}Error):
    """The username or password is wrong, or the service session has ended."""

    code = "invalid_credentials"
    status = 401
    public_message = "Invalid username or password."


class AccountDisabled({{ cookiecutter.class_name }}Error):
    """The account exists but may not sign in."""

    code = "account_disabled"
    status = 403
    public_message = "This account is disabled."


class UserNotFound({{ cookiecutter.class_name }}Error):
    """The service does not know the user (any more)."""

    code = "user_not_found"
    status = 404
    public_message = "No such user."


class Conflict({{ cookiecutter.class_name }}Error):
    """The account already exists."""

    code = "conflict"
    status = 409
    public_message = "An account with these details already exists."


class InvalidInput({{ cookiecutter.class_name }}Error):
    """The service rejected the data sent to it."""

    code = "invalid_input"
    status = 400
    public_message = "Some of the details are not valid."


class ServiceUnavailable({{ cookiecutter.class_name }}Error):
    """The service is down, too slow, or answered something unusable."""

    code = "service_unavailable"
    status = 503
    public_message = "The identity service is unavailable. Please try again later."
